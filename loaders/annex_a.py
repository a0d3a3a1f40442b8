"""The Annex A loader: Ofsted's child-level Lists 1-11, stored as a snapshot per reference date.

`load_annex_a(con, source)` reads one workbook (every sheet whose header row names a list, whatever
the sheet is called, with title rows above it) or one CSV per list (several sources in one call),
normalises every cell to the canonical columns of `loaders.annex_a_lists`, and writes the snapshot.

**Reference date**: the `reference_date` argument; by default the latest date in the lists except
dates of birth (expected dates for unborn children) and dates after `today` (typing slips): Annex A
is extracted on or just after its last recorded event. Today if there is none. The report says so.

**Snapshots**: one per reference date (`annex-a-YYYY-MM-DD`). An upload replaces the whole snapshot
for its date (every list, even one it lacks: the report warns), in one transaction: loading the
same file twice changes nothing and a corrected file replaces the one it corrects.

**Policy for cells** (set-based: each distinct value of a column is read once in Python and joined
back in DuckDB), by severity:
- error (the upload is rejected and nothing is written): no list recognised; a list without its
  identifier or key date column; two columns or two sheets for the same thing; a row without its
  identifier; a date or number column where most filled cells are not dates or numbers (the columns
  are shifted or mislabelled, so it is not data to keep);
- warning, stored NULL and the cell kept as typed in `annex_a_unparsed_values` (never dropped
  silently): a code not in the list's code list, a date or number that cannot be read, a postcode
  that is not one; also an unknown column (not read), a missing template column (stored NULL), a
  list not in the upload, and lists of the replaced snapshot that the upload lacks;
- info: "nothing here" markers (`#N/A`, `N/A`, `-`) stored NULL; ages with decimals stored as the
  age at last birthday; sheets that hold no list.
Warnings come one per column and problem, with the count and the first rows.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells, parse_worker, upload_scope, workbook
from loaders.annex_a_lists import LISTS, Column, ListSpec, header_key, header_score, identify, normalise_code
from loaders.report import ERROR, INFO, WARNING, LoadReport, column_letter
from loaders.sheet_reader import too_large_to_read
from loaders.workbook import RawTable, Source
from loaders.writer import insert_load, kill_point, locked, record_load, rollback
from qa_data import db, kpi_results
from qa_data.scope import Scope

KIND = "annex_a"
ROW_ISSUES = 50  # errors listed row by row up to this many per column, then summarised
EXAMPLES = 3
MOSTLY_BAD = 0.5  # share of a date or number column's filled cells that makes it an error
PROBLEMS = {"date": "bad-date", "code": "unknown-code", "int": "bad-number", "age": "bad-number",
            "postcode": "bad-postcode"}
_KEPT = " The cells as typed are kept for review."
_MESSAGES = {
    "placeholder": '{total} cell(s) hold a "nothing here" marker ({shown}); stored blank.',
    "age-rounded": "{total} age(s) have decimals ({shown}); stored as the age at last birthday.",
    "bad-date": "{total} cell(s) are not dates ({shown}); stored blank. Write dates as dd/mm/yyyy." + _KEPT,
    "bad-number": "{total} cell(s) are not whole numbers ({shown}); stored blank." + _KEPT,
    "bad-postcode": "{total} cell(s) are not UK postcodes ({shown}); stored blank." + _KEPT,
    "unknown-code": '{total} cell(s) are not codes for "{header}" ({shown}); stored blank.' + _KEPT,
}
_SQL_TYPE = {"date": "date", "int": "integer", "age": "integer"}  # others varchar
_VALUE = {"date": "v_date", "int": "v_int", "age": "v_int"}  # others v_text
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_WHOLE_ID = re.compile(r"^(\d+)\.0+$")


@dataclass
class _Found:
    spec: ListSpec
    raw: RawTable
    where: str  # the sheet, or the CSV file, as the user knows it
    columns: dict[str, int]  # canonical column -> sheet column index
    rows: int = 0

    @property
    def n(self) -> int:
        return self.spec.number


def load_annex_a(
    con: duckdb.DuckDBPyConnection,
    source: Source | Sequence[Source],
    *,
    reference_date: date | None = None,
    loaded_by: str = "unknown",
    dry_run: bool = False,
    record_rejected: bool = False,
    today: date | None = None,
    scope: Scope | None = None,
) -> LoadReport:
    """Validate an Annex A upload (a workbook, or one CSV per list) and, unless `dry_run` or it has
    errors, store it as the snapshot for its reference date (see the module docstring). Returns the
    report; its `preview` has one row per list found (`list`, `title`, `sheet`, `rows`). Rejected
    uploads are recorded in `loads` (in a dry run only with `record_rejected`). Never raises for bad
    input; raises duckdb errors only for a broken database. Annex A is council-wide: with a `scope`
    that may not upload in every service area it is rejected unread (loaders.upload_scope)."""
    sources = [source] if isinstance(source, Source) else list(source)
    report = LoadReport(file=", ".join(s.name for s in sources), kind=KIND)
    report.sha256 = _sha256(sources)
    upload_scope.upload_areas(report, KIND, scope)
    found = _read(sources, report) if report.valid else []
    cur = db.cursor(con)
    try:
        for item in found:
            _stage(cur, item, report)
        report.rows_read = sum(item.rows for item in found)
        order = {item.where: k for k, item in enumerate(found)}  # file-wide issues first, then by list
        report.issues.sort(key=lambda i: (-1 if i.sheet is None else order.get(i.sheet, len(order)), i.row or 0,
                                          len(i.column_letter or ""), i.column_letter or ""))
        if found and report.valid and report.rows_read == 0:
            report.add("empty-file", "The lists have headings but no rows under them.")
        report.preview = [{"list": i.n, "title": i.spec.title, "sheet": i.where, "rows": i.rows} for i in found]
        if report.valid and found:
            reference_date = reference_date or _default_reference_date(cur, found, report, today or date.today())
        if not report.valid or reference_date is None:
            report.outcome = "rejected"
            if not dry_run or record_rejected:
                locked(cur, report, loaded_by, lambda: record_load(cur, report, loaded_by=loaded_by))
        elif dry_run:
            report.outcome = "checked"
        else:
            kill_point("annex_a:validated")
            date_ = reference_date
            locked(cur, report, loaded_by, lambda: _write(cur, found, report, date_, loaded_by))
        return report
    finally:
        cur.close()


def _sha256(sources: list[Source]) -> str:
    """The file's hash; for several files, the hash of their names and hashes."""
    hashes = sorted(f"{s.name}:{hashlib.sha256(s.data).hexdigest()}" for s in sources)
    return hashes[0].split(":")[-1] if len(hashes) == 1 else hashlib.sha256("\n".join(hashes).encode()).hexdigest()



def _read(sources: list[Source], report: LoadReport) -> list[_Found]:
    found: list[_Found] = []
    for source in sources:
        if not workbook.inspect_file(source, report):
            continue
        if source.is_csv:
            raw = workbook.find_table(source, header_score, report, min_score=1)  # 0 unless a list is named
            hit = identify(raw.headers.values()) if raw is not None else None
            tables = [(raw, hit[0], source.name)] if raw is not None and hit else []
        else:
            prefix = f"{source.name}: " if len(sources) > 1 else ""
            tables = [(raw, spec, prefix + (raw.sheet or "")) for raw, spec in _workbook_lists(source, report)]
        for raw, spec, where in tables:
            seen = next((f for f in found if f.spec.number == spec.number), None)
            if seen is not None:
                report.add("duplicate-list", f"'{where}' and '{seen.where}' both hold List {spec.number} "
                           f"({spec.title}); upload one of them.", sheet=where, row=raw.header_row)
                continue
            found.append(_Found(spec, raw, where, _map_columns(raw, spec, where, report)))
    if not found and report.valid:
        report.add("no-annex-a-list", "No sheet or file has the headings of an Annex A list (List 1 "
                   "contacts to List 11 adopters). Check the headings row.", value=report.file)
    missing = [s.number for s in LISTS if s.number not in {f.spec.number for f in found}]
    if found and missing:
        report.add("list-not-supplied", f"List(s) {', '.join(map(str, missing))} are not in this upload; "
                   "the snapshot will have no rows for them.", severity=WARNING)
    found.sort(key=lambda f: f.spec.number)
    return found


def _workbook_lists(source: Source, report: LoadReport) -> list[tuple[RawTable, ListSpec]]:
    """Every visible sheet whose header row (within the first rows) names a list. Each sheet is
    parsed once, whole, with fastexcel, as `workbook.find_table` does for one best sheet."""
    try:
        sheets = parse_worker.read_sheets(source.data, workbook.max_rows() + workbook.HEADER_SEARCH_ROWS)
    except parse_worker.ReadFailed as exc:
        report.add("unreadable-workbook", f"The workbook could not be read: {exc}", value=source.name)
        return []
    except parse_worker.ReaderDied:
        report.add("workbook-too-large-to-read", too_large_to_read(), value=source.name)
        return []
    date1904 = workbook.workbook_date1904(source.data)
    out: list[tuple[RawTable, ListSpec]] = []
    ignored: list[str] = []
    for sheet in sheets:
        name = sheet.name
        if not sheet.readable:  # an unreadable side sheet must not hide the lists
            ignored.append(name)
            continue
        if not sheet.visible:
            continue
        if sheet.batch is None:
            report.add("too-many-rows", f"Sheet '{name}' has {sheet.total_height:,} rows; at most "
                       f"{workbook.max_rows():,} are accepted in one list.", sheet=name)
            continue
        batch, indexes = sheet.batch, sheet.indexes
        values = list(batch.slice(0, workbook.HEADER_SEARCH_ROWS).to_pydict().values())
        best: tuple[int, int, ListSpec, dict[int, str]] | None = None
        for r in range(min(workbook.HEADER_SEARCH_ROWS, batch.num_rows)):
            headers = {indexes[k]: str(values[k][r]).strip() for k in range(len(indexes))
                       if values[k][r] is not None and str(values[k][r]).strip()}
            hit = identify(headers.values())
            if hit and (best is None or hit[1] > best[0]):
                best = (hit[1], r, hit[0], headers)
        if best is None:
            ignored.append(name)
            continue
        _, r, spec, headers = best
        body = batch.slice(r + 1)
        arrays = {f"c{index}": body.column(k) for k, index in enumerate(indexes)}
        arrays["_row"] = pa.array(range(r + 2, r + 2 + body.num_rows), pa.int32())  # as Excel numbers rows
        out.append((RawTable(name, r + 1, headers, pa.table(arrays), date1904), spec))
    if ignored and out:
        report.add("sheets-ignored", f"Sheet(s) {', '.join(ignored)} hold no Annex A list and were not read.",
                   severity=INFO, value=source.name)
    return out


def _map_columns(raw: RawTable, spec: ListSpec, where: str, report: LoadReport) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in sorted(raw.headers.items()):
        name = spec.lookup.get(header_key(header))
        at: dict[str, Any] = {"sheet": where, "row": raw.header_row, "column": header,
                              "column_letter": column_letter(index)}
        if name is None:
            report.add("unknown-column", f'Column {column_letter(index)} "{header}" is not a List {spec.number} '
                       "column; it was not read.", severity=WARNING, **at)
        elif name in columns:
            report.add("duplicate-column", f'Columns {column_letter(columns[name])} and {column_letter(index)} '
                       f'both hold "{spec.column(name).header}"; keep one.', **at)
        else:
            columns[name] = index
    for col in spec.columns:
        if col.name in columns or col.optional:
            continue
        report.add("missing-column", f'List {spec.number} ({spec.title}) has no "{col.header}" column'
                   + ("." if col.required else "; it is stored blank."),
                   severity=ERROR if col.required else WARNING, sheet=where, row=raw.header_row, column=col.header)
    return columns



def _parse(column: Column, value: str, date1904: bool) -> tuple[str | None, date | None, int | None, str | None]:
    """(text, date, number, flag) for one distinct cell value; flag is a PROBLEMS code, 'placeholder'
    or 'age-rounded', or None."""
    if cells.is_blank(value):
        return None, None, None, "placeholder"
    kind = column.kind
    try:
        if kind == "date":
            return None, cells.parse_date(value, date1904=date1904), None, None
        if kind == "code":
            return normalise_code(column.codes or "", value), None, None, None
        if kind in ("int", "age"):
            number = float(value.replace(",", ""))
            low = -1 if kind == "age" else 0
            if not math.isfinite(number) or number < low or number > 999 or (kind == "int" and number % 1):
                raise ValueError(value)
            return None, None, math.floor(number), "age-rounded" if number % 1 else None
        if kind == "postcode":
            m = _POSTCODE.match(re.sub(r"\s+", "", value.upper()))
            if not m:
                raise ValueError(value)
            return f"{m.group(1)} {m.group(2)}", None, None, None
        if kind == "id":
            text = value.strip()
            return (m.group(1) if (m := _WHOLE_ID.match(text)) else text), None, None, None
        return cells.clean_text(value) or None, None, None, None
    except ValueError:
        return None, None, None, PROBLEMS[kind]


def _stage(cur: duckdb.DuckDBPyConnection, item: _Found, report: LoadReport) -> None:
    """Stage one list's rows (`aa_stage_<n>`), read each distinct value once (`aa_map_<n>`), report
    what could not be read, and build the rows to store (`aa_out_<n>`) and the cells kept as typed
    (`aa_flag_<n>`). Identifiers in SQL come from the list specification, never from the file."""
    n, spec, raw = item.n, item.spec, item.raw
    data = [c for c in raw.table.column_names if c != "_row"]
    cur.register("aa_raw", raw.table)
    filled = " or ".join(f"nullif(trim({c}), '') is not null" for c in data) or "false"
    picks = "".join(f", nullif(trim(c{i}), '') as {name}" for name, i in item.columns.items())
    cur.execute(f"create or replace temp table aa_stage_{n} as select _row{picks} from aa_raw where {filled}")  # noqa: S608
    cur.unregister("aa_raw")
    item.rows = _scalar(cur, f"select count(*) from aa_stage_{n}") or 0  # noqa: S608
    if not item.columns:
        return  # every heading was a duplicate: already an error
    by_name = {c.name: c for c in spec.columns}
    distinct = cur.execute(
        f"select distinct col, raw from (unpivot aa_stage_{n} on columns(* exclude (_row)) "  # noqa: S608
        "into name col value raw)"
    ).fetchall()
    rows = [(col, by_name[col].header, raw_value, *_parse(by_name[col], raw_value, raw.date1904))
            for col, raw_value in distinct]
    names = ("col", "header", "raw", "v_text", "v_date", "v_int", "flag")
    types = (pa.string(), pa.string(), pa.string(), pa.string(), pa.date32(), pa.int32(), pa.string())
    cur.register(f"aa_map_{n}", pa.table({k: pa.array([r[i] for r in rows], t)
                                          for i, (k, t) in enumerate(zip(names, types, strict=True))}))
    join = "left join aa_map_{n} as m_{c} on m_{c}.col = '{c}' and m_{c}.raw = s.{c}"
    joins = " ".join(join.format(n=n, c=c) for c in item.columns)
    outs = ", ".join(
        f"m_{c.name}.{_VALUE.get(c.kind, 'v_text')} as {c.name}" if c.name in item.columns
        else f"null::{_SQL_TYPE.get(c.kind, 'varchar')} as {c.name}" for c in spec.columns
    )
    cur.execute(f"create or replace temp table aa_out_{n} as select ?::varchar as source_sheet, "  # noqa: S608
                f"s._row as source_row, {outs} from aa_stage_{n} as s {joins}", [item.where])
    cur.execute(
        f"create or replace temp table aa_flag_{n} as select u.col, m.header, u._row, u.raw, m.flag "  # noqa: S608
        f"from (unpivot aa_stage_{n} on columns(* exclude (_row)) into name col value raw) as u "
        f"join aa_map_{n} as m using (col, raw) where m.flag is not null"
    )
    _report_cells(cur, item, report)


def _report_cells(cur: duckdb.DuckDBPyConnection, item: _Found, report: LoadReport) -> None:
    n, key = item.n, item.spec.key
    if key in item.columns:  # a row without its identifier (blank, or a marker such as #N/A)
        label = item.spec.column(key).header
        _row_errors(report, item, key, cur.execute(
            f"select s._row, s.{key} from aa_stage_{n} as s left join aa_map_{n} as m "  # noqa: S608
            f"on m.col = '{key}' and m.raw = s.{key} where m.v_text is null order by s._row").fetchall(),
            "missing-value", lambda _v: f"{label} is blank; every row needs one.")
    filled = dict(cur.execute(  # cells per column that hold something other than a "nothing here" marker
        f"select col, count(*) from (unpivot aa_stage_{n} on columns(* exclude (_row)) into name col value raw) "  # noqa: S608
        f"where (col, raw) not in (select (col, raw) from aa_map_{n} where flag = 'placeholder') group by col"
    ).fetchall())
    for col, flag, total, rows, values in cur.execute(
        f"select col, flag, count(*), list(_row order by _row)[1:{EXAMPLES}], "  # noqa: S608
        f"list(raw order by _row)[1:{EXAMPLES}] from aa_flag_{n} where col <> ? group by col, flag "
        "order by min(_row), col", [key]
    ).fetchall():
        if flag in ("bad-date", "bad-number") and total > MOSTLY_BAD * filled.get(col, 0):
            what = "dates" if flag == "bad-date" else "numbers"
            _row_errors(report, item, col, cur.execute(
                f"select _row, raw from aa_flag_{n} where col = ? and flag = ? order by _row",  # noqa: S608
                [col, flag]).fetchall(), flag,
                lambda v, w=what: f'"{v}" is not one of the {w} this column should hold, and neither are most '
                "of its cells: check it is under the right heading.")
            continue
        shown = ", ".join(f'row {r} "{_as_shown(v)}"' for r, v in zip(rows, values, strict=True))
        message = _MESSAGES[flag].format(total=total, shown=shown, header=item.spec.column(col).header)
        report.add(flag, message, severity=INFO if flag in ("placeholder", "age-rounded") else WARNING,
                   **_where(item, col, rows[0], values[0]))


def _row_errors(report: LoadReport, item: _Found, col: str, rows: list[tuple[Any, ...]], code: str,
                message: Any) -> None:
    for row, value in rows[:ROW_ISSUES]:
        report.add(code, message(_as_shown(value)), **_where(item, col, row, value))
    if len(rows) > ROW_ISSUES:
        report.add(code, f"... and {len(rows) - ROW_ISSUES:,} more row(s) with the same problem in this column.",
                   **_where(item, col, None, None))


def _where(item: _Found, col: str, row: int | None, value: Any) -> dict[str, Any]:
    index = item.columns.get(col)
    return {
        "sheet": item.where, "row": row,
        "column": item.raw.headers.get(index) if index is not None else item.spec.column(col).header,
        "column_letter": column_letter(index) if index is not None else None,
        "value": None if value is None else _as_shown(value),
    }


def _as_shown(value: Any) -> str:
    """A date cell reaches us as '2027-02-01 00:00:00'; say it as Excel shows it: 01/02/2027."""
    return re.sub(r"^(\d{4})-(\d{2})-(\d{2}) 00:00:00$", r"\3/\2/\1", str(value))


def _scalar(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = cur.execute(sql, params or []).fetchone()
    return row[0] if row else None



def _default_reference_date(cur: duckdb.DuckDBPyConnection, found: list[_Found], report: LoadReport,
                            today: date) -> date:
    maps = " union all ".join(f"select col, v_date from aa_map_{f.n}" for f in found)  # noqa: S608
    sql = f"select max(v_date) from ({maps}) where col <> 'date_of_birth' and v_date <= ?"  # noqa: S608
    latest = _scalar(cur, sql, [today])
    chosen = latest or today
    why = "the latest date in the lists" if latest else "today: the lists hold no dates"
    report.add("reference-date", f"Reference date {chosen:%d/%m/%Y} ({why}); give the reference date "
               "when loading to choose another.", severity=INFO, value=chosen.isoformat())
    return chosen


def _write(cur: duckdb.DuckDBPyConnection, found: list[_Found], report: LoadReport, reference_date: date,
           loaded_by: str) -> None:
    """Replace the snapshot for `reference_date` with the staged lists and record the load, in one
    transaction. Table names come from the list specification."""
    snapshot = f"annex-a-{reference_date.isoformat()}"
    rows = {f.n: f.rows for f in found}
    cur.execute("begin transaction")
    try:
        old = cur.execute(f"select {', '.join(f'list_{s.number}_rows' for s in LISTS)} "  # noqa: S608
                          "from annex_a_snapshots where snapshot_id = ?", [snapshot]).fetchone() or ()
        dropped = [n for n, count in enumerate(old, 1) if count is not None and n not in rows]
        if dropped and not any(i.code == "lists-removed" for i in report.issues):  # once, if written again
            report.add("lists-removed", f"The snapshot for {reference_date:%d/%m/%Y} had List(s) "
                       f"{', '.join(map(str, dropped))}, which this upload does not have; the upload replaces the "
                       "whole snapshot, so they are removed.", severity=WARNING)
        for table in [s.table for s in LISTS] + ["annex_a_unparsed_values", "annex_a_snapshots"]:
            cur.execute(f"delete from {table} where snapshot_id = ?", [snapshot])  # noqa: S608
        kill_point("annex_a:deleted")
        report.outcome, report.rows_loaded = "loaded", report.rows_read
        report.rows_replaced = sum(count or 0 for count in old)
        insert_load(cur, report, loaded_by)
        counts = ", ".join(f"list_{s.number}_rows" for s in LISTS)
        cur.execute(
            f"insert into annex_a_snapshots (snapshot_id, reference_date, file_name, sha256, load_id, "  # noqa: S608
            f"loaded_at, {counts}) values (?, ?, ?, ?, ?, current_timestamp{', ?' * len(LISTS)})",
            [snapshot, reference_date, report.file, report.sha256, report.load_id,
             *(rows.get(s.number) for s in LISTS)],
        )
        for f in found:
            cur.execute(f"insert into {f.spec.table} by name select ?::varchar as snapshot_id, * "  # noqa: S608
                        f"from aa_out_{f.n}", [snapshot])
            cur.execute(
                "insert into annex_a_unparsed_values (snapshot_id, list_no, source_sheet, source_row, "  # noqa: S608
                "column_name, header, value, problem) select ?, ?, ?, _row, col, header, raw, flag "
                f"from aa_flag_{f.n} where flag in (select unnest(?))",
                [snapshot, f.n, f.where, sorted(set(PROBLEMS.values()))],
            )
            kill_point(f"annex_a:list-{f.n}")
        kpi_results.compute_snapshot_kpis(cur, snapshot)  # the snapshot's KPI values, in the same transaction
        kill_point("annex_a:before-commit")
        cur.execute("commit")
    except BaseException:
        rollback(cur)
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise
