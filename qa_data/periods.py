"""Months and quarters. Pure functions; quarters are calendar quarters, labelled by their months
("Jul-Sep 2025") so that nobody has to know whether Q1 means January or April."""

from __future__ import annotations

import re
from datetime import date, timedelta


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    """The last day of d's month."""
    nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def add_months(d: date, months: int) -> date:
    """The first of the month `months` after d's month (negative goes back)."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_end(d: date) -> date:
    return add_months(quarter_start(d), 3) - timedelta(days=1)


def quarter_label(d: date) -> str:
    """'Jul-Sep 2025' for any day in that quarter."""
    q = quarter_start(d)
    last = add_months(q, 2)
    return f"{q:%b}-{last:%b} {q.year}"


def month_label(d: date) -> str:
    return f"{d:%b %Y}"


def parse_month(text: str) -> date:
    """'2025-03' -> 1 March 2025. Raises ValueError for anything else."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


_CALENDAR_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*q([1-4])$")
_FINANCIAL_QUARTER = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*[- ]?\s*q([1-4])$")


def parse_quarter(text: str) -> date:
    """The first day of the quarter `text` names. Two forms:

    - calendar, ``2025-Q3`` (also ``2025 Q3``, ``2025Q3``): Q1 = Jan-Mar, so 2025-Q3 = Jul-Sep 2025;
    - financial year, ``2025-26 Q2`` (also ``2025/26 Q2``, ``2025-2026 Q2``): Q1 = Apr-Jun, so
      2025-26 Q2 = Jul-Sep 2025 and 2025-26 Q4 = Jan-Mar 2026.

    Raises ValueError, with the forms accepted, for anything else (including a financial year whose
    two years do not follow each other)."""
    key = " ".join(text.strip().lower().split())
    calendar = _CALENDAR_QUARTER.match(key)
    if calendar:
        return date(int(calendar.group(1)), 3 * int(calendar.group(2)) - 2, 1)
    financial = _FINANCIAL_QUARTER.match(key)
    if financial:
        first, second, quarter = int(financial.group(1)), financial.group(2), int(financial.group(3))
        if int(second) not in ((first + 1) % 100, first + 1):
            raise ValueError(f"{text!r}: a financial year runs over two years in a row, e.g. 2025-26")
        return add_months(date(first, 4, 1), 3 * (quarter - 1))
    raise ValueError(
        f"{text!r} is not a quarter: write 2025-Q3 (calendar quarter, Jul-Sep 2025) or "
        "2025-26 Q2 (financial year quarter, also Jul-Sep 2025)"
    )


def financial_quarter_label(d: date) -> str:
    """'Q2 2025-26' for any day in Jul-Sep 2025 (financial years start in April)."""
    q = quarter_start(d)
    first_year = q.year if q.month >= 4 else q.year - 1
    number = (q.month - 4) % 12 // 3 + 1
    return f"Q{number} {first_year}-{(first_year + 1) % 100:02d}"


def quarter_period_label(d: date) -> str:
    """The quarter for a report heading, months first: 'Jul-Sep 2025 (Q2 2025-26)'."""
    return f"{quarter_label(d)} ({financial_quarter_label(d)})"
