"""KPI values computed from an Annex A snapshot and stored in `kpi_values` (source 'annex_a').

`compute_snapshot_kpis(cur, snapshot_id)` reads the snapshot's lists, runs every KPI of the `kpis`
catalogue whose source is annex_a through `qa_data.kpi_engine` at the snapshot's reference date, and
writes, per KPI, for the month of the reference date (`period_month` = its first day):

- one council-wide row (service_area and team null);
- one row for the KPI's catalogue service area (team null; the same numbers);
- one row per allocated team (service_area = the KPI's area, team = `allocated_team`). Children with
  no allocated team count in the first two rows only (a team row needs a team).

`load_id` is the snapshot's load. The month's Annex A values describe one snapshot, the latest of the
month: computing it replaces every earlier annex_a value of that month for the catalogue's annex_a
KPIs, so a re-uploaded or corrected snapshot recomputes, and a KPI it can no longer compute leaves no
stale value. A snapshot with a later one in the same month writes nothing (`superseded_by`), so
uploading an older extract after a newer one cannot replace the newer values.

A KPI is skipped (nothing written, listed in the result with a reason) when its list has no rows in
the snapshot (`list-empty`), when a column it reads was not in the upload (`missing-column`: the
loader stored it blank and said so in the load's issues; counting blanks would report 0% rather
than "unknown"), when the engine rejects the values (`bad-values`), or when the catalogue names a
KPI the engine does not know (`unknown-kpi`). Pure computation stays in `qa_data.kpi_engine`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from qa_data import kpi_engine
from qa_data.kpi_definitions import KPI_CATALOGUE, REQUIRED_COLUMNS, canonical_column

SOURCE = "annex_a"
TEAM_COLUMN = "allocated_team"
# The only list tables whose names are written into SQL here (Lists 1-11, migration 002).
_TABLES: dict[int, str] = {n: f"annex_a_list_{n}" for n in range(1, 12)}
_SCHEMA = pa.schema(
    [
        ("kpi_code", pa.string()),
        ("period_month", pa.date32()),
        ("service_area", pa.string()),
        ("team", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("source", pa.string()),
        ("load_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class SkippedKpi:
    """A KPI not computed for a snapshot: `reason` is list-empty, missing-column, bad-values or
    unknown-kpi; `detail` a sentence saying which list or columns."""

    code: str
    reason: str
    detail: str


@dataclass(frozen=True)
class SnapshotKpis:
    """What `compute_snapshot_kpis` did: the KPIs computed (catalogue order), those skipped, and the
    number of `kpi_values` rows written for `period_month`. `superseded_by` names a later snapshot of
    the same month, when there is one: then nothing was computed or written."""

    snapshot_id: str
    period_month: date
    computed: tuple[str, ...]
    skipped: tuple[SkippedKpi, ...]
    rows_written: int
    superseded_by: str | None = None


def compute_snapshot_kpis(cur: duckdb.DuckDBPyConnection, snapshot_id: str) -> SnapshotKpis:
    """(Re)compute the Annex A KPI values of one snapshot into `kpi_values` (see the module docstring).

    `cur` must be a cursor from `qa_data.db.cursor` (or the loader's, inside its transaction: this
    function opens no transaction of its own and takes no other cursor, so it sees uncommitted rows).
    Raises LookupError when the snapshot does not exist; duckdb errors only for a broken database.
    """
    row = cur.execute(
        "select reference_date, load_id from annex_a_snapshots where snapshot_id = ?", [snapshot_id]
    ).fetchone()
    if row is None:
        raise LookupError(f"no Annex A snapshot {snapshot_id!r}")
    reference_date, load_id = row[0], str(row[1])
    month = reference_date.replace(day=1)
    later = cur.execute(
        "select snapshot_id from annex_a_snapshots where date_trunc('month', reference_date) = ? "
        "and reference_date > ? order by reference_date desc limit 1",
        [month, reference_date],
    ).fetchone()
    if later is not None:
        return SnapshotKpis(snapshot_id, month, (), (), 0, superseded_by=str(later[0]))
    catalogue = cur.execute(
        "select kpi_code, service_area from kpis where source = ? order by sort_order, kpi_code", [SOURCE]
    ).fetchall()
    not_supplied = _columns_not_supplied(cur, load_id)
    frames: dict[int, pd.DataFrame] = {}
    rows: list[dict[str, object]] = []
    computed: list[str] = []
    skipped: list[SkippedKpi] = []
    for code, area in catalogue:
        definition = KPI_CATALOGUE.get(code)
        if definition is None:
            skipped.append(SkippedKpi(code, "unknown-kpi", f"{code} is not an Annex A indicator the engine knows."))
            continue
        n = definition.annex_a_list
        if n not in frames:
            frames[n] = _list_frame(cur, snapshot_id, n)
        frame = frames[n]
        if frame.empty:
            skipped.append(SkippedKpi(code, "list-empty", f"List {n} has no rows in this snapshot."))
            continue
        sheets = set(frame["source_sheet"].dropna())
        missing = [
            c
            for c in REQUIRED_COLUMNS[code]
            if c not in frame.columns or any((sheet, c) in not_supplied for sheet in sheets)
        ]
        if missing:
            skipped.append(
                SkippedKpi(code, "missing-column", f"List {n} was uploaded without column(s) {', '.join(missing)}.")
            )
            continue
        try:
            rows.extend(_kpi_rows(code, frame, reference_date, area))
        except ValueError as exc:
            skipped.append(SkippedKpi(code, "bad-values", str(exc)))
            continue
        computed.append(code)
    for r in rows:
        r.update(period_month=month, source=SOURCE, load_id=load_id)
    cur.execute(
        "delete from kpi_values where source = ? and period_month = ? "
        "and kpi_code in (select kpi_code from kpis where source = ?)",
        [SOURCE, month, SOURCE],
    )
    if rows:
        cur.register("kpi_results_new", pa.Table.from_pylist(rows, schema=_SCHEMA))
        try:
            cur.execute(
                "insert into kpi_values by name select kpi_code, period_month, service_area, team, value, "
                "numerator, denominator, source, load_id from kpi_results_new"
            )
        finally:
            cur.unregister("kpi_results_new")
    return SnapshotKpis(snapshot_id, month, tuple(computed), tuple(skipped), len(rows))


def _list_frame(cur: duckdb.DuckDBPyConnection, snapshot_id: str, list_no: int) -> pd.DataFrame:
    """As `qa_data.annex_a.list_frame`, but on the caller's cursor, so that rows written in the
    loader's open transaction are seen."""
    return cur.execute(
        f"select * exclude (snapshot_id) from {_TABLES[list_no]} where snapshot_id = ? "  # noqa: S608
        "order by source_sheet, source_row",
        [snapshot_id],
    ).df()


def _columns_not_supplied(cur: duckdb.DuckDBPyConnection, load_id: str) -> set[tuple[str, str]]:
    """(sheet, column) for each template column the load reported missing (`missing-column`)."""
    row = cur.execute("select issues_json from loads where load_id = ?", [load_id]).fetchone()
    issues = json.loads(row[0]) if row and row[0] else []
    return {
        (i["sheet"], canonical_column(i["column"]))
        for i in issues
        if i.get("code") == "missing-column" and i.get("sheet") and i.get("column")
    }


def _kpi_rows(code: str, frame: pd.DataFrame, reference_date: date, area: str | None) -> list[dict[str, object]]:
    """The council-wide row, the area row and one row per allocated team for KPI `code`. The engine's
    row flags are computed once and summarised for the whole list and for each team (what
    `kpi_engine.calculate` and `calculate_by` do, without flagging every row twice)."""
    flags = kpi_engine.kpi_flags(code, frame, reference_date)
    results: list[tuple[str | None, str | None, kpi_engine.KpiResult]] = [
        (None, None, kpi_engine.summarise(code, flags))
    ]
    if area is not None:
        results.append((area, None, results[0][2]))
    if TEAM_COLUMN in frame.columns:
        for team, rows_of_team in flags.groupby(frame[TEAM_COLUMN], sort=True):  # blank teams drop out
            results.append((area, str(team), kpi_engine.summarise(code, rows_of_team)))
    return [
        {
            "kpi_code": code,
            "service_area": where,
            "team": team,
            "value": result.value,
            "numerator": result.numerator,
            "denominator": result.denominator,
        }
        for where, team, result in results
    ]
