"""The Scorecard page through AppTest on a copy of the sample database (audits Nov 2024 to Oct 2026,
so the sidebar's month is Oct 2026) plus a KPI extract and comparators written here and loaded
through the loaders, as a QAL would upload them."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import DATA as DATA_DIR
from conftest import ROOT, TODAY, app_copy
from streamlit.testing.v1 import AppTest

import loaders
from qa_data import db, vocab
from qa_data.periods import add_months

APP = ROOT / "app.py"
PAGE = "pages/scorecard.py"
MONTHS = [add_months(date(2025, 8, 1), k) for k in range(15)]  # Aug 2025 to Oct 2026
EMPTY = "No KPI values loaded for this month and area yet. Upload a KPI extract or an Annex A workbook on Upload data."


def extract_bytes() -> bytes:
    """The wide layout: re-referrals (lower is better, target 20) alternating 24% and 26% for 14
    months then 16% in October 2026, a special cause below the lower limit (a flat 25% would itself
    be a run of 14 above the mean: special cause by the shift rule); supervision (higher, target 90) 87 then 92
    (two points only); assessments in 45 days 72 then 70 (red); average caseload 21 then 19.5 (amber)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["KPI", *MONTHS])
    ws.append(["re_referrals", *([24.0, 26.0] * 7), 16.0])
    ws.append(["supervision_in_timescale", *([None] * 13), 87, 92])
    ws.append(["assessments_45wd", *([None] * 13), 72, 70])
    ws.append(["average_caseload", *([None] * 13), 21, 19.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


AREA_AND_TEAMS = (
    "KPI,Period,Service area,Team,Value\n"
    "re_referrals,Sep-26,Front Door,,19\n"
    "re_referrals,Oct-26,Front Door,,30\n"
    "re_referrals,Oct-26,Front Door,MASH Team,18\n"
    "re_referrals,Oct-26,Front Door,Front Door Team 1,14\n"
    "re_referrals,Oct-26,Permanence,Adoption Team,30\n"
)
COMPARATORS = (
    "KPI,Year,Comparator,Value\n"
    "re_referrals,2024-25,Statistical neighbours,21.4\n"
    "re_referrals,2024-25,Region,20.9\n"
    "re_referrals,2024,England,22.1\n"
)


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the sample database that the app opens, its sample KPI values and
    comparators removed: the audits set the sidebar's months, the tests load known KPI values."""
    return app_copy(sample_db, tmp_path, monkeypatch, clear=('kpi_values', 'kpi_comparators'))


@pytest.fixture
def kpi_db(app_db: Path) -> Path:
    """The sample copy plus the KPI extract, area and team values, and comparators."""
    con = db.connect(app_db)
    try:
        for name, data, kind in (
            ("kpis.xlsx", extract_bytes(), "kpis"),
            ("teams.csv", AREA_AND_TEAMS.encode(), "kpis"),
            ("comparators.csv", COMPARATORS.encode(), "comparators"),
        ):
            report = loaders.load_file(con, loaders.Source(name, data), kind=kind, loaded_by="t", today=TODAY)
            assert report.valid, report.summary()
    finally:
        con.close()
    return app_db


def scorecard_page(params: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest) -> tuple[pd.DataFrame, dict[tuple[int, str], str]]:
    """The scorecard as shown and each styled cell's CSS, by (row, column name)."""
    element = at.dataframe[0]
    frame = element.value
    styler = element.proto.arrow_data.styler
    css: dict[tuple[int, str], str] = {}
    for selectors, style in re.findall(r"([^{}]+)\{([^}]*)\}", styler.styles):
        for row, col in re.findall(r"_row(\d+)_col(\d+)", selectors):
            css[(int(row), frame.columns[int(col)])] = style.strip()
    return frame, css


def spc_chart(at: AppTest) -> dict[str, Any]:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_scorecard_rows_values_change_target_rag_and_colour(kpi_db: Path) -> None:
    at = scorecard_page()
    assert at.title[0].value == "KPI scorecard"
    assert at.caption[0].value.startswith("Data as of")
    frame, css = table(at)
    rows = frame.set_index("KPI")
    shown = {
        name: tuple(rows.loc[name, ["Latest", "Change", "Target", "RAG"]])
        for name in (
            "Re-referrals within 12 months",
            "Case supervision within timescale",
            "Assessments completed within 45 working days",
            "Average social worker caseload",
        )
        if name in rows.index
    }
    assert shown == {
        "Re-referrals within 12 months": ("16.0%", "\u25bc 10.0 pts, better", "20.0%", "Green"),
        "Case supervision within timescale": ("92.0%", "\u25b2 5.0 pts, better", "90.0%", "Green"),
        "Assessments completed within 45 working days": ("70.0%", "\u25bc 2.0 pts, worse", "85.0%", "Red"),
        "Average social worker caseload": ("19.5", "\u25bc 1.5, better", "18", "Amber"),
    }
    position = {name: i for i, name in enumerate(frame["KPI"])}
    for name, (_, _, _, rating) in shown.items():
        assert f"background-color: {vocab.RAG_COLOURS[rating]}" in css[(position[name], "RAG")]
    assert "#1b7837" in css[(position["Re-referrals within 12 months"], "Change")]  # better: green text
    assert "#b2182b" in css[(position["Assessments completed within 45 working days"], "Change")]
    re_ref = rows.loc["Re-referrals within 12 months"]
    assert list(re_ref["Last 12 months"]) == [26.0, 24.0] * 5 + [26.0, 16.0]
    assert (re_ref["SN"], re_ref["Region"], re_ref["England"], re_ref["Year"]) == ("21.4%", "20.9%", "22.1%", "2024")
    assert re_ref["Definition"].startswith("Of referrals")
    unrated = frame.index[frame["RAG"] == "No rating"]
    assert len(unrated) == len(frame) - 4  # KPIs with no value loaded: nothing to rate, no chip
    assert set(frame.loc[unrated, "Latest"]) == {"\u2013"}
    assert not any((row, "RAG") in css for row in unrated)


def test_variation_and_assurance_icons_in_the_spc_colours(kpi_db: Path) -> None:
    at = scorecard_page()
    frame, css = table(at)
    position = {name: i for i, name in enumerate(frame["KPI"])}
    icons = frame.set_index("KPI")[["Variation", "Assurance"]]
    expected = {
        # 16% below the lower limit, lower is better: blue, pointing down; target 20 inside the limits.
        "Re-referrals within 12 months": ("\u25bc improving", "#00b0f0", "\u2195 hit and miss", "#a6a6a6"),
        # Two points (87, 92): no signal; target 90 inside the limits.
        "Case supervision within timescale": ("\u25cf common cause", "#a6a6a6", "\u2195 hit and miss", "#a6a6a6"),
        # 72 then 70: upper limit 76.3 is below the target 85 of a higher-is-better KPI.
        "Assessments completed within 45 working days": (
            "\u25cf common cause", "#a6a6a6", "\u2718 fail", "#e46c0a"
        ),
    }
    for name, (variation, variation_colour, assurance, assurance_colour) in expected.items():
        assert tuple(icons.loc[name]) == (variation, assurance), name
        assert f"color: {variation_colour}" in css[(position[name], "Variation")], name
        assert f"color: {assurance_colour}" in css[(position[name], "Assurance")], name
    unrated = frame.index[frame["RAG"] == "No rating"]  # no values: a dash and no colour
    assert set(frame.loc[unrated, "Variation"]) == set(frame.loc[unrated, "Assurance"]) == {"\u2013"}
    assert not any((row, column) in css for row in unrated for column in ("Variation", "Assurance"))
    caption = next(c.value for c in at.caption if c.value.startswith("Variation and Assurance"))
    assert all(word in caption for word in ("blue", "orange", "grey", "improving", "concern", "common cause",
                                            "pass", "fail", "hit and miss"))


def test_spc_chart_flags_the_last_re_referrals_point_and_teams(kpi_db: Path) -> None:
    at = scorecard_page()
    at.selectbox(key="qa_scorecard_kpi").set_value("re_referrals").run()
    assert not at.exception
    data = spc_chart(at)["data"]
    traces = {t["name"]: t for t in data}
    improvement = traces["Special cause: improvement"]
    assert improvement["marker"]["color"] == "#00b0f0"
    assert improvement["x"][-1].startswith("2026-10-01") and improvement["y"][-1] == 16.0
    assert len(traces["Common cause"]["x"]) == 14 and "Special cause: concern" not in traces
    assert {"Mean", "Process limits", "Target"} <= set(traces)
    assert traces["Target"]["y"] == [20.0, 20.0]
    upper, lower = (t["y"][0] for t in data if t["name"] == "Process limits")
    assert upper > 26.0 and 16.0 < lower < 20.0  # the last point is below the lower limit
    assert not at.warning
    texts = " ".join(m.value for m in at.markdown)
    assert "Special-cause improvement" in texts and "Assurance:" in texts
    assert any("blue points special cause improvement" in c.value for c in at.caption)
    teams = at.dataframe[1].value
    assert len(teams) == 3 and set(teams["team"]) == {"MASH Team", "Front Door Team 1", "Adoption Team"}


def test_spc_rules_are_configurable_on_the_page(kpi_db: Path) -> None:
    at = scorecard_page()
    at.selectbox(key="qa_scorecard_kpi").set_value("re_referrals").run()
    at.checkbox(key="qa_spc_beyond").uncheck().run()  # the last point is special only by this rule
    assert not at.exception
    names = {t["name"] for t in spc_chart(at)["data"]}
    assert "Special cause: improvement" not in names and "Common cause" in names
    assert "Special-cause improvement" not in " ".join(m.value for m in at.markdown)


def test_fewer_than_twelve_points_warns(kpi_db: Path) -> None:
    at = scorecard_page()
    at.selectbox(key="qa_scorecard_kpi").set_value("supervision_in_timescale").run()
    assert not at.exception
    assert len(at.warning) == 1 and at.warning[0].value.startswith("Only 2 monthly value(s)")
    assert "No team-level values" in " ".join(c.value for c in at.caption)


def test_one_service_area_shows_that_areas_values(kpi_db: Path) -> None:
    at = scorecard_page({"area": "Front Door"})
    frame, css = table(at)
    rows = frame.set_index("KPI")
    re_ref = rows.loc["Re-referrals within 12 months"]
    assert (re_ref["Latest"], re_ref["Change"], re_ref["RAG"]) == ("30.0%", "\u25b2 11.0 pts, worse", "Red")
    assert list(re_ref["Last 12 months"]) == [19.0, 30.0]
    assert (re_ref["Variation"], re_ref["Assurance"]) == ("\u25cf common cause", "\u2195 hit and miss")
    assert "Adoption Team" not in set(frame["KPI"])
    assert rows.loc["Case supervision within timescale", "Latest"] == "\u2013"  # council-wide only
    at.selectbox(key="qa_scorecard_kpi").set_value("re_referrals").run()
    teams = at.dataframe[1].value
    assert set(teams["team"]) == {"MASH Team", "Front Door Team 1"}  # not Permanence's team
    assert at.warning[0].value.startswith("Only 2 monthly value(s)")


def test_empty_state_without_kpi_values(app_db: Path) -> None:
    at = scorecard_page()
    assert [i.value for i in at.info] == [EMPTY]
    assert not at.dataframe and not at.get("plotly_chart")


def test_council_context_lists_the_neighbours(kpi_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_INSIGHT_COUNCIL", "370")
    at = scorecard_page()
    assert any(e.label.startswith("Context: Barnsley") for e in at.expander)
    neighbours = at.dataframe[-1].value
    assert len(neighbours) == 11 and neighbours["Council"].iloc[0] == "Barnsley"
    assert set(neighbours["ILACS overall"].dropna()) <= set(vocab.GRADES)


def test_upload_a_kpi_extract_then_the_scorecard_shows_it(app_db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/upload.py").run()
    assert at.radio(key="qa_upload_kind").value == "audits"
    at.radio(key="qa_upload_kind").set_value("kpis").run()
    at.file_uploader[0].set_value([("kpis.xlsx", extract_bytes(), "application/octet-stream")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("**kpis.xlsx**: valid, 21 row(s)")
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["kpis.xlsx: loaded, 21 row(s), 0 warning(s)"]
    at.switch_page(PAGE).run()
    frame, _ = table(at)
    assert frame.set_index("KPI").loc["Re-referrals within 12 months", "Latest"] == "16.0%"


def test_annex_a_asks_for_a_reference_date_blank_by_default(app_db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/upload.py").run()
    assert not at.date_input
    at.radio(key="qa_upload_kind").set_value("annex_a").run()
    assert at.date_input[0].label == "Annex A reference date" and at.date_input[0].value is None


def test_annex_a_csvs_upload_together_as_one_snapshot(app_db: Path) -> None:
    csvs = sorted((DATA_DIR / "annex_a_csv").glob("*.csv"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/upload.py").run()
    at.radio(key="qa_upload_kind").set_value("annex_a").run()
    at.date_input[0].set_value(date(2024, 1, 31)).run()
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), "text/csv") for p in csvs]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.success) == 1 and "valid, 88 row(s)" in at.success[0].value  # one check for all eleven
    assert at.button[0].label == "Load 11 valid file(s)"
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.success) == 1 and ": loaded, 88 row(s)" in at.success[0].value
    con = db.connect(app_db)
    try:
        assert con.execute(
            "select count(*) from annex_a_snapshots where reference_date = date '2024-01-31'"
        ).fetchone() == (1,)
    finally:
        con.close()


def test_the_scorecard_says_how_fresh_the_kpi_data_is(kpi_db: Path) -> None:
    at = scorecard_page()
    captions = [c.value for c in at.caption]
    assert any(c.startswith("KPI values up to Oct 2026 · last KPI upload") for c in captions), captions
