"""The shape every small-table loader shares (KPI extracts, comparators, the KPI catalogue): check
the file, find its header row, read its rows into dicts collecting located issues, then either stop
(dry run or any error: nothing written, a rejection recorded) or write in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import duckdb

from loaders.report import WARNING, LoadReport, column_letter
from loaders.workbook import RawTable, Score, Source, find_table, inspect_file
from loaders.writer import kill_point, locked, record_load
from qa_data import db
from qa_data.vocab import normalise_label

Rows = list[dict[str, Any]]
Reader = Callable[[RawTable, LoadReport, duckdb.DuckDBPyConnection], Rows]
Writer = Callable[[duckdb.DuckDBPyConnection, LoadReport, Rows, str], None]
PREVIEW_ROWS = 10


def load_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    kind: str,
    score: Score,
    read: Reader,
    write: Writer,
    loaded_by: str,
    dry_run: bool,
    record_rejected: bool,
    min_score: int = 2,
) -> LoadReport:
    """Run one small-table load: `read(raw, report, cursor)` returns the rows the file would write
    (adding issues to the report); `write(cursor, report, rows, loaded_by)` writes them in one
    transaction and sets the outcome. Rejections are recorded in `loads` (in a dry run only with
    `record_rejected`). Never raises for bad input."""
    report = LoadReport(file=source.name, kind=kind)
    report.sha256 = hashlib.sha256(source.data).hexdigest()
    raw = find_table(source, score, report, min_score=min_score) if inspect_file(source, report) else None
    cur = db.cursor(con)
    try:
        rows = read(raw, report, cur) if raw is not None else []
        report.rows_read = len(rows)
        report.sort_issues()
        report.preview = rows[:PREVIEW_ROWS]
        if dry_run or not report.valid:
            report.outcome = "checked" if report.valid else "rejected"
            if not report.valid and (record_rejected or not dry_run):
                locked(cur, report, loaded_by, lambda: record_load(cur, report, loaded_by=loaded_by))
            return report
        kill_point("table:validated")
        locked(cur, report, loaded_by, lambda: write(cur, report, rows, loaded_by))
        return report
    finally:
        cur.close()


def map_columns(
    raw: RawTable,
    report: LoadReport,
    lookup: Mapping[str, str],
    required: Iterable[str],
    labels: Mapping[str, str] | None = None,
    *,
    warn_unknown: bool = False,
) -> dict[str, int]:
    """Which sheet column holds each field: the first heading that `lookup` (normalised heading ->
    field) recognises. Adds a missing-column error for each `required` field not found (named by
    `labels`, else in words), and with `warn_unknown` an unknown-column warning for other headings."""
    columns: dict[str, int] = {}
    for index, header in sorted(raw.headers.items()):
        name = lookup.get(normalise_label(header))
        if name and name not in columns:
            columns[name] = index
        elif warn_unknown:
            report.add("unknown-column", f'Column {column_letter(index)} "{header}" was ignored.', severity=WARNING,
                       sheet=raw.sheet, row=raw.header_row, column=header, column_letter=column_letter(index))
    for name in required:
        if name not in columns:
            label = (labels or {}).get(name) or name.replace("_", " ").capitalize()
            report.add("missing-column", f'The required column "{label}" is missing from the header row '
                       f"(row {raw.header_row}).", sheet=raw.sheet, row=raw.header_row, column=label)
    return columns
