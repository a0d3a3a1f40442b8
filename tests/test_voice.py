"""Voice of children and families: the survey and complaints loaders (messy and bad files, located
issues, nothing written on rejection, idempotent reloads), the qa_data.voice aggregates, and the page
through AppTest on a copy of the sample database with Northbridge's sample surveys loaded."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
import streamlit as st
from conftest import DATA, ROOT
from streamlit.testing.v1 import AppTest

import loaders
from qa_data import db, voice
from qa_data.scope import Scope
from qa_data.voice import Scored, score_answer

VOICE = ROOT / "sample_data" / "voice"
YEAR = voice.VoiceFilter(date(2025, 11, 1), date(2026, 10, 31))
ALL = Scope.everything()


def xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def load(con: duckdb.DuckDBPyConnection, name: str, data: bytes, kind: str = "surveys") -> loaders.LoadReport:
    return loaders.load_file(con, loaders.Source(name, data), kind=kind, loaded_by="test")


def located(report: loaders.LoadReport) -> list[tuple[int | None, str | None, str]]:
    return [(i.row, i.column, i.code) for i in report.issues]


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()  # noqa: S608 - test constants
    return int(row[0]) if row else 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Strongly agree", Scored(1.0, True)),
        ("agree", Scored(0.75, True)),
        ("Neither agree nor disagree", Scored(0.5, False)),
        ("Disagree", Scored(0.25, False)),
        ("STRONGLY DISAGREE", Scored(0.0, False)),
        ("5", Scored(1.0, True)),
        ("4.0", Scored(0.75, True)),
        ("3", Scored(0.5, False)),
        ("1", Scored(0.0, False)),
        ("Yes", Scored(1.0, True)),
        ("n", Scored(0.0, False)),
        ("My worker is kind", None),
    ],
)
def test_the_positive_rule(text: str, expected: Scored | None) -> None:
    assert score_answer(text) == expected


def test_a_score_off_the_scale_is_an_error() -> None:
    with pytest.raises(ValueError, match="1-5"):
        score_answer("7")


MESSY = [
    ["Speakerbox survey export"],  # a title row above the headers
    [
        "Response no",
        "Respondent",
        "Service",
        "Date completed",
        "I feel safe",
        "Happy with help (1-5)",
        "Do you know your worker?",
        "Anything else?",
    ],
    ["R1", "YP", "CLA", "03/04/2026", " Strongly Agree ", 4, "yes", "More trips please"],
    ["R2", "Parent/carer", "MASH", "2026-04-05", "neither agree nor disagree", "2", "No", None],
    [None, None, None, None, None, None, None, None],
    ["R3", "child", "Leaving care", "30/04/2026", "disagree", 5, "Y", "-"],
]


def test_a_messy_wide_survey_loads_with_canonical_values(con: duckdb.DuckDBPyConnection) -> None:
    report = load(con, "speakerbox.xlsx", xlsx(MESSY))
    assert (report.valid, report.outcome, report.issues) == (True, "loaded", [])
    stored = con.execute(
        "select response_id, respondent_type, service_area, response_date, question, answer, score, positive "
        "from survey_answers where question = 'I feel safe' order by response_id"
    ).fetchall()
    assert stored == [
        ("R1", "Young person", "Children in Care", date(2026, 4, 3), "I feel safe", "Strongly Agree", 1.0, True),
        (
            "R2",
            "Parent or carer",
            "Front Door",
            date(2026, 4, 5),
            "I feel safe",
            "neither agree nor disagree",
            0.5,
            False,
        ),
        ("R3", "Young person", "Care Leavers", date(2026, 4, 30), "I feel safe", "disagree", 0.25, False),
    ]
    assert con.execute("select survey, response_id, question, comment from survey_comments").fetchall() == [
        ("speakerbox", "R1", "Anything else?", "More trips please")
    ]
    assert count(con, "survey_answers") == 9


def test_a_bad_survey_is_rejected_with_located_issues_and_nothing_written(con: duckdb.DuckDBPyConnection) -> None:
    bad = [
        ["Response ID", "Respondent type", "Service area", "Date", "I feel safe", "Score"],
        ["R1", "Young person", "Children in Care", "31/02/2026", "Agree", 4],
        ["R2", "Grandad", "Narnia", "01/03/2026", "Agre", 9],
        ["R3", "Young person", "Permanence", "02/03/2026", "Agree", 3],
        ["R3", "Young person", "Permanence", "02/03/2026", "Agree", 3],
    ]
    report = load(con, "bad.xlsx", xlsx(bad))
    assert (report.valid, report.outcome) == (False, "rejected")
    assert located(report) == [
        (2, "Date", "bad-date"),
        (3, "Respondent type", "unknown-respondent-type"),
        (3, "Service area", "unknown-service-area"),
        (5, "I feel safe", "duplicate-key"),
        (5, "Score", "duplicate-key"),
    ]
    assert (count(con, "survey_answers"), count(con, "survey_comments")) == (0, 0)
    assert con.execute("select outcome from loads where file_name = 'bad.xlsx'").fetchall() == [("rejected",)]


def test_answers_off_the_scale_and_missing_columns_are_located(con: duckdb.DuckDBPyConnection) -> None:
    rows = [["Response ID", "Respondent type", "Service area", "Date", "Q"]]
    rows += [[f"R{k}", "Young person", "Front Door", "01/03/2026", a] for k, a in enumerate(["Agree", "Agre", "7"])]
    report = load(con, "scale.xlsx", xlsx(rows))
    assert [(i.row, i.column_letter, i.code, i.value) for i in report.issues] == [
        (3, "E", "bad-answer", "Agre"),
        (4, "E", "bad-answer", "7"),
    ]
    missing = load(con, "missing.csv", b"Response ID,Respondent type,Service area,Q\nR1,YP,CLA,Agree\n")
    assert located(missing) == [(1, "Date", "missing-column")]
    assert count(con, "survey_answers") == 0


LONG = (
    "Survey,Response ID,Respondent type,Service area,Date,Question,Answer\n"
    "Parents,P1,Parent,CLA,03/04/2026,Treated with respect,Agree\n"
    "Parents,P1,Parent,CLA,03/04/2026,Comments,They never call back\n"
    "Parents,P2,Carer,CP,04/04/2026,Treated with respect,Disagree\n"
)


def test_reloading_a_survey_changes_nothing_and_a_correction_replaces_it(con: duckdb.DuckDBPyConnection) -> None:
    first = load(con, "parents.csv", LONG.encode())
    assert (first.outcome, first.rows_loaded) == ("loaded", 3)
    again = load(con, "parents_resaved.csv", LONG.encode())
    assert (again.outcome, again.rows_loaded) == ("unchanged", 0)
    corrected = LONG.replace(
        "P2,Carer,CP,04/04/2026,Treated with respect,Disagree",
        "P3,Carer,CP,04/04/2026,Treated with respect,Strongly agree",
    )
    third = load(con, "parents.csv", corrected.encode())
    assert (third.outcome, third.rows_replaced) == ("loaded", 3)
    assert con.execute("select response_id, positive from survey_answers order by 1").fetchall() == [
        ("P1", True),
        ("P3", True),
    ]
    assert count(con, "survey_comments") == 1


COMPLAINTS = (
    "Ref,Type,Date received,Service area,Category,Stage,Outcome\n"
    "C1,Complaint,03/04/2026,CLA,Contact,1,Upheld\n"
    "C2,Complaint,10/04/2026,CLA,Delay,Stage 2,Partially upheld\n"
    "C3,Complaint,11/04/2026,CLA,Delay,LGSCO,Not upheld\n"
    "C4,Complaint,12/04/2026,CLA,Delay,1,\n"
    "C5,Compliment,13/04/2026,Leaving care,,,\n"
)


def test_complaints_load_idempotently_and_summarise(con: duckdb.DuckDBPyConnection) -> None:
    assert load(con, "complaints.csv", COMPLAINTS.encode(), "complaints").outcome == "loaded"
    assert load(con, "complaints.csv", COMPLAINTS.encode(), "complaints").outcome == "unchanged"
    summary = voice.complaints_summary(con, scope=ALL, filters=YEAR)
    shown = summary[["service_area", "complaints", "compliments", "upheld", "decided", "pct_upheld"]]
    assert shown.fillna(-1).values.tolist() == [  # -1: no % upheld without a decided complaint
        ["Care Leavers", 0, 1, 0, 0, -1],
        ["Children in Care", 4, 0, 2, 3, 66.7],
    ]
    assert voice.complaints_summary(con, scope=Scope(("Front Door",)), filters=YEAR).empty


def test_a_bad_complaints_log_is_rejected_with_located_issues(con: duckdb.DuckDBPyConnection) -> None:
    bad = COMPLAINTS + "C6,Grumble,13/13/2026,CLA,,4,Maybe\n"
    report = load(con, "bad_complaints.csv", bad.encode(), "complaints")
    assert [(i.row, i.column, i.code) for i in report.issues] == [
        (7, "Type", "unknown-type"),
        (7, "Date received", "bad-date"),
    ]
    assert count(con, "complaints") == 0
    report = load(con, "bad_stage.csv", (COMPLAINTS + "C6,Complaint,13/04/2026,CLA,,4,Maybe\n").encode(), "complaints")
    assert located(report) == [(7, "Stage", "unknown-stage"), (7, "Outcome", "unknown-outcome")]
    assert count(con, "complaints") == 0


def test_sample_surveys_show_children_in_care_poorer(con: duckdb.DuckDBPyConnection) -> None:
    for name, kind in (
        ("speakerbox_young_people_survey.xlsx", "surveys"),
        ("parents_carers_survey.csv", "surveys"),
        ("complaints_compliments.csv", "complaints"),
    ):
        assert loaders.load_file(con, VOICE / name, kind=kind).outcome == "loaded"
    groups = voice.positive_by_group(con, scope=ALL, filters=YEAR).dropna(subset=["service_area"])
    for survey, rows in groups.groupby("survey"):
        cic = rows.loc[rows["service_area"] == "Children in Care", "pct_positive"].iloc[0]
        assert cic == rows["pct_positive"].min(), survey
    assert voice.comments(con, scope=ALL, filters=YEAR, show_comments=False).empty
    assert len(voice.comments(con, scope=ALL, filters=YEAR, show_comments=True)) == count(con, "survey_comments")
    assert voice.positive_by_question(con, scope=Scope(()), filters=YEAR).empty


# --- The page ------------------------------------------------------------------------------------
FEW = (  # three answers: fewer than 5, so flagged
    "Survey,Response ID,Respondent type,Service area,Date,Question,Answer\n"
    "Forum,F1,YP,CLA,03/10/2026,I get a say in my plan,Agree\n"
    "Forum,F2,YP,CLA,04/10/2026,I get a say in my plan,Disagree\n"
    "Forum,F3,YP,CLA,05/10/2026,I get a say in my plan,Agree\n"
)


def _clear_voice(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("survey_answers", "survey_comments", "complaints"):  # fixed names
        con.execute(f"delete from {table}")


@pytest.fixture
def voice_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the sample database (audits up to Oct 2026: the sidebar shows Nov 2025 to Oct 2026)
    with the sample surveys and a three-response forum survey loaded (the sample data's own voice
    files are cleared first, so the loads here are real loads)."""
    path = tmp_path / "app.duckdb"
    shutil.copyfile(sample_db, path)
    con = db.connect(path)
    try:
        _clear_voice(con)
        for name in ("speakerbox_young_people_survey.xlsx", "parents_carers_survey.csv"):
            assert loaders.load_file(con, VOICE / name, kind="surveys").outcome == "loaded"
        assert load(con, "forum.csv", FEW.encode()).outcome == "loaded"
    finally:
        con.close()
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    monkeypatch.delenv("QA_INSIGHT_DEMO", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def voice_page() -> AppTest:
    at = AppTest.from_file(ROOT / "app.py", default_timeout=30)
    at.run()
    at.switch_page("pages/voice.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expected_respect() -> tuple[float, int]:
    """% positive for "I was treated with respect", counted straight from the sample CSV."""
    with (VOICE / "parents_carers_survey.csv").open(encoding="utf-8") as f:
        answers = [r["Answer"] for r in csv.DictReader(f) if r["Question"] == "I was treated with respect"]
    positive = sum(a in ("Agree", "Strongly agree") for a in answers)
    return round(100 * positive / len(answers), 1), len(answers)


def test_the_page_shows_percent_positive_with_n_and_flags_fewer_than_5(voice_db: Path) -> None:
    at = voice_page()
    table = at.dataframe[0].value.set_index("question")
    pct, n = expected_respect()
    assert (table.loc["I was treated with respect", "pct_positive"], table.loc["I was treated with respect", "n"]) == (
        pct,
        n,
    )
    assert table.loc["I was treated with respect", "note"] == ""
    assert table.loc["I get a say in my plan", ["pct_positive", "n", "note"]].tolist() == [
        66.7,
        3,
        "fewer than 5 responses",
    ]
    assert any("fewer than 5 responses" in c.value for c in at.caption)
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    grey = [b for b in bars if b["marker"]["color"] == "#c7c7c7"]
    assert [(list(b["y"]), list(b["text"])) for b in grey] == [(["I get a say in my plan"], ["67% (n = 3)"])]


def test_the_respondent_type_filter_narrows_the_page(voice_db: Path) -> None:
    at = voice_page()
    at.multiselect(key="voice_types").set_value(["Parent or carer"]).run()
    assert not at.exception
    surveys = set(at.dataframe[0].value["survey"])
    assert surveys == {"Parents and carers survey"}


def test_the_comments_are_in_an_expander(voice_db: Path) -> None:
    at = voice_page()
    assert at.expander[0].label == "What children and families said (free-text comments)"
    shown = at.expander[0].dataframe[0].value
    assert set(shown["comment"]) >= {"My worker always rings me back.", "Nobody told me about my move."}


def test_empty_state_without_survey_or_complaints(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "empty.duckdb"
    shutil.copyfile(sample_db, path)
    con = db.connect(path)
    _clear_voice(con)
    con.close()
    monkeypatch.setenv("QA_INSIGHT_DB", str(path))
    monkeypatch.setenv("QA_INSIGHT_SAMPLE_DATA", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = voice_page()
    assert [i.value for i in at.info] == [
        "No survey results or complaints in this period and these service areas yet. Upload survey results "
        "or a complaints and compliments log on Upload data."
    ]
    assert not at.dataframe
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_long_survey_response_keeps_one_respondent_type_area_and_date(con: duckdb.DuckDBPyConnection) -> None:
    """Long layout: R1's third row says a parent answered, R2's second row names another area and
    day; each is an error at the row that disagrees, naming the response and both values."""
    path = DATA / "survey_long_conflicting_response.xlsx"
    report = loaders.load_file(con, path, kind="surveys", loaded_by="test")
    assert (report.valid, report.outcome) == (False, "rejected")
    assert [(i.sheet, i.row, i.column_letter, i.column, i.value, i.code, i.message) for i in report.issues] == [
        ("Responses", 4, "C", "Respondent type", "Parent or carer", "inconsistent-response",
         'Response R1 has respondent type "Parent or carer" here but "Young person" on row 2; '
         "a response keeps one respondent type across its rows."),
        ("Responses", 6, "D", "Service area", "Care Leavers", "inconsistent-response",
         'Response R2 has service area "Care Leavers" here but "Permanence" on row 5; '
         "a response keeps one service area across its rows."),
        ("Responses", 6, "E", "Date", "2026-03-04 00:00:00", "inconsistent-response",
         'Response R2 has date "04/03/2026" here but "03/03/2026" on row 5; '
         "a response keeps one date across its rows."),
    ]
    assert (count(con, "survey_answers"), count(con, "survey_comments")) == (0, 0)
    assert con.execute("select outcome from loads").fetchall() == [("rejected",)]
