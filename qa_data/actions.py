"""Action plans: the actions raised from audits and thematic reviews, as each monthly tracker
snapshot recorded them (the framework's post-quality activity, section 8).

Every function takes the connection first and the viewer's `Scope` as a keyword argument, and
aggregates in DuckDB (named queries qa_data/sql/actions_*.sql). "Open" is any status but
Completed; "overdue" is open with a due date before `as_of` (whatever the tracker's status says).
Figures for a date `as_of` come from the latest snapshot on or before it.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from qa_data import queries
from qa_data.scope import Scope

AGE_BANDS = ("0-30 days", "31-60 days", "61-90 days", "90+ days")


def latest_snapshot(con: duckdb.DuckDBPyConnection) -> date | None:
    """The date of the latest action tracker snapshot, or None when none was loaded."""
    row = queries.rows(con, "actions_latest_snapshot")[0]
    return row[0]


def action_summary(con: duckdb.DuckDBPyConnection, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """One row per service area in scope (framework order): service_area, open, overdue, completed."""
    return queries.frame(con, "actions_summary", areas=scope.visible(), as_of=as_of)


def burn_up(con: duckdb.DuckDBPyConnection, *, scope: Scope) -> pd.DataFrame:
    """One row per snapshot date, oldest first: snapshot_date, raised (cumulative: actions on that
    tracker), completed (cumulative: of those, Completed), as recorded in each snapshot."""
    return queries.frame(con, "actions_burn_up", areas=scope.visible())


def ageing(con: duckdb.DuckDBPyConnection, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Open actions by days since raised at `as_of`: band (AGE_BANDS, all four, in order), actions."""
    return queries.frame(con, "actions_ageing", areas=scope.visible(), as_of=as_of)


def overdue_list(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, as_of: date, show_names: bool = False
) -> pd.DataFrame:
    """Open actions due before `as_of`, most overdue first: action_id, service_area, owner (None
    unless `show_names`), due_date, days_overdue, status, latest_update."""
    return queries.frame(con, "actions_overdue", areas=scope.visible(), as_of=as_of, show_names=show_names)


def audit_actions(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, audit_id: str, show_names: bool = False
) -> pd.DataFrame:
    """The actions raised from one audit (or thematic review, by its name) in the latest snapshot:
    action_id, service_area, owner (None unless `show_names`), raised_date, due_date, status,
    completed_date, latest_update."""
    return queries.frame(con, "actions_for_audit", areas=scope.visible(), audit_id=audit_id, show_names=show_names)


def action_sources(con: duckdb.DuckDBPyConnection, *, scope: Scope) -> pd.DataFrame:
    """The audits and reviews with actions in the latest snapshot or agreed on a reflection sheet:
    source, is_audit, actions (in the snapshot), agreed (on the sheet)."""
    return queries.frame(con, "actions_sources", areas=scope.visible())


def agreed_actions(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, audit_id: str, show_names: bool = False
) -> pd.DataFrame:
    """The actions agreed on an audit's reflection sheet (audit in scope), in the order written: seq,
    action, owner (None unless `show_names`), due_date."""
    return queries.frame(con, "actions_agreed_for_audit", areas=scope.visible(), audit_id=audit_id,
                         show_names=show_names)
