"""The pages through Streamlit's AppTest, on a copy of the sample database. Every number a user
would check is recomputed here with plain SQL on the same file and compared with what the page shows.

The sample data runs from November 2024 to October 2026, so the default period is Nov 2025 to
Oct 2026 and the headline quarter is Oct-Dec 2026 (October only)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import HEADER, ROOT, app_copy, good_row
from streamlit.testing.v1 import AppTest

from qa_data import db

APP = ROOT / "app.py"
EMPTY_STATE = (
    "No audits in this period for these service areas. Widen the period or upload a return on Upload data."
)
PAGES = ("pages/overview.py", "pages/audit_quality.py", "pages/upload.py")
DEFAULT_START, DEFAULT_END = "2025-11-01", "2026-10-31"
QUARTER = ("2026-10-01", "2026-12-31")
PREVIOUS_QUARTER = ("2026-07-01", "2026-09-30")
Sql = Callable[..., Any]  # the `sql` fixture: sql(query, *params) -> first value


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the sample database that the app opens (no first-start loading)."""
    return app_copy(sample_db, tmp_path, monkeypatch)


@pytest.fixture
def sql(app_db: Path) -> Sql:
    """sql(query, *params) -> the first value of the first row, from the app's database file.
    Opens and closes its own connection on the same file as the app."""

    def run(query: str, *params: Any) -> Any:
        # db.connect's settings, so this shares the app's database instance when it is open.
        con = db.connect(app_db)
        try:
            return con.execute(query, list(params)).fetchone()[0]
        finally:
            con.close()

    return run


def start(params: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label_start: str) -> Any:
    found = [m for m in at.metric if m.label.startswith(label_start)]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def shown_pct(value: float) -> str:
    """How a percentage is displayed: 0 dp, half away from zero as printf does for these values."""
    return f"{value:.0f}%"


def gob_pct(sql: Sql, start: str, end: str, areas: tuple[str, ...] = ()) -> float:
    area_clause = "and service_area in (select unnest(?))" if areas else "and ? is not null"
    return sql(
        "select 100 * avg(good_or_better::int) from audits where audit_date between ? and ? " + area_clause,
        start,
        end,
        list(areas) if areas else 1,
    )


# --- Smoke: every page renders its own content ---------------------------------------------------
def test_every_page_renders_without_exception_and_shows_its_content(app_db: Path) -> None:
    at = start()
    expected = {
        "pages/overview.py": lambda: metric(at, "Good or better"),
        "pages/audit_quality.py": lambda: metric(at, "Supervision"),
        "pages/upload.py": lambda: at.download_button[0],
    }
    titles = {
        "pages/overview.py": "Overview",
        "pages/audit_quality.py": "Audit quality",
        "pages/upload.py": "Upload data",
    }
    for page in PAGES:
        open_page(at, page)
        assert [t.value for t in at.title] == [titles[page]]
        assert expected[page]() is not None
        assert at.caption[0].value.startswith("Data as of 31 Oct 2026 (latest audit)"), page
        assert "last upload" in at.caption[0].value
        assert any(c.value.endswith("Demo mode: sample data, all service areas") for c in at.caption)
    assert "Good or better over time" in [s.value for s in open_page(at, PAGES[1]).subheader]
    assert at.get("plotly_chart"), "the trend and grade-mix charts are drawn"


# --- Overview ------------------------------------------------------------------------------------
def test_overview_headline_tiles_match_sql(app_db: Path, sql: Sql) -> None:
    good = gob_pct(sql, *QUARTER)
    previous = gob_pct(sql, *PREVIOUS_QUARTER)
    activities = sql("select count(*) from audits where audit_date between ? and ?", *QUARTER)
    supervision = sql(
        "select 100 * avg(g.good_or_better::int) from audit_grades as g join audits as a using (audit_id) "
        "where g.domain = 'supervision' and a.audit_date between ? and ?",
        *QUARTER,
    )
    dip_samples = sql(
        "select count(*) from audits where activity_type = 'dip_sample' and audit_date between ? and ?",
        *QUARTER,
    )
    at = start()
    tile = metric(at, "Good or better, Oct-Dec 2026")
    assert tile.value == shown_pct(good) == "66%"
    assert tile.proto.delta.startswith(f"{good - previous:+.0f} pt")
    assert metric(at, "Activities completed, Oct-Dec 2026").value == str(activities) == "61"
    assert f"Dip sample: {dip_samples}" in metric(at, "Activities completed").help
    assert metric(at, "Supervision good or better, Oct-Dec 2026").value == shown_pct(supervision)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Good or better = Outstanding + Good, of graded activities") for c in captions)
    assert any("audits up to 31 Oct 2026" in c for c in captions)


def test_overview_area_table_front_door_row_matches_sql(app_db: Path, sql: Sql) -> None:
    n = sql(
        "select count(*) from audits where service_area = 'Front Door' and audit_date between ? and ?",
        DEFAULT_START,
        DEFAULT_END,
    )
    good = gob_pct(sql, DEFAULT_START, DEFAULT_END, ("Front Door",))
    months = sql(
        "select count(distinct date_trunc('month', audit_date)) from audits "
        "where service_area = 'Front Door' and audit_date between ? and ?",
        DEFAULT_START,
        DEFAULT_END,
    )
    table = start().dataframe[0].value
    assert list(table["service_area"])[:2] == ["Front Door", "Children in Need and Child Protection"]
    assert len(table) == 7
    row = table[table["service_area"] == "Front Door"].iloc[0]
    assert row["activities"] == n == 129
    assert shown_pct(row["pct"]) == shown_pct(good) == "71%"
    assert len(row["trend"]) == months == 12


# --- Global filters in the URL -------------------------------------------------------------------
def test_default_view_is_the_twelve_months_to_the_latest_data_and_is_written_to_the_url(app_db: Path) -> None:
    at = start()
    assert at.query_params == {"from": "2025-11", "to": "2026-10"}
    assert "Showing Nov 2025 to Oct 2026, all service areas." in at.caption[0].value
    assert at.sidebar.select_slider[0].value == (date(2025, 11, 1), date(2026, 10, 1))


def test_area_in_the_url_narrows_every_number(app_db: Path, sql: Sql) -> None:
    good = gob_pct(sql, *QUARTER, ("Front Door",))
    n = sql(
        "select count(*) from audits where service_area = 'Front Door' and audit_date between ? and ?",
        *QUARTER,
    )
    at = start({"area": "Front Door"})
    assert metric(at, "Good or better").value == shown_pct(good) == "86%"
    assert metric(at, "Activities completed").value == str(n)
    assert list(at.dataframe[0].value["service_area"]) == ["Front Door"]
    assert at.sidebar.multiselect[0].value == ["Front Door"]
    assert at.query_params["area"] == "Front Door"


@pytest.mark.parametrize("area", ["Front Door,Permanence", ["Front Door", "Permanence"], "MASH,adoption"])
def test_areas_repeated_or_comma_separated_or_aliases(app_db: Path, sql: Sql, area: Any) -> None:
    n = sql(
        "select count(*) from audits where service_area in ('Front Door', 'Permanence') "
        "and audit_date between ? and ?",
        *QUARTER,
    )
    at = start({"area": area})
    assert not at.warning
    assert list(at.dataframe[0].value["service_area"]) == ["Front Door", "Permanence"]
    assert metric(at, "Activities completed").value == str(n)
    assert at.query_params["area"] == ["Front Door", "Permanence"]


def test_period_in_the_url_sets_the_headline_quarter(app_db: Path, sql: Sql) -> None:
    good = gob_pct(sql, "2026-01-01", "2026-03-31")
    at = start({"from": "2025-04", "to": "2026-03"})
    assert metric(at, "Good or better").label == "Good or better, Jan-Mar 2026"
    assert metric(at, "Good or better").value == shown_pct(good)
    assert "Showing Apr 2025 to Mar 2026" in at.caption[0].value
    assert at.query_params == {"from": "2025-04", "to": "2026-03"}


def test_invalid_url_values_fall_back_to_defaults_with_a_warning(app_db: Path, sql: Sql) -> None:
    at = start({"from": "2025-13", "to": "soon", "area": "Narnia"})
    warnings = " ".join(w.value for w in at.warning)
    assert '"from=2025-13" is not a month' in warnings
    assert '"to=soon" is not a month' in warnings
    assert '"Narnia" is not a service area' in warnings
    assert at.query_params == {"from": "2025-11", "to": "2026-10"}
    assert metric(at, "Good or better").value == shown_pct(gob_pct(sql, *QUARTER))


def test_months_outside_the_data_are_clamped_and_from_after_to_is_refused(app_db: Path) -> None:
    at = start({"from": "2019-01", "to": "2026-10"})
    assert "There is no data for Jan 2019; using Nov 2024" in at.warning[0].value
    assert at.query_params["from"] == "2024-11"
    at = start({"from": "2026-06", "to": "2026-02"})
    assert '"from" is after "to"' in at.warning[0].value
    assert at.query_params == {"from": "2025-11", "to": "2026-10"}


def test_moving_the_period_slider_updates_the_url_and_the_tiles(app_db: Path, sql: Sql) -> None:
    good = gob_pct(sql, "2026-01-01", "2026-03-31")
    at = start()
    at.sidebar.select_slider[0].set_value((date(2026, 1, 1), date(2026, 3, 1))).run()
    assert at.query_params == {"from": "2026-01", "to": "2026-03"}
    assert metric(at, "Good or better").value == shown_pct(good)
    assert metric(at, "Activities completed").label.endswith("Jan-Mar 2026")


def test_filters_survive_switching_pages(app_db: Path) -> None:
    at = start({"area": "Care Leavers", "from": "2026-01", "to": "2026-06"})
    open_page(at, "pages/audit_quality.py")
    assert at.query_params == {"area": "Care Leavers", "from": "2026-01", "to": "2026-06"}
    assert at.selectbox(key="aq_area").options == ["All areas in view", "Care Leavers"]
    open_page(at, "pages/overview.py")
    assert list(at.dataframe[0].value["service_area"]) == ["Care Leavers"]


def test_demo_banner_only_in_demo_mode(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert any("Demo mode" in c.value for c in start().caption)
    monkeypatch.setenv("QA_INSIGHT_DEMO", "0")
    assert not any("Demo mode" in c.value for c in start().caption)


# --- Audit quality -------------------------------------------------------------------------------
def test_drill_down_lists_the_audits_behind_a_month_and_area(app_db: Path, sql: Sql) -> None:
    n = sql(
        "select count(*) from audits where service_area = 'Children in Care' "
        "and audit_date between '2026-08-01' and '2026-08-31'"
    )
    at = open_page(start(), "pages/audit_quality.py")
    at.selectbox(key="aq_period_month").set_value(date(2026, 8, 1))
    at.selectbox(key="aq_area").set_value("Children in Care").run()
    rows = at.dataframe[-1].value
    assert len(rows) == n > 0
    assert set(rows["service_area"]) == {"Children in Care"}
    assert f"Children in Care, Aug 2026: n={n} audits." in [c.value for c in at.caption]


def test_quarter_grain_and_team_filter(app_db: Path, sql: Sql) -> None:
    team = "MASH Team"
    n = sql(
        "select count(*) from audits where team = ? and audit_date between '2026-07-01' and '2026-09-30'",
        team,
    )
    supervision = sql(
        "select 100 * avg(g.good_or_better::int) from audit_grades as g join audits as a using (audit_id) "
        "where g.domain = 'supervision' and a.team = ? and a.audit_date between ? and ?",
        team,
        DEFAULT_START,
        DEFAULT_END,
    )
    at = open_page(start(), "pages/audit_quality.py")
    at.multiselect(key="aq_team").set_value([team])
    at.segmented_control(key="aq_grain").set_value("quarter").run()
    assert metric(at, "Supervision").value == shown_pct(supervision)
    at.selectbox(key="aq_period_quarter").set_value(date(2026, 7, 1)).run()
    rows = at.dataframe[-1].value
    assert len(rows) == n > 0
    assert set(rows["team"]) == {team}


def test_trend_chart_carries_n_per_point_and_grade_mix_uses_grade_colours(app_db: Path, sql: Sql) -> None:
    october = sql("select count(*) from audits where audit_date between '2026-10-01' and '2026-10-31'")
    at = open_page(start(), "pages/audit_quality.py")
    trend, mix = (json.loads(chart.proto.spec) for chart in at.get("plotly_chart"))
    lines = {trace["name"]: trace for trace in trend["data"]}
    assert list(lines)[0] == "All areas in view" and len(lines) == 8
    assert lines["All areas in view"]["line"]["width"] > lines["Front Door"]["line"]["width"]
    assert "n=%{customdata[1]} audits" in lines["All areas in view"]["hovertemplate"]
    assert lines["All areas in view"]["customdata"][-1][1] == october  # the Oct 2026 point
    assert [(t["name"], t["marker"]["color"]) for t in mix["data"]] == [
        ("Outstanding", "#1b7837"),
        ("Good", "#7fbf7b"),
        ("Requires improvement", "#f1a340"),
        ("Inadequate", "#b2182b"),
    ]


def test_quality_markers_match_sql(app_db: Path, sql: Sql) -> None:
    at = open_page(start(), "pages/audit_quality.py")
    for domain, label in (
        ("safeguarding", "Children safeguarded"),
        ("direct_work", "Direct work"),
        ("oversight", "Oversight"),
    ):
        expected = sql(
            "select 100 * avg(g.good_or_better::int) from audit_grades as g join audits as a "
            "using (audit_id) where g.domain = ? and a.audit_date between ? and ?",
            domain,
            DEFAULT_START,
            DEFAULT_END,
        )
        assert metric(at, label).value == shown_pct(expected)


# --- Empty database ------------------------------------------------------------------------------
def test_empty_database_shows_the_empty_state_on_each_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    at = start()
    for page in PAGES:
        open_page(at, page)
        assert at.caption[0].value.startswith("No audit data loaded yet.")
        infos = [i.value for i in at.info]
        if page == "pages/upload.py":
            assert infos == ["Nothing has been uploaded yet."]
            assert at.download_button[0].label == "Download the blank audit return"
        else:
            assert infos == [EMPTY_STATE]
            assert not at.metric


# --- Upload --------------------------------------------------------------------------------------
def xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_upload_page_offers_the_template_and_shows_the_history(app_db: Path, sql: Sql) -> None:
    loads = sql("select count(*) from loads")
    at = open_page(start(), "pages/upload.py")
    button = at.download_button[0]
    assert button.label == "Download the blank audit return"
    assert button.proto.url.endswith(".xlsx")
    history = at.dataframe[-1].value
    # 24 audit returns, 2 KPI extracts, 1 comparator file, 6 Annex A, 2 audit plans, 3 action trackers,
    # 3 voice files
    assert len(history) == loads == 41
    assert history["file_name"].iloc[0] == "speakerbox_young_people_survey.xlsx"  # newest first
    assert "2026-10_audit_return.xlsx" in set(history["file_name"])


def test_upload_checks_then_loads_only_the_valid_file(app_db: Path, sql: Sql) -> None:
    before = sql("select count(*) from audits")
    good = xlsx(
        [
            good_row(f"UP-{i}", **{"Audit date": date(2026, 10, 20), "Overall grade": "Outstanding"})
            for i in range(5)
        ]
    )
    bad = xlsx(
        [good_row("UP-X", **{"Audit date": "31/02/2026"}), good_row("UP-Y", **{"Overall grade": "Brilliant"})]
    )
    at = open_page(start(), "pages/upload.py")
    at.file_uploader[0].set_value(
        [("october.xlsx", good, "application/octet-stream"), ("broken.xlsx", bad, "application/octet-stream")]
    ).run()
    assert not at.exception
    assert at.success[0].value.startswith("**october.xlsx**: valid, 5 row(s), 0 warning(s). Not loaded yet.")
    assert at.error[0].value.startswith("**broken.xlsx**: rejected, 2 error(s)")
    assert "Nothing was written" in at.error[0].value
    tables = [d.value for d in at.dataframe]
    issues = next(t for t in tables if list(t.columns) == ["Severity", "Row", "Column", "Problem", "Value"])
    assert list(zip(issues["Row"], issues["Column"], issues["Value"], strict=True)) == [
        (2, 'C "Audit date"', "31/02/2026"),
        (3, 'M "Overall grade"', "Brilliant"),
    ]
    button = at.button[0]
    assert button.label == "Load 1 valid file(s)"
    button.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["october.xlsx: loaded, 5 row(s), 0 warning(s)"]
    assert at.file_uploader[0].value in (None, [])
    assert at.dataframe[-1].value["file_name"].iloc[0] == "october.xlsx"
    assert "(october.xlsx)" in at.caption[0].value
    open_page(at, "pages/overview.py")
    assert metric(at, "Activities completed").value == "66"  # 61 sample audits + the 5 loaded
    assert sql("select count(*) from audits") == before + 5
    assert sql("select count(*) from audits where audit_id in ('UP-X', 'UP-Y')") == 0
    # The rejected file is in the load history as an attempt, with nothing written from it.
    assert sql("select outcome from loads where file_name = 'broken.xlsx'") == "rejected"
