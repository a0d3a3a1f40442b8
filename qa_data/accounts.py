"""User accounts: add, change, disable, passwords and local sign-in (issue 6).

Passwords are stored only as argon2id hashes (argon2-cffi's PasswordHasher, RFC 9106's low-memory
profile: 3 passes, 64 MiB, 4 lanes, 16-byte salt). There is no default password anywhere: an
account has a password only when someone sets one, and a single sign-on account has none (it cannot
sign in locally). A password must be at least MIN_LENGTH characters, not the username and not a
common password. After MAX_FAILURES failed sign-ins in a row the account is locked for LOCKOUT;
a hash made with older parameters is replaced at the next successful sign-in.

Every change (and every sign-in attempt) records an audit-trail entry in the same transaction, with
who did it and what changed, never the password or its hash. Changing users needs a scope that
may `manage_users` (an administrator's `Scope.for_user`, or `Scope.operator` at the command line).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from typing import Any, ParamSpec, TypeVar

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qa_data import audit_trail, db
from qa_data.roles import ROLES, User
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing is deliberately slow; a megabyte "password" is a denial of service
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
CONFLICT_RETRIES = 3
# Common passwords of the minimum length or more (shorter ones fail the length rule anyway), and
# words a children's services team would reach for. Compared case-insensitively.
COMMON_PASSWORDS = frozenset({
    "password1234", "password12345", "password123!", "passwordpassword", "123456789012", "1234567890123",
    "qwertyuiop12", "qwerty123456", "qwertyuiopasdf", "1q2w3e4r5t6y", "1qaz2wsx3edc", "iloveyou1234",
    "welcome12345", "welcome123456", "changeme1234", "letmein12345", "administrator", "administrator1",
    "abcdefghijkl", "abc123456789", "aaaaaaaaaaaa", "111111111111", "000000000000", "trustno1trustno1",
    "childrenservices", "childrensservices", "socialworker1", "socialwork123", "qualityassurance",
    "qainsight1234", "safeguarding1", "safeguarding123", "northbridge123",
})  # fmt: skip
_COLUMNS = "username, display_name, roles, service_areas, active"
P = ParamSpec("P")
T = TypeVar("T")


class AccountError(ValueError):
    """A user change that cannot be made (unknown user, bad role or area, last administrator)."""


class PasswordRefused(AccountError):
    """The password does not meet the policy."""


class AccessRefused(PermissionError):
    """The acting scope may not manage users."""


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, argon2-cffi's defaults (RFC 9106 low-memory profile)


@cache
def _dummy_hash() -> str:
    # Verified against when there is no hash to check, so an unknown user costs as long as a known one.
    return _hasher().hash("not a password: equalises timing for unknown users")


def normalise_username(username: str) -> str:
    """Usernames are stored lower-case without surrounding spaces (for single sign-on, the e-mail)."""
    return username.strip().lower()


def password_problems(password: str, *, username: str) -> list[str]:
    """Why `password` is refused for `username` (empty when acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"it must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        problems.append(f"it must be at most {MAX_LENGTH} characters long")
    folded = password.strip().lower()
    user = normalise_username(username)
    if folded == user or folded == user.split("@")[0]:
        problems.append("it must not be the username")
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        problems.append("it is a common password")
    return problems


def hash_password(password: str) -> str:
    """The argon2id PHC string for `password` (salted; a new salt each time)."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash`, in constant time (argon2's own comparison). A
    missing or malformed hash matches nothing, after the same work as a real check."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _check_areas(areas: Iterable[str]) -> tuple[str, ...]:
    unknown = sorted(set(areas) - set(SERVICE_AREAS))
    if unknown:
        raise AccountError(f"unknown service area(s): {', '.join(unknown)}")
    wanted = set(areas)
    return tuple(a for a in SERVICE_AREAS if a in wanted)


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise AccountError(f"unknown role(s): {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    wanted = set(roles)
    return tuple(r for r in ROLES if r in wanted)


def _user(row: tuple[Any, ...]) -> User:
    return User(username=row[0], display_name=row[1], roles=tuple(row[2]), service_areas=tuple(row[3]),
                active=bool(row[4]))


def _may_manage(by: Scope) -> None:
    if not by.may("manage_users"):
        raise AccessRefused(f"{by.user} may not manage users")


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    cur = db.cursor(con)
    cur.execute("begin transaction")
    try:
        try:
            yield cur
        except BaseException:
            cur.execute("rollback")
            raise
        cur.execute("commit")  # a commit that fails has rolled back already
    finally:
        cur.close()


def _retry_on_conflict(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a whole unit of work again when its commit loses a race: two sessions signing in at once
    both append audit entry N, and DuckDB refuses the later commit (nothing of it was kept)."""

    @functools.wraps(fn)
    def again(*args: P.args, **kwargs: P.kwargs) -> T:
        for _ in range(CONFLICT_RETRIES - 1):
            try:
                return fn(*args, **kwargs)
            except duckdb.TransactionException:
                continue
        return fn(*args, **kwargs)

    return again


def _get(cur: duckdb.DuckDBPyConnection, username: str) -> User | None:
    row = cur.execute(f"select {_COLUMNS} from users where username = ?", [username]).fetchone()  # noqa: S608
    return _user(row) if row else None


def _active_admins(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.execute("select count(*) from users where active and list_contains(roles, 'admin')").fetchone()
    return int(row[0]) if row else 0


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    """The user named `username` (case-insensitive), or None."""
    cur = db.cursor(con)
    try:
        return _get(cur, normalise_username(username))
    finally:
        cur.close()


def list_users(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every user, by username, for the administrator: username, display_name, roles, service_areas,
    active, local_password (bool), locked_until, failed_attempts, updated_at, updated_by. Never a hash."""
    cur = db.cursor(con)
    try:
        rows = cur.execute(
            "select username, display_name, roles, service_areas, active, password_hash is not null, "
            "locked_until, failed_attempts, updated_at, updated_by from users order by username"
        ).fetchall()
    finally:
        cur.close()
    keys = ("username", "display_name", "roles", "service_areas", "active", "local_password", "locked_until",
            "failed_attempts", "updated_at", "updated_by")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def has_any_admin(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an active administrator exists (if not, the command line may create the first)."""
    cur = db.cursor(con)
    try:
        return _active_admins(cur) > 0
    finally:
        cur.close()


def _insert(cur: duckdb.DuckDBPyConnection, *, actor: str, username: str, display_name: str,
            roles: tuple[str, ...], areas: tuple[str, ...], password: str | None, when: datetime) -> User:
    if not username or any(c.isspace() for c in username):
        raise AccountError(f"bad username {username!r}")
    if not display_name.strip():
        raise AccountError("a user needs a display name")
    if password is not None and (problems := password_problems(password, username=username)):
        raise PasswordRefused("password refused: " + "; ".join(problems))
    if _get(cur, username) is not None:
        raise AccountError(f"user {username} already exists")
    cur.execute(
        "insert into users (username, display_name, roles, service_areas, password_hash, active, created_at, "
        "created_by, updated_at, updated_by, failed_attempts, locked_until) "
        "values (?, ?, ?, ?, ?, true, ?, ?, ?, ?, 0, null)",
        [username, display_name.strip(), list(roles), list(areas),
         hash_password(password) if password is not None else None, when, actor, when, actor],
    )
    audit_trail.record(cur, actor=actor, action="user_add", target=username, at=when, detail={
        "roles": ",".join(roles), "service_areas": ",".join(areas),
        "sign_in": "password" if password is not None else "single sign-on",
    })  # fmt: skip
    return User(username, display_name.strip(), roles, areas, True)


@_retry_on_conflict
def add_user(
    con: duckdb.DuckDBPyConnection,
    *,
    by: Scope,
    username: str,
    display_name: str,
    roles: Iterable[str],
    service_areas: Iterable[str] = (),
    password: str | None = None,
    now: datetime | None = None,
) -> User:
    """Add an active user and record `user_add`, in one transaction. `password` None makes a single
    sign-on account (no local sign-in). Raises AccessRefused (`by` may not manage users),
    PasswordRefused, AccountError (exists, bad username, role or area)."""
    _may_manage(by)
    name = normalise_username(username)
    role_set, areas = _check_roles(roles), _check_areas(service_areas)
    with _transaction(con) as cur:
        return _insert(cur, actor=by.user, username=name, display_name=display_name, roles=role_set,
                       areas=areas, password=password, when=now or datetime.now())


@_retry_on_conflict
def create_first_admin(
    con: duckdb.DuckDBPyConnection, *, actor: str, username: str, display_name: str, password: str,
    now: datetime | None = None,
) -> User:
    """First run: add an administrator with a local password, only while no active administrator
    exists (checked inside the transaction). Raises AccountError when one exists, PasswordRefused."""
    name = normalise_username(username)
    with _transaction(con) as cur:
        if _active_admins(cur):
            raise AccountError("an administrator already exists; ask them to add you")
        return _insert(cur, actor=actor, username=name, display_name=display_name, roles=("admin",), areas=(),
                       password=password, when=now or datetime.now())


@_retry_on_conflict
def change_user(
    con: duckdb.DuckDBPyConnection,
    *,
    by: Scope,
    username: str,
    display_name: str | None = None,
    roles: Iterable[str] | None = None,
    service_areas: Iterable[str] | None = None,
    active: bool | None = None,
    now: datetime | None = None,
) -> User:
    """Change what is given (None leaves it) and record `user_change` (`user_disable` when the change
    disables the account) with each changed field's old and new value, in one transaction. Enabling
    an account also clears its lockout. Returns the user as changed. Raises AccessRefused,
    AccountError (unknown user, bad role or area, or the change would leave no active administrator)."""
    _may_manage(by)
    name = normalise_username(username)
    new_roles = _check_roles(roles) if roles is not None else None
    new_areas = _check_areas(service_areas) if service_areas is not None else None
    if display_name is not None and not display_name.strip():
        raise AccountError("a user needs a display name")
    when = now or datetime.now()
    with _transaction(con) as cur:
        old = _get(cur, name)
        if old is None:
            raise AccountError(f"no user {name}")
        new = User(
            username=name,
            display_name=display_name.strip() if display_name is not None else old.display_name,
            roles=new_roles if new_roles is not None else old.roles,
            service_areas=new_areas if new_areas is not None else old.service_areas,
            active=active if active is not None else old.active,
        )
        detail: dict[str, Any] = {}
        for field in ("display_name", "roles", "service_areas", "active"):
            before, after = getattr(old, field), getattr(new, field)
            if before != after:
                detail[f"{field}_before"] = ",".join(before) if isinstance(before, tuple) else before
                detail[f"{field}_after"] = ",".join(after) if isinstance(after, tuple) else after
        if not detail:
            return old
        cur.execute(
            "update users set display_name = ?, roles = ?, service_areas = ?, active = ?, updated_at = ?, "
            "updated_by = ? where username = ?",
            [new.display_name, list(new.roles), list(new.service_areas), new.active, when, by.user, name],
        )
        if new.active and not old.active:
            cur.execute("update users set failed_attempts = 0, locked_until = null where username = ?", [name])
        if "admin" in old.roles and old.active and _active_admins(cur) == 0:
            raise AccountError(f"{name} is the last active administrator; add another first")
        action = "user_disable" if old.active and not new.active else "user_change"
        audit_trail.record(cur, actor=by.user, action=action, target=name, at=when, detail=detail)
        return new


def disable_user(con: duckdb.DuckDBPyConnection, *, by: Scope, username: str, now: datetime | None = None) -> User:
    """Disable the account (it can no longer sign in and sees nothing); see `change_user`."""
    return change_user(con, by=by, username=username, active=False, now=now)


@_retry_on_conflict
def set_password(
    con: duckdb.DuckDBPyConnection, *, by: Scope, username: str, password: str, now: datetime | None = None
) -> None:
    """Set (or replace) the user's local password, clear any lockout and record `password_set`, in one
    transaction. A user may set their own password; setting someone else's needs `manage_users`.
    Raises AccessRefused, PasswordRefused, AccountError (unknown user)."""
    name = normalise_username(username)
    if by.user != name:
        _may_manage(by)
    if problems := password_problems(password, username=name):
        raise PasswordRefused("password refused: " + "; ".join(problems))
    when = now or datetime.now()
    with _transaction(con) as cur:
        if _get(cur, name) is None:
            raise AccountError(f"no user {name}")
        cur.execute(
            "update users set password_hash = ?, failed_attempts = 0, locked_until = null, updated_at = ?, "
            "updated_by = ? where username = ?",
            [hash_password(password), when, by.user, name],
        )
        audit_trail.record(cur, actor=by.user, action="password_set", target=name, at=when,
                           detail={"own": by.user == name})


@_retry_on_conflict
def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str, now: datetime) -> User | None:
    """Local sign-in: the active user when `password` is right and the account is not locked, else
    None. Records `sign_in` or `sign_in_failed` (with the reason: unknown-user, disabled,
    no-local-password, locked, wrong-password) in the same transaction as the counters it updates.
    The MAX_FAILURES-th failure in a row locks the account until now + LOCKOUT; a success resets the
    count and rehashes a hash made with older parameters. An unknown username is recorded without it
    (people type passwords into the username box)."""
    name = normalise_username(username)
    with _transaction(con) as cur:
        row = cur.execute(
            f"select {_COLUMNS}, password_hash, failed_attempts, locked_until from users "  # noqa: S608
            "where username = ?",
            [name],
        ).fetchone()
        stored = row[5] if row else None
        ok = verify_password(stored, password)  # always does the work, so timing says nothing
        if row is None:
            audit_trail.record(cur, actor="anonymous", action="sign_in_failed", at=now,
                               detail={"reason": "unknown-user"})
            return None
        user, failures, locked_until = _user(row), int(row[6]), row[7]
        locked = locked_until is not None and now < locked_until
        reason = ("disabled" if not user.active else "no-local-password" if stored is None
                  else "locked" if locked else None if ok else "wrong-password")  # fmt: skip
        if reason is None:
            rehash = _hasher().check_needs_rehash(str(stored))
            cur.execute(
                "update users set failed_attempts = 0, locked_until = null, "
                "password_hash = coalesce(?, password_hash) where username = ?",
                [hash_password(password) if rehash else None, name],
            )
            audit_trail.record(cur, actor=name, action="sign_in", target=name, at=now,
                               detail={"method": "password", "rehashed": rehash})
            return user
        detail: dict[str, Any] = {"reason": reason}
        if reason == "wrong-password":
            count = (0 if locked_until is not None else failures) + 1  # a lapsed lock starts afresh
            lock = now + LOCKOUT if count >= MAX_FAILURES else None
            cur.execute("update users set failed_attempts = ?, locked_until = ? where username = ?",
                        [count, lock, name])
            detail["failed_attempts"] = count
            if lock is not None:
                detail["locked_minutes"] = int(LOCKOUT.total_seconds() // 60)
        audit_trail.record(cur, actor=name, action="sign_in_failed", target=name, at=now, detail=detail)
        return None


@_retry_on_conflict
def record_sign_in(con: duckdb.DuckDBPyConnection, *, user: User, method: str, now: datetime | None = None) -> None:
    """Record a sign-in made elsewhere (single sign-on: the identity provider checked the password)."""
    with _transaction(con) as cur:
        audit_trail.record(cur, actor=user.username, action="sign_in", target=user.username,
                           at=now or datetime.now(), detail={"method": method})


@_retry_on_conflict
def record_sign_out(con: duckdb.DuckDBPyConnection, *, username: str, reason: str = "signed out",
                    now: datetime | None = None) -> None:
    """Record a sign-out (`reason`: signed out, or session_expired for an idle timeout)."""
    action = "session_expired" if reason == "session_expired" else "sign_out"
    with _transaction(con) as cur:
        audit_trail.record(cur, actor=normalise_username(username), action=action,
                           target=normalise_username(username), at=now or datetime.now())
