"""The KPI extract loader: long and wide layouts, month headings in every form, and bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

import loaders
from loaders.report import LoadReport
from qa_data import db
from qa_data.kpis import Kpi, seed_catalogue
from tests.conftest import TODAY

CATALOGUE = [
    Kpi("REREF", "Re-referrals within 12 months", "% of referrals that are re-referrals", "percent", "lower",
        target=20.0, amber_tolerance=2.0),
    Kpi("SUPV", "Supervision in timescale", "% of workers supervised in the month", "percent", "higher",
        target=90.0, amber_tolerance=5.0),
]


def _own_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the default catalogue with this test's two KPIs (as a council's own catalogue)."""
    con.execute("delete from kpis")
    seed_catalogue(con, CATALOGUE)


@pytest.fixture
def kcon(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    _own_catalogue(con)
    return con


def _xlsx(tmp_path: Path, name: str, rows: list[list[Any]], above: list[list[Any]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KPIs"
    for line in (above or []) + rows:
        ws.append(line)
    path = tmp_path / name
    wb.save(path)
    return path


def _load(con: duckdb.DuckDBPyConnection, path: Path, **options: Any) -> LoadReport:
    return loaders.load_file(con, path, kind="kpis", loaded_by="tests", today=TODAY, **options)


def _values(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select kpi_code, period_month, service_area, team, value, numerator, denominator "
        "from kpi_values order by all"
    ).fetchall()


EXPECTED = [
    ("REREF", date(2025, 4, 1), None, None, 21.5, None, None),
    ("REREF", date(2025, 5, 1), None, None, 19.0, None, None),
    ("SUPV", date(2025, 4, 1), None, None, 88.0, None, None),
    ("SUPV", date(2025, 5, 1), None, None, 93.0, None, None),
]


def test_wide_with_text_months_and_with_excel_date_months_load_the_same_values(
    kcon: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text = _xlsx(tmp_path, "text.xlsx", [["KPI", "Apr-25", "May-25"], ["REREF", 21.5, 19],
                                         ["Supervision in timescale", "88%", 93]],
                 above=[["Northbridge KPI extract"], []])
    report = _load(kcon, text)
    assert (report.valid, report.outcome, report.rows_loaded) == (True, "loaded", 4), report.issues
    assert _values(kcon) == EXPECTED

    second = db.connect(tmp_path / "second.duckdb")
    _own_catalogue(second)
    dated = _xlsx(tmp_path, "dated.xlsx", [["Indicator", date(2025, 4, 1), date(2025, 5, 1)],
                                           ["reref", 21.5, 19], ["SUPV", 88, 93]])
    assert _load(second, dated).valid
    assert _values(second) == EXPECTED
    second.close()


@pytest.mark.parametrize("heading", ["April 2025", "2025-04", "Apr 25", "04/2025"])
def test_wide_month_headings_in_every_form(kcon: duckdb.DuckDBPyConnection, tmp_path: Path, heading: str) -> None:
    report = _load(kcon, _xlsx(tmp_path, "w.xlsx", [["KPI", heading], ["REREF", 21.5]]))
    assert report.valid, report.issues
    assert _values(kcon) == [EXPECTED[0]]


def test_long_layout_with_breakdowns_numerators_and_a_csv(kcon: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "KPI,Period,Service area,Team,Value,Numerator,Denominator\n"
        "REREF,Apr-25,MASH,Front Door Team 1,21.5,43,200\n"
        "REREF,01/05/2025,Front Door,Front Door Team 1,19,38,200\n",
        encoding="utf-8",
    )
    report = _load(kcon, path)
    assert report.valid, report.issues
    assert _values(kcon) == [
        ("REREF", date(2025, 4, 1), "Front Door", "Front Door Team 1", 21.5, 43.0, 200.0),
        ("REREF", date(2025, 5, 1), "Front Door", "Front Door Team 1", 19.0, 38.0, 200.0),
    ]


def test_loading_twice_changes_nothing_and_a_correction_replaces(
    kcon: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [["KPI", "Apr-25", "May-25"], ["REREF", 21.5, 19], ["SUPV", 88, 93]]
    _load(kcon, _xlsx(tmp_path, "a.xlsx", rows))
    before = kcon.execute("select * from kpi_values order by all").fetchall()
    again = _load(kcon, _xlsx(tmp_path, "a.xlsx", rows))
    assert again.outcome == "unchanged"
    assert kcon.execute("select * from kpi_values order by all").fetchall() == before
    corrected = _load(kcon, _xlsx(tmp_path, "b.xlsx", [["KPI", "May-25"], ["REREF", 18]]))
    assert (corrected.outcome, corrected.rows_loaded, corrected.rows_replaced) == ("loaded", 1, 1)
    assert kcon.execute(
        "select value from kpi_values where kpi_code = 'REREF' and period_month = '2025-05-01'"
    ).fetchall() == [(18.0,)]
    assert kcon.execute("select count(*) from kpi_values").fetchone() == (4,)


def _issues(report: LoadReport) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.row, i.column_letter) for i in report.issues]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([["KPI", "Apr-25"], ["Caseloads", 12], ["REREF", 20]], [("unknown-kpi", 2, "A")],
                     id="unknown-kpi"),
        pytest.param([["KPI", "Period", "Value"], ["REREF", "Apr-25", 20], ["REREF", "April 2025", 21]],
                     [("duplicate-period", 3, "C")], id="duplicate-period"),
        pytest.param([["KPI", "Apr-25", "May-25"], ["REREF", "twenty", 19]], [("bad-number", 2, "B")],
                     id="text-in-a-value-cell"),
        pytest.param([["KPI", "Period", "Value"], ["REREF", "Spring", 20]], [("bad-period", 2, "B")],
                     id="bad-period"),
        pytest.param([["Indicator", "Result"], ["REREF", 20]], [("missing-column", 1, None)], id="no-period"),
    ],
)
def test_bad_files_are_rejected_with_located_issues_and_nothing_written(
    kcon: duckdb.DuckDBPyConnection, tmp_path: Path, rows: list[list[Any]], expected: list[tuple[Any, ...]]
) -> None:
    _load(kcon, _xlsx(tmp_path, "good.xlsx", [["KPI", "Mar-25"], ["SUPV", 90]]))
    before = kcon.execute("select * from kpi_values order by all").fetchall()
    report = _load(kcon, _xlsx(tmp_path, "bad.xlsx", rows))
    assert (report.valid, report.outcome) == (False, "rejected")
    assert [i for i in _issues(report) if i[0] != "unknown-column"] == expected
    assert kcon.execute("select * from kpi_values order by all").fetchall() == before
    assert kcon.execute("select outcome from loads where file_name = 'bad.xlsx'").fetchall() == [("rejected",)]


def test_the_cli_loads_a_kpi_extract(kcon: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from loaders.__main__ import main

    path = _xlsx(tmp_path, "cli.xlsx", [["KPI", "Apr-25"], ["REREF", 21.5]])
    assert main([str(path), "--kind", "kpis", "--dry-run"]) == 1  # REREF is not in the default catalogue
    dbfile = tmp_path / "cli.duckdb"
    con = db.connect(dbfile)
    _own_catalogue(con)
    con.close()
    assert main([str(path), "--kind", "kpis", "--db", str(dbfile)]) == 0


def test_comparators_load_and_bad_rows_are_located(kcon: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    good = _xlsx(tmp_path, "comparators.xlsx", [
        ["KPI", "Year", "Comparator", "Value"],
        ["REREF", "2024-25", "Statistical neighbours", 21.4],
        ["REREF", 2024, "England", "22.1%"],
        ["Supervision in timescale", 2024, "Regional average", 87],
    ])
    report = loaders.load_file(kcon, good, kind="comparators", loaded_by="tests")
    assert (report.valid, report.rows_loaded) == (True, 3), report.issues
    assert kcon.execute("select kpi_code, year, comparator, value from kpi_comparators order by all").fetchall() == [
        ("REREF", 2024, "England", 22.1),
        ("REREF", 2024, "Statistical neighbours", 21.4),
        ("SUPV", 2024, "Region", 87.0),
    ]
    assert loaders.load_file(kcon, good, kind="comparators", loaded_by="tests").outcome == "unchanged"
    bad = _xlsx(tmp_path, "bad_comparators.xlsx", [
        ["KPI", "Year", "Comparator", "Value"],
        ["REREF", "last year", "London", "n/a?"],
    ])
    report = loaders.load_file(kcon, bad, kind="comparators", loaded_by="tests")
    assert _issues(report) == [("bad-year", 2, "B"), ("unknown-comparator", 2, "C"), ("bad-number", 2, "D")]
    assert kcon.execute("select count(*) from kpi_comparators").fetchone() == (3,)


def test_a_new_database_starts_with_the_default_catalogue(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from qa_data.kpi_catalogue import default_catalogue

    codes = [r[0] for r in con.execute("select kpi_code from kpis order by sort_order").fetchall()]
    assert codes == [k.code for k in default_catalogue()]
    assert len(codes) == 23
    path = _xlsx(tmp_path, "defaults.xlsx", [["KPI", "Apr-25"], ["Re-referrals within 12 months", 21.5],
                                             ["supervision_in_timescale", "91%"]])
    report = _load(con, path)
    assert report.valid, report.issues
    assert con.execute("select kpi_code, value from kpi_values order by all").fetchall() == [
        ("re_referrals", 21.5), ("supervision_in_timescale", 91.0)
    ]


def test_a_council_catalogue_replaces_the_default_and_sets_targets(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from datetime import date as day

    from qa_data import scorecard
    from qa_data.scope import Scope

    path = _xlsx(tmp_path, "catalogue.xlsx", [
        ["Code", "Name", "Definition", "Unit", "Direction", "Target", "Amber tolerance", "Service area"],
        ["re_referrals", "Re-referrals", "% of referrals within 12 months of another", "%", "Lower is better",
         15, 1, "MASH"],
        ["caseload", "Caseload", "Children per social worker", "count", "lower", 16, 2, None],
    ], above=[["Northbridge KPI catalogue 2026-27"]])
    report = loaders.load_file(con, path, kind="catalogue", loaded_by="tests")
    assert (report.valid, report.outcome, report.rows_loaded) == (True, "loaded", 2), report.issues
    assert con.execute("select kpi_code, unit, direction, target, amber_tolerance, service_area, source "
                       "from kpis order by sort_order").fetchall() == [
        ("re_referrals", "percent", "lower", 15.0, 1.0, "Front Door", "annex_a"),
        ("caseload", "count", "lower", 16.0, 2.0, None, "extract"),
    ]
    assert loaders.load_file(con, path, kind="catalogue", loaded_by="tests").outcome == "unchanged"
    extract = _xlsx(tmp_path, "k.xlsx", [["KPI", "Apr-25"], ["Re-referrals", 16]])
    assert _load(con, extract).valid
    card = scorecard.scorecard(con, scope=Scope.everything(), month=day(2025, 4, 1)).set_index("kpi_code")
    assert (card.loc["re_referrals", "target"], card.loc["re_referrals", "rag"]) == (15.0, "amber")


def test_a_bad_catalogue_is_rejected_and_the_catalogue_kept(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = con.execute("select * from kpis order by all").fetchall()
    path = _xlsx(tmp_path, "bad_catalogue.xlsx", [
        ["Code", "Name", "Definition", "Unit", "Direction", "Target"],
        ["a", "A", "first", "percent", "sideways", 10],
        ["a", "A again", "second", "furlongs", "higher", "ten"],
    ])
    report = loaders.load_file(con, path, kind="catalogue", loaded_by="tests")
    assert _issues(report) == [("bad-direction", 2, "E"), ("duplicate-key", 3, "A"), ("bad-unit", 3, "D"),
                               ("bad-number", 3, "F")]
    assert con.execute("select * from kpis order by all").fetchall() == before
