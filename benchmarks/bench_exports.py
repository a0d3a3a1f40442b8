"""Export renderers: time to write a large report as .xlsx, .pdf and .docx.

Usage (from the repository root)::

    python benchmarks/bench_exports.py [--sections 8] [--rows 50] [--repeat 5]

The report has ``--sections`` sections (every other one on its own Excel sheet), each with a paragraph,
2 tables of ``--rows`` rows (a text, count, percent, number, date and RAG column; every seventh count
suppressed) and 2 charts (a 12-month line chart of 3 series with a gap, a stacked bar of 4 series over 7
service areas). Each renderer runs once untimed (imports, font caches), then ``--repeat`` times
interleaved; the script prints the median, min and max wall seconds and the output size, and checks the
workbook is inert. The issue's budget is under 3 s per format at the defaults; nothing here asserts it.

Results, 2026-11-26 (this 2-core machine, shared with other sessions; Python 3.11.7, xlsxwriter 3.3.1,
reportlab 5.1.0 without its C accelerator, python-docx 1.2.0), defaults, ``--repeat 5``:

======  ========  ===========  ========
format  median s  min-max s    size
======  ========  ===========  ========
xlsx    0.09      0.07-0.42    70 KiB
pdf     1.02      0.54-1.38    128 KiB (29 pages)
docx    0.25      0.21-0.54    64 KiB
======  ========  ===========  ========

At load average 8-9 (other sessions running tests) the medians were xlsx 0.24 s, pdf 1.6-2.1 s, docx
0.52 s. The Word table bodies are written as one XML fragment per table: through python-docx's
cell-by-cell API the docx took 2.8-3.7 s. The PDF's time is reportlab's pure-Python text measuring and
drawing (4,000 table cells).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qa_data import vocab  # noqa: E402
from qa_data.exports.docx import render_docx  # noqa: E402
from qa_data.exports.model import SUPPRESSED, Chart, Column, Paragraph, Report, Section, Series, Table  # noqa: E402
from qa_data.exports.pdf import render_pdf  # noqa: E402
from qa_data.exports.safe import workbook_problems  # noqa: E402
from qa_data.exports.xlsx import render_xlsx  # noqa: E402

MONTHS = ("Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct")
COLUMNS = (
    Column("Team"),
    Column("Audits", "count"),
    Column("% good or better", "percent"),
    Column("Mean days to feedback", "number"),
    Column("Last audit", "date"),
    Column("RAG", "rag"),
)


def big_report(sections: int = 8, rows: int = 50) -> Report:
    """A report of the given size, deterministic."""
    out = []
    for s in range(sections):
        tables = tuple(
            Table(
                columns=COLUMNS,
                rows=tuple(
                    (
                        f"{vocab.SERVICE_AREAS[r % 7]} team {r + 1}",
                        SUPPRESSED if (r + t) % 7 == 0 else 20 + (r * 37 + s) % 400,
                        round(35 + (r * 13 + s * 7 + t) % 60 + 0.25, 1),
                        round(3 + (r * 7 % 23) / 3, 2),
                        date(2026, 10, 31) - timedelta(days=(r * 5 + s) % 200),
                        ("Green", "Amber", "Red", "")[(r + s + t) % 4],
                    )
                    for r in range(rows)
                ),
                title=f"Table {t + 1} of section {s + 1}",
                note="c = 1 to 5, suppressed",
            )
            for t in range(2)
        )
        line = Chart(
            f"Good or better by month, section {s + 1}",
            "line",
            MONTHS,
            tuple(
                Series(
                    name,
                    tuple(None if (k == 2 and m == 4) else 40.0 + (m * 3 + k * 11 + s) % 50 for m in range(12)),
                    colour,
                )
                for k, (name, colour) in enumerate(
                    (("Front Door", "#1b7837"), ("Children in Care", "#f1a340"), ("Care Leavers", None))
                )
            ),
            y_title="% good or better",
            percent=True,
        )
        bars = Chart(
            f"Audits by grade and area, section {s + 1}",
            "stacked_bar",
            vocab.SERVICE_AREAS,
            tuple(
                Series(grade, tuple(float((a * 5 + g * 3 + s) % 17) for a in range(7)), vocab.GRADE_COLOURS[grade])
                for g, grade in enumerate(vocab.GRADES)
            ),
            y_title="Audits",
        )
        out.append(
            Section(
                f"Section {s + 1}",
                (Paragraph("Commentary for the section. " * 4, "commentary"), tables[0], line, tables[1], bars),
                sheet_name=f"Section {s + 1}" if s % 2 else None,
            )
        )
    return Report(
        title="Cabinet key data summary (benchmark)",
        period_label="Quarter 3 2026-27 (Oct-Dec 2026)",
        data_as_of="Audits to 31 Oct 2026; KPIs to Oct 2026",
        filters="All service areas",
        marking="OFFICIAL",
        sections=tuple(out),
        generated=date(2026, 11, 26),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, default=8)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    report = big_report(args.sections, args.rows)
    renderers: dict[str, Callable[[Report], bytes]] = {"xlsx": render_xlsx, "pdf": render_pdf, "docx": render_docx}
    sizes = {name: len(render(report)) for name, render in renderers.items()}  # warm-up, untimed
    times: dict[str, list[float]] = {name: [] for name in renderers}
    for _ in range(args.repeat):
        for name, render in renderers.items():
            start = time.perf_counter()
            render(report)
            times[name].append(time.perf_counter() - start)
    problems = workbook_problems(render_xlsx(report))
    print(f"{args.sections} sections x (2 tables of {args.rows} rows + 2 charts), {args.repeat} timed runs each")
    print(f"{'format':<6} {'median s':>9} {'min s':>7} {'max s':>7} {'size KiB':>9}")
    for name, runs in times.items():
        print(
            f"{name:<6} {statistics.median(runs):>9.3f} {min(runs):>7.3f} {max(runs):>7.3f} {sizes[name] / 1024:>9.0f}"
        )
    print("workbook problems:", problems or "none")


if __name__ == "__main__":
    main()
