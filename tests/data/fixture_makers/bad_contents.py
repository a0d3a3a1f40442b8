"""Bad audit returns (`bad_*` fixtures) rejected for what they hold: a missing required column, bad
or future dates, unknown grades, service areas and activity types, duplicate audit IDs, no rows or no
header, and one file with many problems. tests/test_loader_errors.py asserts the exact issues."""

from __future__ import annotations

from openpyxl import Workbook

from fixture_makers.common import HEADER, _d, row, workbook_bytes, xlsx


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


def bad_many_problems() -> bytes:
    return xlsx([
        row("MP-1"),                                                     # row 2: fine
        row("MP-2", "31/13/2025"),                                       # row 3: bad date (C)
        row("MP-3", area="Fostering team", overall="Brilliant"),          # row 4: area (D), grade (M)
        row("MP-4", activity="Peer review", grades=("Good", "Good", "Good", "TBC")),  # row 5: B, L
        row(None),                                                       # row 6: no audit ID (A)
        row("MP-1", _d(1, 1, 2027)),                                     # row 7: duplicate (A), future (C)
    ])  # fmt: skip
