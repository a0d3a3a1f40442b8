"""Shared fixtures: real DuckDB databases (never mocked) and real .xlsx files."""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.samples import load_sample_data  # noqa: E402
from qa_data import db  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
# The sample data ends in October 2026 with feedback dates into November; tests that load it use
# this as "today" so they do not depend on the clock.
TODAY = date(2026, 11, 26)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh database file with the schema applied."""
    connection = db.connect(tmp_path / "test.duckdb")
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding all the sample data, built once per test session. Tests must
    open it read-only or copy it."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    connection = db.connect(path)
    reports = load_sample_data(connection)
    connection.close()
    assert all(r.valid for r in reports), [r.summary() for r in reports if not r.valid]
    return path


@pytest.fixture
def sample_con(sample_db: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of the sample database."""
    copy = tmp_path / "sample.duckdb"
    copy.write_bytes(sample_db.read_bytes())
    connection = db.connect(copy)
    yield connection
    connection.close()


HEADER = [
    "Audit ID", "Activity type", "Audit date", "Service area", "Team", "Worker", "Auditor",
    "Theme", "Safeguarding and thresholds", "Direct work and voice of the child",
    "Oversight of casework and decisions", "Supervision", "Overall grade",
]


def good_row(audit_id: str = "T-1", **overrides: Any) -> list[Any]:
    """A valid audit row in HEADER's order; override cells by header name."""
    values = {
        "Audit ID": audit_id, "Activity type": "Case audit", "Audit date": date(2025, 3, 14),
        "Service area": "Front Door", "Team": "MASH Team", "Worker": "Sam Patel",
        "Auditor": "Jo Reed", "Theme": "Re-referrals", "Safeguarding and thresholds": "Good",
        "Direct work and voice of the child": "Good",
        "Oversight of casework and decisions": "Requires improvement", "Supervision": "Good",
        "Overall grade": "Good",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write a workbook: make_xlsx(rows, name=..., sheet=..., above=[title rows]) -> path."""

    def _make(rows: list[list[Any]], *, name: str = "return.xlsx", sheet: str = "Audits",
              above: list[list[Any]] | None = None, header: list[str] | None = None) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        for line in above or []:
            ws.append(line)
        ws.append(header or HEADER)
        for r in rows:
            ws.append(r)
        path = tmp_path / name
        wb.save(path)
        return path

    return _make


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """st.cache_resource and st.cache_data live as long as the process: a page test starts and ends
    clean (clearing the resource cache also closes the app's connection, releasing the file)."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def app_copy(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, clear: tuple[str, ...] = ()
) -> Path:
    """A writable copy of the sample database for the app to open (no first-start loading, no demo
    or council settings from the environment), with the tables in `clear` emptied first."""
    path = tmp_path / "app.duckdb"
    shutil.copyfile(sample_db, path)
    if clear:
        connection = db.connect(path)
        try:
            for table in clear:  # names from the tests themselves
                connection.execute(f"delete from {table}")
        finally:
            connection.close()
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    monkeypatch.delenv("QA_INSIGHT_DEMO", raising=False)
    monkeypatch.delenv("QA_INSIGHT_COUNCIL", raising=False)
    return path


@pytest.fixture(autouse=True)
def _demo_on_test_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page tests run the demo mode (no sign-in) on databases holding their own test loads, which
    the real demo refuses (pages.auth: sample data only); tests/test_signin.py checks that rule itself."""
    monkeypatch.delenv("QA_INSIGHT_AUTH", raising=False)
    monkeypatch.delenv("QA_INSIGHT_IDLE_MINUTES", raising=False)
    monkeypatch.setattr("pages.ui.sample_data_only", lambda: True)
