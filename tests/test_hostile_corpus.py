"""Hostile and broken input (issue 6): every case of tests/hostile/corpus.py is rejected with its
exact code and location, or accepted exactly as policy says; a rejection leaves every table but
`loads` unchanged (row counts and an md5 of every row); no loader raises.

The whole corpus runs once, in a subprocess limited to 2 GiB of address space (RLIMIT_AS), on a
copy of the sample database: a case that crashed the process or blew the limit fails every case
after it. A normal 50,000-row audit return loads in about 400 MiB under the same limit. Each
parametrised test reports its own case's result from that run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from corpus import CASES, markdown  # noqa: E402
from runner import check, checksums  # noqa: E402

LIMIT_BYTES = 2 * 2**30
DOC = ROOT / "docs" / "hostile_corpus.md"

# What issue 6 lists, and the corpus groups that cover each (several variants each).
ISSUE_ITEMS = {
    "not a zip": "not a workbook", "truncated": "truncated or damaged",
    "password-protected / legacy .xls": "encrypted or legacy", "macro-enabled": "macros",
    "zip bombs": "zip bomb", "entity expansion / external entities": "XML entities",
    "hidden data sheets": "hidden sheets", "merged, duplicate or blank headers": "headers",
    "formulas without cached values, #REF!": "formulas and errors", "1904 date system": "1904 dates",
    "huge cells, more rows than allowed": "huge cells and rows", "control characters": "control characters",
    "CSV variants": "CSV",
}  # fmt: skip


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


@pytest.fixture(scope="module")
def corpus_run(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    copy = tmp_path_factory.mktemp("hostile") / "sample.duckdb"
    copy.write_bytes(sample_db.read_bytes())
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "hostile" / "runner.py"), str(copy)],
        capture_output=True, text=True, preexec_fn=_limit_memory, timeout=600, cwd=ROOT, check=False,
    )
    last_case = (done.stderr.strip().splitlines() or ["(none)"])[-1]
    assert done.stdout.strip(), f"the corpus run died (exit {done.returncode}) while loading {last_case}"
    result: dict[str, Any] = json.loads(done.stdout)
    result["returncode"] = done.returncode
    return result


def test_corpus_covers_every_item_of_the_issue() -> None:
    assert len(CASES) >= 60
    groups = [c.group for c in CASES.values()]
    for item, group in ISSUE_ITEMS.items():
        assert groups.count(group) >= 2, item
    assert {g for g in groups} == set(ISSUE_ITEMS.values())
    assert sum(c.file_level for c in CASES.values()) >= 30
    assert {c.expected.outcome for c in CASES.values()} == {"rejected", "accepted"}


@pytest.mark.parametrize("name", list(CASES))
def test_case(corpus_run: dict[str, Any], name: str) -> None:
    assert corpus_run["results"][name].startswith("ok"), corpus_run["results"][name]


def test_whole_corpus_within_the_memory_limit(
    corpus_run: dict[str, Any], record_property: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    record_property("peak_rss_mib", corpus_run["peak_rss_mib"])
    record_property("seconds", corpus_run["seconds"])
    with capsys.disabled():
        print(f"\nhostile corpus: {len(CASES)} cases, peak RSS {corpus_run['peak_rss_mib']} MiB "
              f"(limit {LIMIT_BYTES // 2**20} MiB address space), {corpus_run['seconds']} s")
    assert corpus_run["returncode"] == 0
    assert sorted(corpus_run["results"]) == sorted(CASES)
    assert corpus_run["peak_rss_mib"] < LIMIT_BYTES / 2**20
    # The time is printed, never asserted: speed is shown by benchmarks, not by timed tests.


def test_a_rejection_in_this_process_changes_nothing_and_the_checksum_sees_a_load(
    sample_con: duckdb.DuckDBPyConnection,
) -> None:
    """The same check in pytest's own process, for a few cases; and the per-table checksum does
    notice an accepted load (so "unchanged" is not vacuous)."""
    before = checksums(sample_con)
    for name in ("truncated_50pc", "merged_header_cells", "error_ref", "billion_laughs_shared_strings"):
        check(sample_con, CASES[name])
    assert checksums(sample_con) == before
    check(sample_con, CASES["date1904_system"])
    after = checksums(sample_con)
    assert [t for t in after if after[t] != before[t]] == ["audits"]
    assert after["audits"][0] == before["audits"][0] + 2


def test_docs_table_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), "run: python tests/hostile/corpus.py > docs/hostile_corpus.md"
