"""Command line: check or load files, for scheduled jobs and for checking a file before upload.

    python -m loaders PATH [PATH ...] [--db FILE] [--kind audits] [--dry-run] [--json]
    python -m loaders tracker.xlsx --kind actions --snapshot-date 31/10/2026

Exit status: 0 when every file is valid (and loaded, unless --dry-run), 1 when any file is
rejected, 2 on a usage error (argparse) or an unreadable path or database.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date, datetime

import duckdb

from loaders import KINDS, load_file
from loaders.workbook import Source
from qa_data import db


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m loaders", description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="+", metavar="PATH", help=".xlsx or .csv files to load")
    p.add_argument("--db", metavar="FILE", help="database file (default: the app's, "
                   "QA_INSIGHT_DB or data/qa_insight.duckdb)")
    p.add_argument("--kind", choices=sorted(KINDS), default="audits", help="what the files hold")
    p.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    p.add_argument("--json", action="store_true", help="print one JSON report per file")
    p.add_argument("--user", default=None, help="who is loading (default: the login name)")
    p.add_argument("--reference-date", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="annex_a: the date the lists were run (default: the latest date in them)")
    p.add_argument("--snapshot-date", type=_day, metavar="DD/MM/YYYY",
                   help="actions: the date the tracker was exported, DD/MM/YYYY or YYYY-MM-DD (default: the "
                   "latest raised or completed date in it)")
    return p


def _day(text: str) -> date:
    """A date typed day first (31/10/2026) or as ISO (2026-10-31)."""
    for parse in (lambda t: datetime.strptime(t, "%d/%m/%Y").date(), date.fromisoformat):
        try:
            return parse(text.strip())
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as DD/MM/YYYY or YYYY-MM-DD")


def _options(args: argparse.Namespace) -> tuple[dict[str, object], str | None]:
    """The loader options from the command line, or a usage error."""
    options: dict[str, object] = {}
    if args.reference_date:
        if args.kind != "annex_a":
            return {}, "--reference-date is for --kind annex_a"
        options["reference_date"] = args.reference_date
    if args.snapshot_date:
        if args.kind != "actions":
            return {}, "--snapshot-date is for --kind actions"
        if args.snapshot_date > date.today():
            return {}, (f"--snapshot-date {args.snapshot_date:%d/%m/%Y} is in the future; give the date the "
                        "tracker was exported")
        options["snapshot_date"] = args.snapshot_date
    return options, None


def _uploads(kind: str, sources: list[Source]) -> list[Source | list[Source]]:
    """What to load as one upload each: every file on its own, except that Annex A CSVs (one per
    list) are one upload together."""
    if kind == "annex_a":
        csvs = [s for s in sources if s.is_csv]
        return [*(s for s in sources if not s.is_csv), *([csvs] if csvs else [])]
    return list(sources)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    options, problem = _options(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    sources = []
    for path in args.paths:
        try:
            sources.append(Source.from_path(path))
        except OSError as exc:
            print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return 2
    try:
        # A dry run needs no database file: it validates on a scratch in-memory one.
        con = db.connect(":memory:" if args.dry_run else (args.db or db.default_db_path()))
    except duckdb.Error as exc:
        print(f"error: cannot open the database: {exc}", file=sys.stderr)
        return 2
    user = args.user or getpass.getuser()
    reports = []
    try:
        for upload in _uploads(args.kind, sources):
            report = load_file(con, upload, kind=args.kind, loaded_by=user, dry_run=args.dry_run, **options)
            reports.append(report)
            if args.json:
                print(json.dumps(report.as_dict(), default=str))
            else:
                print(report.summary())
                for issue in report.issues:
                    where = ", ".join(
                        x for x in (
                            f"sheet {issue.sheet}" if issue.sheet else "",
                            f"row {issue.row}" if issue.row else "",
                            f"column {issue.column_letter}" if issue.column_letter else "",
                        ) if x
                    )
                    print(f"  {issue.severity:7} {issue.code:24} {where:32} {issue.message}")
    finally:
        con.close()
    return 0 if all(r.valid for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
