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
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from qa_data import vocab
from qa_data.exports import model
from qa_data.exports.model import SUPPRESSED, Column, Report, Value

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
WIDE = A4[1] - 2 * MARGIN  # the text width of a landscape page
HEADER_FILL = colors.HexColor("#1F4E79")
ZEBRA = colors.HexColor("#F2F2F2")
PALETTE = ("#1f4e79", "#f1a340", "#7fbf7b", "#b2182b", "#5e3c99", "#4d4d4d", "#2c7fb8", "#d95f02")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CELL_FONT = 8
_KEEP_WITH_HEADING = 90.0  # points: a heading or table title needs this much room below it on its page


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4 portrait, landscape for a section with a table too wide to fit upright;
    layout in the module docstring)."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=report.title,
        subject=report.period_label,
        author="QA Insight",
        creator="QA Insight",
        keywords=report.marking,
    )
    top, bottom = MARGIN + 8 * mm, MARGIN + 6 * mm
    for name, size in (("portrait", A4), ("landscape", landscape(A4))):
        frame = Frame(MARGIN, bottom, size[0] - 2 * MARGIN, size[1] - top - bottom, 0, 0, 0, 0, id=name)
        doc.addPageTemplates(PageTemplate(id=name, frames=[frame], pagesize=size))
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
        "head-right": ParagraphStyle(
            "qa-head-r",
            parent=body,
            fontSize=_CELL_FONT,
            leading=10,
            spaceAfter=0,
            fontName="Helvetica-Bold",
            textColor=colors.white,
            alignment=TA_RIGHT,
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
    upright = True
    for section in report.sections:
        wide = any(isinstance(b, model.Table) and needs_landscape(b) for b in section.blocks)
        if wide == upright:  # turn the page: a section with a table too wide to fit upright is landscape
            upright = not wide
            story += [NextPageTemplate("portrait" if upright else "landscape"), PageBreak()]
        room = WIDTH if upright else WIDE
        # a heading never ends a page: start a new one unless there is room for it and some content
        story += [CondPageBreak(_KEEP_WITH_HEADING), Paragraph(markup(section.title), s["section"])]
        for block in section.blocks:
            if isinstance(block, model.Paragraph):
                if block.style == "heading":
                    story.append(CondPageBreak(_KEEP_WITH_HEADING))
                story.append(Paragraph(markup(block.text), s[block.style]))
            elif isinstance(block, model.Table):
                story.extend(_table(block, s, room))
            else:
                story.append(
                    KeepTogether([Paragraph(markup(block.title), s["table-title"]), _chart(block), Spacer(1, 4 * mm)])
                )
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


_PAD = 13.0  # a cell's left and right padding (6 pt each, reportlab's default), plus a point of air
_MIN_TEXT = 40.0  # no text column narrower than this, however short its words


def _text_width(text: str, bold: bool = False) -> float:
    """The widest line of `text` at the cell font size."""
    font = "Helvetica-Bold" if bold else "Helvetica"
    return max((stringWidth(line, font, _CELL_FONT) for line in text.split("\n")), default=0.0)


def _word_width(text: str, bold: bool = False) -> float:
    """The widest single word of `text`: a column narrower than this would break a word."""
    font = "Helvetica-Bold" if bold else "Helvetica"
    return max((stringWidth(word, font, _CELL_FONT) for word in text.split()), default=0.0)


def _cell_texts(table: model.Table) -> list[list[str]]:
    whole = [whole_column(table, k) for k in range(len(table.columns))]
    return [
        [
            format_value(column, value, whole[k])
            for k, (column, value) in enumerate(zip(table.columns, row, strict=True))
        ]
        for row in table.rows
    ]


def _measure(table: model.Table, texts: list[list[str]]) -> tuple[list[float], list[float]]:
    """Each column's natural width (header and cells on one line) and its narrowest acceptable width
    (figures unwrapped, text and headers wrapped at spaces but no word broken), in points."""
    natural: list[float] = []
    minimum: list[float] = []
    for col, column in enumerate(table.columns):
        cells = [row[col] for row in texts]
        head_line = _text_width(column.name, bold=True)
        head_word = _word_width(column.name, bold=True)
        longest_cell = max((_text_width(c) for c in cells), default=0.0)
        natural.append(max(head_line, longest_cell) + _PAD)
        if column.kind == "text":
            words = max((_word_width(c) for c in cells), default=0.0)
            minimum.append(max(head_word, words) + _PAD)
        else:
            minimum.append(max(head_word, longest_cell) + _PAD)
    return natural, minimum


def needs_landscape(table: model.Table) -> bool:
    """True when the table cannot fit an upright page without breaking a word or a figure."""
    return sum(_measure(table, _cell_texts(table))[1]) > WIDTH


def column_widths(table: model.Table, texts: list[list[str]], room: float = WIDTH) -> list[float]:
    """Column widths (points) sized by content, summing to at most `room`.

    Each column wants its natural width: its widest header or cell text on one line. If they all fit,
    that is what they get. Otherwise numbers, dates, RAG and "c" keep their width (a figure is never
    wrapped; a header wraps at its spaces), every text column gets at least its longest word (so words
    are never broken), and the room left over goes to the text columns, those wanting least first (a
    short column gets its whole line, the long ones share the rest), then to the others (so their
    headers unwrap). Only if even the narrowest layout does not fit are all columns shrunk alike."""
    natural, minimum = _measure(table, texts)
    if sum(natural) <= room:
        return natural
    text_cols = [k for k, c in enumerate(table.columns) if c.kind == "text"]
    widths = list(minimum)
    spare = room - sum(widths)
    if spare < 0:  # even the narrowest layout is too wide: shrink every column alike
        return [w * room / sum(widths) for w in widths]
    for k in text_cols:  # short-worded text columns get a usable minimum, when there is room for it
        bump = max(0.0, min(_MIN_TEXT, natural[k]) - widths[k])
        if bump <= spare:
            widths[k] += bump
            spare -= bump
    # text columns first (they would wrap), then any room still left lets headers unwrap
    for group in (text_cols, [k for k in range(len(widths)) if k not in text_cols]):
        # water-filling: the columns wanting least are satisfied first, the rest share what remains
        wanting = sorted((natural[k] - widths[k], k) for k in group if natural[k] > widths[k])
        for left, (want, k) in enumerate(wanting):
            share = min(want, spare / (len(wanting) - left))
            widths[k] += share
            spare -= share
        if spare <= 0:
            break
    return widths


def _table(table: model.Table, s: dict[str, ParagraphStyle], room: float = WIDTH) -> list[Flowable]:
    texts = _cell_texts(table)
    data: list[list[Any]] = [
        [Paragraph(markup(c.name), s["head" if c.kind in ("text", "rag") else "head-right"]) for c in table.columns]
    ]
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
    pdf_table = PdfTable(data, colWidths=column_widths(table, texts, room), repeatRows=1, hAlign="LEFT")
    pdf_table.setStyle(TableStyle(commands))
    out: list[Flowable] = [CondPageBreak(_KEEP_WITH_HEADING)]  # a title and its header, plus a few rows
    if table.title:
        out.append(Paragraph(markup(table.title), s["table-title"]))
    out.append(pdf_table)
    if table.note:
        out.append(Paragraph(markup(table.note), s["note"]))
    out.append(Spacer(1, 3 * mm))
    return out


# --- Charts ------------------------------------------------------------------------------------------


_AXIS_FONT = 7
_LEGEND_FONT = 7.5
_LEGEND_ROW = 11.0
_SWATCH = 7.0


def _wrap(text: str, width: float, size: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a single longer word keeps its line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", "Helvetica", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def legend_layout(names: list[str], width: float = WIDTH) -> tuple[int, float]:
    """How many legend columns fit across `width` for these series names, and each column's width:
    every name is shown in full (a swatch and its name per entry, in rows under the chart)."""
    widest = max(stringWidth(n, "Helvetica", _LEGEND_FONT) for n in names) + _SWATCH + 16
    columns = max(1, min(len(names), int(width // widest)))
    return columns, max(widest, width / columns if columns == len(names) else widest)


def _chart(chart: model.Chart) -> Drawing:
    """A chart with a value axis (0-100% for percentages, with its title), category labels wrapped at
    spaces under their own bar or point (turned to 30 degrees only if a word would not fit), and a
    legend under the plot listing every series, in as many columns as fit."""
    if not chart.categories or not chart.series:
        drawing = Drawing(WIDTH, 40)
        drawing.add(String(0, 20, "No data to chart.", fontName="Helvetica-Oblique", fontSize=9))
        return drawing
    plot: VerticalBarChart | HorizontalLineChart
    plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
    left = 45.0
    plot_width = WIDTH - left - 10
    plot_height = 150.0
    names = [_CONTROL.sub(" ", c) for c in chart.categories]
    slot = plot_width / len(names) - 4
    wrapped = [_wrap(n, slot, _AXIS_FONT) for n in names]
    turned = any(stringWidth(line, "Helvetica", _AXIS_FONT) > slot for lines in wrapped for line in lines)
    if turned:
        label_height = max(stringWidth(n, "Helvetica", _AXIS_FONT) for n in names) * 0.5 + 12
        plot.categoryAxis.categoryNames = names
        plot.categoryAxis.labels.angle = 30
        plot.categoryAxis.labels.boxAnchor = "ne"
    else:
        label_height = max(len(lines) for lines in wrapped) * (_AXIS_FONT + 1.5) + 8
        plot.categoryAxis.categoryNames = ["\n".join(lines) for lines in wrapped]
        plot.categoryAxis.labels.boxAnchor = "n"
    series_names = [_CONTROL.sub(" ", s.name) for s in chart.series]
    columns, column_width = legend_layout(series_names, WIDTH - left)
    legend_rows = -(-len(series_names) // columns)
    legend_height = legend_rows * _LEGEND_ROW + 6
    height = 14 + plot_height + label_height + legend_height
    drawing = Drawing(WIDTH, height)
    plot.x, plot.y, plot.width, plot.height = left, legend_height + label_height, plot_width, plot_height
    palette = [colors.HexColor(s.colour or PALETTE[k % len(PALETTE)]) for k, s in enumerate(chart.series)]
    values = [tuple(series.values[: len(chart.categories)]) for series in chart.series]
    # reportlab joins a line across a missing value; a series is drawn as one row per unbroken run
    # so a gap stays a gap. Each row keeps its series' colour.
    rows, row_colours = (values, palette) if chart.kind != "line" else _line_runs(values, palette)
    plot.data = rows
    plot.categoryAxis.labels.fontSize = _AXIS_FONT
    plot.categoryAxis.labels.fontName = "Helvetica"
    plot.categoryAxis.labels.leading = _AXIS_FONT + 1.5
    plot.valueAxis.labels.fontSize = _AXIS_FONT
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
        drawing.add(String(0, height - 9, _CONTROL.sub(" ", chart.y_title), fontName="Helvetica", fontSize=7.5))
    for k, (colour, name) in enumerate(zip(palette, series_names, strict=True)):
        x = left + (k % columns) * column_width
        y = legend_height - 6 - (k // columns + 1) * _LEGEND_ROW + 3
        if chart.kind == "line":
            drawing.add(Line(x, y + _SWATCH / 2, x + _SWATCH + 3, y + _SWATCH / 2, strokeColor=colour, strokeWidth=2))
        else:
            drawing.add(Rect(x, y, _SWATCH, _SWATCH, fillColor=colour, strokeColor=colour))
        drawing.add(String(x + _SWATCH + 6, y, name, fontName="Helvetica", fontSize=_LEGEND_FONT))
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
            width, height = self._pagesize
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
