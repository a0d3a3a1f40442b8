"""The app's DuckDB connection cannot read or write other files, cannot install or load
extensions, and cannot be unlocked again; the database must live in the data folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import DATA, TODAY

import loaders
from qa_data import db

ESCAPES = [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/passwd')",
    "copy (select 1 as x) to '{tmp}/x.csv'",
    "attach '{tmp}/other.duckdb' as other",
    "install httpfs",
    "load httpfs",
    "select * from read_parquet('https://example.org/x.parquet')",
    "set enable_external_access = true",
    "reset enable_external_access",
    "set allowed_directories = ['/']",
    "set autoinstall_known_extensions = true",
    "set allow_community_extensions = true",
    "set lock_configuration = false",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_the_app_connection_cannot_reach_other_files_or_extensions(tmp_path: Path, sql: str) -> None:
    data = tmp_path / "data"
    con = db.connect(data / "qa.duckdb")
    try:
        for c in (con, db.cursor(con)):  # the connection and every cursor taken from it
            with pytest.raises(duckdb.Error):
                c.execute(sql.format(tmp=tmp_path))
    finally:
        con.close()
    assert not (tmp_path / "x.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_the_locked_down_connection_still_loads_and_reads(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "qa.duckdb")
    try:
        report = loaders.load_file(con, DATA / "audit_title_rows.xlsx", loaded_by="tests", today=TODAY)
        assert (report.outcome, report.rows_loaded) == ("loaded", 4)
        cur = db.cursor(con)
        assert cur.execute("select count(*) from audits").fetchone() == (4,)
        cur.execute("create temp table scratch as select 1 as x")  # temp tables live in memory
        assert cur.execute("select current_setting('enable_external_access')").fetchone() == (False,)
        cur.close()
    finally:
        con.close()
    # A second open of the file (migrations run again) is sandboxed the same way.
    with db.connect(tmp_path / "qa.duckdb") as again, pytest.raises(duckdb.Error):
        again.execute("select * from read_csv('/etc/passwd')")


def test_the_database_must_be_inside_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("QA_INSIGHT_DATA_DIR", str(data))
    with pytest.raises(ValueError, match="is outside the data folder"):
        db.connect(tmp_path / "elsewhere" / "qa.duckdb")
    assert not (tmp_path / "elsewhere").exists()
    with pytest.raises(ValueError, match="is outside the data folder"):
        db.connect(data / ".." / "qa.duckdb")  # no way out through ..
    inside = db.connect(data / "sub" / "qa.duckdb")
    try:
        assert db.schema_version(db.cursor(inside)) >= 7
        # DuckDB's spill files go next to the database, inside the data folder.
        assert inside.execute("select current_setting('temp_directory')").fetchone() == (
            str((data / "sub" / "qa.duckdb.tmp").resolve()),)
    finally:
        inside.close()
    monkeypatch.delenv("QA_INSIGHT_DATA_DIR")
    # Unset, the data folder is the database's own folder: any path is allowed.
    with db.connect(tmp_path / "elsewhere" / "qa.duckdb"):
        pass
