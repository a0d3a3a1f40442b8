"""PDF renderer: a `model.Report` as an A4 PDF (reportlab platypus).

A title block (title, period, data as of, filters, marking), then each section: a heading, its paragraphs,
tables (header row repeated on every page a table spans, zebra rows, RAG cells coloured, suppressed
values shown as "c") and charts (reportlab.graphics: vertical bars, stacked bars or lines, a legend, a
0-100 axis for percentages). Every page carries the marking in its header and "Page n of m" with the data
as of in its footer. Text from the data is escaped for reportlab's paragraph mark-up, so "<b>" or "&" in a
team name is printed, not interpreted. Fonts are the PDF standard fonts (Helvetica): nothing is
downloaded or launched at run time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from qa_data import vocab
from qa_data.exports import model
from qa_data.exports.model import SUPPRESSED, Column, Report, Value

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
HEADER_FILL = colors.HexColor("#1F4E79")
ZEBRA = colors.HexColor("#F2F2F2")
PALETTE = ("#1f4e79", "#f1a340", "#7fbf7b", "#b2182b", "#5e3c99", "#4d4d4d", "#2c7fb8", "#d95f02")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CELL_FONT = 8
_CHAR_WIDTH = 4.8  # Helvetica 8 pt, an average character (bold headers a little wider)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4 portrait; layout in the module docstring)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * mm,
        bottomMargin=MARGIN + 6 * mm,
        title=report.title,
        subject=report.period_label,
        author="QA Insight",
        creator="QA Insight",
        keywords=report.marking,
    )
    doc.build(_story(report), canvasmaker=_numbered_canvas(report))
    return buffer.getvalue()


def markup(text: str) -> str:
    """Text made safe for reportlab's paragraph mark-up: & < > escaped, line breaks kept, tabs and
    other control characters shown as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", " ").replace("\t", " ")
    return escape(_CONTROL.sub(" ", text)).replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("qa-body", parent=base["BodyText"], fontSize=10, leading=13, spaceAfter=4)
    return {
        "title": ParagraphStyle("qa-title", parent=base["Title"], fontSize=18, leading=22, alignment=0),
        "meta": ParagraphStyle("qa-meta", parent=body, spaceAfter=1),
        "marking": ParagraphStyle(
            "qa-marking", parent=body, fontName="Helvetica-Bold", textColor=colors.HexColor("#B2182B")
        ),
        "section": ParagraphStyle("qa-section", parent=base["Heading1"], fontSize=14, leading=17, spaceBefore=10),
        "heading": ParagraphStyle("qa-heading", parent=base["Heading2"], fontSize=11.5, leading=14, spaceBefore=6),
        "body": body,
        "commentary": ParagraphStyle(
            "qa-commentary", parent=body, leftIndent=8, borderPadding=4, textColor=colors.HexColor("#1F3864")
        ),
        "note": ParagraphStyle("qa-note", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#595959")),
        "cell": ParagraphStyle("qa-cell", parent=body, fontSize=_CELL_FONT, leading=10, spaceAfter=0),
        "cell-right": ParagraphStyle(
            "qa-cell-r", parent=body, fontSize=_CELL_FONT, leading=10, spaceAfter=0, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "qa-head",
            parent=body,
            fontSize=_CELL_FONT,
            leading=10,
            spaceAfter=0,
            fontName="Helvetica-Bold",
            textColor=colors.white,
        ),
        "table-title": ParagraphStyle("qa-ttitle", parent=body, fontName="Helvetica-Bold", spaceBefore=4, spaceAfter=3),
    }


def _story(report: Report) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [
        Paragraph(markup(report.title), s["title"]),
        Paragraph(f"<b>Period:</b> {markup(report.period_label)}", s["meta"]),
        Paragraph(f"<b>Data as of:</b> {markup(report.data_as_of)}", s["meta"]),
        Paragraph(f"<b>Filters:</b> {markup(report.filters)}", s["meta"]),
        Paragraph(markup(report.marking), s["marking"]),
        Spacer(1, 4 * mm),
    ]
    for section in report.sections:
        story.append(Paragraph(markup(section.title), s["section"]))
        for block in section.blocks:
            if isinstance(block, model.Paragraph):
                story.append(Paragraph(markup(block.text), s[block.style]))
            elif isinstance(block, model.Table):
                story.extend(_table(block, s))
            else:
                story.append(KeepTogether([Paragraph(markup(block.title), s["table-title"]), _chart(block)]))
    return story


# --- Tables ------------------------------------------------------------------------------------------


def format_value(column: Column, value: Value, whole: bool = True) -> str:
    """A value as the PDF and Word documents show it, matching the Excel number formats: counts 1,234;
    percent 12.3; number 1,234 or 1,234.5 (`whole` says whether the column is all whole numbers);
    dates dd/mm/yyyy; None blank; text (and "c") as it is."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if column.kind == "percent":
            return f"{_half_up(value, '0.1'):.1f}"
        if column.kind == "count" or (isinstance(value, int) and column.kind in ("number", "text")) or whole:
            return f"{_half_up(value, '1'):,.0f}"
        return f"{_half_up(value, '0.1'):,.1f}"
    return str(value)


def _half_up(value: float, step: str) -> Decimal:
    """Round as Excel's number formats do (half away from zero, on the shortest decimal form), so
    2.25 reads 2.3 in all three formats, not Python's 2.2."""
    return Decimal(repr(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP)


def whole_column(table: model.Table, col: int) -> bool:
    """True when a column's numbers are all whole (shown without a decimal)."""
    return all(not isinstance(row[col], float) or float(row[col]).is_integer() for row in table.rows)  # type: ignore[arg-type]


def _widths(table: model.Table, texts: list[list[str]]) -> list[float]:
    wanted = []
    for col, column in enumerate(table.columns):
        longest = max([len(column.name) * 1.1, *(len(row[col]) for row in texts)], default=4)
        wanted.append(max(34.0, min(longest, 70) * _CHAR_WIDTH + 10))
    total = sum(wanted)
    if total <= WIDTH:
        return wanted
    text_cols = [k for k, c in enumerate(table.columns) if c.kind == "text"] or list(range(len(wanted)))
    fixed = sum(w for k, w in enumerate(wanted) if k not in text_cols)
    room = max(WIDTH - fixed, 40.0 * len(text_cols))
    flexible = sum(wanted[k] for k in text_cols)
    scaled = [w * room / flexible if k in text_cols else w for k, w in enumerate(wanted)]
    if sum(scaled) > WIDTH:  # still too wide: shrink every column alike
        scaled = [w * WIDTH / sum(scaled) for w in scaled]
    return scaled


def _table(table: model.Table, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    whole = [whole_column(table, k) for k in range(len(table.columns))]
    texts = [
        [
            format_value(column, value, whole[k])
            for k, (column, value) in enumerate(zip(table.columns, row, strict=True))
        ]
        for row in table.rows
    ]
    data: list[list[Any]] = [[Paragraph(markup(c.name), s["head"]) for c in table.columns]]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("FONTSIZE", (0, 0), (-1, -1), _CELL_FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#BFBFBF")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if len(table.rows) > 1:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]))
    for col, column in enumerate(table.columns):
        if column.kind not in ("text", "rag"):
            commands.append(("ALIGN", (col, 1), (col, -1), "RIGHT"))
    for r, (row, shown) in enumerate(zip(table.rows, texts, strict=True), start=1):
        cells: list[Any] = []
        for col, (column, value, text) in enumerate(zip(table.columns, row, shown, strict=True)):
            if column.kind == "rag" and value in vocab.RAG_COLOURS:
                commands.append(("BACKGROUND", (col, r), (col, r), colors.HexColor(vocab.RAG_COLOURS[str(value)])))
                if value != "Amber":
                    commands.append(("TEXTCOLOR", (col, r), (col, r), colors.white))
                cells.append(text)
            elif column.kind == "text" and value != SUPPRESSED:
                cells.append(Paragraph(markup(text), s["cell"]))
            else:  # numbers, dates, "c": plain strings are drawn as they are (no mark-up)
                cells.append(_CONTROL.sub(" ", text))
        data.append(cells)
    pdf_table = PdfTable(data, colWidths=_widths(table, texts), repeatRows=1, hAlign="LEFT")
    pdf_table.setStyle(TableStyle(commands))
    out: list[Flowable] = []
    if table.title:
        out.append(Paragraph(markup(table.title), s["table-title"]))
    out.append(pdf_table)
    if table.note:
        out.append(Paragraph(markup(table.note), s["note"]))
    out.append(Spacer(1, 3 * mm))
    return out


# --- Charts ------------------------------------------------------------------------------------------


def _chart(chart: model.Chart) -> Drawing:
    height = 210.0
    drawing = Drawing(WIDTH, height)
    if not chart.categories or not chart.series:
        drawing.add(String(0, height / 2, "No data to chart.", fontName="Helvetica-Oblique", fontSize=9))
        return drawing
    plot: VerticalBarChart | HorizontalLineChart
    plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
    plot.x, plot.y, plot.width, plot.height = 45, 65, WIDTH - 60, height - 80
    palette = [colors.HexColor(s.colour or PALETTE[k % len(PALETTE)]) for k, s in enumerate(chart.series)]
    values = [tuple(series.values[: len(chart.categories)]) for series in chart.series]
    # reportlab joins a line across a missing value; a series is drawn as one row per unbroken run
    # so a gap stays a gap. Each row keeps its series' colour.
    rows, row_colours = (values, palette) if chart.kind != "line" else _line_runs(values, palette)
    plot.data = rows
    names = [_CONTROL.sub(" ", c) for c in chart.categories]
    plot.categoryAxis.categoryNames = names
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.fontName = "Helvetica"
    if len(names) > 6 or max(len(n) for n in names) > 10:
        plot.categoryAxis.labels.angle = 30
        plot.categoryAxis.labels.boxAnchor = "ne"
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.visibleGrid = True
    plot.valueAxis.gridStrokeColor = colors.HexColor("#D9D9D9")
    plot.valueAxis.valueMin = 0
    if chart.percent:
        plot.valueAxis.valueMax = 100
        plot.valueAxis.valueStep = 20
        plot.valueAxis.labelTextFormat = "%d%%"
    if isinstance(plot, VerticalBarChart):
        if chart.kind == "stacked_bar":
            plot.categoryAxis.style = "stacked"
        plot.barSpacing = 1
        plot.groupSpacing = 6
        for k, colour in enumerate(palette):
            plot.bars[k].fillColor = colour
            plot.bars[k].strokeColor = colour
    else:
        for k, colour in enumerate(row_colours):
            plot.lines[k].strokeColor = colour
            plot.lines[k].strokeWidth = 1.8
            plot.lines[k].symbol = makeMarker("FilledCircle", size=3.5, fillColor=colour, strokeColor=colour)
    drawing.add(plot)
    if chart.y_title:
        drawing.add(String(0, height - 8, _CONTROL.sub(" ", chart.y_title), fontName="Helvetica", fontSize=7))
    legend = Legend()
    legend.x, legend.y = 45, 12
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontSize = 7
    legend.dx = legend.dy = 7
    legend.deltax = 10
    legend.colorNamePairs = [
        (colour, _CONTROL.sub(" ", s.name)) for colour, s in zip(palette, chart.series, strict=True)
    ]
    drawing.add(legend)
    return drawing


def _line_runs(
    values: list[tuple[float | None, ...]], palette: list[Any]
) -> tuple[list[tuple[float | None, ...]], list[Any]]:
    rows: list[tuple[float | None, ...]] = []
    row_colours: list[Any] = []
    for series, colour in zip(values, palette, strict=True):
        start = None
        for k, value in enumerate([*series, None]):
            if value is not None and start is None:
                start = k
            elif value is None and start is not None:
                rows.append(tuple(v if start <= j < k else None for j, v in enumerate(series)))
                row_colours.append(colour)
                start = None
    return rows or [tuple(None for _ in values[0])], row_colours or palette[:1]


# --- Pages -------------------------------------------------------------------------------------------


def _numbered_canvas(report: Report) -> Callable[..., Canvas]:
    """A canvas class that holds every page until the end, then stamps the marking and "Page n of m"
    (the page count is only known once the whole story is laid out)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._stamp(number, total)
                super().showPage()
            super().save()

        def _stamp(self, number: int, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont("Helvetica-Bold", 9)
            self.setFillColor(colors.HexColor("#B2182B"))
            self.drawCentredString(width / 2, height - MARGIN + 2, _CONTROL.sub(" ", report.marking))
            self.setFillColor(colors.HexColor("#404040"))
            self.setFont("Helvetica", 8)
            self.drawString(MARGIN, MARGIN - 2, _CONTROL.sub(" ", f"Data as of: {report.data_as_of}")[:110])
            self.drawRightString(width - MARGIN, MARGIN - 2, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas
