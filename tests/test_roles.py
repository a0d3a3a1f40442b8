"""Roles and scope (issue 6): the role x action matrix written out in full, areas per role, deny by
default, and Scope.for_user agreeing with roles.allowed."""

from __future__ import annotations

from datetime import date
from itertools import product

import duckdb
import pytest

from qa_data import audits, roles
from qa_data.roles import User, allowed
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

# Who may do what, written out by hand: Y allowed, . denied. Adding a role or an action to
# qa_data/roles.py without deciding its row and column here fails test_matrix_covers_every_role_and_action.
MATRIX = """
action             ad  hos qal analyst admin
view               Y   Y   Y   Y       .
upload             .   .   Y   .       .
save_reflection    .   Y   Y   .       .
write_commentary   Y   Y   .   Y       .
export_published   Y   .   .   Y       .
export_restricted  Y   .   .   Y       .
read_worker_names  .   Y   Y   .       .
read_comments      Y   Y   Y   .       .
manage_users       .   .   .   .       Y
view_audit_trail   .   .   .   .       Y
backup             .   .   .   .       Y
"""
HEADER, *ROWS = [line.split() for line in MATRIX.strip().splitlines()]
MATRIX_ROLES = HEADER[1:]
EXPECTED = {(action, role): mark == "Y" for action, *marks in ROWS for role, mark in zip(MATRIX_ROLES, marks,
                                                                                         strict=True)}
FD, CIC = "Front Door", "Children in Care"
OTHER_AREAS = [a for a in SERVICE_AREAS if a != FD]


def one_role(role: str) -> User:
    return User(username=f"{role}-user", display_name=role, roles=(role,), service_areas=(FD,))


def test_matrix_covers_every_role_and_action() -> None:
    assert list(roles.ROLES) == MATRIX_ROLES
    assert [row[0] for row in ROWS] == list(roles.ACTIONS)


@pytest.mark.parametrize(("role", "action"), list(product(MATRIX_ROLES, [r[0] for r in ROWS])))
def test_role_x_action(role: str, action: str) -> None:
    user = one_role(role)
    expected = EXPECTED[(action, role)]
    assert allowed(user, action) is expected
    scope = Scope.for_user(user)
    assert scope.may(action) is expected
    if action in roles.AREA_ACTIONS:
        # Own-area roles act in their own area only; ad and analyst in every area; nobody outside.
        expected_areas = () if not expected else (FD,) if role in ("hos", "qal") else SERVICE_AREAS
        assert scope.areas_for(action) == expected_areas
        assert [a for a in SERVICE_AREAS if allowed(user, action, a)] == list(expected_areas)
    else:
        assert scope.areas_for(action) == ()


def test_areas_each_role_views() -> None:
    assert Scope.for_user(one_role("ad")).service_areas == SERVICE_AREAS
    assert Scope.for_user(one_role("analyst")).service_areas == SERVICE_AREAS
    assert Scope.for_user(one_role("hos")).service_areas == (FD,)
    assert Scope.for_user(one_role("qal")).service_areas == (FD,)
    assert Scope.for_user(one_role("admin")).service_areas == ()


def test_no_role_disabled_or_unknown_may_do_nothing() -> None:
    nobody = User("nobody", "No Role", roles=(), service_areas=SERVICE_AREAS)
    disabled = User("gone", "Left", roles=("ad", "admin"), service_areas=SERVICE_AREAS, active=False)
    made_up = User("odd", "Odd", roles=("superuser", "ADMIN"), service_areas=SERVICE_AREAS)
    for user in (nobody, disabled, made_up):
        scope = Scope.for_user(user)
        assert scope.service_areas == ()
        assert scope.visible() == [] and scope.visible([FD]) == []
        assert not any(allowed(user, a) or scope.may(a) for a in roles.ACTIONS)
    assert not allowed(one_role("ad"), "delete_everything")
    assert not Scope.for_user(one_role("admin")).may("delete_everything")


def test_hos_areas_come_from_the_account_and_unknown_areas_are_ignored() -> None:
    user = User("hos2", "Two areas", roles=("hos",), service_areas=(CIC, FD, "Narnia"))
    assert Scope.for_user(user).service_areas == (FD, CIC)  # the framework's order
    assert Scope.for_user(User("hos0", "None", roles=("hos",))).service_areas == ()
    assert not Scope.for_user(User("hos0", "None", roles=("hos",))).may("view")


def test_a_set_of_roles_keeps_each_role_to_its_own_areas() -> None:
    # A QAL for the Front Door who also builds exports as an analyst: views everything, but reads
    # worker names and uploads for the Front Door only.
    user = User("mixed", "Mixed", roles=("qal", "analyst"), service_areas=(FD,))
    scope = Scope.for_user(user)
    assert scope.service_areas == SERVICE_AREAS
    assert scope.areas_for("read_worker_names") == (FD,)
    assert scope.areas_for("upload") == (FD,)
    assert scope.areas_for("export_restricted") == SERVICE_AREAS
    assert scope.may("read_comments", FD) and not scope.may("read_comments", CIC)
    assert not scope.may("manage_users")
    # An Assistant Director who also administers accounts.
    ad_admin = Scope.for_user(User("boss", "Boss", roles=("ad", "admin")))
    assert ad_admin.service_areas == SERVICE_AREAS
    assert ad_admin.may("manage_users") and ad_admin.may("export_published") and not ad_admin.may("upload")


def test_plain_constructor_keeps_todays_behaviour() -> None:
    # The demo user, tests and the scheduled export build Scope directly: every data action in their
    # areas, no account administration.
    demo = Scope.everything()
    assert all(demo.may(a) for a in roles.AREA_ACTIONS)
    assert not any(demo.may(a) for a in ("manage_users", "view_audit_trail", "backup"))
    front_door = Scope((FD,), user="hos")
    assert front_door.may("view", FD) and front_door.may("read_worker_names", FD)
    assert not any(front_door.may("view", a) for a in OTHER_AREAS)
    assert not Scope((), user="nobody").may("view")


def test_operator_manages_users_and_sees_no_data() -> None:
    op = Scope.operator("cli:root")
    assert op.service_areas == () and op.visible() == []
    assert [a for a in roles.ACTIONS if op.may(a)] == ["manage_users", "view_audit_trail", "backup"]


def test_narrowed_keeps_the_accounts_grants() -> None:
    hos = Scope.for_user(User("hos", "HoS", roles=("hos",), service_areas=(FD, CIC)))
    narrow = hos.narrowed([FD])
    assert narrow.service_areas == (FD,) and narrow.user == "hos"
    assert narrow.may("read_worker_names", FD) and not narrow.may("read_worker_names", CIC)
    assert not narrow.may("upload")  # narrowing never adds what the account lacks
    assert Scope.for_user(User("a", "A", roles=("admin", "analyst"))).narrowed([CIC]).may("manage_users")
    assert not hos.narrowed([]).may("view")
    assert Scope.everything().narrowed([CIC]) == Scope((CIC,))


def test_scopes_are_cache_keys() -> None:
    # st.cache_data keys cached results by their arguments: two accounts with the same areas but
    # different rights must not share an entry.
    hos = Scope.for_user(User("x", "X", roles=("hos",), service_areas=(FD,)))
    qal = Scope.for_user(User("x", "X", roles=("qal",), service_areas=(FD,)))
    assert hos != qal and hash(hos) != hash(qal)
    assert hos == Scope.for_user(User("x", "Other name", roles=("hos",), service_areas=(FD,)))


def test_queries_show_each_account_only_its_areas(sample_con: duckdb.DuckDBPyConnection) -> None:
    start, end = date(2020, 1, 1), date(2030, 12, 31)
    per_area = dict(sample_con.execute("select service_area, count(*) from audits group by 1").fetchall())
    everything = audits.AuditFilter(start=start, end=end)

    def seen(user: User) -> int:
        return audits.headline(sample_con, scope=Scope.for_user(user), filters=everything).activities_in_range

    assert per_area[FD] > 0 and per_area[CIC] > 0
    assert seen(User("hos", "HoS", roles=("hos",), service_areas=(FD,))) == per_area[FD]
    assert seen(User("qal", "QAL", roles=("qal",), service_areas=(FD, CIC))) == per_area[FD] + per_area[CIC]
    assert seen(User("ad", "AD", roles=("ad",))) == sum(per_area.values())
    assert seen(User("admin", "Admin", roles=("admin",))) == 0
    assert seen(User("none", "No role", roles=())) == 0
