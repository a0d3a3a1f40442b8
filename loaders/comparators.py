"""The comparator loader: published values to set our KPIs against, one row per KPI, year and
comparator (statistical neighbours, region, England), e.g. from the DfE's LAIT or ChAT tables.

Same report type and rules as the other loaders: every problem located, any error rejects the
file and writes nothing, loading twice changes nothing, a re-upload replaces the values it gives
again (same KPI, year and comparator).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells
from loaders.report import LoadReport, column_letter
from loaders.table_loader import load_table, map_columns
from loaders.workbook import RawTable, Source
from loaders.writer import insert_load
from qa_data import kpis, vocab
from qa_data.scope import Scope

KIND = "comparators"
COMPARATORS = {
    "statistical neighbours": "Statistical neighbours", "stat neighbours": "Statistical neighbours",
    "sn": "Statistical neighbours", "sn average": "Statistical neighbours",
    "statistical neighbour average": "Statistical neighbours",
    "region": "Region", "regional": "Region", "regional average": "Region",
    "england": "England", "national": "England", "england average": "England",
}
_ALIASES = {
    "kpi": ("kpi", "kpi code", "indicator", "measure", "kpi name", "code"),
    "year": ("year", "period", "reporting year"),
    "comparator": ("comparator", "benchmark", "comparison", "group"),
    "value": ("value", "result", "figure"),
}
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?(?:\.0+)?$")


def header_score(headers: list[str]) -> int:
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP)


def parse_year(text: str | None) -> int | None:
    """2024, '2024-25' or '2024/2025' (the year the period starts) -> 2024; None if blank."""
    if text is None or cells.is_blank(text):
        return None
    m = _YEAR.match(text.strip())
    if not m:
        raise ValueError(f"not a year: {text!r}")
    return int(m.group(1))


def load_comparators(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    scope: Scope | None = None,
    dry_run: bool = False,
    record_rejected: bool = False,
    today: date | None = None,
    progress: Any = None,
) -> LoadReport:
    """Validate a comparator file and, unless `dry_run` or it has errors, write `kpi_comparators`."""
    return load_table(
        con, source, kind=KIND, score=header_score, read=_read, write=_write, loaded_by=loaded_by,
        dry_run=dry_run, record_rejected=record_rejected,
        scope=scope,
    )


def _read(raw: RawTable, report: LoadReport, cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = map_columns(raw, report, _LOOKUP, _ALIASES)
    if not report.valid:
        return []
    return _rows(raw.table.to_pydict(), columns, raw.headers, raw.sheet, report, kpis.kpi_lookup(cur))


def _rows(table: dict[str, list[Any]], columns: dict[str, int], headers: dict[int, str], sheet: str | None,
          report: LoadReport, known: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int, str]] = set()
    for i, row in enumerate(table["_row"]):
        cell = {n: table[f"c{idx}"][i] for n, idx in columns.items()}
        if all(cells.is_blank(v) for v in cell.values()):
            continue

        def bad(code: str, message: str, name: str, row: int = row, cell: dict[str, Any] = cell) -> None:
            idx = columns[name]
            report.add(code, message, sheet=sheet, row=row, column=headers.get(idx),
                       column_letter=column_letter(idx), value=None if cell[name] is None else str(cell[name]))

        kpi = known.get(vocab.normalise_label(cell["kpi"] or ""))
        if kpi is None:
            bad("unknown-kpi", f'"{cell["kpi"]}" is not a KPI in the catalogue.', "kpi")
        comparator = COMPARATORS.get(vocab.normalise_label(cell["comparator"] or ""))
        if comparator is None:
            bad("unknown-comparator", f'"{cell["comparator"]}" is not a comparator. Use Statistical '
                "neighbours, Region or England.", "comparator")
        try:
            year = parse_year(cell["year"])
        except ValueError:
            year = None
        if year is None:
            bad("bad-year", f'"{cell["year"]}" is not a year like 2024 or 2024-25.', "year")
        try:
            value = cells.parse_number(cell["value"])
        except ValueError:
            value = None
        if value is None:
            bad("bad-number", f'"{cell["value"]}" is not a number.', "value")
        if kpi and comparator and year is not None and value is not None:
            if (kpi, year, comparator) in seen:
                bad("duplicate-key", f"{kpi} already has a {comparator} value for {year}.", "value")
                continue
            seen.add((kpi, year, comparator))
            out.append({"kpi_code": kpi, "year": year, "comparator": comparator, "value": value})
    return out


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, values: list[dict[str, Any]], loaded_by: str) -> None:
    cols = ("kpi_code", "year", "comparator", "value")
    types = (pa.string(), pa.int32(), pa.string(), pa.float64())
    cur.register("new_comparators", pa.table({c: pa.array([v[c] for v in values], t)
                                             for c, t in zip(cols, types, strict=True)}))
    same = "c.kpi_code = n.kpi_code and c.year = n.year and c.comparator = n.comparator"
    cur.execute("begin transaction")
    try:
        row = cur.execute("select count(*) from (select kpi_code, year, comparator, value from new_comparators "
                          "except select kpi_code, year, comparator, value from kpi_comparators)").fetchone()
        changed = int(row[0]) if row else 0
        report.outcome = "loaded" if changed else "unchanged"
        report.rows_loaded = len(values) if changed else 0
        insert_load(cur, report, loaded_by)
        if changed:
            cur.execute(f"delete from kpi_comparators as c where exists "  # noqa: S608 - constants
                        f"(select 1 from new_comparators as n where {same})")
            cur.execute("insert into kpi_comparators (kpi_code, year, comparator, value, load_id) "
                        "select kpi_code, year, comparator, value, ? from new_comparators", [report.load_id])
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        report.outcome, report.rows_loaded = "not loaded", 0
        raise
