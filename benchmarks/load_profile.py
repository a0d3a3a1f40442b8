"""`bench_audit_load.py --profile`: where the full load's time goes, by loader step (wrapping its
functions), by SQL statement (wrapping the cursor; fetches included), and cProfile's top functions."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import loaders
from qa_data import db


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


def profile(
    xlsx: Path, rows: int, runs: int, run_full: Callable[..., Any], new_workdir: Callable[[], Any]
) -> None:
    """Where the full load's time goes: its steps, each SQL statement (median of `runs` loads), and
    the top functions of cProfile for one more load."""
    import cProfile
    import io
    import pstats

    work = new_workdir()
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


