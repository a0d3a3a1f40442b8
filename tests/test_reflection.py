"""The Single Audit Case Reflection Sheet (framework Appendix C) in the data layer: a sheet is saved
as a one-row audit return through the audit loader, with its agreed actions in the same transaction,
and downloads as a workbook that uploads again as the same audit."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb
import openpyxl
import pytest
from conftest import TODAY

from loaders.audits import load_audits
from loaders.reflection import (
    FORM_SHEET,
    RETURN_SHEET,
    file_name,
    problems,
    reflection_xlsx,
    return_headers,
    save_reflection,
)
from loaders.workbook import Source
from qa_data import roles, vocab
from qa_data.exports.safe import workbook_problems
from qa_data.reflection import AgreedAction, ReflectionSheet, actions_from_records
from qa_data.scope import Scope

ALL = Scope.everything(user="qal")
SHEET = ReflectionSheet(
    audit_id="RS-1",
    audit_date=date(2026, 10, 5),
    service_area="Front Door",
    overall_grade="Requires improvement",
    moderated_grade="Good",
    team="MASH Team",
    worker="Sam Patel",
    auditor="Jo Reed",
    theme="Re-referrals",
    child_ref="C-1042",
    reaudit_of=None,
    domain_grades={
        "safeguarding": "Good", "direct_work": "Outstanding", "oversight": "Requires improvement",
        "supervision": "Inadequate", "recording": "Good",
    },
    worker_notified=True,
    feedback_given=True,
    feedback_date=date(2026, 10, 12),
    strengths="Clear chronology.\nThe child's words are quoted.",
    areas_for_development="Plan actions lack dates.",
    worker_reflection="I will review the plan with the family.",
    actions=(
        AgreedAction("Add dates to every plan action", "Sam Patel", date(2026, 11, 30)),
        AgreedAction("Book supervision", "Team manager", date(2026, 10, 19)),
    ),
)


def save(con: duckdb.DuckDBPyConnection, sheet: ReflectionSheet, scope: Scope = ALL) -> Any:
    return save_reflection(con, sheet, scope=scope, loaded_by="qal", today=TODAY)


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608 - fixed names
        for t in ("audits", "audit_agreed_actions", "loads")
    )


def located(report: Any) -> list[tuple[Any, ...]]:
    return [(i.sheet, i.row, i.column, i.code, i.severity) for i in report.issues]


def actions(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select audit_id, seq, action, owner, due_date from audit_agreed_actions order by audit_id, seq"
    ).fetchall()


def test_a_valid_sheet_is_one_audit_with_its_grades_reflection_and_actions(con: duckdb.DuckDBPyConnection) -> None:
    report = save(con, SHEET)
    assert (report.outcome, report.rows_loaded, report.issues) == ("loaded", 1, [])
    row = con.execute(
        "select audit_id, activity_type, audit_date, service_area, team, worker, auditor, theme, child_ref, "
        "overall_grade, moderated_grade, final_grade, good_or_better, safeguarding_grade, direct_work_grade, "
        "oversight_grade, supervision_grade, recording_grade, planning_grade, worker_notified, feedback_given, "
        "feedback_date, strengths, areas_for_development, worker_reflection, reaudit_of, load_id from audits"
    ).fetchall()
    assert row == [(
        "RS-1", "case_audit", date(2026, 10, 5), "Front Door", "MASH Team", "Sam Patel", "Jo Reed",
        "Re-referrals", "C-1042", "Requires improvement", "Good", "Good", True, "Good", "Outstanding",
        "Requires improvement", "Inadequate", "Good", None, True, True, date(2026, 10, 12),
        "Clear chronology.\nThe child's words are quoted.", "Plan actions lack dates.",
        "I will review the plan with the family.", None, report.load_id,
    )]
    assert actions(con) == [
        ("RS-1", 1, "Add dates to every plan action", "Sam Patel", date(2026, 11, 30)),
        ("RS-1", 2, "Book supervision", "Team manager", date(2026, 10, 19)),
    ]
    # The actions were written with the audit, under its load.
    assert con.execute("select distinct load_id from audit_agreed_actions").fetchall() == [(report.load_id,)]
    assert con.execute("select file_name, kind, loaded_by, outcome, rows_loaded from loads").fetchall() == [
        ("Reflection sheet RS-1.xlsx", "audits", "qal", "loaded", 1)
    ]
    # Domain grades reach the same view an uploaded audit's do.
    assert con.execute(
        "select domain, grade from audit_grades where audit_id = 'RS-1' order by domain"
    ).fetchall() == [("direct_work", "Outstanding"), ("oversight", "Requires improvement"),
                     ("recording", "Good"), ("safeguarding", "Good"), ("supervision", "Inadequate")]


def test_a_reaudit_names_its_original(con: duckdb.DuckDBPyConnection) -> None:
    save(con, SHEET)
    report = save(con, replace(SHEET, audit_id="RS-2", reaudit_of="RS-1", actions=()))
    assert report.outcome == "loaded" and report.issues == []
    assert con.execute("select reaudit_of from audits where audit_id = 'RS-2'").fetchone() == ("RS-1",)
    unknown = save(con, replace(SHEET, audit_id="RS-3", reaudit_of="RS-99", actions=()))
    assert unknown.outcome == "loaded"
    assert located(unknown) == [("Case details", None, "Re-audit of", "unknown-original-audit", "warning")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"overall_grade": None}, [("Grades", None, "Overall grade", "missing-value", "error")]),
        ({"service_area": "Narnia"}, [("Case details", None, "Service area", "unknown-service-area", "error")]),
        ({"audit_id": "  "}, [("Case details", None, "Audit ID", "missing-value", "error")]),
        ({"audit_date": date(2026, 12, 1), "actions": ()},
         [("Case details", None, "Audit date", "future-date", "error")]),
        ({"domain_grades": {**SHEET.domain_grades, "oversight": "Brilliant"}},
         [("Grades", None, "Oversight of casework and decisions", "unknown-grade", "error")]),
        # The loader only warns when supervision is not graded; the form requires it (and the three
        # quality markers), and says so once.
        ({"domain_grades": {"safeguarding": "Good", "direct_work": "Good", "oversight": "Good"}},
         [("Grades", None, "Supervision", "missing-value", "error")]),
        ({"actions": (
            AgreedAction("Add dates", None, date(2026, 11, 30)),
            AgreedAction("Book supervision", "Team manager", date(2026, 10, 4)),
            AgreedAction(None, " ", None),
        )}, [
            ("Actions", 1, "Owner", "missing-value", "error"),
            ("Actions", 2, "Due date", "due-before-audit", "error"),
            ("Actions", 3, "Action", "missing-value", "error"),
            ("Actions", 3, "Owner", "missing-value", "error"),
            ("Actions", 3, "Due date", "missing-value", "error"),
        ]),
    ],
    ids=["no-overall-grade", "unknown-area", "blank-audit-id", "future-date", "unknown-grade",
         "no-supervision-grade", "bad-actions"],
)
def test_an_invalid_sheet_gives_located_issues_and_writes_nothing(
    con: duckdb.DuckDBPyConnection, change: dict[str, Any], expected: list[tuple[Any, ...]]
) -> None:
    save(con, replace(SHEET, audit_id="RS-0"))  # something already stored, that must stay as it is
    before, stored = counts(con), actions(con)
    report = save(con, replace(SHEET, **change))
    assert report.outcome == "rejected"
    assert located(report) == expected
    assert counts(con) == before and actions(con) == stored


def test_problems_say_where_on_the_form_in_plain_words(con: duckdb.DuckDBPyConnection) -> None:
    bad = replace(
        SHEET, overall_grade=None, actions=(AgreedAction("Add dates", "", date(2026, 9, 1)),)
    )
    assert problems(save(con, bad)) == [
        "Grades, Overall grade: Overall grade is blank.",
        "Actions, row 1, column Owner: Owner is blank.",
        "Actions, row 1, column Due date: Due date 01/09/2026 is before the audit date 05/10/2026.",
    ]


def test_saving_the_same_sheet_again_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    first = save(con, SHEET)
    again = save(con, SHEET)
    assert (again.outcome, again.rows_loaded) == ("unchanged", 0)
    assert con.execute("select load_id from audits").fetchall() == [(first.load_id,)]
    assert len(actions(con)) == 2
    assert con.execute("select outcome from loads order by loaded_at").fetchall() == [("loaded",), ("unchanged",)]


def test_a_corrected_sheet_replaces_the_audit_and_its_actions(con: duckdb.DuckDBPyConnection) -> None:
    save(con, SHEET)
    save(con, replace(SHEET, audit_id="RS-OTHER"))
    corrected = replace(
        SHEET, overall_grade="Good", moderated_grade=None,
        actions=(AgreedAction("Book supervision", "Team manager", date(2026, 10, 26)),),
    )
    report = save(con, corrected)
    assert (report.outcome, report.rows_loaded, report.rows_replaced) == ("loaded", 1, 1)
    assert con.execute(
        "select overall_grade, moderated_grade, final_grade from audits where audit_id = 'RS-1'"
    ).fetchall() == [("Good", None, "Good")]
    assert actions(con) == [
        ("RS-1", 1, "Book supervision", "Team manager", date(2026, 10, 26)),
        ("RS-OTHER", 1, "Add dates to every plan action", "Sam Patel", date(2026, 11, 30)),
        ("RS-OTHER", 2, "Book supervision", "Team manager", date(2026, 10, 19)),
    ]
    # A change to the actions alone is a change too; removing them all removes them.
    only_actions = save(con, replace(corrected, actions=()))
    assert (only_actions.outcome, only_actions.rows_replaced) == ("loaded", 1)
    assert [a[0] for a in actions(con)] == ["RS-OTHER", "RS-OTHER"]
    assert counts(con)[0] == 2


def test_only_service_areas_in_scope_can_be_saved(con: duckdb.DuckDBPyConnection) -> None:
    front_door = Scope(("Front Door",), user="hos")
    report = save(con, replace(SHEET, service_area="Care Leavers"), front_door)
    assert located(report) == [("Case details", None, "Service area", "out-of-scope", "error")]
    assert counts(con) == (0, 0, 0)
    # Nor can an audit of another area be overwritten by reusing its ID.
    save(con, replace(SHEET, service_area="Care Leavers"))
    report = save(con, SHEET, front_door)
    assert located(report) == [("Case details", None, "Audit ID", "out-of-scope", "error")]
    assert con.execute("select service_area from audits").fetchall() == [("Care Leavers",)]
    assert save(con, replace(SHEET, audit_id="RS-FD"), front_door).outcome == "loaded"


def test_an_ad_who_is_also_a_qal_saves_only_in_the_qal_areas(con: duckdb.DuckDBPyConnection) -> None:
    # Views every area (ad), saves reflections only for the Front Door (qal): saving is what counts.
    both = Scope.for_user(roles.User("ad.qal", "AD and QAL", roles=("ad", "qal"), service_areas=("Front Door",)))
    assert "Care Leavers" in both.service_areas
    report = save(con, replace(SHEET, service_area="Care Leavers"), both)
    assert located(report) == [("Case details", None, "Service area", "out-of-scope", "error")]
    assert counts(con) == (0, 0, 0)
    assert save(con, replace(SHEET, audit_id="RS-FD"), both).outcome == "loaded"


FORMULAS = {
    "strengths": '=HYPERLINK("http://example.com","click")',
    "worker": "+44 7700 900123",
    "theme": "@SUM(A1:A9)",
    "worker_reflection": "-1+2",
    "team": "=1+1",
}


def _sheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")}


def test_text_that_looks_like_a_formula_is_stored_and_exported_as_text(con: duckdb.DuckDBPyConnection) -> None:
    sheet = replace(SHEET, actions=(AgreedAction("=2+2", "@owner", date(2026, 11, 30)),), **FORMULAS)
    assert save(con, sheet).outcome == "loaded"
    stored = con.execute(
        f"select {', '.join(FORMULAS)} from audits"  # noqa: S608 - names from this test
    ).fetchone()
    assert stored == tuple(FORMULAS.values())
    assert actions(con) == [("RS-1", 1, "=2+2", "@owner", date(2026, 11, 30))]
    parts = _sheet_xml(reflection_xlsx(sheet))
    assert len(parts) == 2
    for xml in parts.values():
        assert "<f>" not in xml and "<f " not in xml
    assert workbook_problems(reflection_xlsx(sheet)) == []
    # The download shows such text with a leading quote (the rule for every spreadsheet we write);
    # the text saved above is exactly as typed.
    wb = openpyxl.load_workbook(io.BytesIO(reflection_xlsx(sheet)))
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in texts if c.value.lstrip("'") in (*FORMULAS.values(), "=2+2", "@owner")]
    assert len(risky) == 2 * len(FORMULAS) + 2  # each on both sheets, and the action's two cells
    assert all(c.data_type == "s" and c.value.startswith("'") for c in risky)
    assert "'" + FORMULAS["strengths"] in {c.value for c in risky}


def test_the_download_is_a_printable_form_and_an_audit_return() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(reflection_xlsx(SHEET)))
    assert wb.sheetnames == [FORM_SHEET, RETURN_SHEET]
    form = wb[FORM_SHEET]
    assert form["A1"].value == "Single Audit Case Reflection Sheet"
    cells = {c.value: c for row in form.iter_rows() for c in row if c.value is not None}
    labels = {form.cell(row=c.row, column=1).value: c for c in form["B"] if c.value is not None}
    assert labels["Audit ID"].value == "RS-1"
    assert labels["Audit date"].value.date() == date(2026, 10, 5)
    assert labels["Audit date"].number_format == "dd/mm/yyyy"
    for label, grade in (("Overall grade", "Requires improvement"), ("Moderated grade", "Good"),
                         ("Supervision", "Inadequate"), ("Direct work and voice of the child", "Outstanding")):
        assert labels[label].value == grade
        assert labels[label].fill.fgColor.rgb == "00" + vocab.GRADE_COLOURS[grade].lstrip("#").upper()
    for heading in ("Strengths", "Areas for development", "Worker's reflection", "Agreed actions"):
        assert heading in cells
    text = form.cell(row=cells["Strengths"].row + 1, column=1)
    assert text.value == SHEET.strengths and text.alignment.wrap_text
    header = cells["Owner"].row
    first = [form.cell(row=header + 1, column=c).value for c in (1, 3)]
    assert first == ["Add dates to every plan action", "Sam Patel"]
    assert form.cell(row=header + 2, column=4).value.date() == date(2026, 10, 19)
    ret = wb[RETURN_SHEET]
    assert [c.value for c in ret[1]] == return_headers()
    assert ret.max_row == 2
    assert file_name(replace(SHEET, audit_id=" RS/1 ")) == "Reflection sheet RS_1.xlsx"


def test_the_download_uploads_again_as_the_same_audit(con: duckdb.DuckDBPyConnection, tmp_path: Any) -> None:
    data = reflection_xlsx(SHEET)
    assert save(con, SHEET).outcome == "loaded"
    # On the same database: the upload is the audit already stored.
    again = load_audits(con, Source("Reflection sheet RS-1.xlsx", data), loaded_by="qal", today=TODAY)
    assert (again.outcome, again.sheet, again.issues) == ("unchanged", RETURN_SHEET, [])
    # On another database it loads as the same row.
    from qa_data import db

    other = db.connect(tmp_path / "other.duckdb")
    try:
        report = load_audits(other, Source("upload.xlsx", data), loaded_by="qal", today=TODAY)
        assert (report.outcome, report.rows_loaded) == ("loaded", 1)
        query = "select * exclude (load_id) from audits"
        assert other.execute(query).fetchall() == con.execute(query).fetchall()
    finally:
        other.close()


def test_actions_from_an_editable_table_skip_empty_rows() -> None:
    import pandas as pd

    frame = pd.DataFrame({
        "Action": [" Add dates ", None, ""],
        "Owner": ["Sam", None, None],
        "Due date": pd.to_datetime(["2026-11-30", None, "2026-12-01"]),
    })
    assert actions_from_records(frame.to_dict("records")) == (
        AgreedAction("Add dates", "Sam", date(2026, 11, 30)),
        AgreedAction(None, None, date(2026, 12, 1)),
    )
