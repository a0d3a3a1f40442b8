"""The KPI catalogue and KPI values: what each indicator measures and its monthly values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from qa_data import queries
from qa_data.vocab import normalise_label


@dataclass(frozen=True)
class Kpi:
    """One catalogue entry. `direction` is 'higher' or 'lower' (is better); `unit` is percent,
    count, days or rate_per_10k; `source` is annex_a (computed) or extract (reported)."""

    code: str
    name: str
    definition: str
    unit: str
    direction: str
    target: float | None = None
    amber_tolerance: float | None = None
    service_area: str | None = None
    source: str = "extract"


def seed_catalogue(con: duckdb.DuckDBPyConnection, kpis: list[Kpi]) -> int:
    """Fill an empty `kpis` table with `kpis` (a council's own catalogue is never overwritten).
    Returns the number of rows written."""
    row = con.execute("select count(*) from kpis").fetchone()
    if row and row[0]:
        return 0
    con.executemany(  # a catalogue is tens of rows: executemany is fine here
        "insert into kpis (kpi_code, name, definition, unit, direction, target, amber_tolerance, "
        "service_area, source, sort_order) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[k.code, k.name, k.definition, k.unit, k.direction, k.target, k.amber_tolerance,
          k.service_area, k.source, i + 1] for i, k in enumerate(kpis)],
    )
    return len(kpis)


def kpi_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every way a KPI may be named in an extract (its code or its name, in any case or
    punctuation) -> its code."""
    lookup: dict[str, str] = {}
    for code, name in con.execute("select kpi_code, name from kpis").fetchall():
        lookup[normalise_label(code)] = code
        lookup[normalise_label(name)] = code
    return lookup


@dataclass(frozen=True)
class KpiDataAsOf:
    """How fresh the KPI data is: the latest month with a value and the latest KPI upload."""

    latest_month: date | None
    loaded_at: datetime | None
    file_name: str | None


def kpi_data_as_of(con: duckdb.DuckDBPyConnection) -> KpiDataAsOf:
    """The latest KPI month and upload (all None when no KPI data was ever loaded)."""
    row = queries.rows(con, "kpi_data_as_of")[0]
    return KpiDataAsOf(latest_month=row[0], loaded_at=row[1], file_name=row[2])
