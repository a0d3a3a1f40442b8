"""The role x action matrix enforced (issue 6): every role, and a user with none, attempts every action
through the code below the pages (loaders, qa_data) on a real copy of the sample database, and is let
through exactly where tests/test_roles.py's hand-written MATRIX says. tests/test_roles.py checks the
PERMISSIONS table; this checks that the code doing each action asks it. Hos and QAL hold the Front
Door; each action is attempted there (and the area actions also in Children in Care, outside their
areas, where they must always be refused)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import HEADER, TODAY, good_row
from test_roles import EXPECTED, MATRIX_ROLES

from loaders import Source, load_file
from loaders.reflection import save_reflection
from pages import ui
from qa_data import accounts, audit_trail, audits, backup, commentary, db, roles
from qa_data.exports import documents
from qa_data.reflection import ReflectionSheet
from qa_data.scope import Scope

FD, CIC = "Front Door", "Children in Care"
QUARTER = date(2026, 7, 1)  # a complete quarter of the sample data
NO_ROLE = "no-role"
DB_NAME = "enforce.duckdb"  # in the test's tmp_path
Attempt = Callable[[duckdb.DuckDBPyConnection, Scope, str, Path], bool]


def user(role: str) -> roles.User:
    return roles.User(f"{role}.user", role, roles=() if role == NO_ROLE else (role,), service_areas=(FD,))


def _view(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, _: Path) -> bool:
    everything = audits.AuditFilter(start=date(2020, 1, 1), end=date(2030, 12, 31), service_areas=(area,))
    return audits.headline(con, scope=scope, filters=everything).activities_in_range > 0


def _upload(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, folder: Path) -> bool:
    wb = openpyxl.Workbook()
    for row in (HEADER, good_row("ENF-1", **{"Service area": area, "Audit date": TODAY})):
        wb.active.append(row)
    path = folder / "return.xlsx"
    wb.save(path)
    report = load_file(con, Source.from_path(path), kind="audits", loaded_by=scope.user, scope=scope, today=TODAY)
    return report.outcome == "loaded"


def _save_reflection(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, _: Path) -> bool:
    grades = {k: "Good" for k in ("safeguarding", "direct_work", "oversight", "supervision", "recording")}
    sheet = ReflectionSheet(audit_id="ENF-R1", audit_date=TODAY, service_area=area, overall_grade="Good",
                            team="MASH Team", worker="Sam Patel", auditor="Jo Reed", theme="Re-referrals",
                            domain_grades=grades)
    return save_reflection(con, sheet, scope=scope, loaded_by=scope.user, today=TODAY).outcome == "loaded"


def _write_commentary(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, _: Path) -> bool:
    try:
        commentary.set_commentary(con, scope=scope, report="cabinet", quarter=QUARTER, service_area=area,
                                  field="audits", text="Audit grades held steady.")
    except commentary.CommentaryRefused:
        return False
    return True


def _export(report: str) -> Attempt:
    def attempt(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, _: Path) -> bool:
        try:
            built = documents.gather(con, report, scope=scope.narrowed([area]), quarter=QUARTER)
        except documents.ExportRefused:
            return False
        assert built.sections  # built for real, not merely let through
        return True

    return attempt


def _read_names(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, _: Path) -> bool:
    return ui.may_read_names(scope, [area])


def _read_comments(con: duckdb.DuckDBPyConnection, scope: Scope, area: str, _: Path) -> bool:
    return ui.may_read_comments(scope, [area])


def _manage_users(con: duckdb.DuckDBPyConnection, scope: Scope, _: str, __: Path) -> bool:
    try:
        accounts.add_user(con, by=scope, username="new.user", display_name="New User", roles=("hos",),
                          service_areas=(FD,))
    except accounts.AccessRefused:
        return False
    return True


def _view_audit_trail(con: duckdb.DuckDBPyConnection, scope: Scope, _: str, __: Path) -> bool:
    try:
        found = audit_trail.entries(con, by=scope)
    except audit_trail.TrailRefused:
        return False
    assert len(found) > 0  # the sample loads are on the trail
    return True


def _backup(con: duckdb.DuckDBPyConnection, scope: Scope, _: str, folder: Path) -> bool:
    try:
        written = backup.backup_as(scope, folder / DB_NAME, folder / "backups")
    except backup.BackupRefused:
        return False
    assert written.is_file()
    return True


ATTEMPTS: dict[str, Attempt] = {
    "view": _view,
    "upload": _upload,
    "save_reflection": _save_reflection,
    "write_commentary": _write_commentary,
    "export_published": _export("cabinet"),
    "export_restricted": _export("qpc"),
    "read_worker_names": _read_names,
    "read_comments": _read_comments,
    "manage_users": _manage_users,
    "view_audit_trail": _view_audit_trail,
    "backup": _backup,
}


@pytest.fixture
def copy(sample_db: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path / DB_NAME
    shutil.copyfile(sample_db, path)
    con = db.connect(path)
    yield con
    con.close()


def test_every_action_has_an_attempt() -> None:
    assert set(ATTEMPTS) == set(roles.ACTIONS)
    assert set(MATRIX_ROLES) == set(roles.ROLES)


@pytest.mark.parametrize("action", sorted(roles.ACTIONS))
@pytest.mark.parametrize("role", [*MATRIX_ROLES, NO_ROLE])
def test_role_x_action_is_enforced_below_the_pages(
    copy: duckdb.DuckDBPyConnection, tmp_path: Path, role: str, action: str
) -> None:
    scope = Scope.for_user(user(role))
    allowed = role != NO_ROLE and EXPECTED[(action, role)]
    assert ATTEMPTS[action](copy, scope, FD, tmp_path) is allowed
    if action in roles.AREA_ACTIONS and role in roles.OWN_AREA_ROLES:
        # Outside their own area the same action is refused whatever the role allows.
        assert ATTEMPTS[action](copy, scope, CIC, tmp_path) is False
