"""Annex A benchmarks: loading a 50,000-contact workbook, and computing the KPIs of 24 monthly snapshots.

Usage (from the repository root)::

    python benchmarks/bench_annex_a.py [--rows 50000] [--repeat 3] [--baseline-repeat 1]
                                       [--snapshots 24] [--children 2000]

(a) **Load.** Generates once (cached in ``benchmarks/out/``, git-ignored) an Annex A workbook with
``--rows`` List 1 (contacts) rows (Excel date cells, codes as typed, ages, two title rows above the
header as in the Ofsted template) and a sheet for each other list (Lists 2-11) holding its header and
5 rows. It times ``loaders.load_file(con, path, kind="annex_a")`` into a new DuckDB file each run
(schema created before the timer; the load includes the KPI computation the loader now runs on the
snapshot), median of ``--repeat`` runs after one warm-up, and a baseline of
``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` then ``create table as`` for every
sheet into a new DuckDB file (``--baseline-repeat`` runs: no validation, no normalisation).

(b) **KPIs.** Writes ``--snapshots`` monthly snapshots (reference dates the last day of each month of
2023-2024) of ``--children`` rows in each of Lists 3, 4, 5, 7, 8 and 9 straight into the snapshot
tables with SQL (random but seeded: 20 teams, dates spread over the two years before each reference
date), then times ``qa_data.kpi_results.compute_snapshot_kpis`` for each snapshot, one transaction
each, and prints per-snapshot and total times.

Nothing here is a test: it prints figures and asserts only that the loads and KPIs happened.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Everything the app has loaded is imported before any timing, so no run pays an import.
import duckdb  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402

import loaders  # noqa: E402
from loaders.annex_a_lists import LIST_BY_NUMBER, LISTS  # noqa: E402
from qa_data import db, kpi_results  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
TEAMS = [f"Team {k:02d}" for k in range(1, 21)]
SAMPLE_ROWS = 5  # rows in each list other than List 1


# --- (a) The workbook and the load ----------------------------------------------------------------


def workbook_path(rows: int) -> Path:
    return OUT / f"annex_a_{rows}_v1.xlsx"


def _cell(kind: str, name: str, rnd: random.Random, k: int) -> Any:
    """A plausible cell for a column of kind `kind` (as a council's export holds it)."""
    if name == "child_unique_id" or name == "individual_adopter_identifier":
        return f"{100000 + k}"
    if kind == "date":
        return date(2024, 12, 31) - timedelta(days=rnd.randrange(1, 5000 if name == "date_of_birth" else 170))
    if kind == "age":
        return rnd.randrange(0, 18)
    if kind == "int":
        return rnd.randrange(0, 4)
    if name == "gender":
        return rnd.choice(["Male", "Female", "m", "f"])
    if name == "ethnicity":
        return rnd.choice(["WBRI", "WIRI", "MWBC", "AIND", "BCRB", "OOTH", "WBRI - White British"])
    if name == "contact_source":
        return rnd.choice(["1A", "1B", "2A", "3A", "5A", "6", "9"])
    if name == "allocated_team":
        return rnd.choice(TEAMS)
    if kind == "code":
        return None  # left blank: the other lists are there to be found, not to be coded
    return f"text {k % 97}"


def generate(rows: int) -> Path:
    """The cached workbook (built with openpyxl's write-only mode, fixed seed)."""
    path = workbook_path(rows)
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20261126)
    wb = openpyxl.Workbook(write_only=True)
    for spec in LISTS:
        ws = wb.create_sheet(f"List {spec.number}")
        ws.append([f"Annex A List {spec.number}: {spec.title}"])
        ws.append(["Synthetic data for the benchmark"])
        ws.append([c.header for c in spec.columns])
        for k in range(rows if spec.number == 1 else SAMPLE_ROWS):
            ws.append([_cell(c.kind, c.name, rnd, k) for c in spec.columns])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _new_db(work: Path, n: int) -> Path:
    return work / f"bench_{n}.duckdb"


def run_load(xlsx: Path, rows: int, db_path: Path) -> float:
    con = db.connect(db_path)  # schema created before timing: an existing database in real use
    try:
        start = time.perf_counter()
        report = loaders.load_file(con, xlsx, kind="annex_a", loaded_by="bench", reference_date=date(2024, 12, 31))
        wall = time.perf_counter() - start
        stored = con.execute("select count(*) from annex_a_list_1").fetchone()
        if report.outcome != "loaded" or stored != (rows,):
            raise SystemExit(f"load failed: {report.outcome}, {stored}, {[i.message for i in report.errors][:5]}")
    finally:
        con.close()
    return wall


def run_baseline(xlsx: Path, rows: int, db_path: Path) -> float:
    con = duckdb.connect(str(db_path))
    try:
        start = time.perf_counter()
        frames = pd.read_excel(xlsx, sheet_name=None, engine="openpyxl", header=2)
        for k, frame in enumerate(frames.values(), 1):
            con.register("frame", frame)
            con.execute(f"create table list_{k} as select * from frame")  # noqa: S608 - k is a counter
            con.unregister("frame")
        wall = time.perf_counter() - start
        if len(frames["List 1"]) != rows:
            raise SystemExit("baseline read the wrong number of rows")
    finally:
        con.close()
    return wall


def bench_load(rows: int, repeat: int, baseline_repeat: int) -> None:
    start = time.perf_counter()
    xlsx = generate(rows)
    print(f"(a) workbook {xlsx.name}: {xlsx.stat().st_size / 2**20:.1f} MiB ({time.perf_counter() - start:.1f} s "
          "to generate or find)")
    work = Path(tempfile.mkdtemp(prefix="db_", dir=OUT))
    try:
        run_load(xlsx, rows, _new_db(work, 0))  # warm-up
        loads = [run_load(xlsx, rows, _new_db(work, 1 + k)) for k in range(repeat)]
        baselines = [run_baseline(xlsx, rows, _new_db(work, 100 + k)) for k in range(baseline_repeat)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_med, base_med = statistics.median(loads), statistics.median(baselines)
    print(f"    annex_a load        median {load_med:6.2f} s  best {min(loads):6.2f} s  "
          f"{rows / load_med:10,.0f} rows/s  (runs: {', '.join(f'{t:.2f}' for t in loads)})")
    print(f"    pandas+openpyxl     median {base_med:6.2f} s  best {min(baselines):6.2f} s  "
          f"{rows / base_med:10,.0f} rows/s  (runs: {', '.join(f'{t:.2f}' for t in baselines)})")
    print(f"    annex_a load rows/s / baseline rows/s: {base_med / load_med:.2f}x")


# --- (b) 24 monthly snapshots and their KPIs ---------------------------------------------------------

# Per list: the columns generated, as SQL over `g` (range of children) and `ref` (the reference date).
# `d(lo, hi)` is a random date between lo and hi days before ref; a few cells are left blank on purpose.
_GENERATED: dict[int, dict[str, str]] = {
    3: {"date_of_referral": "d(0, 200)", "number_of_referrals_in_last_12_months": "(random() * 3)::int"},
    4: {"continuous_assessment_start_date": "d(40, 260)",
        "continuous_assessment_date_of_authorisation": "case when random() < 0.15 then null else d(0, 40) end"},
    5: {"strategy_discussion_initiating_section_47_enquiry_start_date": "d(20, 200)",
        "was_an_initial_child_protection_conference_deemed_unnecessary": "case when random() < 0.3 then 'Yes' "
        "else 'No' end",
        "date_of_initial_child_protection_conference": "case when random() < 0.3 then null else d(0, 20) end"},
    7: {"child_protection_plan_start_date": "d(100, 900)",
        "child_protection_plan_end_date": "case when random() < 0.6 then null else d(0, 99) end",
        "date_of_the_last_statutory_visit": "d(0, 30)", "was_the_child_seen_alone": "case when random() < 0.8 "
        "then 'Yes' else 'No' end", "number_of_previous_child_protection_plans": "(random() * 2)::int"},
    8: {"date_started_to_be_looked_after": "d(30, 2000)",
        "date_ceased_to_be_looked_after": "case when random() < 0.8 then null else d(0, 29) end",
        "number_of_placements_in_the_last_12_months": "(random() * 4)::int",
        "start_date_of_most_recent_placement": "d(0, 700)",
        "placement_type": "['U1', 'U3', 'U4', 'U6', 'K2', 'A4', 'R1'][1 + (random() * 6)::int]",
        "date_of_last_health_assessment": "d(0, 500)", "date_of_last_dental_check": "d(0, 500)",
        "number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months":
            "case when random() < 0.85 then 0 else (random() * 5)::int end",
        "was_the_child_offered_a_return_interview_after_their_last_missing_episode_y_n":
            "case when random() < 0.8 then 'Yes' else 'No' end",
        "did_the_child_accept_a_return_interview_after_their_last_missing_episode_y_n":
            "case when random() < 0.6 then 'Yes' else 'No' end"},
    9: {"la_in_touch": "['Yes', 'Yes', 'Yes', 'No', 'REFU'][1 + (random() * 4)::int]",
        "suitability_of_accommodation": "case when random() < 0.9 then 'Suitable' else 'Unsuitable' end",
        "activity_status": "['F1', 'P2', 'F3', 'G4', 'G6'][1 + (random() * 4)::int]"},
}
_BIRTH = {3: (0, 6500), 4: (0, 6500), 5: (0, 6500), 7: (0, 6500), 8: (365, 6500), 9: (6205, 7900)}


def month_ends(count: int) -> list[date]:
    ends: list[date] = []
    year, month = 2025, 1
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        first_next = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(first_next - timedelta(days=1))
    return sorted(ends)


def write_snapshots(con: duckdb.DuckDBPyConnection, refs: list[date], children: int) -> list[str]:
    """The snapshots, their `loads` rows and `children` rows in each generated list, by SQL."""
    cur = db.cursor(con)
    try:
        cur.execute("select setseed(0.42)")
        cur.execute("create or replace temp macro d(lo, hi) as ref - (lo + (random() * (hi - lo))::int)")
        ids = []
        for ref in refs:
            snapshot, load_id = f"annex-a-{ref.isoformat()}", f"bench-{ref.isoformat()}"
            ids.append(snapshot)
            cur.execute("insert into loads (load_id, file_name, sha256, kind, loaded_by, loaded_at, rows_read, "
                        "rows_loaded, rows_replaced, outcome, errors, warnings, issues_json) values "
                        "(?, 'bench', '', 'annex_a', 'bench', current_timestamp, 0, 0, 0, 'loaded', 0, 0, '[]')",
                        [load_id])
            counts = ", ".join(f"list_{s.number}_rows" for s in LISTS)
            cur.execute(f"insert into annex_a_snapshots (snapshot_id, reference_date, file_name, sha256, load_id, "  # noqa: S608
                        f"loaded_at, {counts}) values (?, ?, 'bench', '', ?, current_timestamp"
                        f"{', ?' * len(LISTS)})",
                        [snapshot, ref, load_id, *(children if s.number in _GENERATED else None for s in LISTS)])
            for n, columns in _GENERATED.items():
                lo, hi = _BIRTH[n]
                picks = ", ".join(f"{sql} as {name}" for name, sql in columns.items())
                cur.execute(
                    f"insert into {LIST_BY_NUMBER[n].table} by name select ? as snapshot_id, "  # noqa: S608
                    f"'List {n}' as source_sheet, g::int + 2 as source_row, (g + 1000000)::varchar as "
                    f"child_unique_id, d({lo}, {hi}) as date_of_birth, "
                    f"'Team ' || lpad((1 + (random() * 19)::int)::varchar, 2, '0') as allocated_team, {picks} "
                    f"from range(?) as r(g), (select ?::date as ref)", [snapshot, children, ref])
    finally:
        cur.close()
    return ids


def bench_kpis(snapshots: int, children: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="db_", dir=OUT))
    try:
        con = db.connect(work / "kpis.duckdb")
        start = time.perf_counter()
        ids = write_snapshots(con, month_ends(snapshots), children)
        print(f"(b) {len(ids)} snapshots x {children:,} children in each of Lists 3, 4, 5, 7, 8, 9 "
              f"written in {time.perf_counter() - start:.1f} s")
        timings: list[float] = []
        rows = 0
        cur = db.cursor(con)
        try:
            for snapshot in ids:
                begin = time.perf_counter()
                cur.execute("begin transaction")
                result = kpi_results.compute_snapshot_kpis(cur, snapshot)
                cur.execute("commit")
                timings.append(time.perf_counter() - begin)
                rows += result.rows_written
                if len(result.computed) != 19:
                    raise SystemExit(f"{snapshot}: skipped {result.skipped}")
            stored = cur.execute("select count(*) from kpi_values").fetchone()
        finally:
            cur.close()
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"    per snapshot: median {statistics.median(timings):.2f} s, min {min(timings):.2f} s, "
          f"max {max(timings):.2f} s ({', '.join(f'{t:.2f}' for t in timings)})")
    print(f"    total {sum(timings):.1f} s for {len(ids)} snapshots x 19 KPIs; {rows:,} kpi_values rows "
          f"written ({stored[0] if stored else 0:,} stored)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument("--snapshots", type=int, default=24)
    parser.add_argument("--children", type=int, default=2_000)
    parser.add_argument("--skip-load", action="store_true", help="only (b)")
    parser.add_argument("--skip-kpis", action="store_true", help="only (a)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"duckdb {duckdb.__version__}, pandas {pd.__version__}, openpyxl {openpyxl.__version__}, "
          f"Python {sys.version.split()[0]}")
    if not args.skip_load:
        bench_load(args.rows, args.repeat, args.baseline_repeat)
    if not args.skip_kpis:
        bench_kpis(args.snapshots, args.children)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
