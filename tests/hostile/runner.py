"""Run corpus cases against a real database and check each outcome exactly.

`check(con, case)` is what the parametrised test runs; `python tests/hostile/runner.py DB` runs the
whole corpus in this process (the memory-limited subprocess does this), prints one JSON line of
results with the peak RSS, and exits 0 only if every case came out as expected.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "tests" / "hostile") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from corpus import CASES, Case  # noqa: E402

import loaders  # noqa: E402
from loaders.report import LoadReport  # noqa: E402
from loaders.workbook import Source  # noqa: E402
from qa_data import db  # noqa: E402

TODAY = date(2026, 11, 26)


def checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of every row (as text, sorted) of every table but `loads` and
    `audit_trail` (the record of each attempt, rejected ones included)."""
    cur = db.cursor(con)
    try:
        tables = [r[0] for r in cur.execute(
            "select table_name from information_schema.tables where table_catalog = 'qa' "
            "and table_type = 'BASE TABLE' and table_name not in ('loads', 'audit_trail') order by 1"
        ).fetchall()]
        # Names come from the catalogue, not from a file; one query for all tables.
        sql = " union all ".join(
            f"select '{name}' as t, count(*) as n, md5(coalesce(string_agg(r::varchar, chr(10) "
            f"order by r::varchar), '')) as h from qa.main.{name} as r"
            for name in tables
        )
        return {t: (int(n), str(h)) for t, n, h in cur.execute(sql).fetchall()}  # noqa: S608
    finally:
        cur.close()


def load_count(con: duckdb.DuckDBPyConnection) -> int:
    row = db.cursor(con).execute("select count(*) from loads").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def located(report: LoadReport) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(i.code, i.sheet, i.row, i.column_letter) for i in report.issues]


def kinds_for(case: Case) -> list[str]:
    return list(loaders.KINDS) if case.file_level else ["audits"]


def check(con: duckdb.DuckDBPyConnection, case: Case) -> list[str]:
    """Load the case through every loader kind it applies to; assert the exact outcome, and that a
    rejection changed no table but `loads` (one rejected attempt recorded). Returns the kinds run."""
    data = case.build()
    expected = case.expected
    kinds = kinds_for(case)
    # A file-level case goes through every kind: the tables are compared before the first kind and
    # after the last (nothing a rejection could write is undone by the next), `loads` each time.
    before = checksums(con)
    for kind in kinds:
        loads_before = load_count(con)
        with environment(case.env):
            report = loaders.load_file(con, Source(case.file_name, data), kind=kind, loaded_by="hostile",
                                       today=TODAY)
        got = located(report)
        assert got == list(expected.issues), f"{case.name} [{kind}]: issues {got} != {list(expected.issues)}"
        for issue in report.issues:
            assert issue.message.endswith(".") and "Traceback" not in issue.message, issue.message
        if expected.outcome == "rejected":
            assert (report.outcome, report.rows_loaded) == ("rejected", 0), (case.name, kind, report.outcome)
            assert load_count(con) == loads_before + 1
            outcome = db.cursor(con).execute(
                "select outcome from loads where load_id = ?", [report.load_id]).fetchone()
            assert outcome == ("rejected",)
            trail = db.cursor(con).execute(
                "select action from audit_trail order by seq desc limit 1").fetchone()
            assert trail == ("upload_rejected",), (case.name, kind, trail)
        else:
            assert (report.outcome, report.rows_loaded) == ("loaded", expected.rows), (
                case.name, report.outcome, report.rows_loaded, got)
            after = checksums(con)
            changed = sorted(t for t in after if after[t] != before[t])
            assert changed == ["audits"], f"{case.name}: changed {changed}"
            for audit_id, column, value in expected.stored:
                assert column.isidentifier()
                row = db.cursor(con).execute(
                    f"select {column} from audits where audit_id = ?", [audit_id]  # noqa: S608
                ).fetchone()
                assert row == (value,), f"{case.name}: {audit_id}.{column} = {row!r}, expected {value!r}"
            stored = db.cursor(con).execute(
                "select string_agg(coalesce(team, '') || coalesce(strengths, ''), '') from audits "
                "where load_id = ?", [report.load_id]).fetchone()
            assert "root:x:0:0" not in str(stored)
    if expected.outcome == "rejected":
        assert checksums(con) == before, f"{case.name}: a rejection changed the database"
    return kinds


def main(db_path: str, names: list[str]) -> int:
    con = db.connect(Path(db_path))
    results: dict[str, str] = {}
    started = time.perf_counter()
    for name in names or list(CASES):
        print(name, file=sys.stderr, flush=True)  # the last name shows what a crash was loading
        try:
            kinds = check(con, CASES[name])
            results[name] = f"ok ({len(kinds)} kind(s))"
        except AssertionError as exc:
            results[name] = f"FAILED: {exc}"
        except Exception as exc:  # noqa: BLE001 - a loader that raises for bad input is a bug to report
            results[name] = f"CRASHED: {type(exc).__name__}: {exc}"
    con.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"results": results, "peak_rss_mib": round(peak_kib / 1024, 1),
                      "seconds": round(time.perf_counter() - started, 1)}))
    return 0 if all(v.startswith("ok") for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
