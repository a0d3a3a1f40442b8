"""The audit trail: who signed in, uploaded, replaced, exported or changed a user, when, and how many
rows, written in the same transaction as the change it records (issue 6).

Append-only with a hash chain. `record` is the only writer: it appends one entry inside the caller's
transaction, so a rolled-back change leaves no entry and a committed change always has one. Each
entry's hash is sha256(previous hash + canonical JSON of the entry). DuckDB cannot forbid UPDATE or
DELETE on a table, so this module offers neither and `verify` detects them: an edited column, a
deleted, inserted or reordered entry each break the chain at a sequence number.

Limits, stated plainly: the chain has no secret, so someone who can write the database file and
recomputes every later hash can rewrite history undetected, and deleting the newest entries leaves a
valid shorter chain. Both are caught by comparing with a head (seq, hash) noted outside the database,
e.g. in the backup log: `verify(con, expected_head=...)`.

Never child data: `detail` is a flat dict of plain values whose keys may not look like child
identifiers or names (see `check_detail`); file names, report names, usernames and counts are fine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from qa_data import db
from qa_data.scope import Scope

GENESIS = "0" * 64  # the prev_hash of the first entry
ACTIONS = frozenset({
    "sign_in", "sign_in_failed", "sign_out", "session_expired",
    "upload", "upload_rejected", "upload_unchanged", "replace", "export",
    "user_add", "user_change", "user_disable", "password_set",
    "commentary", "reflection", "backup", "restore",
})  # fmt: skip
MAX_TEXT = 500  # detail values and targets are labels, not documents
# Key fragments that name a child (or a case) or a person's name; the keys are lower-cased with
# non-letters removed before matching, so child_ref, ChildID and child-unique-id are all caught.
_CHILD_KEY = re.compile(r"child|pupil|person|upn|nhs|birth|dob|caseref|caseid|casenumber|mosaic|name")
_NAME_KEYS_ALLOWED = frozenset({"filename", "sheetname", "username", "displayname", "reportname"})
COLUMNS = ("seq", "occurred_at", "actor", "action", "target", "rows", "detail", "prev_hash", "hash")


class AuditTrailError(ValueError):
    """An entry that may not be written (unknown action, child-like detail, no transaction)."""


@dataclass(frozen=True)
class Problem:
    """A broken link: the first sequence number where the chain no longer holds, and why."""

    seq: int
    kind: str  # edited, missing, chain-broken, unexpected-head
    message: str


@dataclass(frozen=True)
class Entry:
    seq: int
    hash: str


def check_detail(detail: dict[str, Any]) -> None:
    """Raise AuditTrailError unless `detail` is a flat dict of str keys and str/int/float/bool/None
    values, no key names a child identifier or a name, and no text is over MAX_TEXT characters."""
    if not isinstance(detail, dict):
        raise AuditTrailError(f"detail must be a dict, not {type(detail).__name__}")
    for key, value in detail.items():
        if not isinstance(key, str) or not key:
            raise AuditTrailError(f"detail keys must be non-empty text, not {key!r}")
        folded = re.sub(r"[^a-z]", "", key.lower())
        for allowed in _NAME_KEYS_ALLOWED:  # file_name, display_name_before, ... are staff or file labels
            folded = folded.replace(allowed, "")
        if _CHILD_KEY.search(folded):
            raise AuditTrailError(f"detail key {key!r} looks like a child identifier or a name: the audit "
                                  "trail never holds child data")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise AuditTrailError(f"detail {key!r} must be text, a number, true/false or empty, "
                                  f"not {type(value).__name__}")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise AuditTrailError(f"detail {key!r} is {len(value)} characters; keep it under {MAX_TEXT}")


def canonical_detail(detail: dict[str, Any]) -> str:
    """The JSON text stored (and hashed) for a detail dict: sorted keys, no spaces, UTF-8."""
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str, target: str | None,
               rows: int | None, detail_json: str) -> str:
    """sha256 hex of prev_hash + the canonical JSON of the entry's columns (detail as its stored text)."""
    body = json.dumps(
        {"seq": seq, "occurred_at": at.isoformat(timespec="microseconds"), "actor": actor, "action": action,
         "target": target, "rows": rows, "detail": detail_json},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _in_transaction(cur: duckdb.DuckDBPyConnection) -> bool:
    # In autocommit every statement is its own transaction; inside BEGIN ... COMMIT they share one id.
    first = cur.execute("select txid_current()").fetchone()
    second = cur.execute("select txid_current()").fetchone()
    return first is not None and first == second


def record(
    cur: duckdb.DuckDBPyConnection,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    rows: int | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Entry:
    """Append one entry inside the caller's open transaction on `cur` (which must have the `qa`
    catalog selected, as `db.cursor` does), and return its seq and hash. The caller commits or rolls
    back: the entry shares the fate of the change it records.

    Raises AuditTrailError when no transaction is open on `cur`, for an unknown action, an empty
    actor, a time with a time zone, or a detail that fails `check_detail`. Two transactions
    appending at once both take the same `seq` and the later commit fails with
    duckdb.TransactionException, keeping nothing of it: run the whole unit of work again (as
    qa_data.accounts does)."""
    if action not in ACTIONS:
        raise AuditTrailError(f"unknown audit action {action!r}; known: {', '.join(sorted(ACTIONS))}")
    if not actor or not actor.strip():
        raise AuditTrailError("an audit entry needs an actor")
    if target is not None and len(target) > MAX_TEXT:
        raise AuditTrailError(f"target is {len(target)} characters; keep it under {MAX_TEXT}")
    fields = dict(detail or {})
    check_detail(fields)
    if not _in_transaction(cur):
        raise AuditTrailError("record() must run inside the caller's transaction (begin transaction first)")
    when = at or datetime.now()
    if when.tzinfo is not None:  # the column is a plain timestamp: an offset would not survive, nor the hash
        raise AuditTrailError("give the time as a plain (local) datetime, without a time zone")
    last = cur.execute("select seq, hash from audit_trail order by seq desc limit 1").fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    detail_json = canonical_detail(fields)
    digest = entry_hash(prev, seq, when, actor, action, target, rows, detail_json)
    cur.execute(
        "insert into audit_trail (seq, occurred_at, actor, action, target, rows, detail, prev_hash, hash) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, when, actor, action, target, rows, detail_json, prev, digest],
    )
    return Entry(seq=seq, hash=digest)


def record_alone(
    con: duckdb.DuckDBPyConnection,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    rows: int | None = None,
    detail: dict[str, Any] | None = None,
    attempts: int = 3,
) -> Entry:
    """Append one entry in a transaction of its own on `con`, for an event with no other write (an
    export, a backup, a restore): written again when a concurrent sign-in or upload takes the next
    entry first (the later commit fails, keeping nothing), up to `attempts` times. Raises what
    `record` raises."""
    for attempt in range(1, attempts + 1):
        cur = db.cursor(con)
        try:
            cur.execute("begin transaction")
            try:
                entry = record(cur, actor=actor, action=action, target=target, rows=rows, detail=detail)
                cur.execute("commit")
                return entry
            except BaseException:
                with contextlib.suppress(duckdb.TransactionException):  # a failed commit rolled back already
                    cur.execute("rollback")
                raise
        except (duckdb.TransactionException, duckdb.ConstraintException):
            if attempt == attempts:
                raise
        finally:
            cur.close()
    raise AssertionError("unreachable")


def head(con: duckdb.DuckDBPyConnection) -> Entry | None:
    """The newest entry's (seq, hash), to note outside the database (e.g. with a backup) and pass to
    `verify` later; None when the trail is empty."""
    cur = db.cursor(con)
    try:
        row = cur.execute("select seq, hash from audit_trail order by seq desc limit 1").fetchone()
    finally:
        cur.close()
    return Entry(seq=int(row[0]), hash=str(row[1])) if row else None


def verify(con: duckdb.DuckDBPyConnection, *, expected_head: Entry | None = None) -> list[Problem]:
    """Walk the chain in seq order and return its problems, the first broken link first ([] when
    the trail is intact). Kinds: `missing` (a seq absent: an entry deleted, or the first ones),
    `edited` (an entry's columns no longer give its hash), `chain-broken` (its prev_hash is not the
    previous entry's hash: an entry inserted, deleted or reordered before it), `unexpected-head`
    (the newest entry differs from `expected_head`: newer entries deleted or the chain rewritten)."""
    problems: list[Problem] = []
    cur = db.cursor(con)
    try:
        cur.execute("select seq, occurred_at, actor, action, target, rows, detail, prev_hash, hash "
                    "from audit_trail order by seq")
        expected_seq, prev = 1, GENESIS
        last: tuple[int, str] | None = None
        while batch := cur.fetchmany(10_000):
            for seq, at, actor, action, target, rows, detail, prev_hash, stored in batch:
                if seq != expected_seq:
                    gap = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq} to {seq - 1}"
                    problems.append(Problem(expected_seq, "missing", f"entry {gap} is missing before {seq}"))
                if prev_hash != prev:
                    problems.append(Problem(seq, "chain-broken", f"entry {seq} does not follow the entry "
                                            "before it (an entry was inserted, deleted or reordered)"))
                if entry_hash(prev_hash, seq, at, actor, action, target, rows, detail) != stored:
                    problems.append(Problem(seq, "edited", f"entry {seq} was changed after it was written"))
                expected_seq, prev, last = seq + 1, stored, (seq, stored)
    finally:
        cur.close()
    if expected_head is not None and last != (expected_head.seq, expected_head.hash):
        newest = f"entry {last[0]}" if last else "no entry"
        problems.append(Problem(expected_head.seq, "unexpected-head",
                                f"the trail ends at {newest}, not at entry {expected_head.seq} as noted"))
    return problems


class TrailRefused(PermissionError):
    """The user may not read the audit trail."""


def entries(
    con: duckdb.DuckDBPyConnection,
    *,
    by: Scope,
    limit: int = 200,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> pd.DataFrame:
    """The newest `limit` entries matching every filter given, newest first, for the administrator's
    page. Columns: seq, occurred_at, actor, action, target, rows, detail (the JSON text). Filters are exact,
    except `since` (inclusive) and `until` (exclusive). Raises TrailRefused unless `by` may
    `view_audit_trail`."""
    if not by.may("view_audit_trail"):
        raise TrailRefused(f"{by.user} may not read the audit trail")
    cur = db.cursor(con)
    try:
        return cur.execute(
            """
            select seq, occurred_at, actor, action, target, rows, detail::varchar as detail
            from audit_trail
            where ($actor is null or actor = $actor)
              and ($action is null or action = $action)
              and ($target is null or target = $target)
              and ($since is null or occurred_at >= $since)
              and ($until is null or occurred_at < $until)
            order by seq desc
            limit $limit
            """,
            {"actor": actor, "action": action, "target": target, "since": since, "until": until,
             "limit": max(int(limit), 0)},
        ).df()
    finally:
        cur.close()
