"""Saving and sharing a Single Audit Case Reflection Sheet (framework Appendix C).

A sheet is saved as an audit return with one row: `reflection_xlsx` builds the workbook the
worker is sent (a printable form, plus an "Audit return" sheet in the audit loader's layout), and
`save_reflection` runs that very file through `loaders.audits.load_audits`, so a sheet is
validated and stored exactly as an uploaded audit is. The agreed actions, checked here, are
written to `audit_agreed_actions` inside the audit load's transaction. Issues are located in the
form's words ("Grades, Overall grade"; "Actions, row 2, column Owner").
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from loaders.audit_columns import FIELD_BY_NAME, FIELDS
from loaders.audits import load_audits
from loaders.report import ERROR, Issue, LoadReport
from loaders.workbook import Source
from loaders.writer import IN_PROGRESS, ChildRows, trail_action
from qa_data import db, vocab
from qa_data.exports.safe import put_cell
from qa_data.reflection import ACTION_COLUMNS, ACTIONS_SECTION, MAIN_DOMAINS, SECTIONS, ReflectionSheet
from qa_data.scope import Scope

FORM_SHEET = "Reflection sheet"
RETURN_SHEET = "Audit return"
TITLE = "Single Audit Case Reflection Sheet"
ACTION_TABLE = "audit_agreed_actions"
_ACTION_TABLE_COLUMNS = ("audit_id", "seq", "action", "owner", "due_date")


def return_headers() -> list[str]:
    """The audit return's headings, as the upload template spells them: every field, then every domain."""
    return [f.label for f in FIELDS] + [d.label for d in vocab.DOMAINS]


def file_name(sheet: ReflectionSheet) -> str:
    """The workbook's name: 'Reflection sheet <audit ID>.xlsx', with only safe characters."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", sheet.audit_id.strip()).strip("_") or "audit"
    return f"{FORM_SHEET} {safe}.xlsx"


def save_reflection(
    con: duckdb.DuckDBPyConnection,
    sheet: ReflectionSheet,
    *,
    scope: Scope,
    loaded_by: str,
    dry_run: bool = False,
    today: date | None = None,
) -> LoadReport:
    """Check `sheet` (as an audit return, plus its actions and the viewer's `scope`) and, unless
    `dry_run` or it has an error, store it: one row in `audits` and its rows in
    `audit_agreed_actions`, replacing what is stored under the same audit ID, in one transaction
    with its `loads` record. Returns the report (outcome loaded, unchanged, checked or rejected),
    its issues located in the form's words. A rejected sheet writes nothing, not even a `loads`
    row. Never raises for bad input."""
    source = Source(file_name(sheet), _workbook(sheet, neutralised=False))
    report = load_audits(con, source, loaded_by=loaded_by, dry_run=True, today=today)
    own = _check_sheet(con, sheet, scope)
    flagged = {i.column for i in own if i.severity == ERROR}
    report.issues = sorted(
        [*own, *(i for i in map(_form_issue, report.issues) if not (i.column in flagged and i.severity != ERROR))],
        key=_form_position,
    )
    if dry_run or not report.valid:
        report.outcome = "checked" if report.valid else "rejected"
        return report
    with trail_action("reflection"):  # its audit trail entry says a sheet was saved, not a file uploaded
        loaded = load_audits(
            con, source, loaded_by=loaded_by, today=today, children=(_action_rows(sheet),)
        )
    # Keep a refusal to write (another upload holds the write lock) with the sheet's own issues.
    loaded.issues = report.issues + [i for i in loaded.issues if i.code == IN_PROGRESS]
    return loaded


def problems(report: LoadReport) -> list[str]:
    """Each issue as a sentence that says where on the form it is, errors first."""
    out = []
    for issue in sorted(report.issues, key=lambda i: i.severity != ERROR):
        where = [issue.sheet, f"row {issue.row}" if issue.row else None,
                 (f"column {issue.column}" if issue.row else issue.column)]
        located = ", ".join(w for w in where if w)
        out.append(f"{located}: {issue.message}" if located else issue.message)
    return out


def _check_sheet(con: duckdb.DuckDBPyConnection, sheet: ReflectionSheet, scope: Scope) -> list[Issue]:
    """What the audit loader does not check: the main grades the form requires, the viewer's
    scope, and the agreed actions."""
    issues = []
    for key in MAIN_DOMAINS:
        if not (sheet.domain_grades.get(key) or "").strip():
            label = vocab.DOMAIN_BY_KEY[key].label
            issues.append(Issue(
                "missing-value", ERROR,
                f"{label} is not graded; it is graded on every audit (framework section 4).",
                sheet="Grades", column=label,
            ))
    mine = scope.areas_for("save_reflection")  # not the areas viewed: an AD who is also a QAL saves in fewer
    area = vocab.canonical_service_area(sheet.service_area)
    if area is not None and area not in mine:
        issues.append(Issue(
            "out-of-scope", ERROR,
            f"You can only save audits for your own service areas; {area} is not one of them.",
            sheet="Case details", column="Service area", value=sheet.service_area,
        ))
    cur = db.cursor(con)
    try:
        row = cur.execute(
            "select service_area from audits where audit_id = ?", [sheet.audit_id.strip()]
        ).fetchone()
    finally:
        cur.close()
    if row is not None and row[0] not in mine:
        issues.append(Issue(
            "out-of-scope", ERROR,
            f"Audit ID {sheet.audit_id.strip()} is already used by an audit you cannot change. Check the ID.",
            sheet="Case details", column="Audit ID", value=sheet.audit_id,
        ))
    return issues + _check_actions(sheet)


def _check_actions(sheet: ReflectionSheet) -> list[Issue]:
    issues = []
    for n, action in enumerate(sheet.actions, start=1):
        where: dict[str, Any] = {"sheet": ACTIONS_SECTION, "row": n}
        for column, value in (("Action", action.action), ("Owner", action.owner)):
            if not (value or "").strip():
                issues.append(Issue("missing-value", ERROR, f"{column} is blank.", column=column, **where))
        if action.due_date is None:
            issues.append(Issue("missing-value", ERROR, "Due date is blank.", column="Due date", **where))
        elif sheet.audit_date is not None and action.due_date < sheet.audit_date:
            issues.append(Issue(
                "due-before-audit", ERROR,
                f"Due date {action.due_date:%d/%m/%Y} is before the audit date "
                f"{sheet.audit_date:%d/%m/%Y}.",
                column="Due date", value=f"{action.due_date:%d/%m/%Y}", **where,
            ))
    return issues


_SECTION_ORDER = ("Case details", "Grades", "Feedback", "Reflection", ACTIONS_SECTION)
_FIELD_BY_LABEL = {f.label: f.name for f in FIELDS}
_DOMAIN_LABELS = frozenset(d.label for d in vocab.DOMAINS)
_FORM_LABELS = (*_FIELD_BY_LABEL, *(d.label for d in vocab.DOMAINS))


def _form_issue(issue: Issue) -> Issue:
    """A loader issue (sheet 'Audit return', row 2, a column heading) located on the form."""
    column = issue.column
    if column in _DOMAIN_LABELS:
        section: str | None = "Grades"
    elif column in _FIELD_BY_LABEL:
        section = SECTIONS.get(_FIELD_BY_LABEL[column])
    else:
        section = None
    return replace(issue, sheet=section, row=None, column_letter=None)


def _form_position(issue: Issue) -> tuple[int, int, int]:
    """Where an issue is on the form, top to bottom: section, action row, field."""
    section = _SECTION_ORDER.index(issue.sheet) if issue.sheet in _SECTION_ORDER else len(_SECTION_ORDER)
    labels = ACTION_COLUMNS if issue.sheet == ACTIONS_SECTION else _FORM_LABELS
    field = labels.index(issue.column) if issue.column in labels else len(labels)
    return section, issue.row or 0, field


def _action_rows(sheet: ReflectionSheet) -> ChildRows:
    n = len(sheet.actions)
    rows = pa.table({
        "audit_id": pa.array([sheet.audit_id.strip()] * n, pa.string()),
        "seq": pa.array(range(1, n + 1), pa.int32()),
        "action": pa.array([(a.action or "").strip() for a in sheet.actions], pa.string()),
        "owner": pa.array([(a.owner or "").strip() for a in sheet.actions], pa.string()),
        "due_date": pa.array([a.due_date for a in sheet.actions], pa.date32()),
    })
    return ChildRows(table=ACTION_TABLE, columns=_ACTION_TABLE_COLUMNS, rows=rows)


# --- The workbook ---------------------------------------------------------------------------------
_HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
_LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="8EA9DB")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_DARK_GRADES = frozenset({"Outstanding", "Inadequate"})  # white text on these fills


def reflection_xlsx(sheet: ReflectionSheet) -> bytes:
    """The filled reflection sheet to share with the worker: a printable form ('Reflection
    sheet': case details, grades in the grade colours, strengths, areas for development, the
    worker's reflection and the agreed actions) and the one-row 'Audit return' that the Upload
    page loads as the same audit.

    Like every spreadsheet we hand out it is inert (`qa_data.exports.safe`): no formula is ever
    written, and text starting with = + - @ tab or CR is shown with a leading quote ('=1+1). So
    ordinary text uploads back exactly as it was saved; such text comes back with its quote (the
    quote is visible and can be deleted before re-uploading). Saving the form itself keeps the
    text exactly as typed: `save_reflection` checks an unneutralised copy that never leaves memory."""
    return _workbook(sheet, neutralised=True)


def _workbook(sheet: ReflectionSheet, *, neutralised: bool) -> bytes:
    """The workbook; `neutralised` False only for `save_reflection`'s in-memory check of the form."""
    wb = Workbook()
    form = wb.active
    form.title = FORM_SHEET
    put = _put if neutralised else _put_exact
    _write_form(form, sheet, put)
    ret = wb.create_sheet(RETURN_SHEET)
    for col, header in enumerate(return_headers(), start=1):
        cell = put(ret, 1, col, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL
        cell.alignment = _WRAP
    for col, value in enumerate(_return_row(sheet), start=1):
        put(ret, 2, col, value)
    ret.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _return_row(sheet: ReflectionSheet) -> list[Any]:
    values: dict[str, Any] = {
        name: getattr(sheet, name) for name in FIELD_BY_NAME if hasattr(sheet, name)
    }
    values["activity_type"] = vocab.ACTIVITY_TYPES.get(sheet.activity_type, sheet.activity_type)
    for name in ("worker_notified", "feedback_given"):
        values[name] = None if values[name] is None else ("Yes" if values[name] else "No")
    return [values.get(f.name) for f in FIELDS] + [sheet.domain_grades.get(d.key) for d in vocab.DOMAINS]


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value into the download: text neutralised and always a text cell, never a formula
    (`qa_data.exports.safe.put_cell`); dates shown day first."""
    cell = put_cell(ws, row, col, value)
    if isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    return cell


def _put_exact(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value as it is (text still a text cell, never a formula): for the in-memory copy that
    `save_reflection` checks, so the text saved is the text typed."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    return cell


_Put = Callable[[Worksheet, int, int, Any], Cell]


def _write_form(ws: Worksheet, sheet: ReflectionSheet, put: _Put) -> None:
    for letter, width in zip("ABCD", (30, 46, 24, 14), strict=True):
        ws.column_dimensions[letter].width = width
    put(ws, 1, 1, TITLE).font = Font(bold=True, size=16, color="1F4E79")
    ws.merge_cells("A1:D1")
    put(ws, 2, 1, "Children and Family Services Quality Assurance Framework, Appendix C").font = Font(
        italic=True, color="595959"
    )
    ws.merge_cells("A2:D2")
    row = 4
    details = [
        ("Audit ID", sheet.audit_id), ("Audit date", sheet.audit_date),
        ("Activity type", vocab.ACTIVITY_TYPES.get(sheet.activity_type, sheet.activity_type)),
        ("Service area", sheet.service_area), ("Team", sheet.team), ("Worker", sheet.worker),
        ("Auditor", sheet.auditor), ("Theme", sheet.theme), ("Child ID", sheet.child_ref),
        ("Re-audit of", sheet.reaudit_of),
    ]
    row = _pairs(ws, row, "Case details", details, put)
    grades = [("Overall grade", sheet.overall_grade), ("Moderated grade", sheet.moderated_grade)] + [
        (d.label, sheet.domain_grades.get(d.key)) for d in vocab.DOMAINS if sheet.domain_grades.get(d.key)
    ]
    row = _pairs(ws, row, "Grades", grades, put, coloured=True)
    yes_no = {True: "Yes", False: "No", None: None}
    row = _pairs(ws, row, "Feedback", [
        ("Worker notified of the audit", yes_no[sheet.worker_notified]),
        ("Feedback given to worker and manager", yes_no[sheet.feedback_given]),
        ("Feedback date", sheet.feedback_date),
    ], put)
    for heading, text in (("Strengths", sheet.strengths),
                          ("Areas for development", sheet.areas_for_development),
                          ("Worker's reflection", sheet.worker_reflection)):
        row = _section(ws, row, heading, put)
        cell = put(ws, row, 1, text)
        cell.alignment, cell.border = _WRAP, _BOX
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        lines = sum(max(1, len(part) // 95 + 1) for part in (text or "").split("\n"))
        ws.row_dimensions[row].height = 15 * max(4, lines)
        row += 2
    row = _section(ws, row, "Agreed actions", put)
    for col, header in ((1, "Action"), (3, "Owner"), (4, "Due date")):
        cell = put(ws, row, col, header)
        cell.font, cell.fill, cell.border = Font(bold=True), _LABEL_FILL, _BOX
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for action in sheet.actions:
        row += 1
        for col, value in ((1, action.action), (3, action.owner), (4, action.due_date)):
            cell = put(ws, row, col, value)
            cell.alignment, cell.border = _WRAP, _BOX
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    if not sheet.actions:
        row += 1
        put(ws, row, 1, "No actions agreed.").font = Font(italic=True)
    ws.print_area = f"A1:D{row}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _section(ws: Worksheet, row: int, heading: str, put: _Put) -> int:
    cell = put(ws, row, 1, heading)
    cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEAD_FILL
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    return row + 1


def _pairs(
    ws: Worksheet, row: int, heading: str, pairs: list[tuple[str, Any]], put: _Put, *, coloured: bool = False
) -> int:
    row = _section(ws, row, heading, put)
    for label, value in pairs:
        name = put(ws, row, 1, label)
        name.font, name.fill, name.border = Font(bold=True), _LABEL_FILL, _BOX
        cell = put(ws, row, 2, value)
        cell.border, cell.alignment = _BOX, Alignment(horizontal="left", vertical="top", wrap_text=True)
        grade = vocab.canonical_grade(value) if coloured and value else None
        if grade:
            cell.fill = PatternFill("solid", fgColor=vocab.GRADE_COLOURS[grade].lstrip("#").upper())
            cell.font = Font(bold=True, color="FFFFFF" if grade in _DARK_GRADES else "000000")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    return row + 1
