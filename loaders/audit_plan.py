"""The audit plan loader (framework Appendix B): the 18-month schedule of quality activity, one row
per month, service area, activity type and theme, with the number of activities planned and who
leads them (its template: loaders.template_kinds).

Plans are hand-kept workbooks, so the loader accepts a title row above the headers, the usual
heading synonyms, months written as Excel dates, serials, `Apr-25`, `April 2025`, `2025-04` or
`01/04/2025` (stored as the 1st of the month), and the aliases people type for service areas and
activity types. The optional "Scope area" names the framework section 6 item the theme tests
(`qa_data.framework_scope`).

Write policy: a plan file **replaces every stored plan row of the months it covers** (a revised
plan replaces; a plan for later months adds). Same rules as the other loaders otherwise: every
problem located, any error rejects the file and writes nothing, loading identical content again
changes nothing ("unchanged"), and the write is one transaction with its `loads` record.
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
from loaders.writer import replace_months
from qa_data import framework_scope, vocab
from qa_data.scope import Scope

KIND = "audit_plan"
_ALIASES: dict[str, tuple[str, ...]] = {
    "plan_month": ("month", "month planned", "planned month", "date", "plan month"),
    "service_area": ("service area", "service", "area"),
    "activity_type": ("activity type", "type", "audit type", "activity", "type of activity"),
    "theme": ("theme", "audit theme", "focus", "practice theme"),
    "scope_area": ("scope area", "framework scope", "scope", "scope item"),
    "planned": (
        "planned",
        "number planned",
        "no planned",
        "target number",
        "number",
        "planned number",
        "no of activities",
        "number of activities",
    ),
    "lead": ("lead", "lead officer", "owner"),
}
REQUIRED = ("plan_month", "service_area", "activity_type", "theme", "planned")
LABELS = {
    "plan_month": "Month",
    "service_area": "Service area",
    "activity_type": "Activity type",
    "theme": "Theme",
    "scope_area": "Scope area",
    "planned": "Planned",
    "lead": "Lead",
}
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}
_COLUMNS = (
    "plan_month",
    "service_area",
    "activity_type",
    "theme",
    "scope_area",
    "planned",
    "lead",
    "source_sheet",
    "source_row",
)
_TYPES = (
    pa.date32(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.int32(),
    pa.string(),
    pa.string(),
    pa.int32(),
)
# What a re-upload is compared on: the content, not where rows sit in the file.
_CONTENT = ", ".join(c for c in _COLUMNS if c not in ("source_sheet", "source_row"))
MAX_PLANNED = 10_000  # far above any month's plan: a bigger number is a typing slip (and would overflow)
_MONTH_HINT = "Write it like Apr-25, April 2025, 2025-04 or 01/04/2025."


def header_score(headers: list[str]) -> int:
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP)


def load_audit_plan(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    scope: Scope | None = None,
    dry_run: bool = False,
    record_rejected: bool = False,
    **_: Any,
) -> LoadReport:
    """Validate an audit plan and, unless `dry_run` or it has errors, write it to `audit_plan`,
    replacing the stored rows of every month the file covers. Returns the report; never raises for
    bad input. Other options (`today`, `progress`) are accepted and ignored."""
    return load_table(
        con,
        source,
        kind=KIND,
        score=header_score,
        read=_read,
        write=_write,
        loaded_by=loaded_by,
        dry_run=dry_run,
        record_rejected=record_rejected,
        min_score=3,
        scope=scope,
        lookup=_LOOKUP,
    )


def _read(raw: RawTable, report: LoadReport, cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = map_columns(raw, report, _LOOKUP, REQUIRED, LABELS, warn_unknown=True)
    if not report.valid:
        return []
    table = raw.table.to_pydict()
    out: list[dict[str, Any]] = []
    seen: dict[tuple[date, str, str, str], int] = {}
    for i, row in enumerate(table["_row"]):
        cell = {n: table[f"c{idx}"][i] for n, idx in columns.items()}
        if all(cells.is_blank(v) for v in cell.values()):
            continue
        before = len(report.errors)

        def bad(code: str, message: str, name: str, row: int = row, cell: dict[str, Any] = cell) -> None:
            idx, value = columns[name], cell[name]
            report.add(
                code,
                message,
                sheet=raw.sheet,
                row=row,
                column=raw.headers.get(idx),
                column_letter=column_letter(idx),
                value=None if cells.is_blank(value) else str(value),
            )

        def blank(name: str, why: str) -> None:
            bad("missing-value", f'"{raw.headers[columns[name]]}" is blank; every plan row needs {why}.', name)

        month = _month(cell["plan_month"], raw.date1904)
        if cells.is_blank(cell["plan_month"]):
            blank("plan_month", "the month it is planned for")
        elif month is None:
            bad("bad-month", f'"{cell["plan_month"]}" is not a month. {_MONTH_HINT}', "plan_month")
        area = vocab.canonical_service_area(cell["service_area"] or "")
        if cells.is_blank(cell["service_area"]):
            blank("service_area", "a service area")
        elif area is None:
            bad(
                "unknown-service-area",
                f'"{cell["service_area"]}" is not a service area. Use one of: ' + ", ".join(vocab.SERVICE_AREAS) + ".",
                "service_area",
            )
        activity = vocab.canonical_activity_type(cell["activity_type"] or "")
        if cells.is_blank(cell["activity_type"]):
            blank("activity_type", "an activity type")
        elif activity is None:
            bad(
                "unknown-activity-type",
                f'"{cell["activity_type"]}" is not an activity type. Use Case audit, Dip sample or Observation.',
                "activity_type",
            )
        theme = cells.clean_text(cell["theme"])
        if theme is None:
            blank("theme", "a theme (what the activity looks at)")
        planned = _planned(cell["planned"])
        if cells.is_blank(cell["planned"]):
            blank("planned", "the number of activities planned (0 or more)")
        elif planned is None:
            bad(
                "bad-number",
                f'"{cell["planned"]}" is not a whole number of activities; write 0 to {MAX_PLANNED:,}, e.g. 3.',
                "planned",
            )
        scope = None
        if "scope_area" in columns and not cells.is_blank(cell["scope_area"]) and area is not None:
            scope = framework_scope.canonical_scope_item(area, cell["scope_area"])
            if scope is None:
                items = framework_scope.ITEMS_BY_AREA.get(area, ())
                bad(
                    "unknown-scope-area",
                    f'"{cell["scope_area"]}" is not a framework scope item for {area} '
                    f"(section 6). Its items are: {'; '.join(items)}.",
                    "scope_area",
                )
        if month is not None and area is not None and activity is not None and theme is not None:
            key = (month, area, activity, theme.casefold())
            if key in seen:
                bad(
                    "duplicate-key",
                    f'{area}, {vocab.ACTIVITY_TYPES[activity].lower()}, "{theme}" in '
                    f"{month:%B %Y} is already planned on row {seen[key]}; give each month, "
                    "service area, activity type and theme once (add the numbers together).",
                    "theme",
                )
            else:
                seen[key] = row
        if len(report.errors) == before:
            out.append(
                {
                    "plan_month": month,
                    "service_area": area,
                    "activity_type": activity,
                    "theme": theme,
                    "scope_area": scope,
                    "planned": planned,
                    "lead": cells.clean_text(cell.get("lead")),
                    "source_sheet": raw.sheet,
                    "source_row": row,
                }
            )
    if report.valid and not out:
        report.add(
            "empty-file",
            f"The plan has a header row (row {raw.header_row}) but no rows under it.",
            sheet=raw.sheet,
            row=raw.header_row,
        )
    return out if report.valid else []


def _month(text: str | None, date1904: bool) -> date | None:
    try:
        return cells.parse_month(text, date1904=date1904)
    except ValueError:
        return None


def _planned(text: str | None) -> int | None:
    """A whole number from 0 to MAX_PLANNED from the cell ('3', '3.0'), else None."""
    try:
        number = cells.parse_number(text)
    except ValueError:
        return None
    if number is None or not 0 <= number <= MAX_PLANNED or number != int(number):
        return None
    if (text or "").strip().endswith("%"):
        return None
    return int(number)


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], loaded_by: str,
           areas: tuple[str, ...] | None = None) -> None:
    """Replace the stored plan rows of the months the file covers, in one transaction; unchanged
    (only the `loads` record written) when those months already hold exactly these rows."""
    cur.register(
        "new_plan", pa.table({c: pa.array([r[c] for r in rows], t) for c, t in zip(_COLUMNS, _TYPES, strict=True)})
    )
    months = sorted({r["plan_month"] for r in rows})
    in_months = "plan_month in (select unnest($months))"
    try:
        replace_months(cur, report, loaded_by=loaded_by, table="audit_plan", staged="new_plan", content=_CONTENT,
                       columns=", ".join(_COLUMNS), in_months=in_months, months=months, areas=areas)
    finally:
        cur.unregister("new_plan")


# --- The blank template ----------------------------------------------------------------------------
