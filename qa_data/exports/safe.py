"""Spreadsheet safety: text from the data must never become a formula, a link or an external reference.

**Neutralising text.** A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is what Excel, LibreOffice and CSV importers treat as the start of a formula ("CSV/formula injection",
OWASP). `neutralise` prefixes such text with a single quote ``'``. The Excel writer also stores every
string as a string (never a formula), so the quote is a second line of defence: it keeps the text inert
when a user edits the cell (F2, Enter), copies it into another sheet or saves the sheet as CSV. The cost
is that the quote is shown (``'-2+3``); we accept that for text that starts with these characters, which
is rare in this data. Numbers, dates and None are returned unchanged.

**Writing a cell.** Every writer uses the helpers here: `safe_cell_value` for any value about to go into a
spreadsheet or CSV cell (xlsxwriter's `write_string`, a CSV row), and `put_cell` for openpyxl, which
would otherwise store a str starting with ``=`` as a live formula; `put_cell` writes the neutralised
value and marks the cell as text. Ordinary text (not starting with those characters) is written
exactly as it is, so it reads back unchanged; text that does start with one reads back with its
leading quote.

**Checking a workbook.** `workbook_problems` unzips an .xlsx and lists anything that could run or reach
out: formula elements in worksheet cells, ``<hyperlink>`` elements, hyperlink or other external
relationships, external link / connection / macro parts, defined names or chart references that are not
plain cell ranges, ``HYPERLINK(`` in any formula (cell, chart, defined name, data validation,
conditional format), and cell text that starts with a formula
character. `assert_workbook_inert` raises `UnsafeWorkbook` listing them. Tests use both on every
workbook the product writes.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any, TypeVar

from defusedxml import ElementTree
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_T = TypeVar("_T")

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A plain reference: Sheet!$A$1, 'My sheet'!$A$1:$B$9, Sheet!$1:$1, or several joined by commas. Sheet
# names cannot hold [ or ], so a reference with them ([1]Sheet!A1) points into another workbook.
_REF = r"(?:'(?:[^'\[\]]|'')+'|[^\s'!(),=+\-*/&^<>\"\[\]]+)!\$?[A-Z]{0,3}\$?\d*(?::\$?[A-Z]{0,3}\$?\d*)?"
_PLAIN_REFERENCE = re.compile(rf"^{_REF}(?:,{_REF})*$")
# HYPERLINK( inside any formula-bearing element: a cell <f>, a chart <c:f>, a defined name, a data
# validation or conditional-format <formula>. (In plain text, such as a title, it is inert.)
_HYPERLINK_IN_FORMULA = re.compile(rb"<(?:\w+:)?(?:f|formula\d?|definedName)\b[^>]*>[^<]*HYPERLINK\(", re.IGNORECASE)
_RISKY_PARTS = re.compile(
    r"^xl/(externalLinks/|connections\.xml|vbaProject\.bin|activeX/|embeddings/|queryTables/)", re.IGNORECASE
)


class UnsafeWorkbook(ValueError):
    """A workbook holds a formula, a link or an external reference (see `workbook_problems`)."""


def neutralise(value: _T) -> _T | str:
    """`value` made inert for a spreadsheet: text starting with = + - @ tab or CR gets a leading ``'``;
    anything else (other text, numbers, dates, None) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def safe_cell_value(value: _T) -> _T | str:
    """The value to put in a spreadsheet or CSV cell: `neutralise`d (the one rule for every file we write)."""
    return neutralise(value)


def put_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write `value` into an openpyxl sheet so that it can never compute: text is neutralised and stored
    as a text cell (openpyxl would make a str starting with "=" a formula); numbers, dates and None as
    they are. Returns the cell, for styling."""
    cell = ws.cell(row=row, column=column)
    cell.value = safe_cell_value(value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _strings(root: object) -> list[str]:
    """The shared strings, in order (rich-text runs joined)."""
    return ["".join(t.text or "" for t in si.iter(f"{_MAIN}t")) for si in root.findall(f"{_MAIN}si")]  # type: ignore[attr-defined]


def workbook_problems(xlsx_bytes: bytes) -> list[str]:
    """Everything in the .xlsx (bytes) that could compute, link or reach outside the file, one sentence
    each with the part and cell; an empty list for an inert workbook. Raises zipfile.BadZipFile for
    bytes that are not a zip."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as archive:
        names = archive.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            shared = _strings(ElementTree.fromstring(archive.read("xl/sharedStrings.xml")))
        for index, text in enumerate(shared):
            if text.startswith(FORMULA_STARTS):
                problems.append(f"xl/sharedStrings.xml: string {index} starts with a formula character: {text[:40]!r}")
        for name in names:
            data = archive.read(name)
            if _RISKY_PARTS.match(name):
                problems.append(f"{name}: external link, connection, macro or embedded object part")
            if name.endswith(".rels"):
                for rel in ElementTree.fromstring(data).iter(f"{_RELS}Relationship"):
                    kind = rel.get("Type", "").rsplit("/", 1)[-1]
                    if kind == "hyperlink" or rel.get("TargetMode") == "External":
                        problems.append(f"{name}: {kind} relationship to {rel.get('Target')!r}")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                problems.extend(_sheet_problems(name, data))
            elif name == "xl/workbook.xml":
                for defined in ElementTree.fromstring(data).iter(f"{_MAIN}definedName"):
                    if not _PLAIN_REFERENCE.match(defined.text or ""):
                        problems.append(f"{name}: defined name {defined.get('name')!r} is {defined.text!r}")
            elif name.startswith("xl/charts/") and name.endswith(".xml"):
                for ref in ElementTree.fromstring(data).iter(f"{_CHART}f"):
                    if not _PLAIN_REFERENCE.match(ref.text or ""):
                        problems.append(f"{name}: chart reference {ref.text!r} is not a plain range")
            if name.endswith(".xml") and _HYPERLINK_IN_FORMULA.search(data):
                problems.append(f"{name}: a formula calls HYPERLINK(")
    return problems


def _sheet_problems(name: str, data: bytes) -> list[str]:
    problems = []
    root = ElementTree.fromstring(data)
    for cell in root.iter(f"{_MAIN}c"):
        ref = cell.get("r", "?")
        formula = cell.find(f"{_MAIN}f")
        if formula is not None:
            problems.append(f"{name}: cell {ref} holds a formula: {(formula.text or '')[:60]!r}")
        if cell.get("t") == "inlineStr":
            text = "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
            if text.startswith(FORMULA_STARTS):
                problems.append(f"{name}: cell {ref} text starts with a formula character: {text[:40]!r}")
    for link in root.iter(f"{_MAIN}hyperlink"):
        problems.append(f"{name}: hyperlink at {link.get('ref')}")
    return problems


def assert_workbook_inert(xlsx_bytes: bytes) -> None:
    """Raise `UnsafeWorkbook` listing every problem `workbook_problems` finds; return None if none."""
    problems = workbook_problems(xlsx_bytes)
    if problems:
        raise UnsafeWorkbook("; ".join(problems))
