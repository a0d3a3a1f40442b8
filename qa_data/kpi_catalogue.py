"""The default KPI catalogue a new database starts with: the indicators computed from Annex A
(qa_data.kpi_definitions) plus the ones performance teams report in their monthly extracts.

Targets and amber tolerances are starting points, in the KPI's unit (percentage points for %):
a council replaces them with its own (they live in the `kpis` table)."""

from __future__ import annotations

from qa_data.kpi_definitions import KPI_CATALOGUE
from qa_data.kpis import Kpi

# code: (target, amber tolerance, service area)
_TARGETS: dict[str, tuple[float, float, str]] = {
    "assessments_45wd": (85, 5, "Front Door"),
    "re_referrals": (20, 2, "Front Door"),
    "icpc_15wd": (80, 5, "Children in Need and Child Protection"),
    "repeat_cp_plans": (20, 3, "Children in Need and Child Protection"),
    "cp_plans_2_years": (3, 1, "Children in Need and Child Protection"),
    "cp_visits_in_timescale": (90, 5, "Children in Need and Child Protection"),
    "cp_seen_alone": (85, 5, "Children in Need and Child Protection"),
    "cla_3_placements": (10, 1, "Children in Care"),
    "cla_long_term_stability": (70, 5, "Permanence"),
    "cla_health_assessments": (90, 5, "Children in Care"),
    "cla_dental_checks": (80, 5, "Children in Care"),
    "cla_missing": (10, 2, "Vulnerable Adolescents"),
    "cla_return_interviews": (90, 5, "Vulnerable Adolescents"),
}
for _band in ("17_18", "19_21"):
    _TARGETS[f"care_leavers_in_touch_{_band}"] = (90, 5, "Care Leavers")
    _TARGETS[f"care_leavers_suitable_accommodation_{_band}"] = (90, 5, "Care Leavers")
    _TARGETS[f"care_leavers_eet_{_band}"] = (55, 5, "Care Leavers")

EXTRACT_KPIS: tuple[Kpi, ...] = (
    Kpi("supervision_in_timescale", "Case supervision within timescale",
        "Of children's cases due case supervision in the month, the % supervised within the local "
        "standard (reported by the performance team).", "percent", "higher", 90, 5, None, "extract"),
    Kpi("cin_visits_in_timescale", "Children in need visited within timescale",
        "Of children in need open in the month, the % visited within the local standard.",
        "percent", "higher", 90, 5, "Children in Need and Child Protection", "extract"),
    Kpi("cla_visits_in_timescale", "Children in care visited within timescale",
        "Of children in care in the month, the % whose statutory visit was within timescale.",
        "percent", "higher", 90, 5, "Children in Care", "extract"),
    Kpi("average_caseload", "Average social worker caseload",
        "Children allocated per case-holding social worker (full-time equivalent) at month end.",
        "count", "lower", 18, 2, None, "extract"),
)


def default_catalogue() -> list[Kpi]:
    """Every default KPI, Annex A indicators first, in reading order."""
    computed = [
        Kpi(d.code, d.name, d.definition, d.unit, d.direction, *_TARGETS[d.code], source="annex_a")
        for d in KPI_CATALOGUE.values()
    ]
    return computed + list(EXTRACT_KPIS)
