"""Backup and restore of the database file.

    python -m qa_data backup --db FILE --out DIR
    python -m qa_data restore BACKUP --db FILE

`backup` holds the write lock (so no upload is half-written), checkpoints the database when it can
and copies it (with its write-ahead log, if any) to ``DIR/qa_insight_YYYYMMDD_HHMMSS.duckdb``, opens
the copy to fold the log in and check it, then writes its checksum beside it
(``<backup>.sha256``, the format `sha256sum -c` reads). It works while the app has the database
open: the copy is taken between uploads.

`restore` checks the backup against its checksum, opens it and checks it has a schema version, and
refuses to replace a database that is open (in this process or another, e.g. the running app: stop
it first) or whose write lock is held. The database it replaces is kept as ``<db>.before-restore``.

Audit trail (issue 6): `backup` writes a `backup` entry (who, the backup's file name) into the
database just before copying it, so the copy holds the record of its own making; when another
process (the running app) has the database open, nothing can be written to it and the copy is
taken without an entry. `restore` writes a `restore` entry (who, the backup's file name and
checksum, the database it replaced) into the staged copy just before it replaces the database, so
the restored database never exists without it. Its trail then continues from the backup's: entries
written after the backup are in the replaced database (`<db>.before-restore`), not in the restored one.

Exit status: 0 done; 1 refused (damaged backup, database open or busy); 2 usage error (missing
file).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb

from qa_data import audit_trail, db
from qa_data.scope import Scope
from qa_data.write_lock import UploadInProgress, current_user, write_lock

WAIT_SECONDS = 60.0  # a backup waits this long for an upload in progress to finish
CONFLICT_RETRIES = 3  # attempts at an audit trail entry that loses the race for the next one


class BackupError(Exception):
    """A backup or restore that was refused; `str()` says why."""


class UsageError(BackupError):
    """A file the user named does not exist."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked_version(path: Path, name: str) -> int:
    """Open the database file at `path` on its own, fold in any write-ahead log, and return its
    schema version; raises BackupError (naming the file `name`) when it is not a QA Insight
    database."""
    try:
        con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False,
                                                "autoload_known_extensions": False})
    except duckdb.Error as exc:
        raise BackupError(f"{name} is not a readable DuckDB database: {exc}") from exc
    try:
        con.execute("checkpoint")
        version = db.schema_version(con)
    except duckdb.Error as exc:
        raise BackupError(f"{name} cannot be read as a database: {exc}") from exc
    finally:
        con.close()
    if version < 1:
        raise BackupError(f"{name} is not a QA Insight database (it has no schema version)")
    return version


class BackupRefused(PermissionError):
    """The user may not back up the database."""


def backup_as(by: Scope, db_path: str | Path, out_dir: str | Path) -> Path:
    """`backup` on behalf of a signed-in user (the Administration page), who must hold `backup`;
    raises BackupRefused otherwise. The command line's `backup` is the operator's, who holds the file."""
    if not by.may("backup"):
        raise BackupRefused(f"{by.user} may not back up the database")
    return backup(db_path, out_dir, who=by.user)


def backup(db_path: str | Path, out_dir: str | Path, *, who: str | None = None) -> Path:
    """Write a consistent copy of the database at `db_path` into `out_dir` and its `.sha256`
    beside it. Returns the backup's path. Raises UsageError when there is no database, BackupError
    when an upload holds the write lock for more than WAIT_SECONDS."""
    source = Path(db_path).resolve()
    if not source.is_file():
        raise UsageError(f"no database at {source}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"qa_insight_{datetime.now():%Y%m%d_%H%M%S}.duckdb"
    n = 1
    while target.exists():  # two backups in one second
        n += 1
        target = out / f"qa_insight_{datetime.now():%Y%m%d_%H%M%S}_{n}.duckdb"
    try:
        with (write_lock(source, who=who or f"{current_user()} (backup)", wait=WAIT_SECONDS),
              tempfile.TemporaryDirectory(dir=out, prefix=".backup-") as work):
            copy = Path(work) / target.name
            _copy_between_writes(source, copy, who=who or current_user(), name=target.name)
            _checked_version(copy, f"the copy of {source.name}")
            os.replace(copy, target)
    except UploadInProgress as busy:
        raise BackupError(f"{busy} (waited {WAIT_SECONDS:.0f} seconds)") from busy
    Path(f"{target}.sha256").write_text(f"{_sha256(target)}  {target.name}\n", encoding="utf-8")
    return target


def _copy_between_writes(source: Path, copy: Path, *, who: str, name: str) -> None:
    """Copy the database (and its write-ahead log) while the caller holds the write lock. When
    this process can open the database, the `backup` entry (by `who`, of the backup file `name`) is
    written and a checkpoint empties the log first; when another process (the app) has it open, the
    log is copied too and folded into the copy afterwards."""
    try:
        con = db.connect(source)
    except duckdb.IOException:
        con = None  # open in another process; it writes only under the lock we hold
    try:
        if con is not None:
            _record(con, who, "backup", name, {"backup_file": name, "database": source.name})
            con.execute("checkpoint")
        shutil.copyfile(source, copy)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    finally:
        if con is not None:
            con.close()


def _record(con: duckdb.DuckDBPyConnection, who: str, action: str, target: str, detail: dict[str, str]) -> None:
    """Write one audit trail entry in its own transaction on `con` (the write lock is held, so only a
    sign-in of this process could take the next entry first: then it is written again)."""
    audit_trail.record_alone(con, actor=who, action=action, target=target, detail=detail, attempts=CONFLICT_RETRIES)


def restore(backup_file: str | Path, db_path: str | Path, *, who: str | None = None) -> Path:
    """Replace the database at `db_path` with `backup_file` after checking the backup's checksum
    and schema. The replaced database is kept as `<db>.before-restore` (returned; the path is
    returned even when there was no database). Raises UsageError for a missing backup, BackupError
    for a damaged backup or a database that is open or busy."""
    backup_path = Path(backup_file)
    target = Path(db_path).resolve()
    kept = target.with_name(target.name + ".before-restore")
    if not backup_path.is_file():
        raise UsageError(f"no backup at {backup_path}")
    sums = Path(f"{backup_path}.sha256")
    if not sums.is_file():
        raise BackupError(f"{backup_path.name} has no checksum file ({sums.name}); it cannot be verified")
    expected = (sums.read_text(encoding="utf-8").split() or [""])[0].lower()
    if _sha256(backup_path) != expected:
        raise BackupError(f"{backup_path.name} does not match its checksum: the backup is damaged; nothing restored")
    if db.is_open(target):
        raise BackupError(f"the database {target} is open in this process; close it before restoring")
    try:
        with write_lock(target, who=f"{current_user()} (restore)"):
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(backup_path, staged)
            try:
                _checked_version(staged, backup_path.name)
                _record_restore(staged, who=who or current_user(), backup_name=backup_path.name, checksum=expected,
                                replaced=kept.name if target.exists() else "")
                if target.exists():
                    _refuse_if_open(target)
                    os.replace(target, kept)
                os.replace(staged, target)
            finally:
                staged.unlink(missing_ok=True)
                staged.with_name(staged.name + ".wal").unlink(missing_ok=True)
    except UploadInProgress as busy:
        raise BackupError(f"{busy} Nothing restored.") from busy
    return kept


def _record_restore(staged: Path, *, who: str, backup_name: str, checksum: str, replaced: str) -> None:
    """Write the `restore` entry into the staged copy (migrating it, as the app would on opening it)
    and fold it into the file, so that the database swapped in already holds it."""
    con = db.connect(staged)
    try:
        _record(con, who, "restore", backup_name,
                {"backup_file": backup_name, "backup_sha256": checksum, "kept_as": replaced})
        con.execute("checkpoint")
    finally:
        con.close()


def _refuse_if_open(target: Path) -> None:
    """Raise BackupError when another process has the database open (DuckDB's own file lock)."""
    try:
        duckdb.connect(str(target)).close()  # folds in any write-ahead log, so the file stands alone
    except duckdb.IOException as exc:
        raise BackupError(f"the database {target} is open in another process (is the app running? stop it "
                          f"first); nothing restored") from exc


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `backup` and `restore` subcommands of `python -m qa_data`; each runs through `run`."""
    b = commands.add_parser("backup", help="write a consistent copy of the database and its checksum")
    b.add_argument("--db", metavar="FILE", help="database file (default: QA_INSIGHT_DB or data/qa_insight.duckdb)")
    b.add_argument("--out", required=True, metavar="DIR", help="folder to write the backup to")
    r = commands.add_parser("restore", help="replace the database with a checked backup")
    r.add_argument("backup", metavar="BACKUP", help="the backup file (its .sha256 must be beside it)")
    r.add_argument("--db", metavar="FILE", help="database file (default: QA_INSIGHT_DB or data/qa_insight.duckdb)")
    for command in (b, r):
        command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run a parsed `backup` or `restore` command; returns the exit status."""
    target = Path(args.db) if args.db else db.default_db_path()
    try:
        if args.command == "backup":
            print(f"wrote {backup(target, args.out)}")
        else:
            kept = restore(args.backup, target)
            print(f"restored {target} from {args.backup}" + (f"; the previous database is {kept}" if kept.exists()
                                                             else ""))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
