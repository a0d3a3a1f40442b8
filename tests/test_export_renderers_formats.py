"""Every renderer (Excel, PDF and Word) on edge cases: empty sections, tables and charts, long
paragraphs, and any text at all (hypothesis) in every place a renderer writes text, staying inert."""

from __future__ import annotations

import io

import docx
import openpyxl
import pypdf
from export_helpers import AS_OF, _flat, _row_of, _unescape
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_data.exports.docx import render_docx
from qa_data.exports.model import Chart, Column, Paragraph, Report, Section, Series, Table
from qa_data.exports.pdf import render_pdf
from qa_data.exports.safe import neutralise, workbook_problems
from qa_data.exports.xlsx import render_xlsx

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
