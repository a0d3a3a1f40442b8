"""The Excel, PDF and Word renderers, read back with openpyxl, pypdf and python-docx, on one hand-made
report holding every block kind, a suppressed value, an empty cell and hostile text; and the
spreadsheet-safety checks (`safe`) on our own workbooks, the upload template and hostile ones."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdf
import pypdfium2
import pytest
import xlsxwriter
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from loaders.templates import audit_template_bytes
from qa_data import db
from qa_data.exports import cabinet, qpc
from qa_data.exports.docx import render_docx
from qa_data.exports.model import SUPPRESSED, Chart, Column, Paragraph, Report, Section, Series, Table
from qa_data.exports.pdf import WIDTH, column_widths, format_value, render_pdf, whole_column
from qa_data.exports.safe import UnsafeWorkbook, assert_workbook_inert, neutralise, workbook_problems
from qa_data.exports.xlsx import render_xlsx
from qa_data.scope import Scope

HOSTILE = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "\rx")
MARKING = "OFFICIAL-SENSITIVE: restricted, not for publication"
AS_OF = "Audits to 31 Oct 2026; KPIs to Oct 2026"

TEAM_COLUMNS = (
    Column("Team"),
    Column("Audits", "count"),
    Column("% good or better", "percent"),
    Column("Mean days", "number"),
    Column("Last audit", "date"),
    Column("RAG", "rag"),
)
TEAM_ROWS: tuple[tuple[Any, ...], ...] = (
    ("Front Door East", 1234, 66.7, 4.5, date(2026, 10, 3), "Green"),
    ("Front Door West", SUPPRESSED, SUPPRESSED, 2.25, date(2026, 9, 30), "Amber"),
    ("Care Leavers <b>16+</b> & more", 0, 0.0, 12.0, None, "Red"),
    ("No audits yet", None, None, None, None, ""),
    *((text, 10 + k, 50.0 + k, 1.5 * k, date(2026, 8, k + 1), "Green") for k, text in enumerate(HOSTILE)),
)
TEAMS = Table(columns=TEAM_COLUMNS, rows=TEAM_ROWS, title="Audits by team", note="c = 1 to 5, suppressed")
TREND = Chart(
    "Good or better by month",
    "line",
    ("Aug", "Sep", "Oct"),
    (Series("Front Door", (61.0, None, 70.5), "#1b7837"), Series("Children in Care", (40.0, 45.0, 60.0), "#f1a340")),
    y_title="% good or better",
    percent=True,
)
GRADES = Chart(
    "Audits by grade",
    "stacked_bar",
    ("Q1", "Q2", "Q3"),
    (Series("Good", (10.0, 12.0, 9.0), "#7fbf7b"), Series("Requires improvement", (6.0, 7.0, 8.0), "#f1a340")),
    y_title="Audits",
)
VOLUMES = Chart("Audits by area", "bar", ("Front Door", "Permanence"), (Series("Audits", (40.0, 25.0)),))
LONG = Table(
    columns=(Column("Child"), Column("Visits", "count")),
    rows=tuple((f"Child {k:03d}", 100 + k) for k in range(90)),
    title="Visits by child",
)
WIDE = Table(columns=tuple(Column(f"Month {k}", "count") for k in range(1, 11)), rows=((*range(11, 21),),))
REPORT = Report(
    title="Quarterly Q&PC pack",
    period_label="Quarter 2 2026-27 (Jul-Sep 2026)",
    data_as_of=AS_OF,
    filters="All service areas & teams",
    marking=MARKING,
    sections=(
        Section(
            "Overview",
            (Paragraph("Audits rose <sharply> & steadily."), TEAMS, Paragraph("Source: audit returns.", "note"), TREND),
        ),
        Section(
            "Grades",
            (Paragraph("Grade mix", "heading"), GRADES, VOLUMES, WIDE),
            sheet_name="Grades: by [quarter]",
        ),
        Section("Free text", (*(Paragraph(text, "commentary") for text in HOSTILE), LONG), sheet_name="Free text"),
    ),
    generated=date(2026, 11, 26),
)


# --- Spreadsheet safety ------------------------------------------------------------------------------


def test_neutralise() -> None:
    assert [neutralise(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert neutralise("Front Door") == "Front Door"
    assert neutralise(" =1") == " =1"  # a leading space is not a formula
    assert neutralise(-2) == -2 and neutralise(3.5) == 3.5 and neutralise(None) is None
    assert neutralise(date(2026, 1, 1)) == date(2026, 1, 1)


def _openpyxl_bytes(fill: Any) -> bytes:
    wb = openpyxl.Workbook()
    fill(wb, wb.active)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_workbook_problems_finds_formulas_links_and_live_text() -> None:
    def hostile(wb: Any, ws: Any) -> None:
        ws["A1"] = '=HYPERLINK("http://x","y")'  # openpyxl writes this as a live formula
        ws["A2"] = "plain"
        ws["A2"].hyperlink = "http://example.invalid/"
        ws["A3"].value = "@SUM(A1)"
        ws["A3"].data_type = "s"

    problems = workbook_problems(_openpyxl_bytes(hostile))
    assert any("cell A1 holds a formula" in p for p in problems)
    assert any("hyperlink at A2" in p for p in problems)
    assert any("hyperlink relationship to 'http://example.invalid/'" in p for p in problems)
    assert any("starts with a formula character: '@SUM(A1)'" in p for p in problems)
    with pytest.raises(UnsafeWorkbook, match="holds a formula"):
        assert_workbook_inert(_openpyxl_bytes(hostile))


def test_xlsxwriter_defaults_would_write_live_formulas() -> None:
    # Why the renderer turns XlsxWriter's conversions off: by default "=..." becomes a formula and
    # "http://..." a hyperlink.
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write(0, 0, '=HYPERLINK("http://x","y")')
    ws.write(1, 0, "http://example.invalid/")
    wb.close()
    problems = workbook_problems(buffer.getvalue())
    assert any("cell A1 holds a formula" in p for p in problems)
    assert any("hyperlink at A2" in p for p in problems)


def test_external_link_parts_are_reported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_openpyxl_bytes(lambda wb, ws: None))) as src, zipfile.ZipFile(buffer, "w") as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    assert workbook_problems(buffer.getvalue()) == [
        "xl/externalLinks/externalLink1.xml: external link, connection, macro or embedded object part"
    ]


def test_defined_names_must_be_plain_ranges() -> None:
    def names(wb: Any, ws: Any) -> None:
        ws.title = "Équipe 1"
        for name, text in (("plain", "'Équipe 1'!$A$1:$B$4"), ("elsewhere", "[1]Sheet1!$A$1"), ("call", "NOW()")):
            wb.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(name, attr_text=text)

    assert workbook_problems(_openpyxl_bytes(names)) == [
        "xl/workbook.xml: defined name 'elsewhere' is '[1]Sheet1!$A$1'",
        "xl/workbook.xml: defined name 'call' is 'NOW()'",
    ]


def test_audit_return_template_is_inert() -> None:
    assert workbook_problems(audit_template_bytes()) == []


# --- Excel -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx_bytes() -> bytes:
    return render_xlsx(REPORT)


@pytest.fixture(scope="module")
def workbook(xlsx_bytes: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes))


def _row_of(ws: Worksheet, text: str) -> int:
    rows = [cell.row for cell in ws["A"] if cell.value == text]
    assert rows, f"{text!r} not in column A of {ws.title}"
    return rows[0]


def test_xlsx_is_inert(xlsx_bytes: bytes) -> None:
    assert workbook_problems(xlsx_bytes) == []


def test_xlsx_sheets_and_title_block(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["Summary", "Grades by quarter", "Free text"]
    ws = workbook["Summary"]
    assert [ws.cell(row=r, column=1).value for r in range(1, 6)] == [
        "Quarterly Q&PC pack",
        "Period: Quarter 2 2026-27 (Jul-Sep 2026)",
        f"Data as of: {AS_OF}",
        "Filters: All service areas & teams",
        MARKING,
    ]
    assert ws["A1"].font.b
    assert workbook.properties.title == "Quarterly Q&PC pack"
    grades = workbook["Grades by quarter"]
    assert (grades["A1"].value, grades["A2"].value) == ("Grades", MARKING)


def test_xlsx_table_values_and_formats(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Summary"]
    head = _row_of(ws, "Team")
    assert ws.cell(row=head - 1, column=1).value == "Audits by team"
    header = [ws.cell(row=head, column=c) for c in range(1, 7)]
    assert [c.value for c in header] == [c.name for c in TEAM_COLUMNS]
    assert all(c.font.b and c.fill.fgColor.rgb == "FF1F4E79" for c in header)
    for r, expected in enumerate(TEAM_ROWS, start=head + 1):
        got = [ws.cell(row=r, column=c).value for c in range(1, 7)]
        got[0] = _unescape(got[0])
        want = [
            "'" + expected[0] if expected[0] in HOSTILE else expected[0],
            *expected[1:4],
            datetime(expected[4].year, expected[4].month, expected[4].day) if expected[4] else None,
            expected[5] or None,
        ]
        assert got == want, r
    first = head + 1
    assert [ws.cell(row=first, column=c).number_format for c in range(2, 6)] == [
        "#,##0",
        "0.0",
        "#,##0.0",
        "dd/mm/yyyy",
    ]
    suppressed = ws.cell(row=first + 1, column=2)
    assert (suppressed.value, suppressed.data_type, suppressed.alignment.horizontal) == ("c", "s", "right")
    assert ws.cell(row=first, column=6).fill.fgColor.rgb == "FF1B7837"  # Green
    assert ws.cell(row=first + 1, column=6).fill.fgColor.rgb == "FFF1A340"  # Amber
    assert ws.cell(row=first + 2, column=6).fill.fgColor.rgb == "FFB2182B"  # Red
    assert ws.cell(row=first + len(TEAM_ROWS), column=1).value == "c = 1 to 5, suppressed"
    for r in range(first + 4, first + 4 + len(HOSTILE)):
        assert ws.cell(row=r, column=1).data_type == "s"
    assert ws.column_dimensions["A"].width >= len("Care Leavers <b>16+</b> & more")


def test_xlsx_frozen_header_and_print_settings(workbook: openpyxl.Workbook) -> None:
    for name, first_header in (("Summary", "Team"), ("Grades by quarter", "Month 1"), ("Free text", "Child")):
        ws = workbook[name]
        head = _row_of(ws, first_header)
        assert ws.freeze_panes == f"A{head + 1}", name
        assert ws.print_title_rows == f"${head}:${head}", name
        assert ws.page_setup.paperSize == 9
        # One page wide (1 is the default, so the attribute is left out), any number of pages tall.
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddHeader.center.text == f"&B{MARKING}"
        assert ws.oddFooter.right.text == "Page &P of &N"
        assert ws.oddFooter.left.text == f"Data as of: {AS_OF}"
    assert workbook["Summary"].page_setup.orientation == "portrait"
    assert workbook["Grades by quarter"].page_setup.orientation == "landscape"  # 10 columns


def test_xlsx_charts_are_native_and_read_the_data_block(workbook: openpyxl.Workbook, xlsx_bytes: bytes) -> None:
    ws = workbook["Summary"]
    top = _row_of(ws, "Good or better by month") + 1
    block = [[ws.cell(row=r, column=c).value for c in range(1, 4)] for r in range(top, top + 4)]
    assert block == [
        ["Category", "Front Door", "Children in Care"],
        ["Aug", 61.0, 40.0],
        ["Sep", None, 45.0],
        ["Oct", 70.5, 60.0],
    ]
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [archive.read(n).decode() for n in charts]
    assert len(charts) == 3
    line = next(x for x in xml if "<c:lineChart>" in x)
    assert f"<c:f>Summary!$A${top + 1}:$A${top + 3}</c:f>" in line
    assert f"<c:f>Summary!$B${top + 1}:$B${top + 3}</c:f>" in line
    assert f"<c:f>Summary!$C${top + 1}:$C${top + 3}</c:f>" in line
    assert 'val="1B7837"' in line and 'val="F1A340"' in line
    assert '<c:max val="100"/><c:min val="0"/>' in line  # percent axis 0-100 (a gap is Excel's default)
    stacked = next(x for x in xml if '<c:grouping val="stacked"/>' in x)
    assert "'Grades by quarter'!$B$" in stacked and 'val="7FBF7B"' in stacked
    assert len(workbook["Summary"]._charts) == 1 and len(workbook["Grades by quarter"]._charts) == 2


def _unescape(text: str) -> str:
    """OOXML writes a carriage return as _x000D_; openpyxl leaves the escape in what it reads."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def test_xlsx_hostile_text_is_shown_as_text(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Free text"]
    texts = [_unescape(ws.cell(row=r, column=1).value) for r in range(4, 4 + len(HOSTILE))]
    assert texts == ["'" + text for text in HOSTILE]
    assert ws.cell(row=4, column=1).data_type == "s"


def test_xlsx_hostile_names_do_not_become_formulas() -> None:
    hostile = Report(
        title='=HYPERLINK("http://x","y")',
        period_label="-1",
        data_as_of="@now",
        filters="+1",
        marking="=cmd",
        sections=(
            Section(
                "=A1",
                (
                    Table((Column("=1+2"), Column("+n", "count")), (("=2", 7),), title="@t", note="-n"),
                    Chart("=Summary!A1", "bar", ("=1",), (Series("=B2", (1.0,)),), y_title="=C3"),
                ),
                sheet_name="=Sheet",
            ),
        ),
    )
    data = render_xlsx(hostile)
    assert workbook_problems(data) == []
    ws = openpyxl.load_workbook(io.BytesIO(data))["=Sheet"]
    assert [ws.cell(row=r, column=1).value for r in (1, 2, 4, 5, 6, 7)] == [
        "'=A1",
        "'=cmd",
        "'@t",
        "'=1+2",
        "'=2",
        "'-n",
    ]


# --- PDF ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_pdf(REPORT)))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _shown(column: Column, value: Any) -> str:
    """How the PDF and Word documents show a value (written out here, not taken from the renderer)."""
    if value is None:
        return ""
    if value == SUPPRESSED:
        return "c"
    if column.kind == "count":
        return f"{value:,}"
    if column.kind in ("percent", "number"):  # one decimal, half away from zero as Excel shows it
        return f"{Decimal(repr(value)).quantize(Decimal('0.1'), ROUND_HALF_UP):,}"
    if column.kind == "date":
        return value.strftime("%d/%m/%Y")
    return str(value)


def test_pdf_pages_are_a4_with_marking_and_numbers(pdf: pypdf.PdfReader) -> None:
    pages = len(pdf.pages)
    assert pages >= 3  # the 90-row table runs over a page
    assert pdf.metadata is not None and pdf.metadata.title == "Quarterly Q&PC pack"
    for number, page in enumerate(pdf.pages, start=1):
        assert abs(float(page.mediabox.width) - 595.28) < 0.5 and abs(float(page.mediabox.height) - 841.89) < 0.5
        text = page.extract_text()
        assert MARKING in text, number
        assert f"Page {number} of {pages}" in text
        assert f"Data as of: {AS_OF}" in text


def test_pdf_title_block(pdf: pypdf.PdfReader) -> None:
    first = _flat(pdf.pages[0].extract_text())
    for line in (
        "Quarterly Q&PC pack",
        "Period: Quarter 2 2026-27 (Jul-Sep 2026)",
        f"Data as of: {AS_OF}",
        "Filters: All service areas & teams",
        "Audits rose <sharply> & steadily.",  # escaped, not read as mark-up
    ):
        assert line in first


def test_pdf_every_table_value_is_shown(pdf: pypdf.PdfReader) -> None:
    text = _flat(" ".join(page.extract_text() for page in pdf.pages))
    for table in (TEAMS, LONG, WIDE):
        for row in table.rows:
            shown = [_shown(c, v) for c, v in zip(table.columns, row, strict=True)]
            # A row reads left to right; hostile text is shown as written (tab/CR as a space).
            assert _flat(" ".join(s for s in shown if s)) in text, row
    assert "Front Door West c c 2.3 30/09/2026 Amber"  # 2.25 as Excel rounds it in text
    assert text.count("Child Visits") >= 2  # the header row repeats on the next page


def test_pdf_charts_are_drawn_with_legend_and_percent_axis(pdf: pypdf.PdfReader) -> None:
    text = pdf.pages[0].extract_text() + pdf.pages[1].extract_text()
    for label in ("Good or better by month", "Front Door", "Children in Care", "100%", "Requires improvement", "Q3"):
        assert label in text


# --- Word --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document() -> Any:
    return docx.Document(io.BytesIO(render_docx(REPORT)))


def test_docx_headings_lines_and_marking(document: Any) -> None:
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Quarterly Q&PC pack")
    assert [text for style, text in paragraphs[1:5]] == [
        "Period: Quarter 2 2026-27 (Jul-Sep 2026)",
        f"Data as of: {AS_OF}",
        "Filters: All service areas & teams",
        MARKING,
    ]
    assert [text for style, text in paragraphs if style == "Heading 1"] == ["Overview", "Grades", "Free text"]
    assert ("Heading 2", "Grade mix") in paragraphs
    assert ("Normal", "Audits rose <sharply> & steadily.") in paragraphs
    assert document.sections[0].header.paragraphs[0].text == MARKING
    assert document.core_properties.title == "Quarterly Q&PC pack"


def test_docx_tables(document: Any) -> None:
    tables = document.tables
    assert len(tables) == 6  # teams, trend, grades, volumes, wide, long
    teams = tables[0]
    assert teams.style.name == "Light Grid Accent 1"
    assert [c.text for c in teams.rows[0].cells] == [c.name for c in TEAM_COLUMNS]
    assert teams.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row, expected in zip(teams.rows[1:], TEAM_ROWS, strict=True):
        want = [_shown(c, v) for c, v in zip(TEAM_COLUMNS, expected, strict=True)]
        want[0] = want[0].replace("\r", "\n")
        assert [c.text for c in row.cells] == want
    shading = teams.rows[1].cells[5]._tc.tcPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "1B7837"
    trend = tables[1]
    assert [[c.text for c in row.cells] for row in trend.rows] == [
        ["Category", "Front Door", "Children in Care"],
        ["Aug", "61.0", "40.0"],
        ["Sep", "", "45.0"],
        ["Oct", "70.5", "60.0"],
    ]
    assert [c.text for c in tables[3].rows[1].cells] == ["Front Door", "40"]
    assert len(tables[5].rows) == 91


# --- Edge cases --------------------------------------------------------------------------------------

LONG_TEXT = "Audits found plans were clear and children's views were recorded. " * 6


def test_empty_blocks_and_long_paragraphs_render_in_every_format() -> None:
    report = Report(
        title="Empty pieces",
        period_label="Quarter 1",
        data_as_of=AS_OF,
        filters="Front Door",
        marking="OFFICIAL",
        sections=(
            Section("Nothing here", ()),
            Section(
                "Empty",
                (
                    Paragraph(LONG_TEXT, "commentary"),
                    Table((Column("Team"), Column("Audits", "count")), (), title="No rows"),
                    Chart("No categories", "bar", (), ()),
                ),
            ),
        ),
    )
    data = render_xlsx(report)
    assert workbook_problems(data) == []
    ws = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    row = _row_of(ws, LONG_TEXT)
    assert f"A{row}:F{row}" in {str(r) for r in ws.merged_cells.ranges}  # wrapped across the columns
    assert ws.cell(row=row, column=1).alignment.wrap_text
    # 396 characters (x1.1 for proportional text) over 6 columns of ~50 characters' width: 9 lines of 15 pt.
    assert len(LONG_TEXT) == 396 and ws.row_dimensions[row].height == 135
    assert ws.cell(row=_row_of(ws, "No categories") + 1, column=1).value == "No data to chart."
    assert ws.freeze_panes == f"A{_row_of(ws, 'Team') + 1}"

    text = _flat(pypdf.PdfReader(io.BytesIO(render_pdf(report))).pages[0].extract_text())
    assert "Nothing here" in text and "No rows Team Audits" in text and "No data to chart." in text
    assert _flat(LONG_TEXT) in text

    document = docx.Document(io.BytesIO(render_docx(report)))
    assert [len(t.rows) for t in document.tables] == [1, 1]  # header rows only
    assert LONG_TEXT in [p.text for p in document.paragraphs]


def _everywhere(text: str) -> Report:
    """A report with `text` in every place a renderer writes text."""
    return Report(
        title=text,
        period_label=text,
        data_as_of=text,
        filters=text,
        marking=text,
        sections=(
            Section(
                text,
                (
                    Paragraph(text),
                    Table((Column(text), Column(text, "count")), ((text, 7),), title=text, note=text),
                    Chart(text, "line", (text,), (Series(text, (1.0,)),), y_title=text),
                ),
                sheet_name=text,
            ),
        ),
    )


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=40))
def test_any_text_renders_in_every_format_and_stays_inert(text: str) -> None:
    data = render_xlsx(_everywhere(text))
    assert workbook_problems(data) == []
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[1]
    # Rows: section title, marking, blank, paragraph, table title (none when empty), header, the row.
    row = 7 if text else 6
    if "_x" not in text:  # a literal "_x0041_" is read back by openpyxl as an escape
        assert _unescape(ws.cell(row=row, column=1).value or "") == neutralise(text)
    assert ws.cell(row=row, column=2).value == 7
    assert render_pdf(_everywhere(text)).startswith(b"%PDF")
    assert docx.Document(io.BytesIO(render_docx(_everywhere(text)))).tables[0].rows[1].cells[1].text == "7"


def test_word_pages_are_a4_and_rag_cells_are_readable() -> None:
    report = Report(
        title="T", period_label="Jul-Sep 2026", data_as_of="31 Oct 2026", filters="All service areas",
        marking="OFFICIAL",
        sections=(Section("S", (Table((Column("KPI"), Column("RAG", "rag")), (("Re-referrals", "Red"),)),)),),
    )
    document = docx.Document(io.BytesIO(render_docx(report)))
    page = document.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm), round(page.left_margin.mm)) == (210, 297, 20)
    cell = document.tables[0].rows[1].cells[1]
    run = cell.paragraphs[0].runs[0]
    assert cell.text == "Red" and run.bold and str(run.font.color.rgb) == "FFFFFF"


# --- PDF layout: what a reader sees on the page -------------------------------------------------------

_ORDINARY = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%()'/&:-]*")


def _pages(pdf_bytes: bytes) -> list[tuple[float, float, list[str]]]:
    """Each page's width, height and lines of text (pdfium's reading of the page, as a user copies it)."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    pages = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage().get_text_range()
        pages.append((width, height, [line.strip() for line in text.replace("\r", "").split("\n")]))
    return pages


@pytest.fixture(scope="module")
def sample_reports(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """The Cabinet summary and the Q&PC pack built from the sample data, as a director would get them."""
    path = tmp_path_factory.mktemp("layout") / "sample.duckdb"
    shutil.copyfile(sample_db, path)
    connection = db.connect(path)
    everyone = Scope.everything(user="analyst")
    try:
        return {
            "cabinet": cabinet.build(connection, scope=everyone, quarter=date(2026, 8, 15)),
            "qpc": qpc.build(connection, scope=everyone, quarter=date(2026, 8, 15)),
        }
    finally:
        connection.close()


@pytest.mark.parametrize("name", ["cabinet", "qpc", "hand-made"])
def test_pdf_table_words_are_never_broken(name: str, sample_reports: dict[str, Report]) -> None:
    """Every ordinary word of every table header and cell, and every figure, is printed whole on one
    line: columns are wide enough that nothing is wrapped inside a word (no "Re-refer / rals")."""
    report = REPORT if name == "hand-made" else sample_reports[name]
    printed = {word for _, _, lines in _pages(render_pdf(report)) for line in lines for word in line.split()}
    checked = 0
    for section in report.sections:
        for table in (b for b in section.blocks if isinstance(b, Table)):
            for column in table.columns:
                for word in column.name.split():
                    assert not _ORDINARY.fullmatch(word) or word in printed, (table.title, column.name, word)
            whole = [whole_column(table, k) for k in range(len(table.columns))]
            for row in table.rows:  # (this test is about layout; the figures' format is checked above)
                for k, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                    for word in format_value(column, value, whole[k]).split():
                        if _ORDINARY.fullmatch(word):
                            assert word in printed, (table.title, column.name, value)
                            checked += 1
    assert checked > 100


def test_pdf_wide_table_gets_a_landscape_page(sample_reports: dict[str, Report]) -> None:
    """The Q&PC re-audit table (nine columns) is printed on a landscape page; the rest stay upright."""
    pages = _pages(render_pdf(sample_reports["qpc"]))
    for width, height, lines in pages:
        if "Re-audits: grades before and after" in lines:
            assert width > height
        else:
            assert width < height


def test_pdf_table_columns_are_sized_by_content() -> None:
    """A short text column is printed on one line, a figure column is as narrow as its figures, and the
    long text column takes the rest of the page width and wraps at spaces."""
    examples = "Direct work is creative and age-appropriate, using tools the child enjoys. " * 3
    table = Table(
        columns=(Column("Theme"), Column("Audits", "count"), Column("Examples")),
        rows=(("Voice of the child", 25, examples.strip()), ("Management oversight", 1234, "Drift in planning.")),
        title="Strengths",
    )
    widths = column_widths(table, [["Voice of the child", "25", examples], ["Management oversight", "1,234", "x"]])
    theme, audits, long = widths
    assert sum(widths) == pytest.approx(WIDTH)
    assert stringWidth("Management oversight", "Helvetica", 8) + 12 <= theme < 120
    assert stringWidth("Audits", "Helvetica-Bold", 8) + 12 <= audits < 50
    assert long > 2 * (theme + audits)
    report = Report("Layout", "Q2", AS_OF, "All", MARKING, (Section("Findings", (table,)),))
    (_, _, lines), *_ = _pages(render_pdf(report))
    assert any(line.startswith("Voice of the child 25 Direct work is creative and age-appropriate,") for line in lines)
    assert any(line.startswith("Management oversight 1,234 Drift in planning.") for line in lines)


EIGHT = Chart(
    "% of audits good or better",
    "line",
    ("Apr-Jun 2025", "Jul-Sep 2025", "Oct-Dec 2025", "Jan-Mar 2026"),
    tuple(
        Series(name, (50.0 + k, 60.0, 55.0 - k, 70.0))
        for k, name in enumerate(
            (
                "Front Door",
                "Children in Need and Child Protection",
                "Vulnerable Adolescents",
                "Children in Care",
                "Permanence",
                "Care Leavers",
                "Quality Assurance Unit",
                "All areas",
            )
        )
    ),
    y_title="% good or better",
    percent=True,
)


def test_pdf_chart_legend_shows_every_series_inside_the_page() -> None:
    """All eight series of the Q&PC trend chart are named in its legend, each whole, inside the page
    margins and not overlapping another; the axis has its title and 0-100% labels."""
    report = Report("Trends", "Q2", AS_OF, "All", MARKING, (Section("Grade trends", (EIGHT,)),))
    document = pypdfium2.PdfDocument(render_pdf(report))
    page = document[0]
    width, _ = page.get_size()
    text = page.get_textpage()
    boxes = []
    for series in EIGHT.series:
        searcher = text.search(series.name, match_case=True, match_whole_word=True)
        found = searcher.get_next()
        assert found is not None, series.name
        start, count = found
        chars = [text.get_charbox(k) for k in range(start, start + count)]
        left, bottom = min(c[0] for c in chars), min(c[1] for c in chars)
        right, top = max(c[2] for c in chars), max(c[3] for c in chars)
        assert 15 * mm <= left and right <= width - 15 * mm, series.name
        assert top - bottom < 12, series.name  # one line
        boxes.append((left, bottom, right, top))
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    lines = _pages(render_pdf(report))[0][2]
    assert "% good or better" in lines
    printed = " ".join(lines)
    assert {"0%", "20%", "100%"} <= set(printed.split())
    assert all(quarter in printed for quarter in EIGHT.categories)
