"""Named SQL: one query, one file in qa_data/sql/<name>.sql, run with bound parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from qa_data import db

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def sql(name: str) -> str:
    """The text of qa_data/sql/<name>.sql."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"bad query name {name!r}")
    return resources.files("qa_data").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _bind(text: str, params: dict[str, Any]) -> dict[str, Any]:
    wanted = set(_PARAM.findall(text))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query needs parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in wanted}


@contextmanager
def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> Iterator[duckdb.DuckDBPyConnection]:
    """Execute the named query on a fresh cursor (connections are shared across threads), closed
    after the caller has read the result."""
    text = sql(name)
    cur = db.cursor(con)
    try:
        yield cur.execute(text, _bind(text, params))
    finally:
        cur.close()


def frame(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run the named query and return its rows as a DataFrame."""
    with _run(con, name, params) as result:
        return result.df()


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run the named query and return its rows as tuples."""
    with _run(con, name, params) as result:
        return result.fetchall()
