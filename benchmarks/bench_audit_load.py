"""Audit-return load benchmark: the full load against a plain pandas/openpyxl import and raw parsing.

Usage (from the repository root)::

    python benchmarks/bench_audit_load.py [--rows 50000] [--repeat 5] [--baseline-repeat 2] [--no-memory]
    python benchmarks/bench_audit_load.py --profile     # where the full load's time goes

It generates once (cached in ``benchmarks/out/``, git-ignored) a realistic audit workbook of ``--rows``
rows (23 columns, two title rows above the header, Excel date cells, grades as people type them, free
text), then measures, interleaved round by round after one warm-up run of each:

- ``full load``: ``loaders.load_file(con, path, kind="audits")`` into a new DuckDB file (read the file,
  safety checks, parse with fastexcel, validate in DuckDB, write audits and grades in one transaction);
- ``pandas+openpyxl baseline``: ``pandas.read_excel(path, engine="openpyxl", header=2)`` then
  ``con.register`` + ``create table as`` into a new DuckDB file (what councils' own scripts do); it takes
  ~20-25 s a run at 50,000 rows, so it runs ``--baseline-repeat`` times (default 2), not ``--repeat``;
- ``raw parse fastexcel``: ``fastexcel.read_excel(bytes).load_sheet(0, header_row=2, eager=True)``, the
  fastest reader alone, no validation, no database;
- ``raw parse python-calamine``: ``CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()``,
  for context only (no floor).

It prints rows/s (median and best) per benchmark and the two floors from the issue, on medians:
full / baseline >= 5x and full / raw fastexcel >= 0.5x. Exit status 1 if a floor fails.
Timings stop when the load's commit (or the baseline's ``create table as``) returns; the checkpoint
DuckDB may run when the connection closes is outside both. The database schema is created before the
timer starts. Peak RSS per benchmark is measured by running each once more in its own child process
(``--no-memory`` skips that). Nothing here is a test: it prints figures, it asserts nothing in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Everything the app has loaded is imported before any timing, so no run pays an import.
import duckdb  # noqa: E402
import fastexcel  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow  # noqa: E402, F401 - the app has it loaded; no run pays its import
from python_calamine import CalamineWorkbook  # noqa: E402

import loaders  # noqa: E402
from qa_data import db  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 1  # bump when the generated workbook changes, so the cache is rebuilt
FULL_FLOOR_VS_BASELINE = 5.0
FULL_FLOOR_VS_RAW = 0.5

# --- The workbook ------------------------------------------------------------------------------------

HEADERS = [
    "Audit ID", "Activity type", "Date of audit", "Service area", "Team", "Social worker", "Auditor",
    "Theme", "Safeguarding and thresholds", "Direct work and voice of the child",
    "Oversight of casework and decisions", "Supervision", "Chronology", "Assessment", "Planning",
    "Recording", "Overall grade", "Moderated grade", "Worker notified", "Feedback given", "Feedback date",
    "Strengths", "Areas for development",
]  # fmt: skip
SERVICE_AREAS = {  # canonical name: what some teams type instead
    "Front Door": ["MASH", "Front door"],
    "Children in Need and Child Protection": ["CIN/CP", "Child Protection"],
    "Vulnerable Adolescents": ["Adolescents"],
    "Children in Care": ["CLA", "Looked After Children"],
    "Permanence": ["permanence"],
    "Care Leavers": ["Leaving Care", "16+"],
    "Quality Assurance Unit": ["IRO Service"],
}
ACTIVITIES = [("Case audit", 35), ("Dip sample", 40), ("Observation", 25)]
ACTIVITY_SPELLINGS = {
    "Case audit": ["Case audit", "Case audit", "Case Audit", "Full case audit"],
    "Dip sample": ["Dip sample", "Dip sample", "Dip Sample", "dip"],
    "Observation": ["Observation", "Practice observation", "Observation"],
}
GRADES = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
GRADE_SPELLINGS = [  # canonical most of the time, then what people type
    ["Outstanding", "Outstanding", "Outstanding", "outstanding"],
    ["Good", "Good", "Good", "good", "Good ", "G"],
    ["Requires improvement", "Requires improvement", "RI", "Requires improvement to be good", "ri"],
    ["Inadequate", "Inadequate", "Inadequate", "inadequate"],
]
THEMES = [
    "Neglect", "Domestic abuse", "Child exploitation", "Missing from home", "Parental mental health",
    "Substance misuse", "Pre-proceedings", "Disabled children", "Placement stability",
    "Pathway planning", "Strategy discussions", "Section 47 enquiries", "Voice of the child",
    "Care planning", "Early help step-down",
]  # fmt: skip
FIRST = ["Amira", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Imran", "Jess", "Kofi",
         "Laura", "Mohammed", "Nadia", "Owen", "Priya", "Ruth", "Sam", "Tom", "Yasmin"]  # fmt: skip
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hughes", "Khan", "Lewis", "Morris",
        "Okafor", "Patel", "Roberts", "Shah", "Taylor", "Walsh", "Wilson", "Wright"]  # fmt: skip
S_OPEN = [
    "The social worker", "The worker", "The team manager", "The plan", "Recording", "The assessment",
    "Direct work", "Management oversight", "Multi-agency working", "The chronology",
]
S_STRENGTH = [
    "clearly captures the child's wishes and feelings", "shows a good understanding of risk",
    "is up to date and written to the child", "was timely and well evidenced",
    "shows creative direct work using age-appropriate tools", "reflects strong relationships with the family",
    "makes good use of partner agency information", "demonstrates persistent and curious practice",
    "sets out clear, SMART actions", "analyses the impact of neglect on the child",
    "records the rationale for decisions", "shows the child was seen alone on every visit",
]
S_DEVELOP = [
    "needs to evidence the child's lived experience", "should be updated after each significant event",
    "lacks analysis of the father's role", "does not set timescales for actions",
    "should record the rationale for step-down", "needs clearer contingency planning",
    "would benefit from a genogram and ecomap", "does not reflect recent police information",
    "needs management oversight at key decision points", "should be shared with the family",
    "is overdue and should be completed", "would benefit from the child's own words",
]
S_TAIL = ["", "", "", " This was discussed in supervision.", " Agreed with the team manager.",
          " See case note of {d}.", " Follow up in {n} weeks.", " (visit {n} of the plan)"]  # fmt: skip


def _sentences(rng: random.Random, middles: list[str], k: int) -> str:
    parts = []
    for _ in range(k):
        tail = rng.choice(S_TAIL).format(d=f"{rng.randint(1, 28)}/{rng.randint(1, 12)}", n=rng.randint(2, 12))
        parts.append(f"{rng.choice(S_OPEN)} {rng.choice(middles)}.{tail}")
    return " ".join(parts)


def workbook_path(rows: int) -> Path:
    return OUT / f"audits_{rows}_v{GENERATOR_VERSION}.xlsx"


def generate(rows: int, path: Path, seed: int = 20261126) -> None:
    """Write a `rows`-row audit return with openpyxl's write_only mode (deterministic for a seed)."""
    rng = random.Random(seed)
    areas = list(SERVICE_AREAS)
    kinds = ["Assessment", "Family Support", "Safeguarding", "Care", "Support"]
    teams = [(f"{areas[i % 7].split()[-1]} {kinds[i % 5]} Team {i + 1}", areas[i % 7]) for i in range(25)]
    names = [f"{f} {s}" for f in FIRST for s in LAST]
    rng.shuffle(names)
    workers = names[:150]
    auditors = names[150:170]
    team_workers = {t: workers[6 * i: 6 * i + 6] for i, (t, _a) in enumerate(teams)}
    start = dt.date(2025, 11, 1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Audit return")
    ws.append(["Northbridge City Council - Children's Services quality assurance audit return"])
    ws.append([f"Generated for the load benchmark: {rows:,} activities"])
    ws.append(HEADERS)
    activity_names = [a for a, _w in ACTIVITIES]
    activity_weights = [w for _a, w in ACTIVITIES]
    for i in range(rows):
        team, area = rng.choice(teams)
        activity = rng.choices(activity_names, activity_weights)[0]
        audit_date = start + dt.timedelta(days=rng.randint(0, 360))
        overall = rng.choices(range(4), [10, 50, 30, 10])[0]

        def grade(g: int) -> str:
            return rng.choice(GRADE_SPELLINGS[g])

        def near(g: int) -> int:
            r = rng.random()
            return g if r < 0.6 else min(3, max(0, g + (1 if r < 0.82 else -1)))

        core = [grade(near(overall)) for _ in range(3)]
        supervision = grade(near(overall)) if rng.random() < 0.97 else None
        case = [grade(near(overall)) if rng.random() < 0.95 else "N/A" for _ in range(4)] \
            if activity == "Case audit" else [None] * 4
        moderated = grade(near(overall)) if rng.random() < 0.2 else None
        feedback = rng.random() < 0.8
        feedback_date = audit_date + dt.timedelta(days=rng.randint(1, 21)) if feedback else None
        area_cell = rng.choice(SERVICE_AREAS[area]) if rng.random() < 0.1 else area
        ws.append([
            f"NB-{audit_date:%y%m}-{i + 1:06d}",
            rng.choice(ACTIVITY_SPELLINGS[activity]),
            dt.datetime.combine(audit_date, dt.time()),
            area_cell,
            team,
            rng.choice(team_workers[team]),
            rng.choice(auditors),
            rng.choice(THEMES),
            *core, supervision, *case,
            grade(overall), moderated,
            rng.choice(["Yes", "Yes", "Yes", "yes", "Y", "No"]),
            rng.choice(["Yes", "yes", "Y"]) if feedback else rng.choice(["No", "no", "N"]),
            dt.datetime.combine(feedback_date, dt.time()) if feedback_date else None,
            _sentences(rng, S_STRENGTH, rng.choice([1, 1, 2, 3])),
            _sentences(rng, S_DEVELOP, rng.choice([1, 2, 2])) if rng.random() < 0.9 else None,
        ])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)


# --- The benchmarks ------------------------------------------------------------------------------------


class Workdir:
    """Fresh DuckDB files on the same disk as the app's data (not tmpfs, not :memory:)."""

    def __init__(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix="db_", dir=OUT))
        self.n = 0

    def new_db(self) -> Path:
        self.n += 1
        return self.path / f"bench_{self.n}.duckdb"

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class Clock:
    """Wall time (what the user waits) and this process's CPU time (all threads) of a block."""

    wall = cpu = 0.0

    def __enter__(self) -> Clock:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


Timing = tuple[float, float]  # (wall s, cpu s)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()  # noqa: S608 - fixed names
    return int(row[0]) if row else -1


def _remove(db_path: Path) -> None:
    for p in (db_path, Path(f"{db_path}.wal")):
        p.unlink(missing_ok=True)


def run_full(xlsx: Path, rows: int, work: Workdir, con_wrapper: Callable[[Any], Any] | None = None) -> Timing:
    db_path = work.new_db()
    con = db.connect(db_path)  # schema created before timing: an existing database in real use
    try:
        target = con_wrapper(con) if con_wrapper else con
        with Clock() as clock:
            report = loaders.load_file(target, xlsx, kind="audits", loaded_by="bench")
        count = _count(con, "audits")
        if report.outcome != "loaded" or report.rows_loaded != rows or count != rows:
            errors = [i.message for i in report.errors][:5]
            raise SystemExit(f"full load did not load all rows: outcome={report.outcome} "
                             f"rows_loaded={report.rows_loaded} in table={count}; errors: {errors}")
    finally:
        con.close()
        _remove(db_path)
    return clock.wall, clock.cpu


def run_baseline(xlsx: Path, rows: int, work: Workdir) -> Timing:
    db_path = work.new_db()
    con = duckdb.connect(str(db_path))
    try:
        with Clock() as clock:
            frame = pd.read_excel(xlsx, engine="openpyxl", header=2)
            con.register("frame", frame)
            con.execute("create table audits_raw as select * from frame")
            con.unregister("frame")
        count = _count(con, "audits_raw")
        if count != rows:
            raise SystemExit(f"baseline loaded {count} rows, expected {rows}")
    finally:
        con.close()
        _remove(db_path)
    return clock.wall, clock.cpu


def run_fastexcel(xlsx: Path, rows: int, work: Workdir) -> Timing:
    with Clock() as clock:
        batch = fastexcel.read_excel(xlsx.read_bytes()).load_sheet(0, header_row=2, eager=True)
    if batch.num_rows != rows:
        raise SystemExit(f"fastexcel read {batch.num_rows} rows, expected {rows}")
    return clock.wall, clock.cpu


def run_calamine(xlsx: Path, rows: int, work: Workdir) -> Timing:
    with Clock() as clock:
        data = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    if len(data) != rows + 3:
        raise SystemExit(f"python-calamine read {len(data)} rows, expected {rows + 3}")
    return clock.wall, clock.cpu


BENCHES: dict[str, tuple[str, Callable[[Path, int, Workdir], Timing]]] = {
    "full": ("full load (load_file: parse+validate+commit)", run_full),
    "baseline": ("pandas.read_excel(openpyxl) + insert", run_baseline),
    "fastexcel": ("raw parse: fastexcel load_sheet eager", run_fastexcel),
    "calamine": ("raw parse: python-calamine to_python", run_calamine),
}


# --- Peak memory ---------------------------------------------------------------------------------------


def _rss_mib() -> float:
    """Peak resident memory of this process so far, MiB. VmHWM, not getrusage's ru_maxrss: on Linux
    a child started by subprocess inherits its parent's ru_maxrss, VmHWM starts afresh at exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def memory_child(name: str, rows: int) -> None:
    """Run one benchmark once in this (fresh) process and print its peak RSS as JSON."""
    xlsx = workbook_path(rows)
    before = _rss_mib()
    work = Workdir()
    try:
        BENCHES[name][1](xlsx, rows, work)
    finally:
        work.cleanup()
    print(json.dumps({"after_imports_mib": before, "peak_mib": _rss_mib()}))


def peak_rss(name: str, rows: int) -> dict[str, float] | None:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--rows", str(rows), "--memory-child", name]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        print(f"  (peak RSS of {name} not measured: {done.stderr.strip().splitlines()[-1:]})")
        return None
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- Profile of the full load --------------------------------------------------------------------------


class _TimedCursor:
    """A cursor that times every statement (execute and its fetch) and every register."""

    def __init__(self, cur: Any, log: list[list[Any]]) -> None:
        self._cur, self._log = cur, log

    def execute(self, sql: str, params: object = None) -> Any:
        entry: list[Any] = ["sql", " ".join(sql.split()), 0.0]
        self._log.append(entry)
        t0 = time.perf_counter()
        result = self._cur.execute(sql) if params is None else self._cur.execute(sql, params)
        entry[2] += time.perf_counter() - t0
        return _TimedResult(result, entry)

    def register(self, name: str, obj: object) -> Any:
        t0 = time.perf_counter()
        result = self._cur.register(name, obj)
        self._log.append(["register", name, time.perf_counter() - t0])
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


class _TimedResult:
    def __init__(self, result: Any, entry: list[Any]) -> None:
        self._result, self._entry = result, entry

    def _timed(self, name: str) -> Callable[..., Any]:
        def call(*args: object) -> Any:
            t0 = time.perf_counter()
            try:
                return getattr(self._result, name)(*args)
            finally:
                self._entry[2] += time.perf_counter() - t0
        return call

    def __getattr__(self, name: str) -> Any:
        if name in ("fetchall", "fetchone", "fetchmany"):
            return self._timed(name)
        return getattr(self._result, name)


class _TimedConnection:
    def __init__(self, con: Any, log: list[list[Any]]) -> None:
        self._con, self._log = con, log

    def cursor(self) -> _TimedCursor:
        return _TimedCursor(self._con.cursor(), self._log)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _wrap_steps(steps: dict[str, float]) -> Callable[[], None]:
    """Time the loader's steps by wrapping its functions (whichever of them exist); returns undo."""
    import importlib

    targets: list[tuple[str, str | None, str, str]] = [
        ("loaders.audits", None, "inspect_file", "1 safety checks (inspect_file)"),
        ("loaders.audits", None, "find_table", "2 parse (find_table: fastexcel + to_arrow)"),
        ("loaders.audits", None, "_validate", "3 validate (_validate, all of it)"),
        ("loaders.audits", None, "replace_rows", "4 write (replace_rows: inserts + commit)"),
    ]
    try:
        checks: Any = importlib.import_module("loaders.audit_checks")
    except ImportError:
        checks = None
    for method in ("parse_fields", "required_values", "domain_grades", "build", "warnings"):
        if checks is not None and hasattr(getattr(checks, "Checker", None), method):
            targets.append(("loaders.audit_checks", "Checker", method, f"3. Checker.{method}"))
    undo: list[tuple[Any, str, Any]] = []
    for module_name, cls_name, attr, label in targets:
        owner: Any = importlib.import_module(module_name)
        if cls_name:
            owner = getattr(owner, cls_name)
        original = getattr(owner, attr, None)
        if original is None:
            continue

        def timed(*args: object, _f: Callable[..., Any] = original, _label: str = label, **kw: object) -> Any:
            t0 = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                steps[_label] = steps.get(_label, 0.0) + time.perf_counter() - t0

        setattr(owner, attr, timed)
        undo.append((owner, attr, original))

    def restore() -> None:
        for owner, attr, original in undo:
            setattr(owner, attr, original)

    return restore


def profile(xlsx: Path, rows: int, runs: int) -> None:
    """Where the full load's time goes: its steps, each SQL statement (median of `runs` loads), and
    the top functions of cProfile for one more load."""
    import cProfile
    import io
    import pstats

    work = Workdir()
    totals: list[float] = []
    step_runs: list[dict[str, float]] = []
    sql_runs: list[list[list[Any]]] = []
    try:
        run_full(xlsx, rows, work)  # warm-up
        for _ in range(runs):
            steps: dict[str, float] = {}
            log: list[list[Any]] = []
            restore = _wrap_steps(steps)

            def wrapper(con: Any, log: list[list[Any]] = log) -> Any:
                return _TimedConnection(con, log)

            try:
                wall, _cpu = run_full(xlsx, rows, work, wrapper)
            finally:
                restore()
            totals.append(wall)
            step_runs.append(steps)
            sql_runs.append(log)
            gc.collect()
        db_path = work.new_db()
        con = db.connect(db_path)
        prof = cProfile.Profile()
        prof.enable()
        loaders.load_file(con, xlsx, kind="audits", loaded_by="bench")
        prof.disable()
        con.close()
    finally:
        work.cleanup()
    total = statistics.median(totals)
    print(f"\nProfile of the full load ({runs} runs, median total {total * 1000:.0f} ms, "
          f"runs {', '.join(f'{t * 1000:.0f}' for t in totals)} ms)")
    print("Steps (median ms; 3. lines are inside step 3):")
    for label in sorted(step_runs[0]):
        ms = statistics.median(s.get(label, 0.0) for s in step_runs) * 1000
        print(f"  {label:48} {ms:7.0f} ms")
    print("SQL statements and registers by cost (median ms over the runs; >= 3 ms shown):")
    n = min(len(log) for log in sql_runs)
    rows_out = []
    for i in range(n):
        kind, text = sql_runs[0][i][0], sql_runs[0][i][1]
        rows_out.append((statistics.median(log[i][2] for log in sql_runs) * 1000, kind, text))
    for ms, kind, text in sorted(rows_out, reverse=True):
        if ms >= 3:
            print(f"  {ms:6.0f} ms  {kind:8} {text[:120]}")
    print(f"  all {n} statements/registers: {sum(r[0] for r in rows_out):.0f} ms")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(15)
    print("cProfile, one more load, top 15 by own time:")
    print("\n".join("  " + line for line in out.getvalue().splitlines() if line.strip())[:6000])


# --- Main ----------------------------------------------------------------------------------------------


def _duckdb_threads() -> str:
    con = duckdb.connect()
    try:
        row = con.execute("select current_setting('threads')").fetchone()
        return str(row[0]) if row else "?"
    finally:
        con.close()


def machine() -> str:
    versions = []
    for pkg in ("duckdb", "fastexcel", "python-calamine", "pandas", "pyarrow", "openpyxl", "numpy"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} ?")
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}){mem}; Python {platform.python_version()} on "
            f"{platform.system()} {platform.release()}; duckdb threads {_duckdb_threads()}\n"
            f"  {', '.join(versions)}")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows in the generated workbook")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each fast benchmark")
    parser.add_argument("--baseline-repeat", type=int, default=2,
                        help="timed runs of the slow pandas/openpyxl baseline (~25 s each at 50k rows)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-RSS child processes")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached workbook")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the benchmark, show where the full load's time goes")
    parser.add_argument("--memory-child", choices=list(BENCHES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.rows)
        return 0

    rows = args.rows
    xlsx = workbook_path(rows)
    print(f"Machine: {machine()}")
    if args.regenerate or not xlsx.exists():
        with Clock() as clock:
            generate(rows, xlsx)
        print(f"Generated {xlsx.relative_to(ROOT)} in {clock.wall:.1f} s")
    print(f"Workbook: {xlsx.relative_to(ROOT)}: {rows:,} rows x {len(HEADERS)} columns, "
          f"{xlsx.stat().st_size / 2**20:.1f} MiB; header on row 3 under 2 title rows")
    if args.profile:
        print(f"Start: {_load()}")
        profile(xlsx, rows, args.repeat)
        print(f"End: {_load()}")
        return 0

    print(f"Start: {_load()}", flush=True)
    work = Workdir()
    times: dict[str, list[Timing]] = {k: [] for k in BENCHES}
    try:
        print("Warm-up: one untimed run of each ...", flush=True)
        for _name, (_label, fn) in BENCHES.items():
            fn(xlsx, rows, work)
            gc.collect()
        # The slow baseline runs in `baseline_repeat` of the rounds, spread over them.
        k = max(args.repeat, args.baseline_repeat)
        nb = min(args.baseline_repeat, k)
        baseline_rounds = {round(i * (k - 1) / (nb - 1)) for i in range(nb)} if nb > 1 else {0}
        for r in range(k):
            line = []
            for name, (_label, fn) in BENCHES.items():
                runs_now = r in baseline_rounds if name == "baseline" else r < args.repeat
                if not runs_now:
                    continue
                t = fn(xlsx, rows, work)
                times[name].append(t)
                line.append(f"{name} {t[0] * 1000:.0f} ms")
                gc.collect()
            print(f"  round {r + 1}/{k}: " + ", ".join(line), flush=True)
    finally:
        work.cleanup()
    print(f"End of timed rounds: {_load()}")

    wall = {n: [t[0] for t in ts] for n, ts in times.items()}
    cpu = {n: [t[1] for t in ts] for n, ts in times.items()}
    med = {n: rows / statistics.median(ts) for n, ts in wall.items()}
    best = {n: rows / min(ts) for n, ts in wall.items()}
    memory: dict[str, dict[str, float] | None] = {}
    if not args.no_memory:
        print("Peak RSS: each benchmark once in its own process ...", flush=True)
        for name in BENCHES:
            memory[name] = peak_rss(name, rows)

    print()
    print(f"{'benchmark':46} {'runs':>4} {'wall s med':>10} {'wall s min-max':>15} {'cpu s med':>9} "
          f"{'rows/s med':>10} {'rows/s best':>11} {'peak RSS':>9}")
    for name, (label, _fn) in BENCHES.items():
        ts = wall[name]
        m = memory.get(name)
        rss = f"{m['peak_mib']:.0f} MiB" if m else "-"
        print(f"{label:46} {len(ts):>4} {statistics.median(ts):>10.3f} "
              f"{f'{min(ts):.3f}-{max(ts):.3f}':>15} {statistics.median(cpu[name]):>9.3f} "
              f"{med[name]:>10,.0f} {best[name]:>11,.0f} {rss:>9}")
    full_mem = memory.get("full")
    if full_mem:
        print(f"(peak RSS is per process and includes ~{full_mem['after_imports_mib']:.0f} MiB "
              "for the interpreter and imported libraries; cpu s counts all threads of the process)")
    r_base = med["full"] / med["baseline"]
    r_raw = med["full"] / med["fastexcel"]
    ok_base = r_base >= FULL_FLOOR_VS_BASELINE
    ok_raw = r_raw >= FULL_FLOOR_VS_RAW
    print()
    print("Floors (ratios of median rows/s):")
    print(f"  full load / pandas+openpyxl baseline = {r_base:6.2f}x   floor {FULL_FLOOR_VS_BASELINE:.1f}x   "
          f"{'PASS' if ok_base else 'FAIL'}")
    print(f"  full load / raw fastexcel parse      = {r_raw:6.2f}x   floor {FULL_FLOOR_VS_RAW:.1f}x   "
          f"{'PASS' if ok_raw else 'FAIL'}")
    print(f"  (context: on best runs full/raw = {best['full'] / best['fastexcel']:.2f}x; "
          f"full / python-calamine to_python = {med['full'] / med['calamine']:.2f}x; "
          f"the baseline ran {len(wall['baseline'])} times, the others {args.repeat} times each)")
    return 0 if ok_base and ok_raw else 1


if __name__ == "__main__":
    sys.exit(main())
