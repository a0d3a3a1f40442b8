"""Voice of children and families: % positive answers in the surveys, complaints and compliments,
and the free-text comments. Every function is scoped to the viewer's service areas and aggregates
in DuckDB.

A "positive" answer is agree or strongly agree, 4 or 5 on a 1-5 scale, or yes; neutral is not
positive (`score_answer`). A percentage built on fewer than `MIN_RESPONSES` answers is flagged
`low_n`: too few to read as a rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from qa_data import queries, vocab
from qa_data.scope import Scope

MIN_RESPONSES = 5
LOW_N_NOTE = f"fewer than {MIN_RESPONSES} responses"
GRAINS = ("month", "quarter")
_COMMENT_COLUMNS = ["response_date", "survey", "service_area", "respondent_type", "question", "comment"]


@dataclass(frozen=True)
class VoiceFilter:
    """The period (inclusive), service areas (intersected with the scope; empty: all in scope) and
    respondent types (empty: all) in view."""

    start: date
    end: date
    service_areas: tuple[str, ...] = ()
    respondent_types: tuple[str, ...] = ()

    def params(self, scope: Scope) -> dict[str, Any]:
        return {
            "areas": scope.visible(self.service_areas),
            "start": self.start,
            "end": self.end,
            "types": list(self.respondent_types),
            "min_n": MIN_RESPONSES,
        }


RESPONDENT_TYPES = {
    "Young person": ("young person", "young people", "child", "child or young person", "yp", "cyp"),
    "Parent or carer": ("parent or carer", "parent carer", "parent", "carer", "parents and carers", "family member"),
    "Foster carer": ("foster carer", "foster parent", "foster carers"),
}
_RESPONDENT = {vocab.normalise_label(a): name for name, aliases in RESPONDENT_TYPES.items() for a in aliases}
_LIKERT = {
    "strongly agree": 5,
    "agree": 4,
    "tend to agree": 4,
    "neither agree nor disagree": 3,
    "neither": 3,
    "neutral": 3,
    "not sure": 3,
    "disagree": 2,
    "tend to disagree": 2,
    "strongly disagree": 1,
}
_YES_NO = {"yes": True, "y": True, "no": False, "n": False}
_NUMBER = re.compile(r"^\d+(?:\.0+)?$")


@dataclass(frozen=True)
class Scored:
    """A scale answer: its score normalised to 0..1 and whether it counts as positive."""

    score: float  # 0..1, 1 most positive
    positive: bool


def score_answer(text: str) -> Scored | None:
    """The normalised score of a scale answer (Likert, 1-5 or yes/no), None if it is not on a
    scale (free text). Raises ValueError for a number off the 1-5 scale."""
    key = vocab.normalise_label(text)
    if key in _LIKERT:
        n = _LIKERT[key]
        return Scored((n - 1) / 4, n >= 4)
    if key in _YES_NO:
        yes = _YES_NO[key]
        return Scored(1.0 if yes else 0.0, yes)
    if _NUMBER.match(text.strip()):
        n = int(float(text))
        if not 1 <= n <= 5:
            raise ValueError(f"score off the 1-5 scale: {text!r}")
        return Scored((n - 1) / 4, n >= 4)
    return None


def canonical_respondent_type(value: str) -> str | None:
    """'Young person', 'Parent or carer' or 'Foster carer' for a typed value or alias, else None."""
    return _RESPONDENT.get(vocab.normalise_label(value))


def positive_by_question(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: VoiceFilter) -> pd.DataFrame:
    """One row per survey and scored question: survey, question, n, positive, pct_positive (0-100),
    low_n (fewer than MIN_RESPONSES answers), label ('72% (n = 36)') and note ('fewer than 5
    responses' when low_n, else empty) for a chart or table."""
    frame = queries.frame(con, "voice_positive_by_question", **filters.params(scope))
    return frame.assign(
        label=[f"{p:.0f}% (n = {n})" for p, n in zip(frame["pct_positive"], frame["n"], strict=True)],
        note=[LOW_N_NOTE if low else "" for low in frame["low_n"]],
    )


def positive_trend(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: VoiceFilter, grain: str = "month"
) -> pd.DataFrame:
    """One row per survey and month or quarter (`grain`): survey, period, n, pct_positive, low_n.
    Raises ValueError for another grain."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")
    return queries.frame(con, "voice_positive_trend", grain=grain, **filters.params(scope))


def positive_by_group(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: VoiceFilter) -> pd.DataFrame:
    """% positive per survey by service area (rows with respondent_type null) and by respondent type
    (rows with service_area null): survey, service_area, respondent_type, n, pct_positive, low_n."""
    return queries.frame(con, "voice_positive_by_group", **filters.params(scope))


def complaints_summary(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: VoiceFilter) -> pd.DataFrame:
    """One row per service area and month: service_area, month, complaints, compliments, upheld,
    decided (complaints with an outcome), pct_upheld (of decided; null when none). Respondent types
    do not apply."""
    params = filters.params(scope)
    return queries.frame(con, "voice_complaints_summary", areas=params["areas"], start=filters.start, end=filters.end)


def comments(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: VoiceFilter, show_comments: bool
) -> pd.DataFrame:
    """The free-text answers in view, newest first: response_date, survey, service_area,
    respondent_type, question, comment. Empty (same columns) unless `show_comments`: the caller
    decides whether this viewer may read what children and families wrote."""
    if not show_comments:
        return pd.DataFrame(columns=_COMMENT_COLUMNS)
    return queries.frame(con, "voice_comments", **filters.params(scope))


def respondent_types(con: duckdb.DuckDBPyConnection, *, scope: Scope) -> list[str]:
    """The respondent types with answers in the viewer's areas, for a filter."""
    return [r[0] for r in queries.rows(con, "voice_respondent_types", areas=scope.visible())]
