"""The Excel renderer, read back with openpyxl, on the hand-made report (tests/export_helpers.py):
sheets and title block, table values and number formats, frozen headers and print settings, native
charts over their data block, and hostile text shown as text, never as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest
from export_helpers import AS_OF, HOSTILE, MARKING, REPORT, TEAM_COLUMNS, TEAM_ROWS, _row_of, _unescape

from qa_data.exports.model import Chart, Column, Report, Section, Series, Table
from qa_data.exports.safe import workbook_problems
from qa_data.exports.xlsx import render_xlsx


@pytest.fixture(scope="module")
def xlsx_bytes() -> bytes:
    return render_xlsx(REPORT)


@pytest.fixture(scope="module")
def workbook(xlsx_bytes: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes))


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
