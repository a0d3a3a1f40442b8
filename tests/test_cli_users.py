"""`python -m qa_data users ...` and `audit-trail verify`: run as real subprocesses from the repository
root against a temporary database file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from conftest import ROOT

from qa_data import accounts, db
from qa_data.roles import User

ADMIN_PW = "correct horse battery staple"
JO_PW = "kettle on the windowsill 42"


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["QA_INSIGHT_DB"] = str(tmp_path / "default.duckdb")  # never the project's own database
    command = [sys.executable, "-m", "qa_data", *args, "--db", str(tmp_path / "qa.duckdb")]
    return subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_create_admin_on_first_run_only(tmp_path: Path) -> None:
    first = run(tmp_path, "users", "create-admin", "Ada.Admin", "--name", "Ada Admin", "--password-stdin",
                "--actor", "cli:installer", stdin=ADMIN_PW + "\n")
    assert (first.returncode, first.stdout, first.stderr) == (0, "created administrator ada.admin\n", "")
    second = run(tmp_path, "users", "create-admin", "bo", "--name", "Bo", "--password-stdin", stdin=ADMIN_PW + "\n")
    assert second.returncode == 1
    assert second.stderr == "error: an administrator already exists; ask them to add you\n"
    with db.connect(tmp_path / "qa.duckdb") as con:
        assert accounts.list_users(con)[0]["username"] == "ada.admin" and len(accounts.list_users(con)) == 1
        assert accounts.authenticate(con, "ada.admin", ADMIN_PW, datetime(2026, 11, 26)) is not None
        actions = con.execute("select actor, action, target from audit_trail order by seq").fetchall()
    assert actions == [("cli:installer", "user_add", "ada.admin"), ("ada.admin", "sign_in", "ada.admin")]


def test_add_change_disable_list_and_exit_codes(tmp_path: Path) -> None:
    assert run(tmp_path, "users", "create-admin", "admin", "--name", "Ada Admin", "--password-stdin",
               stdin=ADMIN_PW + "\n").returncode == 0
    added = run(tmp_path, "users", "add", "Jo.Reed", "--name", "Jo Reed", "--role", "hos", "--role", "qal",
                "--area", "Front Door", "--password-stdin", stdin=JO_PW + "\n")
    assert (added.returncode, added.stdout) == (0, "added jo.reed (hos, qal)\n")
    sso = run(tmp_path, "users", "add", "sam.lee@northbridge.gov.uk", "--name", "Sam Lee", "--role", "analyst",
              "--sso")
    assert (sso.returncode, sso.stdout) == (0, "added sam.lee@northbridge.gov.uk (analyst)\n")
    weak = run(tmp_path, "users", "add", "amy", "--name", "Amy", "--role", "qal", "--password-stdin",
               stdin="password1234\n")
    assert (weak.returncode, weak.stderr) == (1, "error: password refused: it is a common password\n")
    changed = run(tmp_path, "users", "change", "jo.reed", "--area", "Front Door", "--area", "Children in Care")
    assert (changed.returncode, changed.stdout) == (0, "jo.reed: hos, qal; areas Front Door, Children in Care; "
                                                       "active\n")
    disabled = run(tmp_path, "users", "disable", "sam.lee@northbridge.gov.uk")
    assert (disabled.returncode, disabled.stdout) == (0, "disabled sam.lee@northbridge.gov.uk\n")
    listed = run(tmp_path, "users", "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == [
        "username                    name       roles    areas                        status    sign-in",
        "admin                       Ada Admin  admin    -                            active    password",
        "jo.reed                     Jo Reed    hos,qal  Front Door,Children in Care  active    password",
        "sam.lee@northbridge.gov.uk  Sam Lee    analyst  -                            disabled  SSO",
    ]
    assert JO_PW not in listed.stdout and "argon2" not in listed.stdout
    missing = run(tmp_path, "users", "disable", "nobody")
    assert (missing.returncode, missing.stderr) == (1, "error: no user nobody\n")
    last_admin = run(tmp_path, "users", "disable", "admin")
    assert last_admin.returncode == 1 and "last active administrator" in last_admin.stderr
    reset = run(tmp_path, "users", "set-password", "jo.reed", "--password-stdin", stdin="a new passphrase here\n")
    assert (reset.returncode, reset.stdout) == (0, "password set for jo.reed\n")
    with db.connect(tmp_path / "qa.duckdb") as con:
        assert accounts.get_user(con, "jo.reed") == User("jo.reed", "Jo Reed", ("hos", "qal"),
                                                         ("Front Door", "Children in Care"), True)
        assert accounts.verify_password(
            con.execute("select password_hash from users where username = 'jo.reed'").fetchone()[0],  # type: ignore[index]
            "a new passphrase here")
        actions = [r[0] for r in con.execute("select action from audit_trail order by seq").fetchall()]
    assert actions == ["user_add", "user_add", "user_add", "user_change", "user_disable", "password_set"]


def test_passwords_never_come_from_the_command_line(tmp_path: Path) -> None:
    assert run(tmp_path, "users", "create-admin", "admin", "--name", "Ada", "--password-stdin",
               stdin=ADMIN_PW + "\n").returncode == 0
    # "--password X" must not pass for an abbreviation of --password-stdin.
    result = run(tmp_path, "users", "add", "amy", "--name", "Amy", "--role", "qal", "--password", JO_PW)
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr
    usage = run(tmp_path, "users", "add", "amy", "--name", "Amy", "--role", "wizard", "--sso")
    assert usage.returncode == 2 and "invalid choice: 'wizard'" in usage.stderr
    with db.connect(tmp_path / "qa.duckdb") as con:
        assert [u["username"] for u in accounts.list_users(con)] == ["admin"]


def test_commands_other_than_create_admin_need_an_existing_database(tmp_path: Path) -> None:
    result = run(tmp_path, "users", "list")
    assert (result.returncode, result.stderr) == (2, f"error: no database at {tmp_path / 'qa.duckdb'}\n")
    assert not (tmp_path / "qa.duckdb").exists()


def test_audit_trail_verify_exit_codes(tmp_path: Path) -> None:
    assert run(tmp_path, "users", "create-admin", "admin", "--name", "Ada", "--password-stdin",
               stdin=ADMIN_PW + "\n").returncode == 0
    for name in ("amy", "bo", "cy"):
        assert run(tmp_path, "users", "add", name, "--name", name.title(), "--role", "qal", "--sso").returncode == 0
    ok = run(tmp_path, "audit-trail", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("audit trail intact: 4 entries, head ")
    with db.connect(tmp_path / "qa.duckdb") as con:
        con.execute("update audit_trail set target = 'mallory' where seq = 3")
    broken = run(tmp_path, "audit-trail", "verify")
    assert (broken.returncode, broken.stdout) == (1, "")
    assert broken.stderr == "audit trail broken at entry 3: entry 3 was changed after it was written\n"


def test_export_command_still_answers(tmp_path: Path) -> None:
    # The users commands sit beside `export` without changing it.
    result = run(tmp_path, "export", "cabinet", "--period", "2025-Q9", "--out", str(tmp_path / "c.pdf"))
    assert result.returncode == 2 and "error:" in result.stderr
