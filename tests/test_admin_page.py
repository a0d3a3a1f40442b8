"""The Administration page through AppTest on a copy of the sample database with one administrator
(made as the command line makes the first one). What the page shows is checked against the `users`
and `audit_trail` tables read with plain SQL on the same file."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, app_copy
from streamlit.testing.v1 import AppTest

from qa_data import accounts, db
from qa_data.roles import User
from qa_data.scope import Scope

APP = ROOT / "app.py"
PAGE = "pages/admin.py"
ADMIN_PASSWORD = "granite-otter-lantern-41"
NEW_PASSWORD = "copper-heron-meadow-72"
ADMIN = User("admin@northbridge.gov.uk", "Ada Admin", ("admin",))

pytestmark = pytest.mark.usefixtures("fresh_caches")


def rows(path: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    con = db.connect(path)
    try:
        return db.cursor(con).execute(query, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The sample data's own uploads are in the trail; these tests start it afresh so that the entries
    # they expect are the only ones.
    path = app_copy(sample_db, tmp_path, monkeypatch, clear=("audit_trail",))
    con = db.connect(path)
    try:
        made = accounts.create_first_admin(
            con, actor="operator", username=ADMIN.username, display_name=ADMIN.display_name, password=ADMIN_PASSWORD
        )
    finally:
        con.close()
    assert made == ADMIN
    monkeypatch.setattr("pages.ui.current_scope", lambda: Scope.for_user(ADMIN))
    return path


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def users_frame(at: AppTest) -> Any:
    found = [d.value for d in at.dataframe if "Username" in d.value.columns]
    assert len(found) == 1
    return found[0]


def trail_frame(at: AppTest) -> Any:
    found = [d.value for d in at.dataframe if "seq" in d.value.columns]
    assert len(found) == 1
    return found[0]


def fill_add_form(at: AppTest, username: str, password: str, again: str | None = None) -> None:
    at.text_input(key="add_username").input(username)
    at.text_input(key="add_display_name").input("Harriet Hos")
    at.multiselect(key="add_roles").set_value(["hos"])
    at.multiselect(key="add_areas").set_value(["Front Door", "Care Leavers"])
    at.text_input(key="add_password").input(password)
    at.text_input(key="add_password_again").input(password if again is None else again)
    at.button(key="add_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]


def texts(elements: Any) -> list[str]:
    return [e.value for e in elements]


def test_add_a_head_of_service_through_the_form(app_db: Path) -> None:
    at = open_page()
    assert at.title[0].value == "Administration"
    assert list(users_frame(at)["Username"]) == [ADMIN.username]
    fill_add_form(at, "Harriet.Hos@Northbridge.gov.uk", NEW_PASSWORD)
    name = "harriet.hos@northbridge.gov.uk"  # usernames are kept in lower case
    assert texts(at.success) == [
        f"Added {name} (Harriet Hos): Head of Service; Front Door, Care Leavers; signs in with a password."
    ]
    table = users_frame(at)
    row = table[table["Username"] == name].iloc[0]
    assert (row["Display name"], row["Roles"], row["Service areas"], row["Active"], row["Last changed by"]) == (
        "Harriet Hos",
        "Head of Service",
        "Front Door, Care Leavers",
        True,
        ADMIN.username,
    )
    assert not any("argon2" in str(v) for v in table.to_numpy().ravel())
    ((roles, areas, stored, created_by),) = rows(
        app_db, "select roles, service_areas, password_hash, created_by from users where username = ?", name
    )
    assert (roles, areas, created_by) == (["hos"], ["Front Door", "Care Leavers"], ADMIN.username)
    assert stored.startswith("$argon2id$") and NEW_PASSWORD not in stored
    assert accounts.verify_password(stored, NEW_PASSWORD)
    # The trail lists the entry with the administrator as actor.
    trail = trail_frame(at)
    newest = trail.iloc[0]
    assert (newest["actor"], newest["action"], newest["target"]) == (ADMIN.username, "user_add", name)
    assert "roles: hos" in newest["detail"] and "sign_in: password" in newest["detail"]
    assert rows(app_db, "select max(seq), count(*) from audit_trail") == [(int(newest["seq"]), len(trail))]


def test_a_short_password_is_refused_in_words_and_nothing_is_written(app_db: Path) -> None:
    before = rows(app_db, "select count(*) from users"), rows(app_db, "select count(*) from audit_trail")
    at = open_page()
    fill_add_form(at, "short@northbridge.gov.uk", "short-pw")
    assert texts(at.error) == ["Nothing changed: password refused: it must be at least 12 characters long."]
    assert texts(at.success) == []
    fill_add_form(at, "typo@northbridge.gov.uk", NEW_PASSWORD, again=NEW_PASSWORD + "x")
    assert texts(at.error) == ["Nothing changed: the two passwords do not match."]
    after = rows(app_db, "select count(*) from users"), rows(app_db, "select count(*) from audit_trail")
    assert after == before == ([(1,)], [(1,)])
    assert list(users_frame(at)["Username"]) == [ADMIN.username]


def test_a_head_of_service_needs_an_area(app_db: Path) -> None:
    at = open_page()
    at.text_input(key="add_username").input("noarea@northbridge.gov.uk")
    at.text_input(key="add_display_name").input("No Area")
    at.multiselect(key="add_roles").set_value(["qal"])
    at.checkbox(key="add_sso").check()
    at.button(key="add_submit").click().run()
    assert texts(at.error) == [
        "Nothing changed: a Head of Service or Quality Assurance Lead needs at least one service area."
    ]
    assert rows(app_db, "select count(*) from users") == [(1,)]


def test_disabling_the_last_administrator_is_refused(app_db: Path) -> None:
    at = open_page()
    at.selectbox(key="disable_who").set_value(ADMIN.username)
    at.button(key="disable_submit").click().run()
    assert texts(at.error) == [
        f"Nothing changed: {ADMIN.username} is the last active administrator; add another first."
    ]
    assert rows(app_db, "select active from users") == [(True,)]
    assert rows(app_db, "select action from audit_trail order by seq") == [("user_add",)]


def test_change_roles_and_set_a_password(app_db: Path) -> None:
    at = open_page()
    fill_add_form(at, "hh@northbridge.gov.uk", NEW_PASSWORD)
    at.selectbox(key="change_who").set_value("hh@northbridge.gov.uk").run()
    at.multiselect(key="change_hh@northbridge.gov.uk_roles").set_value(["hos", "qal"])
    at.button(key="change_hh@northbridge.gov.uk_submit").click().run()
    assert texts(at.success) == [
        "Changed hh@northbridge.gov.uk: roles Head of Service → Head of Service, Quality Assurance Lead."
    ]
    assert rows(app_db, "select roles from users where username = 'hh@northbridge.gov.uk'") == [(["hos", "qal"],)]
    at.selectbox(key="password_who").set_value("hh@northbridge.gov.uk")
    at.text_input(key="password_new").input("another-long-secret-93")
    at.text_input(key="password_again").input("another-long-secret-93")
    at.button(key="password_submit").click().run()
    assert texts(at.success) == ["New password set for hh@northbridge.gov.uk; any lockout is cleared."]
    ((stored,),) = rows(app_db, "select password_hash from users where username = 'hh@northbridge.gov.uk'")
    assert accounts.verify_password(stored, "another-long-secret-93")
    assert [a for (a,) in rows(app_db, "select action from audit_trail order by seq")] == [
        "user_add",
        "user_add",
        "user_change",
        "password_set",
    ]


def test_verify_says_intact_then_names_the_tampered_entry(app_db: Path) -> None:
    at = open_page()
    fill_add_form(at, "hh@northbridge.gov.uk", NEW_PASSWORD)
    at.button(key="verify_chain").click().run()
    ((seq, digest),) = rows(app_db, "select seq, hash from audit_trail order by seq desc limit 1")
    assert seq == 2
    assert texts(at.success) == [f"Chain intact: 2 entries, head hash {digest[:12]}…"]
    assert f"seq 2  {digest}" in texts(at.code)
    rows(app_db, "update audit_trail set actor = 'someone.else' where seq = 1")
    at.button(key="verify_chain").click().run()
    assert texts(at.error) == ["Chain broken at entry 1: entry 1 was changed after it was written."]


def test_someone_without_the_permission_sees_no_users(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hos = User("hos@northbridge.gov.uk", "Hal Hos", ("hos",), ("Front Door",))
    monkeypatch.setattr("pages.ui.current_scope", lambda: Scope.for_user(hos))
    # The navigation leaves the page out for them; a deep link runs the page script, which refuses.
    at = AppTest.from_file(ROOT / "pages" / "admin.py", default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert texts(at.error) == ["You do not have access to this page. Ask an administrator if you need it."]
    assert len(at.dataframe) == 0 and len(at.tabs) == 0 and len(at.code) == 0
    assert [b.key for b in at.button if b.key in ("add_submit", "verify_chain", "backup_now")] == []
    shown = texts(at.markdown) + texts(at.caption) + texts(at.text)
    assert not [t for t in shown if ADMIN.username in t]


def test_backup_writes_a_file_whose_checksum_matches(app_db: Path) -> None:
    at = open_page()
    at.button(key="backup_now").click().run()
    assert not at.exception, [e.value for e in at.exception]
    written = sorted((app_db.parent / "backups").glob("*.duckdb"))
    assert len(written) == 1
    digest = hashlib.sha256(written[0].read_bytes()).hexdigest()
    assert Path(f"{written[0]}.sha256").read_text(encoding="utf-8") == f"{digest}  {written[0].name}\n"
    assert texts(at.success) == [f"Backup written: {written[0].name}"]
    assert f"{digest}  {written[0].name}" in texts(at.code)
    assert f"python -m qa_data restore {written[0]} --db {app_db.resolve()}" in texts(at.code)
    # Who backed up is in the trail (written before the copy, so the backup holds its own entry).
    assert rows(app_db, "select actor, target, detail->>'backup_file' from audit_trail where action = 'backup'") == [
        (ADMIN.username, written[0].name, written[0].name)
    ]


def test_the_trail_pages_by_a_hundred_and_filters_by_action_and_who(app_db: Path) -> None:
    # 250 sign-ins recorded as accounts records them: with the administrator's add, 251 entries.
    con = db.connect(app_db)
    try:
        for n in range(250):
            accounts.record_sign_in(con, user=ADMIN, method="sso", now=datetime(2026, 11, 26, 9, n // 60, n % 60))
    finally:
        con.close()
    at = open_page()
    assert list(trail_frame(at)["seq"]) == list(range(251, 151, -1))
    assert at.button(key="trail_newer").disabled
    at.button(key="trail_older").click().run()
    assert list(trail_frame(at)["seq"]) == list(range(151, 51, -1))
    at.button(key="trail_older").click().run()
    assert list(trail_frame(at)["seq"]) == list(range(51, 0, -1))
    assert at.button(key="trail_older").disabled
    at.selectbox(key="trail_action").set_value("user_add").run()  # a new filter starts at the newest
    trail = trail_frame(at)
    assert list(trail["seq"]) == [1] and list(trail["actor"]) == ["operator"]
    at.selectbox(key="trail_who").set_value(ADMIN.username).run()
    assert texts(at.info) == ["No audit-trail entries match."]
    at.selectbox(key="trail_action").set_value("All actions").run()
    trail = trail_frame(at)
    assert list(trail["seq"]) == list(range(251, 151, -1)) and set(trail["action"]) == {"sign_in"}
    assert set(trail["actor"]) == {ADMIN.username} and set(trail["detail"]) == {"method: sso"}
