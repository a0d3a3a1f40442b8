"""The bundled sample data: 24 months of audit returns for the fictional Northbridge City Council,
loaded on first start through the same loader a user's upload uses."""

from __future__ import annotations

from pathlib import Path

import duckdb

from loaders.audits import load_audits
from loaders.report import LoadReport
from loaders.workbook import Source

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_USER = "sample data (first start)"


def sample_files(directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample audit returns, oldest month first."""
    return sorted(
        p for p in (directory / "audits").iterdir() if p.suffix.lower() in (".xlsx", ".csv")
    )


def load_sample_data(con: duckdb.DuckDBPyConnection, directory: Path = SAMPLE_DIR) -> list[LoadReport]:
    """Load every sample file; returns their reports."""
    return [
        load_audits(con, Source.from_path(p), loaded_by=SAMPLE_USER) for p in sample_files(directory)
    ]


def ensure_sample_data(con: duckdb.DuckDBPyConnection, directory: Path = SAMPLE_DIR) -> list[LoadReport]:
    """Load the sample data only into a database that has never had a load (first start)."""
    row = con.execute("select count(*) from loads").fetchone()
    if row and row[0]:
        return []
    return load_sample_data(con, directory)
