"""Reading a spreadsheet or CSV into a `RawTable` of text cells that keeps Excel's positions:
`find_table` looks on every visible sheet for the header row within the first rows and keeps the
sheet and row whose headers the caller's `score` recognises best, read with fastexcel (Rust, Arrow) in a
memory-capped process (loaders.parse_worker)
as text, one column `c<N>` per sheet column N, plus `_row`, the row number Excel shows."""

from __future__ import annotations

import csv
import io

import pyarrow as pa

from loaders import parse_worker
from loaders.cell_checks import MAX_CELL_CHARS, check_cells, scan_sheet_xml
from loaders.report import WARNING, LoadReport
from loaders.source import HEADER_SEARCH_ROWS, RawTable, Score, Source, max_rows
from loaders.xlsx_parts import workbook_date1904


def find_table(source: Source, score: Score, report: LoadReport, *, min_score: int = 2) -> RawTable | None:
    """Find and read the data block whose header row `score`s best; None (with an error) if no
    sheet has a recognisable header row within its first rows."""
    if source.is_csv:
        return _read_csv(source, score, report, min_score)
    try:
        sheets = parse_worker.read_sheets(source.data, max_rows() + HEADER_SEARCH_ROWS)
    except parse_worker.ReadFailed as exc:
        report.add("unreadable-workbook", f"The workbook could not be read: {exc}", value=source.name)
        return None
    except parse_worker.ReaderDied:
        report.add("workbook-too-large-to-read", too_large_to_read(), value=source.name)
        return None
    # Each sheet is parsed once, whole: calamine parses a sheet in full even for a few rows, so
    # probing for the header and then reading again would double the cost.
    best: tuple[int, int, str, dict[int, str], pa.RecordBatch, tuple[int, ...]] | None = None
    for sheet in sheets:
        if not sheet.readable:
            continue  # an unreadable side sheet must not hide the data sheet
        if not sheet.visible:
            _warn_if_hidden_data(sheet, score, min_score, report)
            continue
        if sheet.batch is None:  # taller than the limit: read_sheets left its cells out
            report.add(
                "too-many-rows",
                f"Sheet '{sheet.name}' has {sheet.total_height:,} rows; at most {max_rows():,} "
                "are accepted in one file. Split it by month.",
                sheet=sheet.name,
            )
            return None
        batch, indexes, sheet_name = sheet.batch, sheet.indexes, sheet.name
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
    merged = scan_sheet_xml(source, raw, report)
    return check_cells(raw, report, merged)


def too_large_to_read() -> str:
    """What a QAL is told when the reader's process died reading their workbook."""
    return (f"The workbook could not be read within the memory allowed ({parse_worker.memory_limit() >> 20:,} MiB): "
            "it names cells far beyond its data, or is too large. Copy the data sheet into a new "
            "workbook (or save it as CSV) and upload that.")


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
    return check_cells(raw, report, set())




def _warn_if_hidden_data(sheet: parse_worker.ParsedSheet, score: Score, min_score: int, report: LoadReport) -> None:
    """Policy: a hidden sheet is never read. When it has the headings the loader looks for, say so."""
    if sheet.batch is None:
        return
    name = sheet.name
    head = sheet.batch.slice(0, HEADER_SEARCH_ROWS).to_pydict()
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
