"""The upload history: every load attempt, accepted, unchanged or rejected."""

from __future__ import annotations

import duckdb
import pandas as pd

from qa_data import queries
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS


def load_history(con: duckdb.DuckDBPyConnection, *, limit: int = 200) -> pd.DataFrame:
    """One row per upload, newest first: `loaded_at`, `file_name`, `kind`, `loaded_by`,
    `outcome` (loaded, unchanged, rejected), `rows_read`, `rows_loaded`, `rows_replaced`,
    `errors`, `warnings`, `sha256`."""
    return queries.frame(con, "load_history", limit=limit)


def visible_history(history: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The uploads in `history` that `scope` may see: all of them for a viewer of every service area,
    otherwise only the viewer's own (a load records no service area, and its file name and uploader
    may name another area's)."""
    if set(SERVICE_AREAS) <= set(scope.service_areas):
        return history
    return history[history["loaded_by"] == scope.user].reset_index(drop=True)
