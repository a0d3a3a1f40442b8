"""Excel renderer: a `model.Report` as an .xlsx workbook (XlsxWriter).

Layout. The first sheet, "Summary", holds the title, period, data as of, filters and marking, then every
section without a `sheet_name`; each section with a `sheet_name` starts its own sheet (its title and
the marking on top). Tables have a bold, filled header row; the first table's header on each sheet is
frozen and repeated on printed pages. Number formats follow the column kind (count ``#,##0``, percent
``0.0`` of values 0-100, number ``#,##0`` or ``#,##0.0``, date ``dd/mm/yyyy``); a suppressed ``"c"`` is
text, right-aligned; RAG cells are filled with `vocab.RAG_COLOURS`. Charts are native Excel charts
whose series read a small data block written (as values) on the same sheet, above the chart.

Safety. The workbook is opened with ``strings_to_formulas``, ``strings_to_urls`` and
``strings_to_numbers`` off and every string goes through `safe.neutralise` and ``write_string``, so no
text from the data becomes a formula, a link or a number (see `safe`). The only formulas in the file are
chart series ranges and the print-title range.

Printing: A4, landscape when a sheet is wider than 7 columns, fitted to one page wide, the marking in
the page header and "Page n of m" with the data as of in the footer.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from qa_data import vocab
from qa_data.exports.model import SUPPRESSED, Chart, Column, Paragraph, Report, Section, Table, Value
from qa_data.exports.safe import neutralise

HEADER_FILL = "#1F4E79"
PALETTE = ("#1f4e79", "#f1a340", "#7fbf7b", "#b2182b", "#5e3c99", "#4d4d4d", "#2c7fb8", "#d95f02")
LANDSCAPE_COLUMNS = 7
MAX_WIDTH = 60
WRAP_OVER = 80  # paragraphs longer than this (characters) wrap across the sheet's columns
_WRAPPED = ("body", "note", "commentary")
_TEXT_LOOK: dict[str, dict[str, Any]] = {
    "commentary": {"font_color": "#1F3864"},
    "note": {"italic": True, "font_color": "#595959"},
}
CHART_ROWS = 16  # the chart's height in rows (288 px at 20 px a row = 14.4 rows, plus a margin)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot hold. XlsxWriter escapes control characters in cell text (_x001B_) but not in
# sheet names, document properties, chart titles or page headers, where they would break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LOOKS_LIKE_REFERENCE = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")  # XlsxWriter's test in Chart._process_names
_RAG_TEXT = {"Green": "#FFFFFF", "Amber": "#000000", "Red": "#FFFFFF"}


def render_xlsx(report: Report) -> bytes:
    """The report as .xlsx bytes (layout, formats and safety in the module docstring)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "dd/mm/yyyy",
        },
    )
    workbook.set_properties(
        {
            "title": _plain(report.title),
            "subject": _plain(report.period_label),
            "category": _plain(report.marking),
            "comments": _plain(f"Data as of: {report.data_as_of}. Filters: {report.filters}."),
            "created": datetime(report.generated.year, report.generated.month, report.generated.day),
        }
    )
    writer = _Writer(workbook, report)
    summary = writer.sheet("Summary")
    for line in _title_lines(report):
        summary.text(line[0], line[1])
    summary.row += 1
    for section in report.sections:
        if section.sheet_name is None:
            summary.section(section)
    for section in report.sections:
        if section.sheet_name is not None:
            sheet = writer.sheet(section.sheet_name)
            sheet.text(section.title, "title")
            sheet.text(report.marking, "marking")
            sheet.row += 1
            sheet.section(section, heading=False)
    for sheet in writer.sheets:
        sheet.finish()
    workbook.close()
    return buffer.getvalue()


def _title_lines(report: Report) -> list[tuple[str, str]]:
    return [
        (report.title, "title"),
        (f"Period: {report.period_label}", "body"),
        (f"Data as of: {report.data_as_of}", "body"),
        (f"Filters: {report.filters}", "body"),
        (report.marking, "marking"),
    ]


def _plain(text: str) -> str:
    """Text without characters XML cannot hold (each becomes a space), for places outside cells."""
    return _NOT_XML.sub(" ", text)


def _cut(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-16 units (Excel counts a character outside the
    basic plane, such as an emoji, as two)."""
    used = 0
    for k, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:k]
    return text


def _chart_label(text: str) -> str:
    """Text for a chart or axis title. XlsxWriter reads any title that looks like ``Sheet!A1`` as a
    cell reference; a zero-width space after the ``!`` keeps such text literal and looks the same."""
    text = _plain(str(neutralise(text)))
    return text.replace("!", "!\u200b") if _LOOKS_LIKE_REFERENCE.match(text) else text


def _header_text(text: str) -> str:
    """Text for an Excel page header/footer: '&' is a control character there, doubled to print."""
    return _plain(text[:100]).replace("&", "&&")


class _Writer:
    """Workbook-wide state: formats (one object per style) and unique sheet names."""

    def __init__(self, workbook: Workbook, report: Report) -> None:
        self.workbook = workbook
        self.report = report
        self.sheets: list[_Sheet] = []
        self._names: set[str] = set()
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}

    def format(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(props)
        return self._formats[key]

    def sheet(self, wanted: str) -> _Sheet:
        base = _cut(" ".join(_SHEET_NAME_BAD.sub(" ", _plain(wanted)).split()).strip("'"), 31).strip() or "Sheet"
        name, n = base, 2
        while name.lower() in self._names:
            suffix = f" ({n})"
            name, n = _cut(base, 31 - len(suffix)) + suffix, n + 1
        self._names.add(name.lower())
        sheet = _Sheet(self, self.workbook.add_worksheet(name), name)
        self.sheets.append(sheet)
        return sheet


class _Sheet:
    def __init__(self, writer: _Writer, ws: Worksheet, name: str) -> None:
        self.writer = writer
        self.ws = ws
        self.name = name
        self.row = 0
        self.widths: dict[int, float] = {}
        self.first_header: int | None = None
        self.chart_count = 0
        self.long_text: list[tuple[int, str, str]] = []

    # --- Cells -------------------------------------------------------------------------------------

    def _fit(self, col: int, text: str) -> None:
        longest = max((len(line) for line in text.split("\n")), default=0)  # a wrapped cell: its longest line
        self.widths[col] = max(self.widths.get(col, 8.0), min(longest * 1.1 + 2, MAX_WIDTH))

    def text(self, text: str, style: str) -> None:
        fmt = {
            "title": self.writer.format(bold=True, font_size=14),
            "heading": self.writer.format(bold=True, font_size=12),
            "subheading": self.writer.format(bold=True),
            "marking": self.writer.format(bold=True, font_color="#B2182B"),
            "note": self.writer.format(**_TEXT_LOOK["note"]),
            "commentary": self.writer.format(**_TEXT_LOOK["commentary"]),
            "body": self.writer.format(),
        }[style]
        if style in _WRAPPED and (len(text) > WRAP_OVER or "\n" in text):
            self.long_text.append((self.row, text, style))  # written in finish(), once widths are known
        else:
            self.ws.write_string(self.row, 0, neutralise(text), fmt)
        self.row += 1

    def section(self, section: Section, *, heading: bool = True) -> None:
        if heading:
            self.text(section.title, "heading")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.text(block.text, {"heading": "subheading"}.get(block.style, block.style))
            elif isinstance(block, Table):
                self.table(block)
            else:
                self.chart(block)
        self.row += 1

    def table(self, table: Table) -> None:
        if table.title:
            self.text(table.title, "subheading")
        header = self.writer.format(bold=True, font_color="#FFFFFF", bg_color=HEADER_FILL, text_wrap=True, valign="top")
        for col, column in enumerate(table.columns):
            self.ws.write_string(self.row, col, neutralise(column.name), header)
            self._fit(col, column.name)
        if self.first_header is None:
            self.first_header = self.row
        self.row += 1
        whole = [_all_whole(table, k) for k in range(len(table.columns))]
        for values in table.rows:
            for col, (column, value) in enumerate(zip(table.columns, values, strict=True)):
                self.cell(col, column, value, whole[col])
            self.row += 1
        if table.note:
            self.text(table.note, "note")
        self.row += 1

    def cell(self, col: int, column: Column, value: Value, whole: bool) -> None:
        fmt = self.writer.format
        if value is None or value == "":
            return
        if value == SUPPRESSED:
            self.ws.write_string(self.row, col, SUPPRESSED, fmt(align="right"))
            return
        if column.kind == "rag" and isinstance(value, str):
            colour = vocab.RAG_COLOURS.get(value)
            style = fmt(bg_color=colour, font_color=_RAG_TEXT[value], bold=True) if colour else fmt()
            self.ws.write_string(self.row, col, neutralise(value), style)
            self._fit(col, value)
            return
        if isinstance(value, date):
            self.ws.write_datetime(self.row, col, value, fmt(num_format="dd/mm/yyyy"))
            self._fit(col, "00/00/0000")
            return
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = {
                "count": "#,##0",
                "percent": "0.0",
                "number": "#,##0" if whole else "#,##0.0",
            }.get(column.kind, "General")
            if isinstance(value, float) and not math.isfinite(value):
                return
            self.ws.write_number(self.row, col, value, fmt(num_format=number))
            self._fit(col, f"{value:,.1f}")
            return
        text = str(value)
        self.ws.write_string(self.row, col, neutralise(text), fmt(align="right") if column.kind != "text" else fmt())
        self._fit(col, text)

    # --- Charts ------------------------------------------------------------------------------------

    def chart(self, chart: Chart) -> None:
        """A native chart over a data block: categories in column A, one column per series."""
        self.text(chart.title, "subheading")
        if not chart.categories or not chart.series:
            self.text("No data to chart.", "note")
            return
        fmt = self.writer.format
        header = fmt(bold=True, bottom=1)
        number = fmt(num_format="0.0" if chart.percent else "#,##0.##")
        top = self.row
        self.ws.write_string(top, 0, "Category", header)
        for k, series in enumerate(chart.series, start=1):
            self.ws.write_string(top, k, neutralise(series.name), header)
            self._fit(k, series.name)
        for i, category in enumerate(chart.categories, start=1):
            self.ws.write_string(top + i, 0, neutralise(category))
            self._fit(0, category)
            for k, series in enumerate(chart.series, start=1):
                value = series.values[i - 1] if i - 1 < len(series.values) else None
                if value is not None and math.isfinite(value):
                    self.ws.write_number(top + i, k, value, number)
        last = top + len(chart.categories)
        kind = {"bar": {"type": "column"}, "stacked_bar": {"type": "column", "subtype": "stacked"}}.get(
            chart.kind, {"type": "line"}
        )
        native = self.writer.workbook.add_chart(kind)
        if native is None:  # xlsxwriter returns None only for an unknown chart type
            raise ValueError(f"unknown chart kind {chart.kind!r}")
        for k, series in enumerate(chart.series, start=1):
            colour = series.colour or PALETTE[(k - 1) % len(PALETTE)]
            look: dict[str, Any] = (
                {"line": {"color": colour, "width": 2.25}, "marker": {"type": "circle", "fill": {"color": colour}}}
                if chart.kind == "line"
                else {"fill": {"color": colour}, "border": {"color": colour}}
            )
            native.add_series(
                {
                    "name": [self.name, top, k],
                    "categories": [self.name, top + 1, 0, last, 0],
                    "values": [self.name, top + 1, k, last, k],
                    **look,
                }
            )
        native.set_title({"name": _chart_label(chart.title), "name_font": {"size": 12}})
        y_axis: dict[str, Any] = {"major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
        if chart.y_title:
            y_axis["name"] = _chart_label(chart.y_title)
        if chart.percent:
            y_axis.update({"min": 0, "max": 100, "major_unit": 20, "num_format": "0"})
        native.set_y_axis(y_axis)
        native.set_legend({"position": "bottom"})
        native.show_blanks_as("gap")
        native.set_size({"width": 640, "height": 300})
        self.ws.insert_chart(last + 2, 0, native, {"object_position": 1})
        self.row = last + 2 + CHART_ROWS
        self.chart_count += 1

    def _wrap_long_text(self) -> None:
        """Long paragraphs span the sheet's used columns, wrapped, with a row tall enough to show them
        (Excel does not size merged rows itself), so they print inside the page width."""
        span = max(max(self.widths, default=0) + 1, 6)
        chars = sum(self.widths.get(col, 8.43) for col in range(span))
        for row, text, style in self.long_text:
            fmt = self.writer.format(text_wrap=True, valign="top", **_TEXT_LOOK.get(style, {}))
            self.ws.merge_range(row, 0, row, span - 1, "", fmt)
            self.ws.write_string(row, 0, neutralise(text), fmt)
            lines = sum(max(1, math.ceil(len(part) * 1.1 / chars)) for part in text.split("\n"))
            self.ws.set_row(row, 15 * lines)

    # --- Page setup --------------------------------------------------------------------------------

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, width)
        self._wrap_long_text()
        report = self.writer.report
        if self.first_header is not None:
            self.ws.freeze_panes(self.first_header + 1, 0)
            self.ws.repeat_rows(self.first_header)
        self.ws.set_paper(9)  # A4
        if len(self.widths) > LANDSCAPE_COLUMNS or sum(self.widths.values()) > 110:
            self.ws.set_landscape()
        else:
            self.ws.set_portrait()
        self.ws.fit_to_pages(1, 0)
        self.ws.set_header(f"&C&B{_header_text(report.marking)}")
        self.ws.set_footer(f"&L{_header_text('Data as of: ' + report.data_as_of)}&RPage &P of &N")


def _all_whole(table: Table, col: int) -> bool:
    return all(not isinstance(row[col], float) or float(row[col]).is_integer() for row in table.rows)  # type: ignore[arg-type]
