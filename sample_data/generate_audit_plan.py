"""Generate Northbridge's audit plan (framework Appendix B): two 18-month cycles.

Usage: ``python sample_data/generate_audit_plan.py [--out DIR]`` (default: ``sample_data/audit_plan``).

- ``2025-04_to_2026-09_audit_plan.xlsx``: cycle 1, April 2025 to September 2026;
- ``2026-10_to_2028-03_audit_plan.xlsx``: cycle 2, October 2026 to March 2028.

The plan rows are derived from the committed sample audit returns (``sample_data/audits``, read
through the audit loader): each month's activities, grouped by service area, activity type and
theme, give what was planned, so planned against completed tells the story of
``sample_data/README.md``:

- most areas deliver about what they planned (planned = completed, one more now and then);
- the Front Door delivers in full (planned = completed, always);
- **Children in Care under-delivers**: it planned about 40% more than it did, and two of its planned
  themes (disabled children in care; matching and placement decisions) were never audited;
- cycle 2's months after October 2026 (the last month with audits) repeat cycle 1's plan month for
  month, plus themes no audit has covered yet (e.g. Vulnerable Adolescents "Trafficking and modern
  slavery" in January 2027), so section 6 coverage has visible gaps.

"Scope area" names the framework section 6 item a theme tests (``qa_data.framework_scope``). Cycle 1 is
kept tidily (Excel dates, canonical names); cycle 2 is typed more loosely (months as text, "Full audit",
"Dip", "Obs", "LAC", "CP", "Leaving care", "IRO"), as a hand-kept plan is. Leads are role titles,
never names. Deterministic: a fixed seed, fixed workbook timestamps, byte-identical reruns.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import _FixedTimeZip  # noqa: E402 - the audit generator's reproducible zip writer

from qa_data import framework_scope, periods, vocab  # noqa: E402

CYCLES = (
    (1, dt.date(2025, 4, 1), "2025-04_to_2026-09_audit_plan.xlsx"),
    (2, dt.date(2026, 10, 1), "2026-10_to_2028-03_audit_plan.xlsx"),
)
LAST_AUDITED = dt.date(2026, 10, 1)  # the last month of the sample audit returns
CIC = "Children in Care"
# Children in Care's share of its plan delivered, per group: between these two.
CIC_DELIVERED = (0.5, 0.75)
OTHERS_EXTRA = 0.12  # chance another area planned one more than it did
# Planned themes no audit ever had: (month, area, activity type, theme, planned).
UNDONE = (
    # Children in Care, cycle 1: planned, never done.
    (dt.date(2025, 11, 1), CIC, "case_audit", "Experiences of disabled children in care", 3),
    (dt.date(2026, 2, 1), CIC, "observation", "Matching and placement decisions", 2),
    (dt.date(2026, 6, 1), CIC, "dip_sample", "Experiences of disabled children in care", 4),
    # Cycle 2, still to come: section 6 items no audit has tested yet.
    (dt.date(2027, 1, 1), "Vulnerable Adolescents", "case_audit", "Trafficking and modern slavery", 3),
    (dt.date(2027, 2, 1), "Front Door", "dip_sample", "Emergency action and police protection", 5),
    (dt.date(2027, 2, 1), CIC, "case_audit", "Experiences of disabled children in care", 3),
    (dt.date(2027, 3, 1), "Children in Need and Child Protection", "case_audit", "Protection of disabled children", 4),
    (dt.date(2027, 4, 1), "Permanence", "dip_sample", "Connected (kinship) care", 4),
    (dt.date(2027, 5, 1), "Care Leavers", "case_audit", "Transition to adulthood", 3),
    (dt.date(2027, 6, 1), "Quality Assurance Unit", "observation", "Children's Rights Service and advocacy", 2),
    (dt.date(2027, 9, 1), "Vulnerable Adolescents", "dip_sample", "Radicalisation (Prevent)", 3),
)
SHORT = {
    "Front Door": "Front Door",
    "Children in Need and Child Protection": "CIN/CP",
    "Vulnerable Adolescents": "Adolescents",
    "Children in Care": "Children in Care",
    "Permanence": "Permanence",
    "Care Leavers": "Care Leavers",
    "Quality Assurance Unit": "QAU",
}
# How cycle 2 spells areas and activity types (stored canonical by the loader).
LOOSE_AREA = {
    "Children in Need and Child Protection": "CP",
    CIC: "LAC",
    "Care Leavers": "Leaving care",
    "Quality Assurance Unit": "IRO",
}
LOOSE_TYPE = {"case_audit": "Full audit", "dip_sample": "Dip", "observation": "Obs"}
HEADERS = {
    1: ["Month", "Service area", "Activity type", "Theme", "Scope area", "Number planned", "Lead"],
    2: ["Planned month", "Service", "Audit type", "Audit theme", "Framework scope", "No. planned", "Lead officer"],
}
Row = tuple[dt.date, str, str, str, int]  # month, area, activity type, theme, planned


def audit_groups(con: duckdb.DuckDBPyConnection | None = None) -> Counter[tuple[dt.date, str, str, str]]:
    """Completed activities per (month, area, activity type, theme) in the sample audit returns,
    read through the audit loader (into `con`, or a scratch database that loads them)."""
    if con is None:
        from loaders.audits import load_audits
        from loaders.samples import sample_files
        from loaders.workbook import Source
        from qa_data import db

        con = db.connect(":memory:")
        for path in sample_files(HERE):
            load_audits(con, Source.from_path(path), loaded_by="generate_audit_plan", today=dt.date(2026, 11, 26))
    rows = con.execute(
        "select date_trunc('month', audit_date)::date, service_area, activity_type, theme, count(*) "
        "from audits group by all order by all"
    ).fetchall()
    return Counter({(m, a, t, th): n for m, a, t, th, n in rows})


def plan_rows(done: Counter[tuple[dt.date, str, str, str]], rng: random.Random) -> list[Row]:
    """Every plan row of both cycles, in month, area, activity type and theme order."""
    first = CYCLES[0][1]
    planned: dict[tuple[dt.date, str, str, str], int] = {}
    for (month, area, activity, theme), n in sorted(done.items()):
        if not first <= month <= LAST_AUDITED:
            continue
        if area == CIC:
            count = max(n + 1, round(n / rng.uniform(*CIC_DELIVERED)))
        elif area == "Front Door":
            count = n
        else:
            count = n + (1 if rng.random() < OTHERS_EXTRA else 0)
        planned[(month, area, activity, theme)] = count
    # Cycle 2 after the last audited month repeats cycle 1, month for month (18 months on).
    for (month, area, activity, theme), count in list(planned.items()):
        later = periods.add_months(month, 18)
        if LAST_AUDITED < later <= periods.add_months(CYCLES[1][1], 17):
            planned[(later, area, activity, theme)] = count
    for month, area, activity, theme, count in UNDONE:
        planned[(month, area, activity, theme)] = count
    order = {a: i for i, a in enumerate(vocab.SERVICE_AREAS)}
    types = list(vocab.ACTIVITY_TYPES)
    keys = sorted(planned, key=lambda k: (k[0], order[k[1]], types.index(k[2]), k[3]))
    return [(*k, planned[k]) for k in keys]


def lead(area: str, activity: str) -> str:
    """The role leading an activity (framework section 4: local activity led by a Head of Service)."""
    if activity == "observation":
        return "Principal Social Worker"
    return f"{'QAL' if activity == 'case_audit' else 'HoS'} {SHORT[area]}"


def write_plan(path: Path, cycle: int, start: dt.date, rows: list[Row]) -> None:
    end = periods.add_months(start, 17)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Audit plan {start:%Y}-{end:%y}"
    ws.append(
        [f"Northbridge Children's Services: Comprehensive Audit Plan, cycle {cycle} ({start:%B %Y} to {end:%B %Y})"]
    )
    ws["A1"].font = Font(bold=True, size=14)
    agreed = periods.add_months(start, -1)
    ws.append([f"Agreed at the Quality & Performance Circle, {agreed:%B %Y}; reviewed quarterly."])
    ws.append([])
    ws.append(HEADERS[cycle])
    fill = PatternFill("solid", fgColor="D9E1F2")
    for cell in ws[4]:
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    previous = None
    for month, area, activity, theme, count in rows:
        if not start <= month <= end:
            continue
        if previous is not None and month != previous:
            ws.append([])  # a blank line between months, as the plan is kept
        previous = month
        scope = framework_scope.scope_items_for_theme(area, theme)
        if cycle == 1:
            cells: list[object] = [month, area, vocab.ACTIVITY_TYPES[activity], theme]
        else:
            cells = [f"{month:%B %Y}", LOOSE_AREA.get(area, area), LOOSE_TYPE[activity], theme]
        ws.append([*cells, scope[0] if scope else None, count, lead(area, activity)])
        if cycle == 1:
            ws.cell(row=ws.max_row, column=1).number_format = "mmm-yy"
    for letter, width in zip("ABCDEFG", (14, 36, 16, 40, 48, 10, 26), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A5"
    created = dt.datetime(agreed.year, agreed.month, 20, 16, 0)
    wb.properties.creator = wb.properties.lastModifiedBy = "Northbridge QA unit"
    wb.properties.created, wb.properties.modified = created, created
    buf = BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    archive.stamp = (created.year, created.month, created.day, 16, 0, 0)
    ExcelWriter(wb, archive).save()
    path.write_bytes(buf.getvalue())


def build(con: duckdb.DuckDBPyConnection | None = None) -> tuple[Counter[tuple[dt.date, str, str, str]], list[Row]]:
    """The completed activities (see `audit_groups`) and the plan rows derived from them."""
    done = audit_groups(con)
    return done, plan_rows(done, random.Random(20250301))


def generate(out: Path, con: duckdb.DuckDBPyConnection | None = None) -> list[Path]:
    """Write both plans into `out` (from the audits in `con`, else the committed sample returns);
    returns their paths, cycle 1 first."""
    out.mkdir(parents=True, exist_ok=True)
    _, rows = build(con)
    for cycle, start, name in CYCLES:
        write_plan(out / name, cycle, start, rows)
    return [out / name for _, _, name in CYCLES]


def summary(done: Counter[tuple[dt.date, str, str, str]], rows: list[Row]) -> list[tuple[str, int, int]]:
    """(area, planned, completed) in cycle 1, April 2025 to September 2026."""
    first, last = CYCLES[0][1], periods.add_months(CYCLES[0][1], 17)
    return [
        (
            area,
            sum(r[4] for r in rows if r[1] == area and first <= r[0] <= last),
            sum(n for (m, a, _, _), n in done.items() if a == area and first <= m <= last),
        )
        for area in vocab.SERVICE_AREAS
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "audit_plan")
    args = parser.parse_args(argv)
    done, rows = build()
    args.out.mkdir(parents=True, exist_ok=True)
    for cycle, start, name in CYCLES:
        write_plan(args.out / name, cycle, start, rows)
    print(f"wrote {len(CYCLES)} audit plans ({len(rows)} rows) to {args.out}")
    print("cycle 1 (Apr 2025 - Sep 2026), planned and completed:")
    for area, planned, completed in summary(done, rows):
        print(f"  {area:40} planned {planned:4}  completed {completed:4}  ({100 * completed / planned:.0f}%)")


if __name__ == "__main__":
    main()
