"""The KPI catalogue loader: a council's own list of KPIs, definitions and targets.

One row per KPI: Code, Name, Definition, Unit (%, count, days, rate per 10,000), Direction (higher or
lower is better), and optionally Target, Amber tolerance, Service area, Source (annex_a for the
indicators QA Insight computes from Annex A, extract for those the performance team reports). The
file replaces the whole catalogue in one transaction; any error rejects it and changes nothing.
KPI values already stored are kept; those of KPIs no longer in the catalogue are not shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells
from loaders.report import LoadReport, column_letter
from loaders.table_loader import load_table, map_columns
from loaders.workbook import RawTable, Source
from loaders.writer import insert_load
from qa_data import vocab
from qa_data.kpi_definitions import KPI_CATALOGUE
from qa_data.scope import Scope

KIND = "catalogue"
_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "kpi code", "kpi", "id"),
    "name": ("name", "kpi name", "indicator", "title"),
    "definition": ("definition", "description", "what it measures"),
    "unit": ("unit", "units", "measure type"),
    "direction": ("direction", "polarity", "good is", "better when"),
    "target": ("target",),
    "amber_tolerance": ("amber tolerance", "tolerance", "amber"),
    "service_area": ("service area", "service", "area"),
    "source": ("source", "data source"),
}
REQUIRED = ("code", "name", "definition", "unit", "direction")
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}
UNITS = {"percent": "percent", "%": "percent", "percentage": "percent", "count": "count", "number": "count",
         "days": "days", "day": "days", "rate per 10 000": "rate_per_10k", "rate per 10000": "rate_per_10k",
         "rate per 10k": "rate_per_10k", "rate_per_10k": "rate_per_10k", "rate per 10 000 children": "rate_per_10k"}
DIRECTIONS = {"higher": "higher", "higher is better": "higher", "high": "higher", "up": "higher",
              "lower": "lower", "lower is better": "lower", "low": "lower", "down": "lower"}
SOURCES = {"annex a": "annex_a", "annex_a": "annex_a", "extract": "extract", "kpi extract": "extract",
           "reported": "extract"}


def header_score(headers: list[str]) -> int:
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP)


def load_catalogue(
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
    """Validate a KPI catalogue and, unless `dry_run` or it has errors, make it the catalogue."""
    return load_table(
        con, source, kind=KIND, score=header_score, write=_write, loaded_by=loaded_by,
        dry_run=dry_run, record_rejected=record_rejected, min_score=3,
        read=lambda raw, report, _cur: _rows(raw, report),
        scope=scope,
    )


def _rows(raw: RawTable, report: LoadReport) -> list[dict[str, Any]]:
    columns = map_columns(raw, report, _LOOKUP, REQUIRED, warn_unknown=True)
    if not report.valid:
        return []
    table = raw.table.to_pydict()
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(table["_row"]):
        cell = {n: table[f"c{idx}"][i] for n, idx in columns.items()}
        if all(cells.is_blank(v) for v in cell.values()):
            continue

        def bad(code: str, message: str, name: str, row: int = row, cell: dict[str, Any] = cell) -> None:
            idx = columns[name]
            report.add(code, message, sheet=raw.sheet, row=row, column=raw.headers.get(idx),
                       column_letter=column_letter(idx), value=None if cell[name] is None else str(cell[name]))

        entry: dict[str, Any] = {"sort_order": len(out) + 1}
        for name in ("code", "name", "definition"):
            entry[name] = cells.clean_text(cell.get(name))
            if entry[name] is None:
                bad("missing-value", f"{name.capitalize()} is blank.", name)
        unit = str(cell.get("unit") or "").strip().lower()
        entry["unit"] = UNITS.get(unit) or UNITS.get(vocab.normalise_label(unit))
        if entry["unit"] is None:
            bad("bad-unit", f'"{cell.get("unit")}" is not a unit. Use %, count, days or rate per 10,000.', "unit")
        entry["direction"] = DIRECTIONS.get(vocab.normalise_label(cell.get("direction") or ""))
        if entry["direction"] is None:
            bad("bad-direction", f'"{cell.get("direction")}" should say whether higher or lower is better.',
                "direction")
        for name in ("target", "amber_tolerance"):
            try:
                entry[name] = cells.parse_number(cell.get(name)) if name in columns else None
            except ValueError:
                entry[name] = None
                bad("bad-number", f'"{cell.get(name)}" is not a number.', name)
        entry["service_area"] = None
        if "service_area" in columns and not cells.is_blank(cell.get("service_area")):
            entry["service_area"] = vocab.canonical_service_area(cell["service_area"])
            if entry["service_area"] is None:
                bad("unknown-service-area", f'"{cell["service_area"]}" is not a service area.', "service_area")
        entry["source"] = "annex_a" if entry["code"] in KPI_CATALOGUE else "extract"
        if "source" in columns and not cells.is_blank(cell.get("source")):
            entry["source"] = SOURCES.get(vocab.normalise_label(cell["source"]))
            if entry["source"] is None:
                bad("bad-source", f'"{cell["source"]}" should be Annex A or Extract.', "source")
            elif entry["source"] == "annex_a" and entry["code"] not in KPI_CATALOGUE:
                bad("unknown-kpi", f'QA Insight does not compute "{entry["code"]}" from Annex A; its codes are '
                    + ", ".join(KPI_CATALOGUE) + ".", "source")
        if entry["code"] is not None:
            if entry["code"] in seen:
                bad("duplicate-key", f'KPI code "{entry["code"]}" is already on row {seen[entry["code"]]}.', "code")
            seen[entry["code"]] = row
        out.append(entry)
    return out


_COLUMNS = ("code", "name", "definition", "unit", "direction", "target", "amber_tolerance", "service_area",
            "source", "sort_order")
_TYPES = (pa.string(), pa.string(), pa.string(), pa.string(), pa.string(), pa.float64(), pa.float64(),
          pa.string(), pa.string(), pa.int32())


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], loaded_by: str) -> None:
    cur.register("new_catalogue", pa.table({c: pa.array([r[c] for r in rows], t)
                                           for c, t in zip(_COLUMNS, _TYPES, strict=True)}))
    stored = ("kpi_code, name, definition, unit, direction, target, amber_tolerance, service_area, source, "
              "sort_order")
    cur.execute("begin transaction")
    try:
        row = cur.execute(
            f"select count(*) from ((select {stored} from kpis except select {', '.join(_COLUMNS)} "  # noqa: S608
            f"from new_catalogue) union all (select {', '.join(_COLUMNS)} from new_catalogue "
            f"except select {stored} from kpis))"
        ).fetchone()
        changed = bool(row and row[0])
        report.outcome = "loaded" if changed else "unchanged"
        report.rows_loaded = len(rows) if changed else 0
        insert_load(cur, report, loaded_by)
        if changed:
            cur.execute("delete from kpis")
            cur.execute(f"insert into kpis ({stored}) select {', '.join(_COLUMNS)} from new_catalogue")  # noqa: S608
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        report.outcome, report.rows_loaded = "not loaded", 0
        raise
