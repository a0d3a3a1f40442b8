"""Word renderer: a `model.Report` as an editable .docx (python-docx), for the ILACS self-evaluation
evidence, which officers edit before it goes out.

The title, then lines for the period, data as of and filters; the marking in the page header of every
page (and under the title); a Heading 1 per section; paragraphs in Word's own styles; tables in the
built-in "Light Grid Accent 1" style with a bold header row that repeats across pages, RAG cells shaded,
values formatted as in the PDF (`pdf.format_value`). Charts are not drawn: native Word charts are out of
scope (python-docx cannot write them), so each chart appears as its title and a compact table of its
values (categories down, series across), which keeps the evidence editable and accessible.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Literal
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable

from qa_data import vocab
from qa_data.exports import model
from qa_data.exports.model import SUPPRESSED, Column, Report
from qa_data.exports.pdf import format_value, whole_column

TABLE_STYLE = "Light Grid Accent 1"
# XML 1.0 forbids most control characters; Word would refuse the file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPH_STYLE = {"body": "Normal", "commentary": "Intense Quote", "note": "Normal", "heading": "Heading 2"}


def clean(text: str) -> str:
    """Text Word can hold: control characters (other than tab and line breaks) become spaces and a
    carriage return a line break."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes (layout in the module docstring)."""
    document = Document()
    properties = document.core_properties
    properties.title = clean(report.title)
    properties.subject = clean(report.period_label)
    properties.category = clean(report.marking)
    properties.comments = clean(f"Data as of: {report.data_as_of}. Filters: {report.filters}.")
    properties.author = "QA Insight"
    properties.created = datetime(report.generated.year, report.generated.month, report.generated.day)

    page = document.sections[0]  # A4, as councils print (python-docx's default template is US Letter)
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = Mm(20)
    header = document.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(clean(report.marking))
    run.bold = True
    run.font.color.rgb = RGBColor(0xB2, 0x18, 0x2B)

    document.add_heading(clean(report.title), level=0)
    for label, value in (
        ("Period", report.period_label),
        ("Data as of", report.data_as_of),
        ("Filters", report.filters),
    ):
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(clean(value))
    marking = document.add_paragraph()
    marking.add_run(clean(report.marking)).bold = True

    for section in report.sections:
        document.add_heading(clean(section.title), level=1)
        for block in section.blocks:
            if isinstance(block, model.Paragraph):
                paragraph = document.add_paragraph(clean(block.text), style=_PARAGRAPH_STYLE[block.style])
                if block.style == "note":
                    for note_run in paragraph.runs:
                        note_run.italic = True
                        note_run.font.size = Pt(9)
            elif isinstance(block, model.Table):
                _table(document, block)
            else:
                _chart_table(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _caption(document: object, text: str) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.add_run(clean(text)).bold = True


_WHITE_BOLD = '<w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'  # readable on a RAG fill


def _write_table(
    document: object, columns: tuple[Column, ...], rows: list[list[str]], rag: list[list[str]]
) -> DocxTable:
    table: DocxTable = document.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]
    table.style = TABLE_STYLE
    head = table.rows[0]
    _repeat_header(head)
    for cell, column in zip(head.cells, columns, strict=True):
        cell.text = clean(column.name)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # The body rows are written as WordprocessingML in one parse: python-docx's cell-by-cell API
    # costs ~1 ms a cell, which made a large pack take seconds.
    widths = [grid.get(qn("w:w")) for grid in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    right = [c.kind not in ("text", "rag") for c in columns]
    xml = [f"<w:tbl {nsdecls('w')}>"]
    for values, colours in zip(rows, rag, strict=True):
        xml.append("<w:tr>")
        for k, text in enumerate(values):
            shade = (
                f'<w:shd w:val="clear" w:color="auto" w:fill="{colours[k].lstrip("#").upper()}"/>' if colours[k] else ""
            )
            align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right[k] or text == SUPPRESSED else ""
            runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in clean(text).split("\n"))
            xml.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[k]}" w:type="dxa"/>{shade}</w:tcPr>'
                f"<w:p>{align}<w:r>{_WHITE_BOLD if colours[k] else ''}{runs}</w:r></w:p></w:tc>"
            )
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    for row in list(parse_xml("".join(xml))):
        table._tbl.append(row)
    return table


def _table(document: object, table: model.Table) -> None:
    if table.title:
        _caption(document, table.title)
    whole = [whole_column(table, k) for k in range(len(table.columns))]
    texts = [
        [format_value(c, v, whole[k]) for k, (c, v) in enumerate(zip(table.columns, row, strict=True))]
        for row in table.rows
    ]
    rag = [
        [vocab.RAG_COLOURS.get(str(v), "") if c.kind == "rag" else "" for c, v in zip(table.columns, row, strict=True)]
        for row in table.rows
    ]
    _write_table(document, table.columns, texts, rag)
    if table.note:
        note = document.add_paragraph()  # type: ignore[attr-defined]
        run = note.add_run(clean(table.note))
        run.italic = True
        run.font.size = Pt(9)


def _chart_table(document: object, chart: model.Chart) -> None:
    """A chart as a table of its values: a row per category, a column per series."""
    _caption(document, chart.title)
    kind: Literal["percent", "number"] = "percent" if chart.percent else "number"
    columns = (Column("Category"), *(Column(s.name, kind) for s in chart.series))
    rows = []
    for i, category in enumerate(chart.categories):
        row = [category]
        for series in chart.series:
            value = series.values[i] if i < len(series.values) else None
            row.append(format_value(Column("", kind), value, whole=value is None or float(value).is_integer()))
        rows.append(row)
    _write_table(document, columns, rows, [[""] * len(columns) for _ in rows])
    if chart.y_title:
        note = document.add_paragraph()  # type: ignore[attr-defined]
        note.add_run(clean(f"Values: {chart.y_title}")).italic = True


def _repeat_header(row: object) -> None:
    """Mark a table row as a header row, repeated at the top of each page the table spans."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
