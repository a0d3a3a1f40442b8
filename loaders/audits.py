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
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells
from loaders.audit_columns import (
    FIELD_BY_NAME,
    LONG_DOMAIN_ALIASES,
    LONG_GRADE_ALIASES,
    OVERALL_DOMAIN,
    REQUIRED,
    domain_for_header,
    field_for_header,
    header_score,
)
from loaders.report import ERROR, WARNING, LoadReport, column_letter
from loaders.workbook import RawTable, Source, find_table, inspect_file
from loaders.writer import record_load, replace_rows
from qa_data import vocab

KIND = "audits"
PREVIEW_ROWS = 10
ROW_ISSUES_PER_PROBLEM = 50  # list this many rows per problem and column, then summarise
Progress = Callable[[float, str], None]


@dataclass
class _Layout:
    fields: dict[str, int]  # field name -> sheet column index
    domains: dict[str, int]  # wide layout: domain key -> sheet column index
    long_domain: int | None = None
    long_grade: int | None = None

    @property
    def is_long(self) -> bool:
        return self.long_domain is not None


def load_audits(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate `source` and, unless `dry_run` or it has errors, load it into `audits` and
    `audit_grades`. Returns the report; rejected and unchanged uploads are recorded in `loads`
    (not in a dry run). Never raises for bad input; raises duckdb errors only for a broken
    database."""
    step = progress or (lambda _f, _m: None)
    report = LoadReport(file=source.name, kind=KIND)
    report.sha256 = hashlib.sha256(source.data).hexdigest()
    step(0.05, "Checking the file")
    raw = find_table(source, header_score, report) if inspect_file(source, report) else None
    cur = con.cursor()
    try:
        if raw is not None:
            step(0.4, "Checking every row")
            _validate(cur, raw, report, today or date.today())
            report.issues.sort(key=lambda i: (i.row or 0, len(i.column_letter or ""), i.column_letter or ""))
        if dry_run:
            report.outcome = "checked" if report.valid else "rejected"
            return report
        step(0.8, "Saving")
        if not report.valid or raw is None:
            report.outcome = "rejected"
            record_load(cur, report, loaded_by=loaded_by)
        else:
            replace_rows(
                cur,
                report,
                loaded_by=loaded_by,
                table="audits",
                key="audit_id",
                columns=_AUDIT_COLUMNS,
                child_table="audit_grades",
                child_columns=("audit_id", "domain", "grade", "good_or_better"),
                staged="new_audits",
                staged_children="new_grades",
                staged_keys="stage",
            )
        step(1.0, report.summary())
        return report
    finally:
        cur.close()


_AUDIT_COLUMNS = (
    "audit_id", "activity_type", "audit_date", "service_area", "team", "worker", "auditor",
    "theme", "observation_setting", "child_ref", "overall_grade", "moderated_grade",
    "final_grade", "good_or_better", "worker_notified", "feedback_given", "feedback_date",
    "strengths", "areas_for_development", "source_sheet", "source_row",
)


def _layout(raw: RawTable, report: LoadReport) -> _Layout:
    layout = _Layout(fields={}, domains={})
    where = {"sheet": raw.sheet, "row": raw.header_row}
    named: dict[str, tuple[int, str]] = {}
    for index, header in sorted(raw.headers.items()):
        key = vocab.normalise_label(header)
        target = field_for_header(header)
        if key in LONG_DOMAIN_ALIASES:
            layout.long_domain = index
            continue
        if target is None:
            domain = domain_for_header(header)
            target = f"domain:{domain}" if domain else None
        if target is None:
            report.add(
                "unknown-column",
                f'Column {column_letter(index)} "{header}" is not part of the audit return and '
                "was ignored.",
                severity=WARNING, column=header, column_letter=column_letter(index), **where,
            )
            continue
        if target in named:
            first = named[target]
            report.add(
                "duplicate-column",
                f'Columns {column_letter(first[0])} "{first[1]}" and {column_letter(index)} '
                f'"{header}" both hold the same thing; keep one of them.',
                column=header, column_letter=column_letter(index), **where,
            )
            continue
        named[target] = (index, header)
    for target, (index, header) in named.items():
        if target.startswith("domain:"):
            layout.domains[target.removeprefix("domain:")] = index
        else:
            layout.fields[target] = index
    if layout.is_long:
        # In the long layout, a plain "Grade" column grades the row's domain, not the audit.
        for target in ("overall_grade",):
            index = layout.fields.get(target)
            if index is not None and vocab.normalise_label(raw.headers[index]) in LONG_GRADE_ALIASES:
                layout.long_grade = layout.fields.pop(target)
        if layout.long_grade is None:
            report.add(
                "missing-column",
                'The sheet has a "Domain" column but no "Grade" column beside it.', **where,
            )
    for name in REQUIRED:
        if name not in layout.fields and not (name == "overall_grade" and layout.is_long):
            label = FIELD_BY_NAME[name].label
            report.add(
                "missing-column",
                f'The required column "{label}" is missing from the header row (row '
                f"{raw.header_row}).",
                column=label, **where,
            )
    return layout


def _validate(cur: duckdb.DuckDBPyConnection, raw: RawTable, report: LoadReport, today: date) -> None:
    layout = _layout(raw, report)
    cur.register("raw_cells", raw.table)
    data_cols = [c for c in raw.table.column_names if c != "_row"]
    not_blank = f"coalesce({', '.join(data_cols)}) is not null" if data_cols else "false"
    selects = ["_row"]
    # Cells are copied as they are (IDs and free text trimmed). Coded values and names are read
    # once per distinct value in Python (loaders.cells, qa_data.vocab), which knows the "nothing
    # here" placeholders; per-row string work in SQL cost more than the parse itself at 50k rows.
    for name, index in layout.fields.items():
        if FIELD_BY_NAME[name].parse == "longtext":
            selects.append(f"nullif(trim(c{index}, chr(32) || chr(9) || chr(10) || chr(13)), '') as {name}")
        else:
            selects.append(
                f"nullif(trim(c{index}), '') as {name}" if name == "audit_id" else f"c{index} as {name}"
            )
    for key, index in layout.domains.items():
        selects.append(f"c{index} as d_{key}")
    if layout.is_long:
        selects.append(f"c{layout.long_domain} as long_domain")
        if layout.long_grade is not None:
            selects.append(f"c{layout.long_grade} as long_grade")
    cur.execute(
        f"create or replace temp table stage as select {', '.join(selects)} "  # noqa: S608
        f"from raw_cells where {not_blank}"
    )
    cur.unregister("raw_cells")
    row = cur.execute("select count(*) from stage").fetchone()
    report.rows_read = int(row[0]) if row else 0
    if report.rows_read == 0:
        report.add(
            "empty-file",
            "The file has a header row but no audits under it.", sheet=raw.sheet,
        )
        return
    checker = _Checker(cur, raw, layout, report)
    checker.parse_fields(today)
    checker.required_values()
    grades_sql = checker.domain_grades()
    if not report.valid:
        return
    checker.build(grades_sql)
    checker.warnings()
    preview = cur.execute("select * from new_audits order by source_row limit ?", [PREVIEW_ROWS])
    names = [d[0] for d in preview.description]
    report.preview = [dict(zip(names, r, strict=True)) for r in preview.fetchall()]


class _Checker:
    """Row checks over the staged cells; each adds located issues to the report."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, raw: RawTable, layout: _Layout, report: LoadReport):
        self.cur, self.raw, self.layout, self.report = cur, raw, layout, report

    def _where(self, index: int | None, row: int | None = None, value: Any = None) -> dict[str, Any]:
        header = self.raw.headers.get(index) if index is not None else None
        return {
            "sheet": self.raw.sheet,
            "row": row,
            "column": header,
            "column_letter": column_letter(index) if index is not None else None,
            "value": None if value is None else str(value),
        }

    def _row_issues(self, sql: str, params: list[Any], code: str, index: int | None,
                    message: Callable[[Any], str], severity: str = ERROR) -> None:
        rows = self.cur.execute(sql, params).fetchall()  # (row, value) ordered by row
        for row_number, value in rows[:ROW_ISSUES_PER_PROBLEM]:
            self.report.add(code, message(value), severity=severity, **self._where(index, row_number, value))
        if len(rows) > ROW_ISSUES_PER_PROBLEM:
            more = len(rows) - ROW_ISSUES_PER_PROBLEM
            self.report.add(
                code, f"... and {more:,} more row(s) with the same problem in this column.",
                severity=severity, **self._where(index),
            )

    def required_values(self) -> None:
        for name in REQUIRED:
            index = self.layout.fields.get(name)
            if index is None:
                continue
            label = FIELD_BY_NAME[name].label
            if FIELD_BY_NAME[name].parse == "id":
                sql = (
                    f"select _row, {name} from stage where {name} is null "  # noqa: S608
                    f"or lower({name}) in (select unnest(?)) order by _row"
                )
            else:  # blank, or a placeholder such as #N/A that reads as nothing
                sql = (
                    f"select s._row, s.{name} from stage as s left join map_{name} as m "  # noqa: S608
                    f"on s.{name} = m.raw where s.{name} is null "
                    "or (m.raw is not null and m.val is null) order by s._row"
                )
            params = [sorted(cells.BLANKS)] if FIELD_BY_NAME[name].parse == "id" else []
            self._row_issues(
                sql, params, "missing-value", index, lambda _v, label=label: f"{label} is blank.",
            )
        if "audit_id" in self.layout.fields and not self.layout.is_long:
            index = self.layout.fields["audit_id"]
            self._row_issues(
                "select _row, audit_id from (select _row, audit_id, row_number() over "
                "(partition by audit_id order by _row) as n from stage where audit_id is not null) "
                "where n > 1 order by _row",
                [], "duplicate-key", index,
                lambda v: f'Audit ID "{v}" appears more than once in the file; each audit '
                "must have its own ID.",
            )

    def _map(self, name: str, parse: Callable[[str], Any], arrow_type: pa.DataType) -> list[str]:
        """Read each distinct value of a staged column once; register `map_<name>` (raw, val)
        and return the values that could not be read."""
        distinct = [r[0] for r in self.cur.execute(
            f"select distinct {name} from stage where {name} is not null"  # noqa: S608
        ).fetchall()]
        raws, vals, bad = [], [], []
        for value in distinct:
            try:
                parsed = parse(value)
            except ValueError:
                bad.append(value)
                continue
            if parsed is None and not cells.is_blank(value):
                bad.append(value)
                continue
            raws.append(value)
            vals.append(parsed)
        table = pa.table({"raw": pa.array(raws, pa.string()), "val": pa.array(vals, arrow_type)})
        self.cur.register(f"map_{name}", table)
        return bad

    def parse_fields(self, today: date) -> None:
        date1904 = self.raw.date1904
        parsers: dict[str, tuple[Callable[[str], Any], pa.DataType, str, Callable[[Any], str]]] = {
            "date": (lambda v: cells.parse_date(v, date1904=date1904), pa.date32(), "bad-date",
                     lambda v: f'"{v}" is not a date. Write dates as dd/mm/yyyy, e.g. 31/01/2025.'),
            "grade": (vocab.canonical_grade, pa.string(), "unknown-grade",
                      lambda v: f'"{v}" is not a grade. Use Outstanding, Good, Requires '
                      "improvement or Inadequate."),
            "area": (vocab.canonical_service_area, pa.string(), "unknown-service-area",
                     lambda v: f'"{v}" is not a service area. Use one of: '
                     + ", ".join(vocab.SERVICE_AREAS) + "."),
            "activity": (vocab.canonical_activity_type, pa.string(), "unknown-activity-type",
                         lambda v: f'"{v}" is not an activity type. Use Case audit, Dip sample '
                         "or Observation."),
            "yesno": (cells.parse_yes_no, pa.bool_(), "bad-yes-no",
                      lambda v: f'"{v}" should be Yes or No.'),
            "text": (cells.clean_text, pa.string(), "", str),
        }
        for name, index in self.layout.fields.items():
            if FIELD_BY_NAME[name].parse in ("id", "longtext"):
                continue  # one value per row: trimmed in SQL, checked in required_values
            parse, arrow_type, code, message = parsers[FIELD_BY_NAME[name].parse]
            bad = self._map(name, parse, arrow_type)
            if bad and code:
                self._row_issues(
                    f"select _row, {name} from stage where {name} in "  # noqa: S608
                    "(select unnest(?)) order by _row",
                    [bad], code, index, message,
                )
        for name in ("audit_date", "feedback_date"):
            index = self.layout.fields.get(name)
            if index is None:
                continue
            self._row_issues(
                f"select s._row, s.{name} from stage as s join map_{name} as m "  # noqa: S608
                f"on s.{name} = m.raw where m.val > ? order by s._row",
                [today], "future-date", index,
                lambda v: f'"{v}" is in the future; check the day and month (dates are read '
                "day first).",
            )

    def domain_grades(self) -> str:
        """SQL selecting (audit_id, domain, grade, good_or_better, _row) of every graded domain,
        after checking the domain grades; the long layout's overall grade is taken from it."""
        if self.layout.is_long:
            return self._long_grades()
        parts = [
            f"select audit_id, '{key}' as domain, d_{key} as raw, _row from stage "  # noqa: S608
            f"where d_{key} is not null"
            for key in self.layout.domains  # keys come from vocab.DOMAINS, an allow-list
        ]
        if not parts:
            parts = ["select null::varchar, null::varchar, null::varchar, null::integer where false"]
        self.cur.execute("create or replace temp view stage_grades as " + " union all ".join(parts))
        grade_map = self._domain_grade_map()
        for key, index in self.layout.domains.items():
            self._row_issues(
                "select _row, raw from stage_grades where domain = ? and raw in "
                "(select unnest(?)) order by _row",
                [key, grade_map], "unknown-grade", index,
                lambda v: f'"{v}" is not a grade. Use Outstanding, Good, Requires improvement, '
                "Inadequate, or leave blank if not graded.",
            )
        return (
            "select g.audit_id, g.domain, m.val as grade, m.val in ('Outstanding', 'Good') "
            "as good_or_better from stage_grades as g join map_domain_grade as m on g.raw = m.raw "
            "where m.val is not null"
        )

    def _domain_grade_map(self) -> list[str]:
        distinct = [r[0] for r in self.cur.execute("select distinct raw from stage_grades").fetchall()]
        raws, vals, bad = [], [], []
        for value in distinct:
            grade = vocab.canonical_grade(value)
            if grade is None and vocab.normalise_label(value) not in vocab.NOT_GRADED \
                    and not cells.is_blank(value):
                bad.append(value)
                continue
            raws.append(value)
            vals.append(grade)
        self.cur.register("map_domain_grade", pa.table({
            "raw": pa.array(raws, pa.string()), "val": pa.array(vals, pa.string())}))
        return bad

    def _long_grades(self) -> str:
        dom_index, grade_index = self.layout.long_domain, self.layout.long_grade
        if grade_index is None:
            return ""
        distinct = [r[0] for r in self.cur.execute(
            "select distinct long_domain from stage where long_domain is not null").fetchall()]
        raws, keys, bad = [], [], []
        for value in distinct:
            norm = vocab.normalise_label(value)
            key = "__overall__" if norm in OVERALL_DOMAIN else domain_for_header(value)
            (raws if key else bad).append(value)
            if key:
                keys.append(key)
        self.cur.register("map_domain", pa.table({"raw": pa.array(raws, pa.string()),
                                                  "val": pa.array(keys, pa.string())}))
        known = ", ".join(d.label for d in vocab.DOMAINS)
        self._row_issues(
            "select _row, long_domain from stage where long_domain in (select unnest(?)) order by _row",
            [bad], "unknown-domain", dom_index,
            lambda v: f'"{v}" is not a domain the audit tool grades. Use one of: {known}, or Overall.',
        )
        self._row_issues(
            "select _row, null from stage where long_domain is null order by _row",
            [], "missing-value", dom_index, lambda _v: "Domain is blank.",
        )
        self.cur.execute(
            "create or replace temp view stage_grades as select s.audit_id, m.val as domain, "
            "s.long_grade as raw, s._row from stage as s join map_domain as m on s.long_domain = m.raw"
        )
        grade_map = self._domain_grade_map()
        self._row_issues(
            "select _row, raw from stage_grades where raw in (select unnest(?)) order by _row",
            [grade_map], "unknown-grade", grade_index,
            lambda v: f'"{v}" is not a grade. Use Outstanding, Good, Requires improvement or Inadequate.',
        )
        self._row_issues(
            "select _row, audit_id from (select audit_id, domain, _row, row_number() over "
            "(partition by audit_id, domain order by _row) as n from stage_grades) where n > 1 "
            "order by _row",
            [], "duplicate-key", dom_index,
            lambda v: f'Audit ID "{v}" has this domain graded twice.',
        )
        self._long_conflicts()
        return (
            "select g.audit_id, g.domain, m.val as grade, m.val in ('Outstanding', 'Good') "
            "as good_or_better from stage_grades as g join map_domain_grade as m on g.raw = m.raw "
            "where m.val is not null and g.domain <> '__overall__'"
        )

    def _long_conflicts(self) -> None:
        for name, index in self.layout.fields.items():
            if name == "audit_id":
                continue
            self._row_issues(
                f"select min(_row), audit_id from stage where audit_id is not null "  # noqa: S608
                f"group by audit_id having count(distinct {name}) > 1 order by 1",
                [], "conflicting-values", index,
                lambda v: f'Audit ID "{v}" has different values in this column on different rows.',
            )
        if "overall_grade" not in self.layout.fields:
            self._row_issues(
                "select min(s._row), s.audit_id from stage as s where s.audit_id is not null and "
                "not exists (select 1 from stage_grades as g where g.audit_id = s.audit_id and "
                "g.domain = '__overall__' and g.raw is not null) group by s.audit_id order by 1",
                [], "missing-value", self.layout.long_domain,
                lambda v: f'Audit ID "{v}" has no Overall grade row.',
            )

    def build(self, grades_sql: str) -> None:
        """Create `new_audits` and `new_grades`, the rows this file would write."""
        f = self.layout.fields

        def col(name: str, default: str = "null") -> str:
            if name not in f:
                return f"{default} as {name}"
            if FIELD_BY_NAME[name].parse in ("id", "longtext"):
                return f"s.{name} as {name}"
            return f"m_{name}.val as {name}"

        joins = " ".join(
            f"left join map_{name} as m_{name} on s.{name} = m_{name}.raw"
            for name in f if FIELD_BY_NAME[name].parse not in ("id", "longtext")
        )
        overall = "m_overall_grade.val" if "overall_grade" in f else "ov.grade"
        if "overall_grade" not in f:
            joins += (
                " left join (select g.audit_id, m.val as grade from stage_grades as g join "
                "map_domain_grade as m on g.raw = m.raw where g.domain = '__overall__') as ov "
                "on s.audit_id = ov.audit_id"
            )
        final = f"coalesce({col('moderated_grade', 'null').split(' as ')[0]}, {overall})"
        # The sheet name comes from the file, so it is bound as data, never written into SQL.
        self.cur.register("load_meta", pa.table({"sheet": pa.array([self.raw.sheet], pa.string())}))
        select = f"""
            select {col('audit_id')}, {col('activity_type')}, {col('audit_date')},
                   {col('service_area')}, {col('team')}, {col('worker')}, {col('auditor')},
                   {col('theme')}, {col('observation_setting')}, {col('child_ref')},
                   {overall} as overall_grade, {col('moderated_grade')},
                   {final} as final_grade, {final} in ('Outstanding', 'Good') as good_or_better,
                   {col('worker_notified')}, {col('feedback_given')}, {col('feedback_date')},
                   {col('strengths')}, {col('areas_for_development')},
                   (select sheet from load_meta) as source_sheet, s._row as source_row
            from stage as s {joins}
        """
        # Views, not tables: on the usual path (all audits new) each is read once, by the insert.
        if self.layout.is_long:
            self.cur.execute(
                f"create or replace temp view new_audits as select * from ({select}) "  # noqa: S608
                "qualify row_number() over (partition by audit_id order by source_row) = 1"
            )
        else:
            self.cur.execute(f"create or replace temp view new_audits as {select}")  # noqa: S608
        self.cur.execute(f"create or replace temp view new_grades as {grades_sql}")  # noqa: S608

    def warnings(self) -> None:
        index = self.layout.domains.get("supervision")
        self._row_issues(
            "select min(a.source_row), a.audit_id from new_audits as a where not exists (select 1 "
            "from new_grades as g where g.audit_id = a.audit_id and g.domain = 'supervision') "
            "group by a.audit_id order by 1",
            [], "missing-supervision-grade", index,
            lambda v: f'Audit "{v}" has no supervision grade; the framework expects supervision to '
            "be graded on every audit.",
            severity=WARNING,
        )
        if "feedback_date" in self.layout.fields:
            self._row_issues(
                "select source_row, feedback_date from new_audits where feedback_date < audit_date "
                "order by source_row",
                [], "feedback-before-audit", self.layout.fields["feedback_date"],
                lambda v: f"Feedback date {v} is before the audit date.", severity=WARNING,
            )
