"""The audit-return loader: case audits, dip samples and practice observations.

`load_audits(con, source)` reads a workbook or CSV, validates every row (collecting every
problem), and, if there is no error, writes the audits and their domain grades in one
transaction. Policy for bad rows: **any error rejects the whole file and writes nothing**;
warnings (an unknown extra column, a missing supervision grade) are reported and do not block.
Re-loading identical content changes nothing; a re-upload that changes audits with the same
`audit_id` replaces those audits (with their grades) and leaves the others untouched.

Validation is set-based: each distinct cell value is read once in Python (`loaders.cells`,
`qa_data.vocab`) and joined back in DuckDB, so a 50,000-row file validates in well under a second.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from loaders import upload_scope
from loaders.audit_checks import Checker, staged_cells
from loaders.audit_columns import FIELD_BY_NAME, header_score, map_headers
from loaders.report import LoadReport
from loaders.workbook import RawTable, Source, find_table, inspect_file
from loaders.writer import ChildRows, kill_point, locked, record_load, replace_rows
from qa_data import db, vocab
from qa_data.scope import Scope

KIND = "audits"
PREVIEW_ROWS = 10
Progress = Callable[[float, str], None]


def load_audits(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    dry_run: bool = False,
    record_rejected: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    children: tuple[ChildRows, ...] = (),
    scope: Scope | None = None,
) -> LoadReport:
    """Validate `source` and, unless `dry_run` or it has errors, load it into `audits` and
    `audit_grades`, with `children` (rows of other tables keyed by audit ID, e.g. a reflection
    sheet's agreed actions, validated by the caller) in the same transaction. Returns the report;
    rejected and unchanged uploads are recorded in `loads`.
    A dry run writes nothing, except that with `record_rejected` a rejected file is recorded (the
    Upload page: a rejected upload is an attempt the load history must show). `scope` is the
    uploader: audits outside their areas, or re-using the ID of one stored outside them, are errors
    (loaders.upload_scope; None: no limit). Never raises for bad input; raises duckdb errors only for
    a broken database."""
    step = progress or (lambda _f, _m: None)
    report = LoadReport(file=source.name, kind=KIND)
    report.sha256 = hashlib.sha256(source.data).hexdigest()
    step(0.05, "Checking the file")
    kill_point("audits:start")
    areas = upload_scope.upload_areas(report, KIND, scope)
    raw = None
    if report.valid and inspect_file(source, report):
        raw = find_table(source, header_score, report)
    cur = db.cursor(con)
    try:
        if raw is not None:
            step(0.4, "Checking every row")
            seen = None if areas is None or scope is None else tuple(scope.service_areas)
            _validate(cur, raw, report, today or date.today(), areas, seen)
            report.sort_issues()
        if dry_run:
            report.outcome = "checked" if report.valid else "rejected"
            if record_rejected and not report.valid:
                locked(cur, report, loaded_by, lambda: record_load(cur, report, loaded_by=loaded_by))
            return report
        step(0.8, "Saving")
        kill_point("audits:validated")
        if not report.valid or raw is None:
            report.outcome = "rejected"
            locked(cur, report, loaded_by, lambda: record_load(cur, report, loaded_by=loaded_by))
        else:
            locked(cur, report, loaded_by, lambda: replace_rows(
                cur,
                report,
                loaded_by=loaded_by,
                table="audits",
                key="audit_id",
                columns=_AUDIT_COLUMNS,
                staged="new_audits",
                staged_keys="stage",
                children=children,
            ))
        step(1.0, f"done ({report.outcome})")
        return report
    finally:
        cur.close()


_AUDIT_COLUMNS = (
    "audit_id", "activity_type", "audit_date", "service_area", "team", "worker", "auditor",
    "theme", "observation_setting", "child_ref", "overall_grade", "moderated_grade",
    "final_grade", "good_or_better", "worker_notified", "feedback_given", "feedback_date",
    "strengths", "areas_for_development", "worker_reflection", "reaudit_of",
    *(f"{d.key}_grade" for d in vocab.DOMAINS),
    "source_sheet", "source_row",
)


def _validate(cur: duckdb.DuckDBPyConnection, raw: RawTable, report: LoadReport, today: date,
              areas: tuple[str, ...] | None = None, seen: tuple[str, ...] | None = None) -> None:
    layout = map_headers(raw, report)
    # Cells are copied as they are, except that IDs and free text are trimmed here, in Arrow.
    # Coded values and names are read once per distinct value in Python (loaders.cells,
    # qa_data.vocab), which knows the "nothing here" placeholders: per-row string work in SQL cost
    # more than the parse itself at 50,000 rows.
    stage = staged_cells(_trimmed(raw.table, [
        i for name, i in layout.fields.items() if FIELD_BY_NAME[name].parse in ("id", "longtext")
    ]), layout)
    cur.register("stage", stage)
    report.rows_read = stage.num_rows
    if report.rows_read == 0:
        report.add(
            "empty-file",
            "The file has a header row but no audits under it.", sheet=raw.sheet,
        )
        return
    checker = Checker(cur, raw, layout, report)
    checker.parse_fields(today)
    checker.required_values()
    checker.domain_grades()
    if not report.valid:
        return
    checker.build()
    if areas is not None:
        checker.upload_areas(areas)
    checker.reaudit_links(seen)
    if not report.valid:
        return
    checker.warnings()
    report.preview = checker.preview(PREVIEW_ROWS)


def _trimmed(table: pa.Table, indexes: list[int]) -> pa.Table:
    """`table` with columns c<index> trimmed of white space, empty strings as null."""
    for index in indexes:
        name = f"c{index}"
        position = table.schema.get_field_index(name)
        column = pc.utf8_trim_whitespace(table.column(name))
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        table = table.set_column(position, name, column)
    return table
