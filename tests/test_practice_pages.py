"""Practice and improvement: the Supervision and Practice observations pages through AppTest on a
copy of the sample database, and qa_data.practice called directly. Every number a user would check
is recomputed with plain SQL on the same data.

The sample data runs from November 2024 to October 2026, so the default period is Nov 2025 to
Oct 2026."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from conftest import ROOT, app_copy
from streamlit.testing.v1 import AppTest

from qa_data import db, practice
from qa_data.audits import AuditFilter
from qa_data.scope import Scope

APP = ROOT / "app.py"
START, END = date(2025, 11, 1), date(2026, 10, 31)
DEFAULT = AuditFilter(START, END)
SCOPE = Scope.everything(user="test")


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the sample database that the app opens (no first-start loading)."""
    return app_copy(sample_db, tmp_path, monkeypatch)


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    return path


def one(con: duckdb.DuckDBPyConnection, query: str, *params: Any) -> Any:
    return db.cursor(con).execute(query, list(params)).fetchone()


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- qa_data.practice directly -------------------------------------------------------------------
def test_supervision_pct_for_an_area_and_quarter_matches_plain_sql(sample_con: duckdb.DuckDBPyConnection) -> None:
    area, quarter = "Children in Care", date(2026, 4, 1)
    trend = practice.supervision_trend(sample_con, scope=SCOPE, filters=DEFAULT, grain="quarter")
    row = trend[
        (trend["service_area"] == area)
        & (trend["measure"] == "Supervision")
        & (trend["period"] == pd.Timestamp(quarter))
    ].iloc[0]
    graded, good = one(
        sample_con,
        "select count(supervision_grade), count(*) filter (where supervision_grade in ('Outstanding', 'Good')) "
        "from audits where service_area = ? and audit_date between ? and ?",
        area,
        quarter,
        date(2026, 6, 30),
    )
    assert graded > 0
    assert (row["graded"], row["good_or_better"]) == (graded, good)
    assert row["pct"] == pytest.approx(100 * good / graded)


def test_oversight_is_beside_supervision_for_every_period(sample_con: duckdb.DuckDBPyConnection) -> None:
    trend = practice.supervision_trend(sample_con, scope=SCOPE, filters=DEFAULT, grain="month")
    everyone = trend[trend["service_area"] == "All areas in view"]
    assert set(everyone["measure"]) == {"Supervision", "Management oversight"}
    oversight = everyone[everyone["measure"] == "Management oversight"]["graded"].sum()
    expected = one(sample_con, "select count(oversight_grade) from audits where audit_date between ? and ?", START, END)
    assert oversight == expected[0]
    with pytest.raises(ValueError, match="grain"):
        practice.supervision_trend(sample_con, scope=SCOPE, filters=DEFAULT, grain="week")


def test_team_with_most_less_than_good_supervision_comes_first(sample_con: duckdb.DuckDBPyConnection) -> None:
    teams = practice.team_supervision(sample_con, scope=SCOPE, filters=DEFAULT)
    team, n, graded = one(
        sample_con,
        "select team, count(*) filter (where supervision_grade in ('Requires improvement', 'Inadequate')) as n, "
        "count(supervision_grade) from audits where audit_date between ? and ? and team is not null "
        "group by team order by n desc, n / count(supervision_grade) desc, team limit 1",
        START,
        END,
    )
    first = teams.iloc[0]
    assert (first["team"], first["less_than_good"], first["graded"]) == (team, n, graded)
    assert first["less_than_good_pct"] == pytest.approx(100 * n / graded)
    audits = practice.team_audits(sample_con, scope=SCOPE, filters=DEFAULT, team=team)
    assert len(audits) == graded
    assert set(audits["team"]) == {team}


def test_scope_limits_every_supervision_figure(sample_con: duckdb.DuckDBPyConnection) -> None:
    scope = Scope(("Front Door",), user="fd")
    trend = practice.supervision_trend(sample_con, scope=scope, filters=DEFAULT, grain="quarter")
    assert set(trend["service_area"]) == {"Front Door", "All areas in view"}
    assert set(practice.team_supervision(sample_con, scope=scope, filters=DEFAULT)["service_area"]) == {"Front Door"}


def test_supervision_compliance_latest_value_and_absent_kpi(sample_con: duckdb.DuckDBPyConnection) -> None:
    compliance = practice.supervision_compliance(sample_con, scope=SCOPE, filters=DEFAULT)
    month, value = one(
        sample_con,
        "select period_month, value from kpi_values where kpi_code = 'supervision_in_timescale' "
        "and service_area is null and team is null and period_month <= ? order by period_month desc limit 1",
        END,
    )
    assert (compliance.latest_month, compliance.latest_value) == (month, value)
    assert not compliance.empty
    absent = practice.supervision_compliance(sample_con, scope=SCOPE, filters=DEFAULT, kpi_code="no_such_kpi")
    assert absent.empty and absent.series.empty


def test_observations_by_setting_and_theme_match_plain_sql(sample_con: duckdb.DuckDBPyConnection) -> None:
    by_setting = practice.observation_summary(sample_con, scope=SCOPE, filters=DEFAULT, by="setting")
    expected = dict(
        db.cursor(sample_con)
        .execute(
            "select observation_setting, count(*) from audits where activity_type = 'observation' "
            "and audit_date between ? and ? group by 1",
            [START, END],
        )
        .fetchall()
    )
    assert dict(zip(by_setting["value"], by_setting["observations"], strict=True)) == expected
    home = by_setting.set_index("value").loc["Home visit"]
    (pct,) = one(
        sample_con,
        "select 100 * avg(good_or_better::int) from audits where activity_type = 'observation' "
        "and observation_setting = 'Home visit' and audit_date between ? and ?",
        START,
        END,
    )
    assert home["pct"] == pytest.approx(pct)
    by_theme = practice.observation_summary(sample_con, scope=SCOPE, filters=DEFAULT, by="theme")
    assert by_theme["observations"].sum() == sum(expected.values())
    with pytest.raises(ValueError, match="by"):
        practice.observation_summary(sample_con, scope=SCOPE, filters=DEFAULT, by="worker")


def test_observation_trend_and_grade_mix_add_up(sample_con: duckdb.DuckDBPyConnection) -> None:
    trend = practice.observation_trend(sample_con, scope=SCOPE, filters=DEFAULT, grain="quarter")
    mix = practice.observation_grade_mix(sample_con, scope=SCOPE, filters=DEFAULT)
    (total,) = one(
        sample_con,
        "select count(*) from audits where activity_type = 'observation' and audit_date between ? and ?",
        START,
        END,
    )
    assert trend["observations"].sum() == mix["n"].sum() == total
    assert mix.groupby("setting")["pct"].sum().round(6).eq(100).all()


def test_practice_functions_on_an_empty_database(con: duckdb.DuckDBPyConnection) -> None:
    assert practice.supervision_trend(con, scope=SCOPE, filters=DEFAULT).empty
    assert practice.team_supervision(con, scope=SCOPE, filters=DEFAULT).empty
    assert practice.supervision_compliance(con, scope=SCOPE, filters=DEFAULT).empty
    assert practice.observation_summary(con, scope=SCOPE, filters=DEFAULT).empty


# --- The pages -----------------------------------------------------------------------------------
def test_supervision_page_shows_the_worst_team_and_compliance(app_db: Path) -> None:
    con = db.connect(app_db)
    try:
        team, n = one(
            con,
            "select team, count(*) filter (where supervision_grade in ('Requires improvement', 'Inadequate')) as n "
            "from audits where audit_date between ? and ? and team is not null "
            "group by team order by n desc, n / count(supervision_grade) desc, team limit 1",
            START,
            END,
        )
        (latest,) = one(
            con,
            "select value from kpi_values where kpi_code = 'supervision_in_timescale' and service_area is null "
            "and team is null order by period_month desc limit 1",
        )
    finally:
        con.close()
    at = open_page("pages/supervision.py")
    assert at.title[0].value == "Supervision and management oversight"
    worst = [c.value for c in at.caption if c.value.startswith("Most often less than good")]
    assert worst and f"**{team}**" in worst[0] and f" {n:,} of " in worst[0]
    (metric,) = [m for m in at.metric if m.label.startswith("Supervision in timescale")]
    assert metric.value == f"{latest:.0f}%"
    table = at.dataframe[0].value
    assert table.iloc[0]["team"] == team
    # The drill-down: the audits behind the chosen (first) team.
    assert set(at.dataframe[1].value["team"]) == {team}


def test_supervision_page_says_when_no_compliance_values(app_db: Path) -> None:
    con = db.connect(app_db)
    try:
        db.cursor(con).execute("delete from kpi_values where kpi_code = 'supervision_in_timescale'")
    finally:
        con.close()
    at = open_page("pages/supervision.py")
    assert any("No supervision-frequency values" in i.value for i in at.info)


def test_observations_page_shows_counts_and_home_visit_pct(app_db: Path) -> None:
    con = db.connect(app_db)
    try:
        counts = dict(
            db.cursor(con)
            .execute(
                "select observation_setting, count(*) from audits where activity_type = 'observation' "
                "and audit_date between ? and ? group by 1",
                [START, END],
            )
            .fetchall()
        )
        (home,) = one(
            con,
            "select 100 * avg(good_or_better::int) from audits where activity_type = 'observation' "
            "and observation_setting = 'Home visit' and audit_date between ? and ?",
            START,
            END,
        )
    finally:
        con.close()
    at = open_page("pages/observations.py")
    settings = at.dataframe[0].value
    assert dict(zip(settings["value"], settings["observations"], strict=True)) == counts
    assert settings.set_index("value").loc["Home visit", "pct"] == pytest.approx(home)
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.parametrize("page", ["pages/supervision.py", "pages/observations.py"])
def test_pages_on_an_empty_database_say_so(empty_db: Path, page: str) -> None:
    at = open_page(page)
    assert at.info, "expected an empty-state message"
    assert "No " in at.info[0].value
    assert not at.dataframe


def test_picking_a_team_narrows_the_supervision_page(app_db: Path) -> None:
    at = open_page("pages/supervision.py")
    team = at.dataframe[0].value.iloc[-1]["team"]
    at.multiselect(key="sv_teams").select(team).run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.dataframe[0].value["team"]) == [team]
    assert set(at.dataframe[1].value["team"]) == {team}
