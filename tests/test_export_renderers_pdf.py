"""The PDF renderer, read back with pypdf and pypdfium2: A4 pages with the marking and page numbers,
the title block, every table value, charts and legends; and the layout a reader sees (words never
broken inside a table, wide tables on landscape pages, columns sized by content), on the hand-made
report and on the Cabinet and Q&PC reports built from the sample data."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from export_helpers import AS_OF, LONG, MARKING, REPORT, TEAMS, WIDE, _flat, _shown
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from qa_data import db
from qa_data.exports import cabinet, qpc
from qa_data.exports.model import Chart, Column, Report, Section, Series, Table
from qa_data.exports.pdf import WIDTH, column_widths, format_value, render_pdf, whole_column
from qa_data.scope import Scope


@pytest.fixture(scope="module")
def pdf() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_pdf(REPORT)))


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
