"""The scorecard over real KPI values loaded from an extract: latest value, change, RAG, trend,
comparators, the SPC chart behind a KPI, team breakdowns, and scope."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

import loaders
from qa_data import scorecard
from qa_data.periods import add_months
from qa_data.scope import Scope
from tests.conftest import TODAY

EVERYONE = Scope.everything()


@pytest.fixture
def kpi_con(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """15 months of re-referrals (lower is better, target 20, amber 2): 25% for 14 months, then 16%
    in the last one; supervision in timescale (higher, target 90) at 87 then 92; a team breakdown."""
    months = [add_months(date(2024, 7, 1), k) for k in range(15)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["KPI", *months])
    ws.append(["Re-referrals within 12 months", *([25.0] * 14), 16.0])
    ws.append(["supervision_in_timescale", *([None] * 13), 87, 92])
    path = tmp_path / "kpis.xlsx"
    wb.save(path)
    assert loaders.load_file(con, path, kind="kpis", loaded_by="t", today=TODAY).valid
    long = tmp_path / "teams.csv"
    long.write_text("KPI,Period,Service area,Team,Value\n"
                    "re_referrals,Sep-25,Front Door,MASH Team,18\n"
                    "re_referrals,Sep-25,Front Door,Front Door Team 1,14\n"
                    "re_referrals,Sep-25,Permanence,Adoption Team,30\n", encoding="utf-8")
    assert loaders.load_file(con, long, kind="kpis", loaded_by="t", today=TODAY).valid
    comparators = tmp_path / "comparators.csv"
    comparators.write_text("KPI,Year,Comparator,Value\nre_referrals,2024-25,Statistical neighbours,21.4\n"
                           "re_referrals,2024,England,22.1\n", encoding="utf-8")
    assert loaders.load_file(con, comparators, kind="comparators", loaded_by="t").valid
    return con


def test_the_scorecard_row_a_director_reads(kpi_con: duckdb.DuckDBPyConnection) -> None:
    card = scorecard.scorecard(kpi_con, scope=EVERYONE, month=date(2025, 9, 1)).set_index("kpi_code")
    rr = card.loc["re_referrals"]
    assert (rr["month"].date(), rr["value"], rr["previous_value"], rr["change"]) == (date(2025, 9, 1), 16.0, 25.0, -9.0)
    assert (rr["target"], rr["rag"]) == (20.0, "green")  # lower is better: 16 <= 20
    assert list(rr["trend"]) == [25.0] * 11 + [16.0]  # the last 12 months, oldest first
    assert (rr["sn"], rr["england"], rr["comparator_year"]) == (21.4, 22.1, 2024)
    assert pd.isna(rr["region"])  # no regional value was loaded
    sup = card.loc["supervision_in_timescale"]
    assert (sup["value"], sup["rag"], sup["change"]) == (92.0, "green", 5.0)
    earlier = scorecard.scorecard(kpi_con, scope=EVERYONE, month=date(2025, 8, 1)).set_index("kpi_code")
    assert (earlier.loc["re_referrals", "rag"], earlier.loc["supervision_in_timescale", "rag"]) == ("red", "amber")
    assert pd.isna(earlier.loc["assessments_45wd", "rag"])  # no value: nothing to rate


def test_the_spc_chart_behind_a_kpi_finds_the_special_cause(kpi_con: duckdb.DuckDBPyConnection) -> None:
    chart = scorecard.kpi_chart(kpi_con, scope=EVERYONE, kpi_code="re_referrals", direction="lower",
                                until=date(2025, 9, 1), target=20)
    assert chart is not None and len(chart.points) == 15 and not chart.too_few_points
    last = chart.points.iloc[-1]
    assert bool(last["special_cause"]) and bool(last["beyond_limits"])
    assert chart.variation == "special_cause_improvement"  # lower is better and it fell


def test_team_breakdown_and_scope(kpi_con: duckdb.DuckDBPyConnection) -> None:
    teams = scorecard.team_breakdown(kpi_con, scope=EVERYONE, kpi_code="re_referrals", month=date(2025, 9, 1))
    assert list(zip(teams["team"], teams["value"], strict=True)) == [
        ("Front Door Team 1", 14.0), ("MASH Team", 18.0), ("Adoption Team", 30.0)
    ]
    front_door = Scope(("Front Door",))
    mine = scorecard.team_breakdown(kpi_con, scope=front_door, kpi_code="re_referrals", month=date(2025, 9, 1))
    assert set(mine["service_area"]) == {"Front Door"}
    assert scorecard.scorecard(kpi_con, scope=front_door, month=date(2025, 9, 1)).empty  # council-wide
    assert scorecard.kpi_chart(kpi_con, scope=front_door, kpi_code="re_referrals", direction="lower",
                               until=date(2025, 9, 1)) is None
