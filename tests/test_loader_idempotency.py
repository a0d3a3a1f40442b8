"""Loading the same file twice changes nothing; a corrected re-upload replaces exactly what it
corrects; a load that is interrupted (an exception, Streamlit's rerun, or SIGKILL) leaves the
database as it was. Real DuckDB throughout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from big_workbook import write_big_workbook
from conftest import DATA, ROOT, TODAY, good_row

import loaders
import loaders.writer
from loaders.report import LoadReport
from qa_data import db

MakeXlsx = Callable[..., Path]


def load(con: Any, path: Path, **options: Any) -> LoadReport:
    return loaders.load_file(con, path, loaded_by="tests", today=TODAY, **options)


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the data tables, in a fixed order."""
    return {
        "audits": con.execute("select * from audits order by audit_id").fetchall(),
        "audit_grades": con.execute("select * from audit_grades order by audit_id, domain").fetchall(),
        "loads": con.execute("select * from loads order by loaded_at, load_id").fetchall(),
    }


def load_ids(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select audit_id, load_id from audits").fetchall())


def grades_of(con: duckdb.DuckDBPyConnection, audit_id: str) -> dict[str, str]:
    return dict(
        con.execute("select domain, grade from audit_grades where audit_id = ?", [audit_id]).fetchall()
    )


FIVE = [good_row(f"R-{i}", **{"Audit date": date(2025, 3, i)}) for i in range(1, 6)]


@pytest.mark.parametrize(
    "name", ["audit_title_rows.xlsx", "audit_long_layout.xlsx", "audit_return.csv", "audit_placeholders.xlsx"]
)
def test_same_file_twice_changes_nothing(con: duckdb.DuckDBPyConnection, name: str) -> None:
    first = load(con, DATA / name)
    assert first.outcome == "loaded"
    before = tables(con)
    second = load(con, DATA / name)
    assert (second.outcome, second.rows_loaded, second.rows_replaced) == ("unchanged", 0, 0)
    after = tables(con)
    assert after["audits"] == before["audits"]
    assert after["audit_grades"] == before["audit_grades"]
    # The second attempt is on record, and the first record is untouched.
    assert after["loads"][:-1] == before["loads"]
    new = con.execute(
        "select file_name, outcome, rows_loaded, sha256 from loads where load_id = ?", [second.load_id]
    ).fetchone()
    assert new == (name, "unchanged", 0, first.sha256)


def test_resaved_file_that_only_moves_rows_is_unchanged(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx
) -> None:
    load(con, make_xlsx(FIVE, name="march.xlsx"))
    before = tables(con)
    moved = make_xlsx(list(reversed(FIVE)), name="march_resorted.xlsx", above=[["Audit return, March"]])
    report = load(con, moved)
    assert report.outcome == "unchanged"
    assert tables(con)["audits"] == before["audits"]  # source_row kept from the first load


def test_corrected_reupload_replaces_exactly_the_changed_audits(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx
) -> None:
    first = load(con, make_xlsx(FIVE, name="march.xlsx"))
    assert (first.outcome, first.rows_loaded) == ("loaded", 5)
    stored_before = {r[0]: r for r in tables(con)["audits"]}

    corrected = [list(r) for r in FIVE]
    corrected[1] = good_row("R-2", **{"Audit date": date(2025, 3, 2), "Overall grade": "Inadequate"})
    corrected[3] = good_row("R-4", **{"Audit date": date(2025, 3, 4), "Supervision": "Requires improvement"})
    corrected.append(good_row("R-6", **{"Audit date": date(2025, 3, 6)}))
    second = load(con, make_xlsx(corrected, name="march_corrected.xlsx"))

    assert (second.outcome, second.rows_loaded, second.rows_replaced) == ("loaded", 3, 2)
    assert db.table_counts(con)["audits"] == 6
    ids = load_ids(con)
    assert {k for k, v in ids.items() if v == first.load_id} == {"R-1", "R-3", "R-5"}
    assert {k for k, v in ids.items() if v == second.load_id} == {"R-2", "R-4", "R-6"}
    after = {r[0]: r for r in tables(con)["audits"]}
    for unchanged in ("R-1", "R-3", "R-5"):
        assert after[unchanged] == stored_before[unchanged]
    assert con.execute(
        "select overall_grade, final_grade, good_or_better from audits where audit_id = 'R-2'"
    ).fetchone() == ("Inadequate", "Inadequate", False)
    assert grades_of(con, "R-4")["supervision"] == "Requires improvement"
    # Grades were replaced with their audit, never duplicated.
    assert con.execute(
        "select count(*), count(distinct (audit_id, domain)) from audit_grades"
    ).fetchone() == (24, 24)
    assert con.execute(
        "select rows_loaded, rows_replaced, outcome from loads where load_id = ?", [second.load_id]
    ).fetchone() == (3, 2, "loaded")


def test_reupload_without_a_domain_grade_removes_that_grade(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx
) -> None:
    load(con, make_xlsx(FIVE, name="march.xlsx"))
    assert set(grades_of(con, "R-3")) == {"safeguarding", "direct_work", "oversight", "supervision"}
    corrected = [list(r) for r in FIVE]
    corrected[2] = good_row(
        "R-3", **{"Audit date": date(2025, 3, 3), "Oversight of casework and decisions": None}
    )
    report = load(con, make_xlsx(corrected, name="march_corrected.xlsx"))
    assert (report.outcome, report.rows_loaded, report.rows_replaced) == ("loaded", 1, 1)
    assert grades_of(con, "R-3") == {"safeguarding": "Good", "direct_work": "Good", "supervision": "Good"}
    assert db.table_counts(con)["audit_grades"] == 19


# --- Interrupted loads -----------------------------------------------------------------------------


class Rerun(BaseException):
    """Like Streamlit's RerunException: not an `Exception`, so `except Exception` does not see it."""


class _InterruptingCursor:
    """A real DuckDB cursor that is interrupted just before one chosen statement runs."""

    def __init__(
        self, cur: duckdb.DuckDBPyConnection, before: Callable[[str], bool], raise_: type[BaseException]
    ):
        self._cur, self._before, self._raise = cur, before, raise_

    def execute(self, sql: str, *args: Any) -> Any:
        if self._before(" ".join(sql.split())):
            raise self._raise("interrupted")
        return self._cur.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


class _InterruptingConnection:
    """Hands the loader real cursors on the real connection, each interrupted as above."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        before: Callable[[str], bool],
        raise_: type[BaseException] = Rerun,
    ):
        self._con, self._before, self._raise = con, before, raise_

    def cursor(self) -> _InterruptingCursor:
        return _InterruptingCursor(self._con.cursor(), self._before, self._raise)


@pytest.mark.parametrize("interruption", [Rerun, RuntimeError])
def test_interrupted_after_audits_insert_leaves_database_as_before(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx, interruption: type[BaseException]
) -> None:
    load(con, DATA / "audit_title_rows.xlsx")
    before = tables(con)
    path = make_xlsx(FIVE, name="march.xlsx")
    # The audits (with their domain grades) are already inserted in the transaction when the
    # commit is interrupted.
    wrapped = _InterruptingConnection(con, lambda sql: sql == "commit", interruption)
    with pytest.raises(interruption):
        load(wrapped, path)
    assert tables(con) == before
    # The connection is still usable: the same file then loads in full.
    report = load(con, path)
    assert (report.outcome, report.rows_loaded) == ("loaded", 5)
    assert db.table_counts(con) == {"audits": 9, "audit_grades": 36, "loads": 2}


def test_interrupted_replacement_keeps_the_old_versions(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx
) -> None:
    load(con, make_xlsx(FIVE, name="march.xlsx"))
    before = tables(con)
    corrected = [list(r) for r in FIVE]
    corrected[0] = good_row("R-1", **{"Audit date": date(2025, 3, 1), "Overall grade": "Inadequate"})
    # Interrupted after the old versions were deleted, before the new ones are inserted.
    wrapped = _InterruptingConnection(con, lambda sql: sql.startswith("insert into audits"))
    with pytest.raises(Rerun):
        load(wrapped, make_xlsx(corrected, name="march_corrected.xlsx"))
    assert tables(con) == before


def test_interrupted_after_the_loads_record_rolls_back(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(con, DATA / "audit_title_rows.xlsx")
    before = tables(con)
    real_insert_load = loaders.writer.insert_load

    def insert_then_interrupt(*args: Any, **kwargs: Any) -> None:
        real_insert_load(*args, **kwargs)
        raise Rerun

    monkeypatch.setattr(loaders.writer, "insert_load", insert_then_interrupt)
    with pytest.raises(Rerun):
        load(con, make_xlsx(FIVE, name="march.xlsx"))
    assert tables(con) == before
    with pytest.raises(Rerun):  # a rejected file's record is written the same way
        load(con, DATA / "bad_date.xlsx")
    assert tables(con) == before


# --- SIGKILL mid-load ------------------------------------------------------------------------------

BIG_ROWS = 20_000


_CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
import loaders
from qa_data import db
con = db.connect(sys.argv[2])
print("READY", flush=True)
report = loaders.load_file(con, sys.argv[3], loaded_by="sigkill test",
                           progress=lambda fraction, _m: print(f"STEP {fraction}", flush=True))
con.close()
print("DONE", report.outcome, report.rows_loaded, flush=True)
"""

# (line the child prints, seconds to wait after it before SIGKILL): while it reads and checks the
# file, just before and during the write transaction, and around the end.
KILLS = [("READY", 0.05), ("STEP 0.8", 0.0), ("STEP 0.8", 0.08), ("STEP 0.8", 0.2), ("READY", 1.5)]


def _kill_during_load(db_path: Path, workbook: Path, trigger: str, delay: float) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(ROOT), str(db_path), str(workbook)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    seen = []
    try:
        for line in child.stdout or []:
            seen.append(line.strip())
            if line.startswith(trigger) or line.startswith("DONE"):
                break
        else:
            pytest.fail(f"child ended early: {seen} {child.stderr.read() if child.stderr else ''}")
        time.sleep(delay)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()
    return "killed" if child.returncode == -signal.SIGKILL else f"exit {child.returncode}"


def test_sigkill_mid_load_leaves_all_or_nothing(tmp_path: Path) -> None:
    workbook = tmp_path / "big_return.xlsx"
    write_big_workbook(workbook, BIG_ROWS)
    base = tmp_path / "base.duckdb"
    with db.connect(base) as con:
        load(con, DATA / "audit_title_rows.xlsx")
        before = tables(con)
    assert len(before["audits"]) == 4

    states = []
    for n, (trigger, delay) in enumerate(KILLS):
        path = tmp_path / f"trial{n}.duckdb"
        shutil.copyfile(base, path)
        how = _kill_during_load(path, workbook, trigger, delay)
        with db.connect(path) as con:
            after = tables(con)
            audits = len(after["audits"])
            assert audits in (4, 4 + BIG_ROWS), (trigger, delay, how, audits)
            if audits == 4:
                assert after == before, (trigger, delay, how)
                states.append("before")
            else:
                # Fully loaded: every audit has its four grades, and the load is recorded once.
                assert {r for r in after["audits"] if r[0].startswith("TR-")} == set(before["audits"])
                assert len(after["audit_grades"]) == 16 + 4 * BIG_ROWS
                assert con.execute(
                    "select count(*) from audit_grades as g left join audits as a using (audit_id) "
                    "where a.audit_id is null"
                ).fetchone() == (0,)
                assert con.execute(
                    "select count(*) from (select audit_id from audit_grades group by audit_id "
                    "having count(*) <> 4)"
                ).fetchone() == (0,)
                assert after["loads"][: len(before["loads"])] == before["loads"]
                assert [r[10] for r in after["loads"][len(before["loads"]) :]] == ["loaded"]
                states.append("loaded")
        path.unlink()
    # The early kills land before the write; the test would prove nothing if none did.
    assert states[0] == "before", states
