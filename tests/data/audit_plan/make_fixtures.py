"""Write the audit plan loader fixtures next to this script (tests/test_audit_plan_loader.py).

    python tests/data/audit_plan/make_fixtures.py

Deterministic: fixed workbook properties and zip timestamps, so a rerun gives byte-identical files.

- plan_messy.xlsx: a hand-kept plan that must load: an instructions sheet first; title rows above
  the headers; heading synonyms (Month planned, Service, Type, Focus, Framework scope, No. planned,
  Owner) and an unknown Notes column (a warning); months as a mid-month Excel date, an Excel serial
  number, "Apr-25", "April 2025", "2025-05", "01/06/2025"; areas and activity types as typed (MASH,
  LAC, cp, Full audit, Dip, Obs); a scope item given by its keyword; white space in themes; blank lines.
- plan_months.csv: the same kind of plan as a CSV, months as dd/mm/yyyy text.
- bad_plan_missing_columns.xlsx: no Theme and no Planned column.
- bad_plan_values.xlsx: one problem per row (blank and unreadable months, unknown area and activity
  type, blank theme, planned 2.5, -1 and "lots", a theme planned twice, a scope item of another area).
- bad_plan_header_only.xlsx: the headers and nothing under them.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
STAMP = dt.datetime(2025, 3, 20, 16, 0)
HEADER = ["Month", "Service area", "Activity type", "Theme", "Scope area", "Planned", "Lead"]


class _FixedTimeZip(ZipFile):
    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=(2025, 3, 20, 16, 0, 0))
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def save(wb: Workbook, name: str) -> None:
    wb.properties.creator = wb.properties.lastModifiedBy = "tests"
    wb.properties.created = wb.properties.modified = STAMP
    buf = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZip(buf, "w", ZIP_DEFLATED)).save()
    (HERE / name).write_bytes(buf.getvalue())


def sheet(rows: list[list[Any]], name: str, *, title: str = "Audit plan", above: int = 0) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for i in range(above):
        ws.append(["Northbridge audit plan 2025-26"] if i == 0 else [])
    for r in rows:
        ws.append(r)
    save(wb, name)


def messy() -> None:
    wb = Workbook()
    info = wb.active
    info.title = "Read me"
    info.append(["How this plan is kept: one row per month, area, type and theme."])
    ws = wb.create_sheet("Plan 2025-26")
    ws.append(["Northbridge Children's Services: audit plan 2025-26"])
    ws.append(["Agreed at Q&PC, March 2025"])
    ws.append([])
    ws.append(["Month planned", "Service", "Type", "Focus", "Framework scope", "No. planned", "Owner", "Notes"])
    rows: list[list[Any]] = [
        [dt.date(2025, 4, 15), "MASH", "Full audit", "Re-referrals", None, 3, "QAL Front Door", "carried over"],
        [45748, "Front door", "Dip", "Thresholds  at the front door", "nfa", 6.0, "HoS Front Door", None],
        ["Apr-25", "LAC", "Obs", " placement stability ", "matching", "2", None, None],
        [],
        [
            "April 2025",
            "cp",
            "Dip-sample",
            "Core groups",
            "Step-up and step-down between CIN and CP",
            0,
            " HoS  CIN/CP ",
            None,
        ],
        ["2025-05", "Care leavers", "Case audit", "Pathway plans", None, "4", "QAL Care Leavers", None],
        ["01/06/2025", "IRO", "Practice observation", "Child protection conferences", "ICPC", 1, "QAU Manager", None],
    ]
    for r in rows:
        ws.append(r)
    ws["A5"].number_format = "dd/mm/yyyy"
    ws["A6"].number_format = "General"  # an Excel serial number, shown as a number
    save(wb, "plan_messy.xlsx")


def months_csv() -> None:
    with (HERE / "plan_months.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["Date", "Area", "Audit type", "Audit theme", "Scope", "Target number", "Lead officer"])
        writer.writerow(["01/07/2025", "Permanence", "Case audit", "Later life letters", "", "2", "QAL Permanence"])
        writer.writerow(["01/08/2025", "Adolescents", "Observation", "Missing episodes", "missing", "1", ""])


def bad() -> None:
    good = [dt.date(2025, 4, 1), "Front Door", "Case audit", "Re-referrals", None, 2, "QAL Front Door"]
    kept = [i for i, h in enumerate(HEADER) if h not in ("Theme", "Planned")]
    sheet([[HEADER[i] for i in kept], [good[i] for i in kept]], "bad_plan_missing_columns.xlsx", above=2)
    rows: list[list[Any]] = [
        HEADER,
        good,  # row 2
        [None, "Front Door", "Case audit", "Strategy discussions", None, 1, None],  # 3: blank month
        ["Spring 2025", "Front Door", "Case audit", "Strategy discussions", None, 1, None],  # 4
        [dt.date(2025, 4, 1), "Narnia", "Case audit", "Strategy discussions", None, 1, None],  # 5
        [dt.date(2025, 4, 1), "Front Door", "Survey", "Strategy discussions", None, 1, None],  # 6
        [dt.date(2025, 4, 1), "Front Door", "Dip sample", "  ", None, 1, None],  # 7: blank theme
        [dt.date(2025, 5, 1), "Front Door", "Dip sample", "Re-referrals", None, 2.5, None],  # 8
        [dt.date(2025, 6, 1), "Front Door", "Dip sample", "Re-referrals", None, -1, None],  # 9
        [dt.date(2025, 7, 1), "Front Door", "Dip sample", "Re-referrals", None, "lots", None],  # 10
        ["Apr-25", "MASH", "Full audit", "RE-REFERRALS", None, 1, None],  # 11: row 2 again
        [dt.date(2025, 8, 1), "Children in Care", "Case audit", "Adoption", "Adoption", 1, None],  # 12
    ]
    sheet(rows, "bad_plan_values.xlsx")
    sheet([HEADER, []], "bad_plan_header_only.xlsx")


if __name__ == "__main__":
    messy()
    months_csv()
    bad()
