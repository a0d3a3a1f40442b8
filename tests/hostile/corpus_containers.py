"""Zip-level cases of the hostile corpus: files that are not workbooks at all, truncated or damaged
zips, encrypted and legacy (OLE) files, and zip bombs. Almost all are refused before any sheet is
read (`file_level`), so every loader kind gives the same answer."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

from corpus_builders import SHEET1, MiB, good_book, ole, parts_of, rezip, with_shared_strings
from corpus_model import Case, accepted, registrars

C: list[Case] = []
case, file_level = registrars(C)


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
