"""Bad files are rejected with every problem located as Excel shows it, and write nothing.

Each bad fixture is loaded into a database that already holds audits; the audits and their grades
must be exactly as before, and the rejection must be on record in `loads`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import DATA, TODAY, good_row

import loaders
from loaders.report import LoadReport
from qa_data import db

# (code, row as Excel shows it, column letter or, when the column is absent, its header)
EXPECTED: dict[str, list[tuple[str, int | None, str | None]]] = {
    "bad_missing_required_column.xlsx": [("missing-column", 1, "Overall grade")],
    "bad_date.xlsx": [("bad-date", 3, "C"), ("bad-date", 5, "C")],
    "bad_unknown_grade.xlsx": [
        ("unknown-grade", 2, "M"), ("unknown-grade", 4, "J"), ("unknown-grade", 5, "M"),
    ],
    "bad_duplicate_audit_id.xlsx": [("duplicate-key", 4, "A"), ("duplicate-key", 6, "A")],
    "bad_unknown_service_area.xlsx": [("unknown-service-area", 3, "D"), ("unknown-service-area", 4, "D")],
    "bad_unknown_activity_type.xlsx": [("unknown-activity-type", 2, "B")],
    "bad_future_date.xlsx": [("future-date", 3, "C"), ("future-date", 4, "C")],
    "bad_empty_workbook.xlsx": [("empty-file", None, None)],
    "bad_no_header.xlsx": [("no-header-row", None, None)],
    "bad_not_a_spreadsheet.xlsx": [("not-a-spreadsheet", None, None)],
    "bad_zero_bytes.xlsx": [("empty-file", None, None)],
    "bad_legacy.xls": [("legacy-xls", None, None)],
    "bad_zip_not_workbook.xlsx": [("not-a-spreadsheet", None, None)],
    "bad_zip_bomb.xlsx": [("zip-bomb", None, None)],
    "bad_zip_bomb_lying_sizes.xlsx": [("zip-bomb", None, None)],
    "bad_xml_entities.xlsx": [("unsafe-xml", None, None)],
    "bad_many_problems.xlsx": [
        ("bad-date", 3, "C"),
        ("unknown-service-area", 4, "D"),
        ("unknown-grade", 4, "M"),
        ("unknown-activity-type", 5, "B"),
        ("unknown-grade", 5, "L"),
        ("missing-value", 6, "A"),
        ("duplicate-key", 7, "A"),
        ("future-date", 7, "C"),
    ],
}  # fmt: skip


# A key phrase of the first issue's message: plain English that says what to do.
PHRASES = {
    "bad_missing_required_column.xlsx": (
        'The required column "Overall grade" is missing from the header row (row 1).'
    ),
    "bad_date.xlsx": '"31/02/2025" is not a date. Write dates as dd/mm/yyyy, e.g. 31/01/2025.',
    "bad_unknown_grade.xlsx": '"Very good" is not a grade. Use Outstanding, Good',
    "bad_duplicate_audit_id.xlsx": 'Audit ID "DK-1" appears more than once in the file',
    "bad_unknown_service_area.xlsx": '"Youth Offending" is not a service area. Use one of: Front Door',
    "bad_unknown_activity_type.xlsx": '"Peer review" is not an activity type.',
    "bad_future_date.xlsx": "is in the future; check the day and month",
    "bad_empty_workbook.xlsx": "The file has a header row but no audits under it.",
    "bad_no_header.xlsx": "No sheet has the expected column headings",
    "bad_not_a_spreadsheet.xlsx": "not an Excel workbook (.xlsx) or a CSV file",
    "bad_zero_bytes.xlsx": "The file is empty (0 bytes).",
    "bad_legacy.xls": "save it as .xlsx",
    "bad_zip_not_workbook.xlsx": "not an Excel workbook (no workbook inside)",
    "bad_zip_bomb.xlsx": "refused unread to protect the server",
    "bad_zip_bomb_lying_sizes.xlsx": "refused unread to protect the server",
    "bad_xml_entities.xlsx": "refused as unsafe",
    "bad_many_problems.xlsx": '"31/13/2025" is not a date.',
}
BAD_FILES = sorted(EXPECTED)
JARGON = ("Traceback", "Exception", "duckdb", "Error:", "None", "_row", "stage", "select ")


def load(con: duckdb.DuckDBPyConnection, path: str | Path, **options: Any) -> LoadReport:
    return loaders.load_file(con, DATA / path, loaded_by="tests", today=TODAY, **options)


def located(report: LoadReport) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.row, i.column_letter or i.column) for i in report.issues]


def snapshot(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[Any, ...]], ...]:
    return (
        con.execute("select * from audits order by audit_id").fetchall(),
        con.execute("select * from audit_grades order by audit_id, domain").fetchall(),
    )


@pytest.fixture
def loaded(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A database already holding four audits (16 grades) from an earlier upload."""
    assert load(con, "audit_title_rows.xlsx").outcome == "loaded"
    assert db.table_counts(con) == {"audits": 4, "audit_grades": 16, "loads": 1}
    return con


def test_every_bad_fixture_is_covered() -> None:
    assert sorted(p.name for p in DATA.iterdir() if p.name.startswith("bad_")) == sorted(EXPECTED)
    assert sorted(PHRASES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_rejected_with_exact_issues(loaded: duckdb.DuckDBPyConnection, name: str) -> None:
    before_counts, before_rows = db.table_counts(loaded), snapshot(loaded)
    report = load(loaded, name)
    assert located(report) == EXPECTED[name]
    assert all(i.severity == "error" for i in report.issues)
    assert not report.valid
    assert (report.outcome, report.rows_loaded, report.rows_replaced) == ("rejected", 0, 0)
    after = db.table_counts(loaded)
    assert (after["audits"], after["audit_grades"]) == (
        before_counts["audits"],
        before_counts["audit_grades"],
    )
    assert snapshot(loaded) == before_rows
    assert after["loads"] == before_counts["loads"] + 1
    file_name, outcome, rows_loaded, errors, issues_json = loaded.execute(
        "select file_name, outcome, rows_loaded, errors, issues_json from loads where load_id = ?",
        [report.load_id],
    ).fetchone()
    assert (file_name, outcome, rows_loaded, errors) == (name, "rejected", 0, len(EXPECTED[name]))
    assert json.loads(issues_json) == [i.as_dict() for i in report.issues]
    # Messages are sentences a QAL understands.
    assert PHRASES[name] in report.issues[0].message
    for issue in report.issues:
        assert " " in issue.message and issue.message.endswith("."), issue.message
        assert not [j for j in JARGON if j in issue.message], issue.message


def test_located_issues_carry_sheet_column_header_and_value(loaded: duckdb.DuckDBPyConnection) -> None:
    report = load(loaded, "bad_date.xlsx")
    assert [(i.sheet, i.row, i.column, i.column_letter, i.value) for i in report.issues] == [
        ("Audit returns", 3, "Audit date", "C", "31/02/2025"),
        ("Audit returns", 5, "Audit date", "C", "next week"),
    ]
    assert report.issues[0].message == (
        '"31/02/2025" is not a date. Write dates as dd/mm/yyyy, e.g. 31/01/2025.'
    )
    assert report.rows_read == 4


def test_duplicate_id_with_trailing_space_is_still_a_duplicate(loaded: duckdb.DuckDBPyConnection) -> None:
    # Row 6 says "DK-2 " (trailing space): the same audit as row 3.
    report = load(loaded, "bad_duplicate_audit_id.xlsx")
    assert [(i.row, i.value) for i in report.issues] == [(4, "DK-1"), (6, "DK-2")]


def test_every_problem_is_collected_not_just_the_first(loaded: duckdb.DuckDBPyConnection) -> None:
    report = load(loaded, "bad_many_problems.xlsx")
    assert len(report.errors) == 8
    assert len({i.code for i in report.errors}) == 7
    assert sorted({i.row for i in report.errors}) == [3, 4, 5, 6, 7]
    assert {i.value for i in report.errors} >= {
        "31/13/2025",
        "Fostering team",
        "Brilliant",
        "Peer review",
        "TBC",
    }


def test_future_date_in_a_date_cell_is_shown_as_excel_shows_it(loaded: duckdb.DuckDBPyConnection) -> None:
    report = load(loaded, "bad_future_date.xlsx")
    first = report.issues[0]
    assert (first.row, first.column_letter) == (3, "C")
    assert "00:00:00" not in first.message
    assert "01/02/2027" in first.message


def test_entity_declaration_after_padding_is_still_refused(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    parts = {}
    with zipfile.ZipFile(DATA / "bad_xml_entities.xlsx") as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0" encoding="UTF-8"?>' + b" " * 70_000 + data
            parts[info.filename] = data
    path = tmp_path / "padded_entities.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    report = load(con, path)
    assert located(report) == [("unsafe-xml", None, None)]


def test_dry_run_of_a_bad_file_records_nothing(loaded: duckdb.DuckDBPyConnection) -> None:
    before = db.table_counts(loaded)
    report = load(loaded, "bad_many_problems.xlsx", dry_run=True)
    assert report.outcome == "rejected" and len(report.errors) == 8
    assert db.table_counts(loaded) == before


# --- Row cap (QA_INSIGHT_MAX_ROWS) -----------------------------------------------------------------


def _rows(n: int) -> list[list[Any]]:
    return [good_row(f"CAP-{i}") for i in range(n)]


def test_row_cap_rejects_a_large_sheet(
    loaded: duckdb.DuckDBPyConnection, make_xlsx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_MAX_ROWS", "5")
    before_rows = snapshot(loaded)
    report = load(loaded, make_xlsx(_rows(60), name="big_return.xlsx"))
    assert [(i.code, i.sheet, i.row) for i in report.issues] == [("too-many-rows", "Audits", None)]
    assert "at most 5 are accepted in one file" in report.issues[0].message
    assert report.outcome == "rejected"
    assert snapshot(loaded) == before_rows
    assert loaded.execute("select outcome from loads where load_id = ?", [report.load_id]).fetchone() == (
        "rejected",
    )


def test_row_cap_rejects_a_large_csv(
    loaded: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_MAX_ROWS", "5")
    from conftest import HEADER

    path = tmp_path / "big_export.csv"
    lines = [",".join(HEADER)] + [",".join(str(v) for v in r) for r in _rows(60)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before_rows = snapshot(loaded)
    report = load(loaded, path)
    assert [i.code for i in report.issues] == ["too-many-rows"]
    assert report.outcome == "rejected"
    assert snapshot(loaded) == before_rows


def test_row_cap_allows_a_file_at_the_cap(
    con: duckdb.DuckDBPyConnection, make_xlsx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_MAX_ROWS", "3")
    report = load(con, make_xlsx(_rows(3)))
    assert report.issues == [] and report.rows_loaded == 3


def test_row_cap_is_the_number_of_audit_rows(
    con: duckdb.DuckDBPyConnection, make_xlsx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_MAX_ROWS", "3")
    report = load(con, make_xlsx(_rows(4)))
    assert [i.code for i in report.issues] == ["too-many-rows"]
    assert db.table_counts(con)["audits"] == 0
