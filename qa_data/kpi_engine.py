"""Performance indicators computed from Ofsted Annex A lists: pure functions over pandas DataFrames.

Inputs: one Annex A list as a DataFrame with canonical column names and types (the contract, and the
columns each KPI reads, are in `qa_data.kpi_definitions`), plus a reference date (the "date of
inspection": the day the extract describes). Outputs: a `KpiResult`, or one row per group
(`calculate_by`), or the row-level flags behind a result (`kpi_flags`) so a page can list the
children counted as late.

Conventions (each cited where it is applied):
- Working days: `qa_data.working_days` (days after the start, up to and including the end, net of
  England and Wales bank holidays). "Within 45 working days" means 45 or fewer.
- The period: Annex A Lists 1-5 cover the six months before the reference date, so period-based KPIs
  count events from `period_start` to the reference date, both days included. By default
  `period_start` is the day after the same date six months earlier (reference 31 Mar 2025 -> period
  1 Oct 2024 - 31 Mar 2025). Pass `period_start=` to change it.
- Open cases: an assessment (or a needed ICPC) still open at the reference date and already past its
  timescale counts as late; one still within its timescale is left out of the denominator, as it
  may yet be on time.
- "At the reference date": a plan or period of care is open at the reference date when it started on
  or before it and has no end date or ends after it (one ending on the reference date has ended).
- Ages are completed years at the reference date. A child born on 29 February turns a year older on
  1 March in other years (the day after 28 February), the usual reading in England and Wales.
- Durations in months ("in care 12 months or more", "within 6 months") compare with the same day N
  months before the reference date, pulled back to the month's last day when that day does not
  exist: 31 Mar 2025 less 6 months is 30 Sep 2024; an event on or after it is "within 6 months".
- Unborn children: the template records an unborn child with an expected date of birth after the
  reference date, or a blank date of birth and age -1. They count in assessments, ICPCs,
  re-referrals and CP plans, but not in CP visits or "seen alone": an unborn child cannot be seen.
- `unusable` counts rows the KPI would look at but cannot decide because a field it needs is blank
  or impossible (authorised before started, a visit after the reference date). They are left out of
  the denominator, never silently counted as good or bad.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from qa_data.kpi_definitions import (
    ACTIVITY_CODES,
    ADOPTION_PLACEMENT_TYPES,
    EET_ACTIVITY_CODES,
    IN_TOUCH_CODES,
    KPI_CATALOGUE,
    MISSING_EPISODES,
    REQUIRED_COLUMNS,
    SUITABILITY_CODES,
    any_code_column,
    code_column,
    count_column,
    dates_column,
    dates_of,
    yes_no_column,
)
from qa_data.working_days import working_days_between_series

__all__ = [
    "KpiResult",
    "age_in_years",
    "calculate",
    "calculate_by",
    "default_period_start",
    "kpi_flags",
    "summarise",
]

FLAG_COLUMNS = ("in_denominator", "in_numerator", "unusable")


@dataclass(frozen=True)
class KpiResult:
    """One KPI value. `value` is numerator / denominator as a percentage (0-100), None when the
    denominator is 0. `unusable` counts rows left out because data needed to decide was missing."""

    code: str
    numerator: int
    denominator: int
    value: float | None
    unit: str
    unusable: int = 0


# --- Dates and ages ------------------------------------------------------------------------------


def _timestamp(day: dt.date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day).normalize()


def default_period_start(reference_date: dt.date | pd.Timestamp, months: int = 6) -> pd.Timestamp:
    """The first day of the `months` months ending on `reference_date`: 31 Mar 2025 -> 1 Oct 2024."""
    return _timestamp(reference_date) - pd.DateOffset(months=months) + pd.Timedelta(days=1)


def _months_before(reference: pd.Timestamp, months: int) -> pd.Timestamp:
    return reference - pd.DateOffset(months=months)


def age_in_years(date_of_birth: pd.Series, at: dt.date | pd.Timestamp) -> pd.Series:
    """Completed years of age at `at` (Int64): <NA> where the date of birth is blank, -1 where it is
    after `at` (an unborn child, the template's convention). Born 29 Feb 2008: 16 on 28 Feb 2025,
    17 on 1 Mar 2025."""
    ref = _timestamp(at)
    dob = dates_of(date_of_birth, "date_of_birth")
    not_had_birthday = (dob.dt.month > ref.month) | ((dob.dt.month == ref.month) & (dob.dt.day > ref.day))
    age = (ref.year - dob.dt.year - not_had_birthday.astype("Int64")).astype("Int64")
    return age.mask(dob > ref, -1)


def _true(mask: pd.Series) -> pd.Series:
    """A plain bool mask: <NA> (a comparison with a blank) is False."""
    return mask.fillna(False).astype(bool)


def _unborn(frame: pd.DataFrame, reference: pd.Timestamp) -> pd.Series:
    dob = dates_column(frame, "date_of_birth")
    unborn = dob > reference
    if "age_of_child_years" in frame.columns:
        age = pd.to_numeric(frame["age_of_child_years"], errors="raise")
        unborn |= dob.isna() & _true(age < 0)
    return _true(unborn)


def _flags(
    index: pd.Index, denominator: pd.Series, numerator: pd.Series, unusable: pd.Series, **detail: pd.Series
) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    out["in_denominator"] = _true(denominator & ~unusable)
    out["in_numerator"] = _true(numerator) & out["in_denominator"]
    out["unusable"] = _true(unusable)
    for name, values in detail.items():
        out[name] = values
    return out


def _open_at(start: pd.Series, end: pd.Series, reference: pd.Timestamp) -> pd.Series:
    return _true((start <= reference) & (end.isna() | (end > reference)))


# --- Front door: Lists 3, 4, 5 -------------------------------------------------------------------


def _assessment_flags(
    list4: pd.DataFrame, ref: pd.Timestamp, period_start: pd.Timestamp, limit: int = 45
) -> pd.DataFrame:
    start = dates_column(list4, "continuous_assessment_start_date")
    authorised = dates_column(list4, "continuous_assessment_date_of_authorisation")
    completed = _true(authorised <= ref)
    days_to_authorise = working_days_between_series(start, authorised)
    days_open = working_days_between_series(start, ref)
    unusable = _true(start.isna() & (authorised.isna() | (authorised >= period_start))) | _true(
        completed & (authorised < start)
    )
    done_in_period = completed & _true(authorised >= period_start)
    open_late = _true((start <= ref) & ~completed & (days_open > limit))
    return _flags(
        list4.index,
        done_in_period | open_late,
        done_in_period & _true(days_to_authorise <= limit),
        unusable,
        working_days=days_to_authorise.where(completed, days_open),
        open=~completed,
    )


def _icpc_flags(list5: pd.DataFrame, ref: pd.Timestamp, period_start: pd.Timestamp, limit: int = 15) -> pd.DataFrame:
    strategy = dates_column(list5, "strategy_discussion_initiating_section_47_enquiry_start_date")
    icpc = dates_column(list5, "date_of_initial_child_protection_conference")
    # Template: "a) Yes" = ICPC not necessary, "b) No" = necessary; blank = no decision yet.
    unnecessary = yes_no_column(list5, "was_an_initial_child_protection_conference_deemed_unnecessary")
    held = _true(icpc <= ref)
    days_to_icpc = working_days_between_series(strategy, icpc)
    days_waiting = working_days_between_series(strategy, ref)
    unusable = _true(strategy.isna() & (icpc.isna() | (icpc >= period_start))) | _true(held & (icpc < strategy))
    held_in_period = held & _true(icpc >= period_start)
    # Only an ICPC judged necessary can be overdue: with no decision yet it may never be needed.
    waiting_late = _true((strategy <= ref) & ~held & unnecessary.eq(False) & (days_waiting > limit))
    return _flags(
        list5.index,
        held_in_period | waiting_late,
        held_in_period & _true(days_to_icpc <= limit),
        unusable,
        working_days=days_to_icpc.where(held, days_waiting),
    )


def _re_referral_flags(list3: pd.DataFrame, ref: pd.Timestamp, period_start: pd.Timestamp) -> pd.DataFrame:
    # Annex A's count is taken at the child's LATEST referral and repeated on each of their rows
    # (template guidance, List 3); the standard definition counts referral rows as given.
    referred = dates_column(list3, "date_of_referral")
    previous = count_column(list3, "number_of_referrals_in_last_12_months")
    in_period = _true((referred >= period_start) & (referred <= ref))
    unusable = referred.isna() | (in_period & previous.isna())
    return _flags(list3.index, in_period, _true(previous >= 1), unusable)


# --- Child protection: List 7 ---------------------------------------------------------------------


def _repeat_plan_flags(list7: pd.DataFrame, ref: pd.Timestamp, period_start: pd.Timestamp) -> pd.DataFrame:
    # DfE's measure counts plans STARTING in the year that are second or subsequent plans.
    start = dates_column(list7, "child_protection_plan_start_date")
    previous = count_column(list7, "number_of_previous_child_protection_plans")
    started_in_period = _true((start >= period_start) & (start <= ref))
    unusable = start.isna() | (started_in_period & previous.isna())
    return _flags(list7.index, started_in_period, _true(previous >= 1), unusable)


def _two_year_plan_flags(list7: pd.DataFrame, ref: pd.Timestamp, period_start: pd.Timestamp) -> pd.DataFrame:
    start = dates_column(list7, "child_protection_plan_start_date")
    end = dates_column(list7, "child_protection_plan_end_date")
    ended_in_period = _true((end >= period_start) & (end <= ref))
    unusable = ended_in_period & ~_true(start <= end)
    # Two years or more: the plan's second anniversary fell on or before its end date.
    lasted = _true(start <= end - pd.DateOffset(years=2))
    return _flags(list7.index, ended_in_period, lasted, unusable)


def _cp_cohort(list7: pd.DataFrame, ref: pd.Timestamp) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(children born and on a plan at ref, unusable, plan start, last visit) for the visit KPIs."""
    start = dates_column(list7, "child_protection_plan_start_date")
    end = dates_column(list7, "child_protection_plan_end_date")
    visit = dates_column(list7, "date_of_the_last_statutory_visit")
    on_plan = _open_at(start, end, ref) & ~_unborn(list7, ref)
    unusable = _true(start.isna() & (end.isna() | (end > ref))) | (on_plan & _true(visit > ref))
    return on_plan & ~unusable, unusable, start, visit


def _cp_visit_flags(list7: pd.DataFrame, ref: pd.Timestamp, standard_working_days: int = 10) -> pd.DataFrame:
    cohort, unusable, start, visit = _cp_cohort(list7, ref)
    since_visit = working_days_between_series(visit, ref)
    in_time = _true(since_visit <= standard_working_days)
    # Not yet due: a plan younger than the standard whose child has not been visited within it.
    late = ~in_time & _true(working_days_between_series(start, ref) > standard_working_days)
    return _flags(list7.index, cohort & (in_time | late), in_time, unusable, working_days_since_visit=since_visit)


def _seen_alone_flags(list7: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    cohort, unusable, _, visit = _cp_cohort(list7, ref)
    # "c) Unknown" (blank here) is not evidence of being seen alone: it stays in the denominator.
    seen_alone = _true(yes_no_column(list7, "was_the_child_seen_alone"))
    return _flags(list7.index, cohort & visit.notna(), seen_alone, unusable)


# --- Children in care: List 8 ---------------------------------------------------------------------


def _care(list8: pd.DataFrame, ref: pd.Timestamp) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(in care at ref, unusable: open-ended but no start date, date started to be looked after)."""
    start = dates_column(list8, "date_started_to_be_looked_after")
    ceased = dates_column(list8, "date_ceased_to_be_looked_after")
    unusable = _true(start.isna() & (ceased.isna() | (ceased > ref)))
    return _open_at(start, ceased, ref), unusable, start


def _placements_flags(list8: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    in_care, unusable, _ = _care(list8, ref)
    placements = count_column(list8, "number_of_placements_in_the_last_12_months")
    unusable |= in_care & placements.isna()
    return _flags(list8.index, in_care, _true(placements >= 3), unusable)


def _long_term_stability_flags(list8: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    # DfE's measure: under 16s looked after for 2.5 years or more, in the same placement for 2 years
    # or placed for adoption (SSDA903 A3-A6; we cannot see how long they were with those carers).
    in_care, unusable, start = _care(list8, ref)
    age = age_in_years(list8["date_of_birth"], ref)
    placed = dates_column(list8, "start_date_of_most_recent_placement")
    adoption = _true(any_code_column(list8, "placement_type").isin(ADOPTION_PLACEMENT_TYPES))
    long_in_care = in_care & _true(start <= _months_before(ref, 30))
    unusable |= long_in_care & (~_true(age >= 0) | (placed.isna() & ~adoption))
    stable = adoption | _true(placed <= _months_before(ref, 24))
    return _flags(list8.index, long_in_care & _true(age < 16), stable, unusable, age=age)


def _health_flags(list8: pd.DataFrame, ref: pd.Timestamp, column: str, by_age: bool) -> pd.DataFrame:
    # Statutory guidance: health review every 6 months under 5, every 12 months from 5; dental check
    # yearly. DfE counts children looked after continuously for 12 months or more.
    in_care, unusable, start = _care(list8, ref)
    cohort = in_care & _true(start <= _months_before(ref, 12))
    last = dates_column(list8, column)
    unusable |= cohort & _true(last > ref)
    window = pd.Series(_months_before(ref, 12), index=list8.index)
    detail: dict[str, pd.Series] = {}
    if by_age:
        age = age_in_years(list8["date_of_birth"], ref)
        unusable |= cohort & ~_true(age >= 0)
        window = window.mask(_true(age < 5), _months_before(ref, 6))
        detail["age"] = age
    return _flags(list8.index, cohort, _true(last >= window), unusable, **detail)


def _missing_flags(
    list8: pd.DataFrame, ref: pd.Timestamp, period_start: pd.Timestamp, return_interviews: bool = False
) -> pd.DataFrame:
    start = dates_column(list8, "date_started_to_be_looked_after")
    ceased = dates_column(list8, "date_ceased_to_be_looked_after")
    missing = count_column(list8, MISSING_EPISODES)
    # In care at any time in the period: started by the reference date, not ceased before the period.
    in_period = _true((start <= ref) & (ceased.isna() | (ceased >= period_start)))
    unusable = _true(start.isna() & (ceased.isna() | (ceased >= period_start))) | (in_period & missing.isna())
    went_missing = _true(missing >= 1)
    if not return_interviews:
        return _flags(list8.index, in_period, went_missing, unusable)
    # "c) Unknown" (blank here) is not evidence of an offer: it stays in the denominator.
    offered = yes_no_column(list8, "was_the_child_offered_a_return_interview_after_their_last_missing_episode_y_n")
    return _flags(list8.index, in_period & went_missing, _true(offered), unusable)


# --- Care leavers: List 9 -------------------------------------------------------------------------


def _care_leaver_flags(list9: pd.DataFrame, ref: pd.Timestamp, measure: str, low: int, high: int) -> pd.DataFrame:
    age = age_in_years(list9["date_of_birth"], ref)
    touch = code_column(list9, "la_in_touch", IN_TOUCH_CODES)
    if measure == "in_touch":
        good = touch == "YES"
    elif measure == "suitable_accommodation":
        good = code_column(list9, "suitability_of_accommodation", SUITABILITY_CODES) == "SUITABLE"
    else:
        good = code_column(list9, "activity_status", ACTIVITY_CODES).isin(EET_ACTIVITY_CODES)
    # A young person who has died is no longer a care leaver to be in touch with.
    cohort = _true((age >= low) & (age <= high)) & ~_true(touch == "DIED")
    return _flags(list9.index, cohort, _true(good), ~_true(age >= 0), age=age)


# --- The registry and the public entry points ----------------------------------------------------

_PERIOD_KPIS = {
    "assessments_45wd",
    "icpc_15wd",
    "re_referrals",
    "repeat_cp_plans",
    "cp_plans_2_years",
    "cla_missing",
    "cla_return_interviews",
}

_FLAG_FUNCTIONS: dict[str, Callable[..., pd.DataFrame]] = {
    "assessments_45wd": _assessment_flags,
    "icpc_15wd": _icpc_flags,
    "re_referrals": _re_referral_flags,
    "repeat_cp_plans": _repeat_plan_flags,
    "cp_plans_2_years": _two_year_plan_flags,
    "cp_visits_in_timescale": _cp_visit_flags,
    "cp_seen_alone": _seen_alone_flags,
    "cla_3_placements": _placements_flags,
    "cla_long_term_stability": _long_term_stability_flags,
    "cla_health_assessments": partial(_health_flags, column="date_of_last_health_assessment", by_age=True),
    "cla_dental_checks": partial(_health_flags, column="date_of_last_dental_check", by_age=False),
    "cla_missing": _missing_flags,
    "cla_return_interviews": partial(_missing_flags, return_interviews=True),
}
for _low, _high in ((17, 18), (19, 21)):
    for _measure in ("in_touch", "suitable_accommodation", "eet"):
        _FLAG_FUNCTIONS[f"care_leavers_{_measure}_{_low}_{_high}"] = partial(
            _care_leaver_flags, measure=_measure, low=_low, high=_high
        )


def kpi_flags(
    code: str,
    frame: pd.DataFrame,
    reference_date: dt.date | pd.Timestamp,
    *,
    period_start: dt.date | pd.Timestamp | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Row-level flags behind KPI `code`: a frame with `frame`'s index and columns in_denominator,
    in_numerator, unusable (bool), plus detail columns some KPIs add (working_days, age, ...).

    Args:
        code: a key of `KPI_CATALOGUE`.
        frame: the Annex A list the KPI reads, with the columns in `REQUIRED_COLUMNS[code]`.
        reference_date: the date the extract describes.
        period_start: first day of the period for period-based KPIs (default: `default_period_start`);
            ignored by the KPIs taken "at the reference date" (CP visits, placements, health, care
            leavers), so one call pattern serves every KPI.
        options: `standard_working_days` (cp_visits_in_timescale, default 10).

    Raises KeyError for an unknown code; ValueError for missing columns or values of the wrong type.
    """
    if code not in KPI_CATALOGUE:
        raise KeyError(f"unknown KPI code {code!r}")
    missing = [c for c in REQUIRED_COLUMNS[code] if c not in frame.columns]
    if missing:
        raise ValueError(f"KPI {code!r} needs columns that are missing: {missing}")
    ref = _timestamp(reference_date)
    if code in _PERIOD_KPIS:
        options["period_start"] = _timestamp(period_start) if period_start is not None else default_period_start(ref)
        if options["period_start"] > ref:
            raise ValueError("period_start is after the reference date")
    return _FLAG_FUNCTIONS[code](frame, ref, **options)


def _result(code: str, numerator: int, denominator: int, unusable: int) -> KpiResult:
    value = 100.0 * numerator / denominator if denominator else None
    return KpiResult(code, numerator, denominator, value, KPI_CATALOGUE[code].unit, unusable)


def summarise(code: str, flags: pd.DataFrame) -> KpiResult:
    """Count flags (from `kpi_flags`) into a `KpiResult`."""
    return _result(
        code, int(flags["in_numerator"].sum()), int(flags["in_denominator"].sum()), int(flags["unusable"].sum())
    )


def calculate(code: str, frame: pd.DataFrame, reference_date: dt.date | pd.Timestamp, **options: Any) -> KpiResult:
    """KPI `code` over the whole of `frame` (arguments as `kpi_flags`)."""
    return summarise(code, kpi_flags(code, frame, reference_date, **options))


def calculate_by(
    code: str, frame: pd.DataFrame, reference_date: dt.date | pd.Timestamp, by: str, **options: Any
) -> pd.DataFrame:
    """KPI `code` for each value of column `by` (e.g. "allocated_team"), blank as its own group.

    Returns one row per group, sorted by group (blank last), with columns: `by`, code, numerator,
    denominator, value (None when the denominator is 0), unit, unusable.
    """
    if by not in frame.columns:
        raise ValueError(f"cannot group by {by!r}: no such column")
    flags = kpi_flags(code, frame, reference_date, **options)
    counts = flags[list(FLAG_COLUMNS)].groupby(frame[by], dropna=False, sort=True).sum()
    rows = [
        {by: group, **vars(_result(code, int(row.in_numerator), int(row.in_denominator), int(row.unusable)))}
        for group, row in zip(counts.index, counts.itertuples(index=False), strict=True)
    ]
    return pd.DataFrame(rows, columns=[by, "code", "numerator", "denominator", "value", "unit", "unusable"])
