"""Content fingerprints of every table in a QA Insight database, to tell "exactly as before" from
"exactly as after" (and from anything between) after an interrupted write or a restore."""

from __future__ import annotations

import duckdb

# Differ between two runs of the same load: the generated load ID, the clock, and the checksum of a
# generated workbook (a saved reflection sheet's workbook records when it was made). The audit trail's
# time, its detail (which names the load ID and checksum) and hashes (over both) differ the same way;
# its seq, actor, action, target and rows still tell whether the entry is there.
VOLATILE = frozenset({"load_id", "loaded_at", "applied_at", "sha256", "occurred_at", "detail", "prev_hash", "hash"})


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Per table: (row count, md5 of all its rows sorted), ignoring VOLATILE columns."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = 'qa' and table_schema = 'main' "
        "and table_name in (select table_name from information_schema.tables "
        "where table_catalog = 'qa' and table_type = 'BASE TABLE') order by table_name, ordinal_position"
    ).fetchall():
        columns.setdefault(table, [])
        if column not in VOLATILE:
            columns[table].append(column)
    out = {}
    for table, cols in columns.items():
        row = " || '|' || ".join(f"coalesce(cast(\"{c}\" as varchar), '<null>')" for c in cols) or "''"
        count, digest = con.execute(
            f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) "  # noqa: S608
            f"from (select {row} as r from qa.main.\"{table}\")"
        ).fetchone() or (0, "")
        out[table] = (int(count), str(digest))
    return out


def differing(a: dict[str, tuple[int, str]], b: dict[str, tuple[int, str]]) -> list[str]:
    """Tables whose fingerprints differ."""
    return sorted(t for t in a.keys() | b.keys() if a.get(t) != b.get(t))
