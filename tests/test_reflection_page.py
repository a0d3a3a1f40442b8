"""The Reflection sheet page through AppTest on a copy of the sample database: fill in the form,
save, see the audit on Audit quality; problems are shown where they are on the form."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, app_copy
from streamlit.testing.v1 import AppTest

from pages import ui
from qa_data import db
from qa_data.scope import Scope

APP = ROOT / "app.py"
PAGE = "pages/reflection.py"
AUDIT_DATE = date(2026, 10, 20)  # in the default view (Nov 2025 to Oct 2026)

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return app_copy(sample_db, tmp_path, monkeypatch)


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    con = db.connect(path)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def open_page(page: str, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(APP, default_timeout=30)
        at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest, *, round_: int = 0, audit_id: str = "RS-PAGE-1", area: str = "Front Door",
         **grades: str) -> None:
    """Fill in the form (widget keys end in the form's round: 0, then 1 after a save...)."""
    at.text_input(key=f"rs_audit_id_{round_}").set_value(audit_id)
    at.date_input(key=f"rs_audit_date_{round_}").set_value(AUDIT_DATE)
    at.selectbox(key=f"rs_area_{round_}").set_value(area)
    at.text_input(key=f"rs_team_{round_}").set_value("MASH Team")
    at.text_input(key=f"rs_worker_{round_}").set_value("Sam Patel")
    at.text_input(key=f"rs_theme_{round_}").set_value("=HYPERLINK(\"x\")")
    values = {"overall": "Good", "safeguarding": "Good", "direct_work": "Outstanding",
              "oversight": "Requires improvement", "supervision": "Good", **grades}
    for name, grade in values.items():
        if grade:
            at.selectbox(key=f"rs_{name}_{round_}").set_value(grade)
    at.radio(key=f"rs_given_{round_}").set_value("Yes")
    at.text_area(key=f"rs_reflection_{round_}").set_value("I will share the plan with the family.")


def submit(at: AppTest) -> AppTest:
    [button] = [b for b in at.button if b.label == "Save the reflection sheet"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_saved_sheet_is_an_audit_that_audit_quality_shows(app_db: Path) -> None:
    before = query(app_db, "select count(*) from audits where service_area = 'Front Door' "
                   "and audit_date between '2026-10-01' and '2026-10-31'")[0][0]
    at = open_page(PAGE)
    assert at.title[0].value == "Reflection sheet"
    fill(at)
    submit(at)
    assert [s.value for s in at.success] == ["Audit RS-PAGE-1 saved."]
    assert at.download_button[0].label == "Download the filled reflection sheet"
    assert at.download_button[0].proto.url.endswith(".xlsx")
    assert at.text_input(key="rs_audit_id_1").value == ""  # an empty form for the next case
    assert query(
        app_db,
        "select service_area, team, worker, theme, overall_grade, supervision_grade, feedback_given, "
        "worker_reflection, activity_type from audits where audit_id = 'RS-PAGE-1'",
    ) == [("Front Door", "MASH Team", "Sam Patel", '=HYPERLINK("x")', "Good", "Good", True,
           "I will share the plan with the family.", "case_audit")]
    assert query(app_db, "select loaded_by, outcome from loads where file_name = 'Reflection sheet RS-PAGE-1.xlsx'") \
        == [("demo", "loaded")]

    open_page("pages/audit_quality.py", at)
    at.selectbox(key="aq_period_month").set_value(date(2026, 10, 1))
    at.selectbox(key="aq_area").set_value("Front Door").run()
    rows = at.dataframe[-1].value
    assert len(rows) == before + 1
    assert "RS-PAGE-1" in set(rows["audit_id"])
    assert f"Front Door, Oct 2026: n={before + 1} audits." in [c.value for c in at.caption]


def test_problems_are_shown_in_the_forms_words_and_nothing_is_saved(app_db: Path) -> None:
    audits = query(app_db, "select count(*) from audits")[0][0]
    at = open_page(PAGE)
    fill(at, overall="", supervision="")
    submit(at)
    assert at.error[0].value == "The sheet was not saved: 2 thing(s) to correct."
    assert at.markdown[-1].value == (
        "- Grades, Overall grade: Overall grade is blank.\n"
        "- Grades, Supervision: Supervision is not graded; it is graded on every audit (framework section 4)."
    )
    assert at.text_input(key="rs_audit_id_0").value == "RS-PAGE-1"  # the form keeps what was typed
    assert query(app_db, "select count(*) from audits")[0][0] == audits


def test_saving_the_same_case_again_says_nothing_changed(app_db: Path) -> None:
    at = open_page(PAGE)
    fill(at)
    submit(at)
    fill(at, round_=1)
    submit(at)
    assert [s.value for s in at.success] == ["Audit RS-PAGE-1 already saved with these details; nothing changed."]
    assert query(app_db, "select count(*) from audits where audit_id = 'RS-PAGE-1'")[0][0] == 1
    # A failed save after that no longer shows the earlier confirmation or its download.
    fill(at, round_=2, audit_id="RS-PAGE-2", overall="")
    submit(at)
    assert (len(at.success), len(at.download_button)) == (0, 0)
    assert at.error[0].value == "The sheet was not saved: 1 thing(s) to correct."


def test_only_the_viewers_service_areas_are_offered(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "current_scope", lambda: Scope(("Front Door", "Care Leavers"), user="hos"))
    at = open_page(PAGE)
    assert at.selectbox(key="rs_area_0").options == ["Front Door", "Care Leavers"]
