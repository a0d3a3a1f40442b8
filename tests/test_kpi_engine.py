"""KPIs from Annex A lists (qa_data.kpi_engine): every expectation is worked by hand in the comments.

Unless a test says otherwise the reference date is Monday 31 March 2025, so the default period is
1 October 2024 to 31 March 2025 (both included). Bank holidays in play: Wed 25 and Thu 26 Dec 2024,
Wed 1 Jan 2025; Good Friday 18 and Easter Monday 21 April 2025.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from kpi_engine_helpers import NA, REF, frame, result

from qa_data.kpi_engine import KpiResult, calculate, calculate_by, kpi_flags

# --- Assessments within 45 working days (List 4) --------------------------------------------------

L4 = "continuous_assessment_start_date continuous_assessment_date_of_authorisation allocated_team"
ASSESSMENTS = frame(
    L4,
    # A1: Mon 2 Dec 2024 -> Thu 6 Feb 2025. Working days after 2 Dec: 3-6 Dec (4), 9-13 (9), 16-20 (14),
    # 23-24 (16), 25-26 off, 27 (17), 30-31 (19), 1 Jan off, 2-3 (21), 6-10 (26), 13-17 (31),
    # 20-24 (36), 27-31 (41), 3-6 Feb (45). Exactly 45: on time.
    ("2024-12-02", "2025-02-06", "Team A"),
    # A2: the same start, authorised Fri 7 Feb: 46 working days. Late.
    ("2024-12-02", "2025-02-07", "Team A"),
    # A3: Fri 7 Mar -> Mon 10 Mar 2025 across a weekend: 1 working day. On time.
    ("2025-03-07", "2025-03-10", "Team B"),
    # A4: open since Thu 2 Jan 2025: 62 working days by 31 Mar. Open and late: counts as late.
    ("2025-01-02", NA, "Team B"),
    # A5: open since Mon 3 Mar: 20 working days. Open, may still be on time: left out.
    ("2025-03-03", NA, "Team B"),
    # A6: open since Mon 27 Jan: 45 working days exactly (28 Jan .. 31 Mar). Not yet late: left out.
    ("2025-01-27", NA, "Team A"),
    # A7: open since Fri 24 Jan: 46 working days. Late.
    ("2025-01-24", NA, "Team A"),
    # A8: authorised after the reference date: open at it, 20 working days. Left out.
    ("2025-03-03", "2025-04-02", "Team B"),
    # A9: authorised Tue 1 Oct 2024, the first day of the period, 21 working days after Mon 2 Sep.
    ("2024-09-02", "2024-10-01", NA),
    # A10: authorised Mon 30 Sep 2024, the day before the period: out of scope.
    ("2024-08-01", "2024-09-30", NA),
    # A11: no start date but authorised in the period: unusable.
    (NA, "2025-01-15", "Team A"),
    # A12: authorised before it started: unusable.
    ("2025-02-10", "2025-02-03", "Team A"),
)


def test_assessments_within_45_working_days() -> None:
    # Denominator A1 A2 A3 A4 A7 A9 = 6; on time A1 A3 A9 = 3; unusable A11 A12.
    assert calculate("assessments_45wd", ASSESSMENTS, REF) == KpiResult("assessments_45wd", 3, 6, 50.0, "percent", 2)


def test_assessment_flags_show_the_working_days() -> None:
    flags = kpi_flags("assessments_45wd", ASSESSMENTS, REF)
    assert flags["working_days"].tolist()[:8] == [45, 46, 1, 62, 20, 45, 46, 20]
    assert flags["open"].tolist()[:8] == [False, False, False, True, True, True, True, True]
    assert flags.loc[flags["in_denominator"] & ~flags["in_numerator"]].index.tolist() == [1, 3, 6]


def test_assessments_by_team() -> None:
    by_team = calculate_by("assessments_45wd", ASSESSMENTS, REF, by="allocated_team")
    # Team A: A1 on time, A2 late, A7 late -> 1/3; A11, A12 unusable. Team B: A3 on time, A4 late
    # -> 1/2. No team: A9 on time -> 1/1.
    assert by_team.columns.tolist() == [
        "allocated_team",
        "code",
        "numerator",
        "denominator",
        "value",
        "unit",
        "unusable",
    ]
    rows = by_team.to_dict("records")
    assert [(r["allocated_team"], r["numerator"], r["denominator"], r["unusable"]) for r in rows[:2]] == [
        ("Team A", 1, 3, 2),
        ("Team B", 1, 2, 0),
    ]
    assert pd.isna(rows[2]["allocated_team"]) and (rows[2]["numerator"], rows[2]["denominator"]) == (1, 1)
    assert round(rows[0]["value"], 2) == 33.33 and rows[1]["value"] == 50.0 and rows[2]["value"] == 100.0


def test_assessments_with_a_period_start_given() -> None:
    # Period from 1 Feb 2025: A1 (6 Feb) and A2 (7 Feb) and A3 (10 Mar) completed in it; A4, A7 late
    # and open; A9 now out of period; A11 (15 Jan, no start) is out of period, so not unusable.
    assert result("assessments_45wd", ASSESSMENTS, period_start=date(2025, 2, 1)) == (2, 5, 40.0, 1)


def test_no_assessments_in_scope_gives_no_value() -> None:
    only_open = ASSESSMENTS.iloc[[4, 5]]  # A5 and A6: open and not yet late
    assert calculate("assessments_45wd", only_open, REF) == KpiResult("assessments_45wd", 0, 0, None, "percent", 0)


# --- ICPC within 15 working days of the strategy discussion (List 5) --------------------------------

L5 = (
    "strategy_discussion_initiating_section_47_enquiry_start_date "
    "was_an_initial_child_protection_conference_deemed_unnecessary date_of_initial_child_protection_conference"
)
ICPCS = frame(
    L5,
    # I1: strategy Mon 2 Dec 2024, ICPC Mon 23 Dec: 3-6 (4), 9-13 (9), 16-20 (14), 23 (15). On time.
    ("2024-12-02", False, "2024-12-23"),
    # I2: strategy Mon 16 Dec, ICPC Fri 10 Jan 2025: 17-20 (4), 23-24 (6), 27 (7), 30-31 (9),
    # 2-3 Jan (11), 6-10 (16). Christmas makes it 16: late.
    ("2024-12-16", False, "2025-01-10"),
    # I3: ICPC needed, not yet held, strategy Mon 3 Mar: 20 working days by 31 Mar. Late.
    ("2025-03-03", False, NA),
    # I4: ICPC needed, strategy Mon 17 Mar: 10 working days. Not yet late: left out.
    ("2025-03-17", False, NA),
    # I5: no decision yet (blank), strategy 6 Jan: an ICPC may never be needed. Left out.
    ("2025-01-06", NA, NA),
    # I6: ICPC judged unnecessary. Left out.
    ("2025-01-06", True, NA),
    # I7: ICPC before the strategy discussion: unusable.
    ("2025-02-10", False, "2025-02-03"),
    # I8: ICPC held on 20 Sep 2024, before the period: out of scope.
    ("2024-09-02", False, "2024-09-20"),
)


def test_icpcs_within_15_working_days() -> None:
    # Denominator I1 I2 I3 = 3, on time I1 = 1; I7 unusable.
    assert result("icpc_15wd", ICPCS) == (1, 3, 33.33, 1)


def test_icpc_deemed_unnecessary_accepts_yes_no_labels() -> None:
    labelled = ICPCS.assign(
        was_an_initial_child_protection_conference_deemed_unnecessary=[
            "No",
            "No",
            "no",
            "No",
            NA,
            "Yes",
            "No",
            "Unknown",
        ]
    )
    assert result("icpc_15wd", labelled) == (1, 3, 33.33, 1)


# --- Re-referrals (List 3) -------------------------------------------------------------------------

L3 = "date_of_referral number_of_referrals_in_last_12_months"
REFERRALS = frame(
    L3,
    ("2024-10-01", 0),  # first day of the period, first referral: denominator only
    ("2025-03-31", 2),  # the reference date itself, a re-referral
    ("2024-09-30", 1),  # the day before the period: out
    ("2025-04-01", 1),  # after the reference date: out
    ("2025-01-15", NA),  # count blank: unusable
    ("2025-02-01", 1),  # a re-referral
)


def test_re_referral_rate() -> None:
    # In the period: rows 0, 1, 5 (row 4 unusable); re-referrals 1 and 5: 2 of 3.
    assert result("re_referrals", REFERRALS) == (2, 3, 66.67, 1)


def test_re_referrals_over_a_longer_period() -> None:
    # From 1 Sep 2024 the 30 Sep referral is in too: 3 of 4.
    assert result("re_referrals", REFERRALS, period_start=date(2024, 9, 1)) == (3, 4, 75.0, 1)


def test_period_start_after_reference_date_is_refused() -> None:
    with pytest.raises(ValueError, match="after the reference date"):
        calculate("re_referrals", REFERRALS, REF, period_start=date(2025, 4, 1))


# --- Child protection plans (List 7) ---------------------------------------------------------------

L7_PLANS = "child_protection_plan_start_date child_protection_plan_end_date number_of_previous_child_protection_plans"


def test_repeat_cp_plans_count_plans_started_in_the_period() -> None:
    plans = frame(
        L7_PLANS + " date_of_birth",
        ("2024-10-01", NA, 0, "2015-05-05"),  # started on the first day of the period, first plan
        ("2025-03-31", NA, 1, "2015-05-05"),  # started on the reference date, a repeat plan
        ("2024-09-30", NA, 3, "2015-05-05"),  # started the day before the period: out
        ("2025-01-10", NA, NA, "2015-05-05"),  # count blank: unusable
        ("2025-02-01", NA, 2, "2025-06-01"),  # an unborn child (expected 1 Jun 2025): counts, a repeat
        ("2025-01-05", "2025-03-01", 1, "2010-01-01"),  # started and ended in the period: counts, a repeat
    )
    # Denominator rows 0, 1, 4, 5 = 4; repeats 1, 4, 5 = 3.
    assert result("repeat_cp_plans", plans) == (3, 4, 75.0, 1)


def test_cp_plans_lasting_two_years_of_those_ended_in_the_period() -> None:
    plans = frame(
        L7_PLANS,
        ("2022-12-01", "2024-12-01", 0),  # exactly two years: counts as 2 years or more
        ("2022-12-02", "2024-12-01", 0),  # one day short
        ("2024-01-01", "2024-10-01", 0),  # ended on the first day of the period: in
        ("2020-01-01", "2024-09-30", 0),  # ended the day before the period: out
        ("2020-01-01", "2025-04-01", 0),  # ends after the reference date: out
        ("2020-01-01", NA, 0),  # open: out
        (NA, "2025-01-10", 0),  # ended in the period, no start: unusable
    )
    # Denominator rows 0, 1, 2 = 3; two years or more: row 0.
    assert result("cp_plans_2_years", plans) == (1, 3, 33.33, 1)


def test_cp_plan_two_years_from_29_february() -> None:
    # A plan from 29 Feb 2020 reaches two years on 1 Mar 2022 (no 29 Feb in 2022).
    plans = frame(L7_PLANS, ("2020-02-29", "2022-02-28", 0), ("2020-02-29", "2022-03-01", 0))
    assert result("cp_plans_2_years", plans, date(2022, 3, 31)) == (1, 2, 50.0, 0)


L7_VISITS = (
    "child_protection_plan_start_date child_protection_plan_end_date date_of_birth age_of_child_years "
    "date_of_the_last_statutory_visit was_the_child_seen_alone"
)
# Ten working days before Mon 31 Mar 2025 is Mon 17 Mar (18-21, 24-28, 31 are the ten days after it).
VISITS = frame(
    L7_VISITS,
    ("2024-06-01", NA, "2018-01-01", 7, "2025-03-17", True),  # V0: 10 working days: in time, seen alone
    ("2024-06-01", NA, "2018-01-01", 7, "2025-03-14", False),  # V1: Fri 14 Mar, 11 working days: late
    ("2025-01-10", NA, "2025-05-20", -1, NA, NA),  # V2: unborn (expected date of birth): left out
    ("2025-01-10", NA, NA, -1, NA, NA),  # V3: unborn (no date of birth, age -1): left out
    ("2024-01-01", NA, NA, NA, NA, NA),  # V4: date of birth unknown, not unborn, never visited: late
    ("2025-03-20", NA, "2019-01-01", 6, NA, NA),  # V5: plan 7 working days old, no visit yet: left out
    ("2024-06-01", "2025-03-31", "2018-01-01", 7, "2025-01-01", True),  # V6: plan ended on ref date: out
    ("2024-06-01", NA, "2018-01-01", 7, "2025-04-02", True),  # V7: visit after the reference date: unusable
    ("2025-03-20", NA, "2016-01-01", 9, "2025-03-25", NA),  # V8: new plan, visited: in time; alone unknown
    ("2023-06-01", "2025-01-01", "2018-01-01", 7, "2024-12-01", False),  # V9: plan ended in January: out
)


def test_cp_visits_within_10_working_days() -> None:
    # Denominator V0 V1 V4 V8 = 4; in time V0 V8 = 2; V7 unusable.
    assert result("cp_visits_in_timescale", VISITS) == (2, 4, 50.0, 1)


def test_cp_visits_with_a_local_standard_of_15_working_days() -> None:
    # 15 working days: V1 (11) is now in time. V5's plan (7 working days) is still not due.
    assert result("cp_visits_in_timescale", VISITS, standard_working_days=15) == (3, 4, 75.0, 1)


def test_cp_visits_over_easter() -> None:
    # Reference Tue 22 Apr 2025, after Good Friday 18 and Easter Monday 21 April.
    visits = frame(
        L7_VISITS,
        # Fri 4 Apr: 7-11 (5), 14-17 (9), 22 (10): in time although 18 calendar days ago.
        ("2024-06-01", NA, "2018-01-01", 7, "2025-04-04", True),
        # Thu 3 Apr: 11 working days: late.
        ("2024-06-01", NA, "2018-01-01", 7, "2025-04-03", True),
    )
    flags = kpi_flags("cp_visits_in_timescale", visits, date(2025, 4, 22))
    assert flags["working_days_since_visit"].tolist() == [10, 11]
    assert result("cp_visits_in_timescale", visits, date(2025, 4, 22)) == (1, 2, 50.0, 0)


def test_cp_children_seen_alone() -> None:
    # Born, on a plan and visited: V0 (alone), V1 (not), V8 (unknown: not evidenced) -> 1 of 3.
    assert result("cp_seen_alone", VISITS) == (1, 3, 33.33, 1)


def test_unborn_without_age_column_is_known_only_by_expected_date_of_birth() -> None:
    # Without age_of_child_years, V3 (no date of birth) is a child of unknown age, not unborn: late.
    assert result("cp_visits_in_timescale", VISITS.drop(columns="age_of_child_years")) == (2, 5, 40.0, 1)
