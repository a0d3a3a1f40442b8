"""The view a link describes, read without Streamlit."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from qa_data import periods
from qa_data.audits import AuditFilter, DataAsOf
from qa_data.scope import Scope
from qa_data.view_params import default_period, month_options, parse_view_params, period_starts

MONTHS = month_options(DataAsOf(None, None, latest_audit=date(2026, 10, 31), earliest_audit=date(2024, 11, 1)))
EVERYONE = Scope.everything()


def test_month_options_run_from_the_first_to_the_last_month_with_data() -> None:
    assert (MONTHS[0], MONTHS[-1], len(MONTHS)) == (date(2024, 11, 1), date(2026, 10, 1), 24)
    assert month_options(DataAsOf(None, None, None, None)) == []


def test_the_default_period_is_the_latest_twelve_months_with_data() -> None:
    assert default_period(MONTHS) == (date(2025, 11, 1), date(2026, 10, 1))
    assert default_period(MONTHS[:3]) == (date(2024, 11, 1), date(2025, 1, 1))


def test_a_shared_link_is_read_back_exactly() -> None:
    period, areas, problems = parse_view_params(
        {"from": ["2025-04"], "to": ["2026-03"], "area": ["MASH,adoption", "Front Door"]}, MONTHS, EVERYONE
    )
    assert period == (date(2025, 4, 1), date(2026, 3, 1))
    assert areas == ("Front Door", "Permanence")
    assert problems == []


def test_bad_values_fall_back_with_a_sentence_each() -> None:
    period, areas, problems = parse_view_params(
        {"from": ["April"], "to": ["2031-01"], "area": ["Mars"]}, MONTHS, EVERYONE
    )
    assert period == (date(2025, 11, 1), date(2026, 10, 1))
    assert areas == ()
    assert problems == [
        '"from=April" is not a month like 2025-04; showing the default period.',
        'There is no data for Jan 2031; using Oct 2026 for "to".',
        '"Mars" is not a service area you can see; it was ignored.',
    ]


def test_an_area_outside_the_viewers_scope_is_ignored() -> None:
    _, areas, problems = parse_view_params({"area": ["Front Door"]}, MONTHS, Scope(("Permanence",)))
    assert areas == ()
    assert problems == ['"Front Door" is not a service area you can see; it was ignored.']


def test_period_starts_are_newest_first_and_cover_the_filter() -> None:
    f = AuditFilter(start=date(2025, 11, 1), end=date(2026, 3, 31))
    assert period_starts(f, "month")[0] == date(2026, 3, 1)
    assert period_starts(f, "month")[-1] == date(2025, 11, 1)
    assert period_starts(f, "quarter") == [date(2026, 1, 1), date(2025, 10, 1)]


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=23))
def test_any_valid_link_round_trips(i: int, j: int) -> None:
    start, end = sorted((MONTHS[i], MONTHS[j]))
    period, _, problems = parse_view_params({"from": [f"{start:%Y-%m}"], "to": [f"{end:%Y-%m}"]}, MONTHS, EVERYONE)
    assert period == (start, end) and problems == []
    assert periods.add_months(end, 1) > start
