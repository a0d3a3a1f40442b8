"""The Annex A KPI engine's rules across KPIs: ages and periods, refused input, the catalogue, and
properties (hypothesis) of the rates. Uses the hand-worked lists of tests/test_kpi_engine.py and
tests/test_kpi_engine_care.py."""

from __future__ import annotations

from datetime import date
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st
from kpi_engine_helpers import REF, result
from test_kpi_engine import ASSESSMENTS, ICPCS, L4, REFERRALS, VISITS
from test_kpi_engine_care import CARE_LEAVERS, CLA_MISSING

from qa_data.kpi_definitions import KPI_CATALOGUE, REQUIRED_COLUMNS, canonical_column
from qa_data.kpi_engine import age_in_years, calculate, calculate_by, default_period_start, kpi_flags
from qa_data.working_days import add_working_days

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
