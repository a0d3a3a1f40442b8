"""Shared builders of the hostile corpus: the audit return's headings, a good workbook (`book`,
`good_book`, `row`), and the zip and XML surgery the family modules use to break it (`parts_of`,
`rezip`, `edit`, `set_cell`, `prolog`, the entity preambles `LAUGHS` and `XXE`, an OLE container,
shared strings, far cells and CSV text)."""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

os.environ.setdefault("OPENPYXL_LXML", "False")

import openpyxl  # noqa: E402
from openpyxl.utils.datetime import CALENDAR_MAC_1904  # noqa: E402, F401 - for corpus_sheets, imported after the line above

HEADER = [
    "Audit ID", "Activity type", "Audit date", "Service area", "Team", "Worker", "Auditor",
    "Theme", "Safeguarding and thresholds", "Direct work and voice of the child",
    "Oversight of casework and decisions", "Supervision", "Overall grade",
]
SHEET = "Audits"
MiB = 1 << 20


def row(audit_id: str, **overrides: Any) -> list[Any]:
    values: dict[str, Any] = {
        "Audit ID": audit_id, "Activity type": "Case audit", "Audit date": date(2025, 3, 14),
        "Service area": "Front Door", "Team": "MASH Team", "Worker": "Sam Patel",
        "Auditor": "Jo Reed", "Theme": "Re-referrals", "Safeguarding and thresholds": "Good",
        "Direct work and voice of the child": "Good",
        "Oversight of casework and decisions": "Requires improvement", "Supervision": "Good",
        "Overall grade": "Good",
    }
    assert set(overrides) <= set(values), overrides
    values.update(overrides)
    return [values[h] for h in HEADER]


def book(rows: list[list[Any]], *, header: list[Any] | None = None, above: list[list[Any]] | None = None,
         setup: Callable[[Any], None] | None = None) -> bytes:
    """An audit return: title rows `above`, the header row, then `rows`, on sheet 'Audits'."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    for line in above or []:
        ws.append(line)
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    if setup is not None:
        setup(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_book(prefix: str, n: int = 2) -> bytes:
    return book([row(f"{prefix}-{i}") for i in range(1, n + 1)])


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rezip(parts: dict[str, bytes], *, stored: frozenset[str] = frozenset()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def edit(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    parts = parts_of(data)
    parts[part] = change(parts[part])
    return rezip(parts)


SHEET1 = "xl/worksheets/sheet1.xml"


def set_cell(ref: str, xml: str) -> Callable[[bytes], bytes]:
    """Replace cell `ref` of a sheet's XML (however openpyxl wrote it) with `xml`."""
    def change(sheet: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
        new, n = pattern.subn(xml.encode(), sheet, count=1)
        assert n == 1, ref
        return new
    return change


def prolog(doctype: str) -> Callable[[bytes], bytes]:
    """Put a DOCTYPE (entity declarations) between the XML declaration and the root element."""
    def change(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
        return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + doctype.encode() + b"\n" + body
    return change


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def ole(streams: list[str]) -> bytes:
    """An OLE compound file (the container of .xls and of encrypted .xlsx): the CFB header and a
    directory sector naming `streams`, padded to whole sectors."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    directory = bytearray()
    for i, name in enumerate(["Root Entry", *streams]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), 5 if i == 0 else 2)
        directory += entry
    directory += bytes(-len(directory) % 512)
    return bytes(header) + bytes(fat) + bytes(directory) + bytes(4096)


def with_shared_strings(data: bytes) -> bytes:
    """The workbook with Team E2 read from a shared-strings part, as Excel writes text (openpyxl
    writes inline strings)."""
    parts = parts_of(data)
    parts[SHEET1] = set_cell("E2", '<c r="E2" t="s"><v>0</v></c>')(parts[SHEET1])
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>MASH Team</t></si></sst>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return rezip(parts)


def with_cell(prefix: str, ref: str, xml: str, n: int = 2) -> Callable[[], bytes]:
    return lambda: edit(good_book(prefix, n), SHEET1, set_cell(ref, xml))


def csv_bytes(rows_: list[list[Any]], *, header: list[str] | None = None) -> str:
    lines = [",".join(header or HEADER)]
    for r in rows_:
        lines.append(",".join(v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v) for v in r))
    return "\r\n".join(lines) + "\r\n"


def far_row() -> bytes:
    def setup(wb: Any) -> None:
        wb.active["A1048576"] = "end"
    return book([row("FR-1")], setup=setup)


def far_cell(ref: str) -> Callable[[], bytes]:
    def build() -> bytes:
        def setup(wb: Any) -> None:
            wb.active[ref] = "end"
        return book([row("FC-1")], setup=setup)
    return build


def last_column() -> bytes:
    def setup(wb: Any) -> None:
        wb.active["XFD2"] = "stray note"
    return book([row("LC-1")], setup=setup)


PASSWD = "root:x:0:0"  # what /etc/passwd starts with; must never reach the database
