"""Blank upload templates: an .xlsx a QAL fills in, with drop-down lists for coded columns."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders import template_kinds
from loaders.audit_columns import FIELDS
from qa_data import vocab
from qa_data.exports.safe import put_cell

TEMPLATE_ROWS = 500  # rows the drop-downs cover
_DOMAIN_COLUMNS = ("safeguarding", "direct_work", "oversight", "supervision")
_INSTRUCTIONS = (
    "How to fill in the audit return",
    "One row per quality activity: a case audit, a dip sample or a practice observation.",
    "Required columns: Audit ID, Activity type, Audit date, Service area, Overall grade.",
    "Audit ID must be unique; re-uploading a corrected row with the same ID replaces it.",
    "Dates are day first: dd/mm/yyyy (e.g. 31/01/2025).",
    "Grades: Outstanding, Good, Requires improvement, Inadequate (leave a domain blank if "
    "it was not graded). Supervision is graded on every audit.",
    "Moderated grade: only when a moderator changed or confirmed the grade; it then counts.",
    "Extra columns for other domains (e.g. Chronology, Assessment, Planning, Recording) are "
    "welcome; unknown columns are ignored with a warning.",
)


def audit_template_bytes() -> bytes:
    """The blank audit-return workbook: an Instructions sheet, the 'Audit returns' sheet with
    headers, drop-down lists for grades, service areas, activity types and yes/no, and a Lists
    sheet holding the lists."""
    wb = Workbook()
    info = wb.active
    info.title = "Instructions"
    for i, line in enumerate(_INSTRUCTIONS, start=1):
        put_cell(info, i, 1, line).font = Font(bold=(i == 1), size=14 if i == 1 else 11)
    info.column_dimensions["A"].width = 110

    ws = wb.create_sheet("Audit returns")
    domain_labels = [vocab.DOMAIN_BY_KEY[k].label for k in _DOMAIN_COLUMNS]
    audit_fields = [f for f in FIELDS if f.name not in ("strengths", "areas_for_development")]
    headers = [f.label for f in audit_fields] + domain_labels + ["Strengths", "Areas for development"]
    fill = PatternFill("solid", fgColor="1F4E79")
    for col, header in enumerate(headers, start=1):
        cell = put_cell(ws, 1, col, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 34 if col > len(audit_fields) else 20
    ws.freeze_panes = "A2"

    lists = wb.create_sheet("Lists")
    columns = {
        "Grades": list(vocab.GRADES),
        "Service areas": list(vocab.SERVICE_AREAS),
        "Activity types": list(vocab.ACTIVITY_TYPES.values()),
        "Yes/No": ["Yes", "No"],
    }
    ranges = {}
    for col, (title, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(col)
        put_cell(lists, 1, col, title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            put_cell(lists, row, col, value)
        ranges[title] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 40

    def dropdown(list_name: str, header: str) -> None:
        letter = get_column_letter(headers.index(header) + 1)
        dv = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True)
        dv.error = f"Choose a value from the list ({list_name.lower()})."
        dv.errorTitle = "Not in the list"
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")

    for f in audit_fields:
        if f.parse == "grade":
            dropdown("Grades", f.label)
        elif f.parse == "area":
            dropdown("Service areas", f.label)
        elif f.parse == "activity":
            dropdown("Activity types", f.label)
        elif f.parse == "yesno":
            dropdown("Yes/No", f.label)
        elif f.parse == "date":
            letter = get_column_letter(headers.index(f.label) + 1)
            for row in range(2, TEMPLATE_ROWS + 2):
                ws[f"{letter}{row}"].number_format = "dd/mm/yyyy"
    for label in domain_labels:
        dropdown("Grades", label)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# Every upload kind's template: kind (as in loaders.KINDS) -> (file name, builder). The layouts of
# the other kinds live in loaders.template_kinds. Annex A has none of ours: Ofsted publishes it.
TEMPLATES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "audits": ("audit_return_template.xlsx", audit_template_bytes),
    "audit_plan": ("audit_plan_template.xlsx", template_kinds.audit_plan_template_bytes),
    "kpis": ("kpi_extract_template.xlsx", template_kinds.kpis_template_bytes),
    "comparators": ("comparators_template.xlsx", template_kinds.comparators_template_bytes),
    "catalogue": ("kpi_catalogue_template.xlsx", template_kinds.catalogue_template_bytes),
    "surveys": ("survey_results_template.xlsx", template_kinds.surveys_template_bytes),
    "complaints": ("complaints_and_compliments_template.xlsx", template_kinds.complaints_template_bytes),
    "actions": ("action_tracker_template.xlsx", template_kinds.actions_template_bytes),
}
