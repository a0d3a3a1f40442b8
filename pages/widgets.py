"""Presentation shared by the pages: number formats, the page header with "data as of", the empty
state, and the quality-marker panel. Colours and labels come from qa_data.vocab."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from pages.filters import View
from qa_data import periods, vocab
from qa_data.audits import DataAsOf, Headline

EMPTY_STATE = (
    "No audits in this period for these service areas. Widen the period or upload a return on Upload data."
)
GOOD_OR_BETTER = (
    "Good or better = Outstanding + Good, of graded activities; moderated grade counts when present."
)


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


def kpi_data_as_of_text(as_of: Any) -> str:
    """'KPI values up to Oct 2026 · last KPI upload 26 Nov 2026 04:58 (file)', or that there are none."""
    if as_of.latest_month is None:
        return "No KPI values loaded yet."
    text = f"KPI values up to {periods.month_label(as_of.latest_month)}"
    if as_of.loaded_at is not None:
        text += f" \u00b7 last KPI upload {_when(as_of.loaded_at)} ({as_of.file_name})"
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


_AUDIT_COLUMNS = {
    "audit_id": "Audit ID",
    "audit_date": st.column_config.DateColumn("Date", format="DD MMM YYYY"),
    "activity_type": "Activity",
    "service_area": "Service area",
    "team": "Team",
    "theme": "Theme",
    "worker": "Worker",
    "auditor": "Auditor",
    "final_grade": "Grade",
    "supervision_grade": "Supervision",
    "oversight_grade": "Management oversight",
    "moderated": st.column_config.CheckboxColumn("Moderated"),
    "feedback_given": st.column_config.CheckboxColumn("Feedback given"),
}


def audit_table(rows: pd.DataFrame) -> None:
    """The audits behind a number (a drill-down), with the same headings on every page. The name
    columns are left out when the viewer may not read names (the query blanked them)."""
    config = {k: v for k, v in _AUDIT_COLUMNS.items() if k in rows.columns}
    for name in ("worker", "auditor"):
        if name in rows.columns and not rows.empty and rows[name].isna().all():
            config[name] = None
    st.dataframe(rows, hide_index=True, column_config=config)
