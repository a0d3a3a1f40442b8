"""Generate Northbridge's KPI extracts (24 months, both layouts) and a comparator file.

Usage: ``python sample_data/generate_kpis.py [--out DIR]`` (default: ``sample_data/kpis``).

The same story as the audit returns (``sample_data/README.md``): the Front Door improves (fewer
re-referrals, more assessments on time), Children in Care slips (visits and health checks fall,
more placement moves). Deterministic: fixed seeds, fixed workbook timestamps, byte-identical reruns.

- ``2024-11_to_2025-10_kpi_extract.xlsx``: wide, council-wide, one column per month headed by a real
  Excel date, under a title row, as a performance team's monthly pack;
- ``2025-11_to_2026-10_kpi_extract.csv``: long (KPI, Period as ``Nov-25``, Service area, Value,
  Numerator, Denominator), council-wide rows and each KPI's service-area row;
- ``comparators.csv``: statistical neighbours, region and England for 2023-24 and 2024-25.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import csv
import datetime as dt
import random
import sys
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import _FixedTimeZip  # noqa: E402 - the audit generator's reproducible zip writer

HERE = Path(__file__).resolve().parent
MONTHS = [dt.date(2024 + (10 + k) // 12, (10 + k) % 12 + 1, 1) for k in range(24)]  # Nov 2024 .. Oct 2026

# code: (service area, first value, last value, noise, denominator): a straight line plus noise.
STORY: dict[str, tuple[str | None, float, float, float, int]] = {
    "assessments_45wd": ("Front Door", 74, 91, 2.0, 160),  # Front Door improving
    "re_referrals": ("Front Door", 26, 17, 1.5, 210),
    "icpc_15wd": ("Children in Need and Child Protection", 79, 84, 3.0, 40),
    "repeat_cp_plans": ("Children in Need and Child Protection", 21, 19, 2.0, 45),
    "cp_visits_in_timescale": ("Children in Need and Child Protection", 88, 91, 2.0, 230),
    "cla_3_placements": ("Children in Care", 8, 13, 1.0, 410),  # Children in Care slipping
    "cla_health_assessments": ("Children in Care", 92, 81, 2.0, 330),
    "cla_visits_in_timescale": ("Children in Care", 94, 79, 2.0, 410),
    "cla_missing": ("Vulnerable Adolescents", 11, 10, 1.0, 410),
    "care_leavers_eet_19_21": ("Care Leavers", 52, 56, 2.5, 150),
    "supervision_in_timescale": (None, 86, 88, 2.0, 900),
    "average_caseload": (None, 19, 18, 0.6, 0),
}
WIDE_NAMES = {  # the wide pack names KPIs as the catalogue does; the long extract uses codes
    "assessments_45wd": "Assessments completed within 45 working days",
    "re_referrals": "Re-referrals within 12 months",
}
COMPARATORS = {  # code: (statistical neighbours, region, England) for 2024-25; 2023-24 one point worse
    "assessments_45wd": (83.1, 84.6, 82.0), "re_referrals": (21.4, 20.2, 22.1),
    "icpc_15wd": (79.0, 81.5, 78.0), "repeat_cp_plans": (23.0, 22.4, 23.6),
    "cla_3_placements": (10.2, 9.8, 10.0), "cla_health_assessments": (88.0, 89.5, 89.0),
    "care_leavers_eet_19_21": (53.0, 54.1, 55.0),
}


def series(code: str) -> list[tuple[float, int | None]]:
    """(value, numerator) for each month: the story's line plus seeded noise, rounded as a report would."""
    _, first, last, noise, denominator = STORY[code]
    rng = random.Random(f"northbridge-kpi-{code}")
    out = []
    for k in range(len(MONTHS)):
        value = first + (last - first) * k / (len(MONTHS) - 1) + rng.gauss(0, noise)
        if denominator:
            numerator = max(0, min(denominator, round(value * denominator / 100)))
            out.append((round(100 * numerator / denominator, 1), numerator))
        else:
            out.append((round(value, 1), None))
    return out


def _wide(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI pack"
    ws.append(["Northbridge City Council - Children's Services KPI pack, Nov 2024 to Oct 2025"])
    ws.append(["KPI", *MONTHS[:12]])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        if isinstance(cell.value, dt.date):
            cell.number_format = "mmm-yy"
    for code in STORY:
        ws.append([WIDE_NAMES.get(code, code), *(v for v, _ in series(code)[:12])])
    ws.column_dimensions["A"].width = 48
    created = dt.datetime(2025, 11, 5, 9, 0)
    wb.properties.creator = wb.properties.lastModifiedBy = "Northbridge performance team"
    wb.properties.created, wb.properties.modified = created, created
    buf = BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    archive.stamp = (2025, 11, 5, 9, 0, 0)
    ExcelWriter(wb, archive).save()
    path.write_bytes(buf.getvalue())


def _long(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["KPI", "Period", "Service area", "Value", "Numerator", "Denominator"])
        for code, (area, *_rest, denominator) in STORY.items():
            for month, (value, numerator) in list(zip(MONTHS, series(code), strict=True))[12:]:
                label = f"{month:%b-%y}"
                for where in ([None, area] if area else [None]):
                    out.writerow([code, label, where or "", value, numerator if numerator is not None else "",
                                  denominator or ""])


def _comparators(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["KPI", "Year", "Comparator", "Value"])
        for code, values in COMPARATORS.items():
            lower_is_better = code in ("re_referrals", "repeat_cp_plans", "cla_3_placements")
            for year, shift in (("2023-24", 1.0), ("2024-25", 0.0)):
                for name, value in zip(("Statistical neighbours", "Region", "England"), values, strict=True):
                    out.writerow([code, year, name, round(value + (shift if lower_is_better else -shift), 1)])


def generate(out_dir: Path) -> list[Path]:
    """Write the three files into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "2024-11_to_2025-10_kpi_extract.xlsx", out_dir / "2025-11_to_2026-10_kpi_extract.csv",
             out_dir / "comparators.csv"]
    _wide(paths[0])
    _long(paths[1])
    _comparators(paths[2])
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "kpis")
    for path in generate(parser.parse_args().out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
