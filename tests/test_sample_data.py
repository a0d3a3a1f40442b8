"""The bundled Northbridge sample data: every file loads cleanly through the user's loader, the
totals and the story in sample_data/README.md hold, and the generator reproduces the files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, TODAY

from loaders import load_file
from loaders.report import LoadReport
from loaders.samples import sample_files
from qa_data import db

SAMPLE_FILES = sample_files()


@pytest.fixture(scope="module")
def sample(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, LoadReport]]]:
    """All sample files loaded, oldest first, with the tests' fixed 'today'."""
    con = db.connect(tmp_path_factory.mktemp("samples") / "samples.duckdb")
    reports = {p.name: load_file(con, p, loaded_by="tests", today=TODAY) for p in SAMPLE_FILES}
    yield con, reports
    con.close()


def test_there_are_24_monthly_returns() -> None:
    assert len(SAMPLE_FILES) == 24
    assert SAMPLE_FILES[0].name == "2024-11_audit_return.xlsx"
    assert SAMPLE_FILES[-1].name == "2026-10_audit_return.xlsx"
    assert sum(p.suffix == ".csv" for p in SAMPLE_FILES) == 3


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_sample_file_loads_with_no_error_and_no_warning(
    sample: tuple[duckdb.DuckDBPyConnection, dict[str, LoadReport]], name: str
) -> None:
    report = sample[1][name]
    assert report.issues == []
    assert report.outcome == "loaded"
    assert report.rows_loaded == report.rows_read > 0
    assert report.rows_replaced == 0


def test_totals(sample: tuple[duckdb.DuckDBPyConnection, dict[str, LoadReport]]) -> None:
    con, _ = sample
    assert db.table_counts(con)["audits"] == 1502
    assert con.execute("select count(*), count(distinct outcome), min(outcome) from loads").fetchone() == (
        24, 1, "loaded",
    )  # fmt: skip
    assert con.execute("select sum(rows_loaded) from loads").fetchone() == (1502,)
    assert con.execute("select min(audit_date), max(audit_date) from audits").fetchone() == (
        date(2024, 11, 1), date(2026, 10, 31),
    )  # fmt: skip
    by_area = dict(con.execute("select service_area, count(*) from audits group by 1").fetchall())
    assert by_area == {  # README, "The story"
        "Front Door": 242, "Children in Need and Child Protection": 310, "Vulnerable Adolescents": 201,
        "Children in Care": 213, "Permanence": 170, "Care Leavers": 177, "Quality Assurance Unit": 189,
    }  # fmt: skip
    # Supervision is graded on every activity (framework section 4).
    assert con.execute(
        "select count(*) from audits as a where not exists (select 1 from audit_grades as g "
        "where g.audit_id = a.audit_id and g.domain = 'supervision')"
    ).fetchone() == (0,)


def _pct_good_or_better(con: duckdb.DuckDBPyConnection, start: str, end: str) -> dict[str, str]:
    rows = con.execute(
        "select service_area, count(*) filter (where overall_grade in ('Outstanding', 'Good')), count(*) "
        "from audits where audit_date between ?::date and ?::date group by 1",
        [start, end],
    ).fetchall()
    # Formatted as the README's table is (Python's rounding), so the numbers can be compared exactly.
    return {area: f"{100 * good / n:.0f}%" for area, good, n in rows}


def test_the_story_holds(sample: tuple[duckdb.DuckDBPyConnection, dict[str, LoadReport]]) -> None:
    con, _ = sample
    first = _pct_good_or_better(con, "2024-11-01", "2025-01-31")
    last = _pct_good_or_better(con, "2026-08-01", "2026-10-31")
    # Front Door improves, Children in Care slips.
    assert int(last["Front Door"][:-1]) > int(first["Front Door"][:-1])
    assert int(last["Children in Care"][:-1]) < int(first["Children in Care"][:-1])
    # The README's table, first and last quarter.
    assert first == {
        "Front Door": "46%", "Children in Need and Child Protection": "61%",
        "Vulnerable Adolescents": "57%", "Children in Care": "73%", "Permanence": "82%",
        "Care Leavers": "57%", "Quality Assurance Unit": "70%",
    }  # fmt: skip
    assert last == {
        "Front Door": "81%", "Children in Need and Child Protection": "64%",
        "Vulnerable Adolescents": "62%", "Children in Care": "46%", "Permanence": "78%",
        "Care Leavers": "52%", "Quality Assurance Unit": "69%",
    }  # fmt: skip


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    from sample_data.generate import generate

    paths = generate(tmp_path)
    assert [p.name for p in paths] == [p.name for p in SAMPLE_FILES]
    committed = ROOT / "sample_data" / "audits"
    for path in paths:
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name


def test_the_sample_kpi_extracts_and_comparators_load_cleanly_and_tell_the_story(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from loaders.samples import kpi_files
    from qa_data import scorecard
    from qa_data.scope import Scope
    from sample_data.generate_kpis import generate as generate_kpis

    files = kpi_files()
    assert [(p.name, kind) for p, kind in files] == [
        ("2024-11_to_2025-10_kpi_extract.xlsx", "kpis"),
        ("2025-11_to_2026-10_kpi_extract.csv", "kpis"),
        ("comparators.csv", "comparators"),
    ]
    for path, kind in files:
        report = load_file(con, path, kind=kind, loaded_by="tests", today=TODAY)
        assert (report.outcome, report.issues) == ("loaded", []), path.name
    assert con.execute("select count(*), min(period_month), max(period_month) from kpi_values").fetchone() == (
        408, date(2024, 11, 1), date(2026, 10, 1),
    )  # fmt: skip
    assert con.execute("select count(*) from kpi_comparators").fetchone() == (42,)
    card = scorecard.scorecard(con, scope=Scope.everything(), month=date(2026, 10, 1)).set_index("kpi_code")
    first = scorecard.scorecard(con, scope=Scope.everything(), month=date(2024, 11, 1)).set_index("kpi_code")
    assert card.loc["re_referrals", "value"] < first.loc["re_referrals", "value"]  # the Front Door improves
    assert card.loc["cla_visits_in_timescale", "value"] < first.loc["cla_visits_in_timescale", "value"]  # CiC slips
    regenerated = generate_kpis(tmp_path)
    assert [p.read_bytes() for p in regenerated] == [p.read_bytes() for p, _ in files]
