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
import gc
import json
import os
import platform
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
import pandas as pd  # noqa: E402
import pyarrow  # noqa: E402, F401 - the app has it loaded; no run pays its import
from python_calamine import CalamineWorkbook  # noqa: E402

import loaders  # noqa: E402
from benchmarks import load_profile  # noqa: E402
from benchmarks.audit_workbook import HEADERS, OUT, generate, workbook_path  # noqa: E402
from qa_data import db  # noqa: E402

FULL_FLOOR_VS_BASELINE = 5.0
FULL_FLOOR_VS_RAW = 0.5

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
        load_profile.profile(xlsx, rows, args.repeat, run_full, Workdir)
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
