"""Command line: reports for scheduled runs, backups, user accounts and the audit trail.

    python -m qa_data export {cabinet,qpc,sef} --period 2025-Q3 [--db FILE] --out FILE
    python -m qa_data backup [--db FILE] --out DIR        (see qa_data/backup.py)
    python -m qa_data restore BACKUP [--db FILE]
    python -m qa_data users {create-admin,add,change,disable,set-password,list} ...   (qa_data/cli_users.py)
    python -m qa_data audit-trail verify [--db FILE]

The period is a calendar quarter (2025-Q3 = Jul-Sep 2025) or a financial-year quarter (2025-26 Q2,
the same months). The format follows --out's suffix: the Cabinet summary and the Q&PC pack as .xlsx
or .pdf, the self-evaluation evidence as .docx. Reports are built for every service area.

Exit status: 0 when the file was written; 1 when the period has no data (no audits, KPI values or
survey answers in the quarter); 2 on a usage error (unknown period, wrong suffix, missing database).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import duckdb

from qa_data import backup, cli_users, db, periods
from qa_data.exports.documents import FORMATS, gather, record_export, render
from qa_data.scope import Scope


class UsageError(Exception):
    """A command the user must correct (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m qa_data", description=__doc__.split("\n\n")[0])
    commands = p.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="build a report for a quarter")
    export.add_argument("report", choices=sorted(FORMATS), help="cabinet: Cabinet key data summary; qpc: Q&PC pack; "
                        "sef: ILACS self-evaluation evidence")
    export.add_argument("--period", required=True, help="the quarter: 2025-Q3 or 2025-26 Q2")
    export.add_argument("--db", metavar="FILE", help="database file (default: the app's, QA_INSIGHT_DB or "
                        "data/qa_insight.duckdb)")
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write (.xlsx, .pdf or .docx)")
    export.add_argument("--user", default=None, help="who is exporting (default: the login name)")
    export.set_defaults(run=_run_export)
    backup.add_commands(commands)
    cli_users.add_commands(commands)
    return p


def export(report: str, *, period: str, out: str, db_path: str | None, user: str) -> Path:
    """Build `report` for the quarter `period` from the database and write it to `out`.
    Returns the path written. Raises UsageError (bad period, suffix or database) and
    figures.NoDataError (nothing in the quarter)."""
    try:
        quarter = periods.parse_quarter(period)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in FORMATS[report]:
        given = suffix or "a file without a suffix"
        raise UsageError(f"{report} is written as {' or '.join(FORMATS[report])}, not {given} (--out {out})")
    source = Path(db_path) if db_path else db.default_db_path()
    if not source.exists():
        raise UsageError(f"no database at {source}")
    try:
        con = db.connect(source)
    except duckdb.Error as exc:
        raise UsageError(f"cannot open the database {source}: {exc}") from exc
    scope = Scope.everything(user=user)
    try:
        document = gather(con, report, scope=scope, quarter=quarter)
        try:
            data = render(document, suffix)
        except ModuleNotFoundError as exc:
            raise UsageError(f"this installation cannot write {suffix} files ({exc.name} is missing)") from exc
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, target)  # never leave a half-written report where a scheduler looks for it
        record_export(con, scope=scope, report=report, quarter=quarter, fmt=suffix, size_bytes=len(data))
    finally:
        con.close()
    return target


def _run_export(args: argparse.Namespace) -> int:
    from qa_data.exports.figures import NoDataError

    try:
        written = export(args.report, period=args.period, out=args.out, db_path=args.db,
                         user=args.user or getpass.getuser())
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NoDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {written}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command (argv: sys.argv[1:] by default) and return its exit status; argparse exits
    with status 2 itself on a usage error it finds."""
    args = _parser().parse_args(argv)
    status: int = args.run(args)  # each command registers its own run (set_defaults)
    return status


if __name__ == "__main__":
    sys.exit(main())
