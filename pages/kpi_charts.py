"""The Scorecard page's presentation: unit-aware number formats, the scorecard table with its RAG chip,
direction-aware change and NHS "Making Data Count" (MDC) variation and assurance icons, and the MDC
SPC figure. Formats only: every number comes from qa_data.scorecard as it is; no streamlit here."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from qa_data import spc, vocab

# MDC's icon colours: grey common cause, blue improvement, orange concern.
COMMON, IMPROVEMENT, CONCERN = "#a6a6a6", "#00b0f0", "#e46c0a"
POINT_COLOURS = {"common_cause": COMMON, "special_cause_improvement": IMPROVEMENT, "special_cause_concern": CONCERN}
POINT_NAMES = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
}
COLOUR_CAPTION = (
    "Making Data Count colours: grey points are common-cause variation, blue points special cause "
    "improvement, orange points special cause concern. Dashed lines are the process limits; the "
    "red dotted line is the target."
)
VARIATION_TEXT = {
    "common_cause": "Common-cause variation: the latest month is within what this process usually does.",
    "special_cause_improvement": "Special-cause improvement: the latest month is a signal that things got better.",
    "special_cause_concern": "Special-cause concern: the latest month is a signal that things got worse.",
}
ASSURANCE_TEXT = {
    "consistently_pass": "Assurance: the target will consistently be met if nothing changes.",
    "consistently_fail": "Assurance: the target will consistently be missed unless the process changes.",
    "hit_and_miss": "Assurance: the target is within the process limits, so it will be met some months "
    "and missed others.",
    None: "Assurance: no target set, so none can be given.",
}
ICON_CAPTION = (
    "Variation and Assurance are the Making Data Count icons of each KPI's SPC chart over all its months "
    "up to this one. Variation (the latest month): blue \u25b2/\u25bc improving = special cause in the "
    "KPI's good direction, orange \u25b2/\u25bc concern = special cause in its bad direction, grey "
    "\u25cf common cause = no signal. Assurance against the target: blue \u2714 pass = consistently met, "
    "orange \u2718 fail = consistently missed, grey \u2195 hit and miss = met some months and not others. "
    "A dash: fewer than 2 months (or no target)."
)
_ASSURANCE_ICONS = {
    "consistently_pass": "\u2714 pass",
    "consistently_fail": "\u2718 fail",
    "hit_and_miss": "\u2195 hit and miss",
}
# Each icon's colour, by its word: the SPC chart's (MDC) blue, orange and grey.
_ICON_COLOURS = {
    "improving": IMPROVEMENT, "concern": CONCERN, "common cause": COMMON,
    "pass": IMPROVEMENT, "fail": CONCERN, "hit and miss": COMMON,
}
_DASH = "\u2013"
_GOOD, _BAD = "#1b7837", "#b2182b"


def optional_float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def value_text(value: Any, unit: str) -> str:
    """'16.0%', '1,234', '12.5 days'; an en dash when there is no value."""
    if value is None or pd.isna(value):
        return _DASH
    if unit == "percent":
        return f"{value:.1f}%"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} days" if unit == "days" else text


def year_text(year: Any) -> str:
    """The comparators' year ('2024'), or an en dash when none was loaded."""
    return _DASH if year is None or pd.isna(year) else f"{int(year)}"


def change_text(change: Any, unit: str, direction: str) -> str:
    """The change on the previous month: an arrow for the movement, then better/worse by direction
    ('▼ 9.0 pts, better' for a fall in a lower-is-better KPI)."""
    if change is None or pd.isna(change):
        return _DASH
    if change == 0:
        return "\u25b6 no change"
    arrow = "\u25b2" if change > 0 else "\u25bc"
    size = f"{abs(change):.1f} pts" if unit == "percent" else value_text(abs(change), unit)
    better = (change > 0) == (direction == "higher")
    return f"{arrow} {size}, {'better' if better else 'worse'}"


def variation_icon(variation: Any, direction: str) -> str:
    """The MDC variation icon as text: '▼ improving' (a special cause in the KPI's good direction:
    down when lower is better), '▲ concern' (its bad direction), '● common cause'; a dash for None."""
    up, down = "\u25b2", "\u25bc"
    good, bad = (up, down) if direction == "higher" else (down, up)
    icons = {"special_cause_improvement": f"{good} improving", "special_cause_concern": f"{bad} concern",
             "common_cause": "\u25cf common cause"}
    return icons.get(variation, _DASH) if isinstance(variation, str) else _DASH


def assurance_icon(assurance: Any) -> str:
    """The MDC assurance icon as text: '✔ pass', '✘ fail', '↕ hit and miss'; a dash for None."""
    return _ASSURANCE_ICONS.get(assurance, _DASH) if isinstance(assurance, str) else _DASH


def _icon_colour(text: str) -> str:
    colour = _ICON_COLOURS.get(text.partition(" ")[2])
    return f"color: {colour}; font-weight: 600" if colour else ""


def rag_label(rating: Any) -> str:
    return rating.capitalize() if isinstance(rating, str) else "No rating"


def _chip(label: str) -> str:
    colour = vocab.RAG_COLOURS.get(label)
    return f"background-color: {colour}; color: white; font-weight: 600" if colour else ""


def _change_colour(text: str) -> str:
    return f"color: {_GOOD}" if text.endswith("better") else f"color: {_BAD}" if text.endswith("worse") else ""


def scorecard_table(card: pd.DataFrame) -> Styler:
    """The scorecard as shown: formatted text per row's unit, the RAG as a chip in vocab.RAG_COLOURS,
    the change green when better and red when worse, the MDC icons in the SPC chart's colours (blue
    improving / pass, orange concern / fail, grey common cause / hit and miss). Columns: KPI, Latest,
    Change, Target, RAG, Variation, Assurance, Last 12 months, SN, Region, England, Year, Definition."""
    units, directions = card["unit"], card["direction"]
    shown = pd.DataFrame(
        {
            "KPI": card["name"],
            "Latest": [value_text(v, u) for v, u in zip(card["value"], units, strict=True)],
            "Change": [change_text(c, u, d) for c, u, d in zip(card["change"], units, directions, strict=True)],
            "Target": [value_text(v, u) for v, u in zip(card["target"], units, strict=True)],
            "RAG": card["rag"].map(rag_label),
            "Variation": [variation_icon(v, d) for v, d in zip(card["variation"], directions, strict=True)],
            "Assurance": [assurance_icon(a) for a in card["assurance"]],
            "Last 12 months": card["trend"],
            "SN": [value_text(v, u) for v, u in zip(card["sn"], units, strict=True)],
            "Region": [value_text(v, u) for v, u in zip(card["region"], units, strict=True)],
            "England": [value_text(v, u) for v, u in zip(card["england"], units, strict=True)],
            "Year": [year_text(y) for y in card["comparator_year"]],
            "Definition": card["definition"],
        }
    )
    return (
        shown.style.map(_chip, subset=["RAG"]).map(_change_colour, subset=["Change"])
        .map(_icon_colour, subset=["Variation", "Assurance"])
    )


def spc_figure(chart: spc.XmrChart, *, name: str, unit: str, target: float | None) -> go.Figure:
    """The MDC XmR chart: the values as a grey line, special-cause points in blue (improvement) or
    orange (concern), one trace per kind of point; the mean, the process limits (two traces named
    "Process limits", upper then lower) and the target."""
    points = chart.points
    suffix = "%" if unit == "percent" else ""
    fig = go.Figure(
        go.Scatter(
            x=list(points.index), y=points["value"].tolist(), mode="lines", name=name,
            line={"color": COMMON, "width": 2}, hoverinfo="skip",
        )
    )
    for kind, group in points.groupby("variation", sort=False):
        fig.add_trace(
            go.Scatter(
                x=list(group.index), y=group["value"].tolist(), mode="markers", name=POINT_NAMES[str(kind)],
                marker={"color": POINT_COLOURS[str(kind)], "size": 10 if kind != "common_cause" else 7},
                hovertemplate=f"%{{x|%b %Y}}: %{{y:.1f}}{suffix}<extra>{POINT_NAMES[str(kind)]}</extra>",
            )
        )
    # The two process limits are one legend entry ("Process limits"); the hover names each.
    lines = [
        ("Mean", "Mean", chart.mean, "solid", "#1f2937", True),
        ("Process limits", "Upper process limit", chart.upper_limit, "dash", "#6b7280", True),
        ("Process limits", "Lower process limit", chart.lower_limit, "dash", "#6b7280", False),
        ("Target", "Target", target, "dot", "#b2182b", True),
    ]
    for trace_name, hover, level, dash, colour, legend in lines:
        if level is not None:
            fig.add_trace(
                go.Scatter(
                    x=[points.index.min(), points.index.max()], y=[level, level], mode="lines", name=trace_name,
                    line={"color": colour, "dash": dash, "width": 1.5}, showlegend=legend, legendgroup=trace_name,
                    hovertemplate=f"{hover}: %{{y:.1f}}{suffix}<extra></extra>",
                )
            )
    fig.update_yaxes(ticksuffix=suffix, title=None)
    fig.update_xaxes(tickformat="%b %Y", title=None)
    fig.update_layout(
        height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"family": "sans-serif", "size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    )
    return fig
