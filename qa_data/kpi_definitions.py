"""The KPI catalogue and the input contract of the KPI engine (`qa_data.kpi_engine`): the columns
each KPI reads, the types and codes they must hold, and the strict readers that enforce them.

Column names
------------
Every input column is the canonical snake_case of the header in Ofsted's Annex A template (August
2019 update; `shared/reference_data/annexa_ofsted_template_2019_with_sample_rows.xlsx`): lower-case,
each run of characters other than a-z and 0-9 replaced by one "_", no leading or trailing "_"
(`canonical_column`). So List 4 "Continuous Assessment Date of Authorisation" is
`continuous_assessment_date_of_authorisation` and List 8 "Number of Episodes the Child has been
‘Missing’ from their Placement in the last 12 months" is
`number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months`.
`REQUIRED_COLUMNS` below lists what each KPI reads; `allocated_team` (any list) is only needed to
group results, and `age_of_child_years` is optional (List 7: the template's -1 marks an unborn child
whose expected date of birth is unknown).

Value types
-----------
- dates: datetime64 (any unit) or Python dates, NaT/None when blank;
- yes/no fields ("a) Yes / b) No / c) Unknown"): booleans, <NA> for Unknown or blank (pandas
  "boolean" dtype, or object holding True/False/None); the labels "Yes", "No", "Unknown" (any case)
  are accepted too;
- counts: integers (Int64 or int64; a float column of whole numbers is accepted), <NA> when blank;
- other codes as their short code, upper case (a lower-case value is accepted):
  List 8 `placement_type` the SSDA903 code ("A4", "U6"); List 9 `la_in_touch` the SSDA903 code
  ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM"), `suitability_of_accommodation` "SUITABLE" or
  "UNSUITABLE", `activity_status` the SSDA903 code ("F1" .. "G6"). Codes are compared in upper case
  ("Yes" and "Suitable" are fine); a code outside these lists raises ValueError.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Direction = Literal["higher", "lower"]

__all__ = [
    "ADOPTION_PLACEMENT_TYPES",
    "EET_ACTIVITY_CODES",
    "IN_TOUCH_CODES",
    "KPI_CATALOGUE",
    "MISSING_EPISODES",
    "REQUIRED_COLUMNS",
    "SUITABILITY_CODES",
    "ACTIVITY_CODES",
    "KpiDefinition",
    "any_code_column",
    "canonical_column",
    "code_column",
    "count_column",
    "dates_column",
    "dates_of",
    "yes_no_column",
]


def canonical_column(header: str) -> str:
    """The canonical column name of an Annex A header: 'Date of Birth' -> 'date_of_birth',
    'Referral NFA?' -> 'referral_nfa', 'LA In Touch ' -> 'la_in_touch'."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


# --- Codes that decide numerators -----------------------------------------------------------------
# SSDA903 placement types A3-A6: placed for adoption (with consent or a placement order, with the
# current foster carer or not). Annex A 2019 List 8 codes g)-j).
ADOPTION_PLACEMENT_TYPES: frozenset[str] = frozenset({"A3", "A4", "A5", "A6"})
# SSDA903 OC3 activity codes: F = full time, P = part time; 1 higher education, 2 other education,
# 3 training or employment; G4-G6 not in education, employment or training (NEET).
ACTIVITY_CODES: frozenset[str] = frozenset({"F1", "P1", "F2", "P2", "F3", "P3", "G4", "G5", "G6"})
EET_ACTIVITY_CODES: frozenset[str] = frozenset({"F1", "P1", "F2", "P2", "F3", "P3"})
# SSDA903 OC3 "in touch" codes (Annex A List 9 a)-f)): REFU refuses contact, NREQ no longer requires
# services, RHOM returned home to live with parents for 6 months or more.
IN_TOUCH_CODES: frozenset[str] = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
SUITABILITY_CODES: frozenset[str] = frozenset({"SUITABLE", "UNSUITABLE"})


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: its code, a short name, a plain-English definition a Head of Service can check, its
    unit ("percent", as in the `kpis` table: 0 to 100), which way is better, and its Annex A list."""

    code: str
    name: str
    definition: str
    unit: str
    direction: Direction
    annex_a_list: int


_LIST_3 = ("date_of_referral", "number_of_referrals_in_last_12_months")
_LIST_4 = ("continuous_assessment_start_date", "continuous_assessment_date_of_authorisation")
_LIST_5 = (
    "strategy_discussion_initiating_section_47_enquiry_start_date",
    "was_an_initial_child_protection_conference_deemed_unnecessary",
    "date_of_initial_child_protection_conference",
)
_LIST_7_PLANS = ("child_protection_plan_start_date", "child_protection_plan_end_date")
_LIST_7_VISITS = (*_LIST_7_PLANS, "date_of_birth", "date_of_the_last_statutory_visit")
_LIST_8_IN_CARE = ("date_started_to_be_looked_after", "date_ceased_to_be_looked_after")
MISSING_EPISODES = "number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months"

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "assessments_45wd": _LIST_4,
    "icpc_15wd": _LIST_5,
    "re_referrals": _LIST_3,
    "repeat_cp_plans": (*_LIST_7_PLANS, "number_of_previous_child_protection_plans"),
    "cp_plans_2_years": _LIST_7_PLANS,
    "cp_visits_in_timescale": _LIST_7_VISITS,
    "cp_seen_alone": (*_LIST_7_VISITS, "was_the_child_seen_alone"),
    "cla_3_placements": (*_LIST_8_IN_CARE, "number_of_placements_in_the_last_12_months"),
    "cla_long_term_stability": (
        *_LIST_8_IN_CARE,
        "date_of_birth",
        "start_date_of_most_recent_placement",
        "placement_type",
    ),
    "cla_health_assessments": (*_LIST_8_IN_CARE, "date_of_birth", "date_of_last_health_assessment"),
    "cla_dental_checks": (*_LIST_8_IN_CARE, "date_of_last_dental_check"),
    "cla_missing": (*_LIST_8_IN_CARE, MISSING_EPISODES),
    "cla_return_interviews": (
        *_LIST_8_IN_CARE,
        MISSING_EPISODES,
        "was_the_child_offered_a_return_interview_after_their_last_missing_episode_y_n",
    ),
}
for _band in ("17_18", "19_21"):
    REQUIRED_COLUMNS[f"care_leavers_in_touch_{_band}"] = ("date_of_birth", "la_in_touch")
    REQUIRED_COLUMNS[f"care_leavers_suitable_accommodation_{_band}"] = (
        "date_of_birth",
        "la_in_touch",
        "suitability_of_accommodation",
    )
    REQUIRED_COLUMNS[f"care_leavers_eet_{_band}"] = ("date_of_birth", "la_in_touch", "activity_status")

_PERIOD = "The period is the six months up to the reference date unless given."


def _kpi(code: str, name: str, definition: str, direction: Direction, annex_a_list: int) -> KpiDefinition:
    return KpiDefinition(code, name, definition, "percent", direction, annex_a_list)


_CATALOGUE: tuple[KpiDefinition, ...] = (
    _kpi(
        "assessments_45wd",
        "Assessments completed within 45 working days",
        "Of assessments authorised in the period, plus assessments still open at the reference date "
        "that are already past 45 working days, the % authorised within 45 working days of starting. "
        "Open assessments not yet past 45 working days are left out. " + _PERIOD,
        "higher",
        4,
    ),
    _kpi(
        "icpc_15wd",
        "Initial child protection conferences within 15 working days",
        "Of ICPCs held in the period, plus section 47 enquiries where an ICPC was judged necessary but "
        "not yet held and 15 working days have passed since the strategy discussion, the % held within "
        "15 working days of the strategy discussion that started the section 47 enquiry. " + _PERIOD,
        "higher",
        5,
    ),
    _kpi(
        "re_referrals",
        "Re-referrals within 12 months",
        "Of referrals received in the period, the % where the child had at least one other referral in "
        "the 12 months before their latest referral. " + _PERIOD,
        "lower",
        3,
    ),
    _kpi(
        "repeat_cp_plans",
        "Repeat child protection plans",
        "Of child protection plans that started in the period, the % for a child who had been the "
        "subject of a plan before (in this council). " + _PERIOD,
        "lower",
        7,
    ),
    _kpi(
        "cp_plans_2_years",
        "Child protection plans lasting 2 years or more",
        "Of child protection plans that ended in the period, the % that had lasted two years or more. " + _PERIOD,
        "lower",
        7,
    ),
    _kpi(
        "cp_visits_in_timescale",
        "Child protection visits in timescale",
        "Of children (born) on a child protection plan at the reference date, the % whose last "
        "statutory visit was within the local standard (10 working days unless set). A child whose "
        "plan is younger than the standard and who has no visit yet is left out.",
        "higher",
        7,
    ),
    _kpi(
        "cp_seen_alone",
        "Children on a CP plan seen alone",
        "Of children (born) on a child protection plan at the reference date with a visit recorded, the "
        "% seen alone at their last statutory visit ('Unknown' counts as not seen alone).",
        "higher",
        7,
    ),
    _kpi(
        "cla_3_placements",
        "Children in care with 3 or more placements in 12 months",
        "Of children in care at the reference date, the % who had three or more placements in the last 12 months.",
        "lower",
        8,
    ),
    _kpi(
        "cla_long_term_stability",
        "Long-term placement stability",
        "Of children under 16 in care at the reference date who have been in care for two and a half "
        "years or more, the % in the same placement for two years or more, or placed for adoption.",
        "higher",
        8,
    ),
    _kpi(
        "cla_health_assessments",
        "Health assessments in time",
        "Of children in care at the reference date who have been in care for 12 months or more, the % "
        "whose last health assessment was within 6 months (under 5s) or 12 months (5 and over).",
        "higher",
        8,
    ),
    _kpi(
        "cla_dental_checks",
        "Dental checks in time",
        "Of children in care at the reference date who have been in care for 12 months or more, the % "
        "whose last dental check was within 12 months.",
        "higher",
        8,
    ),
    _kpi(
        "cla_missing",
        "Children in care who went missing",
        "Of children in care at any time in the period, the % with at least one missing episode in the "
        "last 12 months. " + _PERIOD,
        "lower",
        8,
    ),
    _kpi(
        "cla_return_interviews",
        "Return interviews offered",
        "Of children in care in the period with at least one missing episode, the % offered a return "
        "interview after their last missing episode ('Unknown' counts as not offered). " + _PERIOD,
        "higher",
        8,
    ),
)
_CARE_LEAVERS = (
    ("in_touch", "Care leavers in touch", "the council is in touch with"),
    ("suitable_accommodation", "Care leavers in suitable accommodation", "who are in suitable accommodation"),
    (
        "eet",
        "Care leavers in education, employment or training",
        "who are in education, employment or training (full or part time)",
    ),
)
_CATALOGUE += tuple(
    _kpi(
        f"care_leavers_{measure}_{low}_{high}",
        f"{name}, aged {low}-{high}",
        f"Of care leavers aged {low} to {high} at the reference date (less any who have died), the % "
        f"{what}. A blank answer counts as no.",
        "higher",
        9,
    )
    for low, high in ((17, 18), (19, 21))
    for measure, name, what in _CARE_LEAVERS
)

KPI_CATALOGUE: dict[str, KpiDefinition] = {k.code: k for k in _CATALOGUE}


# --- Reading input columns strictly: a wrong type is the loader's bug, not a child's outcome ------


def dates_of(series: pd.Series, name: str) -> pd.Series:
    """`series` as datetime64 at midnight. Accepts datetime64 or Python dates (NaT/None blank);
    raises ValueError naming `name` for anything else (text dates are the loader's to parse)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.normalize()
    if series.isna().all():
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
    bad = [v for v in series.dropna() if not isinstance(v, dt.date)]
    if bad:
        raise ValueError(f"column {name!r} must hold dates, found {bad[:3]!r}")
    return pd.to_datetime(series).dt.normalize()


def dates_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column `name` of `frame` read by `dates_of`."""
    return dates_of(frame[name], name)


_YES_NO = {"YES": True, "NO": False, "UNKNOWN": None}


def yes_no_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column `name` as pandas "boolean" (<NA> for Unknown or blank). Raises ValueError otherwise."""
    series = frame[name]
    if pd.api.types.is_bool_dtype(series.dtype) or series.isna().all():
        return series.astype("boolean")
    values = series.dropna()
    if all(isinstance(v, bool | np.bool_) for v in values):
        return series.astype("boolean")
    # The loader's canonical labels for "a) Yes / b) No / c) Unknown" are accepted as well.
    words = series.where(series.isna(), series.astype("str").str.strip().str.upper())
    bad = sorted(set(words.dropna()) - set(_YES_NO))
    if bad:
        raise ValueError(f"column {name!r} must hold True/False, Yes/No/Unknown or blank, found {bad[:3]!r}")
    return words.map(_YES_NO).astype("boolean")


def count_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column `name` as Int64 (<NA> blank). Raises ValueError for fractions, text or negatives."""
    series = frame[name]
    try:
        numbers = series.astype("Float64")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {name!r} must hold whole numbers or blank") from exc
    if (numbers % 1 != 0).any():
        raise ValueError(f"column {name!r} must hold whole numbers or blank, found {numbers[numbers % 1 != 0].iloc[0]}")
    counts = numbers.astype("Int64")
    if (counts < 0).any():
        raise ValueError(f"column {name!r} must not be negative")
    return counts


def code_column(frame: pd.DataFrame, name: str, allowed: frozenset[str]) -> pd.Series:
    """Column `name` as upper-case codes; raises ValueError listing values outside `allowed`."""
    codes = any_code_column(frame, name)
    unknown = sorted({str(v) for v, c in zip(frame[name], codes, strict=True) if pd.notna(v) and c not in allowed})
    if unknown:
        raise ValueError(f"column {name!r} has codes outside {sorted(allowed)}: {unknown[:5]!r}")
    return codes


def any_code_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Upper-cased codes, any value allowed (placement types change with SSDA903 releases)."""
    series = frame[name]
    return series.where(series.isna(), series.astype("str").str.strip().str.upper())
