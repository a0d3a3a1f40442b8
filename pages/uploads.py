"""The Upload page's parts: check each dropped file (a dry run), show its report where Excel shows
the problems, and load the valid files behind a progress bar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from loaders import LoadReport, Source, load_file
from pages import ui

# What the files are, in a QAL's words, by loader kind (loaders.KINDS); audit returns first (default).
KIND_LABELS = {
    "audits": "Audit returns",
    "kpis": "KPI extract",
    "comparators": "Comparators (statistical neighbours, region, England)",
    "annex_a": "Annex A workbook",
    "catalogue": "KPI catalogue (our KPIs, definitions and targets)",
}


def load_options(kind: str, reference_date: date | None) -> dict[str, Any]:
    """The loader options the page sets: Annex A's reference date when one was given (else the
    loader's default)."""
    return {"reference_date": reference_date} if kind == "annex_a" and reference_date else {}


def check_uploads(
    files: Sequence[UploadedFile], kind: str = "audits", options: dict[str, Any] | None = None
) -> list[tuple[UploadedFile, LoadReport]]:
    """Each uploaded file with its dry-run report as `kind`; a file is checked once per upload, kind
    and options (by file id)."""
    options = options or {}
    done: dict[str, LoadReport] = st.session_state.setdefault("_qa_checked", {})
    keys = {f.file_id: f"{f.file_id}|{kind}|{sorted(options.items())}" for f in files}
    for gone in set(done) - set(keys.values()):
        del done[gone]
    out = []
    for f in files:
        key = keys[f.file_id]
        if key not in done:
            with st.spinner(f"Checking {f.name}..."):
                done[key] = load_file(
                    ui.connection(),
                    Source(f.name, f.getvalue()),
                    kind=kind,
                    loaded_by=ui.current_scope().user,
                    dry_run=True,
                    record_rejected=True,
                    **options,
                )
        out.append((f, done[key]))
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
    else:
        st.error(report.summary(), icon=":material/error:")


def load_files(
    files: Sequence[tuple[str, bytes]], kind: str = "audits", options: dict[str, Any] | None = None
) -> list[LoadReport]:
    """Load files of `kind` one by one (each its own transaction) behind a progress bar; clears the
    caches."""
    bar = st.progress(0.0, text="Starting")
    reports = []
    for i, (name, data) in enumerate(files):

        def step(fraction: float, message: str, i: int = i, name: str = name) -> None:
            bar.progress(min((i + fraction) / len(files), 1.0), text=f"{name}: {message}")

        reports.append(
            load_file(
                ui.connection(), Source(name, data), kind=kind, loaded_by=ui.current_scope().user,
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
