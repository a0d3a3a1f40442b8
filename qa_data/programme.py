"""The audit programme: is the plan delivered (framework section 4, Appendix B), did the cycle cover the
framework's scope (section 6), were workers told and given feedback (section 5), what did moderation
change, and did re-audits show change that stuck (section 8)?

Every function takes the connection first, then the viewer's `Scope` and an `AuditFilter` as keyword
arguments, and aggregates in DuckDB (named queries qa_data/sql/programme_*.sql). Only the filter's
period and service areas apply: the plan has no teams, and the programme is read whole.
Audit themes match plan themes ignoring case and white space.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from qa_data import queries, working_days
from qa_data.audits import AuditFilter
from qa_data.framework_scope import ITEMS_BY_AREA, canonical_scope_item, scope_items_for_theme
from qa_data.scope import Scope

ALL_AREAS = "All areas in view"
COVERED = "Covered"
PLANNED = "Planned, not yet done"
NOT_PLANNED = "Not planned"
STATUSES = (COVERED, PLANNED, NOT_PLANNED)
STATUS_COLUMNS = {COVERED: "covered", PLANNED: "planned", NOT_PLANNED: "not_planned"}
FEEDBACK_BANDS = {
    "band_0_5": "0-5 days",
    "band_6_10": "6-10 days",
    "band_11_20": "11-20 days",
    "band_21_plus": "21+ days",
}
WITHIN_DAYS = 10  # feedback "within 10 working days" of the audit


def _params(scope: Scope, filters: AuditFilter) -> dict[str, Any]:
    return {
        "areas": scope.visible(filters.service_areas),
        "start_date": filters.start,
        "end_date": filters.end,
        "teams": [],
        "activity_types": [],
        "themes": [],
    }


# --- Planned against completed ----------------------------------------------------------------------
@dataclass(frozen=True)
class Delivery:
    """The plan against what was done in the period.

    `lines`: one row per planned month, service area, activity type (its label) and theme: `plan_month`,
    `service_area`, `activity_type`, `theme`, `planned`, `completed`, `difference` (completed minus
    planned). `unplanned`: activities done that match no plan line, same columns less `planned` and
    `difference`. `by_month`: one row per month: `plan_month`, `planned`, `completed` (against the
    plan), `unplanned`.
    `delivered` counts each plan line's completed activities up to its planned number, so extra work
    on one line never hides a shortfall on another; `pct_delivered` = delivered / planned."""

    lines: pd.DataFrame
    unplanned: pd.DataFrame
    by_month: pd.DataFrame
    planned: int
    completed: int
    delivered: int
    unplanned_total: int

    @property
    def pct_delivered(self) -> float | None:
        return 100.0 * self.delivered / self.planned if self.planned else None

    @property
    def has_plan(self) -> bool:
        return not self.lines.empty


def plan_delivery(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> Delivery:
    """The audit plan's months in the period against the audits completed (see `Delivery`)."""
    rows = queries.frame(con, "programme_delivery", **_params(scope, filters))
    in_plan = rows["in_plan"].astype(bool)
    lines = rows[in_plan].drop(columns="in_plan").reset_index(drop=True)
    lines["difference"] = lines["completed"] - lines["planned"]
    unplanned = rows[~in_plan].drop(columns=["in_plan", "planned"]).reset_index(drop=True)
    by_month = (
        rows.assign(
            done=rows["completed"].where(in_plan, 0),
            extra=rows["completed"].where(~in_plan, 0),
        )
        .groupby("plan_month", as_index=False)
        .agg(planned=("planned", "sum"), completed=("done", "sum"), unplanned=("extra", "sum"))
    )
    return Delivery(
        lines=lines,
        unplanned=unplanned,
        by_month=by_month,
        planned=int(lines["planned"].sum()),
        completed=int(lines["completed"].sum()),
        delivered=int(lines[["completed", "planned"]].min(axis=1).sum()),
        unplanned_total=int(unplanned["completed"].sum()),
    )


# --- Framework scope coverage (section 6) -----------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    """Each service area's scope items (framework section 6) and whether the period's activity tested
    them. `grid`: one row per area in view and scope item, in the framework's order: `service_area`,
    `item`, `status` (COVERED, PLANNED or NOT_PLANNED), `completed` (activities linked), `planned`
    (planned activities linked, in the period's months), `themes` (the linked themes, '; '-joined).
    `by_area`: one row per area: `service_area`, `items`, `covered`, `planned`, `not_planned` (counts
    of its items by status, STATUS_COLUMNS)."""

    grid: pd.DataFrame
    by_area: pd.DataFrame


def scope_coverage(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> Coverage:
    """Scope coverage: an item is covered when at least one activity of its service area in the period
    has a theme linked to it, planned but not yet done when only plan lines of the period link to
    it, otherwise not planned. A theme is linked to an item when any plan line for the area and theme
    names the item in its "Scope area" column, or the theme names it (`scope_items_for_theme`)."""
    themes = queries.frame(con, "programme_coverage", **_params(scope, filters))
    linked: dict[tuple[str, str], dict[str, Any]] = {}
    for row in themes.itertuples(index=False):
        items = set(scope_items_for_theme(row.service_area, row.theme))
        items |= {canonical_scope_item(row.service_area, s) or s for s in row.scope_areas}
        for item in items:
            entry = linked.setdefault((row.service_area, item), {"completed": 0, "planned": 0, "themes": []})
            entry["completed"] += int(row.completed)
            entry["planned"] += int(row.planned)
            entry["themes"].append(row.theme)
    grid_rows = []
    for area in scope.visible(filters.service_areas):
        for item in ITEMS_BY_AREA.get(area, ()):
            entry = linked.get((area, item), {"completed": 0, "planned": 0, "themes": []})
            status = COVERED if entry["completed"] else PLANNED if entry["planned"] else NOT_PLANNED
            grid_rows.append(
                {
                    "service_area": area,
                    "item": item,
                    "status": status,
                    "completed": entry["completed"],
                    "planned": entry["planned"],
                    "themes": "; ".join(sorted(entry["themes"], key=str.lower)),
                }
            )
    grid = pd.DataFrame(grid_rows, columns=["service_area", "item", "status", "completed", "planned", "themes"])
    counts = pd.crosstab(grid["service_area"], grid["status"]).reindex(
        index=list(dict.fromkeys(grid["service_area"])), columns=list(STATUSES), fill_value=0
    )
    by_area = counts.assign(items=counts.sum(axis=1)).rename(columns=STATUS_COLUMNS).reset_index()
    by_area.columns.name = None
    return Coverage(grid=grid, by_area=by_area[["service_area", "items", *STATUS_COLUMNS.values()]])


# --- Feedback loop (section 5) -----------------------------------------------------------------------
def feedback(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """The feedback loop, one row for all areas in view then one per area (framework order):
    `service_area`, `activities`, `notified_recorded`, `notified`, `notified_pct`, `feedback_recorded`,
    `feedback_given`, `feedback_pct` (percentages 0-100 of the activities where the field was
    recorded), `dated` (feedback dated on or after the audit), `median_days` (working days from audit
    to feedback), `within_10`, `within_10_pct` (of dated), `before_audit` (feedback dated before the
    audit: left out of the timings) and the FEEDBACK_BANDS counts. Empty when there are no audits.
    Working days follow qa_data.working_days (England and Wales bank holidays)."""
    # Bank holidays from the year before the period to two years after it: feedback later than that
    # would only miss holidays beyond the 21+ band.
    holidays = working_days.bank_holidays(filters.start.year - 1, filters.end.year + 2)
    return queries.frame(con, "programme_feedback", **_params(scope, filters), holidays=holidays)


# --- Moderation -------------------------------------------------------------------------------------
def moderation(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """Moderation, one row for all areas in view then one per area: `service_area`, `activities`,
    `moderated`, `moderated_pct` (of activities), `agreed`, `changed_up` (moderator's grade better
    than the auditor's), `changed_down`, `agreed_pct`, `up_pct`, `down_pct` (of moderated)."""
    return queries.frame(con, "programme_moderation", **_params(scope, filters))


def grade_movement(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """The moderated activities as a grid: one row per auditor's grade (`auditor_grade`, best first),
    a count column per moderator's grade (vocab.GRADES), and `moderated` (the row's total)."""
    return queries.frame(con, "programme_grade_movement", **_params(scope, filters))


# --- Re-audits (section 8) ---------------------------------------------------------------------------
def reaudit_pairs(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """The re-audits dated in the period, newest first, beside their originals (in view, any date):
    `reaudit_id`, `reaudit_date`, `service_area`, `theme`, `original_id`, `original_date`,
    `original_grade`, `reaudit_grade`, `change` ('Improved', 'Same', 'Worse'; missing when the
    original is not loaded or not in view). No worker or child names."""
    return queries.frame(con, "programme_reaudit_pairs", **_params(scope, filters))


def reaudit_summary(con: duckdb.DuckDBPyConnection, *, scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    """Re-audits with their original in view, one row per service area and theme: `service_area`,
    `theme`, `pairs`, `original_good`, `original_pct`, `reaudit_good`, `reaudit_pct` (% good or
    better, 0-100), `improved`, `same`, `worse` (final grades compared)."""
    return queries.frame(con, "programme_reaudit_summary", **_params(scope, filters))
