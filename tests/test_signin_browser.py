"""Sign-in in a real browser: the app started with QA_INSIGHT_AUTH=local on a copy of the sample
database with two Heads of Service, one for Front Door and one for Children in Care. Each signs in in
a browser context of its own and sees only its own area; signing out returns to the sign-in form."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from qa_data import accounts, db
from qa_data.scope import Scope
from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, _wait_for_app, serve

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (make browser)")
    pytest.skip("Debian's chromium is not installed (make browser)", allow_module_level=True)

PASSWORD = "a long pass phrase for tests"
HEADS = {"hos.frontdoor": ("Fran Door", "Front Door"), "hos.care": ("Carys Care", "Children in Care")}


@pytest.fixture(scope="module")
def server(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("signin_browser") / "app.duckdb"
    shutil.copyfile(sample_db, path)
    con = db.connect(path)
    try:
        for username, (name, area) in HEADS.items():
            accounts.add_user(con, by=Scope.operator("cli:test"), username=username, display_name=name,
                              roles=["hos"], service_areas=[area], password=PASSWORD)
    finally:
        con.close()
    with serve(path, QA_INSIGHT_AUTH="local") as (url, _process):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    _wait_for_app(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Overview").wait_for(timeout=30_000)
    _wait_for_app(page)


def area_cells(page: Page) -> list[str]:
    """The Service area column of Overview's table (the grid's accessible table, one row per area)."""
    cells = page.locator("[data-testid='stDataFrame']").first.locator("td[aria-colindex='1']")
    cells.first.wait_for(state="attached", timeout=30_000)
    return [(t or "").strip() for t in cells.all_text_contents()]


@pytest.mark.parametrize("username", list(HEADS))
def test_each_head_of_service_sees_only_their_own_area(server: str, browser: Browser, username: str) -> None:
    name, area = HEADS[username]
    other = next(a for u, (_, a) in HEADS.items() if u != username)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        sign_in(page, server, username)
        page.get_by_text(f"Signed in as {name} (Head of Service)").wait_for(timeout=30_000)
        assert area_cells(page) == [area]
        body = page.text_content("body") or ""  # hidden text too (the grid's accessible table)
        assert area in body and other not in body
        assert "Traceback" not in body

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("textbox", name="Password").wait_for(timeout=30_000)
        page.get_by_text("You have signed out.").wait_for(timeout=30_000)
        assert area not in page.inner_text("body")
    finally:
        context.close()


def test_two_people_signed_in_at_once_each_keep_their_own_view(server: str, browser: Browser) -> None:
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in HEADS]
    try:
        pages = [c.new_page() for c in contexts]
        for page, username in zip(pages, HEADS, strict=True):
            sign_in(page, server, username)
        for page, (_, area) in zip(pages, HEADS.values(), strict=True):
            page.get_by_role("link", name="Audit quality").click()  # the same session, a new page
            page.get_by_role("heading", name="Audit quality").wait_for(timeout=30_000)
            _wait_for_app(page)
            page.get_by_role("link", name="Overview").click()
            page.get_by_role("heading", name="Overview").wait_for(timeout=30_000)
            _wait_for_app(page)
            assert area_cells(page) == [area]
    finally:
        for c in contexts:
            c.close()
