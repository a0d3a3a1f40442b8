"""KPI values computed from Annex A snapshots (qa_data.kpi_results), through the loader's hook:
exact stored values checked by hand against the LIIA reference workbook, per-team rows, re-loads,
the scorecard, and skipped KPIs on small workbooks built here."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

import loaders
from loaders.annex_a_lists import LIST_BY_NUMBER
from qa_data import db, kpi_results
from qa_data.kpi_definitions import KPI_CATALOGUE
from qa_data.scope import Scope
from qa_data.scorecard import scorecard

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference_data"
LIIA = "annexa_synthetic_liia_2024_jan.xlsx"
# The workbook's events run to 15/03/2021 (the loader's default reference date is the same day).
REF_DATE = date(2021, 3, 15)
MONTH = date(2021, 3, 1)
SNAPSHOT = "annex-a-2021-03-15"


def liia() -> Path:
    if not REFERENCE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared reference data beside the repo clone: {REFERENCE}")
        pytest.skip(f"shared reference data not found beside the repo clone ({REFERENCE})")
    return REFERENCE / LIIA


def load(con: duckdb.DuckDBPyConnection, path: Path, **options: Any) -> loaders.LoadReport:
    options.setdefault("reference_date", REF_DATE)
    report = loaders.load_file(con, path, kind="annex_a", **options)
    assert report.outcome == "loaded", [i.as_dict() for i in report.issues if i.severity == "error"]
    return report


def values(con: duckdb.DuckDBPyConnection, *, team: bool = False) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """(kpi_code, service_area[, team]) -> (value rounded to 2 places, numerator, denominator)."""
    rows = con.execute(
        "select kpi_code, service_area, team, value, numerator, denominator from kpi_values "
        "where team is not null = ? order by all",
        [team],
    ).fetchall()
    return {
        (code, area, *([t] if team else [])): (None if v is None else round(v, 2), int(n), int(d))
        for code, area, t, v, n, d in rows
    }


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# Hand working from the workbook's rows (reference date 15/03/2021, so the six-month period is
# 16/09/2020 - 15/03/2021, both days included):
#
# re_referrals, List 3 (6 rows, all referred on 16/09/2020, the first day of the period): referrals
#   in the last 12 months 0, 2, 1, 0, 2, 0 -> rows 3, 4 and 6 had an earlier referral: 3 / 6 = 50%.
#   Teams: Multi Agency Safeguarding Hub row 2 -> 0/1; Locality 4 Duty Team rows 3, 4, 5, 7 -> 2/4;
#   Locality 2 Unit 1 row 6 -> 1/1.
# icpc_15wd, List 5 (5 rows, strategy discussions all on Wed 16/09/2020): rows 2 and 3 ICPC on Mon
#   05/10/2020 = 13 working days after (17-18 Sep 2, 21-25 Sep 5, 28 Sep-2 Oct 5, 5 Oct 1); row 6 ICPC
#   Thu 01/10/2020 = 11 working days; rows 4 and 5 "ICPC not necessary: Yes", none held -> not
#   counted. 3 / 3 within 15 = 100%. Teams: Children with Disabilities Team 1/1, Locality 2 Duty Team
#   1/1, Locality 3 Duty Team 1/1 (row 5 not counted), Locality 3 Unit 2 0/0 (row 4 only) -> no value.
# repeat_cp_plans, List 7: plans starting in the period are rows 2 (23/11/2020, 0 previous plans),
#   3 and 4 (08/02/2021, 1 previous plan each); the other four started in 2019 or April 2020.
#   2 / 3 = 66.67%.
# cp_visits_in_timescale, List 7: on a plan at 15/03/2021 (no end date) are rows 3 and 4 (born 2015
#   and 2006); both last visited Tue 02/03/2021 = 9 working days before (3-5 Mar 3, 8-12 Mar 5,
#   15 Mar 1), within 10: 2 / 2 = 100%.
# care_leavers_eet_17_18, List 9: ages at 15/03/2021: row 2 (07/08/2002) 18, row 4 (28/10/2002) 18,
#   row 7 (15/12/2002) 18, all in touch; activities F1, G5 (NEET), F3 -> 2 / 3 = 66.67%.
HAND_CHECKED = {
    "re_referrals": (50.0, 3, 6),
    "icpc_15wd": (100.0, 3, 3),
    "repeat_cp_plans": (66.67, 2, 3),
    "cp_visits_in_timescale": (100.0, 2, 2),
    "care_leavers_eet_17_18": (66.67, 2, 3),
}
AREAS = {
    "re_referrals": "Front Door",
    "icpc_15wd": "Children in Need and Child Protection",
    "repeat_cp_plans": "Children in Need and Child Protection",
    "cp_visits_in_timescale": "Children in Need and Child Protection",
    "care_leavers_eet_17_18": "Care Leavers",
}


def test_liia_workbook_kpi_values_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    report = load(con, liia())
    stored = values(con)
    for code, expected in HAND_CHECKED.items():
        assert stored[(code, None)] == expected, code  # council-wide
        assert stored[(code, AREAS[code])] == expected, code  # the KPI's catalogue area, same numbers
    # Every Annex A KPI has its council-wide and area rows: the workbook has every list they read.
    assert len(stored) == 2 * len(KPI_CATALOGUE)
    assert con.execute("select distinct period_month, source, load_id, target from kpi_values").fetchall() == [
        (MONTH, "annex_a", report.load_id, None)
    ]


def test_liia_workbook_team_rows(con: duckdb.DuckDBPyConnection) -> None:
    load(con, liia())
    teams = values(con, team=True)
    assert {k[2]: v for k, v in teams.items() if k[0] == "re_referrals"} == {
        "Locality 2 Unit 1": (100.0, 1, 1),
        "Locality 4 Duty Team": (50.0, 2, 4),
        "Multi Agency Safeguarding Hub": (0.0, 0, 1),
    }
    assert {k[2]: v for k, v in teams.items() if k[0] == "icpc_15wd"} == {
        "Children with Disabilities Team": (100.0, 1, 1),
        "Locality 2 Duty Team": (100.0, 1, 1),
        "Locality 3 Duty Team": (100.0, 1, 1),
        "Locality 3 Unit 2": (None, 0, 0),
    }
    assert {k[1] for k in teams if k[0] == "icpc_15wd"} == {"Children in Need and Child Protection"}
    # Team rows add up to the council-wide row when every child has a team (List 3 does).
    council = values(con)[("re_referrals", None)]
    assert sum(v[1] for k, v in teams.items() if k[0] == "re_referrals") == council[1]
    assert sum(v[2] for k, v in teams.items() if k[0] == "re_referrals") == council[2]


def test_reloading_the_same_file_leaves_kpi_values_identical(con: duckdb.DuckDBPyConnection) -> None:
    load(con, liia())
    sql = (
        "select kpi_code, period_month, service_area, team, value, numerator, denominator, target, source "
        "from kpi_values order by all"
    )
    before = con.execute(sql).fetchall()
    again = load(con, liia())
    assert con.execute(sql).fetchall() == before
    assert len(before) == 76
    assert con.execute("select distinct load_id from kpi_values").fetchall() == [(again.load_id,)]


def test_scorecard_shows_the_computed_values(con: duckdb.DuckDBPyConnection) -> None:
    load(con, liia())
    card = scorecard(con, scope=Scope.everything(), month=MONTH).set_index("kpi_code")
    for code, (value, numerator, denominator) in HAND_CHECKED.items():
        row = card.loc[code]
        assert (round(row["value"], 2), row["numerator"], row["denominator"]) == (value, numerator, denominator)
        assert row["month"].date() == MONTH
    area = scorecard(con, scope=Scope.everything(), month=MONTH, area="Front Door").set_index("kpi_code")
    assert area.loc["re_referrals", "value"] == 50.0
    assert area.loc["re_referrals", "rag"] == "red"  # 50% re-referrals against a target of 20% or fewer


REFERRALS = [c.header for c in LIST_BY_NUMBER[3].columns]


def referral(child: str, referred: date, previous: int | None, team: str | None) -> list[Any]:
    row = {
        "Child Unique ID": child,
        "Gender": "Male",
        "Date of referral": referred,
        "Number of Referrals in Last 12 Months": previous,
        "Allocated Team": team,
    }
    return [row.get(h) for h in REFERRALS]


def test_small_snapshot_replaces_the_months_values_and_skips_absent_lists(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load(con, liia())
    # A corrected upload for the same reference date with List 3 only: 3 referrals in the period,
    # 1 re-referral (1/3); one child has no team (council and area rows only); March 2020 is before it.
    path = write_xlsx(
        tmp_path / "annex.xlsx",
        {
            "Referrals": [
                REFERRALS,
                referral("A1", date(2021, 1, 4), 1, "Team A"),
                referral("A2", date(2021, 2, 1), 0, "Team A"),
                referral("B1", date(2021, 3, 15), 0, None),
                referral("B2", date(2020, 3, 1), 3, "Team B"),
            ]
        },
    )
    load(con, path)
    assert values(con) == {("re_referrals", None): (33.33, 1, 3), ("re_referrals", "Front Door"): (33.33, 1, 3)}
    assert values(con, team=True) == {
        ("re_referrals", "Front Door", "Team A"): (50.0, 1, 2),
        ("re_referrals", "Front Door", "Team B"): (None, 0, 0),
    }
    cur = db.cursor(con)
    try:
        result = kpi_results.compute_snapshot_kpis(cur, SNAPSHOT)
    finally:
        cur.close()
    assert (result.computed, result.rows_written, result.period_month) == (("re_referrals",), 4, MONTH)
    assert {s.reason for s in result.skipped} == {"list-empty"}
    assert len(result.skipped) == len(KPI_CATALOGUE) - 1


def test_kpi_skipped_when_its_column_was_not_uploaded(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    headers = [h for h in REFERRALS if h != "Number of Referrals in Last 12 Months"]
    row = dict(zip(REFERRALS, referral("A1", date(2021, 1, 4), None, "Team A"), strict=True))
    path = write_xlsx(tmp_path / "annex.xlsx", {"Referrals": [headers, [row[h] for h in headers]]})
    report = load(con, path)
    assert ("Number of Referrals in Last 12 Months", "missing-column") in [(i.column, i.code) for i in report.issues]
    assert con.execute("select count(*) from kpi_values").fetchone() == (0,)
    cur = db.cursor(con)
    try:
        result = kpi_results.compute_snapshot_kpis(cur, SNAPSHOT)
    finally:
        cur.close()
    assert result.computed == ()
    assert [(s.code, s.reason, s.detail) for s in result.skipped if s.reason != "list-empty"] == [
        (
            "re_referrals",
            "missing-column",
            "List 3 was uploaded without column(s) number_of_referrals_in_last_12_months.",
        )
    ]


def test_an_earlier_snapshot_of_the_month_does_not_replace_the_later_ones_values(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load(con, liia())
    before = values(con)
    path = write_xlsx(tmp_path / "annex.xlsx", {"Referrals": [REFERRALS, referral("A1", date(2021, 1, 4), 1, "T")]})
    load(con, path, reference_date=date(2021, 3, 10))
    assert values(con) == before
    cur = db.cursor(con)
    try:
        result = kpi_results.compute_snapshot_kpis(cur, "annex-a-2021-03-10")
    finally:
        cur.close()
    assert (result.superseded_by, result.computed, result.rows_written) == (SNAPSHOT, (), 0)


def test_unknown_snapshot_raises(con: duckdb.DuckDBPyConnection) -> None:
    cur = db.cursor(con)
    try:
        with pytest.raises(LookupError, match="annex-a-1999-01-01"):
            kpi_results.compute_snapshot_kpis(cur, "annex-a-1999-01-01")
    finally:
        cur.close()
