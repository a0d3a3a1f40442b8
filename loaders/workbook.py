"""Reading a spreadsheet or CSV safely into a table of text cells that keeps Excel's positions.

Shared by every loader. The steps, each reporting in words a QAL understands:
1. `inspect_file`: refuse what is not a spreadsheet, legacy or encrypted workbooks, zip bombs
   (inflated sizes checked before parsing) and XML with entity declarations (defusedxml).
2. `find_table`: on every visible sheet, look for the header row within the first rows and
   keep the sheet and row whose headers the caller's `score` recognises best.
3. `read_table`: read that sheet with fastexcel (Rust, Arrow) as text, one column `c<N>` per
   sheet column N, plus `_row`, the row number Excel shows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import defusedxml.ElementTree as SafeET
import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import DefusedXmlException
from isal import isal_zlib  # zlib-compatible inflate, twice as fast: the bomb check inflates every part

from loaders.report import ERROR, WARNING, LoadReport, column_letter

HEADER_SEARCH_ROWS = 30
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_INFLATED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # compressed-to-inflated ratio beyond which a large part is a zip bomb
MAX_PARTS = 10_000  # a real workbook has tens of parts; a zip with more is refused unread
MAX_GRID_CELLS = 12_000_000  # 200,000 rows by 60 columns: about 400 MB in the cell reader
MAX_COLUMNS = 1_000  # a return has tens of columns; each read column costs memory in every step
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; a longer cell (a CSV's) is refused
EXCEL_ERRORS = frozenset({"#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
ISSUES_PER_PROBLEM = 50  # located issues listed per problem before one summary line
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def max_rows() -> int:
    """Row cap per file (``QA_INSIGHT_MAX_ROWS``, default 200,000)."""
    return int(os.environ.get("QA_INSIGHT_MAX_ROWS", "200000"))


@dataclass(frozen=True)
class Source:
    """A file to load: its name as the user knows it and its bytes."""

    name: str
    data: bytes
    # What `inspect_file` learned while inflating every part: the parts (by zip name) holding
    # formulas, error cells or merged cells. `find_table` re-reads a sheet's XML only when its part
    # is listed (or when the file was not inspected).
    inspected: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        p = Path(path)
        return cls(name=p.name, data=p.read_bytes())

    @property
    def is_csv(self) -> bool:
        return self.name.lower().endswith((".csv", ".txt"))


@dataclass(frozen=True)
class RawTable:
    """The data block of one sheet: text cells in columns `c<N>` (N = 0-based sheet column)
    and `_row` (Excel's row number). `headers` maps N to the header text as the file spells it."""

    sheet: str | None
    header_row: int
    headers: dict[int, str]
    table: pa.Table
    date1904: bool = False

    def letter(self, index: int) -> str:
        return column_letter(index)


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
    sheet = _sheet_names(zf).get(part_name, part_name)
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


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet name, for messages; empty if the workbook's own parts are unreadable."""
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, SafeET.ParseError, DefusedXmlException):
        return {}
    names = [s.get("name") or "" for s in book.iter(f"{_MAIN_NS}sheet")]
    return {part: sheet for sheet in names if (part := _sheet_part(zf, sheet)) is not None}


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
    far: bool = False  # a filled cell far right or down: measured exactly by `_measure`
    markers: bool = False  # holds a formula, an error cell or a merged range (see _MARKERS)
    utf8_xml: bool = False  # an XML part in a single-byte encoding, where _MARKERS can be searched


_FILLED_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')  # not <c .../>: empty
# A filled cell at row 100,000 or beyond, or in column BA or beyond. A sheet without one spans at most
# 99,999 rows by 52 columns (5.2 million cells, under the cap), so only a part with one is measured
# exactly, in a second pass.
_FAR_CELL = re.compile(rb'<c r="(?:[A-Z]{1,3}[0-9]{6,7}|(?:[A-Z]{3}|[B-Z][A-Z])[0-9]{1,7})"[^>/]*>')


# What the cell reader turns silently into blanks, so `_scan_sheet_xml` must look for it: a formula,
# an error cell, a merged range. A part with none of these is not read again.
_MARKERS = (b"<f", b'"e"', b"<mergeCell")  # loose on purpose: a false alarm only costs a re-read


def _measure(zf: zipfile.ZipFile, info: zipfile.ZipInfo, part: _Part) -> None:
    """The furthest filled cell of a part (already inflated once within the caps)."""
    tail = b""
    with zf.open(info) as fp:
        while chunk := fp.read(_CHUNK):
            found = _FILLED_CELL.findall(tail + chunk)
            tail = chunk[-40:]
            if found:
                part.last_column = max(part.last_column, max(_column_index(c) for c in {c for c, _r in found}))
                part.last_row = max(part.last_row, max(int(r) for r in {r for _c, r in found}))


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
    part, in_prolog, first, is_xml, tail = _Part(), True, True, False, b""
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
        if is_xml and not part.far:  # a reference split between chunks is found in the joined tail
            part.far = _FAR_CELL.search(out) is not None or _FAR_CELL.search(tail + out[:40]) is not None
        if is_xml and not part.markers:
            joined = tail[-16:] + out
            part.markers = any(m in joined for m in _MARKERS)
        if is_xml:
            tail = out[-40:]
        if part.size > budget:
            part.crc = None
            return part
    while inflater is not None and part.size <= budget:  # output zlib still holds back
        out = inflater.decompress(b"", _CHUNK)
        if not out:
            break
        part.size += len(out)
        part.crc = isal_zlib.crc32(out, part.crc or 0)
        if is_xml and not part.far:
            part.far = _FAR_CELL.search(out) is not None or _FAR_CELL.search(tail + out[:40]) is not None
        if is_xml and not part.markers:
            part.markers = any(m in tail[-16:] + out for m in _MARKERS)
        if is_xml:
            tail = out[-40:]
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


def workbook_date1904(data: bytes) -> bool:
    """True when the workbook counts dates from 1904 (old Mac Excel). Parsed with defusedxml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            root = SafeET.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, SafeET.ParseError, DefusedXmlException):
        return False
    pr = root.find(f"{_MAIN_NS}workbookPr")
    return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")


Score = Callable[[list[str]], int]


def find_table(source: Source, score: Score, report: LoadReport, *, min_score: int = 2) -> RawTable | None:
    """Find and read the data block whose header row `score`s best; None (with an error) if no
    sheet has a recognisable header row within its first rows."""
    if source.is_csv:
        return _read_csv(source, score, report, min_score)
    try:
        reader = fastexcel.read_excel(source.data)
    except Exception as exc:  # noqa: BLE001 - the Rust reader raises its own error types
        report.add(
            "unreadable-workbook",
            f"The workbook could not be read: {str(exc).splitlines()[0][:200]}",
            value=source.name,
        )
        return None
    # Each sheet is parsed once, whole: calamine parses a sheet in full even for a few rows, so
    # probing for the header and then reading again would double the cost.
    best: tuple[int, int, str, dict[int, str], pa.RecordBatch, list[int]] | None = None
    for sheet_name in reader.sheet_names:
        try:
            sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="string")
        except Exception:  # noqa: BLE001 - an unreadable side sheet must not hide the data sheet
            continue
        if sheet.visible != "visible":
            _warn_if_hidden_data(sheet, sheet_name, score, min_score, report)
            continue
        if sheet.total_height > max_rows() + HEADER_SEARCH_ROWS:
            report.add(
                "too-many-rows",
                f"Sheet '{sheet_name}' has {sheet.total_height:,} rows; at most {max_rows():,} "
                "are accepted in one file. Split it by month.",
                sheet=sheet_name,
            )
            return None
        batch = sheet.to_arrow()
        indexes = [c.absolute_index for c in sheet.available_columns()]
        head = batch.slice(0, HEADER_SEARCH_ROWS).to_pydict()
        values = list(head.values())
        for r in range(min(HEADER_SEARCH_ROWS, batch.num_rows)):
            headers = {
                indexes[k]: str(values[k][r]).strip()
                for k in range(len(indexes))
                if values[k][r] is not None and str(values[k][r]).strip()
            }
            s = score(list(headers.values()))
            if s >= min_score and (best is None or s > best[0]):
                best = (s, r, sheet_name, headers, batch, indexes)
    if best is None:
        report.add(
            "no-header-row",
            f"No sheet has the expected column headings in its first {HEADER_SEARCH_ROWS} rows. "
            "Use the audit return template, or check the headings row.",
            value=source.name,
        )
        return None
    _, header_index, sheet_name, headers, batch, indexes = best
    report.sheet = sheet_name
    body = batch.slice(header_index + 1)
    if body.num_rows > max_rows():
        _too_many_rows(report, body.num_rows, sheet_name)
        return None
    # Columns with neither a heading nor a value are dropped here (a stray cell far right makes the
    # reader fill every column up to it).
    arrays = {
        f"c{index}": body.column(k) for k, index in enumerate(indexes)
        if index in headers or body.column(k).null_count < body.num_rows
    }
    first_data_row = header_index + 2  # header_index is 0-based from row 1; Excel counts from 1
    arrays["_row"] = pa.array(range(first_data_row, first_data_row + body.num_rows), pa.int32())
    raw = RawTable(
        sheet=sheet_name,
        header_row=header_index + 1,
        headers=headers,
        table=pa.table(arrays),
        date1904=workbook_date1904(source.data),
    )
    merged = _scan_sheet_xml(source, raw, report)
    return _check_cells(raw, report, merged)


def _too_many_rows(report: LoadReport, rows: int, sheet: str | None) -> None:
    report.add(
        "too-many-rows",
        f"The file has {rows:,} data rows; at most {max_rows():,} are accepted in one file. "
        "Split it by month.",
        sheet=sheet,
    )


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" and some exports
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_csv(source: Source, score: Score, report: LoadReport, min_score: int) -> RawTable | None:
    text = _decode(source.data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) > max_rows() + HEADER_SEARCH_ROWS:
                report.add(
                    "too-many-rows",
                    f"The file has more than {max_rows():,} rows; split it by month.",
                )
                return None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            report.add(
                "cell-too-long",
                f"Line {reader.line_num} has a cell of more than {csv.field_size_limit():,} characters; "
                f"a cell may hold at most {MAX_CELL_CHARS:,} (Excel's own limit). Shorten it.",
                row=reader.line_num,
            )
        else:
            report.add("bad-csv", f"The CSV file could not be read: {exc}.", row=reader.line_num)
        return None
    best: tuple[int, int] | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        s = score([c.strip() for c in row if c.strip()])
        if s >= min_score and (best is None or s > best[0]):
            best = (s, r)
    if best is None:
        report.add(
            "no-header-row",
            f"The expected column headings were not found in the first {HEADER_SEARCH_ROWS} lines.",
            value=source.name,
        )
        return None
    header_index = best[1]
    if len(rows) - header_index - 1 > max_rows():
        _too_many_rows(report, len(rows) - header_index - 1, None)
        return None
    header = rows[header_index]
    headers = {i: h.strip() for i, h in enumerate(header) if h.strip()}
    body = rows[header_index + 1 :]
    width = max([len(header), *(len(r) for r in body)]) if body else len(header)
    arrays: dict[str, pa.Array] = {}
    for i in range(width):
        arrays[f"c{i}"] = pa.array(
            [(r[i] if i < len(r) and r[i] != "" else None) for r in body], pa.string()
        )
    arrays["_row"] = pa.array(lines[header_index + 1 :], pa.int32())
    raw = RawTable(
        sheet=None, header_row=lines[header_index], headers=headers, table=pa.table(arrays)
    )
    return _check_cells(raw, report, set())


# --- Cells that cannot be trusted ------------------------------------------------------------------

_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # C0 controls and DEL; tab and line breaks are kept
_SHEETS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')
_SCAN_CHUNK = 1 << 20
_RATIO_FLOOR = 10 * 2**20  # the ratio rule applies to parts that inflate past this


def _warn_if_hidden_data(sheet: fastexcel.ExcelSheet, name: str, score: Score, min_score: int,
                         report: LoadReport) -> None:
    """Policy: a hidden sheet is never read. When it has the headings the loader looks for, say so."""
    head = sheet.to_arrow().slice(0, HEADER_SEARCH_ROWS).to_pydict()
    values = list(head.values())
    rows = len(values[0]) if values else 0
    for r in range(rows):
        found = [str(col[r]).strip() for col in values if col[r] is not None and str(col[r]).strip()]
        if score(found) >= min_score:
            report.add(
                "hidden-sheet-ignored",
                f"Sheet '{name}' is hidden and was not read, although it has the expected column "
                "headings. If it holds the data, unhide it or copy its rows to a visible sheet.",
                severity=WARNING, sheet=name,
            )
            return


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part holding the named sheet, from workbook.xml and its relationships."""
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SafeET.ParseError, DefusedXmlException):
        return None
    rid = next((s.get(_SHEETS_NS) for s in book.iter(f"{_MAIN_NS}sheet") if s.get("name") == sheet), None)
    target = next((r.get("Target") for r in rels.iter(f"{_RELS_NS}Relationship") if r.get("Id") == rid), None)
    if not rid or not target:
        return None
    return target.lstrip("/") if target.startswith("/") else os.path.normpath(f"xl/{target}").replace("\\", "/")


def _scan_sheet_xml(source: Source, raw: RawTable, report: LoadReport) -> set[int]:
    """Read the data sheet's XML (already inflated once within the caps) for what the cell reader
    silently turns into blanks: error values (#REF!), formulas saved without their results, and
    merged cells in the heading row or the data. Adds located errors; returns the columns covered
    by merged headings."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    merged_columns: set[int] = set()
    merges: list[tuple[int, int, int, int]] = []

    def scan(segment: bytes) -> None:
        if b"<f" in segment or b't="e"' in segment:
            for m in _CELL.finditer(segment):
                attrs, inner = m.group(1), m.group(2) or b""
                ref = _REF.search(attrs)
                if ref is None:
                    continue
                row, col = int(ref.group(2)), _column_index(ref.group(1))
                if row < raw.header_row or (row > raw.header_row and col not in raw.headers):
                    continue
                kind = _TYPE.search(attrs)
                cell_type = kind.group(1) if kind else b"n"
                value = _VALUE.search(inner)
                if cell_type == b"e":
                    text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
                    if text.upper() != "#N/A":  # "nothing here", as case-system exports write it
                        found.setdefault("error-value", []).append((row, col, text))
                elif b"<f" in inner and (
                    value is None or (not value.group(1) and cell_type not in (b"str", b"inlineStr"))
                ):
                    found.setdefault("formula-without-value", []).append((row, col, ""))
        if b"<mergeCell" in segment:
            for m in _MERGE.finditer(segment):
                c1, r1, c2, r2 = _column_index(m.group(1)), int(m.group(2)), _column_index(m.group(3)), int(m.group(4))
                merges.append((r1, c1, r2, c2))

    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            part = _sheet_part(zf, raw.sheet or "")
            if part is None:
                return merged_columns
            if "clean" in source.inspected and part in source.inspected["clean"]:
                return merged_columns  # inflated once already: no formula, error cell or merged range
            with zf.open(part) as fp:
                buffer = b""
                while chunk := fp.read(_SCAN_CHUNK):
                    buffer += chunk
                    cut = buffer.rfind(b"</row>")
                    if cut < 0 and len(buffer) > 4 * _SCAN_CHUNK:
                        cut = buffer.rfind(b"</c>")
                    if cut >= 0:
                        scan(buffer[:cut])
                        buffer = buffer[cut:]
                scan(buffer)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return merged_columns  # the cell reader has already read this part; nothing more to learn
    where: dict[str, Any] = {"sheet": raw.sheet}
    for r1, c1, r2, c2 in sorted(merges):
        if r2 < raw.header_row or (r1, c1) == (r2, c2):
            continue
        span = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        if r1 <= raw.header_row:
            merged_columns.update(range(c1, c2 + 1))
            found.setdefault("merged-header", []).append((r1, c1, span))
        else:
            found.setdefault("merged-cells", []).append((r1, c1, span))
    messages: dict[str, Callable[[str, str], str]] = {
        "error-value": lambda ref, v: f"Cell {ref} shows {v}, an Excel error, not a value. Correct the "
        "formula or type the value, then upload again.",
        "formula-without-value": lambda ref, _v: f"Cell {ref} holds a formula whose result was not saved "
        "(the file was not last saved by Excel). Open it in Excel, save it and upload again.",
        "merged-header": lambda ref, v: f"Heading cells {v} are merged. Unmerge them so that each column "
        "has its own heading.",
        "merged-cells": lambda ref, v: f"Cells {v} are merged, so only {ref} holds a value. Unmerge them "
        "and fill in every row.",
    }
    for code, cells_found in found.items():
        for row, col, value in sorted(cells_found)[:ISSUES_PER_PROBLEM]:
            ref = f"{column_letter(col)}{row}"
            report.add(code, messages[code](ref, value), row=row, column=raw.headers.get(col),
                       column_letter=column_letter(col), value=value or None, **where)
        if len(cells_found) > ISSUES_PER_PROBLEM:
            report.add(code, f"... and {len(cells_found) - ISSUES_PER_PROBLEM:,} more cell(s) with the "
                       "same problem.", **where)
    return merged_columns


def _check_cells(raw: RawTable, report: LoadReport, merged: set[int]) -> RawTable | None:
    """Strip control characters (warning), refuse error values, over-long cells and merged cells
    (errors, each located), and warn of values under a blank heading. None if any cell was refused."""
    table = raw.table
    where: dict[str, Any] = {"sheet": raw.sheet}
    stripped, first_stripped = 0, None
    too_long: list[tuple[int, int, str]] = []
    errors: list[tuple[int, int, str]] = []
    rows = table.column("_row")
    headers = dict(raw.headers)
    for name, header in raw.headers.items():
        clean = re.sub(_CONTROL, "", header)
        if clean != header:
            stripped += 1
            first_stripped = first_stripped or (raw.header_row, name)
            headers[name] = clean.strip()
    for position, name in enumerate(table.column_names):
        if name == "_row":
            continue
        index = int(name[1:])
        column = table.column(name)
        if column.null_count == len(column):
            continue
        may_control, may_error, may_long = _may_hold(column)
        dirty = pc.match_substring_regex(column, _CONTROL) if may_control else None
        count = (pc.sum(dirty).as_py() or 0) if dirty is not None else 0
        if count:
            stripped += count
            first_row = rows[pc.index(dirty, True).as_py()].as_py()
            first_stripped = min(first_stripped or (first_row, index), (first_row, index))
            table = table.set_column(position, name, pc.replace_substring_regex(column, _CONTROL, ""))
            column = table.column(name)
        if index not in raw.headers:
            if column.null_count < len(column) and index not in merged:
                report.add(
                    "column-without-heading",
                    f"Column {column_letter(index)} has values but no heading in row {raw.header_row}; "
                    "it was not read.",
                    severity=WARNING, row=raw.header_row, column_letter=column_letter(index), **where,
                )
            continue
        long_mask = pc.greater(pc.utf8_length(column), MAX_CELL_CHARS) if may_long else None
        if long_mask is not None and pc.any(long_mask).as_py():
            for i in pc.indices_nonzero(pc.fill_null(long_mask, False)).to_pylist():
                too_long.append((rows[i].as_py(), index, str(column[i].as_py())))
        error_mask = pc.is_in(column, pa.array(sorted(EXCEL_ERRORS))) if may_error else None
        if error_mask is not None and pc.any(error_mask).as_py():
            for i in pc.indices_nonzero(pc.fill_null(error_mask, False)).to_pylist():
                errors.append((rows[i].as_py(), index, str(column[i].as_py())))
    if stripped and first_stripped:
        row, col = first_stripped
        report.add(
            "control-characters-removed",
            f"{stripped:,} cell(s) held invisible control characters, which were removed (the first in "
            f"cell {column_letter(col)}{row}).",
            severity=WARNING, row=row, column=headers.get(col), column_letter=column_letter(col), **where,
        )
    for row, col, text in sorted(errors)[:ISSUES_PER_PROBLEM]:
        report.add(
            "error-value",
            f"Cell {column_letter(col)}{row} shows {text}, an Excel error, not a value. Correct the "
            "formula or type the value, then upload again.",
            row=row, column=headers.get(col), column_letter=column_letter(col), value=text, **where,
        )
    for row, col, text in sorted(too_long)[:ISSUES_PER_PROBLEM]:
        report.add(
            "cell-too-long",
            f"Cell {column_letter(col)}{row} holds {len(text):,} characters; a cell may hold at most "
            f"{MAX_CELL_CHARS:,} (Excel's own limit). Shorten it.",
            row=row, column=headers.get(col), column_letter=column_letter(col), value=text[:40] + "...",
            **where,
        )
    if any(i.severity == ERROR for i in report.issues):
        return None
    return RawTable(raw.sheet, raw.header_row, headers, table, raw.date1904)


def _may_hold(column: pa.ChunkedArray) -> tuple[bool, bool, bool]:
    """Whether a text column may hold a control character, an Excel error value ('#' anywhere)
    or a value over MAX_CELL_CHARS, judged from its raw buffers in a few vectorised passes: the
    exact (slower) Arrow checks run only where this says so. Never a false "no"."""
    control = error = long = False
    for chunk in column.chunks:
        if not pa.types.is_string(chunk.type) and not pa.types.is_large_string(chunk.type):
            return True, True, True
        buffers = chunk.buffers()
        if buffers[2] is None:
            continue
        data = np.frombuffer(buffers[2], np.uint8)
        low = data[(data < 32) | (data == 127)]
        control = control or bool(np.any((low != 9) & (low != 10) & (low != 13)))
        error = error or bool(np.any(data == ord("#")))
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(buffers[1], width)[chunk.offset : chunk.offset + len(chunk) + 1]
        long = long or (len(offsets) > 1 and int(np.max(np.diff(offsets))) > MAX_CELL_CHARS)
    return control, error, long


def has_errors(report: LoadReport) -> bool:
    return any(i.severity == ERROR for i in report.issues)
