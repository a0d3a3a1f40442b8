"""Row checks of an audit return, set-based over the staged cells in DuckDB.

Each check adds located issues (sheet, Excel row, column letter and heading, value) to the
report. Values are read once per distinct value in Python (`loaders.cells`, `qa_data.vocab`) and
joined back as small `map_<field>` tables; identifiers in SQL come from `loaders.audit_columns`
and `qa_data.vocab`, never from a file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from loaders import cells, upload_scope
from loaders.audit_columns import FIELD_BY_NAME, OVERALL_DOMAIN, REQUIRED, Layout, domain_for_header
from loaders.report import ERROR, ROW_ISSUES_PER_PROBLEM, WARNING, LoadReport, column_letter
from loaders.workbook import RawTable
from qa_data import vocab


def staged_cells(table: pa.Table, layout: Layout) -> pa.Table:
    """What the checks read as `stage`: the rows of `table` with a value in any column, with `_row`,
    one column per field (named as the field), per domain (`d_<key>`) and, in the long layout,
    `long_domain` and `long_grade`. Registered with DuckDB, not copied into a temp table: with two
    threads DuckDB copies through its parallel (batch) insert, at twice the cost of a plain copy
    (75-100 ms against 40 ms for 50,000 rows of 23 text columns), more than reading the Arrow
    columns in every check costs."""
    data = [pc.is_valid(table.column(c)) for c in table.column_names if c != "_row"]
    rows = table.filter(functools.reduce(pc.or_, data)) if data else table.slice(0, 0)
    columns = {"_row": rows.column("_row")}
    columns.update({name: rows.column(f"c{index}") for name, index in layout.fields.items()})
    columns.update({f"d_{key}": rows.column(f"c{index}") for key, index in layout.domains.items()})
    if layout.is_long:
        columns["long_domain"] = rows.column(f"c{layout.long_domain}")
        if layout.long_grade is not None:
            columns["long_grade"] = rows.column(f"c{layout.long_grade}")
    return pa.table(columns)


class Checker:
    """Row checks over the staged cells; each adds located issues to the report."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, raw: RawTable, layout: Layout, report: LoadReport):
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
        for row_number, raw_value in rows[:ROW_ISSUES_PER_PROBLEM]:
            value = _as_excel_shows(raw_value)
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
            params: list[Any] = [sorted(cells.BLANKS)] if FIELD_BY_NAME[name].parse == "id" else []
            self._row_issues(sql, params, "missing-value", index, _blank_message(label))
        if "audit_id" in self.layout.fields and not self.layout.is_long:
            index = self.layout.fields["audit_id"]
            # The window runs over the rows of duplicated IDs only (usually none).
            self._row_issues(
                "select _row, audit_id from (select _row, audit_id, row_number() over "
                "(partition by audit_id order by _row) as n from stage where audit_id in "
                "(select audit_id from stage group by audit_id having count(*) > 1)) "
                "where n > 1 order by _row",
                [], "duplicate-key", index,
                lambda v: f'Audit ID "{v}" appears more than once in the file; each audit '
                "must have its own ID.",
            )

    def _distinct(self, *indexes: int) -> list[str]:
        """The distinct values (not null) of the sheet columns `indexes`, in order of first
        appearance: those of their staged columns, since the staged rows are the sheet's rows less
        the blank ones. Read in Arrow: a query per column cost 1-3 ms each."""
        found: dict[str, None] = {}
        for index in indexes:
            found.update(dict.fromkeys(pc.unique(self.raw.table.column(f"c{index}")).drop_null().to_pylist()))
        return list(found)

    def _map(self, name: str, parse: Callable[[str], Any], arrow_type: pa.DataType) -> list[str]:
        """Read each distinct value of a staged column once; register `map_<name>` (raw, val)
        and return the values that could not be read."""
        distinct = self._distinct(self.layout.fields[name])
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
            if name not in self.layout.fields:
                continue
            index = self.layout.fields[name]
            self._row_issues(
                f"select s._row, s.{name} from stage as s join map_{name} as m "  # noqa: S608
                f"on s.{name} = m.raw where m.val > ? order by s._row",
                [today], "future-date", index,
                lambda v: f'"{v}" is in the future; check the day and month (dates are read '
                "day first).",
            )

    def domain_grades(self) -> None:
        """Check the domain grades and prepare, for build(), one SQL expression per domain giving
        its canonical grade (`self.grade_sql`), the joins they need, and the long layout's overall
        grade."""
        self.grade_sql: dict[str, str] = {}
        self.grade_joins = ""
        self.long_overall = "null"
        if self.layout.is_long:
            self._long_grades()
            return
        domains = self.layout.domains  # keys come from vocab.DOMAINS, an allow-list
        grade_map = self._domain_grade_map(self._distinct(*domains.values()))
        for key, index in domains.items():
            self.grade_sql[key] = f"g_{key}.val"
            self.grade_joins += f" left join map_domain_grade as g_{key} on s.d_{key} = g_{key}.raw"
            if not grade_map:  # every distinct grade was read: no row to look for
                continue
            self._row_issues(
                f"select _row, d_{key} from stage where d_{key} in (select unnest(?)) order by _row",  # noqa: S608
                [grade_map], "unknown-grade", index,
                lambda v: f'"{v}" is not a grade. Use Outstanding, Good, Requires improvement, '
                "Inadequate, or leave blank if not graded.",
            )

    def _domain_grade_map(self, distinct: list[str]) -> list[str]:
        """Register `map_domain_grade` (raw, val) for the `distinct` grades as written; return
        those that are not a grade."""
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

    def _long_grades(self) -> None:
        dom_index, grade_index = self.layout.long_domain, self.layout.long_grade
        if grade_index is None:
            return
        distinct = [r[0] for r in self.cur.execute(
            "select distinct long_domain from stage where long_domain is not null").fetchall()]
        raws: list[str] = []
        keys: list[str] = []
        bad: list[str] = []
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
        grade_map = self._domain_grade_map([r[0] for r in self.cur.execute(
            "select distinct raw from stage_grades where raw is not null").fetchall()])
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
        # One row per audit, one column per domain: the long rows pivoted to the stored shape.
        pivots = ", ".join(
            f"max(m.val) filter (where g.domain = '{d.key}') as {d.key}_grade" for d in vocab.DOMAINS
        )
        self.cur.execute(
            f"create or replace temp view long_grades as select g.audit_id, {pivots}, "  # noqa: S608
            "max(m.val) filter (where g.domain = '__overall__') as overall_grade "
            "from stage_grades as g join map_domain_grade as m on g.raw = m.raw group by g.audit_id"
        )
        self.grade_sql = {d.key: f"lg.{d.key}_grade" for d in vocab.DOMAINS}
        self.grade_joins = " left join long_grades as lg on s.audit_id = lg.audit_id"
        self.long_overall = "lg.overall_grade"

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

    def build(self) -> None:
        """Create the view `new_audits`: the rows this file would write, in the stored shape."""
        select = self.select()
        # A view, not a table: on the usual path (all audits new) it is read once, by the insert.
        if self.layout.is_long:
            self.cur.execute(
                f"create or replace temp view new_audits as select * from ({select}) "  # noqa: S608
                "qualify row_number() over (partition by audit_id order by source_row) = 1"
            )
        else:
            self.cur.execute(f"create or replace temp view new_audits as {select}")  # noqa: S608

    def preview(self, rows: int) -> list[dict[str, Any]]:
        """The first `rows` audits as they would be stored, computed from the first staged rows
        only (the wide layout), not from the whole file."""
        if self.layout.is_long:
            result = self.cur.execute("select * from new_audits order by source_row limit ?", [rows])
        else:
            first = f"(select * from stage order by _row limit {int(rows)})"  # noqa: S608 - an int
            result = self.cur.execute(f"{self.select(first)} order by source_row")  # noqa: S608
        names = [d[0] for d in result.description]
        return [dict(zip(names, r, strict=True)) for r in result.fetchall()]

    def select(self, source: str = "stage") -> str:
        """The SQL that turns staged cells (`source`) into stored rows."""
        f = self.layout.fields

        def col(name: str, default: str = "null") -> str:
            if name not in f:
                return f"{default} as {name}"
            if name == "reaudit_of":  # optional: a placeholder such as "-" or "N/A" means none
                blanks = ", ".join(f"'{b}'" for b in sorted(cells.BLANKS))
                return f"case when lower(s.{name}) in ({blanks}) then null else s.{name} end as {name}"
            if FIELD_BY_NAME[name].parse in ("id", "longtext"):
                return f"s.{name} as {name}"
            return f"m_{name}.val as {name}"

        joins = " ".join(
            f"left join map_{name} as m_{name} on s.{name} = m_{name}.raw"
            for name in f if FIELD_BY_NAME[name].parse not in ("id", "longtext")
        ) + self.grade_joins
        overall = "m_overall_grade.val" if "overall_grade" in f else self.long_overall
        final = f"coalesce({'m_moderated_grade.val' if 'moderated_grade' in f else 'null'}, {overall})"
        grades = ", ".join(f"{self.grade_sql.get(d.key, 'null')} as {d.key}_grade" for d in vocab.DOMAINS)
        # The sheet name comes from the file, so it is bound as data, never written into SQL.
        self.cur.register("load_meta", pa.table({"sheet": pa.array([self.raw.sheet], pa.string())}))
        return f"""
            select {col('audit_id')}, {col('activity_type')}, {col('audit_date')},
                   {col('service_area')}, {col('team')}, {col('worker')}, {col('auditor')},
                   {col('theme')}, {col('observation_setting')}, {col('child_ref')},
                   {overall} as overall_grade, {col('moderated_grade')},
                   {final} as final_grade, {final} in ('Outstanding', 'Good') as good_or_better,
                   {col('worker_notified')}, {col('feedback_given')}, {col('feedback_date')},
                   {col('strengths')}, {col('areas_for_development')},
                   {col('worker_reflection')}, {col('reaudit_of')}, {grades},
                   (select sheet from load_meta) as source_sheet, s._row as source_row
            from {source} as s {joins}
        """  # noqa: S608 - column names from audit_columns.FIELDS and vocab.DOMAINS; the sheet is bound

    def upload_areas(self, areas: tuple[str, ...]) -> None:
        """An uploader limited to `areas` (loaders.upload_scope): each audit must be in one of them,
        and may not re-use the ID of an audit stored for another area (it would replace it)."""
        self._row_issues(
            "select source_row, service_area from new_audits where not list_contains(?, service_area) order by 1",
            [list(areas)], "area-not-permitted", self.layout.fields.get("service_area"),
            lambda v: upload_scope.out_of_area_message(v, areas),
        )
        self._row_issues(
            "select n.source_row, n.audit_id from new_audits as n join audits as a using (audit_id) "
            "where not list_contains(?, a.service_area) order by 1",
            [list(areas)], "id-outside-your-areas", self.layout.fields.get("audit_id"),
            lambda v: upload_scope.taken_id_message("Audit ID", v),
        )

    def reaudit_links(self, seen: tuple[str, ...] | None = None) -> None:
        """A re-audit names another audit: not itself (an error); one not in this file or the
        database is a warning (the original may be loaded later). With `seen` (the uploader's
        areas) audits stored for other areas count as not loaded: the warning must not tell an
        uploader whether another area holds an ID."""
        index = self.layout.fields.get("reaudit_of")
        if index is None:
            return
        self._row_issues(
            "select source_row, audit_id from new_audits where reaudit_of = audit_id order by 1",
            [], "reaudit-of-itself", index,
            lambda v: f'Audit "{v}" is marked as a re-audit of itself; "Re-audit of" should name the '
            "original audit's ID.",
        )
        self._row_issues(
            "select source_row, reaudit_of from new_audits as n where reaudit_of is not null "
            "and reaudit_of <> audit_id "
            "and reaudit_of not in (select audit_id from new_audits) "
            "and reaudit_of not in (select audit_id from audits "
            "where ?::varchar[] is null or list_contains(?, service_area)) order by 1",
            [None if seen is None else list(seen)] * 2, "unknown-original-audit", index,
            lambda v: f'No audit "{v}" has been loaded, so this re-audit cannot be compared with it '
            "yet. Check the ID, or load the original audit.",
            severity=WARNING,
        )

    def warnings(self) -> None:
        """Warnings that do not block a load. Read from the staged cells and the value maps (the
        long layout from new_audits): cheaper than the joined view on a large file."""
        index = self.layout.domains.get("supervision")
        if self.layout.is_long:
            sql = "select source_row, audit_id from new_audits where supervision_grade is null order by 1"
        elif index is None:
            sql = "select _row, audit_id from stage order by _row"
        else:
            sql = (
                "select s._row, s.audit_id from stage as s left join map_domain_grade as m "
                "on s.d_supervision = m.raw where m.val is null order by s._row"
            )
        self._row_issues(
            sql, [], "missing-supervision-grade", index,
            lambda v: f'Audit "{v}" has no supervision grade; the framework expects supervision to '
            "be graded on every audit.",
            severity=WARNING,
        )
        if "feedback_date" in self.layout.fields and "audit_date" in self.layout.fields:
            self._row_issues(
                "select s._row, s.feedback_date from stage as s "
                "join map_feedback_date as fb on s.feedback_date = fb.raw "
                "join map_audit_date as ad on s.audit_date = ad.raw "
                "where fb.val < ad.val "
                "qualify row_number() over (partition by s.audit_id order by s._row) = 1 order by s._row",
                [], "feedback-before-audit", self.layout.fields["feedback_date"],
                lambda v: f"Feedback date {v} is before the audit date.", severity=WARNING,
            )


def _blank_message(label: str) -> Callable[[Any], str]:
    return lambda _value: f"{label} is blank."


_EXCEL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) 00:00:00$")


def _as_excel_shows(value: Any) -> Any:
    """A date cell reaches us as '2027-02-01 00:00:00'; say it as the QAL sees it: 01/02/2027."""
    if isinstance(value, str) and (m := _EXCEL_DATE.match(value)):
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    return value
