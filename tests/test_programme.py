"""qa_data.programme on a small planted programme in a real DuckDB: plan lines and audits inserted with
SQL, every expected number worked out by hand below (the period is January to April 2025).

Plan lines in the period (planned):        completed (audits of the same month, area, type, theme)
  Jan FD case audit  "Re-referrals"   2    FD-1 "  re-referrals ", FD-2 "Re-Referrals", FD-3 "RE-REFERRALS" = 3
  Jan FD dip sample  "Strategy discussions" 3   FD-4 = 1
  Feb FD case audit  "Early help interface" 1   none
  Feb CiC observation "Voice of the child" 2    CIC-1 "voice of the child" = 1 (scope area: Matching ...)
  Jan CL case audit  "Pathway plans"  4    CL-1 = 1
Out of the period: May FD "Re-referrals" 5 and May FD "Emergency action" 1.
Not in the plan: FD-5 (Feb case audit, Re-referrals), FD-6 (Mar observation, no theme), FD-7 (Apr case
audit, Strategy discussions). FD-0 (Dec 2024) and FD-9 (May 2025) are outside the period.
Planned 12, completed 6, delivered (capped per line) 2+1+0+1+1 = 5, unplanned 3.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pytest

from qa_data import db, programme, working_days
from qa_data.audits import AuditFilter
from qa_data.scope import Scope

PERIOD = AuditFilter(date(2025, 1, 1), date(2025, 4, 30))
EVERYONE = Scope.everything(user="test")
FRONT_DOOR = Scope(("Front Door",), user="hos")
FD, CIC, CL = "Front Door", "Children in Care", "Care Leavers"
MATCHING = "Matching, placement and decision making"

PLAN = [
    (date(2025, 1, 1), FD, "case_audit", "Re-referrals", None, 2),
    (date(2025, 1, 1), FD, "dip_sample", "Strategy discussions", None, 3),
    (date(2025, 2, 1), FD, "case_audit", "Early help interface", None, 1),
    (date(2025, 2, 1), CIC, "observation", "Voice of the child", "matching, placement and decision making", 2),
    (date(2025, 1, 1), CL, "case_audit", "Pathway plans", None, 4),
    (date(2025, 5, 1), FD, "case_audit", "Re-referrals", None, 5),
    (date(2025, 5, 1), FD, "case_audit", "Emergency action", None, 1),
]

G, RI, INAD, OUT = "Good", "Requires improvement", "Inadequate", "Outstanding"


def audit(
    con: duckdb.DuckDBPyConnection,
    audit_id: str,
    day: date,
    area: str,
    activity: str,
    theme: str | None,
    grade: str,
    *,
    moderated: str | None = None,
    notified: bool | None = None,
    feedback: bool | None = None,
    feedback_date: date | None = None,
    reaudit_of: str | None = None,
) -> None:
    final = moderated or grade
    db.cursor(con).execute(
        "insert into audits (audit_id, activity_type, audit_date, service_area, worker, theme, overall_grade, "
        "moderated_grade, final_grade, good_or_better, worker_notified, feedback_given, feedback_date, "
        "reaudit_of, load_id) values (?, ?, ?, ?, 'A worker', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')",
        [audit_id, activity, day, area, theme, grade, moderated, final, final in (OUT, G), notified, feedback,
         feedback_date, reaudit_of],
    )


def plant_plan(con: duckdb.DuckDBPyConnection) -> None:
    db.cursor(con).executemany(
        "insert into audit_plan (plan_month, service_area, activity_type, theme, scope_area, planned, load_id) "
        "values (?, ?, ?, ?, ?, ?, 'plan')",
        [list(row) for row in PLAN],
    )


def plant_audits(con: duckdb.DuckDBPyConnection) -> None:
    # Working days to feedback (after the audit, up to and including the feedback date):
    audit(con, "FD-0", date(2024, 12, 10), FD, "case_audit", "Re-referrals", RI)
    # Fri 10 Jan -> Fri 17 Jan: 5
    audit(con, "FD-1", date(2025, 1, 10), FD, "case_audit", "  re-referrals ", G, moderated=G,
          notified=True, feedback=True, feedback_date=date(2025, 1, 17))
    # Mon 20 Jan -> Mon 3 Feb: 10
    audit(con, "FD-2", date(2025, 1, 20), FD, "case_audit", "Re-Referrals", RI, moderated=G,
          notified=True, feedback=True, feedback_date=date(2025, 2, 3))
    # Sat 25 Jan -> Mon 27 Jan: 1 (a weekend start is day 0)
    audit(con, "FD-3", date(2025, 1, 25), FD, "case_audit", "RE-REFERRALS", G, moderated=RI,
          notified=False, feedback=True, feedback_date=date(2025, 1, 27))
    audit(con, "FD-4", date(2025, 1, 15), FD, "dip_sample", "Strategy discussions", G, notified=False, feedback=False)
    audit(con, "FD-5", date(2025, 2, 3), FD, "case_audit", "Re-referrals", G)  # neither field recorded
    # Wed 5 Mar -> Mon 7 Apr: 2 + 5 + 5 + 5 + 5 + 1 = 23. Re-audits CL-1, another area.
    audit(con, "FD-6", date(2025, 3, 5), FD, "observation", None, RI, notified=True, feedback=True,
          feedback_date=date(2025, 4, 7), reaudit_of="CL-1")
    # Thu 10 Apr -> Mon 28 Apr across Easter (Good Friday 18, Easter Monday 21 Apr): 1 + 4 + 3 + 2 = 10,
    # within 10 working days (12 if the bank holidays were counted). Re-audits FD-0.
    audit(con, "FD-7", date(2025, 4, 10), FD, "case_audit", "Strategy discussions", G, notified=True,
          feedback=True, feedback_date=date(2025, 4, 28), reaudit_of="FD-0")
    audit(con, "FD-9", date(2025, 5, 2), FD, "case_audit", "Re-referrals", OUT, reaudit_of="FD-0")
    audit(con, "CIC-1", date(2025, 2, 10), CIC, "observation", "voice of the child", G, notified=True,
          feedback=True, reaudit_of="NOT-LOADED")
    audit(con, "CL-1", date(2025, 1, 12), CL, "case_audit", "Pathway plans", INAD, moderated=RI,
          notified=True, feedback=False)


@pytest.fixture
def planted(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    plant_plan(con)
    plant_audits(con)
    return con


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


# --- Planned against completed ----------------------------------------------------------------------
def test_plan_lines_match_themes_ignoring_case_and_spaces(planted: duckdb.DuckDBPyConnection) -> None:
    delivery = programme.plan_delivery(planted, scope=EVERYONE, filters=PERIOD)
    lines = records(delivery.lines, ["plan_month", "service_area", "activity_type", "theme", "planned",
                                     "completed", "difference"])
    jan, feb = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")
    assert sorted(lines) == sorted([
        (jan, FD, "Case audit", "Re-referrals", 2, 3, 1),
        (jan, FD, "Dip sample", "Strategy discussions", 3, 1, -2),
        (feb, FD, "Case audit", "Early help interface", 1, 0, -1),
        (feb, CIC, "Practice observation", "Voice of the child", 2, 1, -1),
        (jan, CL, "Case audit", "Pathway plans", 4, 1, -3),
    ])
    assert (delivery.planned, delivery.completed, delivery.delivered, delivery.unplanned_total) == (12, 6, 5, 3)
    assert delivery.pct_delivered == pytest.approx(100 * 5 / 12)


def test_unplanned_activity_is_its_own_figure(planted: duckdb.DuckDBPyConnection) -> None:
    delivery = programme.plan_delivery(planted, scope=EVERYONE, filters=PERIOD)
    unplanned = records(delivery.unplanned, ["plan_month", "activity_type", "theme", "completed"])
    assert [(m.month, t, th if isinstance(th, str) else None, n) for m, t, th, n in unplanned] == [
        (2, "Case audit", "Re-referrals", 1),
        (3, "Practice observation", None, 1),
        (4, "Case audit", "Strategy discussions", 1),
    ]
    by_month = records(delivery.by_month, ["plan_month", "planned", "completed", "unplanned"])
    assert [(m.month, p, c, u) for m, p, c, u in by_month] == [(1, 9, 5, 0), (2, 3, 1, 1), (3, 0, 0, 1), (4, 0, 0, 1)]


def test_delivery_for_a_scoped_viewer_counts_only_their_area(planted: duckdb.DuckDBPyConnection) -> None:
    delivery = programme.plan_delivery(planted, scope=FRONT_DOOR, filters=PERIOD)
    assert set(delivery.lines["service_area"]) == set(delivery.unplanned["service_area"]) == {FD}
    assert (delivery.planned, delivery.completed, delivery.delivered, delivery.unplanned_total) == (6, 4, 3, 3)
    # The sidebar's area filter narrows the same way; an area outside the scope is never added.
    narrowed = AuditFilter(PERIOD.start, PERIOD.end, service_areas=(CL, CIC))
    assert programme.plan_delivery(planted, scope=FRONT_DOOR, filters=narrowed).lines.empty


def test_without_a_plan_every_activity_is_unplanned(con: duckdb.DuckDBPyConnection) -> None:
    plant_audits(con)
    delivery = programme.plan_delivery(con, scope=EVERYONE, filters=PERIOD)
    assert not delivery.has_plan
    assert (delivery.planned, delivery.unplanned_total, delivery.pct_delivered) == (0, 9, None)


# --- Scope coverage ---------------------------------------------------------------------------------
def test_scope_coverage_statuses(planted: duckdb.DuckDBPyConnection) -> None:
    coverage = programme.scope_coverage(planted, scope=EVERYONE, filters=PERIOD)
    status = {(r.service_area, r.item): (r.status, r.completed, r.planned) for r in coverage.grid.itertuples()}
    assert status[(FD, "No further action and sign-posting")] == (programme.COVERED, 4, 2)
    assert status[(FD, "Child protection enquiries (strategy discussions, section 47)")] == (programme.COVERED, 2, 3)
    assert status[(FD, "Early help interface: step-up and step-down")] == (programme.PLANNED, 0, 1)
    assert status[(FD, "Impact of early help")] == (programme.PLANNED, 0, 1)
    # Planned only for May: not planned in January to April.
    assert status[(FD, "Emergency action (police protection, emergency protection orders)")] == (
        programme.NOT_PLANNED, 0, 0)
    # Linked only through the plan's scope area (typed in lower case): the theme names no scope item.
    assert status[(CIC, MATCHING)] == (programme.COVERED, 1, 2)
    assert status[(CL, "Care leavers aged 16 and 17")] == (programme.COVERED, 1, 4)
    counts = {r.service_area: (r.items, r.covered, r.planned, r.not_planned) for r in coverage.by_area.itertuples()}
    assert counts[FD] == (7, 2, 2, 3)
    assert counts[CIC] == (2, 1, 0, 1)
    assert counts[CL] == (6, 1, 0, 5)
    assert counts["Permanence"] == (5, 0, 0, 5)
    assert list(coverage.by_area["service_area"])[:2] == [FD, "Children in Need and Child Protection"]


def test_scope_coverage_for_a_scoped_viewer(planted: duckdb.DuckDBPyConnection) -> None:
    coverage = programme.scope_coverage(planted, scope=FRONT_DOOR, filters=PERIOD)
    assert set(coverage.grid["service_area"]) == {FD} and len(coverage.grid) == 7
    assert list(coverage.by_area["service_area"]) == [FD]


# --- Feedback loop ----------------------------------------------------------------------------------
def test_feedback_percentages_and_working_day_bands(planted: duckdb.DuckDBPyConnection) -> None:
    loop = programme.feedback(planted, scope=EVERYONE, filters=PERIOD).set_index("service_area")
    every = loop.loc[programme.ALL_AREAS]
    # 9 activities in the period; FD-5 recorded neither field.
    assert (every.activities, every.notified_recorded, every.notified) == (9, 8, 6)
    assert (every.feedback_recorded, every.feedback_given) == (8, 6)
    assert (every.notified_pct, every.feedback_pct) == (pytest.approx(75.0), pytest.approx(75.0))
    # Dated feedback: 5, 10, 1, 23, 10 working days (CIC-1's feedback has no date).
    assert (every.dated, every.median_days, every.within_10, every.before_audit) == (5, 10, 4, 0)
    assert every.within_10_pct == pytest.approx(80.0)
    assert [every[k] for k in programme.FEEDBACK_BANDS] == [2, 2, 0, 1]
    front = loop.loc[FD]
    assert (front.activities, front.notified_recorded, front.notified, front.feedback_given) == (7, 6, 4, 5)
    assert front.notified_pct == pytest.approx(100 * 4 / 6)
    assert list(loop.index) == [programme.ALL_AREAS, FD, CIC, CL]
    # The Easter case is counted as qa_data.working_days counts it.
    assert working_days.working_days_between(date(2025, 4, 10), date(2025, 4, 28)) == 10


def test_feedback_before_the_audit_is_counted_apart(con: duckdb.DuckDBPyConnection) -> None:
    audit(con, "X-1", date(2025, 3, 10), FD, "case_audit", "Re-referrals", G, feedback=True,
          feedback_date=date(2025, 3, 7))
    audit(con, "X-2", date(2025, 3, 10), FD, "case_audit", "Re-referrals", G, feedback=True,
          feedback_date=date(2025, 3, 10))
    every = programme.feedback(con, scope=EVERYONE, filters=PERIOD).iloc[0]
    assert (every.dated, every.before_audit, every.band_0_5, every.median_days) == (1, 1, 1, 0)


def test_feedback_and_moderation_on_an_empty_database(con: duckdb.DuckDBPyConnection) -> None:
    assert programme.feedback(con, scope=EVERYONE, filters=PERIOD).empty
    assert programme.moderation(con, scope=EVERYONE, filters=PERIOD).empty
    assert programme.reaudit_pairs(con, scope=EVERYONE, filters=PERIOD).empty


# --- Moderation -------------------------------------------------------------------------------------
def test_moderation_agreed_up_and_down(planted: duckdb.DuckDBPyConnection) -> None:
    table = programme.moderation(planted, scope=EVERYONE, filters=PERIOD).set_index("service_area")
    every = table.loc[programme.ALL_AREAS]
    # FD-1 Good -> Good (agreed), FD-2 RI -> Good (up), FD-3 Good -> RI (down), CL-1 Inadequate -> RI (up).
    assert (every.activities, every.moderated, every.agreed, every.changed_up, every.changed_down) == (9, 4, 1, 2, 1)
    assert (every.moderated_pct, every.up_pct) == (pytest.approx(100 * 4 / 9), pytest.approx(50.0))
    assert (table.loc[CL].moderated, table.loc[CL].changed_up) == (1, 1)
    assert table.loc[CIC].moderated == 0 and pd.isna(table.loc[CIC].agreed_pct)
    grid = programme.grade_movement(planted, scope=EVERYONE, filters=PERIOD).set_index("auditor_grade")
    assert list(grid.index) == [OUT, G, RI, INAD]
    assert grid.loc[G].tolist() == [0, 1, 1, 0, 2]
    assert grid.loc[RI].tolist() == [0, 1, 0, 0, 1]
    assert grid.loc[INAD].tolist() == [0, 0, 1, 0, 1]
    assert grid.loc[OUT].tolist() == [0, 0, 0, 0, 0]
    scoped = programme.moderation(planted, scope=FRONT_DOOR, filters=PERIOD)
    assert list(scoped["service_area"]) == [programme.ALL_AREAS, FD]
    assert tuple(scoped.iloc[0][["moderated", "agreed", "changed_up", "changed_down"]]) == (3, 1, 1, 1)


# --- Re-audits --------------------------------------------------------------------------------------
def test_reaudit_pairs_and_summary(planted: duckdb.DuckDBPyConnection) -> None:
    pairs = programme.reaudit_pairs(planted, scope=EVERYONE, filters=PERIOD)
    got = [
        (r.reaudit_id, r.original_id if isinstance(r.original_id, str) else None, r.original_grade
         if isinstance(r.original_grade, str) else None, r.reaudit_grade, r.change if isinstance(r.change, str)
         else None)
        for r in pairs.itertuples()
    ]
    # Newest first; FD-9 (May) is outside the period; CIC-1's original is not loaded.
    assert got == [
        ("FD-7", "FD-0", RI, G, "Improved"),
        ("FD-6", "CL-1", RI, RI, "Same"),
        ("CIC-1", None, None, G, None),
    ]
    assert "worker" not in pairs.columns and "child_ref" not in pairs.columns
    summary = programme.reaudit_summary(planted, scope=EVERYONE, filters=PERIOD)
    assert records(summary, ["service_area", "theme", "pairs", "original_pct", "reaudit_pct", "improved", "same",
                             "worse"]) == [
        (FD, "Pathway plans", 1, 0.0, 0.0, 0, 1, 0),
        (FD, "Re-referrals", 1, 0.0, 100.0, 1, 0, 0),
    ]


def test_reaudit_of_an_audit_outside_the_scope_is_never_paired(planted: duckdb.DuckDBPyConnection) -> None:
    pairs = programme.reaudit_pairs(planted, scope=FRONT_DOOR, filters=PERIOD)
    assert list(pairs["reaudit_id"]) == ["FD-7", "FD-6"]
    assert pairs["original_id"].isna().tolist() == [False, True]  # CL-1 is a Care Leavers audit
    assert "CL-1" not in set(pairs["original_id"].dropna())
    summary = programme.reaudit_summary(planted, scope=FRONT_DOOR, filters=PERIOD)
    assert records(summary, ["theme", "pairs", "improved"]) == [("Re-referrals", 1, 1)]
