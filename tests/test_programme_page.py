"""The Audit programme page through AppTest on a copy of the sample database with a planted audit plan
and re-audits. Every number checked is recomputed here with plain SQL on the same file.

The sample data runs from November 2024 to October 2026, so the default period is Nov 2025 to Oct 2026."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, app_copy
from streamlit.testing.v1 import AppTest

from qa_data import db
from qa_data.scope import Scope

APP = ROOT / "app.py"
START, END = "2025-11-01", "2026-10-31"
PAGE = "pages/programme.py"

# A plan for May to October 2026: two of everything the sample audited in those months, the themes in
# capitals (matched ignoring case), plus one line nobody did.
PLAN = """
insert into audit_plan (plan_month, service_area, activity_type, theme, scope_area, planned, load_id)
select distinct date_trunc('month', audit_date)::date, service_area, activity_type, upper(theme), null, 2, 'plan'
from audits where audit_date between '2026-05-01' and '2026-10-31' and theme is not null
union all
select date '2026-06-01', 'Front Door', 'dip_sample', 'Emergency action', null, 4, 'plan'
"""
# Re-audits: the three latest Front Door audits re-audit the three earliest, and the latest Care
# Leavers audit re-audits the earliest Care Leavers one.
REAUDITS = """
update audits as r set reaudit_of = o.audit_id
from (
    select audit_id, service_area, row_number() over (partition by service_area order by audit_date, audit_id) as n
    from audits where service_area in ('Front Door', 'Care Leavers')
) as o,
(
    select audit_id, service_area,
           row_number() over (partition by service_area order by audit_date desc, audit_id desc) as n
    from audits where service_area in ('Front Door', 'Care Leavers')
) as l
where r.audit_id = l.audit_id and o.service_area = l.service_area and o.n = l.n
  and (l.n <= 3 and l.service_area = 'Front Door' or l.n = 1 and l.service_area = 'Care Leavers')
"""

pytestmark = pytest.mark.usefixtures("fresh_caches")


def plant(path: Path, *statements: str) -> None:
    con = db.connect(path)
    try:
        for statement in statements:
            db.cursor(con).execute(statement)
    finally:
        con.close()


def one(path: Path, query: str, *params: Any) -> Any:
    con = db.connect(path)
    try:
        return db.cursor(con).execute(query, list(params)).fetchone()
    finally:
        con.close()


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = app_copy(sample_db, tmp_path, monkeypatch)
    # The sample's own plans and re-audits give way to the planted ones, whose numbers the tests know.
    plant(path, "delete from audit_plan", "update audits set reaudit_of = null", PLAN, REAUDITS)
    return path


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


# Each table on the page, known by a column only it has.
TABLES = {
    "plan_lines": "difference",
    "coverage_grid": "item",
    "feedback_areas": "notified_pct",
    "reaudit_pairs": "reaudit_id",
}


def tables(at: AppTest, key: str) -> list[Any]:
    return [d.value for d in at.dataframe if TABLES[key] in d.value.columns]


def frame(at: AppTest, key: str) -> Any:
    found = tables(at, key)
    assert len(found) == 1, key
    return found[0]


COMPLETED = """
select count(*) from audits as a join audit_plan as p
  on p.plan_month = date_trunc('month', a.audit_date) and p.service_area = a.service_area
 and p.activity_type = a.activity_type and lower(p.theme) = lower(trim(a.theme))
where a.audit_date between ? and ? and list_contains(?, a.service_area)
"""


def test_planned_against_completed_tiles_and_a_month_in_the_table(app_db: Path) -> None:
    areas = list(Scope.everything().service_areas)
    (planned,) = one(app_db, "select sum(planned) from audit_plan where plan_month between ? and ?", START, END)
    (completed,) = one(app_db, COMPLETED, START, END, areas)
    (activities,) = one(app_db, "select count(*) from audits where audit_date between ? and ?", START, END)
    at = open_page()
    assert at.title[0].value == "Audit programme"
    assert metric(at, "Planned") == f"{planned:,}"
    assert metric(at, "Completed against the plan") == f"{completed:,}"
    assert metric(at, "Done, not in the plan") == f"{activities - completed:,}"
    # One month and line of the plan as the table shows it.
    lines = frame(at, "plan_lines")
    june = lines[(lines["plan_month"].dt.month == 6) & (lines["service_area"] == "Front Door")]
    label, theme, done = one(
        app_db,
        "select t.label, upper(a.theme), count(*) as n from audits as a join activity_types as t using (activity_type) "
        "where a.service_area = 'Front Door' and a.audit_date between '2026-06-01' and '2026-06-30' "
        "group by all order by n desc, 2, 1 limit 1",
    )
    row = june[(june["activity_type"] == label) & (june["theme"] == theme)].iloc[0]
    assert (row["planned"], row["completed"], row["difference"]) == (2, done, done - 2)
    nobody = june[june["theme"] == "Emergency action"].iloc[0]
    assert (nobody["planned"], nobody["completed"]) == (4, 0)
    # Emergency action was planned for June and not done: that scope item is "planned, not yet done".
    grid = frame(at, "coverage_grid")
    emergency = grid[grid["item"].str.startswith("Emergency action")].iloc[0]
    assert (emergency["status"], emergency["planned"]) == ("Planned, not yet done", 4)


def test_feedback_moderation_and_reaudits_match_sql(app_db: Path) -> None:
    notified, recorded = one(
        app_db,
        "select count(*) filter (where worker_notified), count(worker_notified) from audits "
        "where audit_date between ? and ?",
        START,
        END,
    )
    moderated, down = one(
        app_db,
        "select count(moderated_grade), count(*) filter (where m.grade_rank > o.grade_rank) from audits as a "
        "join grades as o on o.grade = a.overall_grade left join grades as m on m.grade = a.moderated_grade "
        "where audit_date between ? and ?",
        START,
        END,
    )
    at = open_page()
    assert metric(at, "Worker notified") == f"{100 * notified / recorded:.0f}%"
    assert f"n={recorded:,}" in [c.value for c in at.caption]
    assert metric(at, "Moderated") == f"{moderated:,}"
    assert metric(at, "Changed down") == f"{100 * down / moderated:.0f}%"
    pairs = frame(at, "reaudit_pairs")
    assert len(pairs) == 4 and set(pairs["service_area"]) == {"Front Door", "Care Leavers"}
    assert {"worker", "child_ref", "auditor"}.isdisjoint(pairs.columns)
    (original,) = one(app_db, "select min(audit_id) from audits where service_area = 'Care Leavers' "
                      "and audit_date = (select min(audit_date) from audits where service_area = 'Care Leavers')")
    assert original in set(pairs["original_id"])


def test_without_a_plan_or_reaudits_the_page_says_so(sample_db: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = app_copy(sample_db, tmp_path, monkeypatch)
    plant(path, "delete from audit_plan", "update audits set reaudit_of = null")
    at = open_page()
    infos = " ".join(i.value for i in at.info)
    assert "No audit plan loaded for these months and service areas" in infos
    assert "No re-audits in this period" in infos
    assert tables(at, "plan_lines") == []
    # Coverage still shows every scope item, none planned.
    grid = frame(at, "coverage_grid")
    assert "Planned, not yet done" not in set(grid["status"])


def test_a_viewer_scoped_to_one_area_sees_only_it(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages.ui.current_scope", lambda: Scope(("Front Door",), user="hos"))
    (planned,) = one(
        app_db,
        "select sum(planned) from audit_plan where plan_month between ? and ? and service_area = 'Front Door'",
        START,
        END,
    )
    (completed,) = one(app_db, COMPLETED, START, END, ["Front Door"])
    at = open_page()
    assert metric(at, "Planned") == f"{planned:,}"
    assert metric(at, "Completed against the plan") == f"{completed:,}"
    for key in ("plan_lines", "coverage_grid", "reaudit_pairs"):
        assert set(frame(at, key)["service_area"]) == {"Front Door"}, key
    assert list(frame(at, "feedback_areas")["service_area"]) == ["All areas in view", "Front Door"]


def test_the_sample_plan_shows_children_in_care_short_of_its_plan(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the sample data as loaded on first start: Children in Care's plan for June 2026 against what
    was done, line by line (activity type and theme), as a Head of Service reads it in the table."""
    path = app_copy(sample_db, tmp_path, monkeypatch)
    con = db.connect(path)
    expected = sorted(db.cursor(con).execute(
        "select t.label, p.theme, p.planned, count(a.audit_id) from audit_plan as p "
        "join activity_types as t on t.activity_type = p.activity_type left join audits as a "
        "on a.service_area = p.service_area and a.activity_type = p.activity_type "
        "and lower(trim(a.theme)) = lower(p.theme) and date_trunc('month', a.audit_date) = p.plan_month "
        "where p.plan_month = date '2026-06-01' and p.service_area = 'Children in Care' group by all"
    ).fetchall())
    con.close()
    assert sum(planned for *_, planned, _ in expected) > sum(done for *_, done in expected)  # the story
    at = open_page()
    lines = frame(at, "plan_lines")
    in_june = lines["plan_month"].dt.strftime("%Y-%m") == "2026-06"
    june = lines[in_june & (lines["service_area"] == "Children in Care")]
    shown = sorted(june[["activity_type", "theme", "planned", "completed"]].itertuples(index=False, name=None))
    assert shown == expected


def test_a_qal_uploads_a_plan_on_the_upload_page_and_the_programme_shows_it(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template downloaded from the Upload page, filled with two lines for a month, loads as an
    audit plan and replaces that month's plan on the Audit programme page."""
    import io

    import openpyxl

    from loaders.template_kinds import audit_plan_template_bytes

    path = app_copy(sample_db, tmp_path, monkeypatch)
    wb = openpyxl.load_workbook(io.BytesIO(audit_plan_template_bytes()))
    ws = wb["Audit plan"]
    ws.delete_rows(2)
    ws.append(["01/07/2026", "Front Door", "Dip sample", "Strategy discussions", None, 9, "QAL Front Door"])
    ws.append(["01/07/2026", "Front Door", "Case audit", "Emergency action", None, 3, "QAL Front Door"])
    buffer = io.BytesIO()
    wb.save(buffer)

    (july_lines,) = one(path, "select count(*) from audit_plan where plan_month = date '2026-07-01'")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/upload.py").run()
    at.radio(key="qa_upload_kind").set_value("audit_plan").run()
    assert [b.label for b in at.download_button] == ["Download the blank audit plan"]
    at.file_uploader[0].set_value([("plan_july.xlsx", buffer.getvalue(), "application/octet-stream")]).run()
    assert at.success[0].value.startswith("**plan_july.xlsx**: valid, 2 row(s)")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [f"plan_july.xlsx: loaded, 2 row(s) ({july_lines} replaced), 0 warning(s)"]

    (done,) = one(path, "select count(*) from audits where service_area = 'Front Door' and activity_type = "
                  "'dip_sample' and theme = 'Strategy discussions' "
                  "and audit_date between '2026-07-01' and '2026-07-31'")
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    lines = frame(at, "plan_lines")
    july = lines[(lines["plan_month"].dt.strftime("%Y-%m") == "2026-07") & (lines["service_area"] == "Front Door")]
    assert sorted(july[["theme", "planned", "completed"]].itertuples(index=False, name=None)) == [
        ("Emergency action", 3, 0), ("Strategy discussions", 9, done),
    ]
