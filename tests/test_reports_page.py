"""The Reports page through AppTest on a copy of the sample database: it builds and offers each document,
whose numbers (read back from the downloaded bytes with openpyxl, pypdf and python-docx) equal plain SQL
over the audits; commentary written on the page is printed in the Cabinet workbook; a viewer scoped to
one area writes and gets only that area."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdf
import pytest
from conftest import ROOT, TODAY, app_copy
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from qa_data import commentary, db
from qa_data.scope import Scope

APP = str(ROOT / "app.py")
PAGE = "pages/reports.py"
QUARTER = ("2026-07-01", "2026-09-30")  # Jul-Sep 2026, the newest complete quarter on TODAY
GRADED = """
select count(*), count(*) filter (where good_or_better) from audits
where audit_date between ? and ? and list_contains(?, service_area)
"""

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("pages.ui.today", lambda: TODAY)
    return app_copy(sample_db, tmp_path, monkeypatch)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, str | None]]:
    """The bytes and file name of every file the app hands the media file manager, by file id (the
    last part of a download button's url): what a browser would download."""
    stored: dict[str, tuple[bytes, str | None]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, path_or_data: Any, mimetype: str, kind: Any,
            filename: str | None = None) -> str:
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = (bytes(path_or_data), filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return stored


def one(path: Path, query: str, *params: Any) -> Any:
    con = db.connect(path)
    try:
        return db.cursor(con).execute(query, list(params)).fetchone()
    finally:
        con.close()


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, document: str, suffix: str | None = None) -> AppTest:
    at.selectbox(key="qa_report_document").set_value(document).run()
    if suffix is not None:
        at.radio(key=f"qa_report_format_{document}").set_value(suffix).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def offered(at: AppTest, downloads: dict[str, tuple[bytes, str | None]], name: str) -> bytes:
    """The bytes the one download button, offering `name`, would download."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    buttons = [b for b in at.download_button if b.label == f"Download {name}"]
    assert len(buttons) == 1, [b.label for b in at.download_button]
    data, file_name = downloads[buttons[0].proto.url.rsplit("/", 1)[-1].split(".")[0]]
    assert file_name == name
    return data


def build_button(at: AppTest) -> Any:
    found = [b for b in at.button if b.label == "Build"]
    assert len(found) == 1, [b.label for b in at.button]
    return found[0]


def built(at: AppTest, downloads: dict[str, tuple[bytes, str | None]], name: str) -> bytes:
    """Click Build and return what the download button then offers."""
    build_button(at).click().run()
    return offered(at, downloads, name)


def rows(data: bytes, sheet: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))


def test_the_page_offers_the_quarters_with_data_newest_complete_first(app_db: Path) -> None:
    at = open_page()
    assert [t.value for t in at.title] == ["Reports"]
    quarter = at.selectbox(key="qa_report_quarter")
    assert quarter.options[:3] == ["Jul-Sep 2026 (Q2 2026-27)", "Apr-Jun 2026 (Q1 2026-27)",
                                   "Jan-Mar 2026 (Q4 2025-26)"]
    # The sample's first audits are in Nov 2024; the current quarter is offered last, marked.
    assert quarter.options[-2:] == ["Oct-Dec 2024 (Q3 2024-25)",
                                    "Oct-Dec 2026 (Q3 2026-27), to date (quarter not over)"]
    assert quarter.value == date(2026, 7, 1)
    assert at.selectbox(key="qa_report_document").options == [
        "Cabinet key data summary", "Q&PC quarterly pack", "ILACS self-evaluation evidence"]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Built for: all service areas") for c in captions)
    assert any("suppressed (c = 1 to 5)" in c and "no child- or worker-level data" in c for c in captions)
    assert at.radio(key="qa_report_format_cabinet").options == ["Excel", "PDF"]
    assert choose(at, "sef").radio(key="qa_report_format_sef").options == ["Word (.docx)"]
    assert not at.text_area  # commentary is for the Cabinet summary only


def test_cabinet_xlsx_and_pdf_hold_the_council_wide_audit_figures(
    app_db: Path, downloads: dict[str, tuple[bytes, str | None]]
) -> None:
    audits, good = one(app_db, GRADED, *QUARTER, list(Scope.everything().service_areas))
    pct = round(100 * good / audits, 1)
    at = open_page()
    book = built(at, downloads, "cabinet_key_data_summary_2026-Q3.xlsx")
    council = [r for r in rows(book, "Summary") if r[0] == "Council-wide"]
    assert council[0][:4] == ("Council-wide", audits, good, pct)
    pdf = built(choose(at, "cabinet", ".pdf"), downloads, "cabinet_key_data_summary_2026-Q3.pdf")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"Council-wide\n{audits}\n{good}\n{pct:.1f}\n" in text
    assert "Filters: All service areas" in text
    # Switching back to Excel offers the workbook already built, without building it again.
    choose(at, "cabinet", ".xlsx")
    assert [b.label for b in at.download_button] == ["Download cabinet_key_data_summary_2026-Q3.xlsx"]


def test_qpc_xlsx_and_sef_docx_hold_the_same_figures(
    app_db: Path, downloads: dict[str, tuple[bytes, str | None]]
) -> None:
    audits, good = one(app_db, GRADED, *QUARTER, list(Scope.everything().service_areas))
    at = choose(open_page(), "qpc", ".xlsx")
    pack = built(at, downloads, "qpc_quarterly_pack_2026-Q3.xlsx")
    assert [r for r in rows(pack, "Summary") if r[0] == "All areas"][0][4] == audits
    trends = rows(pack, "Grade trends")
    column = [r for r in trends if r[0] == "Service area"][0].index("% Jul-Sep 2026")
    assert [r for r in trends if r[0] == "All areas"][0][column] == round(100 * good / audits, 1)

    fd_audits, fd_good = one(app_db, GRADED, *QUARTER, ["Front Door"])
    sef = built(choose(at, "sef"), downloads, "ilacs_sef_evidence_2026-Q3.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(sef)).paragraphs)
    assert (f"In Jul-Sep 2026, {fd_good} of {fd_audits} ({round(100 * fd_good / fd_audits)}%) were good or "
            "better") in text


def test_commentary_saved_on_the_page_is_printed_in_the_cabinet_workbook(
    app_db: Path, downloads: dict[str, tuple[bytes, str | None]]
) -> None:
    at = open_page()
    before = built(at, downloads, "cabinet_key_data_summary_2026-Q3.xlsx")
    assert "Recording improved" not in str(rows(before, "Front Door"))
    at.text_area(key="qa_comment_202607_Council-wide_headline").input("Audit grades held at 64%.")
    at.text_area(key="qa_comment_202607_Front Door_audits").input("Recording improved after the July workshop.")
    at.button(key="FormSubmitter:qa_cabinet_commentary-Save commentary").click().run()
    assert not at.exception, [e.value for e in at.exception]
    success = [s.value for s in at.success]
    assert len(success) == 1 and success[0].startswith("2 commentary fields saved by demo, ")
    assert one(app_db, "select written_by, text from report_commentary where service_area = 'Front Door' "
                       "and field = 'audits' and quarter_start = date '2026-07-01' and report = 'cabinet'") == (
        "demo", "Recording improved after the July workshop.")
    # The workbook built before the save is no longer offered; the new build carries the commentary.
    assert not at.download_button
    book = built(at, downloads, "cabinet_key_data_summary_2026-Q3.xlsx")
    firsts = [r[0] for r in rows(book, "Summary") if r[0] is not None]
    assert firsts[firsts.index("Audits: % good or better") - 1] == "Audit grades held at 64%."  # the headline
    assert ("Recording improved after the July workshop.",) in [r[:1] for r in rows(book, "Front Door")]
    # On the next visit the boxes hold the saved text.
    again = open_page()
    assert again.text_area(key="qa_comment_202607_Front Door_audits").value == (
        "Recording improved after the July workshop.")


def test_a_viewer_scoped_to_one_area_writes_and_gets_only_it(
    app_db: Path, downloads: dict[str, tuple[bytes, str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    con = db.connect(app_db)
    try:
        commentary.set_commentary(con, scope=Scope.everything(user="ad"), report="cabinet", quarter=date(2026, 7, 1),
                                  service_area="Children in Care", field="audits", text="Care plans slipped.")
    finally:
        con.close()
    monkeypatch.setattr("pages.ui.current_scope", lambda: Scope(("Front Door",), user="hos"))
    audits, good = one(app_db, GRADED, *QUARTER, ["Front Door"])
    at = open_page()
    assert {t.key for t in at.text_area} == {f"qa_comment_202607_Front Door_{f}"
                                             for f in ("headline", "audits", "kpis", "voice", "actions")}
    assert any(c.value.startswith("Built for: all service areas") for c in at.caption)
    book = built(at, downloads, "cabinet_key_data_summary_2026-Q3.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(book)).sheetnames == ["Summary", "Front Door"]
    summary = rows(book, "Summary")
    assert [r for r in summary if r[0] == "Front Door"][0][:3] == ("Front Door", audits, good)
    assert "Children in Care" not in str(summary) and "Care plans slipped." not in str(summary)


def test_the_sidebar_areas_narrow_the_document(
    app_db: Path, downloads: dict[str, tuple[bytes, str | None]]
) -> None:
    at = open_page()
    at.multiselect(key="qa_areas").set_value(["Front Door", "Care Leavers"]).run()
    assert any(c.value.startswith("Built for: Front Door, Care Leavers") for c in at.caption)
    # Council-wide commentary needs every area: only the two areas' boxes are offered.
    assert {str(t.key).rsplit("_", 2)[1] for t in at.text_area} == {"Front Door", "Care Leavers"}
    book = built(at, downloads, "cabinet_key_data_summary_2026-Q3.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(book)).sheetnames == ["Summary", "Front Door", "Care Leavers"]


def test_a_quarter_whose_data_has_gone_fails_clearly(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The quarter list was read before the quarter's data went (it is cached): building now finds nothing.
    monkeypatch.setattr("pages.ui.report_quarters", lambda scope, today: [date(2023, 7, 1)])
    at = open_page()
    build_button(at).click().run()
    assert [e.value for e in at.error] == [
        "Cannot build: no data for Jul-Sep 2023: no audits, KPI values or survey answers in that quarter for "
        "the areas in scope."]
    assert not at.download_button


def test_without_data_the_page_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_INSIGHT_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    at = open_page()
    assert [i.value for i in at.info] == [
        "No audits, KPI values or survey answers loaded for these service areas yet, so there is no quarter "
        "to report on. Upload data on Upload data."]
    assert not at.button and not at.selectbox
