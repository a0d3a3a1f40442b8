"""Connections and schema: the only module that opens a DuckDB database.

`connect()` opens (creating if needed) the database file and brings its schema up to date.
Configuration is read from the environment when called, never at import time:

- ``QA_INSIGHT_DB``: path of the DuckDB file (default ``data/qa_insight.duckdb`` in the project).
- ``QA_INSIGHT_DATA_DIR``: the data folder (default: the database file's folder). The database file
  must be inside it; DuckDB's spill files go there too (``<db>.tmp``).

Sandbox: once the file is attached and migrated, the connection is locked down (`_sandbox`): no
reading or writing of any other file through SQL (read_csv, COPY, ATTACH, httpfs...), no installing
or loading extensions, and no changing those settings back. Loaders hand DuckDB Arrow tables
(`register`), never file names.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from importlib import resources
from pathlib import Path

import duckdb

from qa_data import vocab

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_VERSION_BASE = 1
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def data_dir(db_path: str | Path) -> Path:
    """The folder the database must live in: QA_INSIGHT_DATA_DIR, else the database's own folder."""
    configured = os.environ.get("QA_INSIGHT_DATA_DIR")
    return Path(configured).resolve() if configured else Path(db_path).resolve().parent


def default_db_path() -> Path:
    """The database file the app and the CLIs use unless told otherwise."""
    configured = os.environ.get("QA_INSIGHT_DB")
    return Path(configured) if configured else PROJECT_ROOT / "data" / "qa_insight.duckdb"


CATALOG = "qa"  # the name the database file is attached under
# Small row groups: a monthly file of 16,384 audits or more then fills whole row groups, which
# DuckDB writes straight to the file during the insert ("optimistic writing") instead of through
# the WAL and a checkpoint at commit; scans of a few hundred thousand rows also use both cores.
# Measured on a 50,000-row load: commit 180 ms -> 20 ms; insert + commit 330 ms -> 240 ms.
ROW_GROUP_SIZE = 16_384
_OPEN: dict[str, weakref.ref[duckdb.DuckDBPyConnection]] = {}
_OPEN_LOCK = threading.Lock()


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database at `path` (default: `default_db_path()`; ':memory:' for a scratch one)
    and migrate it to the current schema. Raises duckdb.IOException if another process holds it.

    The file is attached as catalog `qa` to an in-memory connection (the only way to choose its
    row group size). Opening a file this process already has open returns a cursor on the same
    database, as duckdb.connect does. Take cursors with `cursor(con)`, which selects the catalog."""
    target = str(path if path is not None else default_db_path())
    key = target if target == ":memory:" else str(Path(target).resolve())
    with _OPEN_LOCK:
        ref = _OPEN.get(key) if key != ":memory:" else None
        shared = ref() if ref is not None else None
        if shared is not None:
            try:
                return cursor(shared)
            except duckdb.ConnectionException:
                pass  # closed since; open it afresh
        if key != ":memory:":
            folder = data_dir(key)
            if not Path(key).is_relative_to(folder):
                raise ValueError(f"The database {key} is outside the data folder {folder} (QA_INSIGHT_DATA_DIR).")
            Path(key).parent.mkdir(parents=True, exist_ok=True)
        # Extensions are never downloaded at run time: nothing may call the internet.
        con = duckdb.connect(
            ":memory:",
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
        try:
            options = f"row_group_size {ROW_GROUP_SIZE}" + (", read_only" if read_only else "")
            con.execute(f"attach ? as {CATALOG} ({options})", [key])
            con.execute(f"use {CATALOG}")
            if not read_only:
                migrate(con)
            _sandbox(con, None if key == ":memory:" else key + ".tmp")
        except BaseException:
            con.close()
            raise
        if key != ":memory:":
            _OPEN[key] = weakref.ref(con)
        return con


def _sandbox(con: duckdb.DuckDBPyConnection, temp_directory: str | None) -> None:
    """Lock the connection down (for every cursor taken from it): no other files, no extensions,
    and the configuration cannot be changed again."""
    if temp_directory:
        con.execute("set temp_directory = ?", [temp_directory])
    for setting in ("enable_external_access", "allow_community_extensions", "autoinstall_known_extensions",
                    "autoload_known_extensions"):
        con.execute(f"set {setting} = false")
    con.execute("set lock_configuration = true")


def is_open(path: str | Path) -> bool:
    """Whether this process has the database at `path` open (through `connect`)."""
    with _OPEN_LOCK:
        ref = _OPEN.get(str(Path(path).resolve()))
        shared = ref() if ref is not None else None
    if shared is None:
        return False
    try:
        shared.cursor().close()
    except duckdb.ConnectionException:
        return False  # closed
    return True


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on `con` for one unit of work (a connection is not thread-safe; Streamlit sessions
    are threads), with the database's catalog selected."""
    cur = con.cursor()
    cur.execute(f"use {CATALOG}")
    return cur


def _sql_text(name: str) -> str:
    return resources.files("qa_data").joinpath(name).read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for each file in qa_data/migrations, in order."""
    found = []
    for entry in resources.files("qa_data").joinpath("migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest schema version applied, 0 for an empty database."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = current_database() and table_name = 'schema_version'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the base schema and every newer numbered migration, each in its own transaction,
    then refresh the vocabulary tables. Returns the schema version reached."""
    version = schema_version(con)
    if version < SCHEMA_VERSION_BASE:
        _apply(con, SCHEMA_VERSION_BASE, "base schema (schema.sql)", _sql_text("schema.sql"))
        version = SCHEMA_VERSION_BASE
    for number, name, sql in migrations():
        if number > version:
            _apply(con, number, name, sql)
            version = number
    seed_vocabularies(con)
    if version >= 3:  # 003_kpis: a new database starts with the default KPI catalogue
        from qa_data.kpi_catalogue import default_catalogue
        from qa_data.kpis import seed_catalogue

        seed_catalogue(con, default_catalogue())
    return version


def _apply(con: duckdb.DuckDBPyConnection, version: int, description: str, sql: str) -> None:
    con.execute("begin transaction")
    try:
        con.execute(sql)
        con.execute(
            "insert into schema_version (version, description) values (?, ?)",
            [version, description],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def seed_vocabularies(con: duckdb.DuckDBPyConnection) -> None:
    """Make the vocabulary tables equal to qa_data.vocab (idempotent, one transaction)."""
    con.execute("begin transaction")
    try:
        con.execute("delete from service_areas")
        con.executemany(
            "insert into service_areas (service_area, sort_order, covers) values (?, ?, ?)",
            [[a, i + 1, vocab.SERVICE_AREA_COVERS[a]] for i, a in enumerate(vocab.SERVICE_AREAS)],
        )
        con.execute("delete from grades")
        con.executemany(
            "insert into grades (grade, grade_rank, good_or_better) values (?, ?, ?)",
            [[g, vocab.GRADE_RANK[g], g in vocab.GOOD_OR_BETTER] for g in vocab.GRADES],
        )
        con.execute("delete from activity_types")
        con.executemany(
            "insert into activity_types (activity_type, label) values (?, ?)",
            [[k, v] for k, v in vocab.ACTIVITY_TYPES.items()],
        )
        con.execute("delete from domains")
        con.executemany(
            "insert into domains (domain, label, kind, sort_order) values (?, ?, ?, ?)",
            [[d.key, d.label, d.kind, d.order] for d in vocab.DOMAINS],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the data tables, e.g. to show that a rejected load changed nothing."""
    counts = {}
    for table in ("audits", "audit_grades", "loads"):  # fixed allow-list of identifiers
        row = con.execute(f"select count(*) from {table}").fetchone()  # noqa: S608
        counts[table] = int(row[0]) if row else 0
    return counts
