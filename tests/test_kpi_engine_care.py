"""KPIs from Annex A Lists 8 and 9 (children in care, care leavers): expectations worked by hand in the
comments, as in tests/test_kpi_engine.py (reference date Monday 31 March 2025)."""

from __future__ import annotations

from datetime import date

import pytest
from kpi_engine_helpers import NA, REF, frame, result

from qa_data.kpi_engine import calculate

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
