"""The bundled sample data for the fictional Northbridge City Council, loaded on first start through
the same loaders a user's upload uses: 24 months of KPI extracts and comparators (sample_data/kpis),
six monthly Annex A snapshots (sample_data/annex_a), 24 monthly audit returns (sample_data/audits),
the two 18-month audit plans (sample_data/audit_plan), then three monthly action-tracker snapshots
(sample_data/actions) and the surveys and complaints log (sample_data/voice)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from loaders import load_file
from loaders.annex_a import load_annex_a
from loaders.audits import load_audits
from loaders.report import LoadReport
from loaders.workbook import Source
from qa_data import db, periods

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_USER = "sample data (first start)"


def sample_files(directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample audit returns, oldest month first."""
    return sorted(
        p for p in (directory / "audits").iterdir() if p.suffix.lower() in (".xlsx", ".csv")
    )


def kpi_files(directory: Path = SAMPLE_DIR) -> list[tuple[Path, str]]:
    """The sample KPI extracts and comparator file, with the kind of each."""
    folder = directory / "kpis"
    if not folder.exists():
        return []
    return [
        (p, "comparators" if p.stem == "comparators" else "kpis")
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in (".xlsx", ".csv")
    ]


def annex_a_files(directory: Path = SAMPLE_DIR) -> list[tuple[Path, date]]:
    """The sample Annex A snapshots (`YYYY-MM_annex_a.xlsx`), each with its reference date: the
    last day of the month in its name."""
    folder = directory / "annex_a"
    if not folder.exists():
        return []
    return [(p, periods.month_end(periods.parse_month(p.name[:7]))) for p in sorted(folder.glob("*_annex_a.xlsx"))]


def load_sample_data(con: duckdb.DuckDBPyConnection, directory: Path = SAMPLE_DIR) -> list[LoadReport]:
    """Load every sample file; returns their reports."""
    reports = [
        load_file(con, Source.from_path(p), kind=kind, loaded_by=SAMPLE_USER) for p, kind in kpi_files(directory)
    ]
    reports += [
        load_annex_a(con, Source.from_path(p), reference_date=day, loaded_by=SAMPLE_USER)
        for p, day in annex_a_files(directory)
    ]
    reports += [
        load_audits(con, Source.from_path(p), loaded_by=SAMPLE_USER) for p in sample_files(directory)
    ]
    reports += [
        load_file(con, Source.from_path(p), kind="audit_plan", loaded_by=SAMPLE_USER) for p in plan_files(directory)
    ]
    # After the audits: an action raised from an audit is linked to it when the audit is loaded.
    return reports + [
        load_file(con, Source.from_path(p), kind=kind, loaded_by=SAMPLE_USER) for p, kind in later_files(directory)
    ]


def plan_files(directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample audit plans (framework Appendix B), cycle 1 first."""
    folder = directory / "audit_plan"
    return sorted(folder.glob("*_audit_plan.xlsx")) if folder.exists() else []


def later_files(directory: Path = SAMPLE_DIR) -> list[tuple[Path, str]]:
    """The action trackers (monthly snapshots) and the survey and complaints files, with their kinds."""
    out = [(p, "actions") for p in sorted((directory / "actions").glob("*.xlsx"))]
    voice = directory / "voice"
    if voice.exists():
        for p in sorted(voice.iterdir()):
            if p.suffix.lower() in (".xlsx", ".csv"):
                out.append((p, "complaints" if p.stem.startswith("complaints") else "surveys"))
    return out


def ensure_sample_data(con: duckdb.DuckDBPyConnection, directory: Path = SAMPLE_DIR) -> list[LoadReport]:
    """Load the sample data only into a database that has never had a load (first start)."""
    row = con.execute("select count(*) from loads").fetchone()
    if row and row[0]:
        return []
    return load_sample_data(con, directory)


def other_loads(con: duckdb.DuckDBPyConnection) -> int:
    """How many loads (uploads, reflection sheets, command-line loads; any outcome) were made by
    someone other than the sample loader. Zero means the database holds the sample data only, which
    is what the demo mode may show to anyone."""
    cur = db.cursor(con)
    try:
        row = cur.execute("select count(*) from loads where loaded_by <> ?", [SAMPLE_USER]).fetchone()
    finally:
        cur.close()
    return int(row[0]) if row else 0
