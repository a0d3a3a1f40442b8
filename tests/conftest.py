"""Shared fixtures: real DuckDB databases (never mocked) and real .xlsx files."""

from __future__ import annotations

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
