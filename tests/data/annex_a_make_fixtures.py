"""Writes the Annex A fixtures in tests/data (run from the repo root: python tests/data/annex_a_make_fixtures.py).

- annex_a_sheets_shuffled_renamed.xlsx: all eleven lists, List n with n + 2 rows whose child IDs
  start "L<n>-", on sheets in a shuffled order under misleading names (List 2 on a sheet called
  "List 9", List 10 on "List_1"), some with title rows above the headers or starting in column C,
  an instructions sheet first and a hidden sheet holding an old List 1 (ignored).
- annex_a_csv/*.csv: the same lists, one CSV per list, named without the list number.
- annex_a_value_drift.xlsx: Lists 1, 3, 6, 7, 8 and 9 as councils type them: lettered and bare
  codes, free text, dates as Excel dates, serial numbers, dd/mm/yyyy and ISO text, #N/A and -,
  curly quotes, trailing spaces, doubled brackets and case in the headers.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import csv
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from loaders.annex_a_lists import CODE_LISTS, LISTS, Column, ListSpec  # noqa: E402

# (sheet name, list number or None for an instructions sheet, title rows above, first column)
LAYOUT: list[tuple[str, int | None, int, int]] = [
    ("Read me", None, 0, 1), ("CP", 7, 2, 1), ("Sheet3", 1, 0, 1), ("List 9", 2, 1, 1),
    ("Adopters ", 11, 0, 1), ("data (2)", 4, 0, 1), ("List_1", 10, 1, 1), ("LAC", 8, 0, 1),
    ("x", 3, 3, 3), ("Leavers", 9, 0, 1), ("S47", 5, 1, 1), ("CIN", 6, 0, 1),
]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _value(spec: ListSpec, col: Column, i: int) -> Any:
    """A valid cell for row i (0-based) of a list, in a mix of the forms councils use."""
    if col.name == spec.key:
        return f"L{spec.number}-{i + 1:03d}"
    if col.kind == "id":
        return f"F{i + 1}"
    if col.kind == "date":
        return date(2024, 1, 1) + timedelta(days=7 * i + spec.number)
    if col.kind == "int":
        return i % 3
    if col.kind == "age":
        return 3 + i
    if col.kind == "postcode":
        return "ab1 2cd"
    if col.kind == "text":
        return f"{col.header} {i + 1}"
    codes = CODE_LISTS[col.codes or ""]
    k = i % len(codes)
    code, label = codes[k]
    if i % 2:
        return code
    letter = LETTERS[k] if k < len(LETTERS) else "zz"  # the template letters its 27th placement type zz)
    return f"{letter}) {code}" if code == label else f"{letter}) {code}: {label}"


def _rows(spec: ListSpec) -> list[list[Any]]:
    return [[_value(spec, c, i) for c in spec.columns] for i in range(spec.number + 2)]


def shuffled_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, number, titles, first_col in LAYOUT:
        ws = wb.create_sheet(name)
        if number is None:
            ws.append(["How to fill in the Annex A lists"])
            ws.append(["Child Unique ID", "Unique Identity number for each child."])
            continue
        spec = LISTS[number - 1]
        pad = [None] * (first_col - 1)
        for t in range(titles):
            ws.append([*pad, f"List {number}: {spec.title}" if t == 0 else "Reference date: 31/03/2024"])
        ws.append([*pad, *(c.header for c in spec.columns)])
        for row in _rows(spec):
            ws.append([*pad, *row])
    hidden = wb.create_sheet("old contacts")
    hidden.append([c.header for c in LISTS[0].columns])
    hidden.append(["OLD-1", "a) Male", "a) WBRI", date(2010, 1, 1), 14, date(2023, 1, 1), "q) 6: Police"])
    hidden.sheet_state = "hidden"
    wb.save(path)


def csv_per_list(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for spec in LISTS:
        with (folder / f"{spec.title.split()[0].lower()}_{spec.number * 7 % 11}.csv").open(
            "w", newline="", encoding="utf-8-sig"
        ) as fh:
            writer = csv.writer(fh)
            writer.writerow([c.header for c in spec.columns])
            for row in _rows(spec):
                writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row])


DRIFT: dict[str, tuple[list[str], list[list[Any]]]] = {
    "contacts export": (
        ["child unique id ", "GENDER", "Ethnicity ", "Date of Birth", "Age", "Date of Contact", "Contact Source"],
        [
            ["C1", "a) Male", "a) WBRI", date(2015, 3, 1), 9.5, date(2024, 1, 10), "q) 6: Police"],
            ["C2", "Male", "WBRI", "01/02/2016", 8, 45300, "POLICE"],
            ["C3", "b) Female", "White British", "2017-05-06", 7, "15/02/2024", "6"],
            ["C4", "Female", "k) APKN", "#N/A", "-", "2024-03-04", "e) 2A: Schools"],
            ["C5", "c) Not stated/recorded", "s) NOBT", "-", -1, "#N/A", "Individual"],
            ["C6", "Unborn", None, None, None, None, "b) 1B: Individual"],
            ["C7", "Boy?", "ZZZZ", "31/02/2024", "ten", "01/03/2024", "q) 6 : Police"],
        ],
    ),
    "Sheet2": (
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Referral",
         "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team",
         "Allocated Worker"],
        [
            ["R1", "a) Male", "a) WBRI", date(2014, 1, 1), 10, date(2024, 2, 1), "q) 6: Police", "b) No", 0,
             "MASH", "Jo\u00a0Bloggs"],
            ["R2", "b) Female", "a) WBRI", date(2014, 1, 2), 10, date(2024, 2, 2), "POLICE", "No", 2, "MASH ",
             " Sam  Smith "],
            ["R3", "Female", "b) WIRI", date(2014, 1, 3), 10, date(2024, 2, 3), "g) 3A: Health services",
             "a) Yes", "3", "#N/A", "#N/A"],
            ["R4", "Female", "b) WIRI", date(2014, 1, 4), 10, date(2024, 2, 4), "Health services", "Y", 2.5,
             "Duty", "-"],
        ],
    ),
    "CIN": (
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
         "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date",
         "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"],
        [
            ["N-1", "a) Male", "a) WBRI", None, 5, "b) No", date(2023, 5, 1), "N1 - Abuse or neglect",
             date(2024, 3, 1), None, None, "c) Child in need plan", "CIN 1", "A"],
            ["N-2", "a) Male", "a) WBRI", None, 5, "No", date(2023, 5, 2), "N1 - Abuse or Neglect",
             date(2024, 3, 2), date(2024, 3, 20), "RC8 - Case closed after assessment, no further action",
             "e) Closed episode", "CIN 1", "A"],
            ["N-3", "a) Male", "a) WBRI", None, 5, "c) Unknown", date(2023, 5, 3),
             "N3 - Parental illness or disability", date(2024, 3, 3), None, None, "Child in need plan",
             "CIN 1", "A"],
            ["N-4", "a) Male", "a) WBRI", None, 5, "Y", date(2023, 5, 4), "n5", date(2024, 3, 4), None, "RC7",
             "b) Child Protection plan", "CIN 1", "A"],
            ["N-5", "a) Male", "a) WBRI", None, 5, "b) No", date(2023, 5, 5),
             "PSRMEM - Support with memory and cognition", date(2024, 3, 5), None, None,
             "a) Looked after child", "CIN 1", "A"],
        ],
    ),
    "CP": (
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Does the Child have a Disability", "Child Protection Plan Start Date", "Initial Category of Abuse",
         "Latest Category of Abuse", "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
         "Date of latest review conference", "Child Protection Plan End Date",
         "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
         "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"],
        [
            ["P-1", "a) Male", "a) WBRI", None, -1, "b) No", date(2024, 1, 5), "a) Neglect", "Physical abuse",
             date(2024, 3, 1), "c) Unknown", None, None, "b) No", 0, "CP team", "B"],
            ["P-2", "b) Female", "a) WBRI", None, 3, "b) No", date(2024, 1, 6), "d) Emotional abuse",
             "e) Multiple/not recommended", date(2024, 3, 2), "Yes", None, None, "N", 1, "CP team", "B"],
            ["P-3", "b) Female", "a) WBRI", None, 3, "b) No", date(2024, 1, 7), "Sexual abuse", "Sexual Abuse",
             date(2024, 3, 3), "N", None, None, "a) Yes", 2, "CP team", "B"],
        ],
    ),
    "LAC": (
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
         "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
         "Does the Child have a Disability", "Date Started to be Looked After", "Child\u2019s Category of Need",
         "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
         "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
         "Date of Last Social Work Visit", "What is the permanence plan for this child? ",
         "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
         "Date of Last Dental Check", "Number of Placements in the Last 12 months",
         "Date Ceased to be Looked After ", "Reason Ceased to be Looked After",
         "Start Date of Most Recent Placement", "Placement Type", "Placement Provider", "Placement postcode",
         "URN of Placement", "Placement Location", "LA of Placement",
         "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months",
         "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months",
         "Was the child offered a Return Interview after their last missing episode (Y/N)?",
         "Did the child accept a Return Interview after their last missing episode (Y/N)?",
         "Allocated Team", "Allocated Worker"],
        [
            ["A-1", "a) Male", "a) WBRI", date(2010, 1, 1), 14, "b) No", "b) No", date(2020, 1, 1),
             "N1 - Abuse or neglect", "b) No", date(2020, 2, 1), "C2: FCO", date(2024, 2, 1), date(2024, 3, 1),
             "f) Long-term fostering", date(2024, 2, 1), date(2023, 9, 1), date(2023, 10, 1), 1, None, None,
             date(2021, 1, 1), "f) U6: Foster placement - not FFA", "e) PR4 - Private provision", "t28 2wb",
             "SC123456", "a) In", "Home Town", 0, 0, None, None, "CiC 1", "C"],
            ["A-2", "b) Female", "a) WBRI", date(2008, 1, 1), 16, "No", "No", date(2019, 1, 1), "N4",
             "No", date(2019, 2, 1), "E1", date(2024, 1, 1), date(2024, 3, 2), "Adoption", date(2024, 1, 1),
             date(2023, 9, 2), date(2023, 10, 2), 3, date(2024, 3, 10),
             "k) E47: Special Guardianship Orders - relative/friend", date(2023, 6, 1), "U4",
             "PR1: Own provision", "nope", 123456, "Out", "Other Town", 3, 1, "a) Yes", "b) No", "CiC 1", "C"],
            ["A-3", "b) Female", "a) WBRI", date(2008, 1, 1), 16, "No", "No", date(2019, 1, 1), "N4",
             "No", date(2019, 2, 1), "V2: Single period under S20", date(2024, 1, 1), date(2024, 3, 3),
             "c) SGO/CAO", date(2024, 1, 1), date(2023, 9, 2), date(2023, 10, 2), 2, date(2024, 3, 12),
             "u) X1:CodeError", date(2023, 6, 1), "j) A6: Placed for adoption - order - foster",
             "PR5", None, None, None, "WAL - Child placed in Wales", 0, 0, "c) Unknown", None, "CiC 1", "C"],
        ],
    ),
    "leavers": (
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
         "Allocated Team", "Allocated Worker", "Eligibility Category", "LA in Touch ", "Type of Accommodation",
         "Suitability of Accommodation", "Activity Status"],
        [
            ["CL-1", "a) Male", "a) WBRI", date(2005, 1, 1), 19, "b) No", "Leaving Care", "D",
             "b) Former relevant child", "d) Refu", None, None, None],
            ["CL-2", "a) Male", "a) WBRI", date(2005, 1, 2), 19, "b) No", "Leaving Care", "D",
             "Former relevant child", "Yes", "U: Independent living", "a) Suitable",
             "G5: Not in education, employment or training - other"],
            ["CL-3", "a) Male", "a) WBRI", date(2006, 1, 3), 18, "b) No", "Leaving Care", "D",
             "a) Relevant child", "RHOM", "B", "Unsuitable", "F1"],
        ],
    ),
}


def drift_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in DRIFT.items():
        ws = wb.create_sheet(name)
        if name == "contacts export":
            ws.append(["Contacts 1 January to 31 March 2024"])
        ws.append(header)
        for row in rows:
            ws.append(row)
        if name == "contacts export":  # C2's contact date is a number: an Excel serial, shown unformatted
            ws["F4"].number_format = "0"
    wb.save(path)


if __name__ == "__main__":
    shuffled_workbook(HERE / "annex_a_sheets_shuffled_renamed.xlsx")
    csv_per_list(HERE / "annex_a_csv")
    drift_workbook(HERE / "annex_a_value_drift.xlsx")
