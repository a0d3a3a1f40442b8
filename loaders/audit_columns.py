"""The columns of an audit return: canonical fields, the header names people use for them, and
how a header is recognised (a field, a graded domain in the wide layout, or the long layout's
domain and grade columns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loaders.report import WARNING, LoadReport, column_letter
from loaders.workbook import RawTable
from qa_data.vocab import DOMAIN_LOOKUP, normalise_label


@dataclass(frozen=True)
class Field:
    """An audit-level column. `parse` names the cell reader: id, text (white space folded),
    longtext (free text: trimmed, line breaks kept), date, grade, area, activity or yesno."""

    name: str
    label: str  # the header the template uses
    parse: str
    required: bool = False
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("audit_id", "Audit ID", "id", True, (
        "audit id", "audit ref", "audit reference", "audit no", "audit number", "activity id",
        "activity ref", "qa id", "qa ref", "reference", "ref", "id", "audit",
    )),
    Field("activity_type", "Activity type", "activity", True, (
        "activity type", "type of activity", "audit type", "type of audit", "activity",
        "qa activity", "type", "activity type audit dip observation",
    )),
    Field("audit_date", "Audit date", "date", True, (
        "audit date", "date of audit", "date audited", "activity date", "date of activity",
        "date completed", "completed date", "date of observation", "observation date", "date",
        "audit completed", "date audit completed",
    )),
    Field("service_area", "Service area", "area", True, (
        "service area", "service", "area", "service name", "directorate area", "service team area",
    )),
    Field("team", "Team", "text", False, ("team", "team name", "allocated team", "worker team")),
    Field("worker", "Worker", "text", False, (
        "worker", "social worker", "practitioner", "allocated worker", "worker name",
        "social worker name", "practitioner name", "worker observed", "staff member",
    )),
    Field("auditor", "Auditor", "text", False, (
        "auditor", "audited by", "auditor name", "reviewer", "observer", "observed by",
        "completed by", "lead auditor",
    )),
    Field("theme", "Theme", "text", False, (
        "theme", "audit theme", "focus", "topic", "practice area", "focus of audit", "audit focus",
        "observation theme",
    )),
    Field("observation_setting", "Observation setting", "text", False, (
        "observation setting", "what was observed", "observed", "observation of", "setting",
        "observation type", "type of observation",
    )),
    Field("child_ref", "Child ID", "text", False, (
        "child id", "child ref", "child reference", "person id", "case id", "case ref",
        "mosaic id", "lcs id", "eclipse id", "child number",
    )),
    Field("overall_grade", "Overall grade", "grade", True, (
        "overall grade", "overall judgement", "overall judgment", "overall rating", "overall",
        "grade", "judgement", "judgment", "rating", "overall audit grade", "auditor grade",
        "auditors grade", "overall grading",
    )),
    Field("moderated_grade", "Moderated grade", "grade", False, (
        "moderated grade", "moderation grade", "grade after moderation", "moderator grade",
        "moderators grade", "moderated judgement", "moderated rating", "moderation outcome",
    )),
    Field("worker_notified", "Worker notified", "yesno", False, (
        "worker notified", "social worker notified", "notified", "worker informed",
        "sw notified", "worker told", "worker notified of audit", "notified of audit",
    )),
    Field("feedback_given", "Feedback given", "yesno", False, (
        "feedback given", "feedback to worker", "feedback provided", "feedback",
        "feedback given to worker", "feedback given to worker and manager",
        "feedback to worker and manager",
    )),
    Field("feedback_date", "Feedback date", "date", False, (
        "feedback date", "date of feedback", "date feedback given",
    )),
    Field("strengths", "Strengths", "longtext", False, (
        "strengths", "areas of strength", "what is working well", "what went well",
        "key strengths",
    )),
    Field("areas_for_development", "Areas for development", "longtext", False, (
        "areas for development", "development areas", "areas for improvement",
        "what needs to improve", "even better if", "worries", "area for development",
        "learning", "key areas for development",
    )),
    Field("worker_reflection", "Worker reflection", "longtext", False, (
        "worker reflection", "workers reflection", "social worker reflection", "social workers reflection",
        "practitioner reflection", "practitioners reflection", "reflection", "reflections",
    )),
    Field("reaudit_of", "Re-audit of", "id", False, (
        "re audit of", "reaudit of", "re audit of audit id", "original audit", "original audit id",
        "original audit ref", "re audit original audit", "follow up of audit", "re audit of audit",
    )),
)
FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

# The long layout: one row per audit and domain, with these two columns.
LONG_DOMAIN_ALIASES = frozenset(
    normalise_label(a)
    for a in ("domain", "audit domain", "area of practice", "quality marker", "question", "criterion")
)
LONG_GRADE_ALIASES = frozenset(
    normalise_label(a) for a in ("grade", "domain grade", "rating", "judgement", "judgment", "score")
)
# In the long layout a row whose domain is one of these holds the overall grade.
OVERALL_DOMAIN = frozenset(
    normalise_label(a) for a in ("overall", "overall grade", "overall judgement", "overall rating")
)

_FIELD_LOOKUP: dict[str, str] = {}
for _f in FIELDS:
    _FIELD_LOOKUP[normalise_label(_f.label)] = _f.name
    _FIELD_LOOKUP[normalise_label(_f.name)] = _f.name
    for _a in _f.aliases:
        _FIELD_LOOKUP[normalise_label(_a)] = _f.name

_DOMAIN_SUFFIXES = (" grade", " rating", " judgement", " judgment", " score")


def domain_for_header(header: str) -> str | None:
    """The domain key a wide-layout column heading grades (e.g. 'Supervision grade' ->
    'supervision'), or None."""
    key = normalise_label(header)
    if key in DOMAIN_LOOKUP:
        return DOMAIN_LOOKUP[key]
    for suffix in _DOMAIN_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in DOMAIN_LOOKUP:
            return DOMAIN_LOOKUP[key[: -len(suffix)]]
    if key.startswith("quality of ") and key[11:] in DOMAIN_LOOKUP:
        return DOMAIN_LOOKUP[key[11:]]
    return None


def field_for_header(header: str) -> str | None:
    """The audit-level field a heading names, or None."""
    return _FIELD_LOOKUP.get(normalise_label(header))


def header_score(headers: list[str]) -> int:
    """How many headings of a candidate header row an audit return would have; used to find the
    header row under title rows and the data sheet among instruction and lookup sheets."""
    score = 0
    for h in headers:
        key = normalise_label(h)
        if key in _FIELD_LOOKUP or domain_for_header(h) or key in LONG_DOMAIN_ALIASES:
            score += 1
    return score


@dataclass
class Layout:
    fields: dict[str, int]  # field name -> sheet column index
    domains: dict[str, int]  # wide layout: domain key -> sheet column index
    long_domain: int | None = None
    long_grade: int | None = None

    @property
    def is_long(self) -> bool:
        return self.long_domain is not None


def map_headers(raw: RawTable, report: LoadReport) -> Layout:
    """Recognise each heading of the header row: a field, a wide-layout domain, or the long
    layout's Domain/Grade pair. Reports unknown, duplicate and missing columns."""
    layout = Layout(fields={}, domains={})
    where: dict[str, Any] = {"sheet": raw.sheet, "row": raw.header_row}
    named: dict[str, tuple[int, str]] = {}
    for index, header in sorted(raw.headers.items()):
        key = normalise_label(header)
        target = field_for_header(header)
        if key in LONG_DOMAIN_ALIASES:
            layout.long_domain = index
            continue
        if target is None:
            domain = domain_for_header(header)
            target = f"domain:{domain}" if domain else None
        if target is None:
            report.add(
                "unknown-column",
                f'Column {column_letter(index)} "{header}" is not part of the audit return and '
                "was ignored.",
                severity=WARNING, column=header, column_letter=column_letter(index), **where,
            )
            continue
        if target in named:
            first = named[target]
            report.add(
                "duplicate-column",
                f'Columns {column_letter(first[0])} "{first[1]}" and {column_letter(index)} '
                f'"{header}" both hold the same thing; keep one of them.',
                column=header, column_letter=column_letter(index), **where,
            )
            continue
        named[target] = (index, header)
    for target, (index, _header) in named.items():
        if target.startswith("domain:"):
            layout.domains[target.removeprefix("domain:")] = index
        else:
            layout.fields[target] = index
    if layout.is_long:
        # In the long layout, a plain "Grade" column grades the row's domain, not the audit.
        grade_index = layout.fields.get("overall_grade")
        if grade_index is not None and normalise_label(raw.headers[grade_index]) in LONG_GRADE_ALIASES:
            layout.long_grade = layout.fields.pop("overall_grade")
        if layout.long_grade is None:
            report.add(
                "missing-column",
                'The sheet has a "Domain" column but no "Grade" column beside it.', **where,
            )
    for name in REQUIRED:
        if name not in layout.fields and not (name == "overall_grade" and layout.is_long):
            label = FIELD_BY_NAME[name].label
            report.add(
                "missing-column",
                f'The required column "{label}" is missing from the header row (row '
                f"{raw.header_row}).",
                column=label, **where,
            )
    return layout
