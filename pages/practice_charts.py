"""Plotly figures for the Supervision and Practice observations pages, drawn from the
qa_data.practice frames as they come (no reshaping). Grades use `vocab.GRADE_COLOURS` in
`vocab.GRADES` order; no streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pages.charts import ALL_AREAS, _layout
from qa_data import periods, vocab

_HOVER = (
    "<b>%{customdata[0]}</b><br>%{customdata[3]}<br>%{y:.0f}% good or better<br>"
    "%{customdata[2]} of n=%{customdata[1]}<extra></extra>"
)


def _label(grain: str) -> object:
    return periods.quarter_label if grain == "quarter" else periods.month_label


def supervision_trend(trend: pd.DataFrame, grain: str) -> go.Figure:
    """% good or better per service area and period, supervision and management oversight side by
    side; the 'All areas in view' line thick and dark."""
    fig = px.line(
        trend.assign(label=trend["period"].map(_label(grain))),
        x="period",
        y="pct",
        color="service_area",
        facet_col="measure",
        markers=True,
        category_orders={
            "service_area": [ALL_AREAS, *vocab.SERVICE_AREAS],
            "measure": ["Supervision", "Management oversight"],
        },
        custom_data=["service_area", "graded", "good_or_better", "label"],
        color_discrete_map={ALL_AREAS: "#1f2937"},
        color_discrete_sequence=px.colors.qualitative.Safe,
    )
    fig.update_traces(line={"width": 1.6}, marker={"size": 5}, opacity=0.75, hovertemplate=_HOVER)
    fig.update_traces(selector={"name": ALL_AREAS}, line={"width": 4}, marker={"size": 8}, opacity=1)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    fig.update_xaxes(title=None, tickformat="%b %Y")
    _layout(fig, height=440, y_title="Good or better")
    return fig.update_yaxes(title=None, col=2)


def compliance_trend(series: pd.DataFrame) -> go.Figure:
    """Supervision in timescale per month and breakdown (council-wide and service areas), with the
    target as a dashed line when there is one."""
    fig = px.line(
        series,
        x="period_month",
        y="value",
        color="breakdown",
        markers=True,
        color_discrete_map={"Council-wide": "#1f2937"},
        color_discrete_sequence=px.colors.qualitative.Safe,
    )
    fig.update_traces(hovertemplate="<b>%{fullData.name}</b><br>%{x|%b %Y}: %{y:.1f}%<extra></extra>")
    targets = series["target"].dropna()
    if not targets.empty:
        fig.add_hline(
            y=float(targets.iloc[-1]),
            line_dash="dash",
            line_color="#6b7280",
            annotation_text="Target",
            annotation_position="top left",
        )
    fig.update_yaxes(ticksuffix="%")
    fig.update_xaxes(title=None, tickformat="%b %Y")
    return _layout(fig, height=340, y_title="In timescale")


def observation_trend(trend: pd.DataFrame, grain: str) -> go.Figure:
    """% good or better per observation setting and period, n in the hover."""
    fig = px.line(
        trend.assign(label=trend["period"].map(_label(grain))),
        x="period",
        y="pct",
        color="setting",
        markers=True,
        custom_data=["setting", "observations", "good_or_better", "label"],
        color_discrete_sequence=px.colors.qualitative.Safe,
    )
    fig.update_traces(hovertemplate=_HOVER)
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    fig.update_xaxes(title=None, tickformat="%b %Y")
    return _layout(fig, height=400, y_title="Good or better")


def observation_grade_mix(mix: pd.DataFrame) -> go.Figure:
    """One horizontal stacked bar per observation setting: the share of each final grade, best first."""
    fig = px.bar(
        mix,
        x="pct",
        y="setting",
        color="grade",
        orientation="h",
        category_orders={"grade": list(vocab.GRADES)},
        color_discrete_map=vocab.GRADE_COLOURS,
        custom_data=["grade", "n"],
    )
    fig.update_traces(
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x:.0f}% (n=%{customdata[1]})<extra></extra>",
        texttemplate="%{x:.0f}%",
        textposition="inside",
        insidetextanchor="middle",
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title=None)
    fig.update_yaxes(title=None)
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
    return _layout(fig, height=90 + 42 * max(mix["setting"].nunique(), 1))
