"""KPIs from Annex A lists (qa_data.kpi_engine): every expectation is worked by hand in the comments.

Unless a test says otherwise the reference date is Monday 31 March 2025, so the default period is
1 October 2024 to 31 March 2025 (both included). Bank holidays in play: Wed 25 and Thu 26 Dec 2024,
Wed 1 Jan 2025; Good Friday 18 and Easter Monday 21 April 2025.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_data.kpi_definitions import KPI_CATALOGUE, REQUIRED_COLUMNS, canonical_column
from qa_data.kpi_engine import (
    KpiResult,
    age_in_years,
    calculate,
    calculate_by,
    default_period_start,
    kpi_flags,
)
from qa_data.working_days import add_working_days

REF = date(2025, 3, 31)
NA = None


def frame(columns: str, *rows: tuple[Any, ...]) -> pd.DataFrame:
    """A list as the loader hands it over: dates as datetime64 (text 'YYYY-MM-DD' here for brevity)."""
    names = columns.split()
    df = pd.DataFrame(list(rows), columns=names)
    for name in names:
        if "date" in name:
            df[name] = pd.to_datetime(df[name])
    return df


def result(code: str, df: pd.DataFrame, ref: date = REF, **options: Any) -> tuple[int, int, float | None, int]:
    r = calculate(code, df, ref, **options)
    value = None if r.value is None else round(r.value, 2)
    return r.numerator, r.denominator, value, r.unusable


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


# --- Children in care (List 8) ---------------------------------------------------------------------

IN_CARE = "date_started_to_be_looked_after date_ceased_to_be_looked_after"


def test_three_or_more_placements() -> None:
    cla = frame(
        IN_CARE + " number_of_placements_in_the_last_12_months",
        ("2023-01-01", NA, 3),  # in care, 3 placements
        ("2023-01-01", NA, 1),  # in care, 1
        ("2023-01-01", "2025-03-31", 5),  # ceased on the reference date: not in care at it
        ("2023-01-01", "2025-04-15", 4),  # ceased after the reference date: in care at it, 4
        ("2023-01-01", NA, NA),  # count blank: unusable
        ("2025-04-01", NA, 1),  # started after the reference date: out
    )
    assert result("cla_3_placements", cla) == (2, 3, 66.67, 1)


def test_long_term_placement_stability() -> None:
    # 30 months before 31 Mar 2025 is 30 Sep 2022; 24 months before is 31 Mar 2023.
    cla = frame(
        IN_CARE + " date_of_birth start_date_of_most_recent_placement placement_type",
        ("2022-09-30", NA, "2012-01-01", "2023-03-31", "U4"),  # exactly 2.5 years, exactly 2 years: stable
        ("2022-10-01", NA, "2012-01-01", "2022-10-01", "U4"),  # a day short of 2.5 years in care: out
        ("2020-01-01", NA, "2009-04-01", "2023-04-01", "U4"),  # 15 (16 tomorrow); a day short of 2 years
        ("2020-01-01", NA, "2009-03-31", "2020-01-01", "U4"),  # 16 today: out
        ("2020-01-01", NA, "2014-05-05", "2024-12-01", "A4"),  # placed for adoption: stable
        ("2020-01-01", NA, "2014-05-05", NA, "U6"),  # placement start blank: unusable
        ("2020-01-01", NA, "2014-05-05", NA, "a5"),  # placed for adoption (any case): stable
        ("2020-01-01", "2025-01-01", "2014-05-05", "2020-01-01", "U4"),  # left care: out
    )
    # Denominator rows 0, 2, 4, 6 = 4; stable 0, 4, 6 = 3.
    assert result("cla_long_term_stability", cla) == (3, 4, 75.0, 1)


HEALTH = IN_CARE + " date_of_birth date_of_last_health_assessment"


def test_health_assessments_in_time() -> None:
    # In care since 31 Mar 2024 or earlier. 6 months before 31 Mar 2025: 30 Sep 2024 (no 31 Sep).
    cla = frame(
        HEALTH,
        ("2023-01-01", NA, "2021-06-01", "2024-09-30"),  # H0: age 3, exactly 6 months: in time
        ("2023-01-01", NA, "2021-06-01", "2024-09-29"),  # H1: age 3, a day over: late
        ("2023-01-01", NA, "2015-01-01", "2024-03-31"),  # H2: age 10, exactly 12 months: in time
        ("2023-01-01", NA, "2015-01-01", "2024-03-30"),  # H3: age 10, a day over: late
        ("2024-04-01", NA, "2015-01-01", NA),  # H4: in care 364 days: out
        ("2024-03-31", NA, "2015-01-01", NA),  # H5: in care exactly 12 months, never assessed: late
        ("2023-01-01", NA, NA, "2025-01-01"),  # H6: date of birth blank: unusable (6 or 12 months?)
        ("2023-01-01", NA, "2015-01-01", "2025-04-02"),  # H7: assessed after the reference date: unusable
        ("2020-03-20", NA, "2020-03-01", "2024-10-01"),  # H8: 5 today (born 1 Mar 2020), 12-month rule
    )
    # Denominator H0 H1 H2 H3 H5 H8 = 6; in time H0 H2 H8 = 3.
    assert result("cla_health_assessments", cla) == (3, 6, 50.0, 2)


def test_health_assessment_rule_changes_on_a_29_february_fifth_birthday() -> None:
    # Born 29 Feb 2020: 4 on Fri 28 Feb 2025, 5 on Sat 1 Mar 2025. Last assessment 1 Jun 2024.
    cla = frame(HEALTH, ("2022-01-01", NA, "2020-02-29", "2024-06-01"))
    # 28 Feb 2025: under 5, due within 6 months (from 28 Aug 2024): late.
    assert result("cla_health_assessments", cla, date(2025, 2, 28)) == (0, 1, 0.0, 0)
    # 1 Mar 2025: 5, due within 12 months (from 1 Mar 2024): in time.
    assert result("cla_health_assessments", cla, date(2025, 3, 1)) == (1, 1, 100.0, 0)


def test_dental_checks_in_time_need_no_date_of_birth() -> None:
    cla = frame(
        IN_CARE + " date_of_last_dental_check",
        ("2023-01-01", NA, "2024-03-31"),  # exactly 12 months: in time
        ("2023-01-01", NA, "2024-03-30"),  # late
        ("2023-01-01", NA, NA),  # never: late
        ("2024-04-01", NA, NA),  # in care under 12 months: out
    )
    assert result("cla_dental_checks", cla) == (1, 3, 33.33, 0)


MISSING = (
    IN_CARE + " number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months"
    " was_the_child_offered_a_return_interview_after_their_last_missing_episode_y_n"
)
CLA_MISSING = frame(
    MISSING,
    ("2023-01-01", NA, 2, True),  # M0: missing, offered
    ("2023-01-01", NA, 0, NA),  # M1: never missing
    ("2023-01-01", "2024-10-01", 1, False),  # M2: left care on the first day of the period: in; not offered
    ("2023-01-01", "2024-09-30", 3, True),  # M3: left care before the period: out
    ("2023-01-01", NA, 1, NA),  # M4: missing, offer unknown: not evidenced
    ("2023-01-01", NA, NA, NA),  # M5: count blank: unusable
)


def test_children_in_care_who_went_missing() -> None:
    # In care in the period: M0 M1 M2 M4 = 4; missing M0 M2 M4 = 3.
    assert result("cla_missing", CLA_MISSING) == (3, 4, 75.0, 1)


def test_return_interviews_offered() -> None:
    # Of M0 M2 M4, offered: M0.
    assert result("cla_return_interviews", CLA_MISSING) == (1, 3, 33.33, 1)


# --- Care leavers (List 9) -------------------------------------------------------------------------

L9 = "date_of_birth la_in_touch suitability_of_accommodation activity_status"
CARE_LEAVERS = frame(
    L9,
    ("2008-03-31", "YES", "SUITABLE", "F3"),  # K0: 17 today: 17-18
    ("2008-04-01", "YES", "SUITABLE", "F3"),  # K1: 16: neither band
    ("2006-03-31", "YES", "UNSUITABLE", "G5"),  # K2: 19 today: 19-21
    ("2006-04-01", "NO", NA, NA),  # K3: 18 (19 tomorrow): 17-18
    ("2003-04-01", "Yes", "Suitable", "P2"),  # K4: 21 (22 tomorrow): 19-21, labels in any case
    ("2003-03-31", "YES", "SUITABLE", "F1"),  # K5: 22 today: neither band
    ("2004-06-01", "DIED", NA, NA),  # K6: 20, died: left out
    (NA, "YES", "SUITABLE", "F1"),  # K7: date of birth blank: unusable
    ("2005-01-01", "REFU", NA, NA),  # K8: 20, refuses contact
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # 17-18: K0, K3.
        ("care_leavers_in_touch_17_18", (1, 2, 50.0, 1)),
        ("care_leavers_suitable_accommodation_17_18", (1, 2, 50.0, 1)),
        ("care_leavers_eet_17_18", (1, 2, 50.0, 1)),
        # 19-21: K2, K4, K8 (K6 died). In touch K2, K4; suitable K4; EET K4 (G5 is NEET).
        ("care_leavers_in_touch_19_21", (2, 3, 66.67, 1)),
        ("care_leavers_suitable_accommodation_19_21", (1, 3, 33.33, 1)),
        ("care_leavers_eet_19_21", (1, 3, 33.33, 1)),
    ],
)
def test_care_leavers(code: str, expected: tuple[int, int, float, int]) -> None:
    assert result(code, CARE_LEAVERS) == expected


def test_care_leaver_codes_outside_the_list_are_refused() -> None:
    lettered = CARE_LEAVERS.assign(la_in_touch=["a) Yes"] * len(CARE_LEAVERS))
    with pytest.raises(ValueError, match=r"la_in_touch.*a\) Yes"):
        calculate("care_leavers_in_touch_19_21", lettered, REF)


# --- Ages, periods, input checks -------------------------------------------------------------------


def test_age_in_years_at_birthdays() -> None:
    dob = pd.Series(pd.to_datetime(["2008-02-29", "2008-02-29", "2008-02-29", "2008-02-29", None, "2025-06-01"]))
    assert age_in_years(dob.iloc[:1], date(2025, 2, 28)).tolist() == [16]  # no 29 Feb in 2025
    assert age_in_years(dob.iloc[:1], date(2025, 3, 1)).tolist() == [17]
    assert age_in_years(dob.iloc[:1], date(2024, 2, 29)).tolist() == [16]  # the birthday itself
    assert age_in_years(dob.iloc[:1], date(2024, 2, 28)).tolist() == [15]
    assert age_in_years(dob.iloc[4:], date(2025, 3, 31)).tolist() == [pd.NA, -1]  # unknown, unborn


def test_default_period_is_six_calendar_months_ending_on_the_reference_date() -> None:
    assert default_period_start(date(2025, 3, 31)) == pd.Timestamp("2024-10-01")
    assert default_period_start(date(2025, 8, 31)) == pd.Timestamp("2025-03-01")  # 28 Feb + 1 day
    assert default_period_start(date(2024, 8, 31)) == pd.Timestamp("2024-03-01")  # 29 Feb + 1 day


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="continuous_assessment_date_of_authorisation"):
        calculate("assessments_45wd", ASSESSMENTS.drop(columns="continuous_assessment_date_of_authorisation"), REF)


def test_unknown_kpi_code() -> None:
    with pytest.raises(KeyError, match="no_such_kpi"):
        calculate("no_such_kpi", ASSESSMENTS, REF)


def test_group_column_must_exist() -> None:
    with pytest.raises(ValueError, match="allocated_worker"):
        calculate_by("assessments_45wd", ASSESSMENTS, REF, by="allocated_worker")


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("date_of_referral", ["01/10/2024"] * 6, "must hold dates"),
        ("number_of_referrals_in_last_12_months", [0.5, 1, 1, 1, 1, 1], "whole numbers"),
        ("number_of_referrals_in_last_12_months", [-1, 1, 1, 1, 1, 1], "negative"),
    ],
)
def test_wrong_types_are_refused_not_guessed(column: str, values: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calculate("re_referrals", REFERRALS.assign(**{column: values}), REF)


def test_yes_no_fields_refuse_other_words() -> None:
    with pytest.raises(ValueError, match="was_the_child_seen_alone"):
        calculate("cp_seen_alone", VISITS.assign(was_the_child_seen_alone="b) No"), REF)


def test_dates_as_python_dates_are_accepted() -> None:
    as_objects = REFERRALS.assign(
        date_of_referral=pd.Series([d.date() for d in REFERRALS["date_of_referral"]], dtype=object)
    )
    assert result("re_referrals", as_objects) == (2, 3, 66.67, 1)


# --- The catalogue ---------------------------------------------------------------------------------


def test_catalogue_covers_every_kpi_with_a_direction_and_columns() -> None:
    assert set(KPI_CATALOGUE) == set(REQUIRED_COLUMNS)
    assert len(KPI_CATALOGUE) == 19
    for code, kpi in KPI_CATALOGUE.items():
        assert kpi.code == code
        assert kpi.direction in ("higher", "lower")
        assert kpi.unit == "percent"
        assert kpi.name and kpi.definition.endswith(".")
    assert KPI_CATALOGUE["re_referrals"].direction == "lower"
    assert KPI_CATALOGUE["assessments_45wd"].direction == "higher"


def test_required_columns_are_the_2019_template_headers_in_snake_case() -> None:
    workbook = openpyxl.load_workbook(
        SHARED / "reference_data" / "annexa_ofsted_template_2019_with_sample_rows.xlsx", read_only=True
    )
    headers: dict[int, set[str]] = {}
    for number in range(1, 12):
        row = next(workbook[f"List_{number}"].iter_rows(min_row=2, max_row=2, values_only=True))
        headers[number] = {canonical_column(h) for h in row if h}
    workbook.close()
    assert canonical_column("Continuous Assessment Date of Authorisation") in headers[4]
    for code, columns in REQUIRED_COLUMNS.items():
        missing = set(columns) - headers[KPI_CATALOGUE[code].annex_a_list]
        assert not missing, (code, missing)


def test_flags_are_consistent_for_every_kpi() -> None:
    # Whatever the KPI: the numerator sits inside the denominator, and unusable rows sit outside it.
    frames = {
        4: ASSESSMENTS,
        5: ICPCS,
        3: REFERRALS,
        7: VISITS.assign(number_of_previous_child_protection_plans=1),
        8: CLA_MISSING.assign(
            date_of_birth=pd.Timestamp("2015-01-01"),
            number_of_placements_in_the_last_12_months=[3, 1, 4, 2, 1, None],
            start_date_of_most_recent_placement=pd.Timestamp("2023-01-01"),
            placement_type="U4",
            date_of_last_health_assessment=pd.Timestamp("2024-12-01"),
            date_of_last_dental_check=pd.NaT,
        ),
        9: CARE_LEAVERS,
    }
    for code, kpi in KPI_CATALOGUE.items():
        flags = kpi_flags(code, frames[kpi.annex_a_list], REF, period_start=date(2024, 10, 1))
        assert not (flags["in_numerator"] & ~flags["in_denominator"]).any(), code
        assert not (flags["unusable"] & flags["in_denominator"]).any(), code
        assert flags.index.equals(frames[kpi.annex_a_list].index), code


# --- Properties ------------------------------------------------------------------------------------

starts = st.dates(min_value=date(2024, 6, 1), max_value=date(2025, 3, 31))
durations = st.integers(min_value=0, max_value=120)


def _assessments(pairs: list[tuple[date, int | None]]) -> pd.DataFrame:
    rows = [(s, None if d is None else pd.Timestamp(s) + pd.Timedelta(days=d)) for s, d in pairs]
    df = pd.DataFrame(rows, columns=L4.split()[:2])
    return df.apply(pd.to_datetime)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(starts, st.one_of(st.none(), durations)), max_size=25))
def test_percentages_stay_between_0_and_100(pairs: list[tuple[date, int | None]]) -> None:
    r = calculate("assessments_45wd", _assessments(pairs), REF)
    assert 0 <= r.numerator <= r.denominator
    assert r.value is None or 0.0 <= r.value <= 100.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(starts, st.one_of(st.none(), durations)), max_size=25),
    st.dates(min_value=date(2024, 8, 1), max_value=date(2025, 1, 15)),
    st.integers(min_value=46, max_value=80),
)
def test_adding_a_late_assessment_never_raises_the_rate(
    pairs: list[tuple[date, int | None]], start: date, working_days: int
) -> None:
    before = calculate("assessments_45wd", _assessments(pairs), REF)
    # Authorised 46+ working days after a start between 1 Aug 2024 and 15 Jan 2025: on or after
    # 3 Oct 2024, so in the period if authorised by 31 Mar 2025; if not, it is open with at least
    # 53 working days gone (15 Jan -> 31 Mar). Late either way.
    authorised = add_working_days(start, working_days)
    late = _assessments(pairs + [(start, (authorised - start).days)])
    after = calculate("assessments_45wd", late, REF)
    assert after.denominator == before.denominator + 1
    assert after.numerator == before.numerator
    assert (after.value or 0.0) <= (before.value if before.value is not None else 100.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(starts, st.one_of(st.none(), durations)), max_size=25),
    st.dates(min_value=date(2024, 10, 1), max_value=date(2025, 3, 1)),
    st.integers(min_value=0, max_value=30),
)
def test_adding_an_on_time_assessment_never_lowers_the_rate(
    pairs: list[tuple[date, int | None]], start: date, days: int
) -> None:
    before = calculate("assessments_45wd", _assessments(pairs), REF)
    # At most 30 calendar days (<= 45 working days), authorised by 31 Mar 2025, in the period.
    after = calculate("assessments_45wd", _assessments([*pairs, (start, days)]), REF)
    assert after.numerator == before.numerator + 1
    assert after.value is not None and after.value >= (before.value or 0.0)
