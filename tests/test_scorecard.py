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
    """15 months of re-referrals (lower is better, target 20, amber 2): alternating 24% and 26% for 14
    months (a flat 25% would itself be a run of 14 above the mean: special cause by the shift rule),
    then 16% in the last one, below the lower process limit; supervision in timescale (higher, target
    90) at 87 then 92; a team breakdown."""
    months = [add_months(date(2024, 7, 1), k) for k in range(15)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["KPI", *months])
    ws.append(["Re-referrals within 12 months", *([24.0, 26.0] * 7), 16.0])
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
    assert (rr["month"].date(), rr["value"], rr["previous_value"], rr["change"]) == (
        date(2025, 9, 1), 16.0, 26.0, -10.0
    )
    assert (rr["target"], rr["rag"]) == (20.0, "green")  # lower is better: 16 <= 20
    assert list(rr["trend"]) == [26.0, 24.0] * 5 + [26.0, 16.0]  # the last 12 months, oldest first
    assert (rr["sn"], rr["england"], rr["comparator_year"]) == (21.4, 22.1, 2024)
    assert pd.isna(rr["region"])  # no regional value was loaded
    sup = card.loc["supervision_in_timescale"]
    assert (sup["value"], sup["rag"], sup["change"]) == (92.0, "green", 5.0)
    earlier = scorecard.scorecard(kpi_con, scope=EVERYONE, month=date(2025, 8, 1)).set_index("kpi_code")
    assert (earlier.loc["re_referrals", "rag"], earlier.loc["supervision_in_timescale", "rag"]) == ("red", "amber")
    assert pd.isna(earlier.loc["assessments_45wd", "rag"])  # no value: nothing to rate


def test_each_kpi_has_its_variation_and_assurance_icons(kpi_con: duckdb.DuckDBPyConnection) -> None:
    card = scorecard.scorecard(kpi_con, scope=EVERYONE, month=date(2025, 9, 1)).set_index("kpi_code")
    icons = card[["variation", "assurance"]]
    # Re-referrals: mean 24.4, limits about 17.6 to 31.2; the final 16% is below the lower limit and
    # lower is better; the target 20 lies inside the limits, so it will be met only some months.
    assert tuple(icons.loc["re_referrals"]) == ("special_cause_improvement", "hit_and_miss")
    # Supervision: two points (87, 92), limits 89.5 +/- 13.3 hold both and the target 90.
    assert tuple(icons.loc["supervision_in_timescale"]) == ("common_cause", "hit_and_miss")
    assert icons.loc["assessments_45wd"].isna().all()  # no values: no icons
    # The same as the chart behind the KPI.
    chart = scorecard.kpi_chart(kpi_con, scope=EVERYONE, kpi_code="re_referrals", direction="lower",
                                until=date(2025, 9, 1), target=20)
    assert chart is not None and (chart.variation, chart.assurance) == tuple(icons.loc["re_referrals"])
    # Up to August 2025: the 14 alternating months alone are common cause (no run, no trend), limits
    # 25 +/- 5.32 still hold the target 20. Supervision had a single value then: too few points.
    earlier = scorecard.scorecard(kpi_con, scope=EVERYONE, month=date(2025, 8, 1)).set_index("kpi_code")
    assert tuple(earlier.loc["re_referrals", ["variation", "assurance"]]) == ("common_cause", "hit_and_miss")
    assert earlier.loc["supervision_in_timescale", ["variation", "assurance"]].isna().all()


def test_a_special_cause_in_the_bad_direction_is_a_concern(kpi_con: duckdb.DuckDBPyConnection) -> None:
    # Re-referrals (lower is better) jump to 40% in October 2025: mean 25.4, upper limit 36.0.
    kpi_con.execute(
        "insert into kpi_values select * replace (date '2025-10-01' as period_month, 40.0 as value) "
        "from kpi_values where kpi_code = 're_referrals' and period_month = date '2025-09-01' and team is null"
    )
    card = scorecard.scorecard(kpi_con, scope=EVERYONE, month=date(2025, 10, 1)).set_index("kpi_code")
    assert card.loc["re_referrals", "value"] == 40.0
    assert tuple(card.loc["re_referrals", ["variation", "assurance"]]) == ("special_cause_concern", "hit_and_miss")


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
