"""Practice and improvement: supervision and management oversight, and practice observations.

Every function takes the connection first, then the viewer's `Scope` and the page's `AuditFilter`
as keyword arguments, and aggregates in DuckDB (named queries qa_data/sql/practice_*.sql).
Good or better = Outstanding or Good, of the activities where that grade was given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from qa_data import queries, scorecard
from qa_data.audits import GRAINS, AuditFilter
from qa_data.scope import Scope

SUPERVISION_KPI = "supervision_in_timescale"
OBSERVATION = "observation"
OBSERVATION_DIMENSIONS = ("setting", "theme")
COUNCIL_WIDE = "Council-wide"


@dataclass(frozen=True)
class Compliance:
    """Supervision-frequency compliance from KPI values: the monthly `series` (columns
    period_month, breakdown, value, numerator, denominator, target) and the latest council-wide
    value (or, with no council-wide values, the first breakdown's) beside the month before."""

    kpi_code: str
    series: pd.DataFrame
    latest_month: date | None = None
    latest_value: float | None = None
    previous_value: float | None = None
    target: float | None = None

    @property
    def empty(self) -> bool:
        return self.latest_month is None


def _check_grain(grain: str) -> None:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")


def _observation_params(scope: Scope, filters: AuditFilter) -> dict[str, Any]:
    return replace(filters, activity_types=(OBSERVATION,)).params(scope)


def supervision_trend(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter, grain: str = "quarter"
) -> pd.DataFrame:
    """One row per period, service area (plus 'All areas in view') and measure ('Supervision',
    'Management oversight'): `period` (first day), `service_area`, `measure`, `graded`,
    `good_or_better`, `pct` (0-100). Raises ValueError for an unknown grain."""
    _check_grain(grain)
    return queries.frame(con, "practice_supervision_trend", **filters.params(scope), grain=grain)


def team_supervision(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """One row per team in view, the teams whose supervision is less than good most often first:
    `service_area`, `team`, `graded`, `less_than_good`, `less_than_good_pct`, `supervision_pct`,
    `oversight_graded`, `oversight_pct` (percentages 0-100)."""
    return queries.frame(con, "practice_team_supervision", **filters.params(scope))


def team_audits(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter, team: str, show_names: bool = True
) -> pd.DataFrame:
    """The audits behind one team's supervision figures, newest first: `audit_id`, `audit_date`,
    `activity_type`, `service_area`, `team`, `theme`, `worker`, `auditor` (blank unless
    `show_names`), `final_grade`, `supervision_grade`, `oversight_grade`."""
    params = replace(filters, teams=(team,)).params(scope)
    return queries.frame(con, "practice_team_audits", **params, show_names=show_names)


def supervision_compliance(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter, kpi_code: str = SUPERVISION_KPI
) -> Compliance:
    """Supervision-frequency compliance (KPI `kpi_code`) in the months of the filter's period: the
    council-wide series (for a viewer who sees every area) and the visible service areas' series, with
    the latest value. `empty` when no values are loaded for the period."""
    series = queries.frame(
        con,
        "practice_supervision_compliance",
        kpi_code=kpi_code,
        areas=scope.visible(filters.service_areas),
        all_areas=scorecard.allowed_area(scope, None),
        start_date=filters.start,
        end_date=filters.end,
    )
    if series.empty:
        return Compliance(kpi_code, series)
    main = series[series["breakdown"] == COUNCIL_WIDE]
    if main.empty:
        main = series[series["breakdown"] == series["breakdown"].iloc[0]]
    last = main.iloc[-1]
    previous = main.iloc[-2]["value"] if len(main) > 1 else None
    return Compliance(
        kpi_code=kpi_code,
        series=series,
        latest_month=pd.Timestamp(last["period_month"]).date(),
        latest_value=float(last["value"]),
        previous_value=None if previous is None else float(previous),
        target=None if pd.isna(last["target"]) else float(last["target"]),
    )


def observation_summary(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter, by: str = "setting"
) -> pd.DataFrame:
    """Practice observations in view, one row per `by` ('setting': what was observed, or 'theme'),
    most observed first: `value`, `observations`, `good_or_better`, `pct` (0-100). Observations
    without a setting are 'Not recorded'. Raises ValueError for another `by`."""
    if by not in OBSERVATION_DIMENSIONS:
        raise ValueError(f"by must be one of {OBSERVATION_DIMENSIONS}")
    return queries.frame(con, "practice_observation_summary", **_observation_params(scope, filters), by=by)


def observation_trend(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter, grain: str = "quarter"
) -> pd.DataFrame:
    """One row per period and observation setting: `period` (first day), `setting`,
    `observations`, `good_or_better`, `pct` (0-100). Raises ValueError for an unknown grain."""
    _check_grain(grain)
    return queries.frame(con, "practice_observation_trend", **_observation_params(scope, filters), grain=grain)


def observation_grade_mix(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """One row per observation setting and final grade: `setting`, `grade`, `grade_rank`, `n`,
    `pct` of the setting's observations (0-100)."""
    return queries.frame(con, "practice_observation_grade_mix", **_observation_params(scope, filters))
