"""The database schema: created on first connect, migrations idempotent, vocabulary tables equal
to qa_data.vocab, and the `filtered_audits` macro (where scope is applied) respects areas."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import DATA, ROOT, TODAY

import loaders
from qa_data import db, vocab
from qa_data.audits import AuditFilter
from qa_data.scope import Scope


def expected_version() -> int:
    return max([db.SCHEMA_VERSION_BASE, *(n for n, _, _ in db.migrations())])


def test_connect_creates_a_new_file_with_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "qa.duckdb"
    assert not path.exists()
    with db.connect(path) as con:
        assert path.exists()
        assert db.schema_version(con) == expected_version()
        versions = con.execute("select version, description from schema_version order by 1").fetchall()
        assert versions[0] == (1, "base schema (schema.sql)")
        assert [v for v, _ in versions] == list(range(1, expected_version() + 1))
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        assert {"schema_version", "service_areas", "grades", "activity_types", "domains", "loads",
                "audits", "audit_grades", "audits_by_month"} <= tables  # fmt: skip
        assert db.table_counts(con) == {"audits": 0, "audit_grades": 0, "loads": 0}


def test_empty_database_is_version_0() -> None:
    with duckdb.connect(":memory:") as raw:
        assert db.schema_version(raw) == 0
        assert db.migrate(raw) == expected_version()
        assert db.schema_version(raw) == expected_version()


def _everything(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    names = ("schema_version", "service_areas", "grades", "activity_types", "domains", "loads", "audits",
             "audit_grades")  # fmt: skip
    # Table names from the fixed tuple above, never from data.
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in names}


def test_reconnecting_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    with db.connect(path) as con:
        loaders.load_file(con, DATA / "audit_title_rows.xlsx", today=TODAY)
        first = _everything(con)
    for _ in range(2):
        with db.connect(path) as con:
            assert db.migrate(con) == expected_version()
            assert _everything(con) == first


def test_read_only_connect_does_not_migrate(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    db.connect(path).close()
    with db.connect(path, read_only=True) as con:
        assert db.schema_version(con) == expected_version()
        with pytest.raises(duckdb.Error):
            con.execute("delete from grades")


def test_default_db_path_reads_the_environment_when_called(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("QA_INSIGHT_DB", raising=False)
    assert db.default_db_path() == ROOT / "data" / "qa_insight.duckdb"
    monkeypatch.setenv("QA_INSIGHT_DB", str(tmp_path / "elsewhere.duckdb"))
    assert db.default_db_path() == tmp_path / "elsewhere.duckdb"


def test_vocabulary_tables_equal_qa_data_vocab(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("select service_area, covers from service_areas order by sort_order").fetchall() == [
        (a, vocab.SERVICE_AREA_COVERS[a]) for a in vocab.SERVICE_AREAS
    ]
    grades = con.execute(
        "select grade, grade_rank, good_or_better from grades order by grade_rank"
    ).fetchall()
    assert grades == [
        ("Outstanding", 1, True), ("Good", 2, True), ("Requires improvement", 3, False),
        ("Inadequate", 4, False),
    ]  # fmt: skip
    assert (
        dict(con.execute("select activity_type, label from activity_types").fetchall())
        == vocab.ACTIVITY_TYPES
    )
    assert con.execute(
        "select domain, label, kind, sort_order from domains order by sort_order"
    ).fetchall() == [(d.key, d.label, d.kind, d.order) for d in vocab.DOMAINS]
    assert con.execute(
        "select domain from domains where kind = 'quality_marker' order by sort_order"
    ).fetchall() == [(k,) for k in vocab.QUALITY_MARKERS]


def test_vocabulary_tables_are_resynced_on_connect(tmp_path: Path) -> None:
    path = tmp_path / "qa.duckdb"
    with db.connect(path) as con:
        expected = _everything(con)
        con.execute("delete from grades")
        con.execute("insert into service_areas values ('Youth Offending', 99, 'not in the framework')")
    with db.connect(path) as con:
        assert _everything(con) == expected


# --- filtered_audits: the one place scope is applied ----------------------------------------------

_Q = (
    "select audit_id from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes) "
    "order by 1"
)


def _filtered(con: duckdb.DuckDBPyConnection, **overrides: Any) -> list[str]:
    params: dict[str, Any] = {
        "areas": list(vocab.SERVICE_AREAS), "start_date": date(2025, 1, 1), "end_date": date(2025, 12, 31),
        "teams": [], "activity_types": [], "themes": [],
    }  # fmt: skip
    params.update(overrides)
    return [r[0] for r in con.execute(_Q, params).fetchall()]


@pytest.fixture
def six_areas(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """SA-1 Front Door, SA-2 Children in Care, SA-3 Care Leavers, SA-4 CIN and CP,
    SA-5 Vulnerable Adolescents, SA-6 Quality Assurance Unit; all on 14 March 2025."""
    report = loaders.load_file(con, DATA / "audit_service_area_aliases.xlsx", today=TODAY)
    assert report.rows_loaded == 6
    return con


def test_filtered_audits_respects_areas(six_areas: duckdb.DuckDBPyConnection) -> None:
    assert _filtered(six_areas) == ["SA-1", "SA-2", "SA-3", "SA-4", "SA-5", "SA-6"]
    assert _filtered(six_areas, areas=["Front Door"]) == ["SA-1"]
    assert _filtered(six_areas, areas=["Children in Care", "Care Leavers"]) == ["SA-2", "SA-3"]
    assert _filtered(six_areas, areas=["Permanence"]) == []
    # Aliases are not areas: the data holds canonical names only.
    assert _filtered(six_areas, areas=["MASH", "LAC"]) == []


def test_filtered_audits_with_no_areas_sees_nothing(six_areas: duckdb.DuckDBPyConnection) -> None:
    assert _filtered(six_areas, areas=[]) == []


def test_filtered_audits_dates_are_inclusive_and_other_filters_narrow(
    six_areas: duckdb.DuckDBPyConnection,
) -> None:
    day = date(2025, 3, 14)
    assert len(_filtered(six_areas, start_date=day, end_date=day)) == 6
    assert _filtered(six_areas, start_date=date(2025, 3, 15)) == []
    assert _filtered(six_areas, end_date=date(2025, 3, 13)) == []
    assert len(_filtered(six_areas, teams=["MASH Team"])) == 6
    assert _filtered(six_areas, teams=["CP Team East"]) == []
    assert _filtered(six_areas, activity_types=["dip_sample"]) == []
    assert len(_filtered(six_areas, activity_types=["case_audit"], themes=["Re-referrals"])) == 6


def test_scope_is_intersected_with_the_area_filter(six_areas: duckdb.DuckDBPyConnection) -> None:
    head_of_service = Scope(service_areas=("Front Door", "Children in Care"), user="hos")
    wide = AuditFilter(start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert [r[0] for r in six_areas.execute(_Q, wide.params(head_of_service)).fetchall()] == ["SA-1", "SA-2"]
    # Asking for an area outside the scope does not reveal it.
    other = AuditFilter(start=date(2025, 1, 1), end=date(2025, 12, 31), service_areas=("Care Leavers",))
    assert six_areas.execute(_Q, other.params(head_of_service)).fetchall() == []
    assert len(six_areas.execute(_Q, wide.params(Scope.everything())).fetchall()) == 6
    assert six_areas.execute(_Q, wide.params(Scope(service_areas=()))).fetchall() == []


def test_numbered_migrations_apply_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "migrate.duckdb"
    db.connect(path).close()
    real = db.migrations()
    n = max([1, *(number for number, _, _ in real)])
    extra = [
        (n + 1, f"{n + 1:03d}_add_notes.sql", "create table notes (audit_id varchar, note varchar);"),
        (n + 2, f"{n + 2:03d}_index_notes.sql", "alter table notes add column added_at timestamp;"),
    ]
    monkeypatch.setattr(db, "migrations", lambda: [*real, *extra])
    con = db.connect(path)
    assert db.schema_version(con) == n + 2
    assert [r[0] for r in con.execute("select description from schema_version order by version").fetchall()] == [
        "base schema (schema.sql)", *(name for _, name, _ in real), extra[0][1], extra[1][1],
    ]
    con.close()
    con = db.connect(path)  # reconnecting applies nothing twice
    assert con.execute("select count(*) from schema_version").fetchone() == (1 + len(real) + 2,)
    con.close()


def test_a_failing_migration_leaves_the_database_at_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "broken.duckdb"
    db.connect(path).close()
    real = db.migrations()
    n = max([1, *(number for number, _, _ in real)])
    broken = (n + 1, f"{n + 1:03d}_broken.sql", "create table half (x int); select nope;")
    monkeypatch.setattr(db, "migrations", lambda: [*real, broken])
    with pytest.raises(duckdb.Error):
        db.connect(path)
    monkeypatch.undo()
    con = db.connect(path)
    assert db.schema_version(con) == n
    assert con.execute("select count(*) from information_schema.tables where table_name = 'half'").fetchone() == (0,)
    con.close()


def test_every_domain_in_the_vocabulary_has_a_grade_column_and_a_row_in_audit_grades(
    con: duckdb.DuckDBPyConnection,
) -> None:
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_name = 'audits' and column_name like '%\\_grade' escape '\\' "
        "and column_name not in ('overall_grade', 'moderated_grade', 'final_grade') order by ordinal_position"
    ).fetchall()]
    assert columns == [f"{d.key}_grade" for d in vocab.DOMAINS]
    # One audit graded in every domain shows every domain in the audit_grades view.
    grades = ", ".join(f"{d.key}_grade" for d in vocab.DOMAINS)
    goods = ", ".join("'Good'" for _ in vocab.DOMAINS)
    con.execute(
        f"insert into audits (audit_id, activity_type, audit_date, service_area, overall_grade, final_grade, "
        f"good_or_better, load_id, {grades}) values ('A', 'case_audit', date '2025-01-01', 'Front Door', "
        f"'Good', 'Good', true, 'L', {goods})"
    )
    domains = [r[0] for r in con.execute("select domain from audit_grades order by domain").fetchall()]
    assert domains == sorted(d.key for d in vocab.DOMAINS)
