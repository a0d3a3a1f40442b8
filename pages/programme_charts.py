"""Plotly figures for the Audit programme page, drawn from the qa_data.programme results as they come
(no reshaping beyond picking columns). No streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pages.charts import _layout
from qa_data import periods, programme, vocab

STATUS_COLOURS = {
    programme.COVERED: vocab.RAG_COLOURS["Green"],
    programme.PLANNED: vocab.RAG_COLOURS["Amber"],
    programme.NOT_PLANNED: "#bdbdbd",
}


def delivery_by_month(by_month: pd.DataFrame) -> go.Figure:
    """Planned activities per month beside those completed against the plan and those done but not
    in the plan."""
    months = by_month["plan_month"].map(periods.month_label)
    fig = go.Figure()
    for column, name, colour in (
        ("planned", "Planned", "#9ecae1"),
        ("completed", "Completed (in the plan)", "#08519c"),
        ("unplanned", "Done, not in the plan", "#969696"),
    ):
        fig.add_bar(
            x=months,
            y=by_month[column],
            name=name,
            marker_color=colour,
            hovertemplate=f"%{{x}}<br>{name}: %{{y}}<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=None, type="category")
    return _layout(fig, height=340, y_title="Activities")


def coverage_by_area(by_area: pd.DataFrame) -> go.Figure:
    """One horizontal bar per service area: its scope items covered, planned but not yet done, and
    not planned."""
    fig = go.Figure()
    for status, column in programme.STATUS_COLUMNS.items():
        fig.add_bar(
            y=by_area["service_area"],
            x=by_area[column],
            name=status,
            orientation="h",
            marker_color=STATUS_COLOURS[status],
            text=by_area[column],
            textposition="inside",
            hovertemplate=f"<b>%{{y}}</b><br>{status}: %{{x}} scope items<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="Scope items (framework section 6)")
    return _layout(fig, height=90 + 40 * max(len(by_area), 1))


def feedback_bands(row: pd.Series) -> go.Figure:
    """How many working days after the audit feedback was given, in FEEDBACK_BANDS."""
    labels = list(programme.FEEDBACK_BANDS.values())
    counts = [int(row[key]) for key in programme.FEEDBACK_BANDS]
    colours = ["#1b7837", "#7fbf7b", "#f1a340", "#b2182b"]
    fig = go.Figure(
        go.Bar(
            x=labels, y=counts, text=counts, marker_color=colours, hovertemplate="%{x}: %{y} activities<extra></extra>"
        )
    )
    fig.update_xaxes(title="Working days from audit to feedback", type="category")
    return _layout(fig, height=300, y_title="Activities")
