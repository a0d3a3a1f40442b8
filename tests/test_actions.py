"""Action plans: the tracker loader (located issues, all-or-nothing, snapshots replaced not
duplicated), the qa_data queries on hand-computed trackers, the sample trackers, and the page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from conftest import ROOT, TODAY, app_copy
from streamlit.testing.v1 import AppTest

import loaders
from qa_data import actions, db
from qa_data.scope import Scope

HEADERS = [
    "Action ID",
    "Source",
    "Service area",
    "Owner",
    "Raised date",
    "Due date",
    "Status",
    "Completed date",
    "Latest update",
]
SAMPLES = sorted((ROOT / "sample_data" / "actions").glob("*.xlsx"))
EVERYONE = Scope.everything()


def tracker(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def load(con: duckdb.DuckDBPyConnection, data: bytes, **options: Any) -> loaders.LoadReport:
    return loaders.load_file(
        con, loaders.Source("tracker.xlsx", data), kind="actions", loaded_by="t", today=TODAY, **options
    )


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    a = con.execute("select count(*) from actions").fetchone()
    s = con.execute("select count(*) from action_snapshots").fetchone()
    return (a[0] if a else -1, s[0] if s else -1)


def row(
    action_id: str,
    status: str = "In progress",
    *,
    area: str = "LAC",
    source: str = "Thematic review: neglect",
    raised: Any = date(2026, 7, 1),
    due: Any = date(2026, 9, 1),
    completed: Any = None,
) -> list[Any]:
    return [action_id, source, area, "A. Khan", raised, due, status, completed, "Update"]


def test_bad_tracker_located_issues_and_nothing_written(con: duckdb.DuckDBPyConnection) -> None:
    data = tracker(
        [
            row("A1"),
            row("A2", area="Narnia"),
            row("A3", raised="31/02/2026"),
            row("A1"),
            row("A5", status="Maybe"),
            row("A6", due=None),
        ]
    )
    report = load(con, data)
    assert report.outcome == "rejected"
    assert [(i.row, i.column, i.column_letter, i.code) for i in report.issues] == [
        (3, "Service area", "C", "unknown-service-area"),
        (4, "Raised date", "E", "bad-date"),
        (5, "Action ID", "A", "duplicate-key"),
        (6, "Status", "G", "unknown-status"),
        (7, "Due date", "F", "missing-value"),
    ]
    assert report.issues[0].value == "Narnia"
    assert counts(con) == (0, 0)


def test_missing_required_column_rejects(con: duckdb.DuckDBPyConnection) -> None:
    headers = [h for h in HEADERS if h != "Status"]
    report = load(con, tracker([[c for h, c in zip(HEADERS, row("A1"), strict=True) if h != "Status"]], headers))
    assert [(i.row, i.column, i.code) for i in report.issues] == [(1, "Status", "missing-column")]
    assert counts(con) == (0, 0)


def test_synonyms_status_variants_and_day_first_dates(con: duckdb.DuckDBPyConnection) -> None:
    headers = [
        "Action ref",
        "Raised from",
        "Area",
        "Action owner",
        "Date raised",
        "Target date",
        "RAG status",
        "Date completed",
        "Progress update",
    ]
    data = tracker(
        [
            ["B1", "NB-1", "CP", "B. Osei", "03/04/2026", "01/05/2026", "over due", None, "x"],
            ["B2", "NB-1", "Front door", "B. Osei", "03/04/2026", "01/05/2026", "Complete", "02/05/2026", "y"],
            ["B3", "NB-2", "Leaving care", "B. Osei", "03/04/2026", "01/05/2026", " In Progress ", None, None],
        ],
        headers,
    )
    report = load(con, data)
    assert report.outcome == "loaded", report.issues
    stored = con.execute(
        "select action_id, service_area, raised_date, status, snapshot_date from actions order by action_id"
    ).fetchall()
    assert stored == [
        ("B1", "Children in Need and Child Protection", date(2026, 4, 3), "Overdue", date(2026, 5, 2)),
        ("B2", "Front Door", date(2026, 4, 3), "Completed", date(2026, 5, 2)),
        ("B3", "Care Leavers", date(2026, 4, 3), "In progress", date(2026, 5, 2)),
    ]  # snapshot date defaults to the latest raised or completed date in the file


def test_reload_is_idempotent_and_a_corrected_snapshot_replaces(con: duckdb.DuckDBPyConnection) -> None:
    snap = date(2026, 8, 31)
    data = tracker([row("A1"), row("A2")])
    assert load(con, data, snapshot_date=snap).outcome == "loaded"
    again = load(con, data, snapshot_date=snap)
    assert (again.outcome, again.rows_loaded) == ("unchanged", 0)
    assert counts(con) == (2, 1)
    fixed = load(con, tracker([row("A1", "Completed", completed=date(2026, 8, 20))]), snapshot_date=snap)
    assert (fixed.outcome, fixed.rows_loaded, fixed.rows_replaced) == ("loaded", 1, 2)
    assert counts(con) == (1, 1)
    assert con.execute("select status from actions").fetchall() == [("Completed",)]


def test_three_monthly_snapshots_give_the_burn_up_and_summary(con: duckdb.DuckDBPyConnection) -> None:
    aug = [row("A1", "In progress"), row("A2", "Completed", completed=date(2026, 8, 10))]
    sep = [
        row("A1", "Completed", completed=date(2026, 9, 5)),
        row("A2", "Completed", completed=date(2026, 8, 10)),
        row("A3", "Not started", area="Front Door", raised=date(2026, 9, 20), due=date(2026, 9, 25)),
    ]
    octo = [
        *sep[:2],
        row(
            "A3",
            "Completed",
            area="Front Door",
            raised=date(2026, 9, 20),
            due=date(2026, 9, 25),
            completed=date(2026, 10, 2),
        ),
        row("A4", "Overdue", raised=date(2026, 6, 1), due=date(2026, 10, 1)),
        row("A5", "Not started", raised=date(2026, 10, 20), due=date(2026, 12, 1)),
    ]
    for rows, snap in ((aug, date(2026, 8, 31)), (sep, date(2026, 9, 30)), (octo, date(2026, 10, 31))):
        assert load(con, tracker(rows), snapshot_date=snap).valid
    burn = actions.burn_up(con, scope=EVERYONE)
    assert burn.to_dict("list") == {
        "snapshot_date": list(burn["snapshot_date"]),
        "raised": [2, 3, 5],
        "completed": [1, 2, 3],
    }
    assert [d.date() for d in burn["snapshot_date"]] == [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
    # Children in Care only: the Front Door's A3 drops out.
    cic = actions.burn_up(con, scope=Scope(("Children in Care",)))
    assert (list(cic["raised"]), list(cic["completed"])) == ([2, 2, 4], [1, 2, 2])

    as_of = date(2026, 10, 31)
    summary = actions.action_summary(con, scope=EVERYONE, as_of=as_of).set_index("service_area")
    assert tuple(summary.loc["Children in Care"]) == (2, 1, 2)  # open A4, A5; overdue A4; completed A1, A2
    assert tuple(summary.loc["Front Door"]) == (0, 0, 1)
    # September's snapshot, as of 30 Sep: A3 open and due 25 Sep.
    sep_summary = actions.action_summary(con, scope=EVERYONE, as_of=date(2026, 9, 30)).set_index("service_area")
    assert tuple(sep_summary.loc["Front Door"]) == (1, 1, 0)
    ageing = actions.ageing(con, scope=EVERYONE, as_of=as_of)
    assert list(zip(ageing["band"], ageing["actions"], strict=True)) == [
        ("0-30 days", 1),
        ("31-60 days", 0),
        ("61-90 days", 0),
        ("90+ days", 1),
    ]  # A5 11 days, A4 152
    late = actions.overdue_list(con, scope=EVERYONE, as_of=as_of)
    assert late[["action_id", "days_overdue"]].values.tolist() == [["A4", 30]]
    assert late["owner"].isna().all()
    assert actions.overdue_list(con, scope=EVERYONE, as_of=as_of, show_names=True)["owner"].tolist() == ["A. Khan"]
    assert actions.overdue_list(con, scope=Scope(("Front Door",)), as_of=as_of).empty


def test_audit_actions_are_the_actions_raised_from_an_audit(sample_con: duckdb.DuckDBPyConnection) -> None:
    # The sample data brings its own trackers; this test starts from none, on the sample audits.
    sample_con.execute("delete from actions")
    sample_con.execute("delete from action_snapshots")
    rows = [
        row("A1", source="NB-2608-1314"),
        row("A2", source="NB-2608-1314", status="Completed", completed=date(2026, 8, 20)),
        row("A3", source="Thematic review: neglect"),
        row("A4", source="NB-0000-0000"),
    ]
    assert load(sample_con, tracker(rows), snapshot_date=date(2026, 8, 31)).valid
    linked = sample_con.execute("select action_id, audit_id from actions order by action_id").fetchall()
    assert linked == [("A1", "NB-2608-1314"), ("A2", "NB-2608-1314"), ("A3", None), ("A4", None)]
    found = actions.audit_actions(sample_con, scope=EVERYONE, audit_id="NB-2608-1314")
    assert found[["action_id", "status"]].values.tolist() == [["A1", "In progress"], ["A2", "Completed"]]
    assert actions.audit_actions(sample_con, scope=Scope(("Front Door",)), audit_id="NB-2608-1314").empty


def test_sample_trackers_load_and_children_in_care_has_most_overdue(con: duckdb.DuckDBPyConnection) -> None:
    assert [p.name for p in SAMPLES] == [
        "2026-08-31_action_tracker.xlsx",
        "2026-09-30_action_tracker.xlsx",
        "2026-10-30_action_tracker.xlsx",
    ]
    for path in SAMPLES:
        report = loaders.load_file(con, path, kind="actions", loaded_by="t")
        assert report.outcome == "loaded", report.issues
    snaps = [r[0] for r in con.execute("select snapshot_date from action_snapshots order by 1").fetchall()]
    assert snaps == [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 30)]
    summary = actions.action_summary(con, scope=EVERYONE, as_of=snaps[-1])
    top = summary.sort_values("overdue", ascending=False).iloc[:2]
    assert top["service_area"].iloc[0] == "Children in Care"
    assert top["overdue"].iloc[0] > top["overdue"].iloc[1]


# --- The page through AppTest ----------------------------------------------------------------------
pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the sample database that the app opens (no action tracker yet)."""
    return app_copy(sample_db, tmp_path, monkeypatch, clear=('actions', 'action_snapshots'))


def actions_page() -> AppTest:
    at = AppTest.from_file(ROOT / "app.py", default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/actions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_without_a_tracker_says_so(app_db: Path) -> None:
    at = actions_page()
    assert at.title[0].value == "Action plans"
    assert "No action tracker loaded yet" in at.info[0].value


def test_page_shows_overdue_count_for_an_area(app_db: Path) -> None:
    con = db.connect(app_db)
    try:
        octo = [
            row("A1", "Overdue", due=date(2026, 9, 1)),
            row("A2", "In progress", due=date(2026, 10, 1)),
            row("A3", "Not started", due=date(2026, 12, 1)),
            row("A4", "Completed", completed=date(2026, 8, 1)),
            row("F1", "In progress", area="MASH", due=date(2026, 10, 20)),
        ]
        assert load(con, tracker(octo), snapshot_date=date(2026, 10, 31)).valid
    finally:
        con.close()
    at = actions_page()
    assert "Tracker snapshot of 31 Oct 2026" in at.caption[1].value
    assert [m.value for m in at.metric] == ["4", "3", "1"]
    by_area = at.dataframe[0].value.set_index("service_area")
    assert by_area.loc["Children in Care", "overdue"] == 2
    assert by_area.loc["Front Door", "overdue"] == 1
    late = at.dataframe[1].value
    assert late[["action_id", "days_overdue"]].values.tolist() == [["A1", 60], ["A2", 30], ["F1", 11]]
    at.selectbox[0].select("Thematic review: neglect").run()
    assert len(at.dataframe[2].value) == 5


def upload_page(kind: str) -> AppTest:
    at = AppTest.from_file(ROOT / "app.py", default_timeout=30)
    at.run()
    at.switch_page("pages/upload.py").run()
    at.radio(key="qa_upload_kind").set_value(kind).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_page_loads_a_tracker_as_the_snapshot_date_given(app_db: Path) -> None:
    at = upload_page("actions")
    date_input = at.date_input(key="qa_upload_date_actions")
    assert date_input.label == "Snapshot date (the date the tracker was exported)"
    date_input.set_value(date(2026, 10, 31)).run()
    rows = [row("A1", "Overdue", due=date(2026, 9, 1)), row("A2", "Completed", completed=date(2026, 8, 1))]
    at.file_uploader[0].set_value([("tracker.xlsx", tracker(rows), "application/octet-stream")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("**tracker.xlsx**: valid, 2 row(s)")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["tracker.xlsx: loaded, 2 row(s), 0 warning(s)"]
    con = db.connect(app_db)
    try:
        assert con.execute("select snapshot_date, actions from action_snapshots").fetchall() == [
            (date(2026, 10, 31), 2)
        ]
        stored = con.execute("select action_id, snapshot_date from actions order by 1").fetchall()
    finally:
        con.close()
    assert stored == [("A1", date(2026, 10, 31)), ("A2", date(2026, 10, 31))]


def test_upload_page_without_a_snapshot_date_uses_the_latest_date_in_the_file(app_db: Path) -> None:
    at = upload_page("actions")
    rows = [row("A1", raised=date(2026, 7, 1)), row("A2", "Completed", raised=date(2026, 6, 1),
                                                    completed=date(2026, 9, 12))]
    at.file_uploader[0].set_value([("tracker.xlsx", tracker(rows), "application/octet-stream")]).run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    con = db.connect(app_db)
    try:
        assert con.execute("select snapshot_date from action_snapshots").fetchall() == [(date(2026, 9, 12),)]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("audits", "Download the blank audit return"),
        ("actions", "Download the blank action tracker"),
        ("kpis", "Download the blank KPI extract"),
        ("surveys", "Download the blank survey results sheet"),
    ],
)
def test_upload_page_offers_the_template_of_the_kind_chosen(app_db: Path, kind: str, label: str) -> None:
    at = upload_page(kind)
    assert [b.label for b in at.download_button] == [label]
    assert at.download_button[0].proto.url.endswith(".xlsx")
    # The button comes after the kind radio.
    widgets = [type(e).__name__ for e in at.main if type(e).__name__ in ("Radio", "DownloadButton")]
    assert widgets[:2] == ["Radio", "DownloadButton"]


def test_upload_page_points_annex_a_to_ofsteds_template(app_db: Path) -> None:
    at = upload_page("annex_a")
    assert len(at.download_button) == 0
    assert any("Ofsted's own template" in c.value and "gov.uk" in c.value for c in at.caption)
    assert at.date_input(key="qa_upload_date_annex_a").label == "Annex A reference date"


def test_an_audits_actions_include_those_agreed_on_its_reflection_sheet(sample_db: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet saved with two agreed actions: the Actions page offers its audit and lists both, in order,
    beside the tracker's actions for it (none here)."""
    from loaders.reflection import save_reflection
    from qa_data.reflection import AgreedAction, ReflectionSheet
    from qa_data.scope import Scope

    path = app_copy(sample_db, tmp_path, monkeypatch)
    sheet = ReflectionSheet(
        audit_id="REF-77", audit_date=date(2026, 10, 20), service_area="Children in Care", overall_grade="Good",
        domain_grades={"safeguarding": "Good", "direct_work": "Good", "oversight": "Good", "supervision": "Good"},
        actions=(AgreedAction("Update the care plan", "Ana Bell", date(2026, 11, 20)),
                 AgreedAction("Life story work session", "Ana Bell", date(2026, 12, 4))),
    )
    con = db.connect(path)
    try:
        report = save_reflection(con, sheet, scope=Scope.everything(), loaded_by="qal", today=date(2026, 11, 26))
        assert report.outcome == "loaded", report.issues
    finally:
        con.close()
    at = actions_page()
    at.selectbox[0].select("REF-77").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "No actions for it on the latest tracker." in [c.value for c in at.caption]
    agreed = at.dataframe[-1].value
    assert agreed[["seq", "action", "owner", "due_date"]].astype(str).values.tolist() == [
        ["1", "Update the care plan", "Ana Bell", "2026-11-20"],
        ["2", "Life story work session", "Ana Bell", "2026-12-04"],
    ]
