"""Cells that cannot be trusted, after the parse: what the cell reader silently turns into blanks
(error values, formulas saved without results, merged cells: `scan_sheet_xml` reads the sheet's XML
for them), and per-cell checks on the parsed text (`check_cells`: control characters, error values,
over-long cells, values under a blank heading)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.report import ERROR, WARNING, LoadReport, column_letter
from loaders.source import RawTable, Source
from loaders.xlsx_parts import column_index, sheet_part

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; a longer cell (a CSV's) is refused
EXCEL_ERRORS = frozenset({"#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
ISSUES_PER_PROBLEM = 50  # located issues listed per problem before one summary line
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # C0 controls and DEL; tab and line breaks are kept
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')
_SCAN_CHUNK = 1 << 20


def scan_sheet_xml(source: Source, raw: RawTable, report: LoadReport) -> set[int]:
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
                row, col = int(ref.group(2)), column_index(ref.group(1))
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
                c1, r1, c2, r2 = column_index(m.group(1)), int(m.group(2)), column_index(m.group(3)), int(m.group(4))
                merges.append((r1, c1, r2, c2))

    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            part = sheet_part(zf, raw.sheet or "")
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




def check_cells(raw: RawTable, report: LoadReport, merged: set[int]) -> RawTable | None:
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

