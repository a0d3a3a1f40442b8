"""Upload templates: for every kind, the workbook opens, its headings are the ones its loader reads,
its drop-downs offer exactly the canonical values, and a filled template (the example row left in
plus two rows typed below it) loads through the real loader with no issue, storing what was typed.

The example row's policy: it is a valid row that the QAL types over or deletes; left in, it loads
like any other row (the filled-template tests prove it is stored)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import openpyxl
import pytest
from conftest import TODAY

import loaders
from loaders import actions, catalogue, comparators, complaints, kpi_extract, surveys, template_kinds
from loaders.templates import TEMPLATES
from qa_data import vocab
from qa_data.voice import canonical_respondent_type

AREAS = set(vocab.SERVICE_AREAS)


def template(kind: str) -> bytes:
    name, build = TEMPLATES[kind]
    assert name.endswith("_template.xlsx")
    return template_kinds.kpis_template_bytes(TODAY) if kind == "kpis" else build()


def data_sheet(data: bytes) -> tuple[openpyxl.Workbook, Any]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb, wb.worksheets[1]


def headers(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


def drop_downs(wb: openpyxl.Workbook, ws: Any) -> dict[str, list[str]]:
    """Heading -> the values its drop-down lists (read from the Lists sheet the validation names)."""
    heads = headers(ws)
    out = {}
    for dv in ws.data_validations.dataValidation:
        col = openpyxl.utils.column_index_from_string(str(dv.sqref).split(":")[0].rstrip("0123456789"))
        sheet, cells = dv.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        out[heads[col - 1]] = [c.value for (c,) in wb[sheet][f"{first}:{last}"]]
    return out


def fill(kind: str, rows: list[list[Any]]) -> bytes:
    """The template with `rows` typed under the example row."""
    wb, ws = data_sheet(template(kind))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def load(con: duckdb.DuckDBPyConnection, kind: str, data: bytes, **options: Any) -> loaders.LoadReport:
    report = loaders.load_file(con, loaders.Source(f"{kind}.xlsx", data), kind=kind, loaded_by="t", **options)
    assert [i.as_dict() for i in report.issues] == []
    assert report.outcome == "loaded"
    return report


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


# --- Headings: each maps to its loader's field, and every field the loader reads is there -----------

def fields(lookup: dict[str, str], heads: list[str]) -> list[str | None]:
    return [lookup.get(vocab.normalise_label(h)) for h in heads]


@pytest.mark.parametrize("kind", [k for k in TEMPLATES if k != "audits"])
def test_template_opens_with_instructions_first(kind: str) -> None:
    wb, ws = data_sheet(template(kind))
    assert wb.sheetnames[0] == "Instructions"
    text = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "A file is rejected" in text and "Row 2 (shaded) is an example" in text
    assert ws["A2"].comment is not None and "example" in ws["A2"].comment.text
    for heading in headers(ws):
        assert heading in text  # every column is explained


def test_kpi_headings_are_kpi_area_team_and_twelve_months() -> None:
    _, ws = data_sheet(template("kpis"))
    heads = headers(ws)
    assert fields(kpi_extract._LOOKUP, heads[:3]) == ["kpi", "service_area", "team"]
    months = [loaders.cells.parse_month(h) for h in heads[3:]]
    assert months == [date(2025, 11, 1), date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 11))]
    assert kpi_extract.header_score(heads) == len(heads)


@pytest.mark.parametrize(
    ("kind", "lookup", "expected"),
    [
        ("comparators", comparators._LOOKUP, list(comparators._ALIASES)),
        ("catalogue", catalogue._LOOKUP, list(catalogue._ALIASES)),
        ("actions", actions._LOOKUP, list(actions._ALIASES)),
        ("complaints", complaints._LOOKUP, list(complaints._ALIASES)),
    ],
)
def test_headings_are_every_field_the_loader_reads(kind: str, lookup: dict[str, str], expected: list[str]) -> None:
    _, ws = data_sheet(template(kind))
    assert fields(lookup, headers(ws)) == expected


def test_survey_headings_are_the_response_fields_then_questions() -> None:
    _, ws = data_sheet(template("surveys"))
    heads = headers(ws)
    assert fields(surveys._LOOKUP, heads) == [
        "survey", "response_id", "respondent_type", "service_area", "date", None, None, None
    ]
    assert heads[5:] == ["I feel listened to by my social worker", "I know how to make a complaint",
                         "What could we do better?"]


def test_action_headings_read_as_a_qal_would_type_them() -> None:
    _, ws = data_sheet(template("actions"))
    assert headers(ws) == ["Action ID", "Source", "Service area", "Owner", "Raised date", "Due date", "Status",
                           "Completed date", "Latest update"]


# --- Drop-downs: the canonical values, each exactly once -------------------------------------------

def canon(values: list[str], to: Callable[[str], str | None]) -> list[str | None]:
    return [to(v) for v in values]


def by(mapping: dict[str, str]) -> Callable[[str], str | None]:
    return lambda v: mapping.get(vocab.normalise_label(v))


@pytest.mark.parametrize(
    ("kind", "heading", "to", "expected"),
    [
        ("kpis", "Service area", vocab.canonical_service_area, AREAS),
        ("comparators", "Comparator", by(comparators.COMPARATORS), {"Statistical neighbours", "Region", "England"}),
        ("catalogue", "Unit", lambda v: catalogue.UNITS.get(v) or by(catalogue.UNITS)(v),
         {"percent", "count", "days", "rate_per_10k"}),
        ("catalogue", "Direction", by(catalogue.DIRECTIONS), {"higher", "lower"}),
        ("catalogue", "Source", by(catalogue.SOURCES), {"annex_a", "extract"}),
        ("catalogue", "Service area", vocab.canonical_service_area, AREAS),
        ("actions", "Service area", vocab.canonical_service_area, AREAS),
        ("actions", "Status", actions.canonical_status, {"Not started", "In progress", "Completed", "Overdue"}),
        ("surveys", "Respondent type", canonical_respondent_type, {"Young person", "Parent or carer", "Foster carer"}),
        ("surveys", "Service area", vocab.canonical_service_area, AREAS),
        ("complaints", "Type", by(complaints._TYPES_OF_RECORD), {"complaint", "compliment"}),
        ("complaints", "Service area", vocab.canonical_service_area, AREAS),
        ("complaints", "Stage", by(complaints._STAGES), {"1", "2", "3", "ombudsman"}),
        ("complaints", "Upheld", by(complaints._UPHELD), {True, False}),
    ],
)
def test_drop_downs_list_the_canonical_values(kind: str, heading: str, to: Callable[[str], Any], expected: set[Any]
                                              ) -> None:
    wb, ws = data_sheet(template(kind))
    values = drop_downs(wb, ws)[heading]
    mapped = canon(values, to)
    assert None not in mapped
    assert set(mapped) == expected
    if kind != "complaints" or heading != "Upheld":  # Upheld and Partially upheld both count as upheld
        assert len(mapped) == len(expected)


def test_drop_downs_cover_exactly_the_coded_columns() -> None:
    coded = {kind: sorted(drop_downs(*data_sheet(template(kind)))) for kind in TEMPLATES if kind != "audits"}
    assert coded == {
        "kpis": ["Service area"],
        "comparators": ["Comparator"],
        "catalogue": ["Direction", "Service area", "Source", "Unit"],
        "actions": ["Service area", "Status"],
        "surveys": ["Respondent type", "Service area"],
        "complaints": ["Service area", "Stage", "Type", "Upheld"],
        "audit_plan": ["Activity type", "Scope area", "Service area"],
    }


# --- Filled templates load, and what is stored is what was typed -----------------------------------

def test_filled_kpi_template_loads(con: duckdb.DuckDBPyConnection) -> None:
    blank12 = [None] * 12
    typed = [
        ["Average social worker caseload", None, "Team A", *blank12[:10], 17, 18.5],
        ["supervision_in_timescale", "Front Door", None, 80, "85%", *blank12[2:]],
    ]
    report = load(con, "kpis", fill("kpis", typed), today=TODAY)
    months = [date(2025, 11, 1), date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 11))]
    example = [("cla_visits_in_timescale", m, "Children in Care", None, float(88 + i % 4), 2)
               for i, m in enumerate(months)]
    assert report.rows_loaded == 12 + 2 + 2
    assert rows(con, "select kpi_code, period_month, service_area, team, value, source_row from kpi_values "
                "order by source_row, period_month") == [
        *example,
        ("average_caseload", date(2026, 9, 1), None, "Team A", 17.0, 3),
        ("average_caseload", date(2026, 10, 1), None, "Team A", 18.5, 3),
        ("supervision_in_timescale", date(2025, 11, 1), "Front Door", None, 80.0, 4),
        ("supervision_in_timescale", date(2025, 12, 1), "Front Door", None, 85.0, 4),
    ]


def test_filled_comparators_template_loads(con: duckdb.DuckDBPyConnection) -> None:
    load(con, "comparators", fill("comparators", [["re_referrals", 2024, "Region", 19.8],
                                                  ["Children in care visited within timescale", "2023-24",
                                                   "England", "91%"]]))
    assert rows(con, "select kpi_code, year, comparator, value from kpi_comparators order by year, comparator") == [
        ("cla_visits_in_timescale", 2023, "England", 91.0),
        ("re_referrals", 2024, "Region", 19.8),
        ("re_referrals", 2024, "Statistical neighbours", 21.4),
    ]


def test_filled_catalogue_template_loads_and_is_the_whole_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    typed = [
        ["re_referrals", "Re-referrals within 12 months", "Of referrals, the % within 12 months of a previous one.",
         "%", "Lower is better", 22, 3, None, "Annex A"],
        ["exit_interviews", "Exit interviews offered", "Of care leavers turning 21, the number offered one.",
         "count", "Higher is better", None, None, "Care Leavers", None],
    ]
    load(con, "catalogue", fill("catalogue", typed))
    assert rows(con, "select kpi_code, name, unit, direction, target, amber_tolerance, service_area, source "
                "from kpis order by sort_order") == [
        ("cla_visits_in_timescale", "Children in care visited within timescale", "percent", "higher", 90.0, 5.0,
         "Children in Care", "extract"),
        ("re_referrals", "Re-referrals within 12 months", "percent", "lower", 22.0, 3.0, None, "annex_a"),
        ("exit_interviews", "Exit interviews offered", "count", "higher", None, None, "Care Leavers", "extract"),
    ]


def test_filled_action_template_loads(con: duckdb.DuckDBPyConnection) -> None:
    typed = [
        ["ACT-0124", "AUD-2026-031", "Front Door", "B. Okafor", date(2026, 10, 2), date(2026, 11, 30), "Not started",
         None, None],
        ["ACT-0125", "Thematic review: neglect", "Permanence", "C. Lewis", date(2026, 8, 1), date(2026, 10, 1),
         "Completed", date(2026, 10, 20), "Done."],
    ]
    load(con, "actions", fill("actions", typed), today=TODAY)
    assert rows(con, "select snapshot_date, action_id, source, service_area, owner, raised_date, due_date, status, "
                "completed_date, latest_update from actions order by action_id") == [
        (date(2026, 10, 20), "ACT-0123", "Thematic review: neglect", "Children in Need and Child Protection",
         "A. Khan", date(2026, 9, 14), date(2026, 12, 31), "In progress", None,
         "Chronology training booked for all CP teams."),
        (date(2026, 10, 20), "ACT-0124", "AUD-2026-031", "Front Door", "B. Okafor", date(2026, 10, 2),
         date(2026, 11, 30), "Not started", None, None),
        (date(2026, 10, 20), "ACT-0125", "Thematic review: neglect", "Permanence", "C. Lewis", date(2026, 8, 1),
         date(2026, 10, 1), "Completed", date(2026, 10, 20), "Done."),
    ]


def test_filled_survey_template_loads(con: duckdb.DuckDBPyConnection) -> None:
    typed = [
        ["Speakerbox 2026", "R-0002", "Foster carer", "Permanence", date(2026, 10, 6), "Strongly disagree", "No",
         None],
        [None, "R-0003", "Parent or carer", "Front Door", date(2026, 10, 7), "Neither agree nor disagree", "Yes",
         "More notice of meetings."],
    ]
    load(con, "surveys", fill("surveys", typed))
    listened, complaint = "I feel listened to by my social worker", "I know how to make a complaint"
    assert rows(con, "select survey, response_id, respondent_type, service_area, response_date, question, answer, "
                "score, positive from survey_answers order by response_id, question") == [
        ("Speakerbox 2026", "R-0001", "Young person", "Children in Care", date(2026, 10, 5), listened, "Agree", 0.75,
         True),
        ("Speakerbox 2026", "R-0001", "Young person", "Children in Care", date(2026, 10, 5), complaint, "Yes", 1.0,
         True),
        ("Speakerbox 2026", "R-0002", "Foster carer", "Permanence", date(2026, 10, 6), listened, "Strongly disagree",
         0.0, False),
        ("Speakerbox 2026", "R-0002", "Foster carer", "Permanence", date(2026, 10, 6), complaint, "No", 0.0, False),
        # A blank Survey cell: the file name names the survey.
        ("surveys", "R-0003", "Parent or carer", "Front Door", date(2026, 10, 7), listened,
         "Neither agree nor disagree", 0.5, False),
        ("surveys", "R-0003", "Parent or carer", "Front Door", date(2026, 10, 7), complaint, "Yes", 1.0, True),
    ]
    assert rows(con, "select response_id, question, comment from survey_comments order by response_id") == [
        ("R-0001", "What could we do better?", "Tell me sooner when my social worker changes."),
        ("R-0003", "What could we do better?", "More notice of meetings."),
    ]


def test_filled_complaints_template_loads(con: duckdb.DuckDBPyConnection) -> None:
    typed = [
        [None, "Compliment", date(2026, 10, 9), "Care Leavers", "Support", None, None],
        ["CMP-2026-015", "Complaint", date(2026, 10, 12), "Front Door", "Delay", "Ombudsman", "Not upheld"],
    ]
    load(con, "complaints", fill("complaints", typed))
    assert rows(con, "select reference, record_type, received_date, service_area, category, stage, upheld "
                "from complaints order by received_date") == [
        ("CMP-2026-014", "complaint", date(2026, 10, 3), "Children in Need and Child Protection", "Communication",
         "1", True),
        (None, "compliment", date(2026, 10, 9), "Care Leavers", "Support", None, None),
        ("CMP-2026-015", "complaint", date(2026, 10, 12), "Front Door", "Delay", "ombudsman", False),
    ]


def test_every_kind_but_annex_a_has_a_template() -> None:
    assert set(TEMPLATES) == set(loaders.KINDS) - {"annex_a"}
