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
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import defusedxml.ElementTree as SafeET
import fastexcel
import pyarrow as pa
from defusedxml import DefusedXmlException
from isal import isal_zlib  # zlib-compatible inflate, twice as fast: the bomb check inflates every part

from loaders.report import ERROR, WARNING, LoadReport, column_letter

HEADER_SEARCH_ROWS = 30
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_INFLATED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # compressed-to-inflated ratio beyond which a large part is a zip bomb
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
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _inspect_zip(zf, report, source.name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        report.add(
            "not-a-spreadsheet",
            "The file is damaged or not an Excel workbook (it could not be opened as .xlsx).",
            **where,
        )
        return False


def _inspect_zip(zf: zipfile.ZipFile, report: LoadReport, name: str) -> bool:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        report.add(
            "not-a-spreadsheet",
            "The file is a zip archive but not an Excel workbook (no workbook inside).",
            value=name,
        )
        return False
    # The sizes a zip declares can lie, so every part is really inflated (and thrown away) with a
    # running cap before any parser sees it: about 40 ms for a 50,000-row workbook (ISA-L inflate).
    inflated = 0
    for info in infos:
        try:
            size, prolog = _inflate(zf, info, MAX_INFLATED_BYTES - inflated)
        except _DAMAGED:
            report.add(
                "not-a-spreadsheet",
                f"Part {info.filename} of the workbook is damaged; it could not be opened as .xlsx.",
                value=name,
            )
            return False
        inflated += size
        if inflated > MAX_INFLATED_BYTES or (
            size > 10 * 2**20 and size > MAX_RATIO * max(info.compress_size, 1)
        ):
            report.add(
                "zip-bomb",
                f"The workbook expands to more than {inflated / 2**20:.0f} MiB when opened, far "
                "more than its data needs; it was refused unread to protect the server.",
                value=name,
            )
            return False
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            report.add(
                "unsafe-xml",
                f"Part {info.filename} of the workbook declares XML entities, which Excel "
                "never writes; the file was refused as unsafe.",
                value=name,
            )
            return False
    if "xl/vbaProject.bin" in names:
        report.add(
            "macros-ignored",
            "The workbook contains macros. They were not run; only cell values are read.",
            severity=WARNING,
            value=name,
        )
    return True


_CHUNK = 1 << 20
# What a damaged part raises while inflating (isal's error class is untyped in its stubs).
_DAMAGED: tuple[type[Exception], ...] = (
    zlib.error, cast(type[Exception], isal_zlib.IsalError), EOFError, OSError, NotImplementedError,
)
_MAX_PROLOG = 1 << 20


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> tuple[int, bytes]:
    """Inflate one part without keeping it: (real inflated size, up to `budget` + 1 bytes), and
    its XML prolog (everything before the root element, where a DOCTYPE must stand)."""
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
    size, prolog, in_prolog = 0, b"", info.filename.endswith((".xml", ".rels"))
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        data = inflater.unconsumed_tail if inflater is not None and inflater.unconsumed_tail else b""
        if not data:
            data = fp.read(min(_CHUNK, left))
            if not data:
                raise EOFError("truncated part")
            left -= len(data)
        out = inflater.decompress(data, _CHUNK) if inflater is not None else data
        size += len(out)
        if in_prolog:
            prolog, in_prolog = _grow_prolog(prolog, out)
        if size > budget:
            return size, prolog
    while inflater is not None and size <= budget:  # output zlib still holds back
        out = inflater.decompress(b"", _CHUNK)
        if not out:
            break
        size += len(out)
    return size, prolog


_ROOT_START = re.compile(rb"<[A-Za-z_]")


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
    arrays = {f"c{index}": body.column(k) for k, index in enumerate(indexes)}
    first_data_row = header_index + 2  # header_index is 0-based from row 1; Excel counts from 1
    arrays["_row"] = pa.array(range(first_data_row, first_data_row + body.num_rows), pa.int32())
    return RawTable(
        sheet=sheet_name,
        header_row=header_index + 1,
        headers=headers,
        table=pa.table(arrays),
        date1904=workbook_date1904(source.data),
    )


def _too_many_rows(report: LoadReport, rows: int, sheet: str | None) -> None:
    report.add(
        "too-many-rows",
        f"The file has {rows:,} data rows; at most {max_rows():,} are accepted in one file. "
        "Split it by month.",
        sheet=sheet,
    )


def _decode(data: bytes) -> str:
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
    return RawTable(
        sheet=None, header_row=lines[header_index], headers=headers, table=pa.table(arrays)
    )


def has_errors(report: LoadReport) -> bool:
    return any(i.severity == ERROR for i in report.issues)
