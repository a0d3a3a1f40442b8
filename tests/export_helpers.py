"""Shared by the export renderer tests (tests/test_export_renderers_*.py): one hand-made report holding
every block kind, a suppressed value, an empty cell and hostile text (`REPORT` and its blocks), and
the small readers the tests use to find a row, undo OOXML escapes, flatten extracted text and write
out how the PDF and Word documents show a value."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from qa_data.exports.model import SUPPRESSED, Chart, Column, Paragraph, Report, Section, Series, Table

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


def _row_of(ws: Worksheet, text: str) -> int:
    rows = [cell.row for cell in ws["A"] if cell.value == text]
    assert rows, f"{text!r} not in column A of {ws.title}"
    return rows[0]


def _unescape(text: str) -> str:
    """OOXML writes a carriage return as _x000D_; openpyxl leaves the escape in what it reads."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), text)


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
