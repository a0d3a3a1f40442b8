"""Writing an upload template: an Instructions sheet for a QAL, the data sheet with the headers a
loader expects, one shaded example row, and drop-down lists for coded columns (kept on a Lists
sheet). The kinds' content lives in `loaders.template_kinds`; this module only lays it out. Every cell
is written with `qa_data.exports.safe.put_cell`, so no text can become a formula."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qa_data.exports.safe import put_cell

TEMPLATE_ROWS = 500  # rows the drop-downs and date formats cover
EXAMPLE_ROW = 2  # the example sits straight under the headers
EXAMPLE_NOTE = (
    "Row 2 (shaded) is an example. Type over it or delete it before you upload: a row left there is "
    "loaded like any other row."
)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_EXAMPLE_FILL = PatternFill("solid", fgColor="E7E6E6")
_ACRONYMS = {"id": "ID", "kpi": "KPI"}


def display_header(text: str) -> str:
    """A loader's own name for a column as a template heading: 'action id' -> 'Action ID'."""
    words = [_ACRONYMS.get(w.lower(), w) for w in text.split()]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]]) if words else text


@dataclass(frozen=True)
class Column:
    """One template column: its heading, what it means (for the Instructions sheet), whether the
    loader requires it, the values its drop-down offers, and whether it holds dates."""

    header: str
    meaning: str
    required: bool = False
    choices: tuple[str, ...] = ()
    is_date: bool = False
    width: int = 20


@dataclass(frozen=True)
class Spec:
    """A template: title and data sheet name, columns, one example row (a value per column),
    and the notes a QAL reads first (formats, what gets a file rejected)."""

    title: str
    sheet: str
    columns: tuple[Column, ...]
    example: tuple[object, ...]
    notes: tuple[str, ...]
    rejected_when: tuple[str, ...]


def build(spec: Spec) -> bytes:
    """The template workbook for `spec` as .xlsx bytes."""
    if len(spec.example) != len(spec.columns):
        raise ValueError(f"{spec.title}: the example has {len(spec.example)} values for {len(spec.columns)} columns")
    wb = Workbook()
    info = wb.active
    if info is None:  # a new Workbook always has one sheet
        raise RuntimeError("openpyxl gave no sheet")
    info.title = "Instructions"
    ws = wb.create_sheet(spec.sheet)
    _instructions(info, spec)
    ranges = _lists(wb, spec)
    for col, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(col)
        cell = put_cell(ws, 1, col, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = column.width
        example = put_cell(ws, EXAMPLE_ROW, col, spec.example[col - 1])
        example.fill = _EXAMPLE_FILL
        example.font = Font(italic=True, color="595959")
        if column.is_date:
            for row in range(EXAMPLE_ROW, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=col).number_format = "dd/mm/yyyy"
        if column.header in ranges:
            dv = DataValidation(type="list", formula1=ranges[column.header], allow_blank=True)
            dv.error = f"Choose a value from the list for {column.header}."
            dv.errorTitle = "Not in the list"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    ws.cell(row=EXAMPLE_ROW, column=1).comment = Comment(EXAMPLE_NOTE, "QA Insight")
    ws.freeze_panes = "A2"
    wb.active = wb.index(info)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _instructions(ws: Worksheet, spec: Spec) -> None:
    lines: list[tuple[str, bool]] = [(spec.title, True), ("", False)]
    lines += [(n, False) for n in (*spec.notes, EXAMPLE_NOTE)]
    lines += [("", False), ("A file is rejected, and nothing in it is loaded, when (the Upload page lists every "
                            "problem by row and column):", True)]
    always = "a required column (Required: Yes below) is missing, or its heading was changed"
    lines += [(f"\u2022 {r}", False) for r in (always, *spec.rejected_when)]  # a bullet: "-" would start a formula
    lines += [("", False), ("The columns", True)]
    row = 0
    for row, (text, bold) in enumerate(lines, start=1):
        put_cell(ws, row, 1, text).font = Font(bold=bold, size=14 if row == 1 else 11)
    head = row + 1
    for col, title in enumerate(("Column", "Required", "What it means", "Allowed values"), start=1):
        put_cell(ws, head, col, title).font = Font(bold=True)
    for r, column in enumerate(spec.columns, start=head + 1):
        allowed = ", ".join(column.choices) or ("a date, day first: dd/mm/yyyy" if column.is_date else "")
        for col, value in enumerate((column.header, "Yes" if column.required else "No", column.meaning, allowed), 1):
            put_cell(ws, r, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (60, 10, 70, 45), strict=True):
        ws.column_dimensions[letter].width = width


def _lists(wb: Workbook, spec: Spec) -> dict[str, str]:
    """A Lists sheet with one column per coded column; the range each drop-down reads, by header."""
    coded = [c for c in spec.columns if c.choices]
    if not coded:
        return {}
    lists = wb.create_sheet("Lists")
    ranges = {}
    for col, column in enumerate(coded, start=1):
        letter = get_column_letter(col)
        put_cell(lists, 1, col, column.header).font = Font(bold=True)
        for row, value in enumerate(column.choices, start=2):
            put_cell(lists, row, col, value)
        ranges[column.header] = f"Lists!${letter}$2:${letter}${len(column.choices) + 1}"
        lists.column_dimensions[letter].width = 40
    return ranges


def last_months(today: date, count: int = 12) -> list[date]:
    """The first days of the `count` complete months before `today`'s month, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(date(year, month, 1))
    return out[::-1]
