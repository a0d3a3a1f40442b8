"""The view a link describes: the period and service areas in a page's URL
(`?from=2025-11&to=2026-10&area=Front+Door`), read and checked without Streamlit so it can be
tested on its own. Months are first-of-month dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from qa_data import periods, vocab
from qa_data.audits import AuditFilter, DataAsOf
from qa_data.scope import Scope

DEFAULT_MONTHS = 12


def month_options(as_of: DataAsOf) -> list[date]:
    """The months a period can start or end in: the first to the last month with data."""
    if as_of.empty or as_of.earliest_audit is None or as_of.latest_audit is None:
        return []
    first, last = periods.month_start(as_of.earliest_audit), periods.month_start(as_of.latest_audit)
    count = (last.year - first.year) * 12 + last.month - first.month
    return [periods.add_months(first, k) for k in range(count + 1)]


def default_period(months: Sequence[date], *, length: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """The 12 months ending with the latest month that has data (or this month when there is none)."""
    last = months[-1] if months else periods.month_start(date.today())
    first = periods.add_months(last, 1 - length)
    return (max(first, months[0]) if months else first), last


def parse_view_params(
    params: Mapping[str, Sequence[str]], months: Sequence[date], scope: Scope
) -> tuple[tuple[date, date], tuple[str, ...], list[str]]:
    """Read `from`, `to` (YYYY-MM) and `area` (repeated or comma list) from the URL. Returns the
    period, the service areas (empty = all in scope) and a sentence per value that was ignored."""
    problems: list[str] = []
    default = default_period(months)
    chosen = list(default)
    for i, key in enumerate(("from", "to")):
        text = (params.get(key) or [""])[-1].strip()
        if not text:
            continue
        try:
            month = periods.parse_month(text)
        except ValueError:
            problems.append(f'"{key}={text}" is not a month like 2025-04; showing the default period.')
            continue
        if months and not months[0] <= month <= months[-1]:
            clamped = min(max(month, months[0]), months[-1])
            problems.append(
                f"There is no data for {periods.month_label(month)}; "
                f'using {periods.month_label(clamped)} for "{key}".'
            )
            month = clamped
        chosen[i] = month
    if chosen[0] > chosen[1]:
        problems.append('"from" is after "to"; showing the default period.')
        chosen = list(default)
    wanted: list[str] = []
    for raw in params.get("area") or []:
        for text in (t.strip() for t in raw.split(",")):
            area = vocab.canonical_service_area(text) if text else None
            if area in scope.service_areas:
                wanted.append(area)
            elif text:
                problems.append(f'"{text}" is not a service area you can see; it was ignored.')
    return (chosen[0], chosen[1]), tuple(dict.fromkeys(wanted)), problems


def period_label(d: date, grain: str) -> str:
    return periods.quarter_label(d) if grain == "quarter" else periods.month_label(d)


def period_starts(filters: AuditFilter, grain: str) -> list[date]:
    """The months or quarters the filter covers, newest first (for the drill-down selectbox)."""
    step = 3 if grain == "quarter" else 1
    first = periods.quarter_start(filters.start) if grain == "quarter" else filters.start
    out = []
    while first <= filters.end:
        out.append(first)
        first = periods.add_months(first, step)
    return out[::-1]
