"""A re-audit names the audit it follows up ("Re-audit of"): stored when it does, an error when it names
itself, a warning when the original is not loaded yet, and nothing for a placeholder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from loaders import Source, load_audits
from tests.conftest import HEADER, good_row

REAUDIT_HEADER = [*HEADER, "Re-audit of", "Worker reflection"]


def row(audit_id: str, reaudit_of: object, reflection: object = None, **overrides: object) -> list[object]:
    return [*good_row(audit_id, **overrides), reaudit_of, reflection]


def load(con: duckdb.DuckDBPyConnection, path: Path):
    return load_audits(con, Source.from_path(path), today=date(2026, 11, 26))


def test_reaudit_links_and_reflections_are_stored(
    con: duckdb.DuckDBPyConnection, make_xlsx: Callable[..., Path]
) -> None:
    first = make_xlsx([row("A-1", None, **{"Overall grade": "Inadequate"})], name="first.xlsx", header=REAUDIT_HEADER)
    assert load(con, first).outcome == "loaded"
    second = make_xlsx(
        [row("A-2", " A-1 ", "I now write the plan with the family.", **{"Audit date": date(2025, 9, 1)}),
         row("A-3", "-"), row("A-4", "N/A"), row("A-5", "A-2")],
        name="second.xlsx", header=REAUDIT_HEADER,
    )
    report = load(con, second)
    assert report.outcome == "loaded" and report.issues == []
    assert con.execute("select audit_id, reaudit_of, worker_reflection from audits order by 1").fetchall() == [
        ("A-1", None, None), ("A-2", "A-1", "I now write the plan with the family."),
        ("A-3", None, None), ("A-4", None, None), ("A-5", "A-2", None),
    ]  # fmt: skip


def test_a_reaudit_of_itself_is_rejected_and_nothing_is_written(
    con: duckdb.DuckDBPyConnection, make_xlsx: Callable[..., Path]
) -> None:
    path = make_xlsx([row("A-1", None), row("A-2", "A-2")], header=REAUDIT_HEADER)
    report = load(con, path)
    assert report.outcome == "rejected"
    assert [(i.code, i.sheet, i.row, i.column_letter, i.value) for i in report.errors] == [
        ("reaudit-of-itself", "Audits", 3, "N", "A-2"),
    ]
    assert con.execute("select count(*) from audits").fetchone() == (0,)


def test_an_unknown_original_is_a_warning(con: duckdb.DuckDBPyConnection, make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([row("A-1", "NB-9999")], header=REAUDIT_HEADER)
    report = load(con, path)
    assert report.outcome == "loaded"
    assert [(i.code, i.row, i.column, i.value) for i in report.warnings] == [
        ("unknown-original-audit", 2, "Re-audit of", "NB-9999"),
    ]
    assert "No audit \"NB-9999\" has been loaded" in report.warnings[0].message


def test_sample_data_has_reaudits_of_earlier_less_than_good_case_audits(sample_con: duckdb.DuckDBPyConnection) -> None:
    pairs = sample_con.execute(
        "select r.audit_id, o.audit_id, r.audit_date > o.audit_date, o.overall_grade, r.service_area = o.service_area, "
        "r.theme = o.theme from audits r join audits o on r.reaudit_of = o.audit_id"
    ).fetchall()
    assert len(pairs) >= 50
    assert all(later and same_area and same_theme and grade in ("Requires improvement", "Inadequate")
               for _, _, later, grade, same_area, same_theme in pairs)
    dangling = sample_con.execute(
        "select count(*) from audits where reaudit_of is not null and reaudit_of not in (select audit_id from audits)"
    ).fetchone()
    assert dangling == (0,)
