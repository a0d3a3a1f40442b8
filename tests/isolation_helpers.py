"""Planting and reading for tests/test_isolation.py: marker rows in every area but Front Door, and every
piece of text an AppTest render or an exported document holds."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa_data import db

MARK = "MKR-"
# Numbers no real figure has: a leaked KPI value shows up in any rendering of it.
KPI_MARK = 987654.3
COUNCIL_KPI_MARK = 876543.2
OWN = "Front Door"


def _m(table: str, column: str, area: str = "service_area") -> str:
    """SQL for the marker of a column: 'MKR-<table>-<column>-<area>'."""
    return f"'{MARK}{table}-{column}-' || {area}"


def _person(table: str, column: str) -> str:
    """A person's marker as one word after MKR- ('MKR-auditsworkerChildreninCare'): the exports leave out
    any statement naming a person (a name's words of 3+ letters), and a marker name made of common words
    would change which of the viewer's own statements are quoted."""
    return f"'{MARK}{table}{column}' || replace(service_area, ' ', '')"


# Copies of every other area's rows, every text column a marker, the figures changed so that a count or
# rate that took them in would move: the copied audits are all Inadequate (so every area's audit count
# doubles, 40-odd extra Children in Care audits among them), actions overdue, survey answers negative.
PLANT = [
    f"""insert into audits select * replace (
        '{MARK}audits-audit_id-' || audit_id as audit_id, {_m('audits', 'team')} as team,
        {_person('audits', 'worker')} as worker, {_person('audits', 'auditor')} as auditor,
        {_m('audits', 'theme')} as theme, {_m('audits', 'observation_setting')} as observation_setting,
        {_m('audits', 'child_ref')} as child_ref, {_m('audits', 'strengths')} as strengths,
        {_m('audits', 'areas_for_development')} as areas_for_development,
        {_m('audits', 'worker_reflection')} as worker_reflection,
        'Inadequate' as overall_grade, null as moderated_grade, 'Inadequate' as final_grade,
        false as good_or_better, null as reaudit_of,
        case when safeguarding_grade is null then null else 'Inadequate' end as safeguarding_grade,
        case when supervision_grade is null then null else 'Inadequate' end as supervision_grade
    ) from audits where service_area <> '{OWN}'""",
    # One audit under a plain ID (no marker in it), so that a file or form may name it.
    f"""update audits set audit_id = 'CIC-ISO-1' where audit_id = (
        select min(audit_id) from audits where audit_id like '{MARK}%' and service_area = 'Children in Care')""",
    f"""insert into audit_agreed_actions (audit_id, seq, action, owner, due_date, load_id)
        select audit_id, 1, {_m('audit_agreed_actions', 'action')}, {_m('audit_agreed_actions', 'owner')},
               audit_date + 30, load_id
        from audits where audit_id like '{MARK}%' or audit_id = 'CIC-ISO-1'""",
    f"""insert into actions select * replace (
        '{MARK}actions-action_id-' || action_id as action_id, {_m('actions', 'source')} as source,
        '{MARK}audits-audit_id-' || coalesce(audit_id, 'none') as audit_id, {_person('actions', 'owner')} as owner,
        {_m('actions', 'latest_update')} as latest_update, 'Open' as status, null as completed_date,
        raised_date as due_date
    ) from actions where service_area <> '{OWN}'""",
    f"""insert into survey_answers select * replace (
        '{MARK}survey_answers-response_id-' || response_id as response_id,
        {_m('survey_answers', 'answer')} as answer, 0 as score, false as positive
    ) from survey_answers where service_area <> '{OWN}'""",
    f"""insert into survey_comments select * replace (
        '{MARK}survey_comments-response_id-' || response_id as response_id,
        {_m('survey_comments', 'comment')} as comment
    ) from survey_comments where service_area <> '{OWN}'""",
    f"""insert into complaints select * replace (
        '{MARK}complaints-reference-' || reference as reference, {_m('complaints', 'category')} as category,
        true as upheld
    ) from complaints where service_area <> '{OWN}'""",
    f"""insert into audit_plan select * replace (
        {_m('audit_plan', 'theme')} || '-' || theme as theme, {_m('audit_plan', 'lead')} as lead, 99 as planned
    ) from audit_plan where service_area <> '{OWN}'""",
    f"""insert into report_commentary
        select r.report, q.quarter_start, a.service_area, f.field,
               '{MARK}report_commentary-text-' || a.service_area, 'qal.other', timestamp '2026-01-01 09:00'
        from (values ('cabinet'), ('qpc'), ('sef')) as r(report)
        cross join (select distinct date_trunc('quarter', audit_date)::date as quarter_start from audits) as q
        cross join (select service_area from service_areas where service_area <> '{OWN}'
                    union all select 'Council-wide') as a
        cross join (values ('headline'), ('audits'), ('kpis'), ('voice'), ('actions'), ('plans')) as f(field)""",
    f"""update kpi_values set value = {KPI_MARK}, numerator = {KPI_MARK}
        where service_area is not null and service_area <> '{OWN}'""",
    f"update kpi_values set value = {COUNCIL_KPI_MARK}, numerator = {COUNCIL_KPI_MARK} where service_area is null",
    f"""insert into kpi_values select * replace ({_m('kpi_values', 'team')} as team)
        from kpi_values where service_area <> '{OWN}' and team is not null
          and period_month = (select max(period_month) from kpi_values)""",
    # A rejected upload of another area's file, whose issues quote that file's cells.
    f"""insert into loads (load_id, file_name, sha256, kind, loaded_by, loaded_at, sheet, rows_read, rows_loaded,
                           rows_replaced, outcome, errors, warnings, issues_json)
        values ('{MARK}loads-load_id', '{MARK}loads-file_name-Children in Care.xlsx', 'x', 'audits',
                '{MARK}loads-loaded_by', timestamp '2025-01-01 09:00', 'Audits', 1, 0, 0, 'rejected', 1, 0,
                '[{{"code": "bad-grade", "value": "{MARK}loads-issues_json-Children in Care"}}]')""",
]


def plant(path: Path) -> None:
    con = db.connect(path)
    try:
        cur = db.cursor(con)
        for statement in PLANT:
            cur.execute(statement)
    finally:
        con.close()


def count_markers(path: Path) -> dict[str, int]:
    """Rows holding a marker per planted table (to show the planting took)."""
    con = db.connect(path)
    try:
        cur = db.cursor(con)
        return {
            t: cur.execute(f"select count(*) from {t} where {c} like '{MARK}%'").fetchone()[0]  # type: ignore[index]
            for t, c in [("audits", "team"), ("actions", "owner"), ("survey_comments", "comment"),
                         ("complaints", "category"), ("audit_plan", "lead"), ("report_commentary", "text"),
                         ("kpi_values", "team"), ("audit_agreed_actions", "owner"), ("loads", "file_name")]
        }
    finally:
        con.close()


# --- Reading an AppTest render --------------------------------------------------------------------
def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def render_text(at: Any) -> tuple[str, str]:
    """(everything, data): every element's protobuf as text (labels, bodies, help, options, metric
    deltas, chart specs) plus each dataframe's full contents; and the data alone (dataframes' and
    charts' contents), where no other area's name may appear."""
    everything: list[str] = []
    data: list[str] = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            proto = getattr(node, "proto", None)
            if node.type in ("arrow_data_frame", "dataframe", "table"):
                frame = node.value
                with_all = frame.to_string(max_rows=None, max_cols=None, max_colwidth=None)
                text = f"{list(frame.columns)}\n{list(frame.index)}\n{with_all}"
                everything.append(text)
                data.append(text)
            elif node.type == "plotly_chart":
                everything.append(proto.spec)
                data.append(_without_axis_order(proto.spec))
            elif proto is not None:
                everything.append(str(proto))
    return "\n".join(everything), "\n".join(data)


def _without_axis_order(spec: str) -> str:
    """A chart's JSON without its axes' fixed category order (every area, from the vocabulary, in the
    framework's order: not data)."""
    figure = json.loads(spec)
    for key, axis in figure.get("layout", {}).items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.pop("categoryarray", None)
    return json.dumps(figure)


# --- Reading exported documents --------------------------------------------------------------------
def xlsx_text(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    out = []
    for ws in book.worksheets:
        out.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            out.extend(str(v) for v in row if v is not None)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # charts, headers and anything else in the package
        out.extend(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return "\n".join(out)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def document_text(data: bytes, suffix: str) -> str:
    return {".xlsx": xlsx_text, ".pdf": pdf_text, ".docx": docx_text}[suffix](data)
