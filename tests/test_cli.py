"""`python -m loaders`: the command line a scheduled job uses. Run as a real subprocess from the
repository root against a temporary database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import DATA, ROOT

import loaders
from qa_data import db


def run(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # Never touch the project's own database: without --db the CLI would use this one.
    env["QA_INSIGHT_DB"] = str(tmp_path / "default.duckdb")
    command = [sys.executable, "-m", "loaders", *(str(a) for a in args)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def counts(path: Path) -> dict[str, int]:
    with db.connect(path) as con:
        return db.table_counts(con)


def test_valid_files_exit_0_and_are_loaded(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    result = run(
        tmp_path, DATA / "audit_title_rows.xlsx", DATA / "audit_return.csv", "--db", path, "--user", "jo.reed"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "audit_title_rows.xlsx: loaded, 4 row(s), 0 warning(s)",
        "audit_return.csv: loaded, 3 row(s), 0 warning(s)",
    ]
    assert counts(path) == {"audits": 7, "audit_grades": 28, "loads": 2}
    with db.connect(path) as con:
        loads = con.execute("select file_name, outcome, loaded_by from loads order by file_name").fetchall()
    assert loads == [
        ("audit_return.csv", "loaded", "jo.reed"),
        ("audit_title_rows.xlsx", "loaded", "jo.reed"),
    ]


def test_rejected_file_exits_1_and_writes_nothing_from_it(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    result = run(tmp_path, DATA / "bad_date.xlsx", DATA / "audit_title_rows.xlsx", "--db", path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "bad_date.xlsx: rejected, 2 error(s), 0 warning(s); nothing was written"
    assert "bad-date" in lines[1] and "row 3" in lines[1] and "column C" in lines[1]
    assert lines[-1] == "audit_title_rows.xlsx: loaded, 4 row(s), 0 warning(s)"
    assert counts(path) == {"audits": 4, "audit_grades": 16, "loads": 2}
    with db.connect(path) as con:
        assert con.execute("select count(*) from audits where audit_id like 'BD-%'").fetchone() == (0,)
        assert con.execute("select outcome from loads where file_name = 'bad_date.xlsx'").fetchall() == [
            ("rejected",)
        ]


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        ((), "the following arguments are required: PATH"),
        (("--kind", "nonsense", DATA / "audit_title_rows.xlsx"), "invalid choice: 'nonsense'"),
        ((DATA / "no_such_return.xlsx",), "error: cannot read"),
    ],
    ids=["no-paths", "unknown-kind", "missing-file"],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str | Path, ...], stderr: str) -> None:
    path = tmp_path / "qa.duckdb"
    result = run(tmp_path, *args, "--db", path) if args else run(tmp_path)
    assert result.returncode == 2
    assert stderr in result.stderr
    assert result.stdout == ""
    assert not path.exists()  # nothing was opened, let alone written
    assert not (tmp_path / "default.duckdb").exists()


def test_unreadable_database_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    path.write_text("not a database\n")
    result = run(tmp_path, DATA / "audit_title_rows.xlsx", "--db", path)
    assert result.returncode == 2
    assert "cannot open the database" in result.stderr


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    with db.connect(path) as con:
        loaders.load_file(con, DATA / "audit_title_rows.xlsx")
        before = db.table_counts(con)
    result = run(
        tmp_path, DATA / "audit_return.csv", DATA / "bad_many_problems.xlsx", "--dry-run", "--db", path
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "audit_return.csv: valid, 3 row(s), 0 warning(s)"
    assert lines[1] == "bad_many_problems.xlsx: rejected, 8 error(s), 0 warning(s); nothing was written"
    assert counts(path) == before
    fresh = tmp_path / "never.duckdb"
    assert run(tmp_path, DATA / "audit_return.csv", "--dry-run", "--db", fresh).returncode == 0
    assert not fresh.exists()
    assert not (tmp_path / "default.duckdb").exists()


def test_json_prints_one_object_per_file(tmp_path: Path) -> None:
    result = run(tmp_path, DATA / "bad_date.xlsx", DATA / "audit_unknown_column.xlsx", "--json", "--dry-run")
    assert result.returncode == 1, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == 2
    for report in reports:
        assert {"file", "kind", "valid", "rows_read", "rows_loaded", "issues"} <= set(report)
        for issue in report["issues"]:
            assert {"code", "severity", "message", "sheet", "row", "column", "value"} <= set(issue)
    bad, good = reports
    assert {k: bad[k] for k in ("file", "kind", "valid", "rows_read", "rows_loaded")} == {
        "file": "bad_date.xlsx", "kind": "audits", "valid": False, "rows_read": 4, "rows_loaded": 0,
    }  # fmt: skip
    assert bad["issues"] == [
        {"code": "bad-date", "severity": "error",
         "message": '"31/02/2025" is not a date. Write dates as dd/mm/yyyy, e.g. 31/01/2025.',
         "sheet": "Audit returns", "row": 3, "column": "Audit date", "column_letter": "C",
         "value": "31/02/2025"},
        {"code": "bad-date", "severity": "error",
         "message": '"next week" is not a date. Write dates as dd/mm/yyyy, e.g. 31/01/2025.',
         "sheet": "Audit returns", "row": 5, "column": "Audit date", "column_letter": "C",
         "value": "next week"},
    ]  # fmt: skip
    assert (good["file"], good["valid"], good["outcome"], good["rows_read"]) == (
        "audit_unknown_column.xlsx",
        True,
        "checked",
        3,
    )
    assert [(i["code"], i["severity"], i["row"], i["column"]) for i in good["issues"]] == [
        ("unknown-column", "warning", 1, "Notes")
    ]


def test_annex_a_csvs_load_together_as_one_snapshot_with_a_reference_date(tmp_path: Path) -> None:
    path = tmp_path / "annex.duckdb"
    csvs = sorted((DATA / "annex_a_csv").glob("*.csv"))
    result = run(tmp_path, *csvs, "--kind", "annex_a", "--reference-date", "2024-01-31", "--db", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(result.stdout.strip().splitlines()) == 1  # one report: the eleven files are one upload
    con = db.connect(path)
    try:
        assert con.execute("select reference_date from annex_a_snapshots").fetchall() == [(date(2024, 1, 31),)]
    finally:
        con.close()
    wrong = run(tmp_path, DATA / "audit_title_rows.xlsx", "--reference-date", "2024-01-31", "--dry-run")
    assert wrong.returncode == 2
    assert "--reference-date is for --kind annex_a" in wrong.stderr


TRACKER = ROOT / "sample_data" / "actions" / "2026-10-30_action_tracker.xlsx"


def test_action_tracker_snapshot_date_day_first_or_iso(tmp_path: Path) -> None:
    path = tmp_path / "actions.duckdb"
    for typed in ("31/10/2026", "2026-09-15"):
        result = run(tmp_path, TRACKER, "--kind", "actions", "--snapshot-date", typed, "--db", path)
        assert result.returncode == 0, result.stdout + result.stderr
    with db.connect(path) as con:
        snaps = con.execute("select snapshot_date, actions from action_snapshots order by 1").fetchall()
        per_date = con.execute("select snapshot_date, count(*) from actions group by 1 order by 1").fetchall()
        default = loaders.load_file(con, TRACKER, kind="actions", dry_run=True)
    assert default.valid and default.rows_read == snaps[0][1]
    assert snaps == [(date(2026, 9, 15), default.rows_read), (date(2026, 10, 31), default.rows_read)]
    assert per_date == [(date(2026, 9, 15), default.rows_read), (date(2026, 10, 31), default.rows_read)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "actions", "--snapshot-date", "31/02/2026"),
         "argument --snapshot-date: '31/02/2026' is not a date; write it as DD/MM/YYYY or YYYY-MM-DD"),
        (("--kind", "actions", "--snapshot-date", "Oct 2026"),
         "argument --snapshot-date: 'Oct 2026' is not a date; write it as DD/MM/YYYY or YYYY-MM-DD"),
        (("--kind", "actions", "--snapshot-date", "01/01/2099"),
         "error: --snapshot-date 01/01/2099 is in the future; give the date the tracker was exported"),
        (("--kind", "complaints", "--snapshot-date", "31/10/2026"), "error: --snapshot-date is for --kind actions"),
    ],
)
def test_a_bad_snapshot_date_exits_2_and_writes_nothing(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    path = tmp_path / "actions.duckdb"
    result = run(tmp_path, TRACKER, *args, "--db", path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert not path.exists()
