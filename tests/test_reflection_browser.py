"""The Reflection sheet page in a real browser, for what AppTest cannot drive: typing an agreed
action into the editable table, saving, and downloading the filled sheet (the app is the e2e
module's: `streamlit run app.py` on a copy of the sample database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from qa_data import db
from tests.test_e2e_browser import Server, _wait_for_app, page, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# The editable table's geometry as Streamlit draws it: row-marker column, then one header row.
_MARKER_WIDTH, _ROW_HEIGHT = 33, 35


def _choose(p: Page, label: str, option: str) -> None:
    p.get_by_role("combobox", name=label, exact=True).click()
    p.get_by_role("option", name=option, exact=True).click()


def _type_action(p: Page, action: str, owner: str, due: date) -> None:
    """Add a row to the actions table and type into it as a user does (the grid is a canvas:
    click the new row's first cell, then keys); the date cell opens a date input."""
    grid = p.locator("[data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    grid.hover()
    p.get_by_role("button", name="Add row").click()
    box = grid.bounding_box()
    assert box is not None
    p.mouse.click(box["x"] + _MARKER_WIDTH + 40, box["y"] + _ROW_HEIGHT * 1.5)
    for text in (action, owner, None):  # Enter opens a cell's editor; Tab saves it and moves right
        p.wait_for_timeout(300)
        p.keyboard.press("Enter")
        if text is not None:
            p.wait_for_timeout(300)
            p.keyboard.type(text, delay=20)
            p.keyboard.press("Tab")
    p.locator("input[type='date']").last.fill(due.isoformat())
    p.keyboard.press("Enter")
    # The grid hands the edit to the form a moment after its editor closes; a click on Save
    # before then submits the table without it.
    p.wait_for_timeout(500)


def test_fill_in_a_sheet_with_an_action_save_it_and_download_it(
    server: Server, page: Page, tmp_path: Path  # noqa: F811 - the imported fixtures
) -> None:
    page.goto(f"{server.url}/reflection")
    _wait_for_app(page)
    page.get_by_role("heading", name="Reflection sheet").wait_for(timeout=30_000)
    page.get_by_label("Audit ID").fill("RS-E2E-1")
    page.get_by_label("Worker", exact=True).fill("Sam Patel")
    page.get_by_role("spinbutton", name="day, Audit date").click()
    page.keyboard.type("20102026")
    _choose(page, "Service area", "Front Door")
    for label, grade in (("Overall grade", "Good"), ("Children safeguarded, thresholds appropriate", "Good"),
                         ("Direct work and voice of the child", "Good"),
                         ("Oversight of casework and decisions", "Requires improvement"), ("Supervision", "Good")):
        _choose(page, label, grade)
    _type_action(page, "Add dates to the plan", "Sam Patel", date(2026, 11, 30))
    page.get_by_role("button", name="Save the reflection sheet").click()
    page.get_by_text("Audit RS-E2E-1 saved.").wait_for(timeout=30_000)
    # An empty form for the next case: the rerun draws the message above the form, then the new form.
    expect(page.get_by_label("Audit ID")).to_have_value("", timeout=15_000)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the filled reflection sheet").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "Reflection sheet RS-E2E-1.xlsx"
    form = openpyxl.load_workbook(path)["Reflection sheet"]
    rows = [r for r in form.iter_rows(values_only=True) if any(r)]
    assert rows[-1][0] == "Add dates to the plan" and rows[-1][2] == "Sam Patel"

    server.process.terminate()  # release the database file to read what was stored
    server.process.wait(timeout=10)
    con = db.connect(server.db)
    try:
        assert con.execute("select service_area, worker, overall_grade from audits where audit_id = 'RS-E2E-1'") \
            .fetchall() == [("Front Door", "Sam Patel", "Good")]
        assert con.execute("select seq, action, owner, due_date from audit_agreed_actions").fetchall() == [
            (1, "Add dates to the plan", "Sam Patel", date(2026, 11, 30))
        ]
    finally:
        con.close()
