"""`python -m qa_data --help` names every command, and each command group its subcommands: the
commands are all argparse subcommands of one parser (export, backup, restore, users, audit-trail)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from qa_data.__main__ import main


def help_text(tmp_path: Path, *args: str) -> str:
    env = dict(os.environ)
    env["QA_INSIGHT_DB"] = str(tmp_path / "default.duckdb")  # never the project's own database
    env["COLUMNS"] = "200"  # argparse wraps help to the terminal: one line per command
    done = subprocess.run([sys.executable, "-m", "qa_data", *args, "--help"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert not (tmp_path / "default.duckdb").exists()  # asking for help opens no database
    return done.stdout


def listed(text: str) -> dict[str, str]:
    """The commands argparse lists under "positional arguments", with their one-line help."""
    return dict(re.findall(r"^ {4}([a-z-]+) +(\S.*)$", text, re.M))


def test_help_lists_every_command(tmp_path: Path) -> None:
    text = help_text(tmp_path)
    assert text.startswith("usage: python -m qa_data [-h] {export,backup,restore,users,audit-trail} ...\n")
    assert listed(text) == {
        "export": "build a report for a quarter",
        "backup": "write a consistent copy of the database and its checksum",
        "restore": "replace the database with a checked backup",
        "users": "add, change, disable and list users",
        "audit-trail": "check the audit trail",
    }


def test_users_help_lists_its_subcommands(tmp_path: Path) -> None:
    text = help_text(tmp_path, "users")
    assert text.startswith("usage: python -m qa_data users [-h]")
    assert list(listed(text)) == ["create-admin", "add", "change", "disable", "set-password", "list"]
    assert listed(text)["create-admin"] == "first run: create the first administrator"


def test_audit_trail_help_lists_verify(tmp_path: Path) -> None:
    text = help_text(tmp_path, "audit-trail")
    assert listed(text) == {"verify": "check the hash chain"}


def test_a_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, required in (([], "command"), (["users"], "users_command"), (["audit-trail"], "trail_command")):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
        assert f"error: the following arguments are required: {required}" in capsys.readouterr().err


def test_each_command_runs_in_process_through_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The same dispatch as the subprocess: users and audit-trail reach their own code and exit codes.
    missing = tmp_path / "missing.duckdb"
    assert main(["users", "list", "--db", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: no database at {missing}\n"
    assert main(["audit-trail", "verify", "--db", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: no database at {missing}\n"
    assert main(["export", "cabinet", "--period", "2025-Q3", "--db", str(missing), "--out",
                 str(tmp_path / "c.xlsx")]) == 2
    assert capsys.readouterr().err == f"error: no database at {missing}\n"
    assert not missing.exists()
