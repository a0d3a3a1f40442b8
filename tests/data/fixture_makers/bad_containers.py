"""Bad files (`bad_*` fixtures) rejected for what the file is: not a spreadsheet, zero bytes, a legacy
.xls, a zip that is not a workbook, zip bombs (one honest about its sizes, one lying in its headers) and
a sheet declaring XML entities. tests/test_loader_errors.py asserts the exact issues."""

from __future__ import annotations

import io
import struct
import zipfile
from zipfile import ZIP_DEFLATED, ZipInfo

from fixture_makers.common import ZIP_STAMP, _FixedTimeZip, _zip, row, xlsx


def bad_not_a_spreadsheet() -> bytes:
    return b"Audit ID,Audit date\nThis is a note saved as .xlsx by mistake.\n"


def bad_zero_bytes() -> bytes:
    return b""


def bad_legacy_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


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
