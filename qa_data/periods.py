"""Months and quarters. Pure functions; quarters are calendar quarters, labelled by their months
("Jul-Sep 2025") so that nobody has to know whether Q1 means January or April."""

from __future__ import annotations

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
