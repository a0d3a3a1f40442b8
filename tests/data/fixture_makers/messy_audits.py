"""Messy but valid audit returns (`audit_*` fixtures) that must load: title rows above the header, an
instructions sheet first, header synonyms, grades and dates as people type them, service-area aliases,
the long layout, extra domains, CSV variants, placeholders, unknown columns and data starting in
column C. tests/test_loader_formats.py asserts what each one loads."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Font

from fixture_makers.common import DATE_FORMAT, HEADER, _d, csv_bytes, row, sheet_workbook, workbook_bytes, xlsx


def audit_title_rows() -> bytes:
    # Header on row 4 under a title, a month line and a blank row; data on rows 5-8.
    return xlsx(
        [row("TR-1", _d(3, 3)), row("TR-2", _d(10, 3), "Children in Care"),
         row("TR-3", _d(17, 3), overall="Outstanding"), row("TR-4", _d(24, 3), overall="Inadequate")],
        above=[["Northbridge City Council - Children's Services QA audit return"],
               ["Month: March 2025"], [None]],
    )  # fmt: skip


def audit_instructions_sheet_first() -> bytes:
    wb = sheet_workbook(
        [
            row("IS-1", _d(4, 2)),
            row("IS-2", _d(11, 2), "Permanence"),
            row("IS-3", _d(18, 2), "Care Leavers", overall="Requires improvement"),
        ]
    )
    info = wb.create_sheet("Instructions", 0)
    for line in (
        "How to fill in the audit return",
        "One row per quality activity: a case audit, a dip sample or a practice observation.",
        "Audit ID must be unique. Dates are day first: dd/mm/yyyy.",
        "Grades: Outstanding, Good, Requires improvement, Inadequate.",
    ):
        info.append([line])
    lists = wb.create_sheet("Lists")
    columns = [
        ["Grades", "Outstanding", "Good", "Requires improvement", "Inadequate"],
        ["Service areas", "Front Door", "Permanence", "Care Leavers"],
        ["Activity types", "Case audit", "Dip sample", "Observation"],
        ["Yes/No", "Yes", "No"],
    ]
    for c, values in enumerate(columns, 1):
        for r, value in enumerate(values, 1):
            lists.cell(row=r, column=c, value=value)
    return workbook_bytes(wb)


HEADER_SYNONYMS = [
    "AUDIT  ID", "Type of activity", "Date of audit", "Service", "Team Name", "Social worker",
    "Audited by", "Audit Theme", "Safeguarding & thresholds", "Quality of direct work",
    "Oversight of casework", "Supervision grade", "Overall judgement", "Moderated  Rating:",
]  # fmt: skip


def audit_header_synonyms() -> bytes:
    return xlsx(
        [row("HS-1", _d(5, 3)) + [None],
         row("HS-2", _d(6, 3), "Care Leavers", overall="Requires improvement") + ["Good"],
         row("HS-3", _d(7, 3), "Permanence", overall="Outstanding") + [None]],
        header=HEADER_SYNONYMS,
    )  # fmt: skip


def audit_grades_as_typed() -> bytes:
    # Domain columns I-L, overall M: every spelling people type for the four grades.
    return xlsx([
        row("GT-1", _d(3, 3), grades=("G", "Good ", "RI", "good"), overall="good"),
        row("GT-2", _d(4, 3), grades=("OUTSTANDING", "g", "inadequate", "Good "), overall="OUTSTANDING"),
        row("GT-3", _d(5, 3), grades=("RI", "ri", "Requires improvement to be good", "RI"), overall="G"),
        row("GT-4", _d(6, 3), grades=("INADEQUATE", "inadequate", "Inadequate", "RI"), overall="RI"),
        row("GT-5", _d(7, 3), grades=("Good", "Good", "Good", "Good"),
            overall="Requires improvement to be good"),
        row("GT-6", _d(10, 3), grades=("outstanding", "Good ", "RI", "inadequate"), overall="inadequate"),
    ])  # fmt: skip


def audit_dates_uk_text() -> bytes:
    # Text cells typed day first; 03/04/2025 is 3 April, never 4 March.
    return xlsx(
        [
            row("UK-1", "03/04/2025"),
            row("UK-2", "14/03/2025"),
            row("UK-3", "1/2/25"),
            row("UK-4", "31/12/2024"),
            row("UK-5", " 12/01/2025 "),
        ]
    )


def audit_dates_excel_serial() -> bytes:
    wb = sheet_workbook(
        [
            row("XS-1", _d(3, 4)),
            row("XS-2", dt.datetime(2025, 1, 12, 14, 30)),
            row("XS-3", 45750),
            row("XS-4", _d(28, 2)),
        ]
    )
    ws = wb["Audit returns"]
    ws["C4"].number_format = "General"  # a bare serial: 45750 is 3 April 2025 in the 1900 system
    return workbook_bytes(wb)


def audit_service_area_aliases() -> bytes:
    return xlsx(
        [
            row("SA-1", area="MASH"),
            row("SA-2", area="LAC"),
            row("SA-3", area="Leaving care"),
            row("SA-4", area="CP"),
            row("SA-5", area="Adolescents"),
            row("SA-6", area="IRO"),
        ]
    )


LONG_HEADER = ["Audit ID", "Activity type", "Audit date", "Service area", "Worker", "Domain", "Grade"]


def audit_long_layout() -> bytes:
    a = ["LL-1", "Case audit", _d(5, 3), "Front Door", "Sam Patel"]
    b = ["LL-2", "Dip sample", _d(6, 3), "Children in Care", "Ana Bell"]
    return xlsx([a + ["Safeguarding and thresholds", "Good"], a + ["Supervision", "Requires improvement"],
                 a + ["Overall", "Good"], b + ["Direct work", "Inadequate"], b + ["Supervision", "RI"],
                 b + ["Overall", "Requires improvement"]], header=LONG_HEADER)  # fmt: skip


EXTRA_DOMAINS = ["Chronology", "Assessment", "Planning", "Recording"]


def audit_extra_domains() -> bytes:
    return xlsx([row("XD-1", _d(3, 3)) + ["Good", "Requires improvement", "Good", "Inadequate"],
                 row("XD-2", _d(4, 3)) + ["Outstanding", None, "Good", "Good"],
                 row("XD-3", _d(5, 3), activity="Dip sample") + [None, None, None, None]],
                header=HEADER + EXTRA_DOMAINS)  # fmt: skip


def audit_return_csv() -> bytes:
    return csv_bytes(
        [
            HEADER,
            row("CSV-1", "03/04/2025"),
            row("CSV-2", "14/03/2025", "CIN"),
            row("CSV-3", "28/02/2025", "Permanence", theme="Plans, reviews and visits"),
        ]
    )


SEMICOLON_HEADER = [*HEADER[:-1], "Overall Rating:"]


def audit_csv_semicolon_cp1252() -> bytes:
    return csv_bytes(
        [
            SEMICOLON_HEADER,
            row("SC-1", "03/04/2025", worker="Zoë Brontë", auditor="José Núñez"),
            row("SC-2", "04/04/2025", "Care Leavers", worker="Renée Côté"),
            row("SC-3", "07/04/2025", theme="Voice of the child – direct work"),
        ],
        delimiter=";",
        encoding="cp1252",
        lineterminator="\r\n",
    )


def audit_placeholders() -> bytes:
    return xlsx([
        row("PH-1", _d(3, 3), team="#N/A", worker="-", auditor=None, theme="n/a",
            grades=("Good", "#N/A", "-", "Good")),
        row("PH-2", _d(4, 3), team=None, worker="#N/A", auditor="-",
            grades=(None, "Good", "N/A", "Requires improvement")),
        row("PH-3", _d(5, 3), theme="-", grades=("Good", "Good", "Good", "-")),
    ])  # fmt: skip


def audit_unknown_column() -> bytes:
    return xlsx(
        [
            row("UC-1", _d(3, 3)) + ["Chased twice"],
            row("UC-2", _d(4, 3)) + [None],
            row("UC-3", _d(5, 3)) + ["Moderated at panel"],
        ],
        header=HEADER + ["Notes"],
    )


def audit_data_starts_col_c() -> bytes:
    # Title in C2, header in C5:P5 (an unknown "Comments" column at P), data rows 6-8 from column C.
    wb = Workbook()
    ws = wb.active
    ws.title = "Audit returns"
    ws["C2"] = "QA audit return - March 2025"
    header = HEADER + ["Comments"]
    rows = [
        row("DC-1", _d(3, 3)) + ["ok"],
        row("DC-2", _d(4, 3), grades=("Good", "Good", "Good", None)) + [None],
        row("DC-3", _d(5, 3), "Permanence") + ["late"],
    ]
    for c, value in enumerate(header, start=3):
        ws.cell(row=5, column=c, value=value).font = Font(bold=True)
    for r, values in enumerate(rows, start=6):
        for c, value in enumerate(values, start=3):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    return workbook_bytes(wb)
