"""Every upload (accepted, rejected, unchanged, replacing), reflection save, export (command line and
Reports page), commentary save, backup and restore writes exactly one audit trail entry, with the
right actor, action, target and rows, in the same transaction as the change; no entry ever holds a
child ID, a worker's name or any other cell of the file; a load interrupted mid-transaction leaves
neither its rows nor its entry; the chain verifies after the whole sequence and an edited entry is
found. Real DuckDB and real workbooks throughout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import HEADER, ROOT, TODAY, app_copy, good_row
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import loaders
import loaders.writer
from loaders.reflection import save_reflection
from qa_data import audit_trail, backup, commentary, db
from qa_data.__main__ import main as qa_main
from qa_data.exports import documents
from qa_data.reflection import AgreedAction, ReflectionSheet
from qa_data.scope import Scope

MakeXlsx = Callable[..., Path]
# Recognisable strings planted in the files: none may reach any column of any entry.
CHILD = "ZQCHILD40417"
WORKER = "Wilhelmina Quarrington"
TEAM = "Plantedteam Xylo"
BAD_GRADE = "Splendiferous-ZQ"
PLANTED = (CHILD, WORKER, TEAM, BAD_GRADE)
HEADER_WITH_CHILD = [*HEADER, "Child ID"]
QUARTER = date(2026, 7, 1)  # Jul-Sep 2026: the newest complete quarter of the sample data on TODAY
COLUMNS = ", ".join(audit_trail.COLUMNS)


def row(audit_id: str, **overrides: Any) -> list[Any]:
    child = overrides.pop("child", f"{CHILD}-{audit_id}")
    values = {"Worker": WORKER, "Team": TEAM, "Audit date": date(2026, 3, 14), **overrides}
    return [*good_row(audit_id, **values), child]


ROWS = [row(f"W-{i}") for i in range(1, 4)]


def trail(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every entry, oldest first, with its detail parsed."""
    cur = db.cursor(con)
    try:
        found = cur.execute(f"select {COLUMNS} from audit_trail order by seq").fetchall()  # noqa: S608
    finally:
        cur.close()
    out = [dict(zip(audit_trail.COLUMNS, r, strict=True)) for r in found]
    for entry in out:
        entry["detail"] = json.loads(entry["detail"])
    return out


def new_entries(con: duckdb.DuckDBPyConnection, before: int) -> list[dict[str, Any]]:
    return [e for e in trail(con) if e["seq"] > before]


def only_new(con: duckdb.DuckDBPyConnection, before: int) -> dict[str, Any]:
    """The one entry written since `before` entries (fails when there are none or several)."""
    added = new_entries(con, before)
    assert len(added) == 1, [(e["action"], e["target"]) for e in added]
    return added[0]


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    found = db.cursor(con).execute(f"select count(*) from {table}").fetchone()  # noqa: S608 - the tests' names
    return int(found[0]) if found else 0


def assert_no_planted_text(con: duckdb.DuckDBPyConnection) -> None:
    """No column of any entry holds a planted string (case-insensitively)."""
    cur = db.cursor(con)
    try:
        texts = cur.execute(f"select {COLUMNS.replace('detail', 'detail::varchar')} from audit_trail").fetchall()
    finally:
        cur.close()
    assert texts
    for entry in texts:
        for value in entry:
            for planted in PLANTED:
                assert planted.lower() not in str(value).lower(), (planted, entry)


def load(con: duckdb.DuckDBPyConnection, path: Path, who: str = "qal.one") -> loaders.LoadReport:
    return loaders.load_file(con, path, loaded_by=who, today=TODAY)


# --- Uploads, a reflection sheet, commentary, and the chain over them ---------------------------------


def test_every_upload_outcome_writes_one_entry_without_child_data(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx
) -> None:
    accepted = make_xlsx(ROWS, name="march_return.xlsx", header=HEADER_WITH_CHILD)
    n = len(trail(con))
    report = load(con, accepted)
    assert (report.outcome, report.rows_loaded) == ("loaded", 3)
    entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == ("qal.one", "upload", "audits", 3)
    load_id, sha = db.cursor(con).execute("select load_id, sha256 from loads").fetchone() or ("", "")
    assert entry["detail"] == {
        "kind": "audits", "file_name": "march_return.xlsx", "sha256": sha, "load_id": load_id,
        "outcome": "loaded", "rows_read": 3, "rows_loaded": 3, "rows_replaced": 0, "errors": 0,
        "warnings": len(report.warnings),
    }

    # Rejected: one bad grade and one bad date; the entry names the codes, never the cells.
    bad = make_xlsx([row("W-9", **{"Overall grade": BAD_GRADE}), row("W-8", **{"Audit date": "31/02/2026"})],
                    name="bad_return.xlsx", header=HEADER_WITH_CHILD)
    n = len(trail(con))
    report = load(con, bad, who="qal.two")
    assert report.outcome == "rejected"
    assert any(i.value and BAD_GRADE in i.value for i in report.issues)  # the report itself quotes the cell
    entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "qal.two", "upload_rejected", "audits", 0)
    codes = list(dict.fromkeys(i.code for i in report.errors))
    assert entry["detail"]["errors"] == len(report.errors) >= 2
    assert entry["detail"]["error_codes"] == ",".join(codes[:5])
    assert entry["detail"]["file_name"] == "bad_return.xlsx"

    # The same file again: unchanged.
    n = len(trail(con))
    assert load(con, accepted).outcome == "unchanged"
    entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "qal.one", "upload_unchanged", "audits", 0)
    assert entry["detail"]["outcome"] == "unchanged"

    # A corrected return: one audit regraded, so its stored row is replaced.
    corrected = make_xlsx([row("W-1", **{"Overall grade": "Outstanding"}), *ROWS[1:]], name="march_v2.xlsx",
                          header=HEADER_WITH_CHILD)
    n = len(trail(con))
    report = load(con, corrected)
    assert (report.outcome, report.rows_loaded, report.rows_replaced) == ("loaded", 1, 1)
    entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == ("qal.one", "replace", "audits", 1)
    assert (entry["detail"]["rows_loaded"], entry["detail"]["rows_replaced"]) == (1, 1)

    # One entry per `loads` row, and nothing planted anywhere in the trail.
    assert count(con, "loads") == len(trail(con)) == 4
    assert_no_planted_text(con)
    assert audit_trail.verify(con) == []


SHEET = ReflectionSheet(
    audit_id="RS-7", audit_date=date(2026, 10, 5), service_area="Front Door", overall_grade="Good",
    team=TEAM, worker=WORKER, auditor="Jo Reed", theme="Re-referrals",
    domain_grades={"safeguarding": "Good", "direct_work": "Good", "oversight": "Good", "supervision": "Good"},
    worker_reflection=f"I will review the plan with {CHILD}.",
    actions=(AgreedAction(f"Visit {CHILD} weekly", WORKER, date(2026, 11, 30)),),
)


def test_a_reflection_sheet_and_commentary_each_write_one_entry(con: duckdb.DuckDBPyConnection) -> None:
    qal = Scope.everything(user="qal.three")
    n = len(trail(con))
    report = save_reflection(con, SHEET, scope=qal, loaded_by="qal.three", today=TODAY)
    assert report.outcome == "loaded"
    entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "qal.three", "reflection", "audits", 1)
    assert entry["detail"]["file_name"] == "Reflection sheet RS-7.xlsx"
    assert count(con, "audit_agreed_actions") == 1

    # Saved again with a new grade: still one `reflection` entry (it replaced the stored sheet).
    n = len(trail(con))
    again = save_reflection(con, replace(SHEET, overall_grade="Outstanding"), scope=qal, loaded_by="qal.three",
                            today=TODAY)
    assert (again.outcome, again.rows_replaced) == ("loaded", 1)
    entry = only_new(con, n)
    assert (entry["action"], entry["rows"], entry["detail"]["rows_replaced"]) == ("reflection", 1, 1)

    # Commentary: who, which field, how long; never the text.
    n = len(trail(con))
    analyst = Scope.everything(user="analyst.one")
    commentary.set_commentary(con, scope=analyst, report="cabinet", quarter=QUARTER, service_area="Front Door",
                              field="audits", text=f"Audits of {CHILD} by {WORKER} improved.")
    entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "analyst.one", "commentary", "cabinet 2026-07-01 Front Door audits", 1)
    assert entry["detail"] == {"report": "cabinet", "quarter": "2026-07-01", "service_area": "Front Door",
                               "field": "audits", "characters": len(f"Audits of {CHILD} by {WORKER} improved."),
                               "removed": False}
    n = len(trail(con))
    commentary.set_commentary(con, scope=analyst, report="cabinet", quarter=QUARTER, service_area="Front Door",
                              field="audits", text="")
    assert only_new(con, n)["detail"]["removed"] is True
    assert count(con, "report_commentary") == 0

    assert_no_planted_text(con)
    assert audit_trail.verify(con) == []
    # Editing any one entry is detected at that entry, whichever it is.
    cur = db.cursor(con)
    for entry in trail(con):
        cur.execute("update audit_trail set rows = ? where seq = ?", [(entry["rows"] or 0) + 1, entry["seq"]])
        assert [(p.seq, p.kind) for p in audit_trail.verify(con)] == [(entry["seq"], "edited")]
        cur.execute("update audit_trail set rows = ? where seq = ?", [entry["rows"], entry["seq"]])
        assert audit_trail.verify(con) == []
    cur.close()


# --- Interrupted loads: neither the rows nor the entry -----------------------------------------------


class Boom(BaseException):
    """Like Streamlit's rerun: not an `Exception`."""


@pytest.mark.parametrize("point", ["replace:recorded", "replace:inserted", "replace:before-commit"])
def test_a_load_interrupted_in_its_transaction_leaves_neither_rows_nor_entry(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    load(con, make_xlsx(ROWS, name="first.xlsx", header=HEADER_WITH_CHILD))
    before = (trail(con), count(con, "audits"), count(con, "loads"))

    def interrupt(name: str) -> None:
        if name == point:  # the entry is already written in the transaction at every one of these
            raise Boom

    monkeypatch.setattr(loaders.writer, "kill_point", interrupt)
    with pytest.raises(Boom):
        load(con, make_xlsx([row("W-5"), row("W-6")], name="second.xlsx", header=HEADER_WITH_CHILD))
    assert (trail(con), count(con, "audits"), count(con, "loads")) == before
    assert audit_trail.verify(con) == []


_KILLED = """
import sys
sys.path.insert(0, sys.argv[1])
import loaders
from qa_data import db
con = db.connect(sys.argv[2])
loaders.load_file(con, sys.argv[3], loaded_by="killed")
"""


@pytest.mark.parametrize("point", ["replace:recorded", "replace:before-commit", "annex_a:before-commit"])
def test_a_load_killed_mid_transaction_leaves_neither_rows_nor_entry(
    tmp_path: Path, make_xlsx: MakeXlsx, point: str
) -> None:
    path = tmp_path / "killed.duckdb"
    with db.connect(path) as con:
        load(con, make_xlsx(ROWS, name="first.xlsx", header=HEADER_WITH_CHILD))
        before = (trail(con), count(con, "audits"), count(con, "loads"))
    kind = "annex_a" if point.startswith("annex_a") else "audits"
    source = (ROOT / "tests" / "data" / "annex_a_sheets_shuffled_renamed.xlsx" if kind == "annex_a"
              else make_xlsx([row("W-5")], name="second.xlsx", header=HEADER_WITH_CHILD))
    script = _KILLED.replace('loaded_by="killed"', f'loaded_by="killed", kind="{kind}"')
    ended = subprocess.run([sys.executable, "-c", script, str(ROOT), str(path), str(source)], cwd=ROOT,
                           env={**os.environ, loaders.writer.KILL_AT: point}, capture_output=True, timeout=120)
    assert ended.returncode == -9, ended.stderr
    with db.connect(path) as con:
        assert (trail(con), count(con, "audits"), count(con, "loads")) == before
        assert audit_trail.verify(con) == []


def test_a_load_that_loses_the_race_for_the_next_entry_is_written_again(
    con: duckdb.DuckDBPyConnection, make_xlsx: MakeXlsx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sign-in (which does not take the write lock) commits an entry while the load's transaction is
    open: the load's commit fails, and the load is written again, once, after it."""
    other = db.cursor(con)
    raced: list[str] = []

    def sign_in_meanwhile(name: str) -> None:
        if name == "replace:before-commit" and not raced:
            raced.append(name)
            other.execute("begin transaction")
            audit_trail.record(other, actor="someone", action="sign_in")
            other.execute("commit")

    monkeypatch.setattr(loaders.writer, "kill_point", sign_in_meanwhile)
    report = load(con, make_xlsx(ROWS, name="first.xlsx", header=HEADER_WITH_CHILD))
    assert (report.outcome, report.rows_loaded) == ("loaded", 3)
    assert [(e["actor"], e["action"], e["rows"]) for e in trail(con)] == [
        ("someone", "sign_in", None), ("qal.one", "upload", 3)]
    assert (count(con, "audits"), count(con, "loads")) == (3, 1)
    assert audit_trail.verify(con) == []
    other.close()


# --- Exports -----------------------------------------------------------------------------------------


@pytest.fixture
def sample_file(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "data" / "qa_insight.duckdb"
    path.parent.mkdir()
    shutil.copyfile(sample_db, path)
    return path


def test_the_command_line_export_writes_one_entry(sample_file: Path, tmp_path: Path) -> None:
    with db.connect(sample_file) as con:
        n = len(trail(con))
    out = tmp_path / "cabinet.xlsx"
    assert qa_main(["export", "cabinet", "--period", "2026-Q3", "--db", str(sample_file), "--out", str(out),
                    "--user", "scheduler"]) == 0
    with db.connect(sample_file) as con:
        entry = only_new(con, n)
        assert audit_trail.verify(con) == []
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "scheduler", "export", "cabinet_key_data_summary_2026-Q3.xlsx", None)
    assert entry["detail"] == {"report": "cabinet", "title": "Cabinet key data summary", "quarter": "2026-07-01",
                               "format": ".xlsx", "areas": "all", "size_bytes": out.stat().st_size}


def test_record_export_names_the_areas_of_a_narrower_scope(sample_file: Path) -> None:
    with db.connect(sample_file) as con:
        n = len(trail(con))
        scope = Scope(("Front Door", "Care Leavers"), user="hos.one")
        document = documents.gather(con, "qpc", scope=scope, quarter=QUARTER)
        data = documents.render(document, ".pdf")
        documents.record_export(con, scope=scope, report="qpc", quarter=QUARTER, fmt=".pdf", size_bytes=len(data))
        entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "hos.one", "export", "qpc_quarterly_pack_2026-Q3.pdf", None)
    assert (entry["detail"]["areas"], entry["detail"]["size_bytes"]) == ("Front Door, Care Leavers", len(data))


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The bytes of every file the app hands the media file manager, by file name."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, path_or_data: Any, mimetype: str, kind: Any,
            filename: str | None = None) -> str:
        stored[filename or ""] = bytes(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return stored


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> Iterator[Path]:
    monkeypatch.setattr("pages.ui.today", lambda: TODAY)
    monkeypatch.setattr("pages.ui.current_scope", lambda: Scope.everything(user="ad.one"))
    yield app_copy(sample_db, tmp_path, monkeypatch)


def test_building_on_the_reports_page_writes_one_export_entry(app_db: Path, downloads: dict[str, bytes]) -> None:
    with db.connect(app_db) as con:
        n = len(trail(con))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/reports.py").run()
    assert not at.exception, [e.value for e in at.exception]
    [build] = [b for b in at.button if b.label == "Build"]
    build.click().run()
    assert not at.exception, [e.value for e in at.exception]
    name = "cabinet_key_data_summary_2026-Q3.xlsx"
    assert [b.label for b in at.download_button] == [f"Download {name}"]
    at.run()  # showing the built document again is not another export
    with db.connect(app_db) as con:  # a cursor on the app's own connection, still open
        entry = only_new(con, n)
        assert audit_trail.verify(con) == []
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == ("ad.one", "export", name, None)
    assert (entry["detail"]["format"], entry["detail"]["areas"]) == (".xlsx", "all")
    assert entry["detail"]["size_bytes"] == len(downloads[name])


# --- Backup and restore ------------------------------------------------------------------------------


def test_backup_and_restore_each_write_one_entry(sample_file: Path, tmp_path: Path) -> None:
    with db.connect(sample_file) as con:
        n = len(trail(con))
    saved = backup.backup(sample_file, tmp_path / "backups", who="admin.one")
    with db.connect(sample_file) as con:
        entry = only_new(con, n)
    assert (entry["actor"], entry["action"], entry["target"], entry["rows"]) == (
        "admin.one", "backup", saved.name, None)
    assert entry["detail"] == {"backup_file": saved.name, "database": "qa_insight.duckdb"}
    with db.connect(saved, read_only=True) as con:  # the copy holds the record of its own making
        assert trail(con)[-1]["seq"] == entry["seq"] and trail(con)[-1]["action"] == "backup"

    with db.connect(sample_file) as con:
        load(con, ROOT / "tests" / "data" / "audit_title_rows.xlsx")
        assert trail(con)[-1]["action"] == "upload"
    checksum = Path(f"{saved}.sha256").read_text(encoding="utf-8").split()[0]
    backup.restore(saved, sample_file, who="admin.two")
    with db.connect(sample_file) as con:
        restored = only_new(con, entry["seq"])  # the backup's trail, then the restore: not the later upload
        assert audit_trail.verify(con) == []
    assert (restored["actor"], restored["action"], restored["target"], restored["rows"]) == (
        "admin.two", "restore", saved.name, None)
    assert restored["detail"] == {"backup_file": saved.name, "backup_sha256": checksum,
                                  "kept_as": "qa_insight.duckdb.before-restore"}
