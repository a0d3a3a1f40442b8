"""Write the loader test fixtures in tests/data/. Deterministic: fixed workbook properties and fixed
zip timestamps, so a rerun gives byte-identical files.

    python tests/data/make_fixtures.py            # writes next to this script
    python tests/data/make_fixtures.py --out DIR

Each file is named by the quirk it covers. `audit_*` files are messy but valid and must load;
`bad_*` files must be rejected with the exact issues asserted in tests/test_loader_errors.py.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import csv
import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
STAMP = dt.datetime(2025, 4, 7, 9, 30)
ZIP_STAMP = (2025, 4, 7, 9, 30, 0)

HEADER = [
    "Audit ID", "Activity type", "Audit date", "Service area", "Team", "Worker", "Auditor",
    "Theme", "Safeguarding and thresholds", "Direct work and voice of the child",
    "Oversight of casework and decisions", "Supervision", "Overall grade",
]  # fmt: skip
DATE_FORMAT = "dd/mm/yyyy"


def row(
    audit_id: str,
    when: object = dt.date(2025, 3, 14),
    area: str = "Front Door",
    grades: Sequence[str | None] = ("Good", "Good", "Requires improvement", "Good"),
    overall: str | None = "Good",
    *,
    activity: str = "Case audit",
    team: str | None = "MASH Team",
    worker: str | None = "Sam Patel",
    auditor: str | None = "Jo Reed",
    theme: str | None = "Re-referrals",
) -> list[Any]:
    """One audit row in HEADER's order."""
    return [audit_id, activity, when, area, team, worker, auditor, theme, *grades, overall]


class _FixedTimeZip(ZipFile):
    """Every entry stamped with one fixed time, so saved workbooks are byte-reproducible."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=ZIP_STAMP)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        # openpyxl copies some parts from temporary files, whose times would leak into the zip.
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def workbook_bytes(wb: Workbook) -> bytes:
    wb.properties.creator = wb.properties.lastModifiedBy = "QA Insight tests"
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    buf = io.BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()  # not wb.save(): that stamps "modified" with the current time
    return buf.getvalue()


def sheet_workbook(
    rows: list[list[Any]],
    *,
    header: list[str] | None = None,
    above: list[list[Any]] | None = None,
    sheet: str = "Audit returns",
    date_format: bool = True,
) -> Workbook:
    """A workbook with one data sheet: title rows, the header (bold), then `rows`."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for line in above or []:
        ws.append(line)
    ws.append(header or HEADER)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    first = ws.max_row + 1
    for r in rows:
        ws.append(r)
    if date_format:
        for line in ws.iter_rows(min_row=first):
            for cell in line:
                if isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
    return wb


def xlsx(rows: list[list[Any]], **kwargs: Any) -> bytes:
    return workbook_bytes(sheet_workbook(rows, **kwargs))


def csv_bytes(
    rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8", lineterminator: str = "\n"
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode(encoding)


def _d(day: int, month: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, day)


# --- Messy files that must load ------------------------------------------------------------------


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


# --- Bad files that must be rejected -------------------------------------------------------------


def bad_missing_required_column() -> bytes:
    header = HEADER[:-1]
    return xlsx([row("MC-1")[:-1], row("MC-2")[:-1], row("MC-3")[:-1]], header=header)


def bad_date() -> bytes:
    return xlsx(
        [
            row("BD-1", _d(3, 3)),
            row("BD-2", "31/02/2025"),
            row("BD-3", "14/03/2025"),
            row("BD-4", "next week"),
        ]
    )


def bad_unknown_grade() -> bytes:
    return xlsx(
        [
            row("UG-1", overall="Very good"),
            row("UG-2"),
            row("UG-3", grades=("Good", "Excellentish", "Good", "Good")),
            row("UG-4", overall="5"),
        ]
    )


def bad_duplicate_audit_id() -> bytes:
    return xlsx([row("DK-1"), row("DK-2"), row("DK-1", _d(15, 3)), row("DK-3"), row("DK-2 ")])


def bad_unknown_service_area() -> bytes:
    return xlsx([row("US-1"), row("US-2", area="Youth Offending"), row("US-3", area="Fostering team")])


def bad_unknown_activity_type() -> bytes:
    return xlsx([row("UA-1", activity="Peer review"), row("UA-2"), row("UA-3", activity="Dip sample")])


def bad_future_date() -> bytes:
    # Future relative to the tests' fixed "today" (26 November 2026).
    return xlsx([row("FD-1"), row("FD-2", _d(1, 2, 2027)), row("FD-3", "27/11/2026")])


def bad_empty_workbook() -> bytes:
    return xlsx([])


def bad_no_header() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append(["Cost centre", "Q1 spend", "Q2 spend", "Q3 spend"])
    ws.append(["CC100", 1200.5, 1310.0, 980.25])
    ws.append(["CC200", 400, 380, 425])
    ws.append(["CC300", 75, 0, 12])
    return workbook_bytes(wb)


def bad_not_a_spreadsheet() -> bytes:
    return b"Audit ID,Audit date\nThis is a note saved as .xlsx by mistake.\n"


def bad_zero_bytes() -> bytes:
    return b""


def bad_legacy_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with _FixedTimeZip(buf, "w", ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def bad_zip_not_workbook() -> bytes:
    return _zip({"readme.txt": b"Monthly audit return (zipped)\n", "audits.csv": b"Audit ID\nA-1\n"})


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Audit returns" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
BOMB_INFLATED = 401 * 2**20  # just over the 400 MiB limit


_SHEET_PART = "xl/worksheets/sheet1.xml"


def _bomb(inflated: int, *, force_zip64: bool) -> bytes:
    """A valid-looking workbook whose sheet part is `inflated` bytes, nearly all spaces, written in
    1 MiB chunks (deflate level 9: about 1,000 to 1)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    buf = io.BytesIO()
    with _FixedTimeZip(buf, "w", ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ):
            zf.writestr(name, data)
        info = ZipInfo(_SHEET_PART, date_time=ZIP_STAMP)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        chunk = b" " * 2**20
        with zf.open(info, "w", force_zip64=force_zip64) as part:
            part.write(head)
            remaining = inflated - len(head) - len(tail)
            while remaining > 0:
                n = min(remaining, len(chunk))
                part.write(chunk[:n])
                remaining -= n
            part.write(tail)
    return buf.getvalue()


def bad_zip_bomb() -> bytes:
    """The sheet part inflates to 401 MiB from about 400 KB."""
    return _bomb(BOMB_INFLATED, force_zip64=True)


LYING_INFLATED = 50 * 2**20
LYING_DECLARED = 2**20


def bad_zip_bomb_lying_sizes() -> bytes:
    """The sheet part inflates to 50 MiB from about 50 KB, but the zip's local and central headers
    declare 1 MiB: a check that trusts the declared sizes passes it to the parser."""
    data = bytearray(_bomb(LYING_INFLATED, force_zip64=False))
    name = _SHEET_PART.encode()
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        at = data.find(signature)
        while at >= 0:
            (name_len,) = struct.unpack_from("<H", data, at + name_len_at)
            if data[at + name_at : at + name_at + name_len] == name:
                struct.pack_into("<I", data, at + size_at, LYING_DECLARED)
            at = data.find(signature, at + 4)
    return bytes(data)


def bad_xml_entities() -> bytes:
    """A real workbook whose sheet part declares entities (a small 'billion laughs' preamble) and
    uses one in a cell. (openpyxl writes inline strings, so the sheet holds the text.)"""
    valid = xlsx([row("XE-1"), row("XE-2"), row("XE-3")])
    doctype = (
        b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(valid)) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<worksheet")
                data = data[:start] + doctype + data[start:].replace(b"Jo Reed", b"&lol3;", 1)
            parts[info.filename] = data
    return _zip(parts)


def bad_many_problems() -> bytes:
    return xlsx([
        row("MP-1"),                                                     # row 2: fine
        row("MP-2", "31/13/2025"),                                       # row 3: bad date (C)
        row("MP-3", area="Fostering team", overall="Brilliant"),          # row 4: area (D), grade (M)
        row("MP-4", activity="Peer review", grades=("Good", "Good", "Good", "TBC")),  # row 5: B, L
        row(None),                                                       # row 6: no audit ID (A)
        row("MP-1", _d(1, 1, 2027)),                                     # row 7: duplicate (A), future (C)
    ])  # fmt: skip


def survey_long_conflicting_response() -> bytes:
    """Long survey layout: R1's third row names another respondent type, R2's second row another
    service area and date (tests/test_voice.py asserts the three issues)."""
    header = ["Survey", "Response ID", "Respondent type", "Service area", "Date", "Question", "Answer"]
    safe, listens, contact = "I feel safe where I live", "My social worker listens to me", "I know who to contact"
    s = "Speakerbox 2026"
    return xlsx([
        [s, "R1", "Young person", "Children in Care", dt.date(2026, 3, 2), safe, "Agree"],
        [s, "R1", "Young person", "Children in Care", dt.date(2026, 3, 2), listens, "Strongly agree"],
        [s, "R1", "Parent or carer", "Children in Care", dt.date(2026, 3, 2), contact, "Yes"],   # row 4
        [s, "R2", "Young person", "Permanence", dt.date(2026, 3, 3), safe, "Disagree"],
        [s, "R2", "Young person", "Care Leavers", dt.date(2026, 3, 4), listens, "Agree"],       # row 6
        [s, "R2", "Young person", "Permanence", dt.date(2026, 3, 3), contact, "No"],
        [s, "R3", "Young person", "Permanence", dt.date(2026, 3, 5), safe, "Agree"],
        [s, "R3", "Young person", "Permanence", dt.date(2026, 3, 5), contact, "Yes"],
    ], header=header, sheet="Responses")  # fmt: skip


FIXTURES: dict[str, Callable[[], bytes]] = {
    "audit_title_rows.xlsx": audit_title_rows,
    "audit_instructions_sheet_first.xlsx": audit_instructions_sheet_first,
    "audit_header_synonyms.xlsx": audit_header_synonyms,
    "audit_grades_as_typed.xlsx": audit_grades_as_typed,
    "audit_dates_uk_text.xlsx": audit_dates_uk_text,
    "audit_dates_excel_serial.xlsx": audit_dates_excel_serial,
    "audit_service_area_aliases.xlsx": audit_service_area_aliases,
    "audit_long_layout.xlsx": audit_long_layout,
    "audit_extra_domains.xlsx": audit_extra_domains,
    "audit_return.csv": audit_return_csv,
    "audit_csv_semicolon_cp1252.csv": audit_csv_semicolon_cp1252,
    "audit_placeholders.xlsx": audit_placeholders,
    "audit_unknown_column.xlsx": audit_unknown_column,
    "audit_data_starts_col_c.xlsx": audit_data_starts_col_c,
    "bad_missing_required_column.xlsx": bad_missing_required_column,
    "bad_date.xlsx": bad_date,
    "bad_unknown_grade.xlsx": bad_unknown_grade,
    "bad_duplicate_audit_id.xlsx": bad_duplicate_audit_id,
    "bad_unknown_service_area.xlsx": bad_unknown_service_area,
    "bad_unknown_activity_type.xlsx": bad_unknown_activity_type,
    "bad_future_date.xlsx": bad_future_date,
    "bad_empty_workbook.xlsx": bad_empty_workbook,
    "bad_no_header.xlsx": bad_no_header,
    "bad_not_a_spreadsheet.xlsx": bad_not_a_spreadsheet,
    "bad_zero_bytes.xlsx": bad_zero_bytes,
    "bad_legacy.xls": bad_legacy_xls,
    "bad_zip_not_workbook.xlsx": bad_zip_not_workbook,
    "bad_zip_bomb.xlsx": bad_zip_bomb,
    "bad_zip_bomb_lying_sizes.xlsx": bad_zip_bomb_lying_sizes,
    "bad_xml_entities.xlsx": bad_xml_entities,
    "bad_many_problems.xlsx": bad_many_problems,
    "survey_long_conflicting_response.xlsx": survey_long_conflicting_response,
}


def generate(out_dir: Path = HERE, names: Sequence[str] | None = None) -> list[Path]:
    """Write the fixtures (all, or those named) into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or FIXTURES:
        path = out_dir / name
        path.write_bytes(FIXTURES[name]())
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("names", nargs="*", help="fixture file names (default: all)")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.names or None):
        print(f"{path.stat().st_size:>9,}  {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
