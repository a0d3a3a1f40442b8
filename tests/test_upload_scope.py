"""Uploads are limited to the uploader's service areas (issue 6), in the loaders themselves: a QAL for
the Front Door cannot load another area's rows, cannot replace a record stored for another area by
re-using its ID, and a file that replaces a period replaces it only in their areas. Council-wide files
(Annex A, KPI extracts, comparators, the catalogue, the action tracker) need upload rights in every
area. The role x kind matrix loads a real file of every kind as every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from conftest import HEADER, TODAY, good_row
from db_fingerprint import differing, fingerprints

from loaders import KINDS, LoadReport, Source, load_file, samples, upload_scope
from qa_data import roles
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

FD, CIC = "Front Door", "Children in Care"
QAL_FD = roles.User("qal.fd", "QAL Front Door", roles=("qal",), service_areas=(FD,))
QAL_ALL = roles.User("qal.all", "QAL every area", roles=("qal",), service_areas=SERVICE_AREAS)
USERS = {
    "ad": roles.User("ad", "AD", roles=("ad",)),
    "hos": roles.User("hos.fd", "HoS Front Door", roles=("hos",), service_areas=(FD,)),
    "qal": QAL_FD,
    "qal-every-area": QAL_ALL,
    "analyst": roles.User("analyst", "Analyst", roles=("analyst",)),
    "admin": roles.User("admin", "Admin", roles=("admin",)),
    "no-role": roles.User("nobody", "Nobody"),
}
# What an upload of each kind by each user ends as (the file is valid and holds Front Door rows only
# for the per-area kinds): loaded, or rejected with this first error code.
PER_AREA = ("audits", "surveys", "complaints", "audit_plan")
EXPECTED = {
    (user, kind): (
        "loaded" if user == "qal-every-area" or (user == "qal" and kind in PER_AREA)
        else "council-wide-upload" if user == "qal"
        else "upload-not-permitted"
    )
    for user in USERS for kind in KINDS
}
Write = Callable[..., Path]
# Data tables: what a rejected upload must leave exactly as it was (loads and the trail record the attempt).
RECORDS = ("loads", "audit_trail")


def _xlsx(folder: Path, name: str, header: list[str], rows: list[list[Any]], sheet: str = "Data") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = folder / name
    wb.save(path)
    return path


SURVEY = ["Survey", "Response ID", "Respondent type", "Service area", "Date", "I felt listened to"]
COMPLAINTS = ["Reference", "Type", "Date", "Service area", "Category", "Stage", "Upheld"]
PLAN = ["Month", "Service area", "Activity type", "Theme", "Planned"]


def survey_row(response: str, area: str = FD, answer: str = "Agree") -> list[Any]:
    return ["Family survey 2026", response, "Parent or carer", area, date(2026, 10, 5), answer]


def complaint_row(area: str = FD, ref: str = "C-1") -> list[Any]:
    return [ref, "Complaint", date(2026, 10, 7), area, "Communication", "Stage 1", "Upheld"]


def plan_row(area: str = FD, planned: int = 4) -> list[Any]:
    return ["Oct 2026", area, "Case audit", "Re-referrals", planned]


def front_door_file(kind: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    """A valid file of `kind` (Front Door rows only for the per-area kinds), with its loader options."""
    if kind == "audits":
        return _xlsx(folder, "audits.xlsx", HEADER, [good_row("FD-1"), good_row("FD-2")], "Audits"), {}
    if kind == "surveys":
        return _xlsx(folder, "survey.xlsx", SURVEY, [survey_row("R-1"), survey_row("R-2")]), {}
    if kind == "complaints":
        return _xlsx(folder, "complaints.xlsx", COMPLAINTS, [complaint_row()]), {}
    if kind == "audit_plan":
        return _xlsx(folder, "plan.xlsx", PLAN, [plan_row()]), {}
    if kind == "catalogue":
        return _xlsx(folder, "catalogue.xlsx", ["Code", "Name", "Definition", "Unit", "Direction", "Target"],
                     [["caseload", "Caseload", "Children per social worker", "count", "lower", 16]]), {}
    if kind == "annex_a":
        path, day = samples.annex_a_files()[-1]
        return path, {"reference_date": day}
    if kind == "actions":
        return samples.later_files()[0][0], {}
    return next(p for p, k in samples.kpi_files() if k == kind), {}


def load(con: duckdb.DuckDBPyConnection, path: Path, kind: str, user: roles.User | None,
         **options: Any) -> LoadReport:
    scope = None if user is None else Scope.for_user(user)
    return load_file(con, Source.from_path(path), kind=kind, loaded_by=user.username if user else "operator",
                     scope=scope, today=TODAY, **options)


def data_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    return {t: f for t, f in fingerprints(con).items() if t not in RECORDS}


def codes(report: LoadReport) -> list[str]:
    return [i.code for i in report.errors]


@pytest.mark.parametrize(("user", "kind"), sorted(EXPECTED))
def test_role_x_kind_upload_matrix(con: duckdb.DuckDBPyConnection, tmp_path: Path, user: str, kind: str) -> None:
    path, options = front_door_file(kind, tmp_path)
    before = data_fingerprint(con)
    report = load(con, path, kind, USERS[user], **options)
    expected = EXPECTED[(user, kind)]
    if expected == "loaded":
        assert (report.outcome, report.valid) == ("loaded", True), report.issues
        assert report.rows_loaded > 0
        return
    assert report.outcome == "rejected"
    assert codes(report) == [expected]  # refused before the file is read: one file-level error
    assert (report.issues[0].sheet, report.issues[0].row) == (None, None)
    assert differing(before, data_fingerprint(con)) == []
    assert upload_scope.may_load(kind, Scope.for_user(USERS[user])) is False
    stored = con.execute("select outcome, loaded_by from loads").fetchall()
    assert stored == [("rejected", USERS[user].username)]  # the attempt is on record


def test_the_matrix_covers_every_kind_and_the_permissions_table() -> None:
    assert {k for _, k in EXPECTED} == set(KINDS)
    assert {u for u, _ in EXPECTED} >= set(roles.ROLES)
    # Whoever may upload per roles.PERMISSIONS is exactly who loads something in the matrix.
    for name, user in USERS.items():
        loads_any = any(EXPECTED[(name, k)] == "loaded" for k in KINDS)
        assert loads_any == roles.allowed(user, "upload"), name


def test_a_row_for_another_area_is_a_located_error_and_nothing_is_written(
    con: duckdb.DuckDBPyConnection, make_xlsx: Write
) -> None:
    path = make_xlsx([good_row("FD-1"), good_row("CIC-1", **{"Service area": "CiC"}),
                      good_row("FD-2", **{"Service area": "MASH"})])
    before = data_fingerprint(con)
    report = load(con, path, "audits", QAL_FD)
    assert report.outcome == "rejected"
    assert [(i.code, i.sheet, i.row, i.column, i.column_letter, i.value) for i in report.errors] == [
        ("area-not-permitted", "Audits", 3, "Service area", "D", CIC),
    ]
    assert report.errors[0].message == (
        "This row is for Children in Care; you may upload only for Front Door. Remove the row, or ask "
        "Children in Care's Quality Assurance Lead to load it.")
    assert differing(before, data_fingerprint(con)) == []
    # The same file from the command line (no scope) loads all three.
    assert load(con, path, "audits", None).rows_loaded == 3


@pytest.mark.parametrize("kind", ["audits", "complaints"])
def test_many_rows_for_other_areas_are_listed_then_counted(
    con: duckdb.DuckDBPyConnection, make_xlsx: Write, tmp_path: Path, kind: str
) -> None:
    if kind == "audits":
        path = make_xlsx([good_row(f"CIC-{i}", **{"Service area": CIC}) for i in range(53)])
    else:
        path = _xlsx(tmp_path, "c.xlsx", COMPLAINTS, [complaint_row(CIC, f"C-{i}") for i in range(53)])
    report = load(con, path, kind, QAL_FD)
    # The summary line has no row, so it sorts first, as the file's other summaries do.
    assert [i.row for i in report.errors] == [None, *range(2, 52)]
    assert report.errors[0].message.startswith("... and 3 more row(s)")


def test_an_audit_id_stored_for_another_area_is_never_replaced(
    con: duckdb.DuckDBPyConnection, make_xlsx: Write, tmp_path: Path
) -> None:
    stored = make_xlsx([good_row("X-1", **{"Service area": CIC, "Worker": "Ann Other"})], name="cic.xlsx")
    assert load(con, stored, "audits", None).outcome == "loaded"
    before = data_fingerprint(con)
    mine = make_xlsx([good_row("FD-9"), good_row("X-1")], name="fd.xlsx")
    report = load(con, mine, "audits", QAL_FD)
    assert [(i.code, i.row, i.column, i.column_letter, i.value) for i in report.errors] == [
        ("id-outside-your-areas", 3, "Audit ID", "A", "X-1"),
    ]
    text = " ".join(i.message for i in report.issues)
    assert CIC not in text and "Ann Other" not in text  # nothing of the stored audit is told
    assert differing(before, data_fingerprint(con)) == []
    assert con.execute("select service_area, worker from audits where audit_id = 'X-1'").fetchone() == (
        CIC, "Ann Other")


def test_a_qal_replaces_their_own_areas_audits(con: duckdb.DuckDBPyConnection, make_xlsx: Write) -> None:
    assert load(con, make_xlsx([good_row("FD-1")], name="a.xlsx"), "audits", None).outcome == "loaded"
    report = load(con, make_xlsx([good_row("FD-1", **{"Overall grade": "Outstanding"})], name="b.xlsx"),
                  "audits", QAL_FD)
    assert (report.outcome, report.rows_loaded, report.rows_replaced) == ("loaded", 1, 1), report.issues
    assert con.execute("select overall_grade from audits").fetchall() == [("Outstanding",)]


def test_a_reaudit_of_another_areas_audit_reads_as_not_loaded(
    con: duckdb.DuckDBPyConnection, make_xlsx: Write
) -> None:
    load(con, make_xlsx([good_row("X-1", **{"Service area": CIC})], name="cic.xlsx"), "audits", None)
    header = [*HEADER, "Re-audit of"]
    path = make_xlsx([[*good_row("FD-1"), "X-1"], [*good_row("FD-2"), "NEVER-1"]], header=header)
    scoped = load(con, path, "audits", QAL_FD, dry_run=True)
    warnings = [(i.code, i.row, i.value) for i in scoped.warnings if i.code == "unknown-original-audit"]
    # The same warning for another area's audit as for one that does not exist: no existence leak.
    assert warnings == [("unknown-original-audit", 2, "X-1"), ("unknown-original-audit", 3, "NEVER-1")]
    unscoped = load(con, path, "audits", None, dry_run=True)
    assert [i.value for i in unscoped.warnings if i.code == "unknown-original-audit"] == ["NEVER-1"]


def test_a_survey_upload_replaces_only_the_uploaders_areas(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    first = _xlsx(tmp_path, "all.xlsx", SURVEY, [survey_row("R-1"), survey_row("R-2", CIC)])
    assert load(con, first, "surveys", None).rows_loaded == 2
    later = _xlsx(tmp_path, "fd.xlsx", SURVEY, [survey_row("R-3", answer="Disagree")])
    report = load(con, later, "surveys", QAL_FD)
    assert (report.outcome, report.rows_loaded, report.rows_replaced) == ("loaded", 1, 1), report.issues
    assert con.execute("select response_id, service_area, answer from survey_answers order by 1").fetchall() == [
        ("R-2", CIC, "Agree"), ("R-3", FD, "Disagree")]
    assert load(con, later, "surveys", QAL_FD).outcome == "unchanged"


def test_a_survey_response_stored_for_another_area_is_not_taken_over(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load(con, _xlsx(tmp_path, "all.xlsx", SURVEY, [survey_row("R-2", CIC)]), "surveys", None)
    before = data_fingerprint(con)
    report = load(con, _xlsx(tmp_path, "fd.xlsx", SURVEY, [survey_row("R-1"), survey_row("R-2")]), "surveys", QAL_FD)
    assert [(i.code, i.sheet, i.row, i.column, i.column_letter, i.value) for i in report.errors] == [
        ("id-outside-your-areas", "Data", 3, "Response ID", "B", "R-2")]
    assert differing(before, data_fingerprint(con)) == []


@pytest.mark.parametrize(("kind", "header", "row", "table"), [
    ("complaints", COMPLAINTS, complaint_row, "complaints"),
    ("audit_plan", PLAN, plan_row, "audit_plan"),
])
def test_a_file_replaces_its_months_only_in_the_uploaders_areas(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, kind: str, header: list[str], row: Callable[..., list[Any]],
    table: str,
) -> None:
    both = _xlsx(tmp_path, "both.xlsx", header, [row(FD), row(CIC)])
    assert load(con, both, kind, None).rows_loaded == 2
    mine = _xlsx(tmp_path, "fd.xlsx", header, [row(FD), row(FD)] if kind == "complaints" else [row(FD, 7)])
    report = load(con, mine, kind, QAL_FD)
    assert (report.outcome, report.rows_replaced) == ("loaded", 1), report.issues
    areas = con.execute(f"select service_area, count(*) from {table} group by 1 order by 1").fetchall()  # noqa: S608
    assert areas == [(CIC, 1), (FD, 2 if kind == "complaints" else 1)]
    # A row for another area in the same file is refused, located.
    other = _xlsx(tmp_path, "other.xlsx", header, [row(FD), row(CIC)])
    refused = load(con, other, kind, QAL_FD)
    assert [(i.code, i.row, i.column, i.value) for i in refused.errors] == [
        ("area-not-permitted", 3, "Service area", CIC)]
    # Without a scope (the command line) the file replaces the months in every area, as before.
    assert load(con, _xlsx(tmp_path, "fd-only.xlsx", header, [row(FD)]), kind, None).rows_replaced == (
        3 if kind == "complaints" else 2)
    assert con.execute(f"select count(*) from {table}").fetchone() == (1,)  # noqa: S608


def test_an_uploader_of_every_area_is_not_limited(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    both = _xlsx(tmp_path, "both.xlsx", PLAN, [plan_row(FD), plan_row(CIC)])
    assert load(con, both, "audit_plan", QAL_ALL).rows_loaded == 2
    assert load(con, _xlsx(tmp_path, "fd.xlsx", PLAN, [plan_row(FD)]), "audit_plan", QAL_ALL).rows_replaced == 2
