"""Annex A snapshots as `loaders.annex_a` stores them (migration 002): one snapshot per reference
date, one table per list (`annex_a_list_1` .. `annex_a_list_11`).

Columns are the Ofsted template's headers in snake_case (`date_of_referral`, `la_in_touch`); coded
columns hold one canonical code (`WBRI`, `6`, `N1`, `U6`, or the template's label: `Male`, `Yes`).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from qa_data import db

LIST_TITLES: dict[int, str] = {
    1: "Contacts", 2: "Early help", 3: "Referrals", 4: "Assessments",
    5: "Section 47 enquiries and initial child protection conferences", 6: "Children in need",
    7: "Child protection", 8: "Children in care", 9: "Care leavers", 10: "Adoption", 11: "Adopters",
}
# The only table names ever written into SQL here.
_TABLES: dict[int, str] = {n: f"annex_a_list_{n}" for n in LIST_TITLES}
_ROW_COUNTS = ", ".join(f"list_{n}_rows" for n in LIST_TITLES)


def _table(list_no: int) -> str:
    if list_no not in _TABLES:
        raise ValueError(f"Annex A has Lists 1 to 11, not {list_no!r}")
    return _TABLES[list_no]


def snapshots(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per stored snapshot, latest reference date first: `snapshot_id`, `reference_date`,
    `file_name`, `sha256`, `load_id`, `loaded_at`, and `list_1_rows` .. `list_11_rows` (null when
    the upload had no such list)."""
    cur = db.cursor(con)
    try:
        return cur.execute(
            f"select snapshot_id, reference_date, file_name, sha256, load_id, loaded_at, {_ROW_COUNTS} "  # noqa: S608
            "from annex_a_snapshots order by reference_date desc"
        ).df()
    finally:
        cur.close()


def latest_snapshot_id(con: duckdb.DuckDBPyConnection, *, on_or_before: date | None = None) -> str | None:
    """The snapshot with the latest reference date (on or before `on_or_before` if given), or None."""
    cur = db.cursor(con)
    try:
        row = cur.execute(
            "select snapshot_id from annex_a_snapshots where ?::date is null or reference_date <= ? "
            "order by reference_date desc limit 1",
            [on_or_before, on_or_before],
        ).fetchone()
    finally:
        cur.close()
    return str(row[0]) if row else None


def list_frame(con: duckdb.DuckDBPyConnection, snapshot_id: str, list_no: int) -> pd.DataFrame:
    """The rows of List `list_no` in a snapshot, in file order: `source_sheet`, `source_row` (the row
    as Excel numbers it), then the list's canonical columns in template order (dates as
    datetime64, counts and ages as integers, codes as text). Empty (with the columns) when the
    snapshot does not exist or its upload had no such list. Raises ValueError for a list number
    outside 1-11."""
    cur = db.cursor(con)
    try:
        return cur.execute(
            f"select * exclude (snapshot_id) from {_table(list_no)} where snapshot_id = ? "  # noqa: S608
            "order by source_sheet, source_row",
            [snapshot_id],
        ).df()
    finally:
        cur.close()


def unparsed_values(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> pd.DataFrame:
    """The cells of a snapshot that could not be normalised (stored NULL in the lists), as typed:
    `list_no`, `source_sheet`, `source_row`, `column_name`, `header`, `value`, `problem`
    (unknown-code, bad-date, bad-number, bad-postcode), by list and row."""
    cur = db.cursor(con)
    try:
        return cur.execute(
            "select list_no, source_sheet, source_row, column_name, header, value, problem "
            "from annex_a_unparsed_values where snapshot_id = ? order by list_no, source_sheet, source_row, "
            "column_name",
            [snapshot_id],
        ).df()
    finally:
        cur.close()
