"""Writing a validated file: the `loads` record and the replace-what-changed rule, in one
transaction that is rolled back on any exception (including Streamlit's rerun interruption,
which is not an `Exception`), under the database's write lock (`locked`: one upload at a time).

`kill_point(name)` marks the moments the durability tests SIGKILL a load at; it does nothing unless
the environment variable QA_INSIGHT_KILL_AT names that point (tests only, see tests/test_durability.py).

The audit trail (issue 6): `insert_load` also appends the upload's audit trail entry, so every
loader that writes its `loads` record inside its transaction records the upload in the same
transaction: a load rolled back (or killed) leaves neither its rows nor its entry. One entry per
upload, by outcome: `upload` (accepted, nothing stored was replaced), `replace` (accepted, and
`rows_replaced` stored rows were replaced: the replacement is the upload's own entry, not a second
one), `upload_rejected` and `upload_unchanged`; `reflection` for a reflection sheet saved through
the audit loader (`trail_action`). Target: the kind of upload; rows: the rows written (0 when
rejected or unchanged); detail: file name, sha256, load id, the counts, and for a rejection the
number of errors and the first error codes, never a cell value (cells hold child ids and names).

Conflicts: the write lock serialises uploads, commentary and backups, but not sign-ins, sign-outs
and exports, which append to the trail without it. So an upload can still lose the race for the
next entry (its commit fails with duckdb.TransactionException, or its insert with a
ConstraintException when the other entry committed first); `locked` then runs the whole write again,
up to TRAIL_RETRIES times. Across processes it cannot happen: DuckDB lets one process open the file
for writing.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from loaders.report import LoadReport
from qa_data import audit_trail
from qa_data.write_lock import CODE as IN_PROGRESS
from qa_data.write_lock import UploadInProgress, write_lock

KILL_AT = "QA_INSIGHT_KILL_AT"
TRAIL_RETRIES = 3  # attempts at a write that loses the race for the next audit trail entry
FIRST_CODES = 5  # a rejection's entry names this many distinct error codes, in the report's order
# The audit trail action of the uploads written in this context instead of upload/replace/...
_TRAIL_ACTION: ContextVar[str | None] = ContextVar("trail_action", default=None)
_OUTCOME_ACTIONS = {"rejected": "upload_rejected", "unchanged": "upload_unchanged"}

# Columns that say where a row came from, not what it says: a re-saved file that only moves rows
# does not count as a change.
_PROVENANCE = frozenset({"source_sheet", "source_row", "load_id"})


@dataclass(frozen=True)
class ChildRows:
    """Rows of another table that belong to the staged keys (an audit's agreed actions): compared
    with what is stored under those keys and replaced with their parent rows, in the same
    transaction. `columns` include the parent key, not `load_id`; identifiers come from the
    calling loader's constants."""

    table: str
    columns: tuple[str, ...]
    rows: pa.Table


def kill_point(name: str) -> None:
    """Test hook, inert unless QA_INSIGHT_KILL_AT is set: SIGKILL this process when the load reaches
    the point `name` (QA_INSIGHT_KILL_AT=name), or `ms` milliseconds after it (name@ms), so that a
    kill can land inside DuckDB's commit."""
    target = os.environ.get(KILL_AT)
    if not target or target.partition("@")[0] != name:
        return
    delay = int(target.partition("@")[2] or 0) / 1000
    if delay:
        threading.Timer(delay, _die).start()
    else:
        _die()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def locked(cur: duckdb.DuckDBPyConnection, report: LoadReport, loaded_by: str, write: Callable[[], None]) -> None:
    """Run `write` (which writes `report`'s upload, `loads` record included) holding the database's
    write lock. When another upload holds it, write nothing and add the `upload-in-progress` error
    (outcome "not loaded"): the refused attempt is not recorded in `loads`, since recording it
    would be a write without the lock that a backup in progress relies on."""
    try:
        with write_lock(cur, who=loaded_by):
            kill_point("locked")
            for attempt in range(1, TRAIL_RETRIES + 1):
                try:
                    write()
                    break
                except (duckdb.TransactionException, duckdb.ConstraintException):
                    # Lost the race for the next audit trail entry to a sign-in or an export
                    # (nothing of this attempt was kept): write it all again.
                    if attempt == TRAIL_RETRIES:
                        raise
            kill_point("written")
    except UploadInProgress as busy:
        report.add(IN_PROGRESS, str(busy))
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0


def rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction on `cur`; a commit that failed has rolled back already."""
    # "no transaction is active" after a failed commit: the commit's own exception is the one to raise
    with contextlib.suppress(duckdb.TransactionException):
        cur.execute("rollback")


@contextmanager
def trail_action(action: str) -> Iterator[None]:
    """Record the uploads written inside the `with` block (in this thread) under the audit trail
    action `action` (e.g. "reflection") whatever their outcome."""
    if action not in audit_trail.ACTIONS:
        raise ValueError(f"unknown audit trail action {action!r}")
    token = _TRAIL_ACTION.set(action)
    try:
        yield
    finally:
        _TRAIL_ACTION.reset(token)


def _clip(text: str | None) -> str | None:
    return text if text is None or len(text) <= audit_trail.MAX_TEXT else text[: audit_trail.MAX_TEXT - 3] + "..."


def record_upload(cur: duckdb.DuckDBPyConnection, report: LoadReport, loaded_by: str) -> audit_trail.Entry:
    """Append `report`'s audit trail entry on `cur`, inside the caller's transaction (see the module
    docstring). Only labels and counts: file name, kind, sha256, load id, row and issue counts, and
    the codes of the first errors; never an issue's value or message (they quote cells)."""
    action = _TRAIL_ACTION.get() or _OUTCOME_ACTIONS.get(report.outcome) or (
        "replace" if report.rows_replaced else "upload")
    codes = list(dict.fromkeys(i.code for i in report.errors))
    detail: dict[str, str | int | None] = {
        "kind": report.kind,
        "file_name": _clip(report.file),
        "sha256": report.sha256 or "",
        "load_id": report.load_id,
        "outcome": report.outcome,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_replaced": report.rows_replaced,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
    }
    if codes:
        detail["error_codes"] = ",".join(codes[:FIRST_CODES])
    return audit_trail.record(cur, actor=loaded_by, action=action, target=report.kind, rows=report.rows_loaded,
                              detail=detail)


def new_load_id() -> str:
    return f"L{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"


def insert_load(cur: duckdb.DuckDBPyConnection, report: LoadReport, loaded_by: str) -> None:
    """Write the `loads` row for `report` on `cur`, and its audit trail entry (`record_upload`),
    inside the caller's transaction, once the report's outcome and counts are set."""
    report.load_id = report.load_id or new_load_id()
    cur.execute(
        """
        insert into loads (load_id, file_name, sha256, kind, loaded_by, loaded_at, sheet,
                           rows_read, rows_loaded, rows_replaced, outcome, errors, warnings,
                           issues_json)
        values (?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            report.load_id, report.file, report.sha256 or "", report.kind, loaded_by,
            report.sheet, report.rows_read, report.rows_loaded, report.rows_replaced,
            report.outcome, len(report.errors), len(report.warnings),
            json.dumps([i.as_dict() for i in report.issues]),
        ],
    )
    record_upload(cur, report, loaded_by)


def record_load(cur: duckdb.DuckDBPyConnection, report: LoadReport, *, loaded_by: str) -> None:
    """Record an upload that wrote no data (rejected or unchanged) in `loads`."""
    cur.execute("begin transaction")
    try:
        insert_load(cur, report, loaded_by)
        kill_point("record:before-commit")
        cur.execute("commit")
    except BaseException:
        rollback(cur)
        raise


def replace_rows(
    cur: duckdb.DuckDBPyConnection,
    report: LoadReport,
    *,
    loaded_by: str,
    table: str,
    key: str,
    columns: tuple[str, ...],
    staged: str,
    staged_keys: str,
    children: tuple[ChildRows, ...] = (),
) -> None:
    """Write the staged rows that are new or differ from what is stored, replacing stored rows
    with the same `key`, with the `loads` record, in one transaction. `staged_keys` is a cheap
    relation holding the staged keys. A key whose `children` rows differ from the stored ones
    counts as changed too; its stored children are replaced with the staged ones. Identifiers
    come from the calling loader's constants, never from a file. Sets the report's outcome and
    counts."""
    compare = ", ".join(c for c in columns if c not in _PROVENANCE)
    cols = ", ".join(columns)
    staged_children = [f"staged_child_{i}" for i in range(len(children))]
    for name, child in zip(staged_children, children, strict=True):
        cur.register(name, child.rows)
    cur.execute("begin transaction")
    try:
        kill_point("replace:begun")
        staged_in = f"{key} in (select {key} from {staged_keys})"  # noqa: S608
        existing = _count(cur, f"{table} where {staged_in}")
        existing += sum(_count(cur, f"{c.table} where {staged_in}") for c in children)
        if existing == 0:
            # The usual monthly upload: nothing stored under these keys, so no need to compare (nor
            # to keep the keys in a table for the comparison).
            changed, replaced, where = _count(cur, f"(select distinct {key} from {staged_keys})"), 0, ""  # noqa: S608
        else:
            cur.execute(
                f"create or replace temp table file_keys as select distinct {key} from {staged_keys}"  # noqa: S608
            )
            in_file = f"{key} in (select {key} from file_keys)"  # noqa: S608
            differ = [f"select {key} from (select {compare} from {staged} "  # noqa: S608
                      f"except select {compare} from {table} where {in_file})"]
            for name, child in zip(staged_children, children, strict=True):
                c_cols = ", ".join(c for c in child.columns if c not in _PROVENANCE)
                stored = f"select {c_cols} from {child.table} where {in_file}"  # noqa: S608
                differ += [
                    f"select {key} from (select {c_cols} from {name} except {stored})",  # noqa: S608
                    f"select {key} from ({stored} except select {c_cols} from {name})",  # noqa: S608
                ]
            cur.execute(
                "create or replace temp table changed_keys as select distinct * from ("  # noqa: S608
                + " union all ".join(differ) + ")"
            )
            changed = _count(cur, "changed_keys")
            row = cur.execute(
                f"select count(*) from {table} where {key} in (select {key} from changed_keys)"  # noqa: S608
            ).fetchone()
            replaced = int(row[0]) if row else 0
            where = f"where {key} in (select {key} from changed_keys)"  # noqa: S608
        if changed == 0:
            report.outcome = "unchanged"
        else:
            report.outcome, report.rows_loaded, report.rows_replaced = "loaded", changed, replaced
        insert_load(cur, report, loaded_by)
        kill_point("replace:recorded")
        if changed:
            if where:
                cur.execute(f"delete from {table} {where}")  # noqa: S608
                kill_point("replace:deleted")
            cur.execute(
                f"insert into {table} ({cols}, load_id) select {cols}, ? from {staged} {where}",  # noqa: S608
                [report.load_id],
            )
            kill_point("replace:inserted")
            for name, child in zip(staged_children, children, strict=True):
                c_cols = ", ".join(child.columns)
                if where:
                    cur.execute(f"delete from {child.table} {where}")  # noqa: S608
                    kill_point("replace:children-deleted")
                cur.execute(
                    f"insert into {child.table} ({c_cols}, load_id) "  # noqa: S608
                    f"select {c_cols}, ? from {name} {where}",
                    [report.load_id],
                )
                kill_point("replace:children-inserted")
        kill_point("replace:before-commit")
        cur.execute("commit")
    except BaseException:
        rollback(cur)
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise
    finally:
        for name in staged_children:
            cur.unregister(name)


def replace_months(
    cur: duckdb.DuckDBPyConnection,
    report: LoadReport,
    *,
    loaded_by: str,
    table: str,
    staged: str,
    content: str,
    columns: str,
    in_months: str,
    months: list[Any],
    areas: tuple[str, ...] | None = None,
) -> None:
    """Replace every stored row of `table` in the months a file covers (`in_months`, a condition on
    `$months`) with the `staged` rows: `replace_covered` for one table."""
    replace_covered(cur, report, loaded_by=loaded_by, parts=((table, staged, content, columns),),
                    covered=in_months, params={"months": months}, areas=areas)


def replace_covered(
    cur: duckdb.DuckDBPyConnection,
    report: LoadReport,
    *,
    loaded_by: str,
    parts: tuple[tuple[str, str, str, str], ...],
    covered: str,
    params: dict[str, Any],
    areas: tuple[str, ...] | None = None,
) -> None:
    """Replace the stored rows a file covers with its staged rows, with the `loads` record, in one
    transaction. `parts` are (table, staged relation, compared columns, inserted columns); `covered`
    is the condition, on `params`, that picks the rows the file covers (the months of a plan, the
    surveys it names), in both the table and the staged rows. "unchanged" (only the record written)
    when the covered rows already hold exactly these rows. With `areas` (the uploader's, see
    loaders.upload_scope) only the covered rows of those service areas are compared and replaced.
    Inserted columns get the new load id. Identifiers come from the calling loader's constants,
    never from a file. Sets the report's outcome and counts."""
    params = dict(params)
    if areas is not None:
        covered = f"({covered}) and list_contains($areas, service_area)"
        params["areas"] = list(areas)
    cur.execute("begin transaction")
    try:
        changed = 0
        for table, staged, content, _ in parts:
            for a, b in ((staged, table), (table, staged)):
                row = cur.execute(
                    f"select count(*) from (select {content} from {a} where {covered} "  # noqa: S608
                    f"except all select {content} from {b} where {covered})",
                    params,
                ).fetchone()
                changed += int(row[0]) if row else 0
        report.outcome = "loaded" if changed else "unchanged"
        report.rows_loaded = report.rows_read if changed else 0
        if changed:
            report.rows_replaced = sum(_count(cur, f"{table} where {covered}", params) for table, *_ in parts)
        insert_load(cur, report, loaded_by)
        if changed:
            for table, staged, _, columns in parts:
                cur.execute(f"delete from {table} where {covered}", params)  # noqa: S608
                cur.execute(
                    f"insert into {table} ({columns}, load_id) select {columns}, ? from {staged}",  # noqa: S608
                    [report.load_id],
                )
        cur.execute("commit")
    except BaseException:
        rollback(cur)
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise


def _count(cur: duckdb.DuckDBPyConnection, relation: str, params: dict[str, Any] | None = None) -> int:
    row = cur.execute(f"select count(*) from {relation}", params).fetchone()  # noqa: S608
    return int(row[0]) if row else 0
