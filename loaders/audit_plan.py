"""The audit plan loader (framework Appendix B): the 18-month schedule of quality activity, one row
per month, service area, activity type and theme, with the number of activities planned and who
leads them, plus the blank template a QAL fills in.

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

import io
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders import cells
from loaders.report import LoadReport, column_letter
from loaders.table_loader import load_table, map_columns
from loaders.workbook import RawTable, Source
from loaders.writer import insert_load
from qa_data import framework_scope, vocab

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


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], loaded_by: str) -> None:
    """Replace the stored plan rows of the months the file covers, in one transaction; unchanged
    (only the `loads` record written) when those months already hold exactly these rows."""
    cur.register(
        "new_plan", pa.table({c: pa.array([r[c] for r in rows], t) for c, t in zip(_COLUMNS, _TYPES, strict=True)})
    )
    months = sorted({r["plan_month"] for r in rows})
    in_months = "plan_month in (select unnest($months))"
    cur.execute("begin transaction")
    try:
        changed = 0
        for a, b in (("new_plan", "audit_plan"), ("audit_plan", "new_plan")):
            row = cur.execute(
                f"select count(*) from (select {_CONTENT} from {a} where {in_months} "  # noqa: S608 - constants
                f"except all select {_CONTENT} from {b} where {in_months})",
                {"months": months},
            ).fetchone()
            changed += int(row[0]) if row else 0
        report.outcome = "loaded" if changed else "unchanged"
        report.rows_loaded = len(rows) if changed else 0
        if changed:
            row = cur.execute(
                f"select count(*) from audit_plan where {in_months}",  # noqa: S608
                {"months": months},
            ).fetchone()
            report.rows_replaced = int(row[0]) if row else 0
        insert_load(cur, report, loaded_by)
        if changed:
            cur.execute(f"delete from audit_plan where {in_months}", {"months": months})  # noqa: S608
            cur.execute(
                f"insert into audit_plan ({', '.join(_COLUMNS)}, load_id) "  # noqa: S608
                f"select {', '.join(_COLUMNS)}, ? from new_plan",
                [report.load_id],
            )
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        report.outcome, report.rows_loaded, report.rows_replaced = "not loaded", 0, 0
        raise
    finally:
        cur.unregister("new_plan")


# --- The blank template ----------------------------------------------------------------------------

TEMPLATE_ROWS = 500  # rows the drop-downs cover
TEMPLATE_HEADERS = ("Month", "Service area", "Activity type", "Theme", "Scope area", "Planned", "Lead")
_EXAMPLE = (
    date(2026, 4, 1),
    "Front Door",
    "Dip sample",
    "Re-referrals",
    "No further action and sign-posting",
    6,
    "QAL Front Door",
)
_INSTRUCTIONS = (
    "How to fill in the audit plan",
    "One row per month, service area, activity type and theme, with the number of activities planned "
    "(framework Appendix B: the 18-month audit plan).",
    "Required columns: Month, Service area, Activity type, Theme, Planned. Scope area and Lead are optional.",
    "Month: the month the activity is planned for, e.g. Apr-26, April 2026 or 01/04/2026.",
    "Activity type: Case audit, Dip sample or Practice observation.",
    "Planned: a whole number, 0 or more. Give each month, service area, activity type and theme once.",
    "Scope area: the framework section 6 item the theme tests (see the 'Scope areas' sheet); leave blank if none.",
    "Lead: a role (e.g. HoS Children in Care, QAL Front Door) rather than a person's name.",
    "Row 2 of the 'Audit plan' sheet is an example: overwrite or delete it.",
    "Uploading a plan replaces every stored plan row of the months it covers: upload the whole month, not "
    "just the changed rows. A plan for later months is added to what is stored.",
)


def audit_plan_template_bytes() -> bytes:
    """The blank audit-plan workbook: an Instructions sheet, the 'Audit plan' sheet with headers, an
    example row and drop-down lists for service areas and activity types, a 'Scope areas' sheet
    listing the framework section 6 items by area, and a Lists sheet holding the lists."""
    wb = Workbook()
    info = wb.active
    info.title = "Instructions"
    for i, line in enumerate(_INSTRUCTIONS, start=1):
        info.cell(row=i, column=1, value=line).font = Font(bold=(i == 1), size=14 if i == 1 else 11)
    info.column_dimensions["A"].width = 120

    ws = wb.create_sheet("Audit plan")
    fill = PatternFill("solid", fgColor="1F4E79")
    widths = (12, 36, 22, 36, 44, 10, 26)
    for col, (header, width) in enumerate(zip(TEMPLATE_HEADERS, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    for col, value in enumerate(_EXAMPLE, start=1):
        ws.cell(row=2, column=col, value=value)
    for row in range(2, TEMPLATE_ROWS + 2):
        ws.cell(row=row, column=1).number_format = "mmm-yy"

    lists = wb.create_sheet("Lists")
    ranges = {}
    for col, (title, values) in enumerate(
        (("Service areas", vocab.SERVICE_AREAS), ("Activity types", tuple(vocab.ACTIVITY_TYPES.values()))), start=1
    ):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        ranges[title] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 40
    for title, header in (("Service areas", "Service area"), ("Activity types", "Activity type")):
        letter = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
        dv = DataValidation(type="list", formula1=ranges[title], allow_blank=True)
        dv.error = f"Choose a value from the list ({title.lower()})."
        dv.errorTitle = "Not in the list"
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")

    scope = wb.create_sheet("Scope areas")
    for col, header in enumerate(("Service area", "Scope area (framework section 6)"), start=1):
        scope.cell(row=1, column=col, value=header).font = Font(bold=True)
    for item in framework_scope.SCOPE:
        scope.append([item.service_area, item.item])
    scope.column_dimensions["A"].width = 40
    scope.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
