"""Issue 6: a user scoped to one service area never sees another area's data. Marker rows are planted in
every area but Front Door (tests/isolation_helpers.py: a unique 'MKR-<table>-<column>-<area>' in every text
column, KPI values no real figure has, and copies that would move every count and rate); then, as the Head
of Service for Front Door, every page app.py lists is rendered under many filter states and every option of
its selectboxes, every document is built in every format (by an Assistant Director narrowed to the Front
Door: a Head of Service may not export), and an upload and a reflection save name another
area. No marker may appear in any of it, nor in the logs or stderr, and what the viewer sees must equal what
they see on the same database without the planted rows."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from conftest import ROOT, TODAY, good_row
from isolation_helpers import MARK, OWN, count_markers, document_text, plant, render_text
from streamlit.testing.v1 import AppTest

import app
from loaders import Source, load_file
from loaders.reflection import problems, save_reflection
from pages import ui
from qa_data import accounts, db, loads, roles
from qa_data.exports import documents
from qa_data.exports.figures import NoDataError
from qa_data.exports.model import Report
from qa_data.reflection import ReflectionSheet
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

APP = ROOT / "app.py"
USER = roles.User("hos.fd", "HoS Front Door", roles=("hos",), service_areas=(OWN,))
VIEWER = Scope.for_user(USER)
# Documents: a Head of Service may not build them (export rights are the AD's and analysts'), so they are
# built by an Assistant Director who has narrowed the sidebar to the Front Door.
EXPORTER = Scope.for_user(roles.User("ad", "AD", roles=("ad",))).narrowed([OWN])
QAL = Scope.for_user(roles.User("qal.fd", "QAL Front Door", roles=("qal",), service_areas=(OWN,)))
# Every page the navigation offers this viewer (app.PAGES filtered by their permissions).
PAGES = [script for pages in app.allowed_pages(VIEWER).values() for script, _title, _icon in pages]
assert len(PAGES) >= 9, PAGES
OTHERS = [a for a in SERVICE_AREAS if a != OWN]
FIRST, LAST = "2024-11", "2026-10"  # the sample data's months
# (name, URL query) the sidebar filters start from: the default view, the slider's extremes, and the area
# filter set to another area (which the viewer may not see), to every area, and to their own.
STATES: list[tuple[str, dict[str, str | list[str]]]] = [
    ("default", {}),
    ("first-month", {"from": FIRST, "to": FIRST}),
    ("all-months", {"from": FIRST, "to": LAST}),
    ("last-month", {"from": LAST, "to": LAST}),
    ("other-area", {"area": "Children in Care"}),
    ("all-areas", {"from": FIRST, "to": LAST, "area": list(SERVICE_AREAS)}),
    ("own-area", {"area": OWN}),
]
SKIP_OPTIONS = {"pages/reflection.py"}  # a form: its selectboxes are grades and the viewer's own areas


@pytest.fixture(scope="module")
def dbs(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample database as it is ("clean") and with the markers planted; read-only use."""
    folder = tmp_path_factory.mktemp("isolation")
    clean, planted = folder / "clean.duckdb", folder / "planted.duckdb"
    shutil.copyfile(sample_db, clean)
    shutil.copyfile(sample_db, planted)
    plant(planted)
    for path in (clean, planted):  # the viewer signs in as a real account (an SSO one: no password)
        con = db.connect(path)
        try:
            accounts.add_user(con, by=Scope.operator("test"), username=USER.username,
                              display_name=USER.display_name, roles=USER.roles, service_areas=USER.service_areas)
        finally:
            con.close()
    return {"clean": clean, "planted": planted}


@pytest.fixture(autouse=True)
def watched(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Every log record (DEBUG up) and everything written to stdout and stderr during a test holds no marker."""
    caplog.set_level(logging.DEBUG)
    yield
    out, err = capfd.readouterr()
    assert MARK not in caplog.text
    assert MARK not in out and MARK not in err


def use(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at `path` as the Front Door viewer, with empty caches (cached data is keyed by scope
    and filters, not by file)."""
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    monkeypatch.setenv("QA_INSIGHT_DEMO", "0")
    monkeypatch.delenv("QA_INSIGHT_COUNCIL", raising=False)
    monkeypatch.setattr("pages.ui.current_scope", lambda: VIEWER)
    monkeypatch.setattr("pages.ui.today", lambda: TODAY)
    st.cache_resource.clear()
    st.cache_data.clear()


def render(page: str, query: dict[str, str | list[str]]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[ui.USER_KEY] = USER  # signed in (local accounts mode)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def check(at: AppTest, where: str) -> str:
    """Assert the render holds no marker and names no other area in its data; return its text."""
    text, data = render_text(at)
    assert MARK not in text, f"{where}: {text[max(0, text.find(MARK) - 300):text.find(MARK) + 300]}"
    # The planted KPI values however formatted (987654.3, 987,654.3, 987654%, ...).
    planted = r"987,?654|876,?543"
    assert not re.search(planted, text), f"{where}: {re.findall(rf'.{{200}}(?:{planted}).{{80}}', text)}"
    for area in OTHERS:
        assert area not in data, f"{where}: {area} in {data[max(0, data.find(area) - 300):data.find(area) + 300]}"
    return text


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_another_area_in_any_filter_state(
    page: str, dbs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert count_markers(dbs["planted"])["audits"] > 1000  # the planting took
    use(dbs["planted"], monkeypatch)
    seen: dict[str, str] = {}
    for name, query in STATES:
        at = render(page, query)
        seen[name] = check(at, f"{page} [{name}]")
        if name != "default" or page in SKIP_OPTIONS:
            continue
        # Every option of every selectbox on the page, one at a time, from the default view.
        assert at.sidebar.multiselect[0].options == [OWN]
        for i, box in enumerate(at.main.selectbox):
            assert not any(a in str(o) for o in box.options for a in OTHERS), (page, box.label, box.options)
            again = render(page, {})
            for option in box.options:
                chosen = again.main.selectbox[i]
                chosen.set_value(chosen.options[box.options.index(option)]).run()
                assert not again.exception, [e.value for e in again.exception]
                check(again, f"{page} [{box.label} = {option}]")
        for i, group in enumerate(at.main.button_group):  # segmented controls: month, quarter, ...
            again = render(page, {})
            for option in group.options:
                again.main.button_group[i].set_value(option).run()
                assert not again.exception, [e.value for e in again.exception]
                check(again, f"{page} [{group.label} = {option}]")
    # What the viewer sees does not move when other areas' rows come and go: the same render on the
    # database without them is the same, word for word and figure for figure.
    use(dbs["clean"], monkeypatch)
    for name in ("default", "all-areas"):
        clean, _ = render_text(render(page, dict(STATES)[name]))
        assert media(clean) == media(seen[name]), f"{page} [{name}] differs without the other areas' rows"


def media(text: str) -> str:
    """Text with download buttons' media file names (a hash of the template's bytes) left out."""
    return re.sub(r"/media/[0-9a-f]+\.", "/media/.", text)


def quarters(path: Path) -> list[date]:
    con = db.connect(path)
    try:
        return documents.quarters_with_data(con, scope=EXPORTER, today=TODAY)
    finally:
        con.close()


def gather(path: Path, report: str, quarter: date) -> Report | None:
    con = db.connect(path)
    try:
        return documents.gather(con, report, scope=EXPORTER, quarter=quarter)
    except NoDataError:
        return None
    finally:
        con.close()


@pytest.mark.parametrize("report", list(documents.DOCUMENTS))
def test_documents_hold_only_the_viewers_area(report: str, dbs: dict[str, Path]) -> None:
    found = quarters(dbs["planted"])
    assert found == quarters(dbs["clean"]) and len(found) >= 6
    built = 0
    for quarter in found[:2] + found[-1:]:  # the latest complete quarters and the part one
        document = gather(dbs["planted"], report, quarter)
        # The same figures, words and tables as without the other areas' rows.
        assert document == gather(dbs["clean"], report, quarter), (report, quarter)
        if document is None:
            continue
        built += 1
        for suffix in documents.DOCUMENTS[report].formats:
            text = document_text(documents.render(document, suffix), suffix)
            assert MARK not in text, (report, quarter, suffix)
            assert not re.search(r"987,?654|876,?543", text), (report, quarter, suffix)
            for area in OTHERS:
                assert area not in text, (report, quarter, suffix, area)
    assert built >= 2


def test_an_upload_naming_another_area_does_not_echo_its_stored_rows(
    dbs: dict[str, Path], tmp_path: Path, make_xlsx: Any
) -> None:
    # The Front Door QAL checks a return whose row re-uses a Children in Care audit's ID and names that
    # area and a bad grade: whatever the report says, it quotes the file, never the stored audit.
    copy = tmp_path / "upload.duckdb"
    shutil.copyfile(dbs["planted"], copy)
    path = make_xlsx([good_row("CIC-ISO-1", **{"Service area": "Children in Care", "Overall grade": "Great"}),
                      good_row("FD-NEW-1")])
    con = db.connect(copy)
    try:
        report = load_file(con, Source(path.name, path.read_bytes()), kind="audits", loaded_by="qal.fd",
                           dry_run=True, record_rejected=True, scope=QAL)
    finally:
        con.close()
    assert not report.valid
    text = "\n".join([report.summary(), *(str(i) for i in report.issues)])
    assert "Great" in text  # the file's own value is quoted
    assert MARK not in text


def test_an_upload_reusing_another_areas_audit_id_tells_nothing_of_it(
    dbs: dict[str, Path], tmp_path: Path, make_xlsx: Any
) -> None:
    # A valid Front Door return whose audit re-uses a Children in Care audit's ID: refused, the stored
    # audit untouched, and the message names neither the area nor anything stored.
    copy = tmp_path / "upload.duckdb"
    shutil.copyfile(dbs["planted"], copy)
    path = make_xlsx([good_row("CIC-ISO-1"), good_row("FD-NEW-1")])
    con = db.connect(copy)
    try:
        before = db.cursor(con).execute("select * from audits where audit_id = 'CIC-ISO-1'").fetchall()
        report = load_file(con, Source(path.name, path.read_bytes()), kind="audits", loaded_by="qal.fd", scope=QAL)
        after = db.cursor(con).execute("select * from audits where audit_id = 'CIC-ISO-1'").fetchall()
    finally:
        con.close()
    assert [(i.code, i.row, i.value) for i in report.errors] == [("id-outside-your-areas", 2, "CIC-ISO-1")]
    text = "\n".join([report.summary(), *(str(i) for i in report.issues)])
    assert MARK not in text and not any(area in text for area in OTHERS), text
    assert after == before and len(before) == 1


def test_a_reflection_naming_another_areas_audit_is_refused_without_its_content(
    dbs: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "reflection.duckdb"
    shutil.copyfile(dbs["planted"], copy)
    qal = Scope.for_user(roles.User("qal.fd", "QAL Front Door", roles=("qal",), service_areas=(OWN,)))
    sheet = ReflectionSheet(audit_id="CIC-ISO-1", audit_date=date(2026, 10, 1), service_area=OWN,
                            overall_grade="Good", activity_type="case_audit")
    con = db.connect(copy)
    try:
        report = save_reflection(con, sheet, scope=qal, loaded_by="qal.fd")
        stored = db.cursor(con).execute(
            "select service_area, worker from audits where audit_id = 'CIC-ISO-1'").fetchone()
    finally:
        con.close()
    assert not report.valid
    assert "out-of-scope" in [i.code for i in report.errors]
    text = "\n".join([report.summary(), *problems(report)])
    assert MARK not in text and "Children in Care" not in text, text
    assert stored == ("Children in Care", "MKR-auditsworkerChildreninCare")  # untouched


def test_upload_history_shows_an_area_viewer_only_their_own_uploads(dbs: dict[str, Path]) -> None:
    con = db.connect(dbs["planted"])
    try:
        history = loads.load_history(con)
    finally:
        con.close()
    mine = pd.concat([history.head(1).assign(loaded_by="hos.fd"), history]).reset_index(drop=True)
    assert loads.visible_history(mine, VIEWER)["loaded_by"].tolist() == ["hos.fd"]
    everyone = Scope.for_user(roles.User("ad", "AD", roles=("ad",)))
    assert len(loads.visible_history(mine, everyone)) == len(history) + 1
    assert MARK in "".join(history["file_name"])  # the planted rejected upload is in the full history
