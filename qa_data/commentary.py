"""Analysts' short commentary on a generated report: per report, quarter, service area (or the whole
council) and field, with who wrote it and when. The Cabinet key data summary prints it beside the
figures it explains.

Writing is scope-checked: a user may write commentary only for the service areas in their `Scope`,
and council-wide commentary only when they see every area (it speaks for all of them). Reading is
scoped the same way.

Every save is recorded in the audit trail (action `commentary`, in the save's transaction): who,
when, which report, quarter, area and field, and the text's length, never the text itself (free
text may name a child).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from qa_data import audit_trail, db, periods
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS
from qa_data.write_lock import write_lock

COUNCIL_WIDE = "Council-wide"
REPORTS = ("cabinet", "qpc", "sef")
FIELDS = ("headline", "audits", "kpis", "voice", "actions", "plans")
MAX_LENGTH = 2_000  # short commentary: a paragraph, not a report
CONFLICT_RETRIES = 3  # attempts at a save that loses the race for the next audit trail entry


class CommentaryRefused(PermissionError):
    """The user may not write commentary for that area."""


@dataclass(frozen=True)
class Comment:
    report: str
    quarter: date
    service_area: str
    field: str
    text: str
    written_by: str
    written_at: datetime


def _may_see(scope: Scope, area: str) -> bool:
    if area == COUNCIL_WIDE:
        return set(SERVICE_AREAS) <= set(scope.service_areas)
    return area in scope.service_areas


def may_write(scope: Scope, area: str) -> bool:
    """Whether `scope` may write commentary for `area` (council-wide: only with the right in every area)."""
    if area == COUNCIL_WIDE:
        return set(SERVICE_AREAS) <= set(scope.areas_for("write_commentary"))
    return scope.may("write_commentary", area)


def _check(report: str, area: str, field: str) -> None:
    if report not in REPORTS:
        raise ValueError(f"report must be one of {REPORTS}, not {report!r}")
    if area != COUNCIL_WIDE and area not in SERVICE_AREAS:
        raise ValueError(f"unknown service area {area!r}")
    if field not in FIELDS:
        raise ValueError(f"field must be one of {FIELDS}, not {field!r}")


def set_commentary(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: Scope,
    report: str,
    quarter: date,
    service_area: str,
    field: str,
    text: str,
    now: datetime | None = None,
) -> None:
    """Save `text` as the commentary for (report, the quarter holding `quarter`, service_area, field),
    replacing any earlier text, in one transaction; blank text removes it. Records `scope.user` and
    the time. Raises CommentaryRefused unless the user may write commentary for the area (council-wide
    needs that right in every area), ValueError for an unknown report, area or field, or text over MAX_LENGTH, and
    qa_data.write_lock.UploadInProgress (saving nothing) while an upload holds the write lock."""
    _check(report, service_area, field)
    if not may_write(scope, service_area):
        raise CommentaryRefused(f"{scope.user} may not write commentary for {service_area}")
    body = text.strip()
    if len(body) > MAX_LENGTH:
        raise ValueError(f"commentary is {len(body)} characters; keep it under {MAX_LENGTH}")
    key = [report, periods.quarter_start(quarter), service_area, field]
    cur = db.cursor(con)
    try:
        with write_lock(cur, who=scope.user):
            for attempt in range(1, CONFLICT_RETRIES + 1):
                try:
                    _save(cur, key, body, scope.user, now or datetime.now())
                    break
                except (duckdb.TransactionException, duckdb.ConstraintException):
                    # A sign-in or an export (which do not take the write lock) took the next audit
                    # trail entry first; nothing of this attempt was kept.
                    if attempt == CONFLICT_RETRIES:
                        raise
    finally:
        cur.close()


def _save(cur: duckdb.DuckDBPyConnection, key: list[object], body: str, user: str, now: datetime) -> None:
    cur.execute("begin transaction")
    try:
        if body:
            cur.execute(
                "insert into report_commentary (report, quarter_start, service_area, field, text, "
                "written_by, written_at) values (?, ?, ?, ?, ?, ?, ?) "
                "on conflict (report, quarter_start, service_area, field) do update set "
                "text = excluded.text, written_by = excluded.written_by, written_at = excluded.written_at",
                [*key, body, user, now],
            )
        else:
            cur.execute(
                "delete from report_commentary "
                "where report = ? and quarter_start = ? and service_area = ? and field = ?",
                key,
            )
        report, quarter, area, field = key
        audit_trail.record(
            cur, actor=user, action="commentary", target=f"{report} {quarter:%Y-%m-%d} {area} {field}", rows=1,
            detail={"report": str(report), "quarter": f"{quarter:%Y-%m-%d}", "service_area": str(area),
                    "field": str(field), "characters": len(body), "removed": not body},
        )
        cur.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):  # a failed commit rolled back already
            cur.execute("rollback")
        raise


def get_commentary(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, report: str, quarter: date
) -> dict[tuple[str, str], Comment]:
    """The commentary saved for `report` and the quarter holding `quarter`, keyed by (service area,
    field), for the areas the user may see (council-wide only when they see every area)."""
    cur = db.cursor(con)
    try:
        rows = cur.execute(
            "select service_area, field, text, written_by, written_at from report_commentary "
            "where report = ? and quarter_start = ? order by service_area, field",
            [report, periods.quarter_start(quarter)],
        ).fetchall()
    finally:
        cur.close()
    q = periods.quarter_start(quarter)
    return {
        (area, field): Comment(report, q, area, field, text, by, at)
        for area, field, text, by, at in rows
        if _may_see(scope, area)
    }
