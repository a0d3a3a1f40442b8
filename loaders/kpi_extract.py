"""The KPI extract loader: the performance team's monthly KPI values, in either layout.

- **long**: one row per KPI and month: KPI, Period, Value, and optionally Service area, Team,
  Numerator, Denominator, Target;
- **wide**: one row per KPI (optionally per Service area and Team), one column per month, headed
  like `Apr-25`, `April 2025`, `2025-04` or an Excel date.

KPIs are matched by code or name against the catalogue (`kpis`); an unknown KPI is an error, never
dropped silently. Policy as for audit returns: any error rejects the whole file and writes nothing;
loading the same file twice changes nothing; a re-upload replaces the values it gives again (same KPI,
month, service area and team). Extracts are small (hundreds of rows), so rows are checked in Python
and written in one transaction from an Arrow table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells
from loaders.report import WARNING, LoadReport, column_letter
from loaders.table_loader import load_table
from loaders.workbook import RawTable, Source
from loaders.writer import insert_load
from qa_data import kpis, periods, vocab
from qa_data.scope import Scope

KIND = "kpis"
_ALIASES: dict[str, tuple[str, ...]] = {
    "kpi": ("kpi", "kpi code", "kpi name", "indicator", "indicator name", "measure", "performance indicator",
            "pi", "metric", "code"),
    "period": ("period", "month", "reporting period", "period end", "month ending", "date"),
    "service_area": ("service area", "service", "area"),
    "team": ("team", "team name"),
    "value": ("value", "result", "actual", "performance", "figure", "outturn"),
    "numerator": ("numerator", "num"),
    "denominator": ("denominator", "denom", "cohort", "base"),
    "target": ("target",),
}
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}
_KEY = ("kpi_code", "period_month", "service_area", "team")


def _is_month(header: str) -> bool:
    try:
        return cells.parse_month(header) is not None
    except ValueError:
        return False


def header_score(headers: list[str]) -> int:
    """Recognised headings plus month headings: finds the header row under title rows."""
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP or _is_month(h))


@dataclass
class _Rows:
    """The values a file would write, one dict per value, with where each came from."""

    values: list[dict[str, Any]] = field(default_factory=list)


def load_kpi_extract(
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
    """Validate a KPI extract and, unless `dry_run` or it has errors, write its values to
    `kpi_values` (source 'extract'). Returns the report; never raises for bad input."""
    day = today or date.today()
    return load_table(
        con, source, kind=KIND, score=header_score, write=_write, loaded_by=loaded_by,
        dry_run=dry_run, record_rejected=record_rejected,
        read=lambda raw, report, cur: _read(raw, report, kpis.kpi_lookup(cur), day).values,
        scope=scope,
    )


def _read(raw: RawTable, report: LoadReport, known: dict[str, str], today: date) -> _Rows:
    where: dict[str, Any] = {"sheet": raw.sheet}
    columns: dict[str, int] = {}
    months: dict[int, date] = {}
    for index, header in sorted(raw.headers.items()):
        name = _LOOKUP.get(vocab.normalise_label(header))
        if name and name not in columns:
            columns[name] = index
        elif name is None and _is_month(header):
            months[index] = cells.parse_month(header) or date.min
        else:
            report.add("unknown-column", f'Column {column_letter(index)} "{header}" was ignored.',
                       severity=WARNING, row=raw.header_row, column=header,
                       column_letter=column_letter(index), **where)
    wide = bool(months) and "period" not in columns
    needed = ["kpi"] + ([] if wide else ["period", "value"])
    for name in needed:
        if name not in columns:
            report.add("missing-column", f'The required column "{name.replace("_", " ").title()}" is '
                       f"missing from the header row (row {raw.header_row}).", row=raw.header_row,
                       column=name.replace("_", " ").title(), **where)
    if not report.valid:
        return _Rows()
    table = raw.table.to_pydict()
    out = _Rows()
    seen: dict[tuple[Any, ...], int] = {}
    for i, excel_row in enumerate(table["_row"]):
        cell = {name: table[f"c{index}"][i] for name, index in columns.items()}
        if all(cells.is_blank(v) for v in cell.values()) and not any(
            not cells.is_blank(table[f"c{m}"][i]) for m in months
        ):
            continue  # a blank line
        loc = {**where, "row": excel_row}
        kpi = _kpi(cell["kpi"], known, report, loc, columns["kpi"])
        area = _area(cell.get("service_area"), report, loc, columns.get("service_area"))
        team = cells.clean_text(cell.get("team"))
        extra = {n: _number(cell.get(n), report, loc, columns.get(n)) for n in ("numerator", "denominator", "target")}
        entries: list[tuple[int, Any, date | None]]
        if wide:
            entries = [(m, table[f"c{m}"][i], month) for m, month in months.items()]
        else:
            month = _period(cell["period"], report, loc, columns["period"], today)
            entries = [(columns["value"], cell["value"], month)]
        for index, text, month in entries:
            value = _number(text, report, loc, index)
            if value is None and (wide or cells.is_blank(text)):
                continue  # no value for this month
            if kpi is None or month is None:
                continue
            key = (kpi, month, area, team)
            if key in seen:
                report.add("duplicate-period", f"{kpi} already has a value for {periods.month_label(month)}"
                           + (f" in {area}" if area else "") + (f", {team}" if team else "")
                           + f" (row {seen[key]}); give each month once.",
                           column=raw.headers.get(index), column_letter=column_letter(index), value=text, **loc)
                continue
            seen[key] = excel_row
            out.values.append({"kpi_code": kpi, "period_month": month, "service_area": area, "team": team,
                               "value": value, **extra, "source_sheet": raw.sheet, "source_row": excel_row})
    return out


def _at(raw_index: int | None, header: str | None = None) -> dict[str, Any]:
    return {"column_letter": column_letter(raw_index) if raw_index is not None else None, "column": header}


def _kpi(text: Any, known: dict[str, str], report: LoadReport, loc: dict[str, Any], index: int) -> str | None:
    if cells.is_blank(text):
        report.add("missing-value", "KPI is blank.", **loc, **_at(index, "KPI"))
        return None
    code = known.get(vocab.normalise_label(text))
    if code is None:
        report.add("unknown-kpi", f'"{text}" is not a KPI in the catalogue; use its code or its name as the '
                   "catalogue gives it.", value=str(text), **loc, **_at(index, "KPI"))
    return code


def _area(text: Any, report: LoadReport, loc: dict[str, Any], index: int | None) -> str | None:
    if index is None or cells.is_blank(text):
        return None
    area = vocab.canonical_service_area(text)
    if area is None:
        report.add("unknown-service-area", f'"{text}" is not a service area. Use one of: '
                   + ", ".join(vocab.SERVICE_AREAS) + ".", value=str(text), **loc, **_at(index, "Service area"))
    return area


def _number(text: Any, report: LoadReport, loc: dict[str, Any], index: int | None) -> float | None:
    if index is None:
        return None
    try:
        return cells.parse_number(text)
    except ValueError:
        report.add("bad-number", f'"{text}" is not a number; a value cell holds a number, a percentage '
                   "or nothing.", value=str(text), **loc, **_at(index))
        return None


def _period(text: Any, report: LoadReport, loc: dict[str, Any], index: int, today: date) -> date | None:
    try:
        month = cells.parse_month(text)
    except ValueError:
        month = None
    if month is None:
        report.add("bad-period", f'"{text}" is not a month. Write it like Apr-25, April 2025 or 2025-04.',
                   value=None if text is None else str(text), **loc, **_at(index, "Period"))
    elif month > today:
        report.add("future-date", f'"{text}" is a month in the future.', value=str(text), **loc,
                   **_at(index, "Period"))
    return month


_COLUMNS = ("kpi_code", "period_month", "service_area", "team", "value", "numerator", "denominator",
            "target", "source_sheet", "source_row")
_TYPES = (pa.string(), pa.date32(), pa.string(), pa.string(), pa.float64(), pa.float64(), pa.float64(),
          pa.float64(), pa.string(), pa.int32())


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, values: list[dict[str, Any]], loaded_by: str) -> None:
    """Replace the values this file gives again, in one transaction; unchanged if identical."""
    staged = pa.table({c: pa.array([r.get(c) for r in values], t) for c, t in zip(_COLUMNS, _TYPES, strict=True)})
    cur.register("new_kpi_values", staged)
    same_key = ("v.kpi_code = n.kpi_code and v.period_month = n.period_month and v.source = 'extract' "
                "and v.service_area is not distinct from n.service_area and v.team is not distinct from n.team")
    compare = "kpi_code, period_month, service_area, team, value, numerator, denominator, target"
    cur.execute("begin transaction")
    try:
        changed = cur.execute(
            f"select count(*) from (select {compare} from new_kpi_values except "  # noqa: S608 - constants
            f"select {compare} from kpi_values where source = 'extract')"
        ).fetchone()
        report.rows_loaded = int(changed[0]) if changed else 0
        replaced = cur.execute(
            f"select count(*) from kpi_values as v where exists (select 1 from new_kpi_values as n "  # noqa: S608
            f"where {same_key})"
        ).fetchone()
        if report.rows_loaded == 0:
            report.outcome = "unchanged"
            insert_load(cur, report, loaded_by)
        else:
            report.outcome = "loaded"
            report.rows_replaced = int(replaced[0]) if replaced else 0
            insert_load(cur, report, loaded_by)
            cur.execute(f"delete from kpi_values as v where exists (select 1 from new_kpi_values as n "  # noqa: S608
                        f"where {same_key})")
            cur.execute(f"insert into kpi_values ({', '.join(_COLUMNS)}, source, load_id) "  # noqa: S608
                        f"select {', '.join(_COLUMNS)}, 'extract', ? from new_kpi_values", [report.load_id])
            report.rows_loaded = len(values)
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise
