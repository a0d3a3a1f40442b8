"""The one Streamlit-aware helper module: the cached DuckDB connection, cached wrappers around the
qa_data queries, the global filters (sidebar + URL), and the formatting every page shares.

Pages import this module and `qa_data`; nothing here runs at import time. Cached values are shared
by every session, so the viewer's `Scope` is an argument of every cached function.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from loaders import LoadReport, Source, load_file
from loaders.samples import ensure_sample_data
from loaders.templates import audit_template_bytes
from qa_data import audits, db, loads, periods, vocab
from qa_data.audits import AuditFilter, DataAsOf, Headline
from qa_data.scope import Scope


def ensure_entry_script() -> None:
    """Make sure app.py (page config, filters, navigation) runs before this page, then draw it.

    A folder named `pages/` beside the entry script (this project's fixed layout) makes Streamlit
    run the first session after a start, and every AppTest run, in its legacy multipage mode: a
    deep link runs the page file alone, without app.py, and every module in pages/ is listed as a
    page. Streamlit leaves that mode for good once st.navigation is called; here the page calls
    app.main() itself (which calls st.navigation and runs this page again, normally) and stops.
    No rerun, so a click that started this run is not lost. Written against streamlit 1.67
    (PagesManager.uses_pages_directory); tests/test_pages.py and the browser test cover it."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        import app  # the entry script as a module: defines main() and runs nothing on import

        app.main()
        st.stop()


DEMO_USER = "demo"
DEFAULT_MONTHS = 12
EMPTY_STATE = (
    "No audits in this period for these service areas. Widen the period or upload a return on Upload data."
)
GOOD_OR_BETTER = (
    "Good or better = Outstanding + Good, of graded activities; moderated grade counts when present."
)
_VIEW_KEY = "_qa_view"
_URL_KEY = "_qa_url_written"


# --- Who is looking ------------------------------------------------------------------------------
def demo_mode() -> bool:
    """The app runs as a demo user on sample data unless QA_INSIGHT_DEMO=0."""
    return os.environ.get("QA_INSIGHT_DEMO", "1") != "0"


def current_scope() -> Scope:
    """The viewer's scope. No sign-in yet: the demo user sees every service area."""
    return Scope.everything(user=DEMO_USER)


# --- Connection and cached queries ---------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the database...", on_release=lambda con: con.close())
def _open(path: str, load_samples: bool) -> duckdb.DuckDBPyConnection:
    con = db.connect(path)
    if load_samples:
        ensure_sample_data(con)
    return con


def connection() -> duckdb.DuckDBPyConnection:
    """The app's one connection (qa_data and loaders take a cursor per call: sessions are threads).
    Loads the bundled sample data on first start unless QA_INSIGHT_SAMPLE_DATA=0."""
    samples = os.environ.get("QA_INSIGHT_SAMPLE_DATA", "1") != "0"
    return _open(str(db.default_db_path()), samples)


@st.cache_data(show_spinner=False, max_entries=64)
def data_as_of(scope: Scope) -> DataAsOf:
    return audits.data_as_of(connection(), scope=scope)


@st.cache_data(show_spinner=False, max_entries=256)
def headline(scope: Scope, filters: AuditFilter) -> Headline:
    return audits.headline(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def area_summary(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return audits.area_summary(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def grade_trend(scope: Scope, filters: AuditFilter, grain: str) -> pd.DataFrame:
    return audits.grade_trend(connection(), scope=scope, filters=filters, grain=grain)


@st.cache_data(show_spinner=False, max_entries=256)
def grade_mix(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return audits.grade_mix(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def domain_summary(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return audits.domain_summary(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def filter_options(scope: Scope, filters: AuditFilter) -> dict[str, list[str]]:
    return audits.filter_options(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def audit_list(
    scope: Scope, filters: AuditFilter, period_start: date | None, grain: str, service_area: str | None
) -> pd.DataFrame:
    return audits.audit_list(
        connection(),
        scope=scope,
        filters=filters,
        period_start=period_start,
        grain=grain,
        service_area=service_area,
        show_names=True,
    )


_CACHED = (
    data_as_of,
    headline,
    area_summary,
    grade_trend,
    grade_mix,
    domain_summary,
    filter_options,
    audit_list,
)


def clear_caches() -> None:
    """Forget every cached query result (after a load changed the data)."""
    for func in _CACHED:
        func.clear()


def load_history() -> pd.DataFrame:
    """Every upload, newest first (not cached: it is what a QAL checks right after a load)."""
    return loads.load_history(connection())


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    """The blank audit-return workbook (the same for everyone)."""
    return audit_template_bytes()


def check_uploads(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, LoadReport]]:
    """Each uploaded file with its dry-run report; a file is checked once per upload (by file id)."""
    done: dict[str, LoadReport] = st.session_state.setdefault("_qa_checked", {})
    for gone in set(done) - {f.file_id for f in files}:
        del done[gone]
    out = []
    for f in files:
        if f.file_id not in done:
            with st.spinner(f"Checking {f.name}..."):
                done[f.file_id] = load_file(
                    connection(),
                    Source(f.name, f.getvalue()),
                    kind="audits",
                    loaded_by=DEMO_USER,
                    dry_run=True,
                )
        out.append((f, done[f.file_id]))
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


def load_files(files: Sequence[tuple[str, bytes]]) -> list[LoadReport]:
    """Load files one by one (each its own transaction) behind a progress bar; clears the caches."""
    bar = st.progress(0.0, text="Starting")
    reports = []
    for i, (name, data) in enumerate(files):

        def step(fraction: float, message: str, i: int = i, name: str = name) -> None:
            bar.progress(min((i + fraction) / len(files), 1.0), text=f"{name}: {message}")

        reports.append(
            load_file(connection(), Source(name, data), kind="audits", loaded_by=DEMO_USER, progress=step)
        )
    clear_caches()
    return reports


# --- Global filters: sidebar widgets bound to the URL (?from=2025-11&to=2026-10&area=...) --------
@dataclass(frozen=True)
class View:
    """What the sidebar chose for this run: who is looking, the filters, and the data's range."""

    scope: Scope
    filters: AuditFilter
    as_of: DataAsOf


def month_options(as_of: DataAsOf) -> list[date]:
    """The months a period can start or end in: the first to the last month with data."""
    if as_of.empty or as_of.earliest_audit is None or as_of.latest_audit is None:
        return []
    first, last = periods.month_start(as_of.earliest_audit), periods.month_start(as_of.latest_audit)
    count = (last.year - first.year) * 12 + last.month - first.month
    return [periods.add_months(first, k) for k in range(count + 1)]


def default_period(months: Sequence[date]) -> tuple[date, date]:
    """The 12 months ending with the latest month that has data (or this month when there is none)."""
    last = months[-1] if months else periods.month_start(date.today())
    first = periods.add_months(last, 1 - DEFAULT_MONTHS)
    return (max(first, months[0]) if months else first), last


def parse_view_params(
    params: Mapping[str, Sequence[str]], months: Sequence[date], scope: Scope
) -> tuple[tuple[date, date], tuple[str, ...], list[str]]:
    """Read `from`, `to` (YYYY-MM) and `area` (repeated or comma list) from the URL. Returns the
    period, the service areas (empty = all in scope) and a sentence per value that was ignored."""
    problems: list[str] = []
    default = default_period(months)
    chosen = list(default)
    for i, key in enumerate(("from", "to")):
        text = (params.get(key) or [""])[-1].strip()
        if not text:
            continue
        try:
            month = periods.parse_month(text)
        except ValueError:
            problems.append(f'"{key}={text}" is not a month like 2025-04; showing the default period.')
            continue
        if months and not months[0] <= month <= months[-1]:
            clamped = min(max(month, months[0]), months[-1])
            problems.append(
                f"There is no data for {periods.month_label(month)}; "
                f'using {periods.month_label(clamped)} for "{key}".'
            )
            month = clamped
        chosen[i] = month
    if chosen[0] > chosen[1]:
        problems.append('"from" is after "to"; showing the default period.')
        chosen = list(default)
    wanted: list[str] = []
    for raw in params.get("area") or []:
        for text in (t.strip() for t in raw.split(",")):
            area = vocab.canonical_service_area(text) if text else None
            if area in scope.service_areas:
                wanted.append(area)
            elif text:
                problems.append(f'"{text}" is not a service area you can see; it was ignored.')
    return (chosen[0], chosen[1]), tuple(dict.fromkeys(wanted)), problems


def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in ("from", "to", "area")}


def sidebar_filters() -> View:
    """Draw the period and service-area filters in the sidebar, seeded from the URL when the URL
    carries a view this session did not write (a shared link), and keep the URL in step."""
    scope = current_scope()
    as_of = data_as_of(scope)
    months = month_options(as_of)
    incoming = _url_params()
    written = st.session_state.get(_URL_KEY)
    period = st.session_state.get("qa_period")
    # Seed from the URL on a session's first run, or when the URL carries a view this session did
    # not write (history navigation). Page navigation clears the URL: an empty query keeps the view.
    if written is None or (any(incoming.values()) and incoming != written):
        period, wanted, problems = parse_view_params(incoming, months, scope)
        st.session_state["qa_areas"] = list(wanted)
        if "qa_period" in st.session_state:
            st.session_state["qa_period"] = period
        for problem in problems:
            st.warning(f"Link not fully understood: {problem}", icon=":material/link_off:")
    default = default_period(months)
    if not period or (months and not all(m in months for m in period)):
        period = default  # no view yet, or the data's range moved
    elif tuple(period) == tuple(st.session_state.get("qa_default_period", ())) and period != default:
        # The view was the default (the latest 12 months) and a new month has been loaded: follow it.
        period = default
        st.session_state["qa_period"] = period
    st.session_state["qa_default_period"] = default
    with st.sidebar:
        if months:
            # `value` makes it a range slider and is its first value; the key keeps it after that.
            start, end = st.select_slider(
                "Period",
                options=months,
                value=period,
                key="qa_period",
                format_func=periods.month_label,
                help="Audits dated in these months (inclusive).",
            )
        else:
            start, end = period
            st.caption("Period: no audits loaded yet.")
        areas = st.multiselect(
            "Service areas",
            options=list(scope.service_areas),
            key="qa_areas",
            placeholder="All service areas",
            help="Leave empty for all the service areas you can see.",
        )
    url = {"from": [f"{start:%Y-%m}"], "to": [f"{end:%Y-%m}"], "area": list(areas)}
    if url != incoming:
        st.query_params["from"], st.query_params["to"] = url["from"][0], url["to"][0]
        if areas:
            st.query_params["area"] = areas
        elif "area" in st.query_params:
            del st.query_params["area"]
    st.session_state[_URL_KEY] = url
    view = View(
        scope, AuditFilter(start=start, end=periods.month_end(end), service_areas=tuple(areas)), as_of
    )
    st.session_state[_VIEW_KEY] = view
    return view


def current_view() -> View:
    """The view the entry script chose this run (pages call this, app.py sets it)."""
    return st.session_state[_VIEW_KEY]


# --- Presentation --------------------------------------------------------------------------------
def pct(value: float | None) -> str:
    """A percentage to 0 dp ('66%'), or an en dash when there is nothing to divide."""
    return "\u2013" if value is None or pd.isna(value) else f"{value:.0f}%"


def points(change: float) -> str:
    """A change in percentage points, signed, to 0 dp ('+2 pts', '-1 pt')."""
    return f"{change:+.0f} pt" + ("" if round(abs(change)) == 1 else "s")


def count(n: int, noun: str = "") -> str:
    return f"n={n:,}" + (f" {noun}" if noun else "")


def _when(d: date | datetime) -> str:
    return f"{d:%d %b %Y %H:%M}" if isinstance(d, datetime) else f"{d:%d %b %Y}"


def data_as_of_text(as_of: DataAsOf) -> str:
    if as_of.empty or as_of.latest_audit is None:
        return "No audit data loaded yet."
    text = f"Data as of {_when(as_of.latest_audit)} (latest audit)"
    if as_of.loaded_at is not None:
        text += f" \u00b7 last upload {_when(as_of.loaded_at)} ({as_of.file_name})"
    return text


def page_header(title: str, view: View, *, filtered: bool = True) -> None:
    """The page title and the 'Data as of' caption (the top of every page), with the period and
    service areas in view when the page's figures follow the sidebar filters."""
    st.title(title)
    text = data_as_of_text(view.as_of)
    if filtered:
        f = view.filters
        visible = view.scope.visible(f.service_areas)
        areas = "all service areas" if len(visible) == len(view.scope.service_areas) else ", ".join(visible)
        text += f"  \nShowing {periods.month_label(f.start)} to {periods.month_label(f.end)}, {areas}."
    st.caption(text)


def quarter_note(head: Headline, view: View) -> str:
    """Which quarter the headline tiles describe, and whether it is only part-way through."""
    if head.quarter is None:
        return ""
    end = periods.quarter_end(head.quarter)
    to = min(d for d in (end, view.filters.end, view.as_of.latest_audit) if d is not None)
    note = f"Headline figures for {head.quarter_label}, the latest quarter with audits in view"
    return note + (f" (audits up to {to:%d %b %Y})." if to < end else ".")


def pct_column(label: str, help: str | None = None) -> Any:
    """A 0-100 progress bar with the percentage to 0 dp, for tables of % good or better."""
    return st.column_config.ProgressColumn(
        label, format="%.0f%%", min_value=0, max_value=100, width=120, help=help
    )


def empty_state() -> None:
    st.info(EMPTY_STATE, icon=":material/search_off:")


def activity_label(key: str) -> str:
    return vocab.ACTIVITY_TYPES.get(key, key)


def period_label(d: date, grain: str) -> str:
    return periods.quarter_label(d) if grain == "quarter" else periods.month_label(d)


def period_starts(filters: AuditFilter, grain: str) -> list[date]:
    """The months or quarters the filter covers, newest first (for the drill-down selectbox)."""
    step = 3 if grain == "quarter" else 1
    first = periods.quarter_start(filters.start) if grain == "quarter" else filters.start
    out = []
    while first <= filters.end:
        out.append(first)
        first = periods.add_months(first, step)
    return out[::-1]


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


def domain_panel(frame: pd.DataFrame) -> None:
    """The three quality markers and supervision side by side (% good or better, with n), then the
    other domains some returns grade, in an expander."""
    shown = frame[frame["kind"] != "other"]
    for col, row in zip(st.columns(max(len(shown), 1), border=True), shown.itertuples(), strict=False):
        col.markdown(
            f"**{row.label}**", help=f"{row.good_or_better:,} good or better of {row.graded:,} graded."
        )
        col.metric(row.label, pct(row.pct), label_visibility="collapsed")
        col.caption(count(row.graded, "graded"))
    with st.expander("Other domains graded in some returns"):
        st.dataframe(
            frame[frame["kind"] == "other"],
            hide_index=True,
            column_order=["label", "graded", "pct"],
            column_config={
                "label": "Domain",
                "graded": st.column_config.NumberColumn("Graded (n)", format="%d"),
                "pct": pct_column("Good or better"),
            },
        )
