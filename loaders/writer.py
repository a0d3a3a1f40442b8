"""Writing a validated file: the `loads` record and the replace-what-changed rule, in one
transaction that is rolled back on any exception (including Streamlit's rerun interruption,
which is not an `Exception`), under the database's write lock (`locked`: one upload at a time).

`kill_point(name)` marks the moments the durability tests SIGKILL a load at; it does nothing unless
the environment variable QA_INSIGHT_KILL_AT names that point (tests only, see tests/test_durability.py).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from loaders.report import LoadReport
from qa_data.write_lock import CODE as IN_PROGRESS
from qa_data.write_lock import UploadInProgress, write_lock

KILL_AT = "QA_INSIGHT_KILL_AT"

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
            write()
            kill_point("written")
    except UploadInProgress as busy:
        report.add(IN_PROGRESS, str(busy))
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0


def new_load_id() -> str:
    return f"L{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"


def insert_load(cur: duckdb.DuckDBPyConnection, report: LoadReport, loaded_by: str) -> None:
    """Write the `loads` row for `report` on `cur`, inside the caller's transaction."""
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


def record_load(cur: duckdb.DuckDBPyConnection, report: LoadReport, *, loaded_by: str) -> None:
    """Record an upload that wrote no data (rejected or unchanged) in `loads`."""
    cur.execute("begin transaction")
    try:
        insert_load(cur, report, loaded_by)
        kill_point("record:before-commit")
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
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
        cur.execute(
            f"create or replace temp table file_keys as select distinct {key} from {staged_keys}"  # noqa: S608
        )
        in_file = f"{key} in (select {key} from file_keys)"  # noqa: S608
        row = cur.execute(f"select count(*) from {table} where {in_file}").fetchone()  # noqa: S608
        existing = int(row[0]) if row else 0
        existing += sum(_count(cur, f"{c.table} where {in_file}") for c in children)
        if existing == 0:
            # The usual monthly upload: nothing stored under these keys, so no need to compare.
            changed, replaced, where = _count(cur, "file_keys"), 0, ""
        else:
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
        cur.execute("rollback")
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise
    finally:
        for name in staged_children:
            cur.unregister(name)


def _count(cur: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = cur.execute(f"select count(*) from {relation}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0
