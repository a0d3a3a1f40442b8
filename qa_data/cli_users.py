"""Command line: user accounts and the audit trail, for whoever runs the server.

    python -m qa_data users create-admin USERNAME --name NAME     (first run only)
    python -m qa_data users add USERNAME --name NAME --role ROLE [--role ...] [--area AREA ...] [--sso]
    python -m qa_data users change USERNAME [--name NAME] [--role ...] [--area ... | --no-areas] [--enable]
    python -m qa_data users disable USERNAME
    python -m qa_data users set-password USERNAME
    python -m qa_data users list
    python -m qa_data audit-trail verify

Every command takes --db FILE (default: QA_INSIGHT_DB or data/qa_insight.duckdb). Passwords are read
from a prompt (typed twice), or from the first line of standard input with --password-stdin; never
from the command line, where other users and the shell history would see them. Changes are recorded
in the audit trail as made by `cli:<login name>` (or --actor).

Exit status: 0 done; 1 refused (an administrator exists already, password policy, unknown user,
the audit trail broken); 2 usage error (bad arguments, no database).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import duckdb

from qa_data import accounts, audit_trail, db
from qa_data.roles import ROLES
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS


class UsageError(Exception):
    """A command the user must correct (exit status 2)."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="FILE", help="database file (default: QA_INSIGHT_DB or data/qa_insight.duckdb)")
    p.add_argument("--actor", help="who is making the change, for the audit trail (default: cli:<login name>)")


def _password_source(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of "
                   "standard input instead of prompting")


def _user_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role", action="append", choices=sorted(ROLES), metavar="ROLE",
                   help=f"a role (repeat for several): {', '.join(f'{k} = {v}' for k, v in ROLES.items())}")
    p.add_argument("--area", action="append", choices=SERVICE_AREAS, metavar="AREA",
                   help="their own service area, for hos and qal (repeat for several): " + ", ".join(SERVICE_AREAS))


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `users` and `audit-trail` subcommands of `python -m qa_data`; each runs through `run`."""
    # allow_abbrev=False on every parser down to the leaves: "--password secret" must not pass as
    # --password-stdin (and put a password in argv)
    group = commands.add_parser("users", allow_abbrev=False, help="add, change, disable and list users",
                                description="Add, change, disable and list users.")
    group.set_defaults(run=run)
    users = group.add_subparsers(dest="users_command", required=True)
    first = users.add_parser("create-admin", allow_abbrev=False, help="first run: create the first administrator")
    first.add_argument("username")
    first.add_argument("--name", required=True, help="display name")
    add = users.add_parser("add", allow_abbrev=False, help="add a user")
    add.add_argument("username", help="lower-cased; for single sign-on, the e-mail address")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--sso", action="store_true", help="single sign-on only: no local password")
    change = users.add_parser("change", allow_abbrev=False, help="change name, roles, areas; enable")
    change.add_argument("username")
    change.add_argument("--name", help="display name")
    change.add_argument("--no-areas", action="store_true", help="remove all their own service areas")
    change.add_argument("--no-roles", action="store_true", help="remove every role (they then see nothing)")
    change.add_argument("--enable", action="store_true", help="enable a disabled user")
    disable = users.add_parser("disable", allow_abbrev=False, help="disable a user (they can no longer sign in)")
    disable.add_argument("username")
    password = users.add_parser("set-password", allow_abbrev=False, help="set a user's local password")
    password.add_argument("username")
    listing = users.add_parser("list", allow_abbrev=False, help="list every user")
    for sub in (first, add, change, disable, password, listing):
        _common(sub)
    for sub in (first, add, password):
        _password_source(sub)
    for sub in (add, change):
        _user_fields(sub)
    group = commands.add_parser("audit-trail", allow_abbrev=False, help="check the audit trail",
                                description="Check the audit trail.")
    group.set_defaults(run=run)
    trail = group.add_subparsers(dest="trail_command", required=True)
    _common(trail.add_parser("verify", allow_abbrev=False, help="check the hash chain"))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != first:
        raise accounts.PasswordRefused("the two passwords differ")
    return first


def _connect(path: str | None, *, create: bool = False) -> duckdb.DuckDBPyConnection:
    source = Path(path) if path else db.default_db_path()
    if not create and not source.exists():
        raise UsageError(f"no database at {source}")
    try:
        return db.connect(source)
    except duckdb.Error as exc:
        raise UsageError(f"cannot open the database {source}: {exc}") from exc


def _list(con: duckdb.DuckDBPyConnection) -> None:
    rows = accounts.list_users(con)
    if not rows:
        print("no users")
        return
    header = ("username", "name", "roles", "areas", "status", "sign-in")
    table = [header]
    for r in rows:
        status = "active" if r["active"] else "disabled"
        if r["locked_until"] is not None:
            status += f", locked until {r['locked_until']:%d/%m/%Y %H:%M}"
        table.append((r["username"], r["display_name"], ",".join(r["roles"]) or "-",
                      ",".join(r["service_areas"]) or "-", status, "password" if r["local_password"] else "SSO"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _users(args: argparse.Namespace, actor: str) -> int:
    con = _connect(args.db, create=args.users_command == "create-admin")
    by = Scope.operator(actor)
    try:
        match args.users_command:
            case "create-admin":
                if accounts.has_any_admin(con):
                    print("error: an administrator already exists; ask them to add you", file=sys.stderr)
                    return 1
                user = accounts.create_first_admin(con, actor=actor, username=args.username,
                                                   display_name=args.name, password=_read_password(args.password_stdin))
                print(f"created administrator {user.username}")
            case "add":
                password = None if args.sso else _read_password(args.password_stdin)
                user = accounts.add_user(con, by=by, username=args.username, display_name=args.name,
                                         roles=args.role or (), service_areas=args.area or (), password=password)
                print(f"added {user.username} ({', '.join(user.roles) or 'no role'})")
            case "change":
                if args.no_areas and args.area:
                    raise UsageError("give --area or --no-areas, not both")
                if args.no_roles and args.role:
                    raise UsageError("give --role or --no-roles, not both")
                user = accounts.change_user(
                    con, by=by, username=args.username, display_name=args.name,
                    roles=() if args.no_roles else args.role, service_areas=() if args.no_areas else args.area,
                    active=True if args.enable else None,
                )  # fmt: skip
                print(f"{user.username}: {', '.join(user.roles) or 'no role'}; "
                      f"areas {', '.join(user.service_areas) or 'none'}; {'active' if user.active else 'disabled'}")
            case "disable":
                user = accounts.disable_user(con, by=by, username=args.username)
                print(f"disabled {user.username}")
            case "set-password":
                password = _read_password(args.password_stdin)
                accounts.set_password(con, by=by, username=args.username, password=password)
                print(f"password set for {accounts.normalise_username(args.username)}")
            case _:
                _list(con)
    finally:
        con.close()
    return 0


def _verify(args: argparse.Namespace) -> int:
    con = _connect(args.db)
    try:
        problems = audit_trail.verify(con)
        newest = audit_trail.head(con)
    finally:
        con.close()
    if problems:
        first = problems[0]
        print(f"audit trail broken at entry {first.seq}: {first.message}", file=sys.stderr)
        return 1
    print(f"audit trail intact: {newest.seq if newest else 0} entries" + (f", head {newest.hash}" if newest else ""))
    return 0


def run(args: argparse.Namespace) -> int:
    """Run a parsed `users` or `audit-trail` command; returns the exit status."""
    actor = args.actor or f"cli:{getpass.getuser()}"
    try:
        return _verify(args) if args.command == "audit-trail" else _users(args, actor)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (accounts.AccountError, accounts.AccessRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
