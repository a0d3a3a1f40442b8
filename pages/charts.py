"""Plotly figures for the pages, drawn from the qa_data frames as they come (no reshaping).
Grades always use `vocab.GRADE_COLOURS` in `vocab.GRADES` order; no streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from qa_data import periods, vocab

ALL_AREAS = "All areas in view"
_FONT = {"family": "sans-serif", "size": 13}


def _layout(fig: go.Figure, *, height: int, y_title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font=_FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hoverlabel={"align": "left"},
    )
    if y_title is not None:
        fig.update_yaxes(title=y_title)
    return fig


def good_or_better_trend(trend: pd.DataFrame, grain: str) -> go.Figure:
    """% good or better per service area and period, with the audits behind each point in the hover.
    The 'All areas in view' line is drawn thick and dark; the areas thin."""
    label = periods.quarter_label if grain == "quarter" else periods.month_label
    fig = px.line(
        trend.assign(label=trend["period"].map(label)),
        x="period",
        y="pct",
        color="service_area",
        markers=True,
        category_orders={"service_area": [ALL_AREAS, *vocab.SERVICE_AREAS]},
        custom_data=["service_area", "activities", "good_or_better", "label"],
        color_discrete_map={ALL_AREAS: "#1f2937"},
        color_discrete_sequence=px.colors.qualitative.Safe,
    )
    fig.update_traces(
        line={"width": 1.6},
        marker={"size": 5},
        opacity=0.75,
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[3]}<br>"
        "%{y:.0f}% good or better<br>%{customdata[2]} of n=%{customdata[1]} audits<extra></extra>",
    )
    fig.update_traces(selector={"name": ALL_AREAS}, line={"width": 4}, marker={"size": 8}, opacity=1)
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    fig.update_xaxes(title=None, tickformat="%b %Y")
    return _layout(fig, height=420, y_title="Good or better")


def grade_mix_bars(mix: pd.DataFrame) -> go.Figure:
    """One horizontal stacked bar per service area: the share of each final grade, best first."""
    fig = px.bar(
        mix,
        x="pct",
        y="service_area",
        color="grade",
        orientation="h",
        category_orders={"grade": list(vocab.GRADES), "service_area": list(vocab.SERVICE_AREAS)},
        color_discrete_map=vocab.GRADE_COLOURS,
        custom_data=["grade", "n"],
    )
    fig.update_traces(
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x:.0f}% (n=%{customdata[1]})<extra></extra>",
        texttemplate="%{x:.0f}%",
        textposition="inside",
        textangle=0,
        insidetextanchor="middle",
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title=None)
    fig.update_yaxes(title=None)
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
    return _layout(fig, height=90 + 42 * max(mix["service_area"].nunique(), 1))
