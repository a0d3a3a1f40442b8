"""Working days in England and Wales: Monday to Friday, less the England and Wales bank holidays.

The convention everywhere in QA Insight (Working Together timescales such as "an assessment within 45
working days", "an ICPC within 15 working days of the strategy discussion"):

    working_days_between(start, end) = the number of working days AFTER `start`, up to and
    INCLUDING `end`.

So the start day itself never counts (it is "day 0", whatever day of the week it is), and the end day
counts when it is a working day:

- started Friday, authorised the following Monday          -> 1
- started and authorised the same day                      -> 0
- started Monday, authorised Monday a week later            -> 5
- started Thursday 24 Dec 2020, authorised Tuesday 29 Dec 2020 -> 1 (Fri 25 Christmas, the weekend
  and Mon 28, the Boxing Day substitute, are not working days; Tue 29 is the first working day)
- started Saturday, authorised the following Monday         -> 1 (a non-working start is still day 0)

If `end` is before `start` the count is negative (minus the working days after `end` up to and
including `start`), so data errors stay visible instead of turning into zero.

Bank holidays come from the `holidays` package (`country_holidays("GB", subdiv="ENG")`), which
includes substitute days ("observed") and the one-off days: the 2020 early May bank holiday moved to
Friday 8 May (VE day), the 2022 Spring bank holiday moved to 2 June plus the Platinum Jubilee on
3 June, the State Funeral of Queen Elizabeth II on 19 September 2022 and the Coronation on 8 May 2023.
England and Wales share one list of bank holidays (GOV.UK publishes them as "England and Wales").
A one-off holiday announced after the pinned release of `holidays` is missing until the pin is raised.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

__all__ = [
    "add_working_days",
    "bank_holidays",
    "is_working_day",
    "working_days_between",
    "working_days_between_series",
]

# numpy's weekmask: Monday..Friday are working days.
_WEEKMASK = "1111100"


@lru_cache(maxsize=32)
def _holiday_array(first_year: int, last_year: int) -> np.ndarray:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    days = np.array(sorted(calendar.keys()), dtype="datetime64[D]")
    # The package also lists the weekend date a substitute day replaces (Sat 1 Jan 2022 beside
    # Mon 3 Jan); GOV.UK's list of bank holidays, and this one, has only the weekday.
    return days[np.is_busday(days, weekmask=_WEEKMASK)]


def bank_holidays(first_year: int, last_year: int) -> list[date]:
    """England and Wales bank holidays from 1 January `first_year` to 31 December `last_year`
    (inclusive), sorted, including substitute days. Raises ValueError if last_year < first_year."""
    if last_year < first_year:
        raise ValueError(f"last_year {last_year} is before first_year {first_year}")
    return [d.astype(date) for d in _holiday_array(first_year, last_year)]


def _as_date(value: date | datetime | pd.Timestamp, name: str) -> date:
    if value is None or value is pd.NaT:
        raise ValueError(f"{name} is missing")
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"{name} must be a date, got {type(value).__name__}")


def is_working_day(day: date | datetime | pd.Timestamp) -> bool:
    """True if `day` is Monday-Friday and not an England and Wales bank holiday."""
    d = _as_date(day, "day")
    holidays_array = _holiday_array(d.year, d.year)
    return bool(np.is_busday(np.datetime64(d, "D"), weekmask=_WEEKMASK, holidays=holidays_array))


def working_days_between(start: date | datetime | pd.Timestamp, end: date | datetime | pd.Timestamp) -> int:
    """The number of working days after `start` up to and including `end` (see the module docstring).

    Times of day are ignored. Negative when `end` is before `start`. Raises ValueError if either date
    is missing (None or NaT) and TypeError if it is not a date.
    """
    s = _as_date(start, "start")
    e = _as_date(end, "end")
    counts = _count(np.array([s], dtype="datetime64[D]"), np.array([e], dtype="datetime64[D]"))
    return int(counts[0])


def _count(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Working days in (start, end] for datetime64[D] arrays; negated where end < start."""
    low, high = np.minimum(start, end), np.maximum(start, end)
    first_year = int(low.min().astype("datetime64[Y]").astype(int)) + 1970
    last_year = int(high.max().astype("datetime64[Y]").astype(int)) + 1970 + 1
    # numpy counts the half-open interval [begin, end); shifting both ends by a day gives (start, end].
    # (Its own count for end < begin uses another convention, hence the explicit sign.)
    one = np.timedelta64(1, "D")
    counts = np.busday_count(low + one, high + one, weekmask=_WEEKMASK, holidays=_holiday_array(first_year, last_year))
    return np.where(end < start, -counts, counts)


def working_days_between_series(start: pd.Series, end: pd.Series | date | datetime | pd.Timestamp) -> pd.Series:
    """Vectorised `working_days_between`.

    Args:
        start: a datetime64 Series (NaT allowed).
        end: a datetime64 Series aligned with `start` (same index), or one date for every row
            (typically the reference date).

    Returns:
        An Int64 Series with `start`'s index: working days after start up to and including end;
        <NA> where either date is missing.
    """
    if not isinstance(start, pd.Series):
        raise TypeError("start must be a pandas Series")
    start_dates = pd.to_datetime(start).dt.normalize()
    if isinstance(end, pd.Series):
        if not end.index.equals(start.index):
            raise ValueError("start and end must share one index")
        end_dates = pd.to_datetime(end).dt.normalize()
    else:
        end_dates = pd.Series(pd.Timestamp(_as_date(end, "end")), index=start.index)

    result = pd.Series(pd.NA, index=start.index, dtype="Int64")
    valid = start_dates.notna() & end_dates.notna()
    if not valid.any():
        return result
    result[valid] = _count(
        start_dates[valid].to_numpy(dtype="datetime64[D]"), end_dates[valid].to_numpy(dtype="datetime64[D]")
    )
    return result


def add_working_days(start: date | datetime | pd.Timestamp, days: int) -> date:
    """The date that is `days` working days after `start`, by the same convention: the result `r`
    satisfies working_days_between(start, r) == days and is itself a working day (for days >= 1).
    `days` = 0 returns `start` unchanged. Raises ValueError for negative `days`.

    Example: an assessment started on Friday 1 March 2024 is due (45 working days) on
    Wednesday 8 May 2024 (Good Friday 29 March, Easter Monday 1 April and Monday 6 May are skipped)."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    s = _as_date(start, "start")
    if days == 0:
        return s
    # Generous holiday window: 5 working days need at most 7 calendar days, plus holidays.
    last_year = (s + timedelta(days=days * 2 + 30)).year
    # roll="backward" first moves a non-working start back to the previous working day, so the
    # start is "day 0" whatever day it is, as in working_days_between.
    due = np.busday_offset(
        np.datetime64(s, "D"), days, roll="backward", weekmask=_WEEKMASK, holidays=_holiday_array(s.year - 1, last_year)
    )
    result: date = due.astype(date)
    return result
