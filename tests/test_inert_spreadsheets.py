"""Every spreadsheet the product hands out is inert, even when the data is hostile: the upload templates,
the reflection sheet download and the Cabinet and Q&PC workbooks. Each is checked with
`qa_data.exports.safe.workbook_problems` (no formula, link or external part, no cell text starting with
a formula character), and the hostile text is still there to read, as text with a leading quote."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import TODAY
from openpyxl import Workbook

from loaders.audits import load_audits
from loaders.reflection import reflection_xlsx
from loaders.templates import TEMPLATES
from loaders.workbook import Source
from qa_data import commentary, db
from qa_data.exports import cabinet, qpc
from qa_data.exports.safe import put_cell, workbook_problems
from qa_data.exports.xlsx import render_xlsx
from qa_data.reflection import AgreedAction, ReflectionSheet
from qa_data.scope import Scope

HOSTILE = ('=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-1+2", "\t=1", "\r=1")
EVERYONE = Scope.everything(user="analyst")
Q3_2026 = date(2026, 8, 15)


def read_back(text: str) -> str:
    """How a cell's text reads back: XML turns a carriage return into a line feed."""
    return text.replace("\r", "\n")


def texts(xlsx: bytes) -> list[str]:
    """Every text cell's value, on every sheet, as openpyxl reads it."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def shown_quoted(xlsx: bytes, hostile: str) -> bool:
    """The hostile text is in some cell, whole, behind a visible quote."""
    quoted = "'" + read_back(hostile)
    return any(text == quoted or text.startswith(quoted + "\n") for text in texts(xlsx))


# --- Upload templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_upload_templates_are_inert(kind: str) -> None:
    data = TEMPLATES[kind][1]()
    assert workbook_problems(data) == []
    assert texts(data)  # a real workbook with headers and instructions, not an empty one


# --- The reflection sheet download --------------------------------------------------------------------


def hostile_sheet(text: str) -> ReflectionSheet:
    """A reflection sheet with `text` in every free-text field (the coded ones stay valid)."""
    return ReflectionSheet(
        audit_id="RS-9",
        audit_date=date(2026, 10, 5),
        service_area="Front Door",
        overall_grade="Good",
        team=text,
        worker=text,
        auditor=text,
        theme=text,
        child_ref=text,
        reaudit_of=text,
        domain_grades={"safeguarding": "Good", "direct_work": "Good", "oversight": "Good", "supervision": "Good"},
        strengths=text,
        areas_for_development=text,
        worker_reflection=text,
        actions=(AgreedAction(text, text, date(2026, 11, 30)),),
    )


FREE_TEXT_CELLS = 9 * 2 + 2  # nine fields on the form and on the audit return, the action and its owner


@pytest.mark.parametrize("hostile", HOSTILE, ids=repr)
def test_reflection_download_is_inert_and_shows_hostile_text(hostile: str) -> None:
    data = reflection_xlsx(hostile_sheet(hostile))
    assert workbook_problems(data) == []
    assert texts(data).count("'" + read_back(hostile)) == FREE_TEXT_CELLS


def test_reflection_download_round_trip(con: duckdb.DuckDBPyConnection) -> None:
    """Uploading the download's 'Audit return' gives ordinary text back exactly; text that starts with
    a formula character comes back with the quote it was shown with (the documented rule)."""
    ordinary = replace(
        hostile_sheet("Voice of the child"),
        strengths="Clear chronology.\nThe child's words are quoted.",
        worker_reflection="I'll review the plan; 50% done = on track.",
        theme="=Re-referrals",
    )
    report = load_audits(con, Source("return.xlsx", reflection_xlsx(ordinary)), loaded_by="qal", today=TODAY)
    assert report.outcome == "loaded", report.issues
    assert con.execute("select team, strengths, worker_reflection, theme from audits").fetchone() == (
        "Voice of the child",
        "Clear chronology.\nThe child's words are quoted.",
        "I'll review the plan; 50% done = on track.",
        "'=Re-referrals",
    )


# --- The exports, from a database full of hostile text -------------------------------------------------


@pytest.fixture(scope="module")
def hostile_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The sample data with every Jul-Sep 2026 audit's theme, team, strengths and areas for development,
    every action's latest update, and the quarter's commentary replaced by hostile text."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copyfile(sample_db, path)
    connection = db.connect(path)
    cur = db.cursor(connection)
    ids = [r[0] for r in cur.execute(
        "select audit_id from audits where audit_date between '2026-07-01' and '2026-09-30' order by audit_id"
    ).fetchall()]
    for k, audit_id in enumerate(ids):
        cur.execute(
            "update audits set theme = ?, team = ?, strengths = ?, areas_for_development = ? where audit_id = ?",
            [HOSTILE[k % 6], HOSTILE[(k + 1) % 6], HOSTILE[(k + 2) % 6], HOSTILE[(k + 3) % 6], audit_id],
        )
    cur.execute("update actions set latest_update = ?", [HOSTILE[0]])
    cur.close()
    for report, field in (("cabinet", "headline"), ("qpc", "headline")):
        commentary.set_commentary(
            connection, scope=EVERYONE, report=report, quarter=Q3_2026,
            service_area=commentary.COUNCIL_WIDE, field=field, text=HOSTILE[2],
        )
    commentary.set_commentary(
        connection, scope=EVERYONE, report="cabinet", quarter=Q3_2026,
        service_area="Front Door", field="audits", text=HOSTILE[3],
    )
    yield connection
    connection.close()


BUILDERS: dict[str, Callable[..., object]] = {"cabinet": cabinet.build, "qpc": qpc.build}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_export_workbooks_are_inert_with_hostile_data(name: str, hostile_db: duckdb.DuckDBPyConnection) -> None:
    report = BUILDERS[name](hostile_db, scope=EVERYONE, quarter=Q3_2026)
    data = render_xlsx(report)  # type: ignore[arg-type]
    assert workbook_problems(data) == []
    # The hostile text is there to read, as text, behind its quote.
    expected = (HOSTILE[2], HOSTILE[3]) if name == "cabinet" else (*HOSTILE[:4], HOSTILE[2])
    for hostile in expected:
        assert shown_quoted(data, hostile), hostile


# --- The shared writer --------------------------------------------------------------------------------


def test_put_cell_never_writes_a_formula() -> None:
    """openpyxl on its own stores a str starting with '=' as a formula; put_cell stores text."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    plain = ws.cell(row=1, column=1, value="=1+1")
    assert plain.data_type == "f"  # why the helper exists
    for col, value in enumerate((*HOSTILE, "Front Door", 3, date(2026, 1, 2), None), start=1):
        put_cell(ws, 2, col, value)
    ws.delete_rows(1)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert workbook_problems(buffer.getvalue()) == []
    row = next(openpyxl.load_workbook(buffer).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert row[:6] == tuple("'" + read_back(h) for h in HOSTILE)
    assert row[6:8] == ("Front Door", 3) and row[8].date() == date(2026, 1, 2) and len(row) == 9
