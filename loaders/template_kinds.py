"""The upload templates other than the audit return: one `Spec` per kind, whose headings and coded
values come from the loader modules' own definitions (so a template cannot drift from what its
loader reads), and one builder per kind returning the .xlsx bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from loaders import actions, audit_plan, catalogue, comparators, complaints, kpi_extract, surveys
from loaders.template_workbook import Column, Spec, build, display_header, last_months
from qa_data import framework_scope, vocab
from qa_data.voice import RESPONDENT_TYPES

AREAS = tuple(vocab.SERVICE_AREAS)
DATE_RULE = "Dates are day first: dd/mm/yyyy (e.g. 31/01/2026), or real Excel dates."
AREA_RULE = "a service area is not one of the seven (use the drop-down)"
# Display forms of the coded values: each is an alias its loader maps to one canonical value
# (tests/test_templates.py checks they cover every canonical value once).
UNIT_CHOICES = ("%", "count", "days", "rate per 10,000")
DIRECTION_CHOICES = ("Higher is better", "Lower is better")
SOURCE_CHOICES = ("Annex A", "Extract")
RECORD_CHOICES = ("Complaint", "Compliment")
STAGE_CHOICES = ("Stage 1", "Stage 2", "Stage 3", "Ombudsman")
UPHELD_CHOICES = ("Upheld", "Partially upheld", "Not upheld")


def header(aliases: Mapping[str, tuple[str, ...]], name: str, labels: Mapping[str, str] | None = None) -> str:
    """The heading a loader gives field `name`: its label if it has one, else its first alias."""
    return display_header((labels or {}).get(name) or aliases[name][0])


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def kpis_spec(today: date) -> Spec:
    """The KPI extract, wide: KPI, Service area, Team and the 12 complete months before `today`."""
    a = kpi_extract._ALIASES
    months = last_months(today)
    return Spec(
        title="How to fill in the KPI extract (wide layout)",
        sheet="KPI values",
        columns=(
            Column(header(a, "kpi"), "The KPI's code or its name exactly as the KPI catalogue gives it.", True,
                   width=30),
            Column(header(a, "service_area"), "Optional: the service area the value is for; blank = whole service.",
                   choices=AREAS, width=28),
            Column(header(a, "team"), "Optional: the team the value is for; blank = the whole area."),
            *(Column(f"{m:%b-%y}", f"The value for {m:%B %Y}: a number or a percentage "
                     "(85 or 85%); blank if there is none.", width=10) for m in months),
        ),
        example=("cla_visits_in_timescale", "Children in Care", None, *[88 + (i % 4) for i in range(len(months))]),
        notes=(
            "One row per KPI (and per service area and team when they are given), one column per month.",
            "Month headings look like Apr-25, April 2025 or 2025-04; add or remove month columns as you need.",
            "Long layout instead: one row per KPI and month with the columns "
            f"{header(a, 'kpi')}, {header(a, 'period')}, {header(a, 'value')} and optionally "
            f"{header(a, 'service_area')}, {header(a, 'team')}, {header(a, 'numerator')}, "
            f"{header(a, 'denominator')}, {header(a, 'target')}; the loader tells the layouts apart by the headings.",
            "A re-upload replaces the values it gives again (same KPI, month, service area and team).",
        ),
        rejected_when=(
            "a KPI is not in the KPI catalogue (by code or name)",
            "a value is not a number (text such as 'n/a' is blank, not an error)",
            AREA_RULE,
            "the same KPI, month, service area and team is given twice",
            "long layout: a period is not a month, or is in the future",
        ),
    )


def comparators_spec() -> Spec:
    """Comparators: one row per KPI, year and comparator."""
    a = comparators._ALIASES
    return Spec(
        title="How to fill in the comparators file",
        sheet="Comparators",
        columns=(
            Column(header(a, "kpi"), "The KPI's code or name as the KPI catalogue gives it.", True, width=30),
            Column(header(a, "year"), "The year the value is for: 2025, or 2025-26 for a financial year.", True),
            Column(header(a, "comparator"), "Who the value describes.", True,
                   _unique(comparators.COMPARATORS.values()), width=26),
            Column(header(a, "value"), "The published value (a number or a percentage).", True),
        ),
        example=("re_referrals", "2024-25", "Statistical neighbours", 21.4),
        notes=(
            "One row per KPI, year and comparator, e.g. from the DfE's LAIT or ChAT tables.",
            "A re-upload replaces the values it gives again (same KPI, year and comparator).",
        ),
        rejected_when=(
            "a KPI is not in the KPI catalogue",
            "a year is not like 2025 or 2025-26",
            "a comparator is not Statistical neighbours, Region or England",
            "a value is blank or not a number",
            "the same KPI, year and comparator is given twice",
        ),
    )


def catalogue_spec() -> Spec:
    """The KPI catalogue: one row per KPI."""
    a = catalogue._ALIASES
    need = set(catalogue.REQUIRED)
    return Spec(
        title="How to fill in the KPI catalogue",
        sheet="KPI catalogue",
        columns=(
            Column(header(a, "code"), "A short unique code, e.g. cla_visits_in_timescale.", "code" in need, width=28),
            Column(header(a, "name"), "The KPI's name as reports show it.", "name" in need, width=36),
            Column(header(a, "definition"), "What it measures, in a sentence.", "definition" in need, width=50),
            Column(header(a, "unit"), "How the value is expressed.", "unit" in need, UNIT_CHOICES),
            Column(header(a, "direction"), "Whether a higher or a lower value is better.", "direction" in need,
                   DIRECTION_CHOICES),
            Column(header(a, "target"), "Optional: the target, a number."),
            Column(header(a, "amber_tolerance"), "Optional: how far from target is still amber, a number."),
            Column(header(a, "service_area"), "Optional: the service area the KPI belongs to.", choices=AREAS,
                   width=28),
            Column(header(a, "source"), "Optional: Annex A (QA Insight computes it) or Extract (the performance "
                   "team reports it); blank: Annex A for the codes QA Insight computes, else Extract.",
                   choices=SOURCE_CHOICES),
        ),
        example=("cla_visits_in_timescale", "Children in care visited within timescale",
                 "Of children in care in the month, the % whose statutory visit was within timescale.",
                 "%", "Higher is better", 90, 5, "Children in Care", "Extract"),
        notes=(
            "One row per KPI. The file replaces the whole catalogue: include every KPI you want to keep.",
        ),
        rejected_when=(
            "a code, name or definition is blank, or a code appears twice",
            "a unit, direction or source is not one of the drop-down values",
            "a target or amber tolerance is not a number",
            AREA_RULE,
            "a KPI is marked Annex A but QA Insight does not compute it",
        ),
    )


def actions_spec() -> Spec:
    """The action tracker: one row per action, in the loader's column order."""
    a, labels, need = actions._ALIASES, actions.LABELS, set(actions.REQUIRED)
    meanings = {
        "action_id": "A unique reference for the action, e.g. ACT-0123.",
        "source": "What raised it: the audit ID, or the thematic review's name.",
        "service_area": "The service area that owns the action.",
        "owner": "Who is responsible for it.",
        "raised_date": "When the action was agreed.",
        "due_date": "When it should be done.",
        "status": "Where it stands at the export date.",
        "completed_date": "When it was completed (blank while open).",
        "latest_update": "The latest progress note.",
    }
    coded = {"service_area": AREAS, "status": _unique(actions.STATUSES.values())}
    dates = {"raised_date", "due_date", "completed_date"}
    return Spec(
        title="How to fill in the action tracker",
        sheet="Action tracker",
        columns=tuple(
            Column(header(a, n, labels), meanings[n], n in need, coded.get(n, ()), n in dates,
                   40 if n == "latest_update" else 20)
            for n in a
        ),
        example=("ACT-0123", "Thematic review: neglect", "Children in Need and Child Protection", "A. Khan",
                 date(2026, 9, 14), date(2026, 12, 31), "In progress", None,
                 "Chronology training booked for all CP teams."),
        notes=(
            "One row per action, as the tracker stood on the day it was exported: each upload is kept as a "
            "monthly snapshot. Give the snapshot date when you upload (default: the latest raised or "
            "completed date in the file); a re-upload for the same snapshot date replaces it.",
            DATE_RULE,
        ),
        rejected_when=(
            "an action ID or source is blank, or an action ID appears twice",
            AREA_RULE,
            "a status is not Not started, In progress, Completed or Overdue",
            "a raised or due date is blank, or any date is not a date",
        ),
    )


def surveys_spec() -> Spec:
    """Survey results, wide: the response columns, then one column per question (three examples)."""
    a, labels = surveys._ALIASES, surveys._LABELS
    fields = ("survey", "response_id", "respondent_type", "service_area", "date")
    meanings = {
        "survey": "Optional: the survey's name (blank: the file name names it).",
        "response_id": "A reference for one person's response, unique within the survey.",
        "respondent_type": "Who answered.",
        "service_area": "The service area the response is about.",
        "date": "When the response was given.",
    }
    coded = {"respondent_type": tuple(RESPONDENT_TYPES), "service_area": AREAS}
    return Spec(
        title="How to fill in survey results (wide layout)",
        sheet="Responses",
        columns=(
            *(Column(header(a, n, labels), meanings[n], n in surveys._REQUIRED, coded.get(n, ()), n == "date", 22)
              for n in fields),
            Column("I feel listened to by my social worker", "A question: one column per question, headed by "
                   "its wording. Answers: strongly agree ... strongly disagree, 1-5, or yes/no.", width=30),
            Column("I know how to make a complaint", "Another question (yes/no here).", width=30),
            Column("What could we do better?", "A free-text question: its answers are kept as comments.", width=40),
        ),
        example=("Speakerbox 2026", "R-0001", "Young person", "Children in Care", date(2026, 10, 5), "Agree", "Yes",
                 "Tell me sooner when my social worker changes."),
        notes=(
            "Wide layout: one row per response, one column per question beside the columns above.",
            "Long layout instead: one row per response and question, with the same columns plus "
            f"{header(a, 'question', labels)} and {header(a, 'answer', labels)}; a response keeps one "
            "respondent type, service area and date on all its rows.",
            "Agree and strongly agree, 4 or 5 on a 1-5 scale, and yes count as positive.",
            DATE_RULE,
            "A re-upload of a survey replaces all its stored responses.",
        ),
        rejected_when=(
            "a response ID is blank, or a response answers the same question twice",
            "a respondent type is not Young person, Parent or carer or Foster carer",
            AREA_RULE,
            "a date is blank or not a date",
            "an answer to a scored question is off its scale (e.g. 7 on a 1-5 scale, or a misspelling)",
            "long layout: a response has two respondent types, service areas or dates",
        ),
    )


def complaints_spec() -> Spec:
    """The complaints and compliments log: one row per complaint or compliment."""
    a, labels = complaints._ALIASES, complaints._LABELS
    need = set(complaints._REQUIRED)
    meanings = {
        "reference": "Optional: the complaint or compliment's reference.",
        "record_type": "Complaint or Compliment.",
        "received_date": "When it was received.",
        "service_area": "The service area it is about.",
        "category": "Optional: what it is about, e.g. Communication.",
        "stage": "Complaints only: the stage it reached.",
        "upheld": "Complaints only: the outcome; blank while there is none. Partially upheld counts as upheld.",
    }
    coded = {"record_type": RECORD_CHOICES, "service_area": AREAS, "stage": STAGE_CHOICES, "upheld": UPHELD_CHOICES}
    return Spec(
        title="How to fill in the complaints and compliments log",
        sheet="Complaints and compliments",
        columns=tuple(
            Column(header(a, n, labels), meanings[n], n in need, coded.get(n, ()), n == "received_date", 24)
            for n in a
        ),
        example=("CMP-2026-014", "Complaint", date(2026, 10, 3), "Children in Need and Child Protection",
                 "Communication", "Stage 1", "Partially upheld"),
        notes=(
            "One row per complaint or compliment received. A log covers whole months: a re-upload replaces "
            "the stored complaints and compliments of the months it covers.",
            DATE_RULE,
        ),
        rejected_when=(
            "a type is not Complaint or Compliment",
            "a date is blank or not a date",
            AREA_RULE,
            "a complaint's stage or outcome is not one of the drop-down values",
        ),
    )


def audit_plan_spec() -> Spec:
    """The audit plan (framework Appendix B): one row per month, area, activity type and theme."""
    a, labels, need = audit_plan._ALIASES, audit_plan.LABELS, set(audit_plan.REQUIRED)
    meanings = {
        "plan_month": "The month the activities are planned for (any day of it).",
        "service_area": "The service area the activities look at.",
        "activity_type": "Case audit, dip sample or practice observation.",
        "theme": "What the activities look at, worded as the audit returns word it (matched ignoring case).",
        "scope_area": "Optional: the framework section 6 item the theme tests; it must be one of the row's "
        "service area (the drop-down lists all areas' items, each area's together).",
        "planned": "How many activities are planned: a whole number, 0 or more.",
        "lead": "Who leads them: a role (e.g. HoS Children in Care, QAL Front Door) rather than a name.",
    }
    coded = {
        "service_area": AREAS,
        "activity_type": tuple(vocab.ACTIVITY_TYPES.values()),
        "scope_area": _unique(s.item for s in framework_scope.SCOPE),
    }
    widths = {"theme": 36, "scope_area": 48, "lead": 26}
    return Spec(
        title="How to fill in the audit plan",
        sheet="Audit plan",
        columns=tuple(
            Column(header(a, n, labels), meanings[n], n in need, coded.get(n, ()), n == "plan_month",
                   widths.get(n, 20))
            for n in a
        ),
        example=(date(2026, 4, 1), "Front Door", "Dip sample", "Re-referrals", "No further action and sign-posting",
                 6, "QAL Front Door"),
        notes=(
            "One row per month, service area, activity type and theme, with the number of activities planned.",
            "Months: a date in the month, or text such as Apr-26, April 2026 or 2026-04.",
            "Uploading a plan replaces every stored plan row of the months it covers: upload whole months. A "
            "plan for later months is added to what is stored.",
        ),
        rejected_when=(
            "a month, service area, activity type, theme or planned number is blank or cannot be read",
            AREA_RULE,
            "planned is not a whole number from 0 to 10,000",
            "the same month, service area, activity type and theme appear twice (themes ignoring case)",
            "a scope area is not one of its service area's section 6 items",
        ),
    )


def kpis_template_bytes(today: date | None = None) -> bytes:
    """The KPI extract template (wide: KPI, Service area, Team and the last 12 complete months)."""
    return build(kpis_spec(today or date.today()))


def comparators_template_bytes() -> bytes:
    """The blank comparators file template as .xlsx bytes."""
    return build(comparators_spec())


def catalogue_template_bytes() -> bytes:
    """The blank KPI catalogue template as .xlsx bytes."""
    return build(catalogue_spec())


def actions_template_bytes() -> bytes:
    """The blank action tracker template as .xlsx bytes."""
    return build(actions_spec())


def surveys_template_bytes() -> bytes:
    """The blank survey results (wide layout) template as .xlsx bytes."""
    return build(surveys_spec())


def complaints_template_bytes() -> bytes:
    """The blank complaints and compliments log template as .xlsx bytes."""
    return build(complaints_spec())


def audit_plan_template_bytes() -> bytes:
    return build(audit_plan_spec())
