"""The upload history: every load attempt, accepted, unchanged or rejected."""

from __future__ import annotations

import duckdb
import pandas as pd

from qa_data import queries


def load_history(con: duckdb.DuckDBPyConnection, *, limit: int = 200) -> pd.DataFrame:
    """One row per upload, newest first: `loaded_at`, `file_name`, `kind`, `loaded_by`,
    `outcome` (loaded, unchanged, rejected), `rows_read`, `rows_loaded`, `rows_replaced`,
    `errors`, `warnings`, `sha256`."""
    return queries.frame(con, "load_history", limit=limit)
