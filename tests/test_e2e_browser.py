"""End to end in a real browser: `streamlit run app.py` on a free port, driven by Playwright through
Debian's chromium (Playwright's own browser download cannot work here). What AppTest cannot see:
the first session after a start, a real file upload through the page, and the charts drawn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, sync_playwright

from tests.conftest import HEADER, ROOT, good_row

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (make browser)")
    pytest.skip("Debian's chromium is not installed (make browser)", allow_module_level=True)



@dataclass
class Server:
    url: str
    db: Path
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(db_file: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`streamlit run app.py` on a free port over `db_file` (no sample loading; `env` adds settings,
    e.g. QA_INSIGHT_AUTH="local"), until it answers /_stcore/health; stopped on exit. Yields (url, process)."""
    port = _free_port()
    environ = {**os.environ, "QA_INSIGHT_DB": str(db_file), "QA_INSIGHT_SAMPLE_DATA": "0", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the app did not answer on /_stcore/health within 30 s") from None
            time.sleep(0.2)
    try:
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(sample_db: Path, tmp_path: Path) -> Iterator[Server]:
    """A freshly started app on a copy of the sample database (a new process each test, so each
    test's first page load is the first session after a start)."""
    db_file = tmp_path / "e2e.duckdb"
    shutil.copy(sample_db, db_file)
    with serve(db_file) as (url, process):
        yield Server(url=url, db=db_file, process=process)


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        yield context.new_page()
        browser.close()


def _wait_for_app(page: Page) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    # Streamlit shows a running indicator while the script runs; wait until it has finished.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def _nav_labels(page: Page) -> list[str]:
    links = page.locator("[data-testid='stSidebarNav'] a")
    # Each link reads "<icon name>\n\n<title>": keep the title.
    return [t.strip().splitlines()[-1] for t in links.all_inner_texts()]


def test_a_deep_link_on_a_fresh_start_draws_the_page_with_its_filters(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/audit_quality?area=Front+Door")
    _wait_for_app(page)
    page.get_by_role("heading", name="Audit quality").wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert "Traceback" not in body and "KeyError" not in body
    assert "Front Door" in body and "Showing" in body
    assert _nav_labels(page) == [
        "Overview", "Audit quality", "Supervision", "Practice observations", "Voice of children and families",
        "Scorecard", "Action plans", "Audit programme", "Reports", "Reflection sheet", "Upload data",
    ]  # the demo user manages no accounts, so no Administration
    sections = page.locator("[data-testid='stNavSectionHeader']").all_inner_texts()
    assert [s.strip() for s in sections] == [
        "Quality of practice", "Performance", "Improvement", "Reports", "Record and upload",
    ]
    # The trend chart is really drawn (plotly renders SVG paths for each line).
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=30_000)


def test_upload_a_workbook_then_see_the_new_month_on_audit_quality(
    server: Server, page: Page, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Audit returns"
    ws.append(["Northbridge City Council - audit return, November 2026"])
    ws.append(HEADER)
    for i in range(4):
        ws.append(good_row(f"E2E-{i}", **{"Audit date": date(2026, 11, 10 + i), "Service area": "LAC"}))
    path = tmp_path / "2026-11_audit_return.xlsx"
    wb.save(path)

    page.goto(f"{server.url}/upload")
    _wait_for_app(page)
    page.get_by_role("heading", name="Upload data").wait_for(timeout=30_000)
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_text("2026-11_audit_return.xlsx: valid, 4 row(s)").wait_for(timeout=30_000)
    page.get_by_role("button", name="Load 1 valid file(s)").click()
    success = page.get_by_test_id("stAlertContentSuccess")
    success.get_by_text("2026-11_audit_return.xlsx: loaded, 4 row(s)").wait_for(timeout=30_000)

    page.get_by_role("link", name="Audit quality").click()
    _wait_for_app(page)
    page.get_by_text("Showing Dec 2025 to Nov 2026").wait_for(timeout=30_000)
    # The drill-down opens on the newest month: the four audits just loaded, all Children in Care.
    page.get_by_text("All areas in view, Nov 2026: n=4 audits.").wait_for(timeout=30_000)
