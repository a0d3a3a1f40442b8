"""What every fixture family shares: the audit return's headings and a row builder, and a workbook
and zip writer with fixed timestamps and properties, so every committed fixture regenerates byte for
byte (`workbook_bytes`, `xlsx`, `_zip`); CSV text and a short day-first date helper."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

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


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with _FixedTimeZip(buf, "w", ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()
