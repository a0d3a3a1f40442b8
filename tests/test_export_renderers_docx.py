"""The Word renderer, read back with python-docx: headings, title lines and marking, tables with
repeated header rows and RAG shading, A4 pages and readable RAG cells."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from export_helpers import AS_OF, MARKING, REPORT, TEAM_COLUMNS, TEAM_ROWS, _shown

from qa_data.exports.docx import render_docx
from qa_data.exports.model import Column, Report, Section, Table


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
