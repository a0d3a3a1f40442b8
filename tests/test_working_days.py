"""Working days net of England and Wales bank holidays (qa_data.working_days).

Every expected count below is worked by hand from a calendar and GOV.UK's list of bank holidays.
Convention: working days AFTER the start, up to and including the end.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_data.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
    working_days_between_series,
)


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        (date(2024, 3, 1), date(2024, 3, 4), 1, "Fri -> Mon: only Monday counts"),
        (date(2024, 3, 4), date(2024, 3, 4), 0, "same day: the start never counts"),
        (date(2024, 3, 2), date(2024, 3, 4), 1, "Sat -> Mon: a weekend start is day 0 too"),
        (date(2024, 3, 2), date(2024, 3, 3), 0, "Sat -> Sun: no working day"),
        (date(2024, 3, 4), date(2024, 3, 11), 5, "Mon -> next Mon: Tue-Fri and Mon"),
        # Christmas 2020: Fri 25 Christmas, Sat 26 Boxing Day, Mon 28 its substitute.
        (date(2020, 12, 24), date(2020, 12, 29), 1, "Thu 24 Dec 2020 -> Tue 29: only the 29th"),
        # Christmas 2022: Sun 25, Mon 26 Boxing Day, Tue 27 the Christmas substitute.
        (date(2022, 12, 23), date(2022, 12, 28), 1, "Fri 23 Dec 2022 -> Wed 28"),
        # New Year 2023 fell on a Sunday: Mon 2 Jan substitute.
        (date(2022, 12, 30), date(2023, 1, 3), 1, "Fri 30 Dec 2022 -> Tue 3 Jan 2023"),
        # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr.
        (date(2024, 3, 28), date(2024, 4, 2), 1, "Thu before Easter -> Tue after"),
        # 2020: the early May bank holiday moved to Fri 8 May (VE day); Mon 4 May was a working day.
        (date(2020, 5, 7), date(2020, 5, 11), 1, "Thu 7 -> Mon 11 May 2020"),
        (date(2020, 5, 1), date(2020, 5, 4), 1, "Fri 1 -> Mon 4 May 2020: the 4th was worked"),
        # 2022: Spring bank holiday Thu 2 Jun, Platinum Jubilee Fri 3 Jun; Mon 30 May was worked.
        (date(2022, 6, 1), date(2022, 6, 6), 1, "Wed 1 -> Mon 6 Jun 2022"),
        (date(2022, 5, 27), date(2022, 5, 30), 1, "Fri 27 -> Mon 30 May 2022"),
        # 2022: State Funeral of Queen Elizabeth II, Mon 19 Sep.
        (date(2022, 9, 16), date(2022, 9, 20), 1, "Fri 16 -> Tue 20 Sep 2022"),
        # 2023: early May bank holiday Mon 1 May, Coronation Mon 8 May.
        (date(2023, 4, 28), date(2023, 5, 2), 1, "Fri 28 Apr -> Tue 2 May 2023"),
        (date(2023, 5, 5), date(2023, 5, 9), 1, "Fri 5 -> Tue 9 May 2023"),
        # Fri 20 Dec 2024 -> Fri 3 Jan 2025: 23, 24, 27, 30, 31 Dec, 2, 3 Jan (25, 26 Dec, 1 Jan off).
        (date(2024, 12, 20), date(2025, 1, 3), 7, "over Christmas and New Year"),
        # 45 working days from Fri 1 Mar 2024: 19 in March (29th Good Friday), 21 in April (1st
        # Easter Monday), then 1, 2, 3, 7, 8 May (6th the early May bank holiday).
        (date(2024, 3, 1), date(2024, 5, 7), 44, "the day before the 45th"),
        (date(2024, 3, 1), date(2024, 5, 8), 45, "exactly 45"),
        (date(2024, 3, 1), date(2024, 5, 9), 46, "46"),
        (date(2024, 3, 4), date(2024, 3, 1), -1, "end before start: negative, not zero"),
    ],
)
def test_working_days_between_hand_worked(start: date, end: date, expected: int, why: str) -> None:
    assert working_days_between(start, end) == expected, why


def test_bank_holidays_2022_match_gov_uk() -> None:
    # GOV.UK England and Wales 2022, weekdays only (Sat 1 Jan and Sun 25 Dec were replaced).
    assert bank_holidays(2022, 2022) == [
        date(2022, 1, 3),
        date(2022, 4, 15),
        date(2022, 4, 18),
        date(2022, 5, 2),
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 8, 29),
        date(2022, 9, 19),
        date(2022, 12, 26),
        date(2022, 12, 27),
    ]


def test_england_and_wales_share_bank_holidays_but_not_scotland_or_northern_ireland() -> None:
    years = range(2015, 2031)
    england = set(holidays.country_holidays("GB", subdiv="ENG", years=years))
    wales = set(holidays.country_holidays("GB", subdiv="WLS", years=years))
    assert england == wales
    days = set(bank_holidays(2025, 2025))
    assert date(2025, 1, 2) not in days  # Scotland's 2 January
    assert date(2025, 8, 4) not in days  # Scotland's summer holiday
    assert date(2025, 7, 14) not in days  # Northern Ireland's Battle of the Boyne (substitute)
    assert date(2025, 8, 25) in days  # England and Wales late summer bank holiday


def test_bank_holidays_rejects_reversed_years() -> None:
    with pytest.raises(ValueError, match="before"):
        bank_holidays(2025, 2024)


def test_is_working_day() -> None:
    assert is_working_day(date(2025, 3, 31))  # a Monday
    assert not is_working_day(date(2025, 3, 29))  # a Saturday
    assert not is_working_day(date(2025, 12, 25))
    assert not is_working_day(pd.Timestamp("2023-05-08 14:30"))  # the Coronation, with a time


def test_scalar_rejects_missing_and_non_dates() -> None:
    with pytest.raises(ValueError, match="start is missing"):
        working_days_between(None, date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="end is missing"):
        working_days_between(date(2025, 1, 1), pd.NaT)
    with pytest.raises(TypeError, match="must be a date"):
        working_days_between("2025-01-01", date(2025, 1, 2))  # type: ignore[arg-type]


def test_series_against_one_end_date_keeps_index_and_blanks() -> None:
    start = pd.Series([pd.Timestamp("2020-12-24"), pd.NaT, pd.Timestamp("2024-03-01 09:15")], index=[10, 20, 30])
    result = working_days_between_series(start, date(2024, 5, 8))
    assert result.dtype == "Int64"
    assert list(result.index) == [10, 20, 30]
    assert pd.isna(result[20])
    assert result[30] == 45  # the time of day is ignored
    assert result[10] == working_days_between(date(2020, 12, 24), date(2024, 5, 8))


def test_series_against_series() -> None:
    start = pd.Series(pd.to_datetime(["2024-03-28", "2022-06-01", "2024-03-04", None]))
    end = pd.Series(pd.to_datetime(["2024-04-02", "2022-06-06", "2024-03-01", "2024-01-01"]))
    assert working_days_between_series(start, end).tolist() == [1, 1, -1, pd.NA]


def test_series_all_blank_and_misaligned() -> None:
    blank = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us]")
    assert working_days_between_series(blank, date(2025, 1, 1)).isna().all()
    with pytest.raises(ValueError, match="index"):
        working_days_between_series(blank, pd.Series(blank.to_numpy(), index=[5, 6]))


def test_add_working_days_hand_worked() -> None:
    assert add_working_days(date(2024, 3, 1), 45) == date(2024, 5, 8)
    assert add_working_days(date(2020, 12, 24), 1) == date(2020, 12, 29)
    assert add_working_days(date(2024, 3, 2), 1) == date(2024, 3, 4)  # from a Saturday
    assert add_working_days(date(2024, 3, 2), 0) == date(2024, 3, 2)
    with pytest.raises(ValueError):
        add_working_days(date(2024, 3, 2), -1)


days = st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31))


@given(days, days, days)
def test_counts_add_up_and_reverse(a: date, b: date, c: date) -> None:
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)
    assert working_days_between(a, b) == -working_days_between(b, a)


@given(days, st.integers(min_value=0, max_value=400))
def test_never_more_than_calendar_days(a: date, span: int) -> None:
    b = a + timedelta(days=span)
    assert 0 <= working_days_between(a, b) <= span


@given(days, st.integers(min_value=1, max_value=300))
def test_add_working_days_inverts_the_count(a: date, n: int) -> None:
    due = add_working_days(a, n)
    assert working_days_between(a, due) == n
    assert is_working_day(due)


@given(st.lists(st.tuples(days, days), min_size=1, max_size=20))
def test_vectorised_matches_scalar(pairs: list[tuple[date, date]]) -> None:
    start = pd.Series(pd.to_datetime([p[0] for p in pairs]))
    end = pd.Series(pd.to_datetime([p[1] for p in pairs]))
    assert working_days_between_series(start, end).tolist() == [working_days_between(s, e) for s, e in pairs]
