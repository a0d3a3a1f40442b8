"""One write at a time: the lock every upload, reflection save, commentary save and backup takes.

A database is written by one upload at a time. Two locks make that so:

- a `threading.Lock` per database file, for the Streamlit sessions of one process (each session is a
  thread with its own cursor on the shared connection); re-entrant for the thread that holds it, so
  a reflection save may call the audit loader inside its own lock;
- an exclusive `fcntl.flock` on a lock file next to the database (``<db>.write-lock``), for other
  processes: the backup command, a loader CLI against a database the app has closed. DuckDB itself
  also refuses a second process that opens a file one process has open read-write.

Both are taken without waiting by default: a second upload is told at once who holds the lock and
since when (`UploadInProgress`), never left hanging. The lock file holds that description while the
lock is held; it is empty otherwise. An in-memory database is private to its connection and takes
only the thread lock."""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

LOCK_SUFFIX = ".write-lock"
CODE = "upload-in-progress"  # the issue code a refused upload carries


class UploadInProgress(RuntimeError):
    """Another write holds the lock. `str()` is the sentence to show the user."""

    def __init__(self, holder: str, started: datetime | None):
        self.holder, self.started = holder, started
        at = f" at {started:%H:%M}" if started else ""
        super().__init__(
            f"An upload is in progress (started by {holder}{at}); try again when it has finished."
        )


@dataclass
class _Held:
    thread: int
    who: str
    started: datetime
    depth: int = 1


_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_HELD: dict[str, _Held] = {}


def lock_path(db_path: str | Path) -> Path:
    """The lock file of the database at `db_path`."""
    p = Path(db_path).resolve()
    return p.with_name(p.name + LOCK_SUFFIX)


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind catalog `qa` of `con` (a connection or cursor from qa_data.db), or
    ':memory:'."""
    rows = con.execute("select path from duckdb_databases() where database_name = 'qa'").fetchall()
    return str(Path(rows[0][0]).resolve()) if rows and rows[0][0] else ":memory:"


@contextmanager
def write_lock(target: duckdb.DuckDBPyConnection | str | Path, *, who: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the write lock of the database `target` (a connection or cursor, or a file path) for
    the `with` block. Raises UploadInProgress when another thread or process holds it and it is not
    free within `wait` seconds (default: do not wait)."""
    where = str(target) if isinstance(target, str | Path) else database_path(target)
    key = where if where == ":memory:" else str(Path(where).resolve())
    me = threading.get_ident()
    with _GUARD:
        held = _HELD.get(key)
        if held is not None and held.thread == me:
            held.depth += 1
            reentered = True
        else:
            reentered = False
            lock = _THREAD_LOCKS.setdefault(key, threading.Lock())
    if reentered:
        try:
            yield
        finally:
            with _GUARD:
                _HELD[key].depth -= 1
        return
    deadline = time.monotonic() + wait
    acquired = lock.acquire(timeout=wait) if wait > 0 else lock.acquire(blocking=False)
    if not acquired:
        holder = _HELD.get(key)
        raise UploadInProgress(holder.who if holder else "another session", holder.started if holder else None)
    fd = -1
    try:
        if key != ":memory:":
            fd = _lock_file(lock_path(key), who, deadline)
        with _GUARD:
            _HELD[key] = _Held(me, who, datetime.now())
        try:
            yield
        finally:
            with _GUARD:
                del _HELD[key]
    finally:
        if fd >= 0:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        lock.release()


def _lock_file(path: Path, who: str, deadline: float) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            try:
                info = json.loads(os.pread(fd, 4096, 0) or b"{}")
            except ValueError:
                info = {}
            finally:
                os.close(fd)
            started = info.get("started")
            raise UploadInProgress(
                str(info.get("who") or "another process"), datetime.fromisoformat(started) if started else None
            ) from None
    os.ftruncate(fd, 0)
    description = {"who": who, "pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}
    os.pwrite(fd, json.dumps(description).encode(), 0)
    return fd


def is_locked(db_path: str | Path) -> bool:
    """Whether some thread or process holds the write lock of the database at `db_path` now."""
    key = str(Path(db_path).resolve())
    with _GUARD:
        if key in _HELD:
            return True
    path = lock_path(key)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def current_user() -> str:
    """A name for a write made outside a signed-in session (a command line)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
