"""Sign-in through AppTest: local accounts (real users, argon2 hashes, the audit trail), idle expiry,
the demo refused on real data, single sign-on's mapping from an e-mail to a user, which pages each
role is offered and whether it reads worker names."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import HEADER, ROOT, TODAY, good_row
from streamlit.testing.v1 import AppTest

import app
import loaders
from loaders import samples
from pages import auth, ui
from qa_data import accounts, db
from qa_data.scope import Scope

pytestmark = pytest.mark.usefixtures("fresh_caches")
SAMPLE_DATA_ONLY = ui.sample_data_only  # the real check (conftest stands in for it elsewhere)
PASSWORD = "correct horse battery staple"
OPERATOR = Scope.operator("cli:test")
# username -> (display name, roles, own areas, local password?)
USERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], bool]] = {
    "admin.one": ("Ada Admin", ("admin",), (), True),
    "hos.fd": ("Hana Front", ("hos",), ("Front Door",), True),
    "hos.cic": ("Cal Care", ("hos",), ("Children in Care",), True),
    "qal.fd": ("Quinn Lead", ("qal",), ("Front Door",), True),
    "analyst.one": ("Ann Analyst", ("analyst",), (), True),
    "ad.one": ("Abe Director", ("ad",), (), True),
    "nobody": ("Noah Role", (), (), True),
    "lock.me": ("Lee Locked", ("hos",), ("Front Door",), True),
    "sso.hos@northbridge.example": ("Sue Sso", ("hos",), ("Children in Care",), False),
    "gone@northbridge.example": ("Gil Gone", ("hos",), ("Front Door",), False),
}


@pytest.fixture(scope="module")
def users_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database with the users above (argon2 is slow: made once per module)."""
    path = tmp_path_factory.mktemp("signin") / "users.duckdb"
    shutil.copyfile(sample_db, path)
    con = db.connect(path)
    try:
        for username, (name, roles, areas, local) in USERS.items():
            accounts.add_user(con, by=OPERATOR, username=username, display_name=name, roles=roles,
                              service_areas=areas, password=PASSWORD if local else None)
        accounts.disable_user(con, by=OPERATOR, username="gone@northbridge.example")
    finally:
        con.close()
    return path


@pytest.fixture
def local_db(users_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the users database, opened by the app in local sign-in mode."""
    path = tmp_path / "app.duckdb"
    shutil.copyfile(users_db, path)
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    monkeypatch.setenv("QA_INSIGHT_AUTH", "local")
    return path


class Clock:
    """A clock the test moves (pages.auth.now)."""

    def __init__(self) -> None:
        self.at = datetime.now().replace(microsecond=0) + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr("pages.auth.now", c)
    return c


def start() -> AppTest:
    at = AppTest.from_file(ROOT / "app.py", default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="qa_username").input(username)
    at.text_input(key="qa_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def entries(path: Path, action: str) -> list[tuple[Any, ...]]:
    """(actor, target, detail) of the audit-trail entries with `action`, oldest first, read through the
    app's own connection (the file is open in this process)."""
    cur = db.cursor(ui.connection())
    try:
        return cur.execute(
            "select actor, target, detail::varchar from audit_trail where action = ? order by seq", [action]
        ).fetchall()
    finally:
        cur.close()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in (at.markdown, at.caption, at.error, at.info, at.warning, at.title, at.success)
             for e in kind]
    return "\n".join(str(p) for p in parts)


# --- Local sign-in ---------------------------------------------------------------------------------
def test_the_sign_in_form_comes_first_and_shows_no_data(local_db: Path) -> None:
    at = start()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.dataframe and not at.metric
    assert "create-admin" not in texts(at)  # an administrator exists


def test_a_hos_signs_in_and_sees_their_own_area_only(local_db: Path, clock: Clock) -> None:
    at = sign_in(start(), "HOS.FD ")  # usernames are case-insensitive, spaces trimmed
    assert "Signed in as Hana Front (Head of Service)" in [c.value for c in at.sidebar.caption]
    assert list(at.dataframe[0].value["service_area"]) == ["Front Door"]
    assert at.multiselect(key="qa_areas").options == ["Front Door"]
    assert entries(local_db, "sign_in") == [("hos.fd", "hos.fd", '{"method":"password","rehashed":false}')]
    assert isinstance(at.session_state[ui.USER_KEY], accounts.User)
    assert PASSWORD not in repr(at.session_state) and "qa_password" not in at.session_state  # never kept


def test_a_wrong_password_is_refused_and_recorded(local_db: Path, clock: Clock) -> None:
    at = sign_in(start(), "hos.fd", "not the right password")
    assert [e.value for e in at.error] == ["Wrong username or password."]
    assert not at.dataframe
    assert entries(local_db, "sign_in_failed") == [
        ("hos.fd", "hos.fd", '{"failed_attempts":1,"reason":"wrong-password"}')
    ]
    assert entries(local_db, "sign_in") == []


def test_five_failures_lock_the_account_even_for_the_right_password(local_db: Path, clock: Clock) -> None:
    at = start()
    for _ in range(accounts.MAX_FAILURES):
        sign_in(at, "lock.me", "wrong password, again")
    until = clock.at + accounts.LOCKOUT
    locked = (f"This account is locked after 5 failed sign-ins in a row. Try again after {until:%H:%M}, "
              "or ask an administrator.")
    assert [e.value for e in at.error] == [locked]
    sign_in(at, "lock.me")  # the right password, still locked
    assert [e.value for e in at.error] == [locked]
    assert not at.dataframe
    reasons = [d for _, _, d in entries(local_db, "sign_in_failed")]
    assert reasons[-1] == '{"reason":"locked"}' and len(reasons) == 6


def test_an_idle_session_is_signed_out_and_must_sign_in_again(
    local_db: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_IDLE_MINUTES", "10")
    at = sign_in(start(), "hos.fd")
    clock.at += timedelta(minutes=9)
    at.run()  # a click within the limit keeps the session (and restarts the count)
    assert at.dataframe and not at.text_input
    clock.at += timedelta(minutes=10, seconds=1)
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.dataframe
    assert "You were signed out after 10 minutes without activity. Sign in again." in [i.value for i in at.info]
    assert [(a, t) for a, t, _ in entries(local_db, "session_expired")] == [("hos.fd", "hos.fd")]
    sign_in(at, "hos.fd")
    assert list(at.dataframe[0].value["service_area"]) == ["Front Door"]


def test_signing_out_returns_to_the_form_and_is_recorded(local_db: Path, clock: Clock) -> None:
    at = sign_in(start(), "hos.cic")
    at.sidebar.button(key="qa_sign_out").click().run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.dataframe and ui.USER_KEY not in at.session_state
    assert [(a, t) for a, t, _ in entries(local_db, "sign_out")] == [("hos.cic", "hos.cic")]


def test_a_disabled_account_is_signed_out_at_the_next_click(local_db: Path, clock: Clock) -> None:
    at = sign_in(start(), "qal.fd")
    accounts.disable_user(ui.connection(), by=OPERATOR, username="qal.fd")
    at.run()
    assert not at.dataframe
    assert "Your account is no longer active; ask an administrator." in [i.value for i in at.info]


def test_a_user_with_no_role_sees_no_data_and_is_told_why(local_db: Path, clock: Clock) -> None:
    at = sign_in(start(), "nobody")
    assert not at.dataframe and not at.metric
    assert any("has no role that shows any data" in i.value for i in at.info)
    assert "Signed in as Noah Role (no role)" in [c.value for c in at.sidebar.caption]


def test_with_no_administrator_the_form_says_how_to_create_one(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "no_admin.duckdb"
    shutil.copyfile(sample_db, path)
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_AUTH", "local")
    monkeypatch.delenv("QA_INSIGHT_SAMPLE_DATA", raising=False)
    at = start()
    assert any('python -m qa_data users create-admin USERNAME --name "Your name"' in w.value for w in at.warning)


def test_a_bad_setting_is_shown_not_guessed(local_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_INSIGHT_AUTH", "ldap")
    at = start()
    assert [e.value for e in at.error] == [
        "The app is not configured correctly: QA_INSIGHT_AUTH must be demo, local or oidc, not 'ldap'."
    ]
    monkeypatch.setenv("QA_INSIGHT_AUTH", "local")
    monkeypatch.setenv("QA_INSIGHT_IDLE_MINUTES", "half an hour")
    assert "QA_INSIGHT_IDLE_MINUTES must be a whole number" in start().error[0].value


# --- Demo mode -------------------------------------------------------------------------------------
def test_demo_runs_on_the_sample_data_and_is_refused_once_anything_else_was_loaded(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pages.ui.sample_data_only", SAMPLE_DATA_ONLY)
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(sample_db, path)
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    at = start()
    assert at.dataframe and any("Demo mode" in c.value for c in at.sidebar.caption)
    ui.connection().close()
    import streamlit as st

    st.cache_resource.clear()
    con = db.connect(path)
    try:
        assert samples.other_loads(con) == 0
        report = loaders.load_file(con, ROOT / "tests/data/audit_title_rows.xlsx", loaded_by="amir.k", today=TODAY)
        assert report.valid
        assert samples.other_loads(con) == 1
    finally:
        con.close()
    refused = start()
    assert not refused.dataframe and not refused.metric
    assert any("demo mode (no sign-in) is refused" in e.value for e in refused.error)
    assert any("QA_INSIGHT_AUTH=local" in m.value for m in refused.markdown)


# --- Single sign-on --------------------------------------------------------------------------------
def test_oidc_without_a_signed_in_browser_offers_the_login_button(
    local_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_AUTH", "oidc")
    at = start()
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.text_input and not at.dataframe


def test_oidc_maps_the_e_mail_to_an_active_user(local_db: Path) -> None:
    con = db.connect(local_db)
    try:
        sue = auth.user_for_email(con, "Sso.Hos@Northbridge.example")
        assert sue is not None and (sue.username, sue.roles, sue.service_areas) == (
            "sso.hos@northbridge.example", ("hos",), ("Children in Care",))
        assert auth.user_for_email(con, "gone@northbridge.example") is None  # disabled
        assert auth.user_for_email(con, "stranger@northbridge.example") is None
    finally:
        con.close()


def test_oidc_someone_without_an_account_is_told_they_have_no_access(
    local_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_AUTH", "oidc")
    monkeypatch.setattr("pages.auth.sso_email", lambda: "gone@northbridge.example")
    at = start()
    assert [e.value for e in at.error] == [
        "You are signed in as gone@northbridge.example but have no access; ask an administrator."
    ]
    assert not at.dataframe


def test_oidc_a_known_e_mail_signs_in_with_its_scope(
    local_db: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INSIGHT_AUTH", "oidc")
    monkeypatch.setattr("pages.auth.sso_email", lambda: "sso.hos@northbridge.example")
    at = start()
    assert list(at.dataframe[0].value["service_area"]) == ["Children in Care"]
    assert "Signed in as Sue Sso (Head of Service)" in [c.value for c in at.sidebar.caption]
    at.run()  # one sign-in per session, not per run
    assert entries(local_db, "sign_in") == [
        ("sso.hos@northbridge.example", "sso.hos@northbridge.example", '{"method":"single sign-on"}')
    ]


# --- What each role is offered -------------------------------------------------------------------
def titles(username: str) -> list[str]:
    scope = Scope.for_user(as_user(username))
    return [title for pages in app.allowed_pages(scope).values() for _, title, _ in pages]


DATA_PAGES = ["Overview", "Audit quality", "Supervision", "Practice observations", "Voice of children and families",
              "Scorecard", "Action plans", "Audit programme"]


def test_each_role_is_offered_the_pages_its_permissions_allow() -> None:
    assert titles("qal.fd") == [*DATA_PAGES, "Reflection sheet", "Upload data"]
    assert titles("hos.fd") == [*DATA_PAGES, "Reflection sheet"]
    assert titles("analyst.one") == [*DATA_PAGES, "Reports"]
    assert titles("ad.one") == [*DATA_PAGES, "Reports"]
    assert titles("admin.one") == ["Administration"] and titles("nobody") == []
    assert [t for s in app.allowed_pages(Scope.everything("demo")).values() for _, t, _ in s] == [
        *DATA_PAGES, "Reports", "Reflection sheet", "Upload data"]


def as_user(username: str) -> accounts.User:
    name, roles, areas, _ = USERS[username]
    return accounts.User(username, name, roles, areas)


@pytest.mark.parametrize(("username", "page"), [("analyst.one", "upload"), ("qal.fd", "reports"),
                                                ("ad.one", "reflection")])
def test_a_deep_link_to_a_gated_page_run_on_its_own_is_refused(
    local_db: Path, clock: Clock, username: str, page: str
) -> None:
    # Defence in depth: the page script alone (no navigation to leave it out) refuses the wrong role.
    at = AppTest.from_file(ROOT / "pages" / f"{page}.py", default_timeout=30)
    at.session_state[ui.USER_KEY] = as_user(username)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [auth.NO_ACCESS]
    assert not at.title and not at.dataframe  # stopped before drawing anything


# --- Worker names by role --------------------------------------------------------------------------
def drill_down(username: str) -> Any:
    at = sign_in(start(), username)
    at.switch_page("pages/audit_quality.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at.dataframe[-1].value


@pytest.mark.parametrize("username", ["analyst.one", "ad.one"])
def test_names_are_hidden_from_analysts_and_assistant_directors(local_db: Path, clock: Clock, username: str) -> None:
    rows = drill_down(username)
    assert len(rows) > 0 and rows["worker"].isna().all() and rows["auditor"].isna().all()


def test_names_are_shown_to_a_hos_in_their_own_area(local_db: Path, clock: Clock) -> None:
    rows = drill_down("hos.fd")
    assert len(rows) > 0 and set(rows["service_area"]) == {"Front Door"}
    assert rows["worker"].notna().all() and rows["auditor"].notna().all()


def test_names_and_comments_follow_the_permission_in_every_area() -> None:
    def scope(roles: tuple[str, ...], areas: tuple[str, ...] = ()) -> Scope:
        return Scope.for_user(accounts.User("u", "U", roles, areas))

    ad, hos = scope(("ad",)), scope(("hos",), ("Front Door",))
    both = scope(("hos", "analyst"), ("Front Door",))
    assert (ui.may_read_names(ad), ui.may_read_comments(ad)) == (False, True)
    assert (ui.may_read_names(hos), ui.may_read_comments(hos)) == (True, True)
    # all areas in view: names only where the hos role reaches, so none for the whole table
    assert not ui.may_read_names(both) and ui.may_read_names(both, ["Front Door"])
    assert not ui.may_read_names(hos, []) and ui.may_read_names(Scope.everything("demo"))


def test_narrowing_keeps_a_signed_in_users_rights() -> None:
    qal = Scope.for_user(accounts.User("q", "Q", ("qal",), ("Front Door", "Children in Care")))
    narrow = qal.narrowed(["Front Door"])
    assert narrow.service_areas == ("Front Door",) and narrow.may("upload", "Front Door")
    assert ui.may_read_names(narrow) and not narrow.may("view", "Children in Care")



@pytest.mark.parametrize(("username", "hidden"), [("analyst.one", True), ("ad.one", False), ("hos.cic", False)])
def test_free_text_comments_are_for_those_who_may_read_them(
    local_db: Path, clock: Clock, username: str, hidden: bool
) -> None:
    at = sign_in(start(), username)
    at.switch_page("pages/voice.py").run()
    assert not at.exception, [e.value for e in at.exception]
    refused = "Free-text comments are shown only to those allowed to read them."
    assert (refused in [i.value for i in at.info]) is hidden


def test_action_owners_are_named_only_for_those_who_may_read_names(local_db: Path, clock: Clock) -> None:
    owners, updates = {}, {}
    for username in ("analyst.one", "hos.fd"):
        at = sign_in(start(), username)
        at.switch_page("pages/actions.py").run()
        assert not at.exception, [e.value for e in at.exception]
        overdue = next(d.value for d in at.dataframe if "owner" in d.value.columns)
        owners[username] = overdue["owner"]
        updates[username] = "latest_update" in overdue.columns  # free-text progress notes: read_comments
    assert owners["analyst.one"].isna().all() and len(owners["analyst.one"]) > 0
    assert owners["hos.fd"].notna().all() and len(owners["hos.fd"]) > 0
    assert updates == {"analyst.one": False, "hos.fd": True}


# --- Uploads limited to the uploader's areas --------------------------------------------------------
def test_a_front_door_qal_uploads_front_door_rows_only(local_db: Path, clock: Clock) -> None:
    def workbook(*rows: list[Any]) -> bytes:
        wb = openpyxl.Workbook()
        wb.active.title = "Audits"
        for row in (HEADER, *rows):
            wb.active.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    at = sign_in(start(), "qal.fd")
    at.switch_page("pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    kinds = at.radio(key="qa_upload_kind")
    # Council-wide files (Annex A, KPI extracts, comparators, catalogue, action tracker) are not offered.
    assert kinds.options == [
        "Audit returns", "Survey results (young people, parents and carers)", "Complaints and compliments",
        "Audit plan (the months' planned audits, dip samples and observations)"]
    assert any(i.value.startswith("You upload for **Front Door**: every row must be for that area")
               for i in at.info)
    mixed = workbook(good_row("QF-1", **{"Audit date": TODAY}),
                     good_row("QC-1", **{"Audit date": TODAY, "Service area": "Children in Care"}))
    at.file_uploader[0].set_value([("mixed.xlsx", mixed, "application/octet-stream")]).run()
    assert at.error[0].value.startswith("**mixed.xlsx**: rejected, 1 error(s)")
    issues = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert list(zip(issues["Row"], issues["Column"], issues["Value"], strict=True)) == [
        (3, 'D "Service area"', "Children in Care")]
    assert at.button[0].label == "Load 0 valid file(s)" and at.button[0].disabled
    own = workbook(good_row("QF-1", **{"Audit date": TODAY}))
    at.file_uploader[0].set_value([("front-door.xlsx", own, "application/octet-stream")]).run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["front-door.xlsx: loaded, 1 row(s), 0 warning(s)"]
    cur = db.cursor(ui.connection())
    try:
        stored = cur.execute("select a.service_area, l.loaded_by from audits as a join loads as l using (load_id) "
                             "where audit_id in ('QF-1', 'QC-1')").fetchall()
        outcomes = cur.execute("select file_name, outcome from loads where loaded_by = 'qal.fd' order by 1").fetchall()
    finally:
        cur.close()
    assert stored == [("Front Door", "qal.fd")]
    assert outcomes == [("front-door.xlsx", "loaded"), ("mixed.xlsx", "rejected")]
