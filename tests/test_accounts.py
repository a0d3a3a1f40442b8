"""User accounts (issue 6): argon2id hashes and nothing else, the password policy, lockout and
unlock, rehash, and an audit-trail entry for every change in the same transaction."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from argon2 import PasswordHasher

from qa_data import accounts, audit_trail, db
from qa_data.accounts import AccessRefused, AccountError, PasswordRefused
from qa_data.roles import User
from qa_data.scope import Scope

NOW = datetime(2026, 11, 26, 9, 0)
OP = Scope.operator("cli:root")
ADMIN_PW = "correct horse battery staple"
JO_PW = "kettle on the windowsill 42"
DEFAULT_PARAMS = "$argon2id$v=19$m=65536,t=3,p=4$"


def trail(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """(actor, action, target, detail) of every entry, oldest first."""
    rows = con.execute("select actor, action, target, detail::varchar from audit_trail order by seq").fetchall()
    return [(a, b, c, json.loads(d)) for a, b, c, d in rows]


def stored_hash(con: duckdb.DuckDBPyConnection, username: str) -> str | None:
    row = con.execute("select password_hash from users where username = ?", [username]).fetchone()
    assert row is not None
    return row[0]


def counters(con: duckdb.DuckDBPyConnection, username: str) -> tuple[Any, ...]:
    row = con.execute("select failed_attempts, locked_until from users where username = ?", [username]).fetchone()
    assert row is not None
    return tuple(row)


@pytest.fixture
def jo(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    accounts.add_user(con, by=OP, username="Jo.Reed", display_name="Jo Reed", roles=["hos"],
                      service_areas=["Front Door"], password=JO_PW, now=NOW)
    con.execute("delete from audit_trail")  # each test reads only its own entries
    return con


def test_passwords_are_stored_only_as_salted_argon2id(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    accounts.create_first_admin(con, actor="cli:root", username="admin", display_name="Ada Admin",
                                password=ADMIN_PW, now=NOW)
    accounts.add_user(con, by=OP, username="jo.reed", display_name="Jo Reed", roles=["qal"],
                      service_areas=["Front Door"], password=ADMIN_PW, now=NOW)
    admin_hash, jo_hash = stored_hash(con, "admin"), stored_hash(con, "jo.reed")
    assert admin_hash is not None and jo_hash is not None
    assert admin_hash.startswith(DEFAULT_PARAMS) and jo_hash.startswith(DEFAULT_PARAMS)
    assert admin_hash != jo_hash  # same password, different salts
    assert PasswordHasher().verify(admin_hash, ADMIN_PW)
    everything = str(con.execute("select * from users").fetchall()) + str(con.execute(
        "select * from audit_trail").fetchall())
    assert ADMIN_PW not in everything and admin_hash not in str(trail(con))
    con.execute("checkpoint")
    assert ADMIN_PW.encode() not in (tmp_path / "test.duckdb").read_bytes()
    assert all("password_hash" not in row for row in accounts.list_users(con))


@pytest.mark.parametrize(("password", "problem"), [
    ("short pw 1", "it must be at least 12 characters long"),
    ("jo.reed@northbridge.gov.uk", "it must not be the username"),
    ("JO.REED", "it must be at least 12 characters long; it must not be the username"),
    ("Password1234", "it is a common password"),
    ("qualityassurance", "it is a common password"),
    ("aaaaaaaaaaaaaaaa", "it is a common password"),
    ("x" * 257, "it must be at most 256 characters long; it is a common password"),
])  # fmt: skip
def test_password_policy_refusals_write_nothing(con: duckdb.DuckDBPyConnection, password: str, problem: str) -> None:
    with pytest.raises(PasswordRefused) as refused:
        accounts.add_user(con, by=OP, username="jo.reed@northbridge.gov.uk", display_name="Jo Reed", roles=["hos"],
                          password=password)
    assert str(refused.value) == f"password refused: {problem}"
    assert con.execute("select count(*) from users").fetchone() == (0,)
    assert trail(con) == []


def test_refused_new_password_keeps_the_old_one(jo: duckdb.DuckDBPyConnection) -> None:
    before = stored_hash(jo, "jo.reed")
    with pytest.raises(PasswordRefused, match="common password"):
        accounts.set_password(jo, by=OP, username="jo.reed", password="letmein12345")
    assert stored_hash(jo, "jo.reed") == before and trail(jo) == []


def test_no_default_password_single_sign_on_accounts_cannot_sign_in_locally(con: duckdb.DuckDBPyConnection) -> None:
    accounts.add_user(con, by=OP, username="Sam.Lee@Northbridge.gov.uk", display_name="Sam Lee", roles=["analyst"],
                      now=NOW)
    assert stored_hash(con, "sam.lee@northbridge.gov.uk") is None
    assert accounts.authenticate(con, "sam.lee@northbridge.gov.uk", "", NOW) is None
    assert accounts.authenticate(con, "sam.lee@northbridge.gov.uk", "anything at all!", NOW) is None
    assert [e[1:] for e in trail(con)[1:]] == [
        ("sign_in_failed", "sam.lee@northbridge.gov.uk", {"reason": "no-local-password"}),
    ] * 2


def test_sign_in_is_case_insensitive_on_the_username_and_recorded(jo: duckdb.DuckDBPyConnection) -> None:
    user = accounts.authenticate(jo, "  JO.REED ", JO_PW, NOW)
    assert user == User("jo.reed", "Jo Reed", ("hos",), ("Front Door",), True)
    assert trail(jo) == [("jo.reed", "sign_in", "jo.reed", {"method": "password", "rehashed": False})]


def test_unknown_and_disabled_users_are_refused_and_recorded(jo: duckdb.DuckDBPyConnection) -> None:
    assert accounts.authenticate(jo, "my password is hunter2", JO_PW, NOW) is None
    accounts.disable_user(jo, by=OP, username="jo.reed", now=NOW)
    assert accounts.authenticate(jo, "jo.reed", JO_PW, NOW) is None
    # The unknown "username" (perhaps a password typed in the wrong box) is not recorded.
    assert trail(jo) == [
        ("anonymous", "sign_in_failed", None, {"reason": "unknown-user"}),
        ("cli:root", "user_disable", "jo.reed", {"active_before": True, "active_after": False}),
        ("jo.reed", "sign_in_failed", "jo.reed", {"reason": "disabled"}),
    ]
    assert "hunter2" not in str(jo.execute("select * from audit_trail").fetchall())


def test_lockout_after_five_failures_for_fifteen_minutes(jo: duckdb.DuckDBPyConnection) -> None:
    for minute in range(5):
        assert accounts.authenticate(jo, "jo.reed", "wrong password " * 2, NOW + timedelta(minutes=minute)) is None
    locked_until = NOW + timedelta(minutes=4 + 15)
    assert counters(jo, "jo.reed") == (5, locked_until)
    # The right password is refused while locked, and trying again does not extend the lock.
    assert accounts.authenticate(jo, "jo.reed", JO_PW, NOW + timedelta(minutes=10)) is None
    assert accounts.authenticate(jo, "jo.reed", JO_PW, locked_until - timedelta(seconds=1)) is None
    assert counters(jo, "jo.reed") == (5, locked_until)
    # At the end of the lock it opens, and a success clears the counters.
    assert accounts.authenticate(jo, "jo.reed", JO_PW, locked_until) is not None
    assert counters(jo, "jo.reed") == (0, None)
    reasons = [(e[1], e[3].get("reason"), e[3].get("failed_attempts"), e[3].get("locked_minutes")) for e in trail(jo)]
    assert reasons == [
        ("sign_in_failed", "wrong-password", 1, None),
        ("sign_in_failed", "wrong-password", 2, None),
        ("sign_in_failed", "wrong-password", 3, None),
        ("sign_in_failed", "wrong-password", 4, None),
        ("sign_in_failed", "wrong-password", 5, 15),
        ("sign_in_failed", "locked", None, None),
        ("sign_in_failed", "locked", None, None),
        ("sign_in", None, None, None),
    ]


def test_a_lapsed_lock_starts_the_count_afresh_and_success_resets_it(jo: duckdb.DuckDBPyConnection) -> None:
    for minute in range(5):
        accounts.authenticate(jo, "jo.reed", "not my password", NOW + timedelta(minutes=minute))
    later = NOW + timedelta(hours=1)
    assert accounts.authenticate(jo, "jo.reed", "not my password", later) is None
    assert counters(jo, "jo.reed") == (1, None)
    for minute in range(3):
        accounts.authenticate(jo, "jo.reed", "not my password", later + timedelta(minutes=minute))
    assert accounts.authenticate(jo, "jo.reed", JO_PW, later + timedelta(minutes=5)) is not None
    for minute in range(4):
        accounts.authenticate(jo, "jo.reed", "not my password", later + timedelta(minutes=6 + minute))
    assert counters(jo, "jo.reed") == (4, None)  # 4 + 4 failures, but a success between: no lock


def test_setting_a_password_unlocks(jo: duckdb.DuckDBPyConnection) -> None:
    for minute in range(5):
        accounts.authenticate(jo, "jo.reed", "not my password", NOW + timedelta(minutes=minute))
    accounts.set_password(jo, by=OP, username="jo.reed", password="a brand new passphrase", now=NOW)
    assert counters(jo, "jo.reed") == (0, None)
    assert accounts.authenticate(jo, "jo.reed", "a brand new passphrase", NOW + timedelta(minutes=6)) is not None
    assert accounts.authenticate(jo, "jo.reed", JO_PW, NOW + timedelta(minutes=7)) is None


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(jo: duckdb.DuckDBPyConnection) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(JO_PW)
    jo.execute("update users set password_hash = ? where username = 'jo.reed'", [weak])
    assert accounts.authenticate(jo, "jo.reed", JO_PW, NOW) is not None
    renewed = stored_hash(jo, "jo.reed")
    assert renewed is not None and renewed.startswith(DEFAULT_PARAMS) and renewed != weak
    assert accounts.authenticate(jo, "jo.reed", JO_PW, NOW) is not None
    assert [e[3]["rehashed"] for e in trail(jo)] == [True, False]


def test_every_user_change_is_recorded_without_the_password(con: duckdb.DuckDBPyConnection) -> None:
    accounts.create_first_admin(con, actor="cli:root", username="admin", display_name="Ada Admin",
                                password=ADMIN_PW, now=NOW)
    admin = Scope.for_user(User("admin", "Ada Admin", ("admin",)))
    accounts.add_user(con, by=admin, username="jo.reed", display_name="Jo Reed", roles=["qal"],
                      service_areas=["Front Door"], password=JO_PW, now=NOW)
    accounts.change_user(con, by=admin, username="jo.reed", roles=["hos", "qal"],
                         service_areas=["Children in Care", "Front Door"], now=NOW)
    accounts.change_user(con, by=admin, username="jo.reed", display_name="Jo Reed-Khan", now=NOW)
    accounts.change_user(con, by=admin, username="jo.reed", display_name="Jo Reed-Khan", now=NOW)  # no change
    accounts.disable_user(con, by=admin, username="jo.reed", now=NOW)
    accounts.change_user(con, by=admin, username="jo.reed", active=True, now=NOW)
    accounts.set_password(con, by=admin, username="jo.reed", password="another fine passphrase", now=NOW)
    jo = Scope.for_user(User("jo.reed", "Jo", ("hos", "qal"), ("Front Door",)))
    accounts.set_password(con, by=jo, username="jo.reed", password="my own new passphrase", now=NOW)
    assert trail(con) == [
        ("cli:root", "user_add", "admin", {"roles": "admin", "service_areas": "", "sign_in": "password"}),
        ("admin", "user_add", "jo.reed", {"roles": "qal", "service_areas": "Front Door", "sign_in": "password"}),
        ("admin", "user_change", "jo.reed", {"roles_before": "qal", "roles_after": "hos,qal",
                                             "service_areas_before": "Front Door",
                                             "service_areas_after": "Front Door,Children in Care"}),
        ("admin", "user_change", "jo.reed", {"display_name_before": "Jo Reed", "display_name_after": "Jo Reed-Khan"}),
        ("admin", "user_disable", "jo.reed", {"active_before": True, "active_after": False}),
        ("admin", "user_change", "jo.reed", {"active_before": False, "active_after": True}),
        ("admin", "password_set", "jo.reed", {"own": False}),
        ("jo.reed", "password_set", "jo.reed", {"own": True}),
    ]
    text = str(con.execute("select * from audit_trail").fetchall())
    assert all(pw not in text for pw in (ADMIN_PW, JO_PW, "another fine passphrase", "my own new passphrase"))
    assert audit_trail.verify(con) == []
    assert accounts.get_user(con, "JO.REED") == User("jo.reed", "Jo Reed-Khan", ("hos", "qal"),
                                                     ("Front Door", "Children in Care"), True)


def test_a_failing_change_leaves_neither_change_nor_entry(
    jo: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_record = audit_trail.record

    def record_then_crash(cur: duckdb.DuckDBPyConnection, **kwargs: Any) -> audit_trail.Entry:
        real_record(cur, **kwargs)  # the entry is written ... and then the process fails before commit
        raise RuntimeError("crash before commit")

    before_users = jo.execute("select * from users order by username").fetchall()
    monkeypatch.setattr(accounts.audit_trail, "record", record_then_crash)
    attempts = [
        lambda: accounts.add_user(jo, by=OP, username="amy", display_name="Amy", roles=["qal"], password=JO_PW),
        lambda: accounts.change_user(jo, by=OP, username="jo.reed", roles=["ad"]),
        lambda: accounts.disable_user(jo, by=OP, username="jo.reed"),
        lambda: accounts.set_password(jo, by=OP, username="jo.reed", password="a different passphrase"),
        lambda: accounts.authenticate(jo, "jo.reed", "wrong password!!", NOW),
        lambda: accounts.authenticate(jo, "jo.reed", JO_PW, NOW),
    ]
    for attempt in attempts:
        with pytest.raises(RuntimeError, match="crash before commit"):
            attempt()
    assert jo.execute("select * from users order by username").fetchall() == before_users
    assert trail(jo) == []


def test_the_last_active_administrator_stays(con: duckdb.DuckDBPyConnection) -> None:
    assert not accounts.has_any_admin(con)
    accounts.create_first_admin(con, actor="cli:root", username="admin", display_name="Ada", password=ADMIN_PW)
    assert accounts.has_any_admin(con)
    with pytest.raises(AccountError, match="already exists"):
        accounts.create_first_admin(con, actor="cli:root", username="admin2", display_name="Bo", password=ADMIN_PW)
    with pytest.raises(AccountError, match="admin is the last active administrator"):
        accounts.disable_user(con, by=OP, username="admin")
    with pytest.raises(AccountError, match="admin is the last active administrator"):
        accounts.change_user(con, by=OP, username="admin", roles=["ad"])
    accounts.add_user(con, by=OP, username="admin2", display_name="Bo", roles=["admin"], password=JO_PW)
    accounts.disable_user(con, by=OP, username="admin", now=NOW)
    assert accounts.get_user(con, "admin") == User("admin", "Ada", ("admin",), (), False)
    assert [e[1] for e in trail(con)] == ["user_add", "user_add", "user_disable"]


def test_only_those_who_manage_users_may_change_them(jo: duckdb.DuckDBPyConnection) -> None:
    hos = Scope.for_user(User("jo.reed", "Jo", ("hos",), ("Front Door",)))
    everyone_else = [Scope.everything("demo"), Scope.for_user(User("ad", "AD", ("ad", "analyst", "hos", "qal"))), hos]
    for scope in everyone_else:
        with pytest.raises(AccessRefused):
            accounts.add_user(jo, by=scope, username="amy", display_name="Amy", roles=["ad"], password=JO_PW)
        with pytest.raises(AccessRefused):
            accounts.change_user(jo, by=scope, username="jo.reed", roles=["ad", "admin"])
        with pytest.raises(AccessRefused):
            accounts.set_password(jo, by=scope, username="someone.else", password="a takeover passphrase")
    assert trail(jo) == []
    assert accounts.get_user(jo, "jo.reed") == User("jo.reed", "Jo Reed", ("hos",), ("Front Door",), True)


def test_bad_roles_areas_and_names_are_refused(jo: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(AccountError, match="unknown role"):
        accounts.add_user(jo, by=OP, username="amy", display_name="Amy", roles=["superuser"])
    with pytest.raises(AccountError, match="unknown service area"):
        accounts.change_user(jo, by=OP, username="jo.reed", service_areas=["Narnia"])
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user(jo, by=OP, username="JO.REED", display_name="Jo again", roles=["qal"])
    with pytest.raises(AccountError, match="no user nobody"):
        accounts.change_user(jo, by=OP, username="nobody", roles=["qal"])
    with pytest.raises(AccountError, match="bad username"):
        accounts.add_user(jo, by=OP, username="jo reed", display_name="Jo", roles=["qal"])
    assert trail(jo) == []
    assert [u["username"] for u in accounts.list_users(jo)] == ["jo.reed"]


def test_verify_password() -> None:
    digest = accounts.hash_password(JO_PW)
    assert accounts.verify_password(digest, JO_PW)
    assert not accounts.verify_password(digest, JO_PW.upper())
    assert not accounts.verify_password(None, JO_PW)
    assert not accounts.verify_password("not a hash", JO_PW)


def test_a_sign_in_that_loses_a_race_for_the_next_entry_is_retried(
    jo: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another session signs in between this sign-in's audit entry and its commit: both wrote entry 1,
    # DuckDB refuses the later commit, and the sign-in runs again as entry 2.
    real_record = audit_trail.record
    raced: list[int] = []

    def record_while_another_session_commits(cur: duckdb.DuckDBPyConnection, **kwargs: Any) -> audit_trail.Entry:
        entry = real_record(cur, **kwargs)
        if not raced:
            raced.append(entry.seq)
            other = db.cursor(jo)
            other.execute("begin transaction")
            real_record(other, actor="amy", action="sign_in", target="amy", at=NOW)
            other.execute("commit")
        return entry

    monkeypatch.setattr(accounts.audit_trail, "record", record_while_another_session_commits)
    assert accounts.authenticate(jo, "jo.reed", JO_PW, NOW) is not None
    assert raced == [1]
    assert [(e[0], e[1]) for e in trail(jo)] == [("amy", "sign_in"), ("jo.reed", "sign_in")]
    assert audit_trail.verify(jo) == []
