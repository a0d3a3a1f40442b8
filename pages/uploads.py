"""The Upload page's parts: check each dropped file (a dry run), show its report where Excel shows
the problems, and load the valid files behind a progress bar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from loaders import LoadReport, Source, load_file, upload_scope
from loaders.templates import TEMPLATES
from pages import ui
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

# What the files are, in a QAL's words, by loader kind (loaders.KINDS); audit returns first (default).
KIND_LABELS = {
    "audits": "Audit returns",
    "kpis": "KPI extract",
    "comparators": "Comparators (statistical neighbours, region, England)",
    "annex_a": "Annex A workbook",
    "catalogue": "KPI catalogue (our KPIs, definitions and targets)",
    "surveys": "Survey results (young people, parents and carers)",
    "complaints": "Complaints and compliments",
    "actions": "Action tracker (monthly snapshot of actions from audits and reviews)",
    "audit_plan": "Audit plan (the months' planned audits, dip samples and observations)",
}


# What each kind's blank template is called on its download button.
TEMPLATE_NAMES = {
    "audits": "audit return",
    "kpis": "KPI extract",
    "comparators": "comparators file",
    "catalogue": "KPI catalogue",
    "surveys": "survey results sheet",
    "complaints": "complaints and compliments log",
    "actions": "action tracker",
    "audit_plan": "audit plan",
}
ANNEX_A_TEMPLATE = (
    "https://www.gov.uk/government/publications/inspecting-local-authority-childrens-services-from-2018"
)
# The date each kind's loader takes from the page, by option name: (option, label, help).
DATE_OPTIONS = {
    "annex_a": (
        "reference_date",
        "Annex A reference date",
        "The date the lists were run. Leave blank to take it from the workbook (the loader's default).",
    ),
    "actions": (
        "snapshot_date",
        "Snapshot date (the date the tracker was exported)",
        "Leave blank to use the latest date in the file (the latest raised or completed date).",
    ),
}


def kinds_for(scope: Scope) -> list[str]:
    """The kinds of file `scope` may load, in KIND_LABELS order (council-wide kinds need every area)."""
    return [k for k in KIND_LABELS if upload_scope.may_load(k, scope)]


def scope_caption(scope: Scope, kinds: list[str]) -> None:
    """Which areas the uploader's files may hold, and why council-wide files are not offered."""
    areas = scope.areas_for("upload")
    if set(areas) >= set(SERVICE_AREAS):
        return
    missing = [KIND_LABELS[k] for k in KIND_LABELS if k not in kinds]
    which = "that area" if len(areas) == 1 else "one of them"
    text = (f"You upload for **{', '.join(areas)}**: every row must be for {which}, and a file replaces only "
            "your areas' records, never another area's.")
    if missing:
        text += f" Council-wide files ({'; '.join(missing)}) are loaded by someone who uploads for every area."
    st.info(
        text,
        icon=":material/lock:",
    )


def load_options(kind: str, chosen: date | None) -> dict[str, Any]:
    """The loader options the page sets: the date a kind takes (see DATE_OPTIONS) when one was
    given, else none (the loader's default)."""
    return {DATE_OPTIONS[kind][0]: chosen} if kind in DATE_OPTIONS and chosen else {}


def date_option(kind: str) -> date | None:
    """The date input for kinds that take a date (Annex A's reference date, the action tracker's
    snapshot date); None for the others or when left blank. No future dates."""
    if kind not in DATE_OPTIONS:
        return None
    _, label, help_ = DATE_OPTIONS[kind]
    chosen = st.date_input(
        label, value=None, max_value=date.today(), format="DD/MM/YYYY", help=help_, key=f"qa_upload_date_{kind}"
    )
    return chosen if isinstance(chosen, date) else None


def template_download(kind: str) -> None:
    """The blank template for `kind`; for Annex A, where to find Ofsted's."""
    if kind not in TEMPLATES:
        st.caption(
            f"Annex A follows Ofsted's own template: see [Child-level data: additional guidance and template for "
            f"Annex A]({ANNEX_A_TEMPLATE}). Upload the workbook, or one CSV per list."
        )
        return
    file_name, _ = TEMPLATES[kind]
    st.download_button(
        f"Download the blank {TEMPLATE_NAMES.get(kind, 'template')}",
        ui.template_bytes(kind),
        file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        help="An .xlsx with the expected columns, drop-down lists for coded columns, an example row and "
        "an Instructions sheet.",
    )


def upload_groups(files: Sequence[UploadedFile], kind: str) -> list[list[UploadedFile]]:
    """What is checked and loaded as one upload: each file on its own, except Annex A CSVs (one per
    list), which are one upload together."""
    if kind != "annex_a":
        return [[f] for f in files]
    csvs = [f for f in files if f.name.lower().endswith(".csv")]
    return [[f] for f in files if f not in csvs] + ([csvs] if csvs else [])


def check_uploads(
    files: Sequence[UploadedFile], kind: str = "audits", options: dict[str, Any] | None = None
) -> list[tuple[list[UploadedFile], LoadReport]]:
    """Each upload (see upload_groups) with its dry-run report as `kind`; an upload is checked once per
    set of files, kind and options."""
    options = options or {}
    done: dict[str, LoadReport] = st.session_state.setdefault("_qa_checked", {})
    groups = upload_groups(files, kind)
    keys = [f"{'+'.join(f.file_id for f in group)}|{kind}|{sorted(options.items())}" for group in groups]
    for gone in set(done) - set(keys):
        del done[gone]
    out = []
    for group, key in zip(groups, keys, strict=True):
        if key not in done:
            sources = [Source(f.name, f.getvalue()) for f in group]
            with st.spinner(f"Checking {', '.join(f.name for f in group)}..."):
                done[key] = load_file(
                    ui.connection(),
                    sources[0] if len(sources) == 1 else sources,
                    kind=kind,
                    loaded_by=ui.current_scope().user,
                    scope=ui.current_scope(),
                    dry_run=True,
                    record_rejected=True,
                    **options,
                )
        out.append((group, done[key]))
    return out


def show_check(report: LoadReport) -> None:
    """A checked file: a status line, its issues where Excel shows them, a preview when valid."""
    errors, warnings = len(report.errors), len(report.warnings)
    with st.container(border=True):
        if report.valid:
            st.success(
                f"**{report.file}**: valid, {report.rows_read:,} row(s), {warnings} warning(s). "
                "Not loaded yet.",
                icon=":material/check_circle:",
            )
        else:
            st.error(
                f"**{report.file}**: rejected, {errors} error(s), {warnings} warning(s). "
                "Nothing was written: fix the rows below and upload the file again.",
                icon=":material/error:",
            )
        if report.issues:
            st.dataframe(
                issues_frame(report),
                hide_index=True,
                column_config={
                    "Severity": st.column_config.TextColumn(width="small"),
                    "Row": st.column_config.NumberColumn(format="%d", width="small"),
                    "Column": st.column_config.TextColumn(width="medium"),
                    "Problem": st.column_config.TextColumn(width="large"),
                },
            )
        if report.valid and report.preview:
            with st.expander(f"Preview: the first {len(report.preview)} rows as they will be stored"):
                st.dataframe(pd.DataFrame(report.preview), hide_index=True)


def show_outcome(report: LoadReport) -> None:
    """What a load did: loaded, unchanged (identical content) or rejected (nothing written)."""
    if report.outcome == "loaded":
        st.success(report.summary(), icon=":material/cloud_done:")
    elif report.outcome == "unchanged":
        st.info(report.summary(), icon=":material/sync:")
    elif busy := [i.message for i in report.errors if i.code == "upload-in-progress"]:
        st.warning(f"{report.file} was not loaded. {busy[0]}", icon=":material/hourglass_top:")
    else:
        st.error(report.summary(), icon=":material/error:")


def load_files(
    uploads: Sequence[Sequence[tuple[str, bytes]]], kind: str = "audits", options: dict[str, Any] | None = None
) -> list[LoadReport]:
    """Load each upload (one file, or a set of Annex A CSVs) of `kind` in turn, each in its own
    transaction, behind a progress bar; clears the caches."""
    bar = st.progress(0.0, text="Starting")
    reports = []
    for i, files in enumerate(uploads):
        name = ", ".join(n for n, _ in files)

        def step(fraction: float, message: str, i: int = i, name: str = name) -> None:
            bar.progress(min((i + fraction) / len(uploads), 1.0), text=f"{name}: {message}")

        sources = [Source(n, data) for n, data in files]
        reports.append(
            load_file(
                ui.connection(), sources[0] if len(sources) == 1 else sources, kind=kind,
                loaded_by=ui.current_scope().user, scope=ui.current_scope(),
                **_with_progress(kind, step, options or {}),
            )
        )
    ui.clear_caches()
    return reports


def _with_progress(kind: str, step: Any, options: dict[str, Any]) -> dict[str, Any]:
    # The Annex A loader reports no progress (it stages whole lists in DuckDB).
    return options if kind == "annex_a" else {**options, "progress": step}


def issues_frame(report: LoadReport) -> pd.DataFrame:
    """A report's issues as the Upload page shows them: where Excel shows them, and what is wrong."""
    return pd.DataFrame(
        [
            {
                "Severity": i.severity.capitalize(),
                "Row": i.row,
                "Column": " ".join(p for p in (i.column_letter, f'"{i.column}"' if i.column else "") if p),
                "Problem": i.message,
                "Value": i.value,
            }
            for i in report.issues
        ],
        columns=["Severity", "Row", "Column", "Problem", "Value"],
    )
