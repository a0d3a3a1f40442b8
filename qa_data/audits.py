"""Audit quality: how much practice is good or better, where, and how it moves.

Every function takes the connection first, then the viewer's `Scope` and the page's
`AuditFilter` as keyword arguments, and aggregates in DuckDB (named queries in qa_data/sql/).
Percentages are of graded activities (the final grade: the moderator's when moderated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from qa_data import periods, queries
from qa_data.scope import Scope

GRAINS = ("month", "quarter")


@dataclass(frozen=True)
class AuditFilter:
    """The page filters: a date range (inclusive) and optional narrowing. Empty tuples mean
    'no filter'; service areas are always intersected with the viewer's scope."""

    start: date
    end: date
    service_areas: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    def params(self, scope: Scope) -> dict[str, Any]:
        return {
            "areas": scope.visible(self.service_areas),
            "start_date": self.start,
            "end_date": self.end,
            "teams": list(self.teams),
            "activity_types": list(self.activity_types),
            "themes": list(self.themes),
        }


@dataclass(frozen=True)
class DataAsOf:
    """When the data was last refreshed: the latest successful load and the latest audit date."""

    loaded_at: datetime | None
    file_name: str | None
    latest_audit: date | None
    earliest_audit: date | None

    @property
    def empty(self) -> bool:
        return self.latest_audit is None


@dataclass(frozen=True)
class Headline:
    """The Overview tiles for the latest quarter with activity in the filter's range."""

    quarter: date | None
    activities: int
    graded: int
    good_or_better_pct: float | None
    previous_pct: float | None
    supervision_graded: int
    supervision_pct: float | None
    activities_in_range: int
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def quarter_label(self) -> str:
        return periods.quarter_label(self.quarter) if self.quarter else "no data"

    @property
    def change_pts(self) -> float | None:
        if self.good_or_better_pct is None or self.previous_pct is None:
            return None
        return self.good_or_better_pct - self.previous_pct


def data_as_of(con: duckdb.DuckDBPyConnection, *, scope: Scope) -> DataAsOf:
    """The latest load and the range of audit dates the viewer can see."""
    row = queries.rows(con, "data_as_of", areas=scope.visible())[0]
    return DataAsOf(loaded_at=row[0], file_name=row[1], latest_audit=row[2], earliest_audit=row[3])


def headline(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> Headline:
    """Headline figures for the latest quarter with activity up to `filters.end`, with the
    previous quarter's % good or better for the change."""
    params = filters.params(scope)
    latest = queries.rows(con, "latest_activity_date", **params)[0][0]
    if latest is None:
        return Headline(None, 0, 0, None, None, 0, None, 0)
    q = periods.quarter_start(latest)
    prev = periods.add_months(q, -3)
    row = queries.rows(
        con, "headline", **params, q_start=q, q_end=periods.quarter_end(q),
        p_start=prev, p_end=q,
    )[0]
    by_type = dict(queries.rows(
        con, "activity_counts", **{**params, "start_date": q, "end_date": periods.quarter_end(q)}
    ))
    return Headline(
        quarter=q,
        activities=int(row[0]),
        graded=int(row[1]),
        good_or_better_pct=row[2],
        previous_pct=row[3],
        supervision_graded=int(row[4]),
        supervision_pct=row[5],
        activities_in_range=int(row[6]),
        by_type={str(k): int(v) for k, v in by_type.items()},
    )


def grade_trend(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter, grain: str = "month"
) -> pd.DataFrame:
    """One row per period and service area: `period` (date, first day), `service_area`,
    `activities`, `good_or_better`, `pct` (0-100). Also an 'All areas in view' row per period."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    return queries.frame(con, "grade_trend", **filters.params(scope), grain=grain)


def area_summary(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """One row per service area in view: `service_area`, `activities`, `pct` (% good or better
    in the range), `supervision_pct`, `latest_quarter_pct`, `previous_quarter_pct`, `trend` (list
    of monthly % good or better, oldest first, for a sparkline)."""
    params = filters.params(scope)
    latest = queries.rows(con, "latest_activity_date", **params)[0][0]
    q = periods.quarter_start(latest or filters.end)
    return queries.frame(
        con, "area_summary", **params, q_start=q, q_end=periods.quarter_end(q),
        p_start=periods.add_months(q, -3),
    )


def grade_mix(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """One row per service area and final grade: `service_area`, `grade`, `grade_rank`, `n`,
    `pct` of that area's activities."""
    return queries.frame(con, "grade_mix", **filters.params(scope))


def domain_summary(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """One row per graded domain present: `domain`, `label`, `kind` (quality_marker, supervision,
    other), `graded`, `good_or_better`, `pct`, ordered quality markers first, then supervision."""
    return queries.frame(con, "domain_summary", **filters.params(scope))


def audit_list(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: Scope,
    filters: AuditFilter,
    period_start: date | None = None,
    grain: str = "month",
    service_area: str | None = None,
    show_names: bool = True,
) -> pd.DataFrame:
    """The audits behind a point: one row per activity, newest first, optionally narrowed to one
    period (the month or quarter starting `period_start`) and one service area. Worker and auditor
    names are blanked unless `show_names`."""
    params = filters.params(scope)
    if period_start is not None:
        end = periods.quarter_end(period_start) if grain == "quarter" else periods.month_end(period_start)
        params["start_date"] = max(period_start, filters.start)
        params["end_date"] = min(end, filters.end)
    if service_area is not None:
        params["areas"] = [a for a in params["areas"] if a == service_area]
    return queries.frame(con, "audit_list", **params, show_names=show_names)


def filter_options(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter
) -> dict[str, list[str]]:
    """Teams, themes and activity types present in the areas and dates in view, for the filters."""
    params = {**filters.params(scope), "teams": [], "themes": [], "activity_types": []}
    out: dict[str, list[str]] = {"team": [], "theme": [], "activity_type": []}
    for kind, value in queries.rows(con, "filter_options", **params):
        out[kind].append(value)
    return out
