"""The Single Audit Case Reflection Sheet (framework Appendix C) as plain data: one audited case
with its grades, the feedback loop (section 5), strengths, areas for development, the worker's
reflection and the actions agreed (section 8). Saved and exported by `loaders.reflection`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from qa_data import vocab

# The grades the form asks for first: the three quality markers and supervision (framework section 4).
MAIN_DOMAINS: tuple[str, ...] = (*vocab.QUALITY_MARKERS, "supervision")
OTHER_DOMAINS: tuple[str, ...] = tuple(d.key for d in vocab.DOMAINS if d.key not in MAIN_DOMAINS)

# Where each field sits on the form, as the user reads it (issues are located with these words).
SECTIONS: dict[str, str] = {
    **dict.fromkeys(
        ("audit_id", "audit_date", "service_area", "team", "worker", "auditor", "theme",
         "activity_type", "child_ref", "reaudit_of"),
        "Case details",
    ),
    **dict.fromkeys(("overall_grade", "moderated_grade"), "Grades"),
    **dict.fromkeys(("worker_notified", "feedback_given", "feedback_date"), "Feedback"),
    **dict.fromkeys(("strengths", "areas_for_development", "worker_reflection"), "Reflection"),
}
ACTIONS_SECTION = "Actions"
ACTION_COLUMNS: tuple[str, ...] = ("Action", "Owner", "Due date")


@dataclass(frozen=True)
class AgreedAction:
    """One action agreed with the worker: what, who and by when."""

    action: str | None
    owner: str | None
    due_date: date | None


@dataclass(frozen=True)
class ReflectionSheet:
    """One case audit and its reflection, as the auditor fills it in. Grades are the words of
    `vocab.GRADES` (or what was typed: the loader checks them); `domain_grades` maps a
    `vocab.DOMAINS` key to its grade, ungraded domains left out; `activity_type` is a
    `vocab.ACTIVITY_TYPES` key."""

    audit_id: str
    audit_date: date | None
    service_area: str
    overall_grade: str | None
    team: str | None = None
    worker: str | None = None
    auditor: str | None = None
    theme: str | None = None
    activity_type: str = "case_audit"
    child_ref: str | None = None
    reaudit_of: str | None = None
    moderated_grade: str | None = None
    domain_grades: Mapping[str, str] = field(default_factory=dict)
    worker_notified: bool | None = None
    feedback_given: bool | None = None
    feedback_date: date | None = None
    strengths: str | None = None
    areas_for_development: str | None = None
    worker_reflection: str | None = None
    actions: tuple[AgreedAction, ...] = ()


def actions_from_records(records: Iterable[Mapping[str, Any]]) -> tuple[AgreedAction, ...]:
    """The actions from an editable table's rows (keys `ACTION_COLUMNS`), in order, leaving out
    rows with nothing in them. Blank text and missing dates (None, NaN, NaT) become None."""
    out = []
    for record in records:
        action = _text(record.get("Action"))
        owner = _text(record.get("Owner"))
        due = _date(record.get("Due date"))
        if action or owner or due:
            out.append(AgreedAction(action=action, owner=owner, due_date=due))
    return tuple(out)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):  # pandas Timestamp is a datetime; NaT is not equal to itself
        return None if value != value else value.date()  # noqa: PLR0124
    if isinstance(value, date):
        return value
    if str(value) in ("NaT", "nan", ""):
        return None
    return date.fromisoformat(str(value)[:10])
