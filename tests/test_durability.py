"""Durability: every write path (an audit return, an Annex A workbook, an action tracker, a
reflection sheet) killed with SIGKILL at many points, or interrupted as Streamlit's rerun does,
leaves every table exactly as before or exactly as after the write, never between; and two uploads
at once: one loads, the other is told an upload is in progress.

The kill points are the `loaders.writer.kill_point` hooks (QA_INSIGHT_KILL_AT=<point> or
<point>@<ms>, the latter to land inside the commit). Each trial forks a fresh process from one
server that has already imported the loaders (a Python start-up costs ~1.5 s; a fork ~10 ms)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from big_workbook import write_big_workbook
from conftest import ROOT, TODAY
from db_fingerprint import differing, fingerprints

import loaders
import loaders.writer
from loaders.reflection import save_reflection
from loaders.report import LoadReport
from qa_data import db, write_lock
from qa_data.reflection import AgreedAction, ReflectionSheet
from qa_data.scope import Scope

SAMPLE = ROOT / "sample_data"
ANNEX_A = SAMPLE / "annex_a" / "2026-05_annex_a.xlsx"
ACTIONS = SAMPLE / "actions" / "2026-08-31_action_tracker.xlsx"
BIG_ROWS = 25_000
OVERLAP = 1_000  # audits the base database already holds, with other grades: replaced by the load

# --- the big audit return --------------------------------------------------------------------------



SHEET = ReflectionSheet(
    audit_id="RS-1", audit_date=date(2026, 10, 5), service_area="Front Door", overall_grade="Good",
    team="MASH Team", worker="Sam Patel", auditor="Jo Reed", theme="Re-referrals",
    domain_grades={"safeguarding": "Good", "direct_work": "Good", "oversight": "Good", "supervision": "Good"},
    worker_reflection="I will review the plan.",
    actions=(AgreedAction("Add dates to every plan action", "Sam Patel", date(2026, 11, 30)),),
)
# The sheet the trials save over SHEET: a new grade and a second action.
SHEET_2 = replace(SHEET, overall_grade="Requires improvement", actions=(
    AgreedAction("Add dates to every plan action", "Sam Patel", date(2026, 12, 4)),
    AgreedAction("Book supervision", "Team manager", date(2026, 12, 11)),
))
ALL = Scope.everything(user="kill test")


def run_write(con: duckdb.DuckDBPyConnection, path: str, files: dict[str, str]) -> LoadReport:
    """The write of `path` (audits, annex_a, actions, reflection), as the Upload and Reflection
    pages do it."""
    if path == "reflection":
        return save_reflection(con, SHEET_2, scope=ALL, loaded_by="kill test", today=TODAY)
    return loaders.load_file(con, files[path], kind=path, loaded_by="kill test", today=TODAY)


# --- the fork server -------------------------------------------------------------------------------

_SERVER = """
import json, os, sys, traceback
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
import test_durability as t
from qa_data import db
files = json.loads(sys.argv[2])
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if job["kill_at"]:
                os.environ["QA_INSIGHT_KILL_AT"] = job["kill_at"]
            con = db.connect(job["db"])
            report = t.run_write(con, job["path"], files)
            con.close()
            code = 0 if report.outcome in ("loaded", "unchanged") else 4
        except BaseException:
            traceback.print_exc()
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                      "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}), flush=True)
"""


class Server:
    def __init__(self, files: dict[str, str]):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(ROOT), json.dumps(files)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )

    def run(self, db_path: Path, path: str, kill_at: str | None) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"db": str(db_path), "path": path, "kill_at": kill_at}) + "\n")
        self.proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        if self.proc.stdout:
            self.proc.stdout.close()


# Every named kill point each path passes, and timed kills (point@ms) inside its longest steps and
# its commit. Each path's points are listed in the order it reaches them.
POINTS: dict[str, list[str]] = {
    "audits": [
        "audits:start", "audits:start@150", "audits:start@400", "audits:validated", "locked",
        "replace:begun", "replace:begun@15", "replace:begun@40", "replace:recorded", "replace:deleted",
        "replace:inserted", "replace:before-commit", "replace:before-commit@1", "replace:before-commit@4",
        "replace:before-commit@10", "replace:before-commit@25", "written",
    ],
    "annex_a": [
        "annex_a:validated", "locked", "annex_a:deleted", "annex_a:list-1", "annex_a:list-6", "annex_a:list-11",
        "annex_a:before-commit", "annex_a:before-commit@2", "annex_a:before-commit@8", "written",
    ],
    "actions": ["table:validated", "locked", "locked@3", "locked@10", "written"],
    "reflection": [
        "audits:validated", "locked", "replace:begun", "replace:recorded", "replace:deleted", "replace:inserted",
        "replace:children-deleted", "replace:children-inserted", "replace:before-commit",
        "replace:before-commit@2", "written",
    ],
}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A base database (1,000 of the big return's audits with other grades, and a saved reflection
    sheet) and the files the trials load."""
    work = tmp_path_factory.mktemp("durability")
    big, small, medium = work / "big_return.xlsx", work / "overlap.xlsx", work / "medium_return.xlsx"
    write_big_workbook(big, BIG_ROWS)
    write_big_workbook(small, OVERLAP, shift=1)
    write_big_workbook(medium, OVERLAP + 500)
    base = work / "base.duckdb"
    con = db.connect(base)
    try:
        assert loaders.load_file(con, small, loaded_by="setup", today=TODAY).rows_loaded == OVERLAP
        assert save_reflection(con, SHEET, scope=ALL, loaded_by="setup", today=TODAY).outcome == "loaded"
    finally:
        con.close()
    yield base, {"audits": str(big), "annex_a": str(ANNEX_A), "actions": str(ACTIONS), "medium": str(medium)}


def test_sigkill_at_every_point_leaves_before_or_after(
    prepared: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    base, files = prepared
    with db.connect(base) as con:
        before = fingerprints(con)
    server = Server(files)
    outcomes: dict[str, list[str]] = {}
    try:
        for path, points in POINTS.items():
            done = tmp_path / f"{path}_after.duckdb"
            shutil.copyfile(base, done)
            assert server.run(done, path, None) == {"signal": None, "exit": 0}, path
            with db.connect(done) as con:
                after = fingerprints(con)
            changed = differing(before, after)
            assert "loads" in changed and len(changed) >= 2, (path, changed)  # the data and its record
            for point in points:
                trial = tmp_path / "trial.duckdb"
                shutil.copyfile(base, trial)
                ended = server.run(trial, path, point)
                if "@" not in point:  # a named point is reached by this path: the kill happened there
                    assert ended == {"signal": signal.SIGKILL, "exit": None}, (path, point, ended)
                with db.connect(trial) as con:
                    state = fingerprints(con)
                assert state in (before, after), (
                    f"{path} killed at {point}: between before and after; tables differing from before: "
                    f"{differing(before, state)}, from after: {differing(after, state)}"
                )
                outcomes.setdefault(path, []).append("before" if state == before else "after")
                trial.unlink()
                trial.with_name(trial.name + ".wal").unlink(missing_ok=True)
    finally:
        server.close()
    assert sum(map(len, outcomes.values())) >= 20
    for path, states in outcomes.items():
        # Killed before the write transaction: as before; killed after the commit: as after.
        assert states[0] == "before" and states[-1] == "after", (path, states)


# --- Streamlit's rerun interruption at the same points ---------------------------------------------


class Rerun(BaseException):
    """Like Streamlit's RerunException: not an `Exception`."""


def _interrupt() -> None:
    raise Rerun


@pytest.fixture(scope="module")
def rerun_states(prepared: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The base database's fingerprints and, per write path, the fingerprints after its write (the
    audit path loads a 1,500-row return here: the interruption needs no big file)."""
    base, files = prepared
    work = tmp_path_factory.mktemp("rerun")
    with db.connect(base) as con:
        states: dict[str, Any] = {"before": fingerprints(con)}
    for path in POINTS:
        done = work / f"{path}.duckdb"
        shutil.copyfile(base, done)
        with db.connect(done) as con:
            assert run_write(con, path, {**files, "audits": files["medium"]}).outcome == "loaded"
            states[path] = fingerprints(con)
    return states


# Per path: outside the transaction, inside it after its first writes, just before the commit, and
# just after it (the SIGKILL test covers every point).
RERUN_POINTS = [
    ("audits", "locked"), ("audits", "replace:deleted"), ("audits", "replace:before-commit"), ("audits", "written"),
    ("annex_a", "annex_a:validated"), ("annex_a", "annex_a:list-6"), ("annex_a", "annex_a:before-commit"),
    ("annex_a", "written"), ("actions", "table:validated"), ("actions", "locked"), ("actions", "written"),
    ("reflection", "audits:validated"), ("reflection", "replace:children-deleted"),
    ("reflection", "replace:before-commit"), ("reflection", "written"),
]


@pytest.mark.parametrize(("path", "point"), RERUN_POINTS)
def test_rerun_interruption_leaves_before_or_after_and_frees_the_lock(
    prepared: tuple[Path, dict[str, str]], rerun_states: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, path: str, point: str,
) -> None:
    base, files = prepared
    files = {**files, "audits": files["medium"]}
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(base, trial)
    con = db.connect(trial)
    try:
        monkeypatch.setattr(loaders.writer, "_die", _interrupt)
        monkeypatch.setenv(loaders.writer.KILL_AT, point)
        with pytest.raises(Rerun):
            run_write(con, path, files)
        # Interrupted after its commit, the write is whole; anywhere before, nothing is written.
        expected = rerun_states[path] if point == "written" else rerun_states["before"]
        assert fingerprints(con) == expected, differing(expected, fingerprints(con))
        monkeypatch.delenv(loaders.writer.KILL_AT)
        again = run_write(con, path, files)  # the lock was released: the next attempt writes
        assert again.errors == []
        # Written already: the same content again is unchanged (Annex A always replaces its snapshot).
        assert again.outcome == ("loaded" if point != "written" or path == "annex_a" else "unchanged")
    finally:
        con.close()


# --- One upload at a time ----------------------------------------------------------------------------


def test_second_upload_in_another_thread_is_told_an_upload_is_in_progress(
    prepared: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, files = prepared
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(base, trial)
    con = db.connect(trial)
    holding, release = threading.Event(), threading.Event()

    def pause() -> None:  # the first upload stops inside its write transaction, holding the lock
        holding.set()
        assert release.wait(30)

    monkeypatch.setattr(loaders.writer, "_die", pause)
    monkeypatch.setenv(loaders.writer.KILL_AT, "replace:recorded")
    first: list[LoadReport] = []
    worker = threading.Thread(target=lambda: first.append(
        loaders.load_file(con, files["audits"], loaded_by="amir.k", today=TODAY)))
    try:
        worker.start()
        assert holding.wait(60)
        before = fingerprints(con)
        second = loaders.load_file(con, ACTIONS, kind="actions", loaded_by="jo.reed", today=TODAY)
        reflection = save_reflection(con, SHEET_2, scope=ALL, loaded_by="jo.reed", today=TODAY)
        assert fingerprints(con) == before  # neither wrote anything, not even a loads record
    finally:
        release.set()
        worker.join(60)
    for refused in (second, reflection):
        assert refused.outcome == "not loaded"
        busy = [i for i in refused.issues if i.code == "upload-in-progress"]
        assert len(busy) == 1
        assert busy[0].message.startswith("An upload is in progress (started by amir.k at ")
        assert busy[0].message.endswith("); try again when it has finished.")
    assert (first[0].outcome, first[0].rows_loaded) == ("loaded", BIG_ROWS)
    outcomes = con.execute("select loaded_by, outcome, rows_loaded from loads where loaded_by <> 'setup'").fetchall()
    assert outcomes == [("amir.k", "loaded", BIG_ROWS)]
    # Once the first has finished, the second goes through.
    again = loaders.load_file(con, ACTIONS, kind="actions", loaded_by="jo.reed", today=TODAY)
    assert again.outcome == "loaded"
    con.close()


_HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from qa_data.write_lock import write_lock
with write_lock(sys.argv[2], who="amir.k"):
    print("HOLDING", flush=True)
    sys.stdin.readline()
"""


def test_upload_while_another_process_holds_the_lock_is_told(
    prepared: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """Another process (a backup, a command-line load) holds the database's write lock: an upload
    is refused at once, with who and since when, and writes nothing."""
    base, files = prepared
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(base, trial)
    con = db.connect(trial)
    before = fingerprints(con)
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(ROOT), str(trial)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "HOLDING"
        assert write_lock.is_locked(trial)
        report = loaders.load_file(con, ACTIONS, kind="actions", loaded_by="jo.reed", today=TODAY)
        assert report.outcome == "not loaded"
        assert [i.code for i in report.errors] == ["upload-in-progress"]
        assert report.errors[0].message.startswith("An upload is in progress (started by amir.k at ")
        assert fingerprints(con) == before
        with pytest.raises(write_lock.UploadInProgress, match="started by amir.k"):
            from qa_data.commentary import set_commentary

            set_commentary(con, scope=ALL, report="cabinet", quarter=date(2026, 9, 30), service_area="Front Door",
                           field="headline", text="Stable.")
    finally:
        assert holder.stdin
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(30)
        if holder.stdout:
            holder.stdout.close()
    assert not write_lock.is_locked(trial)
    assert loaders.load_file(con, ACTIONS, kind="actions", loaded_by="jo.reed", today=TODAY).outcome == "loaded"
    con.close()


_PAUSED_LOAD = """
import sys
sys.path.insert(0, sys.argv[1])
import loaders, loaders.writer
from qa_data import db

def pause():  # the load stops inside its write transaction until told to go on
    print("HOLDING", flush=True)
    sys.stdin.readline()

loaders.writer._die = pause
import os
os.environ[loaders.writer.KILL_AT] = "replace:recorded"
con = db.connect(sys.argv[2])
report = loaders.load_file(con, sys.argv[3], loaded_by="amir.k")
con.close()
print(report.outcome, report.rows_loaded, flush=True)
"""


def test_two_processes_uploading_at_once_one_loads(prepared: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """A command-line load while another process is mid-upload: DuckDB lets one process open the
    file read-write, so the second is refused at once with a message saying so (exit 2) and
    writes nothing; the first completes."""
    base, files = prepared
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(base, trial)
    first = subprocess.Popen([sys.executable, "-c", _PAUSED_LOAD, str(ROOT), str(trial), files["audits"]],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout and first.stdout.readline().strip() == "HOLDING"
        second = subprocess.run(
            [sys.executable, "-m", "loaders", "--kind", "actions", "--db", str(trial), "--user", "jo.reed",
             str(ACTIONS)], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
        )
        assert second.returncode == 2
        assert second.stderr.startswith("error: cannot open the database:")
        assert "lock" in second.stderr
        assert first.stdin
        first.stdin.write("\n")
        first.stdin.flush()
        assert first.stdout.readline().split() == ["loaded", str(BIG_ROWS)]
        assert first.wait(60) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        for stream in (first.stdin, first.stdout):
            if stream:
                stream.close()
    with db.connect(trial) as con:
        assert con.execute("select loaded_by, outcome from loads where loaded_by <> 'setup'").fetchall() == [
            ("amir.k", "loaded")]


# --- What the pages say -------------------------------------------------------------------------------


@pytest.mark.usefixtures("fresh_caches")
def test_the_reflection_page_says_an_upload_is_in_progress(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import app_copy
    from test_reflection_page import PAGE, fill, open_page, query, submit

    app_db = app_copy(sample_db, tmp_path, monkeypatch)
    at = open_page(PAGE)
    fill(at, audit_id="RS-BUSY-1")
    with write_lock.write_lock(app_db, who="amir.k"):
        submit(at)
    assert [e.value for e in at.error] == ["The sheet was not saved: 1 thing(s) to correct."]
    [line] = at.markdown[-1].value.splitlines()
    assert line.startswith("- An upload is in progress (started by amir.k at ")
    assert line.endswith("); try again when it has finished.")
    assert query(app_db, "select count(*) from audits where audit_id = 'RS-BUSY-1'") == [(0,)]
    submit(at)  # the lock is free again: the same sheet saves
    assert [s.value for s in at.success] == ["Audit RS-BUSY-1 saved."]


def test_the_upload_page_says_an_upload_is_in_progress() -> None:
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        from loaders.report import LoadReport
        from pages import uploads

        report = LoadReport(file="march.xlsx", kind="audits")
        report.add("upload-in-progress",
                   "An upload is in progress (started by amir.k at 10:04); try again when it has finished.")
        uploads.show_outcome(report)

    at = AppTest.from_function(script, default_timeout=30).run()
    assert [w.value for w in at.warning] == [
        "march.xlsx was not loaded. An upload is in progress (started by amir.k at 10:04); try again when it has "
        "finished."]
    assert not at.error
