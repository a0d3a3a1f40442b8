"""Messy but valid audit returns load, and store what a Quality Assurance Lead would check.

Every fixture is in tests/data/ (written by tests/data/make_fixtures.py) and named by its quirk.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from conftest import DATA, TODAY
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

import loaders
from loaders.report import LoadReport
from loaders.templates import audit_template_bytes
from qa_data import db, vocab


def load(con: duckdb.DuckDBPyConnection, path: str | Path, **options: Any) -> LoadReport:
    return loaders.load_file(con, DATA / path, loaded_by="tests", today=TODAY, **options)


Loaded = Callable[[str], tuple[duckdb.DuckDBPyConnection, LoadReport]]


@pytest.fixture(scope="module")
def loaded() -> Iterator[Loaded]:
    """loaded(name) -> (connection, report): the fixture loaded once into its own fresh database,
    which the tests here only read."""
    cache: dict[str, tuple[duckdb.DuckDBPyConnection, LoadReport]] = {}

    def get(name: str) -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
        if name not in cache:
            connection = db.connect(":memory:")
            cache[name] = (connection, load(connection, name))
        return cache[name]

    yield get
    for connection, _ in cache.values():
        connection.close()


def stored(con: duckdb.DuckDBPyConnection, column: str) -> dict[str, Any]:
    """audit_id -> one stored column (column names come from this file, not from data)."""
    return dict(con.execute(f"select audit_id, {column} from audits order by audit_id").fetchall())


def grade_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute("select audit_id, domain, grade from audit_grades order by all").fetchall()


def issues(report: LoadReport) -> list[tuple[Any, ...]]:
    return [(i.code, i.severity, i.row, i.column_letter, i.column) for i in report.issues]


MESSY = sorted(p.name for p in DATA.iterdir() if p.is_file() and p.name.startswith("audit_"))


def test_every_messy_fixture_is_covered() -> None:
    expected = sorted([
        "audit_title_rows.xlsx", "audit_instructions_sheet_first.xlsx", "audit_header_synonyms.xlsx",
        "audit_grades_as_typed.xlsx", "audit_dates_uk_text.xlsx", "audit_dates_excel_serial.xlsx",
        "audit_service_area_aliases.xlsx", "audit_long_layout.xlsx", "audit_extra_domains.xlsx",
        "audit_return.csv", "audit_csv_semicolon_cp1252.csv", "audit_placeholders.xlsx",
        "audit_unknown_column.xlsx", "audit_data_starts_col_c.xlsx",
    ])  # fmt: skip
    assert expected == MESSY


@pytest.mark.parametrize("name", MESSY)
def test_messy_fixture_loads_without_error(loaded: Loaded, name: str) -> None:
    con, report = loaded(name)
    assert report.errors == []
    assert report.valid and report.outcome == "loaded"
    audits = con.execute("select count(*) from audits").fetchone()[0]
    assert report.rows_loaded == audits > 0
    # Every audit has its overall grade and at least one domain row; the load is on record.
    assert (
        con.execute(
            "select count(*) from audits as a where not exists "
            "(select 1 from audit_grades as g where g.audit_id = a.audit_id)"
        ).fetchone()[0]
        == 0
    )
    assert con.execute("select file_name, outcome, rows_loaded, errors from loads").fetchall() == [
        (name, "loaded", audits, 0)
    ]


def test_title_rows_above_the_header(loaded: Loaded) -> None:
    con, report = loaded("audit_title_rows.xlsx")
    assert report.issues == []
    assert report.sheet == "Audit returns"
    # Header on row 4 under a title, a month line and a blank row: data is on Excel rows 5-8.
    assert stored(con, "source_row") == {"TR-1": 5, "TR-2": 6, "TR-3": 7, "TR-4": 8}
    assert stored(con, "overall_grade") == {
        "TR-1": "Good", "TR-2": "Good", "TR-3": "Outstanding", "TR-4": "Inadequate",
    }  # fmt: skip
    assert stored(con, "audit_date")["TR-2"] == date(2025, 3, 10)
    assert stored(con, "service_area")["TR-2"] == "Children in Care"


def test_instructions_and_lists_sheets_are_skipped(loaded: Loaded) -> None:
    con, report = loaded("audit_instructions_sheet_first.xlsx")
    assert report.issues == []
    assert report.sheet == "Audit returns"
    assert stored(con, "source_sheet") == dict.fromkeys(["IS-1", "IS-2", "IS-3"], "Audit returns")
    assert stored(con, "source_row") == {"IS-1": 2, "IS-2": 3, "IS-3": 4}
    assert stored(con, "service_area") == {
        "IS-1": "Front Door", "IS-2": "Permanence", "IS-3": "Care Leavers",
    }  # fmt: skip


def test_header_synonyms_case_spacing_and_punctuation(loaded: Loaded) -> None:
    # "AUDIT  ID", "Type of activity", "Date of audit", "Service", "Team Name", "Social worker",
    # "Audited by", "Audit Theme", "Safeguarding & thresholds", "Quality of direct work",
    # "Oversight of casework", "Supervision grade", "Overall judgement", "Moderated  Rating:".
    con, report = loaded("audit_header_synonyms.xlsx")
    assert report.issues == []
    row = con.execute(
        "select audit_id, activity_type, audit_date, service_area, team, worker, auditor, theme, "
        "overall_grade, moderated_grade, final_grade, good_or_better from audits "
        "where audit_id = 'HS-2'"
    ).fetchone()
    assert row == (
        "HS-2", "case_audit", date(2025, 3, 6), "Care Leavers", "MASH Team", "Sam Patel", "Jo Reed",
        "Re-referrals", "Requires improvement", "Good", "Good", True,
    )  # fmt: skip
    assert stored(con, "overall_grade") == {
        "HS-1": "Good", "HS-2": "Requires improvement", "HS-3": "Outstanding",
    }  # fmt: skip
    assert stored(con, "moderated_grade") == {"HS-1": None, "HS-2": "Good", "HS-3": None}
    assert [r for r in grade_rows(con) if r[0] == "HS-1"] == [
        ("HS-1", "direct_work", "Good"), ("HS-1", "oversight", "Requires improvement"),
        ("HS-1", "safeguarding", "Good"), ("HS-1", "supervision", "Good"),
    ]  # fmt: skip


def test_grades_as_typed_are_stored_canonically(loaded: Loaded) -> None:
    con, report = loaded("audit_grades_as_typed.xlsx")
    assert report.issues == []
    assert stored(con, "overall_grade") == {
        "GT-1": "Good",  # good
        "GT-2": "Outstanding",  # OUTSTANDING
        "GT-3": "Good",  # G
        "GT-4": "Requires improvement",  # RI
        "GT-5": "Requires improvement",  # Requires improvement to be good
        "GT-6": "Inadequate",  # inadequate
    }
    assert stored(con, "good_or_better") == {
        "GT-1": True, "GT-2": True, "GT-3": True, "GT-4": False, "GT-5": False, "GT-6": False,
    }  # fmt: skip
    ri = "Requires improvement"
    by_audit: dict[str, dict[str, str]] = {}
    for audit_id, domain, grade in grade_rows(con):
        by_audit.setdefault(audit_id, {})[domain] = grade
    assert by_audit == {
        "GT-1": {"safeguarding": "Good", "direct_work": "Good", "oversight": ri, "supervision": "Good"},
        "GT-2": {"safeguarding": "Outstanding", "direct_work": "Good", "oversight": "Inadequate",
                 "supervision": "Good"},
        "GT-3": {"safeguarding": ri, "direct_work": ri, "oversight": ri, "supervision": ri},
        "GT-4": {"safeguarding": "Inadequate", "direct_work": "Inadequate", "oversight": "Inadequate",
                 "supervision": ri},
        "GT-5": {"safeguarding": "Good", "direct_work": "Good", "oversight": "Good", "supervision": "Good"},
        "GT-6": {"safeguarding": "Outstanding", "direct_work": "Good", "oversight": ri,
                 "supervision": "Inadequate"},
    }  # fmt: skip
    # good_or_better on every grade row agrees with its grade.
    assert (
        con.execute(
            "select count(*) from audit_grades where good_or_better <> (grade in ('Outstanding', 'Good'))"
        ).fetchone()[0]
        == 0
    )


def test_uk_text_dates_are_day_first(loaded: Loaded) -> None:
    con, report = loaded("audit_dates_uk_text.xlsx")
    assert report.issues == []
    assert stored(con, "audit_date") == {
        "UK-1": date(2025, 4, 3),  # 03/04/2025 is 3 April, not 4 March
        "UK-2": date(2025, 3, 14),
        "UK-3": date(2025, 2, 1),  # 1/2/25
        "UK-4": date(2024, 12, 31),
        "UK-5": date(2025, 1, 12),  # " 12/01/2025 " with spaces around it
    }


def test_excel_date_cells_and_bare_serials(loaded: Loaded) -> None:
    con, report = loaded("audit_dates_excel_serial.xlsx")
    assert report.issues == []
    assert stored(con, "audit_date") == {
        "XS-1": date(2025, 4, 3),  # a date cell
        "XS-2": date(2025, 1, 12),  # a date-time cell (14:30): the day is kept
        "XS-3": date(2025, 4, 3),  # the number 45750 in a General cell
        "XS-4": date(2025, 2, 28),
    }


def test_1904_workbook_dates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # Old Mac Excel counts from 1904: a bare 44288 there is 3 April 2025 (45750 in the 1900 system).
    wb = openpyxl.load_workbook(DATA / "audit_dates_excel_serial.xlsx")
    wb.epoch = CALENDAR_MAC_1904
    wb["Audit returns"]["C4"] = 44288
    path = tmp_path / "audit_mac_1904.xlsx"
    wb.save(path)
    report = load(con, path)
    assert report.issues == []
    assert stored(con, "audit_date") == {
        "XS-1": date(2025, 4, 3), "XS-2": date(2025, 1, 12), "XS-3": date(2025, 4, 3),
        "XS-4": date(2025, 2, 28),
    }  # fmt: skip


def test_service_area_aliases(loaded: Loaded) -> None:
    con, report = loaded("audit_service_area_aliases.xlsx")
    assert report.issues == []
    assert stored(con, "service_area") == {
        "SA-1": "Front Door",  # MASH
        "SA-2": "Children in Care",  # LAC
        "SA-3": "Care Leavers",  # Leaving care
        "SA-4": "Children in Need and Child Protection",  # CP
        "SA-5": "Vulnerable Adolescents",  # Adolescents
        "SA-6": "Quality Assurance Unit",  # IRO
    }


def test_long_layout_one_row_per_domain(loaded: Loaded) -> None:
    con, report = loaded("audit_long_layout.xlsx")
    assert report.issues == []
    assert (report.rows_read, report.rows_loaded) == (6, 2)
    rows = con.execute(
        "select audit_id, activity_type, audit_date, service_area, worker, overall_grade, final_grade, "
        "source_row from audits order by audit_id"
    ).fetchall()
    assert rows == [
        ("LL-1", "case_audit", date(2025, 3, 5), "Front Door", "Sam Patel", "Good", "Good", 2),
        ("LL-2", "dip_sample", date(2025, 3, 6), "Children in Care", "Ana Bell", "Requires improvement",
         "Requires improvement", 5),
    ]  # fmt: skip
    # The "Overall" rows give the overall grade; they are not domain rows.
    assert grade_rows(con) == [
        ("LL-1", "safeguarding", "Good"), ("LL-1", "supervision", "Requires improvement"),
        ("LL-2", "direct_work", "Inadequate"), ("LL-2", "supervision", "Requires improvement"),
    ]  # fmt: skip


def test_extra_domain_columns(loaded: Loaded) -> None:
    con, report = loaded("audit_extra_domains.xlsx")
    assert report.issues == []
    extra = con.execute(
        "select audit_id, domain, grade from audit_grades "
        "where domain in ('history', 'assessment', 'planning', 'recording') order by all"
    ).fetchall()
    assert extra == [
        ("XD-1", "assessment", "Requires improvement"), ("XD-1", "history", "Good"),
        ("XD-1", "planning", "Good"), ("XD-1", "recording", "Inadequate"),
        ("XD-2", "history", "Outstanding"), ("XD-2", "planning", "Good"), ("XD-2", "recording", "Good"),
    ]  # fmt: skip
    counts = dict(con.execute("select audit_id, count(*) from audit_grades group by 1").fetchall())
    assert counts == {"XD-1": 8, "XD-2": 7, "XD-3": 4}


def test_csv_rows_are_csv_lines(loaded: Loaded) -> None:
    con, report = loaded("audit_return.csv")
    assert report.issues == []
    assert report.sheet is None
    assert stored(con, "source_row") == {"CSV-1": 2, "CSV-2": 3, "CSV-3": 4}
    assert stored(con, "source_sheet") == {"CSV-1": None, "CSV-2": None, "CSV-3": None}
    assert stored(con, "audit_date") == {
        "CSV-1": date(2025, 4, 3), "CSV-2": date(2025, 3, 14), "CSV-3": date(2025, 2, 28),
    }  # fmt: skip
    assert stored(con, "service_area")["CSV-2"] == "Children in Need and Child Protection"
    assert stored(con, "theme")["CSV-3"] == "Plans, reviews and visits"


def test_semicolon_cp1252_csv(loaded: Loaded) -> None:
    assert "Zoë".encode("cp1252") in (DATA / "audit_csv_semicolon_cp1252.csv").read_bytes()
    con, report = loaded("audit_csv_semicolon_cp1252.csv")
    assert report.issues == []
    assert stored(con, "worker") == {"SC-1": "Zoë Brontë", "SC-2": "Renée Côté", "SC-3": "Sam Patel"}
    assert stored(con, "auditor")["SC-1"] == "José Núñez"
    assert stored(con, "theme")["SC-3"] == "Voice of the child \u2013 direct work"
    assert stored(con, "audit_date") == {
        "SC-1": date(2025, 4, 3), "SC-2": date(2025, 4, 4), "SC-3": date(2025, 4, 7),
    }  # fmt: skip
    # The header "Overall Rating:" is the overall grade.
    assert stored(con, "overall_grade") == dict.fromkeys(["SC-1", "SC-2", "SC-3"], "Good")
    assert stored(con, "source_row") == {"SC-1": 2, "SC-2": 3, "SC-3": 4}


def test_placeholders_mean_nothing_here(loaded: Loaded) -> None:
    con, report = loaded("audit_placeholders.xlsx")
    # PH-3's supervision is "-": not graded, which the framework flags (a warning, not an error).
    assert issues(report) == [("missing-supervision-grade", "warning", 4, "L", "Supervision")]
    rows = con.execute("select audit_id, team, worker, auditor, theme from audits order by 1").fetchall()
    assert rows == [
        ("PH-1", None, None, None, None),  # #N/A, -, blank, n/a
        ("PH-2", None, None, None, "Re-referrals"),  # blank, #N/A, -
        ("PH-3", "MASH Team", "Sam Patel", "Jo Reed", None),  # -
    ]
    # #N/A, - and N/A in a domain column mean "not graded": no grade row, never a made-up grade.
    assert grade_rows(con) == [
        ("PH-1", "safeguarding", "Good"), ("PH-1", "supervision", "Good"),
        ("PH-2", "direct_work", "Good"), ("PH-2", "supervision", "Requires improvement"),
        ("PH-3", "direct_work", "Good"), ("PH-3", "oversight", "Good"), ("PH-3", "safeguarding", "Good"),
    ]  # fmt: skip


def test_unknown_column_is_a_warning(loaded: Loaded) -> None:
    con, report = loaded("audit_unknown_column.xlsx")
    assert issues(report) == [("unknown-column", "warning", 1, "N", "Notes")]
    assert report.issues[0].message == 'Column N "Notes" is not part of the audit return and was ignored.'
    assert report.outcome == "loaded" and report.rows_loaded == 3
    assert con.execute("select warnings, errors from loads").fetchall() == [(1, 0)]


def test_table_starting_at_c5_keeps_real_letters(loaded: Loaded) -> None:
    con, report = loaded("audit_data_starts_col_c.xlsx")
    assert issues(report) == [
        ("unknown-column", "warning", 5, "P", "Comments"),
        ("missing-supervision-grade", "warning", 7, "N", "Supervision"),
    ]
    assert stored(con, "source_row") == {"DC-1": 6, "DC-2": 7, "DC-3": 8}
    assert stored(con, "service_area")["DC-3"] == "Permanence"


def test_errors_in_a_table_starting_at_c5_use_real_letters(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(DATA / "audit_data_starts_col_c.xlsx")
    ws = wb["Audit returns"]
    assert (ws["E5"].value, ws["F5"].value, ws["O5"].value) == ("Audit date", "Service area", "Overall grade")
    ws["E7"] = "31/02/2025"
    ws["F8"] = "Narnia"
    ws["O6"] = "Great"
    path = tmp_path / "audit_col_c_with_errors.xlsx"
    wb.save(path)
    report = load(con, path)
    assert [(i.code, i.row, i.column_letter, i.column, i.value) for i in report.errors] == [
        ("unknown-grade", 6, "O", "Overall grade", "Great"),
        ("bad-date", 7, "E", "Audit date", "31/02/2025"),
        ("unknown-service-area", 8, "F", "Service area", "Narnia"),
    ]
    assert db.table_counts(con)["audits"] == 0


# --- The blank template ----------------------------------------------------------------------------


def _template_sheet() -> tuple[openpyxl.Workbook, dict[str, str]]:
    wb = openpyxl.load_workbook(io.BytesIO(audit_template_bytes()))
    ws = wb["Audit returns"]
    letters = {cell.value: get_column_letter(cell.column) for cell in ws[1]}
    return wb, letters


def _list_values(wb: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    return [c[0].value for c in wb[sheet][cells.replace("$", "")]]


def test_template_has_drop_downs_for_coded_columns() -> None:
    wb, letters = _template_sheet()
    ws = wb["Audit returns"]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for rng in str(dv.sqref).split():
            column = "".join(ch for ch in rng.split(":")[0] if ch.isalpha())
            lists[column] = (rng, _list_values(wb, dv.formula1))
    grade_columns = ["Overall grade", "Moderated grade", "Supervision",
                     "Children safeguarded, thresholds appropriate", "Direct work and voice of the child",
                     "Oversight of casework and decisions"]  # fmt: skip
    for header in grade_columns:
        rng, values = lists[letters[header]]
        assert values == list(vocab.GRADES), header
        assert rng == f"{letters[header]}2:{letters[header]}501"
    assert lists[letters["Service area"]][1] == list(vocab.SERVICE_AREAS)
    activity_values = lists[letters["Activity type"]][1]
    assert [vocab.canonical_activity_type(v) for v in activity_values] == list(vocab.ACTIVITY_TYPES)
    assert lists[letters["Worker notified"]][1] == ["Yes", "No"]


def test_filled_template_loads_with_no_issue(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    wb, letters = _template_sheet()
    ws = wb["Audit returns"]
    values = {
        "Audit ID": "TPL-1", "Activity type": "Practice observation", "Audit date": date(2025, 5, 2),
        "Service area": "Care Leavers", "Team": "Leaving Care Team 18-21", "Worker": "Ana Bell",
        "Auditor": "Jo Reed", "Theme": "Pathway plans", "Observation setting": "Home visit",
        "Child ID": "C123456", "Overall grade": "Good", "Moderated grade": "Outstanding",
        "Worker notified": "Yes", "Feedback given": "No", "Feedback date": date(2025, 5, 9),
        "Children safeguarded, thresholds appropriate": "Good",
        "Direct work and voice of the child": "Outstanding",
        "Oversight of casework and decisions": "Requires improvement", "Supervision": "Inadequate",
        "Strengths": "Warm, child-centred visit.", "Areas for development": "Record the plan\nsooner.",
        "Worker reflection": "I will write the plan up the same day.", "Re-audit of": None,
    }  # fmt: skip
    assert set(values) == set(letters)
    for header, value in values.items():
        ws[f"{letters[header]}2"] = value
    path = tmp_path / "filled_template.xlsx"
    wb.save(path)
    report = load(con, path)
    assert report.issues == []
    assert report.outcome == "loaded" and report.sheet == "Audit returns"
    row = con.execute(
        "select audit_id, activity_type, audit_date, service_area, observation_setting, child_ref, "
        "overall_grade, moderated_grade, final_grade, good_or_better, worker_notified, feedback_given, "
        "feedback_date, strengths, areas_for_development, worker_reflection, reaudit_of, source_row from audits"
    ).fetchall()
    assert row == [(
        "TPL-1", "observation", date(2025, 5, 2), "Care Leavers", "Home visit", "C123456", "Good",
        "Outstanding", "Outstanding", True, True, False, date(2025, 5, 9), "Warm, child-centred visit.",
        "Record the plan\nsooner.", "I will write the plan up the same day.", None, 2,
    )]  # fmt: skip
    assert grade_rows(con) == [
        ("TPL-1", "direct_work", "Outstanding"), ("TPL-1", "oversight", "Requires improvement"),
        ("TPL-1", "safeguarding", "Good"), ("TPL-1", "supervision", "Inadequate"),
    ]  # fmt: skip


# --- The fixtures themselves -----------------------------------------------------------------------


def test_committed_fixtures_match_the_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.generate(tmp_path)
    committed = sorted(
        p.name
        for p in DATA.iterdir()
        if p.is_file() and p.name != "make_fixtures.py" and not p.name.startswith("annex_a_")
    )
    assert sorted(p.name for p in written) == committed
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), path.name
        assert path.stat().st_size < 1_000_000, path.name
