"""The action tracker loader: one monthly snapshot of the actions raised from audits and thematic
reviews (the framework's post-quality activity, section 8), one row per action.

Every upload is kept as a snapshot, so a burn-up shows what each month's tracker recorded. The
snapshot date is the `snapshot_date` option; by default it is the latest raised or completed date
in the file (the last thing that happened; due dates are plans, not events), or `today` when the
file has neither. Same rules as the other loaders: every problem located, any error rejects the
file and writes nothing, loading the same snapshot twice changes nothing, a corrected re-upload of
a snapshot date replaces that snapshot.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells
from loaders.report import LoadReport, column_letter
from loaders.table_loader import load_table, map_columns
from loaders.workbook import RawTable, Source
from loaders.writer import insert_load, rollback
from qa_data import vocab
from qa_data.scope import Scope

KIND = "actions"
STATUSES = {
    "not started": "Not started",
    "new": "Not started",
    "open": "Not started",
    "not yet started": "Not started",
    "in progress": "In progress",
    "in hand": "In progress",
    "ongoing": "In progress",
    "started": "In progress",
    "progressing": "In progress",
    "underway": "In progress",
    "completed": "Completed",
    "complete": "Completed",
    "done": "Completed",
    "closed": "Completed",
    "overdue": "Overdue",
    "over due": "Overdue",
    "late": "Overdue",
    "past due": "Overdue",
    "overdue in progress": "Overdue",
    "overdue not started": "Overdue",
}
_ALIASES = {
    "action_id": ("action id", "action ref", "action reference", "action no", "action number", "ref", "id"),
    "source": ("source", "raised from", "audit id", "audit or review", "origin", "source audit"),
    "service_area": ("service area", "area", "service"),
    "owner": ("owner", "action owner", "responsible", "lead", "assigned to"),
    "raised_date": ("raised date", "date raised", "raised", "date opened", "opened"),
    "due_date": ("due date", "date due", "due", "target date", "deadline"),
    "status": ("status", "rag status", "progress status"),
    "completed_date": ("completed date", "date completed", "completed", "closed date", "date closed"),
    "latest_update": ("latest update", "update", "progress update", "comments", "notes", "latest progress"),
}
REQUIRED = ("action_id", "source", "service_area", "owner", "raised_date", "due_date", "status")
LABELS = {n: a[0].capitalize() for n, a in _ALIASES.items()}
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}
_COLUMNS = (
    "action_id",
    "source",
    "service_area",
    "owner",
    "raised_date",
    "due_date",
    "status",
    "completed_date",
    "latest_update",
    "source_sheet",
    "source_row",
)
_TYPES = (
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.date32(),
    pa.date32(),
    pa.string(),
    pa.date32(),
    pa.string(),
    pa.string(),
    pa.int32(),
)
# What a re-upload is compared on: the content, not where rows sit in the file.
_CONTENT = ", ".join(c for c in _COLUMNS if c not in ("source_sheet", "source_row"))


def header_score(headers: list[str]) -> int:
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP)


def canonical_status(text: str | None) -> str | None:
    """'Not started', 'In progress', 'Completed' or 'Overdue' from a status as typed, else None."""
    return STATUSES.get(vocab.normalise_label(text or "").replace("-", " ").replace("/", " "))


def load_actions(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    scope: Scope | None = None,
    dry_run: bool = False,
    record_rejected: bool = False,
    snapshot_date: date | None = None,
    today: date | None = None,
    progress: Any = None,
) -> LoadReport:
    """Validate an action tracker and, unless `dry_run` or it has errors, write it as the snapshot
    for `snapshot_date` (default: see the module docstring) into `action_snapshots` and `actions`."""

    def write(cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], by: str) -> None:
        _write(cur, report, rows, by, snapshot_date or default_snapshot(rows, today or date.today()))

    return load_table(
        con,
        source,
        kind=KIND,
        score=header_score,
        read=_read,
        write=write,
        loaded_by=loaded_by,
        dry_run=dry_run,
        record_rejected=record_rejected,
        scope=scope,
    )


def default_snapshot(rows: list[dict[str, Any]], today: date) -> date:
    """The latest raised or completed date in the rows, else `today`."""
    return max((d for r in rows for d in (r["raised_date"], r["completed_date"]) if d is not None), default=today)


def _read(raw: RawTable, report: LoadReport, cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = map_columns(raw, report, _LOOKUP, REQUIRED, LABELS)
    if not report.valid:
        return []
    table = raw.table.to_pydict()
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(table["_row"]):
        cell = {n: table[f"c{idx}"][i] for n, idx in columns.items()}
        if all(cells.is_blank(v) for v in cell.values()):
            continue

        def bad(code: str, message: str, name: str, row: int = row, cell: dict[str, Any] = cell) -> None:
            idx = columns[name]
            report.add(
                code,
                message,
                sheet=raw.sheet,
                row=row,
                column=raw.headers.get(idx),
                column_letter=column_letter(idx),
                value=None if cell[name] is None else str(cell[name]),
            )

        record: dict[str, Any] = {
            n: cells.clean_text(cell.get(n)) for n in ("action_id", "source", "owner", "latest_update")
        }
        for name in ("action_id", "source"):
            if record[name] is None:
                bad("missing-value", f'"{LABELS[name]}" is blank; every action needs one.', name)
        action_id = record["action_id"]
        if action_id is not None:
            if action_id in seen:
                bad("duplicate-key", f"Action {action_id} is already on row {seen[action_id]}.", "action_id")
            else:
                seen[action_id] = row
        area = vocab.canonical_service_area(cell["service_area"] or "")
        if area is None:
            bad(
                "unknown-service-area",
                f'"{cell["service_area"]}" is not a service area. Use one of: {", ".join(vocab.SERVICE_AREAS)}.',
                "service_area",
            )
        status = canonical_status(cell["status"])
        if status is None:
            bad(
                "unknown-status",
                f'"{cell["status"]}" is not a status. Use Not started, In progress, Completed or Overdue.',
                "status",
            )
        for name in ("raised_date", "due_date", "completed_date"):
            if name not in columns:
                record[name] = None
                continue
            try:
                record[name] = cells.parse_date(cell[name], date1904=raw.date1904)
            except ValueError:
                bad("bad-date", f'"{cell[name]}" is not a date (day first, e.g. 03/04/2026).', name)
                record[name] = None
                continue
            if record[name] is None and name != "completed_date":
                bad("missing-value", f'"{LABELS[name]}" is blank; every action needs one.', name)
        record.update(service_area=area, status=status, source_sheet=raw.sheet, source_row=row)
        out.append(record)
    return out if report.valid else []


def _write(
    cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], loaded_by: str, snapshot: date
) -> None:
    cur.register(
        "new_actions", pa.table({c: pa.array([r[c] for r in rows], t) for c, t in zip(_COLUMNS, _TYPES, strict=True)})
    )
    cur.execute("begin transaction")
    try:
        row = cur.execute("select count(*) from actions where snapshot_date = ?", [snapshot]).fetchone()
        existing = int(row[0]) if row else 0
        row = cur.execute(
            f"select count(*) from ((select {_CONTENT} from new_actions except "  # noqa: S608 - constants
            f"select {_CONTENT} from actions where snapshot_date = $s) union all "
            f"(select {_CONTENT} from actions where snapshot_date = $s except "
            f"select {_CONTENT} from new_actions))",
            {"s": snapshot},
        ).fetchone()
        changed = existing == 0 or (int(row[0]) if row else 0) > 0
        report.outcome = "loaded" if changed else "unchanged"
        report.rows_loaded = len(rows) if changed else 0
        report.rows_replaced = existing if changed else 0
        insert_load(cur, report, loaded_by)
        if changed:
            cur.execute("delete from actions where snapshot_date = ?", [snapshot])
            cur.execute("delete from action_snapshots where snapshot_date = ?", [snapshot])
            cur.execute(
                "insert into action_snapshots (snapshot_date, load_id, file_name, actions) values (?, ?, ?, ?)",
                [snapshot, report.load_id, report.file, len(rows)],
            )
            cur.execute(
                f"insert into actions (snapshot_date, {', '.join(_COLUMNS)}, audit_id, load_id) "  # noqa: S608
                f"select $s, {', '.join('n.' + c for c in _COLUMNS)}, a.audit_id, $load "
                "from new_actions as n left join audits as a on a.audit_id = n.source",
                {"s": snapshot, "load": report.load_id},
            )
        cur.execute("commit")
    except BaseException:
        rollback(cur)
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise
