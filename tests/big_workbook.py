"""A large audit return written as sheet XML directly (openpyxl takes seconds for this), for the
tests that need a load long enough to interrupt (tests/test_durability.py, tests/test_loader_idempotency.py)."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from conftest import HEADER

_GRADES = ("Good", "Requires improvement", "Outstanding", "Inadequate")
_AREAS = ("Front Door", "Children in Care", "Care Leavers", "Permanence", "CP")
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Audit returns" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def write_big_workbook(path: Path, n: int, shift: int = 0) -> None:
    """An n-row audit return (IDs BIG-00000...) written as sheet XML directly; `shift` changes
    every grade."""
    letters = [chr(65 + i) for i in range(len(HEADER))]

    def xml_row(r: int, values: list[str]) -> str:
        cells = "".join(f'<c r="{col}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                        for col, v in zip(letters, values, strict=True))
        return f'<row r="{r}">{cells}</row>'

    rows = [xml_row(1, HEADER)]
    for i in range(n):
        g = [_GRADES[(i + k + shift) % 4] for k in range(5)]
        when = (date(2025, 1, 1) + timedelta(days=i % 300)).strftime("%d/%m/%Y")
        rows.append(xml_row(i + 2, [f"BIG-{i:05d}", "Case audit", when, _AREAS[i % 5], "Team A",
                                    f"Worker {i % 97}", "Jo Reed", "Plans", *g]))  # fmt: skip
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(rows) + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
