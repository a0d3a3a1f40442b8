"""The reports' content (format-free `Report` objects): every number checked against plain SQL over the
tables, for the quarter, the previous quarter and the same quarter last year; scope; no child or
worker data in the Cabinet summary; small-number suppression on a planted database; the Q&PC pack
and the self-evaluation evidence; commentary storage."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from qa_data import commentary, db, periods
from qa_data.exports import cabinet, figures, qpc, sef
from qa_data.exports.model import SUPPRESSED, Chart, Paragraph, Report, Table
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

Q3_2026 = date(2026, 7, 1)  # the sample data's latest full quarter
QUARTERS = {"this": date(2026, 7, 1), "previous": date(2026, 4, 1), "last_year": date(2025, 7, 1)}
EVERYONE = Scope.everything(user="analyst")
FRONT_DOOR = Scope(service_areas=("Front Door",), user="hos-front-door")


@pytest.fixture(scope="module")
def sample(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One writable copy of the sample database for this module's read-only checks."""
    path = tmp_path_factory.mktemp("exports") / "sample.duckdb"
    shutil.copyfile(sample_db, path)
    connection = db.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def report(sample: duckdb.DuckDBPyConnection) -> Report:
    return cabinet.build(sample, scope=EVERYONE, quarter=date(2026, 8, 15))


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> tuple[Any, ...]:
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None
    return row


def tables(section_blocks: tuple[Any, ...]) -> dict[str, Table]:
    return {b.title: b for b in section_blocks if isinstance(b, Table)}


def strings(report: Report) -> list[str]:
    """Every piece of text a reader could see in the report."""
    out = [report.title, report.period_label, report.data_as_of, report.filters, report.marking]
    for section in report.sections:
        out += [section.title, section.sheet_name or ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Table):
                out += [block.title, block.note, *(c.name for c in block.columns)]
                out += [str(v) for row in block.rows for v in row if v is not None]
            elif isinstance(block, Chart):
                out += [block.title, block.y_title, *block.categories, *(s.name for s in block.series)]
    return out


def audit_counts(con: duckdb.DuckDBPyConnection, area: str | None, quarter: date) -> tuple[int, int]:
    """(audits, good or better) straight from the audits table."""
    row = one(
        con,
        "select count(*), count(*) filter (where final_grade in ('Outstanding', 'Good')) from audits "
        "where (? is null or service_area = ?) and audit_date >= ? and audit_date < ?",
        area, area, quarter, periods.add_months(quarter, 3),
    )
    return int(row[0]), int(row[1])


def check_count(shown: Any, actual: int, small_in_grid: bool) -> None:
    """A published count is the true count, or "c" when it is 1-5 (always) or protects one."""
    if 1 <= actual <= 5:
        assert shown == SUPPRESSED
    elif shown == SUPPRESSED:
        assert small_in_grid, "suppressed with no small number to protect"
    else:
        assert shown == actual


# --- Cabinet: numbers --------------------------------------------------------------------------------


def test_cabinet_audit_figures_equal_sql_for_every_area_and_quarter(
    sample: duckdb.DuckDBPyConnection, report: Report
) -> None:
    assert report.period_label == "Jul-Sep 2026 (Q2 2026-27)"
    summary = tables(report.sections[0].blocks)["Audits: % good or better"]
    assert [r[0] for r in summary.rows] == [*SERVICE_AREAS, "Council-wide"]
    for key, q in QUARTERS.items():
        truth = {a: audit_counts(sample, a, q) for a in SERVICE_AREAS}
        truth["Council-wide"] = audit_counts(sample, None, q)
        small = any(1 <= v <= 5 for n, g in truth.values() for v in (n, g, n - g))
        for section in report.sections[1:]:
            n, g = truth[section.title]
            row = next(r for r in tables(section.blocks)["Audits: % good or better"].rows
                       if r[0] == periods.quarter_label(q))
            check_count(row[1], n, small)
            check_count(row[2], g, small)
            if row[1] != SUPPRESSED and row[2] != SUPPRESSED and n:
                assert row[3] == round(100 * g / n, 1)
            else:
                assert row[3] in (SUPPRESSED, None)
        pct_column = {"this": 3, "previous": 4, "last_year": 5}[key]
        for row in summary.rows:
            n, g = truth[row[0]]
            if key == "this":
                check_count(row[1], n, small)
                check_count(row[2], g, small)
            if row[pct_column] != SUPPRESSED:
                assert row[pct_column] == (round(100 * g / n, 1) if n else None)
    # The council-wide line of the sample's Jul-Sep 2026, as the Overview shows it.
    assert summary.rows[-1][1:4] == (198, 127, 64.1)


def test_cabinet_kpis_equal_sql_with_target_benchmarks_and_rag(
    sample: duckdb.DuckDBPyConnection, report: Report
) -> None:
    kpi_table = tables(report.sections[0].blocks)["Key performance indicators"]
    codes = {name: code for code, name in sample.execute("select kpi_code, name from kpis").fetchall()}
    named = [str(r[0]).rsplit(" (", 1) for r in kpi_table.rows]  # 'Name (lower is better)'
    assert [codes[name] for name, _ in named] == [
        "re_referrals", "assessments_45wd", "repeat_cp_plans", "cp_visits_in_timescale", "cla_3_placements"]
    for row, (name, better) in zip(kpi_table.rows, named, strict=True):
        code = codes[name]
        for column, q in zip((1, 2, 3), QUARTERS.values(), strict=True):
            found = sample.execute(
                "select value, numerator, denominator from kpi_values where kpi_code = ? and service_area is null "
                "and team is null and period_month between ? and ? "
                "order by period_month desc, (source = 'annex_a') desc limit 1",
                [code, q, periods.add_months(q, 2)],
            ).fetchone()
            if found is None:
                assert row[column] is None
            elif found[2] is not None and any(v is not None and 1 <= v <= 5 for v in found[1:]):
                assert row[column] == SUPPRESSED
            else:
                assert row[column] == round(found[0], 1)
        target, amber, direction = one(sample, "select target, amber_tolerance, direction from kpis where kpi_code = ?",
                                       code)
        assert better == f"{direction} is better)" and row[4] == target
        for column, comparator in ((5, "Statistical neighbours"), (6, "England")):
            published = sample.execute(
                "select value from kpi_comparators where kpi_code = ? and comparator = ? order by year desc limit 1",
                [code, comparator]).fetchone()
            assert row[column] == (published[0] if published else None)
        value = row[1]
        shortfall = (target - value) if direction == "higher" else (value - target)
        assert row[7] == ("Green" if shortfall <= 0 else "Amber" if shortfall <= amber else "Red")
    # Re-referrals in Jul-Sep 2026: September's value, 13 of 72 (annex_a wins over the extract).
    assert kpi_table.rows[0][:2] == ("Re-referrals within 12 months (lower is better)", 18.1)


def test_cabinet_voice_and_overdue_actions_equal_sql(sample: duckdb.DuckDBPyConnection, report: Report) -> None:
    summary = tables(report.sections[0].blocks)
    voice = summary["What children and families say: % positive survey answers"]
    overdue = summary["Overdue actions at quarter end"]
    for key, q in QUARTERS.items():
        end = periods.quarter_end(q)
        truth = {a: one(sample, "select count(*), count(*) filter (where positive) from survey_answers "
                        "where service_area = ? and response_date between ? and ?", a, q, end) for a in SERVICE_AREAS}
        truth["Council-wide"] = (sum(t[0] for t in truth.values()), sum(t[1] for t in truth.values()))
        small = any(1 <= v <= 5 for n, p in truth.values() for v in (n, p, n - p))
        for row in voice.rows:
            n, p = truth[row[0]]
            if key == "this":
                check_count(row[1], n, small)
                check_count(row[2], p, small)
            column = {"this": 3, "previous": 4, "last_year": 5}[key]
            if row[column] != SUPPRESSED:
                assert row[column] == (round(100 * p / n, 1) if n else None)
        snapshot = one(sample, "select max(snapshot_date) from action_snapshots where snapshot_date between ? and ?",
                       q, end)[0]
        names = [c.name for c in overdue.columns]
        if snapshot is None:  # no tracker that quarter: no column for it
            assert periods.quarter_label(q) not in names and periods.quarter_label(q) in overdue.note
            continue
        column = names.index(periods.quarter_label(q))
        counts = {a: one(sample, "select count(*) from actions where snapshot_date = ? and service_area = ? "
                         "and status <> 'Completed' and due_date < ?", snapshot, a, end)[0] for a in SERVICE_AREAS}
        counts["Council-wide"] = sum(counts.values())
        small = any(1 <= v <= 5 for v in counts.values())
        for row in overdue.rows:
            check_count(row[column], counts[row[0]], small)
    assert one(sample, "select count(*) from survey_answers where response_date between ? and ?",
               date(2026, 7, 1), date(2026, 9, 30))[0] == voice.rows[-1][1] == 264


def test_cabinet_sections_charts_and_sheets(report: Report) -> None:
    assert [s.title for s in report.sections] == ["Summary", *SERVICE_AREAS]
    assert [s.sheet_name for s in report.sections] == [  # the summary goes on Excel's title sheet
        None, "Front Door", "CIN and CP", "Adolescents", "Children in Care", "Permanence", "Care Leavers",
        "QA Unit"]
    charts = [b for b in report.sections[0].blocks if isinstance(b, Chart)]
    assert [c.title for c in charts] == ["% of audits good or better by service area", "Key indicators against target"]
    audit_table = tables(report.sections[0].blocks)["Audits: % good or better"]
    by_quarter = {s.name: s.values for s in charts[0].series}
    assert list(by_quarter) == ["Jul-Sep 2026", "Apr-Jun 2026", "Jul-Sep 2025"]
    shown = [r[3] for r in audit_table.rows]
    assert list(by_quarter["Jul-Sep 2026"]) == [v if v != SUPPRESSED else None for v in shown]
    assert all(any(isinstance(b, Chart) for b in s.blocks) for s in report.sections[1:])
    assert report.marking.startswith("OFFICIAL") and report.filters == "All service areas"


def test_a_viewer_scoped_to_one_area_gets_only_that_area(sample: duckdb.DuckDBPyConnection) -> None:
    mine = cabinet.build(sample, scope=FRONT_DOOR, quarter=Q3_2026)
    assert [s.title for s in mine.sections] == ["Summary", "Front Door"]
    assert mine.filters == "Service areas: Front Door"
    summary = tables(mine.sections[0].blocks)
    kpis = summary.pop("Key performance indicators")  # the area's own values, never council-wide
    assert [r[0] for r in kpis.rows] == ["Front Door: Re-referrals within 12 months (lower is better)",
                                         "Front Door: Assessments completed within 45 working days (higher is better)"]
    for title, table in summary.items():
        assert [r[0] for r in table.rows] == ["Front Door", "All areas in scope"], title
    others = set(SERVICE_AREAS) - {"Front Door"}
    assert not [s for s in strings(mine) if s in others]
    n, g = audit_counts(sample, "Front Door", Q3_2026)
    assert summary["Audits: % good or better"].rows[0][1:3] == (n, g) == (34, 26)


def test_no_child_id_worker_or_team_in_the_cabinet_summary(sample_con: duckdb.DuckDBPyConnection) -> None:
    sample_con.execute("update audits set child_ref = 'CH' || lpad(substr(audit_id, 9), 6, '0')")
    sample_con.execute("insert into survey_comments select survey, response_id, respondent_type, service_area, "
                       "response_date, 'free text', 'My worker Zed Quill never calls', source_row, load_id "
                       "from survey_answers limit 1")
    built = cabinet.build(sample_con, scope=EVERYONE, quarter=Q3_2026)
    text = "\n".join(strings(built))
    people = sample_con.execute(
        "select distinct v from (select worker as v from audits union all select auditor from audits "
        "union all select team from audits union all select child_ref from audits union all select owner "
        "from actions) where v is not null").fetchall()
    assert len(people) > 100
    leaked = [p for (p,) in people if p in text]
    assert leaked == []
    assert "Zed Quill" not in text and "NB-" not in text and "ACT-" not in text
    # And in the files themselves: every cell of the workbook, every page of the PDF.
    import io

    import openpyxl
    import pypdf

    from qa_data.exports.pdf import render_pdf
    from qa_data.exports.xlsx import render_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(built)))
    cells = "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    pdf_text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_pdf(built))).pages)
    for rendered in (cells, pdf_text):
        assert "Council-wide" in rendered or "council" in rendered.lower()
        assert [p for (p,) in people if p in rendered] == []
        assert "Zed Quill" not in rendered and "NB-" not in rendered and "ACT-" not in rendered


# --- Cabinet: suppression ----------------------------------------------------------------------------


def plant_audits(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, date, str]]) -> None:
    """Audits (service area, date, final grade) written straight to the table."""
    for i, (area, day, grade) in enumerate(rows):
        con.execute(
            "insert into audits (audit_id, activity_type, audit_date, service_area, team, worker, overall_grade, "
            "final_grade, good_or_better, load_id) values (?, 'case_audit', ?, ?, 'Team A', 'Pat Small', ?, ?, ?, 'L')",
            [f"P-{i}", day, area, grade, grade, grade in ("Outstanding", "Good")],
        )


def test_small_numbers_are_suppressed_with_secondary_suppression(con: duckdb.DuckDBPyConnection) -> None:
    day = date(2026, 8, 3)
    plant_audits(con, [("Front Door", day, "Good")] * 2 + [("Front Door", day, "Inadequate")]
                 + [("Children in Care", day, "Good")] * 15 + [("Children in Care", day, "Requires improvement")] * 9
                 + [("Permanence", day, "Good")] * 30 + [("Permanence", day, "Inadequate")] * 12)
    built = cabinet.build(con, scope=EVERYONE, quarter=day)
    table = tables(built.sections[0].blocks)["Audits: % good or better"]
    rows = {r[0]: r for r in table.rows}
    assert rows["Front Door"][1:4] == (SUPPRESSED, SUPPRESSED, SUPPRESSED)  # 3 audits, 2 good: all hidden
    assert rows["Vulnerable Adolescents"][1:4] == (0, 0, None)  # zero is shown as 0
    # No published total lets a lone "c" be worked back: every column with a total has 0 or 2+ hidden.
    for column in (1, 2):
        hidden = [r[0] for r in table.rows if r[column] == SUPPRESSED]
        assert len(hidden) != 1, (column, hidden)
        shown = [r[column] for r in table.rows[:-1] if r[column] != SUPPRESSED]
        if table.rows[-1][column] != SUPPRESSED and len(hidden) == 0:
            assert sum(shown) == table.rows[-1][column]
    # A percentage on a suppressed base or count is suppressed.
    for row in table.rows:
        if SUPPRESSED in (row[1], row[2]):
            assert row[3] == SUPPRESSED
    # Area sections show exactly the summary's published values.
    for section in built.sections[1:]:
        this = tables(section.blocks)["Audits: % good or better"].rows[0]
        assert this[1:4] == rows[section.title][1:4]
    assert rows["Permanence"][1:4] in ((42, 30, 71.4), (SUPPRESSED, SUPPRESSED, SUPPRESSED),
                                       (42, SUPPRESSED, SUPPRESSED), (SUPPRESSED, 30, SUPPRESSED))
    assert "c = a count from 1 to 5" in table.note


def test_a_quarter_with_nothing_in_it_is_refused(sample: duckdb.DuckDBPyConnection) -> None:
    for module in (cabinet, qpc, sef):
        with pytest.raises(figures.NoDataError, match="no data for Jul-Sep 2023"):
            module.build(sample, scope=EVERYONE, quarter=date(2023, 7, 1))  # type: ignore[attr-defined]
    with pytest.raises(figures.NoDataError):  # the data is elsewhere, not in this viewer's scope
        cabinet.build(sample, scope=Scope(service_areas=(), user="nobody"), quarter=Q3_2026)


# --- Commentary --------------------------------------------------------------------------------------


def test_commentary_round_trip_and_in_the_cabinet(sample_con: duckdb.DuckDBPyConnection) -> None:
    write = {"scope": EVERYONE, "report": "cabinet", "quarter": date(2026, 9, 30)}
    commentary.set_commentary(sample_con, **write, service_area="Front Door", field="audits",
                              text="First draft", now=datetime(2026, 10, 1, 9, 0))
    commentary.set_commentary(sample_con, scope=FRONT_DOOR, report="cabinet", quarter=Q3_2026,
                              service_area="Front Door", field="audits", text="  Re-referral audits improved.  ")
    commentary.set_commentary(sample_con, **write, service_area=commentary.COUNCIL_WIDE, field="headline",
                              text="Practice is steady.")
    saved = commentary.get_commentary(sample_con, scope=EVERYONE, report="cabinet", quarter=Q3_2026)
    assert {k: (c.text, c.written_by) for k, c in saved.items()} == {
        ("Front Door", "audits"): ("Re-referral audits improved.", "hos-front-door"),
        ("Council-wide", "headline"): ("Practice is steady.", "analyst"),
    }
    assert one(sample_con, "select count(*) from report_commentary")[0] == 2
    # The Front Door head of service does not read council-wide commentary.
    assert list(commentary.get_commentary(sample_con, scope=FRONT_DOOR, report="cabinet", quarter=Q3_2026)) == [
        ("Front Door", "audits")]
    assert commentary.get_commentary(sample_con, scope=EVERYONE, report="cabinet", quarter=date(2026, 4, 1)) == {}

    built = cabinet.build(sample_con, scope=EVERYONE, quarter=Q3_2026)
    notes = {s.title: [b.text for b in s.blocks if isinstance(b, Paragraph) and b.style == "commentary"]
             for s in built.sections}
    assert notes["Summary"] == ["Practice is steady."]
    assert notes["Front Door"] == ["Re-referral audits improved."]
    assert notes["Permanence"] == []

    commentary.set_commentary(sample_con, **write, service_area="Front Door", field="audits", text="  ")
    assert one(sample_con, "select count(*) from report_commentary")[0] == 1


def test_commentary_outside_the_writers_scope_is_refused(sample_con: duckdb.DuckDBPyConnection) -> None:
    for area in ("Permanence", commentary.COUNCIL_WIDE):
        with pytest.raises(commentary.CommentaryRefused):
            commentary.set_commentary(sample_con, scope=FRONT_DOOR, report="cabinet", quarter=Q3_2026,
                                      service_area=area, field="headline", text="Not mine to say")
    with pytest.raises(ValueError, match="field"):
        commentary.set_commentary(sample_con, scope=EVERYONE, report="cabinet", quarter=Q3_2026,
                                  service_area="Front Door", field="gossip", text="x")
    with pytest.raises(ValueError, match="unknown service area"):
        commentary.set_commentary(sample_con, scope=EVERYONE, report="cabinet", quarter=Q3_2026,
                                  service_area="Narnia", field="headline", text="x")
    assert one(sample_con, "select count(*) from report_commentary")[0] == 0


# --- Q&PC pack ---------------------------------------------------------------------------------------


def test_qpc_activity_and_delivery_against_plan_equal_sql(sample_con: duckdb.DuckDBPyConnection) -> None:
    pack = qpc.build(sample_con, scope=EVERYONE, quarter=Q3_2026)
    assert pack.marking.startswith("OFFICIAL-SENSITIVE") and "restricted" in pack.marking
    found = tables(pack.sections[0].blocks)
    activity = found["Activities completed, Jul-Sep 2026"]
    for row in activity.rows[:-1]:
        by_type = dict(sample_con.execute(
            "select activity_type, count(*) from audits where service_area = ? and audit_date between ? and ? "
            "group by all", [row[0], date(2026, 7, 1), date(2026, 9, 30)]).fetchall())
        assert row[1:] == (by_type.get("case_audit", 0), by_type.get("dip_sample", 0), by_type.get("observation", 0),
                           sum(by_type.values()))
    assert activity.rows[-1][-1] == 198
    # The sample plan for Jul-Sep 2026, each line against the audits of its month, area, type and theme.
    plan = sample_con.execute(
        "select strftime(p.plan_month, '%b %Y'), p.service_area, t.label, p.theme, p.planned, "
        "(select count(*) from audits as a where a.service_area = p.service_area and a.activity_type = "
        "p.activity_type and date_trunc('month', a.audit_date) = p.plan_month "
        "and lower(trim(a.theme)) = lower(trim(p.theme))) "
        "from audit_plan as p join activity_types as t using (activity_type) "
        "where p.plan_month between '2026-07-01' and '2026-09-01'").fetchall()
    shown = found["Delivered against plan"].rows
    assert len(plan) > 50
    assert sorted(r[:6] for r in shown) == sorted(plan)
    assert all(r[6] == round(100 * min(r[5], r[4]) / r[4], 1) for r in shown)
    planned, delivered = sum(r[4] for r in plan), sum(min(r[4], r[5]) for r in plan)
    outside = 198 - sum(r[5] for r in plan)
    pct = 100 * delivered / planned
    assert (f"The plan for Jul-Sep 2026 had {planned} activities; {delivered} of them ({pct:.0f}%) were delivered, "
            f"and {outside} further activities were done outside the plan.") in [
        b.text for b in pack.sections[0].blocks if isinstance(b, Paragraph)]


def test_qpc_grade_trends_findings_actions_and_reaudits_equal_sql(sample_con: duckdb.DuckDBPyConnection) -> None:
    top = one(sample_con, "select theme from audits where audit_date between '2026-07-01' and '2026-09-30' "
              "group by theme order by count(*) desc, theme limit 1")[0]
    sample_con.execute("update audits set strengths = 'Harpreet Bradley built a warm relationship with the family.' "
                       "where audit_id in (select audit_id from audits where theme = ? and audit_date between "
                       "'2026-07-01' and '2026-09-30' order by audit_id offset 2)", [top])
    pack = qpc.build(sample_con, scope=EVERYONE, quarter=Q3_2026)
    sections = {s.title: tables(s.blocks) for s in pack.sections}

    trend = sections["Grade trends"]["% of audits good or better by quarter"]
    assert [c.name for c in trend.columns][1:] == [f"% {q}" for q in (
        "Apr-Jun 2025", "Jul-Sep 2025", "Oct-Dec 2025", "Jan-Mar 2026", "Apr-Jun 2026", "Jul-Sep 2026")]
    starts = [periods.add_months(date(2025, 4, 1), 3 * i) for i in range(6)]
    for row in trend.rows:
        for q, shown in zip(starts, row[1:], strict=True):
            n, g = audit_counts(sample_con, None if row[0] == "All areas" else row[0], q)
            assert shown == (round(100 * g / n, 1) if n else None)

    strengths = sections["Strengths and areas for development"]["Strengths: the 5 themes noted most"]
    expected = sample_con.execute(
        "select theme, count(*) from audits where audit_date between '2026-07-01' and '2026-09-30' "
        "and strengths is not null group by theme order by count(*) desc, theme limit 5").fetchall()
    assert [r[:2] for r in strengths.rows] == expected
    for theme, _, examples in strengths.rows:
        statements = {s for (s,) in sample_con.execute(
            "select strengths from audits where theme = ? and audit_date between '2026-07-01' and '2026-09-30'",
            [theme]).fetchall()}
        quoted = examples.split("\n")
        assert 1 <= len(quoted) <= 3 and set(quoted) <= statements
    names = {n for (n,) in sample_con.execute("select worker from audits union select auditor from audits").fetchall()}
    text = "\n".join(strings(pack))
    assert [n for n in names if n in text] == []  # the planted statement is the commonest, yet never quoted
    markers = sections["Strengths and areas for development"]["By quality marker"]
    for label, column in (("Children safeguarded, thresholds appropriate", "safeguarding_grade"),
                          ("Supervision", "supervision_grade")):
        graded, good = one(sample_con, f"select count({column}), count(*) filter (where {column} in "
                           "('Outstanding', 'Good')) from audits "
                           "where audit_date between '2026-07-01' and '2026-09-30'")
        assert next(r for r in markers.rows if r[0] == label)[1:3] == (graded, good)

    due = sections["Actions due and overdue"]["Actions due in the quarter"]
    for row in due.rows[:-1]:
        assert row[1:] == one(
            sample_con, "select count(*), count(*) filter (where status = 'Completed'), count(*) filter (where status "
            "<> 'Completed'), count(*) filter (where status <> 'Completed' and due_date < '2026-09-30') from actions "
            "where snapshot_date = '2026-09-30' and service_area = ? and due_date between '2026-07-01' and "
            "'2026-09-30'", row[0])
    overdue = sections["Actions due and overdue"]["Actions overdue at 30 Sep 2026"]
    assert [r[0] for r in overdue.rows] == [a for (a,) in sample_con.execute(
        "select action_id from actions where snapshot_date = '2026-09-30' and status <> 'Completed' and "
        "due_date < '2026-09-30' order by due_date, action_id").fetchall()]

    reaudits = sections["Re-audits"]["Re-audits: grades before and after"]
    assert [(r[0], r[3], r[5], r[7]) for r in reaudits.rows] == sample_con.execute(
        "select r.audit_id, o.audit_id, o.final_grade, r.final_grade from audits as r join audits as o "
        "on o.audit_id = r.reaudit_of where r.audit_date between '2026-07-01' and '2026-09-30' "
        "order by r.audit_date, r.audit_id").fetchall()
    assert len(reaudits.rows) == 16


# --- ILACS self-evaluation evidence ------------------------------------------------------------------


def test_sef_answers_the_three_questions_with_numbers_from_sql(sample_con: duckdb.DuckDBPyConnection) -> None:
    evidence = sef.build(sample_con, scope=FRONT_DOOR, quarter=Q3_2026)
    assert [s.title for s in evidence.sections] == ["About this evidence", "Front Door"]
    blocks = evidence.sections[1].blocks
    headings = [b.text for b in blocks if isinstance(b, Paragraph) and b.style == "heading"]
    assert headings == ["What we know", "How we know it", "Our plans for the next 12 months"]
    prose = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
    found = tables(blocks)
    window = (date(2025, 10, 1), date(2026, 9, 30))

    grades = dict(sample_con.execute("select final_grade, count(*) from audits where service_area = 'Front Door' "
                                     "and audit_date between ? and ? group by all", list(window)).fetchall())
    assert {r[0]: r[1] for r in found["Grades, 12 months to Sep 2026"].rows} == {
        g: grades.get(g, 0) for g in ("Outstanding", "Good", "Requires improvement", "Inadequate")}
    total, good = sum(grades.values()), grades.get("Outstanding", 0) + grades.get("Good", 0)
    assert f"we completed {total} quality activities in Front Door; {good} ({100 * good / total:.0f}%)" in prose

    kinds = dict(sample_con.execute("select activity_type, count(*) from audits where service_area = 'Front Door' "
                                    "and audit_date between ? and ? group by all", list(window)).fetchall())
    assert (f"We audited {kinds['case_audit']} cases in full, dip-sampled {kinds['dip_sample']} more and observed "
            f"practice {kinds['observation']} times in Front Door") in prose

    for code, row in zip(("assessments_45wd", "re_referrals"), found["Indicators against benchmarks"].rows,
                         strict=True):
        value = one(sample_con, "select value from kpi_values where kpi_code = ? and service_area = 'Front Door' "
                    "and team is null and period_month = '2026-09-01' order by (source = 'annex_a') desc limit 1",
                    code)[0]
        assert row[1] == round(value, 1)

    surveys = found["Surveys and responses"]
    assert [r[:3] for r in surveys.rows] == sample_con.execute(
        "select survey, count(distinct response_id), count(*) from survey_answers where service_area = 'Front Door' "
        "and response_date between ? and ? group by survey order by survey", list(window)).fetchall()
    kinds_loaded = {r[0] for r in found["Data sources and their dates (latest load of each)"].rows}
    assert {"Audit returns", "KPI extracts", "Surveys", "Action tracker"} <= kinds_loaded

    open_actions = sample_con.execute("select action_id from actions where snapshot_date = '2026-09-30' and "
                                      "service_area = 'Front Door' and status <> 'Completed' "
                                      "order by due_date, action_id").fetchall()
    assert [r[0] for r in found["Open actions"].rows] == [a for (a,) in open_actions]
    assert f"{len(open_actions)} actions from our audits and reviews were open in Front Door" in prose
    # Planned: Oct 2026 to Sep 2027 only (the sample plan runs from Apr 2025 to Mar 2028).
    ahead = sample_con.execute(
        "select strftime(plan_month, '%b %Y'), t.label, theme, planned from audit_plan join activity_types as t "
        "using (activity_type) where service_area = 'Front Door' and plan_month between '2026-10-01' and "
        "'2027-09-01' order by plan_month, activity_type, theme").fetchall()
    assert found["Audits planned for the next 12 months"].rows == tuple(ahead)
    assert ahead[0][0] == "Oct 2026" and ahead[-1][0] == "Sep 2027"
    assert f"we plan {sum(r[3] for r in ahead)} quality activities in Front Door" in prose


def test_every_report_covers_every_area_in_scope(sample: duckdb.DuckDBPyConnection) -> None:
    pack = qpc.build(sample, scope=FRONT_DOOR, quarter=Q3_2026)
    assert all({r[0] for r in t.rows} <= {"Front Door", "All areas"}
               for s in pack.sections for t in tables(s.blocks).values() if t.columns[0].name == "Service area")
    assert [s.title for s in sef.build(sample, scope=EVERYONE, quarter=Q3_2026).sections] == [
        "About this evidence", *SERVICE_AREAS]


# --- Helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("Jo Reed gave clear feedback.", True),
        ("Feedback from jo reed's manager.", True),  # case and possessive
        ("Reed visited twice.", True),  # a surname alone
        ("The plan is SMART.", False),
        ("Joanna was seen alone.", False),  # 'Jo' is too short to match on its own, and not a word here
        ("Breed of dog noted.", False),  # whole words only
    ],
)
def test_mentions_anyone(text: str, mentions: bool) -> None:
    assert figures.mentions_anyone(text, ["Jo Reed", "Amir Khan"]) is mentions


def test_quarters_compare_with_the_previous_quarter_and_the_same_quarter_last_year() -> None:
    q = figures.Quarters.of(date(2026, 2, 14))
    assert q.all == (date(2026, 1, 1), date(2025, 10, 1), date(2025, 1, 1)) and q.end == date(2026, 3, 31)
