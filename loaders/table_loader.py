"""The shape every small-table loader shares (KPI extracts, comparators, the KPI catalogue): check
the uploader may load this kind (loaders.upload_scope), check the file, find its header row, read
its rows into dicts collecting located issues, check each row's service area against the uploader's,
then either stop (dry run or any error: nothing written, a rejection recorded) or write in one
transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import duckdb

from loaders import upload_scope
from loaders.report import WARNING, LoadReport, column_letter
from loaders.workbook import RawTable, Score, Source, find_table, inspect_file
from loaders.writer import kill_point, locked, record_load
from qa_data import db
from qa_data.scope import Scope
from qa_data.vocab import normalise_label

Rows = list[dict[str, Any]]
Reader = Callable[[RawTable, LoadReport, duckdb.DuckDBPyConnection], Rows]
# write(cursor, report, rows, loaded_by), plus areas=... (keyword) when the uploader's areas limit it
Writer = Callable[..., None]
Check = Callable[[duckdb.DuckDBPyConnection, RawTable, LoadReport, Rows, tuple[str, ...]], None]
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
    scope: Scope | None = None,
    lookup: Mapping[str, str] | None = None,
    check_stored: Check | None = None,
) -> LoadReport:
    """Run one small-table load: `read(raw, report, cursor)` returns the rows the file would write
    (adding issues to the report); `write(cursor, report, rows, loaded_by)` writes them in one
    transaction and sets the outcome. Rejections are recorded in `loads` (in a dry run only with
    `record_rejected`). Never raises for bad input.

    `scope` is the uploader (None: no limit, see loaders.upload_scope). When it limits the areas,
    rows outside them are errors (located through `lookup`, the loader's heading -> field map),
    `check_stored(cursor, raw, report, rows, areas)` adds errors for stored rows outside them that
    the file would replace, and `write` gets `areas=` to replace only within them."""
    report = LoadReport(file=source.name, kind=kind)
    report.sha256 = hashlib.sha256(source.data).hexdigest()
    areas = upload_scope.upload_areas(report, kind, scope)
    raw = None
    if report.valid and inspect_file(source, report):
        raw = find_table(source, score, report, min_score=min_score)
    cur = db.cursor(con)
    try:
        rows = read(raw, report, cur) if raw is not None else []
        if areas is not None and raw is not None:
            index = find_column(raw, lookup or {}, "service_area")
            upload_scope.check_row_areas(report, rows, areas, sheet=raw.sheet, index=index,
                                         column=None if index is None else raw.headers.get(index))
            if check_stored is not None and report.valid:
                check_stored(cur, raw, report, rows, areas)
        report.rows_read = len(rows)
        report.sort_issues()
        report.preview = rows[:PREVIEW_ROWS]
        if dry_run or not report.valid:
            report.outcome = "checked" if report.valid else "rejected"
            if not report.valid and (record_rejected or not dry_run):
                locked(cur, report, loaded_by, lambda: record_load(cur, report, loaded_by=loaded_by))
            return report
        kill_point("table:validated")
        limit = {} if areas is None else {"areas": areas}
        locked(cur, report, loaded_by, lambda: write(cur, report, rows, loaded_by, **limit))
        return report
    finally:
        cur.close()


def find_column(raw: RawTable, lookup: Mapping[str, str], name: str) -> int | None:
    """The sheet column holding field `name`: the first heading `lookup` maps to it (as map_columns)."""
    return next((i for i, h in sorted(raw.headers.items()) if lookup.get(normalise_label(h)) == name), None)


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
