"""Backup and restore: a backup taken while the database is in use restores to exactly what it
held; a damaged backup, an open database or an upload in progress is refused, changing nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import DATA, ROOT, TODAY
from db_fingerprint import fingerprints

import loaders
from qa_data import backup, db, write_lock
from qa_data.__main__ import main

OTHER_RETURN = DATA / "audit_return.csv"  # not in the sample data


def fingerprints_of(path: Path) -> dict[str, tuple[int, str]]:
    with db.connect(path, read_only=True) as con:  # opening it to write would change the file
        return fingerprints(con)


def without_trail(prints: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """Every table but the audit trail, which a backup and a restore each add an entry to."""
    return {t: p for t, p in prints.items() if t != "audit_trail"}


def trail_actions(path: Path) -> list[str]:
    with db.connect(path, read_only=True) as con:
        return [a for (a,) in con.execute("select action from audit_trail order by seq").fetchall()]


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "data" / "qa_insight.duckdb"
    path.parent.mkdir()
    shutil.copyfile(sample_db, path)
    return path


def load_audit_file(path: Path) -> None:
    with db.connect(path) as con:
        report = loaders.load_file(con, DATA / "audit_title_rows.xlsx", loaded_by="tests", today=TODAY)
        assert report.outcome == "loaded"


def test_backup_then_restore_gives_back_exactly_what_was_backed_up(app_db: Path, tmp_path: Path) -> None:
    original = fingerprints_of(app_db)
    out = tmp_path / "backups"
    saved = backup.backup(app_db, out)
    assert saved.parent == out
    assert saved.name.startswith("qa_insight_") and saved.suffix == ".duckdb"
    assert len(saved.stem) == len("qa_insight_YYYYMMDD_HHMMSS")
    digest, name = Path(f"{saved}.sha256").read_text(encoding="utf-8").split()
    assert (digest, name) == (hashlib.sha256(saved.read_bytes()).hexdigest(), saved.name)
    assert sorted(p.name for p in out.iterdir()) == [saved.name, f"{saved.name}.sha256"]  # no leftovers
    # The copy is the database with the backup's own audit trail entry, written before copying.
    assert fingerprints_of(saved) == fingerprints_of(app_db)
    assert without_trail(fingerprints_of(saved)) == without_trail(original)
    assert fingerprints_of(saved)["audit_trail"][0] == original["audit_trail"][0] + 1
    backed_up = fingerprints_of(saved)

    load_audit_file(app_db)
    changed = fingerprints_of(app_db)
    assert changed["audits"][0] == original["audits"][0] + 4

    kept = backup.restore(saved, app_db)
    assert kept == app_db.with_name("qa_insight.duckdb.before-restore")
    assert without_trail(fingerprints_of(app_db)) == without_trail(original)
    assert fingerprints_of(app_db)["audit_trail"][0] == backed_up["audit_trail"][0] + 1  # the restore's entry
    assert trail_actions(app_db)[-2:] == ["backup", "restore"]
    assert fingerprints_of(kept) == changed  # the replaced database is kept


def test_backup_while_the_database_is_open_here_or_in_another_process(app_db: Path, tmp_path: Path) -> None:
    # Open in this process (the app's own connection): checkpointed, then copied.
    con = db.connect(app_db)
    try:
        loaders.load_file(con, DATA / "audit_title_rows.xlsx", loaded_by="tests", today=TODAY)
        here = fingerprints(con)
        saved = backup.backup(app_db, tmp_path / "b1")
        after = fingerprints(con)
    finally:
        con.close()
    assert fingerprints_of(saved) == after  # with the backup's audit trail entry
    assert after["audit_trail"][0] == here["audit_trail"][0] + 1

    # Open in another process with a committed load still in the write-ahead log: the copy takes
    # the log too and folds it in.
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(ROOT), str(app_db), str(OTHER_RETURN)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "LOADED"
        assert app_db.with_name(app_db.name + ".wal").exists()
        saved = backup.backup(app_db, tmp_path / "b2")
        with pytest.raises(backup.BackupError, match="open in another process"):
            backup.restore(saved, app_db)  # and the running database is never replaced
    finally:
        assert holder.stdin
        holder.stdin.close()
        assert holder.wait(30) == 0
        if holder.stdout:
            holder.stdout.close()
    now = fingerprints_of(app_db)
    assert now["audits"][0] > here["audits"][0]
    assert fingerprints_of(saved) == now


_HOLD_OPEN = """
import sys
sys.path.insert(0, sys.argv[1])
import loaders
from qa_data import db
con = db.connect(sys.argv[2])
assert loaders.load_file(con, sys.argv[3], loaded_by="app").outcome == "loaded"
print("LOADED", flush=True)
sys.stdin.read()
"""


def test_a_damaged_backup_is_refused_and_changes_nothing(app_db: Path, tmp_path: Path) -> None:
    saved = backup.backup(app_db, tmp_path / "backups")
    load_audit_file(app_db)
    current = fingerprints_of(app_db)
    data = bytearray(saved.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 16):
        data[i] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match=f"^{saved.name} does not match its checksum: the backup is damaged"):
        backup.restore(saved, app_db)
    assert fingerprints_of(app_db) == current
    assert not app_db.with_name(app_db.name + ".before-restore").exists()

    # A file with a matching checksum that is not a QA Insight database is refused too.
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database", encoding="utf-8")
    Path(f"{text}.sha256").write_text(f"{hashlib.sha256(text.read_bytes()).hexdigest()}  notes.duckdb\n")
    with pytest.raises(backup.BackupError, match="^notes.duckdb is not a readable DuckDB database"):
        backup.restore(text, app_db)
    other = tmp_path / "other.duckdb"
    import duckdb

    duckdb.connect(str(other)).close()
    Path(f"{other}.sha256").write_text(f"{hashlib.sha256(other.read_bytes()).hexdigest()}  other.duckdb\n")
    with pytest.raises(backup.BackupError, match=r"^other.duckdb is not a QA Insight database \(it has no schema"):
        backup.restore(other, app_db)
    assert fingerprints_of(app_db) == current


def test_restore_refuses_an_open_or_busy_database(app_db: Path, tmp_path: Path) -> None:
    saved = backup.backup(app_db, tmp_path / "backups")
    con = db.connect(app_db)
    try:
        with pytest.raises(backup.BackupError, match="is open in this process"):
            backup.restore(saved, app_db)
    finally:
        con.close()
    with write_lock.write_lock(app_db, who="amir.k"):
        done = []
        worker = threading.Thread(target=lambda: done.append(_refusal(saved, app_db)))
        worker.start()
        worker.join(30)
    assert done and done[0].startswith("An upload is in progress (started by amir.k at ")
    assert done[0].endswith("Nothing restored.")
    assert not app_db.with_name(app_db.name + ".before-restore").exists()


def _refusal(saved: Path, app_db: Path) -> str:
    try:
        backup.restore(saved, app_db)
    except backup.BackupError as exc:
        return str(exc)
    return "restored"


def test_backup_waits_for_an_upload_then_gives_up(
    app_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "WAIT_SECONDS", 0.3)
    result: list[str] = []

    def attempt() -> None:
        try:
            backup.backup(app_db, tmp_path / "backups")
            result.append("written")
        except backup.BackupError as exc:
            result.append(str(exc))

    with write_lock.write_lock(app_db, who="amir.k"):
        worker = threading.Thread(target=attempt)
        worker.start()
        worker.join(30)
    assert result[0].startswith("An upload is in progress (started by amir.k at ")
    assert result[0].endswith("(waited 0 seconds)")
    assert list((tmp_path / "backups").iterdir()) == []


def test_command_line_exit_status(app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "backups"
    assert main(["backup", "--db", str(app_db), "--out", str(out)]) == 0
    saved = next(out.glob("qa_insight_*.duckdb"))
    assert capsys.readouterr().out == f"wrote {saved}\n"
    load_audit_file(app_db)
    assert main(["restore", str(saved), "--db", str(app_db)]) == 0
    kept = app_db.with_name(app_db.name + ".before-restore")
    assert capsys.readouterr().out == (
        f"restored {app_db} from {saved}; the previous database is {kept}\n")
    assert without_trail(fingerprints_of(app_db)) == without_trail(fingerprints_of(saved))
    assert fingerprints_of(app_db)["audit_trail"][0] == fingerprints_of(saved)["audit_trail"][0] + 1

    assert main(["backup", "--db", str(tmp_path / "missing.duckdb"), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: no database at {tmp_path / 'missing.duckdb'}\n"
    assert main(["restore", str(tmp_path / "missing.duckdb"), "--db", str(app_db)]) == 2
    assert capsys.readouterr().err == f"error: no backup at {tmp_path / 'missing.duckdb'}\n"
    saved.write_bytes(saved.read_bytes()[:-10])
    assert main(["restore", str(saved), "--db", str(app_db)]) == 1
    assert capsys.readouterr().err == (
        f"error: {saved.name} does not match its checksum: the backup is damaged; nothing restored\n")


def test_python_dash_m_backup_runs(app_db: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "qa_data", "backup", "--db", str(app_db), "--out",
                           str(tmp_path / "b")], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"wrote {tmp_path / 'b'}/qa_insight_")
