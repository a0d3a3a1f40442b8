"""Checking a file before any parser sees it (`inspect_file`): refuse what is not a spreadsheet,
legacy or encrypted workbooks, zip bombs (every part inflated for real within the caps), XML with
entity declarations, and sheets whose furthest filled cell would make the cell reader allocate a
huge grid. While each part is inflated, it also notes the parts free of formulas, error cells and
merged ranges, so that `loaders.cell_checks` need not read them again."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import cast

from isal import isal_zlib  # zlib-compatible inflate, twice as fast: the bomb check inflates every part

from loaders.part_scan import PartScan, measure
from loaders.report import WARNING, LoadReport, column_letter
from loaders.source import HEADER_SEARCH_ROWS, Source, max_rows
from loaders.xlsx_parts import sheet_names

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_INFLATED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # compressed-to-inflated ratio beyond which a large part is a zip bomb
MAX_PARTS = 10_000  # a real workbook has tens of parts; a zip with more is refused unread
MAX_GRID_CELLS = 12_000_000  # 200,000 rows by 60 columns: about 400 MB in the cell reader
MAX_COLUMNS = 1_000  # a return has tens of columns; each read column costs memory in every step
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def inspect_file(source: Source, report: LoadReport) -> bool:
    """Check the container before any parser sees it. Adds errors to `report`; True if safe."""
    data = source.data
    where = {"value": source.name}
    if len(data) == 0:
        report.add("empty-file", "The file is empty (0 bytes).", **where)
        return False
    if len(data) > MAX_FILE_BYTES:
        report.add(
            "file-too-large",
            f"The file is {len(data) / 1e6:.0f} MB; files over {MAX_FILE_BYTES // 2**20} MiB "
            "are refused. Split it by month.",
            **where,
        )
        return False
    if source.is_csv:
        return True
    if data.startswith(_OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            report.add(
                "password-protected",
                "The workbook is password-protected. Remove the password (File > Info > "
                "Protect Workbook) and upload it again.",
                **where,
            )
        else:
            report.add(
                "legacy-xls",
                "This is an old-style .xls workbook. Open it in Excel and save it as .xlsx "
                "(Excel Workbook), then upload that.",
                **where,
            )
        return False
    if not data.startswith(b"PK"):
        report.add(
            "not-a-spreadsheet",
            "This file is not an Excel workbook (.xlsx) or a CSV file.",
            **where,
        )
        return False
    parts = _zip_part_count(data)
    if parts is not None and parts > MAX_PARTS:
        report.add(
            "zip-bomb",
            f"The workbook holds {parts:,} parts, far more than any workbook needs; it was refused "
            "unread to protect the server.",
            **where,
        )
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            clean: set[str] = set()
            ok = _inspect_zip(zf, report, source.name, clean)
            source.inspected["clean"] = frozenset(clean if ok else ())
            return ok
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        report.add(
            "not-a-spreadsheet",
            "The file is damaged or not an Excel workbook (it could not be opened as .xlsx).",
            **where,
        )
        return False


def _zip_part_count(data: bytes) -> int | None:
    """The number of parts the zip's end record declares (0xFFFF: a zip64 archive, counted as too
    many), read before `zipfile` builds an object per part; None if there is no end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    total = int(struct.unpack("<H", data[end + 10 : end + 12])[0])
    return MAX_PARTS + 1 if total == 0xFFFF else total


def _inspect_zip(zf: zipfile.ZipFile, report: LoadReport, name: str, clean: set[str]) -> bool:
    """Every part inflated once within the caps; `clean` collects the XML parts (UTF-8) with no
    formula, error cell or merged range."""
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        report.add(
            "not-a-spreadsheet",
            "The file is a zip archive but not an Excel workbook (no workbook inside).",
            value=name,
        )
        return False
    if len(infos) > MAX_PARTS:  # the end record under-declared them
        report.add(
            "zip-bomb",
            f"The workbook holds {len(infos):,} parts, far more than any workbook needs; it was "
            "refused unread to protect the server.",
            value=name,
        )
        return False
    if len({i.header_offset for i in infos}) < len(infos):
        # Several names for the same stored bytes: the overlapping-parts zip bomb; no zip tool
        # writes this.
        report.add(
            "zip-bomb",
            "Several parts of the workbook share the same data, which no spreadsheet program "
            "writes; it was refused unread to protect the server.",
            value=name,
        )
        return False
    # The sizes a zip declares can lie, so every part is really inflated (and thrown away) with a
    # running cap before any parser sees it: about 40 ms for a 50,000-row workbook (ISA-L inflate).
    # A part stops inflating as soon as it passes the total cap or the ratio rule.
    inflated = 0
    for info in infos:
        ratio_cap = max(_RATIO_FLOOR, MAX_RATIO * max(info.compress_size, 1))
        try:
            part = _inflate(zf, info, min(MAX_INFLATED_BYTES - inflated, ratio_cap))
            size, prolog, crc = part.size, part.prolog, part.crc
        except _DAMAGED:
            report.add(
                "not-a-spreadsheet",
                f"Part {info.filename} of the workbook is damaged; it could not be opened as .xlsx.",
                value=name,
            )
            return False
        inflated += size
        if crc is not None and crc != info.CRC:
            report.add(
                "not-a-spreadsheet",
                f"Part {info.filename} of the workbook is damaged (its checksum does not match); it "
                "could not be opened as .xlsx.",
                value=name,
            )
            return False
        if inflated > MAX_INFLATED_BYTES or (
            size > _RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1)
        ):
            report.add(
                "zip-bomb",
                f"The workbook expands to more than {inflated / 2**20:.0f} MiB when opened, far "
                "more than its data needs; it was refused unread to protect the server.",
                value=name,
            )
            return False
        bare = prolog.replace(b"\x00", b"")  # a UTF-16 part spells <!DOCTYPE with NULs between
        if b"<!DOCTYPE" in bare or b"<!ENTITY" in bare:
            report.add(
                "unsafe-xml",
                f"Part {info.filename} of the workbook declares XML entities, which Excel "
                "never writes; the file was refused as unsafe.",
                value=name,
            )
            return False
        if part.utf8_xml and not part.markers:
            clean.add(info.filename)
        if part.far:
            _measure(zf, info, part)
        if not _grid_fits(zf, info.filename, part, report, name):
            return False
    if "xl/vbaProject.bin" in names:
        report.add(
            "macros-ignored",
            "The workbook contains macros. They were not run; only cell values are read.",
            severity=WARNING,
            value=name,
        )
    return True


def _grid_fits(zf: zipfile.ZipFile, part_name: str, part: _Part, report: LoadReport, name: str) -> bool:
    """The cell reader allocates every cell from A1 to the furthest one with content (32 bytes
    each), so a single cell at XFD1048576 would take half a terabyte: refuse sheets taller than
    the row cap or bigger than `MAX_GRID_CELLS` before any parser sees them."""
    rows, columns = part.last_row, part.last_column + 1
    if rows <= max_rows() + HEADER_SEARCH_ROWS and rows * columns <= MAX_GRID_CELLS and columns <= MAX_COLUMNS:
        return True
    sheet = sheet_names(zf).get(part_name, part_name)
    if rows > max_rows() + HEADER_SEARCH_ROWS:
        report.add(
            "too-many-rows",
            f"Sheet '{sheet}' reaches row {rows:,}; at most {max_rows():,} rows are accepted in one "
            "file. Split it by month, or delete stray cells far below the data.",
            sheet=sheet, value=name,
        )
    else:
        report.add(
            "sheet-too-large",
            f"Sheet '{sheet}' reaches column {column_letter(columns - 1)} and row {rows:,}: more than "
            f"{MAX_COLUMNS:,} columns or {MAX_GRID_CELLS:,} cells. Delete stray cells far to the right "
            "of or below the data.",
            sheet=sheet, value=name,
        )
    return False


_CHUNK = 1 << 20
_RATIO_FLOOR = 10 * 2**20  # the ratio rule applies to parts that inflate past this
# What a damaged part raises while inflating (isal's error class is untyped in its stubs).
_DAMAGED: tuple[type[Exception], ...] = (
    zlib.error, cast(type[Exception], isal_zlib.IsalError), EOFError, OSError, NotImplementedError,
)
_MAX_PROLOG = 1 << 20


@dataclass
class _Part:
    """What inflating one part found: its real size (up to the budget + 1 byte), its XML prolog
    (everything before the root element, where a DOCTYPE must stand), its CRC-32 (None when
    inflating stopped at the budget), and the furthest row and column (0-based) any cell with
    content names, which is the grid the cell reader will allocate (0 and -1 unless `far`)."""

    size: int = 0
    prolog: bytes = b""
    crc: int | None = 0
    last_row: int = 0
    last_column: int = -1
    far: bool = False  # names a cell far right or down: measured exactly by `_measure`
    markers: bool = False  # may hold a formula, an error cell or a merged range (`PartScan`)
    utf8_xml: bool = False  # an XML part in a single-byte encoding, where markers can be searched


def _measure(zf: zipfile.ZipFile, info: zipfile.ZipInfo, part: _Part) -> None:
    """The furthest filled cell of a part (already inflated once within the caps)."""
    with zf.open(info) as fp:
        part.last_row, part.last_column = measure(iter(lambda: fp.read(_CHUNK), b""))


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> _Part:
    """Inflate one part without keeping it (see `_Part`)."""
    fp = zf.fp
    if fp is None or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise NotImplementedError(info.compress_type)
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise OSError("bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    inflater = isal_zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    # Any part that starts like XML is checked, whatever its name: a sheet's relationship may point
    # at a part called sheet1.dat.
    part, in_prolog, first, is_xml, scan = _Part(), True, True, False, PartScan()
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        data = inflater.unconsumed_tail if inflater is not None and inflater.unconsumed_tail else b""
        if not data:
            data = fp.read(min(_CHUNK, left))
            if not data:
                raise EOFError("truncated part")
            left -= len(data)
        out = inflater.decompress(data, _CHUNK) if inflater is not None else data
        part.size += len(out)
        part.crc = isal_zlib.crc32(out, part.crc or 0)
        if first and out:
            looks_xml = _XML_START.match(out[:64].replace(b"\x00", b"")) is not None
            is_xml = looks_xml or info.filename.endswith((".xml", ".rels"))
            in_prolog, first = is_xml, False
            part.utf8_xml = is_xml and b"\x00" not in out[:64]
        if in_prolog:
            part.prolog, in_prolog = _grow_prolog(part.prolog, out)
        if is_xml:
            scan.feed(out)
        if part.size > budget:
            scan.close()
            part.crc, part.far, part.markers = None, scan.far, scan.markers
            return part
    while inflater is not None and part.size <= budget:  # output zlib still holds back
        out = inflater.decompress(b"", _CHUNK)
        if not out:
            break
        part.size += len(out)
        part.crc = isal_zlib.crc32(out, part.crc or 0)
        if is_xml:
            scan.feed(out)
    scan.close()
    part.far, part.markers = scan.far, scan.markers
    if part.size > budget:
        part.crc = None
    return part


_ROOT_START = re.compile(rb"<\x00?[A-Za-z_]")
_XML_START = re.compile(rb"(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?\s*<")


def _grow_prolog(prolog: bytes, out: bytes) -> tuple[bytes, bool]:
    """Add inflated bytes to the prolog until the root element starts (or it grows absurd)."""
    grown = prolog + out
    m = _ROOT_START.search(grown)
    if m:
        return grown[: m.start()], False
    if len(grown) > _MAX_PROLOG:
        # A real prolog is a few dozen bytes; one this long is refused as if it declared entities.
        return b"<!DOCTYPE (prolog too long)", False
    return grown, True

