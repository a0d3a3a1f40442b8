"""The survey loader: young people's (e.g. Speakerbox) and parents' and carers' survey results.

Two layouts, told apart by their headers: wide (one row per response, one column per question
beside Response ID, Respondent type, Service area and Date) or long (one row per response and
question, with Question and Answer columns). An optional Survey column names the survey; without
it the file name (less its extension) does.

The positive rule (`qa_data.voice.score_answer`): "strongly agree" and "agree", a score of 4 or 5 on a 1-5
scale, and "yes" are positive; neutral ("neither agree nor disagree", 3) and everything below are
not. Scores are normalised to 0..1 (1 most positive). A question is free text when fewer than half
of its answers are on a scale; its answers are stored as comments. In a scored question an answer
off the scale is an error (never silently dropped).

Same report type and rules as the other loaders: every problem located, any error rejects the file
and writes nothing, loading twice changes nothing, and a re-upload of a survey replaces all its
stored responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import PurePath
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells, upload_scope
from loaders.report import LoadReport, column_letter
from loaders.table_loader import find_column, load_table, map_columns
from loaders.workbook import RawTable, Source
from loaders.writer import replace_covered
from qa_data import vocab
from qa_data.scope import Scope
from qa_data.voice import Scored, canonical_respondent_type, score_answer

KIND = "surveys"
_ALIASES = {
    "survey": ("survey", "survey name"),
    "response_id": ("response id", "response", "response no", "respondent id", "id", "response ref"),
    "respondent_type": ("respondent type", "respondent", "completed by", "who completed"),
    "service_area": ("service area", "service", "area"),
    "date": ("date", "response date", "date completed", "completed", "submitted"),
    "question": ("question",),
    "answer": ("answer", "reply", "answer text"),
}
_REQUIRED = ("response_id", "respondent_type", "service_area", "date")
_LABELS = {
    "response_id": "Response ID",
    "respondent_type": "Respondent type",
    "service_area": "Service area",
    "date": "Date",
    "question": "Question",
    "answer": "Answer",
}
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}


def header_score(headers: list[str]) -> int:
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP)


def load_surveys(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    scope: Scope | None = None,
    dry_run: bool = False,
    record_rejected: bool = False,
    today: date | None = None,
    progress: Any = None,
) -> LoadReport:
    """Validate a survey results file and, unless `dry_run` or it has errors, write
    `survey_answers` and `survey_comments` (replacing the surveys the file names)."""
    default_survey = PurePath(source.name).stem

    def read(raw: RawTable, report: LoadReport, cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        return _read(raw, report, default_survey)

    return load_table(
        con,
        source,
        kind=KIND,
        score=header_score,
        read=read,
        write=_write,
        loaded_by=loaded_by,
        dry_run=dry_run,
        record_rejected=record_rejected,
        min_score=3,
        scope=scope,
        lookup=_LOOKUP,
        check_stored=_check_stored,
    )


@dataclass
class _Answer:
    row: dict[str, Any]  # the response's fields plus question, answer text
    sheet_row: int
    header: str
    index: int


def _read(raw: RawTable, report: LoadReport, default_survey: str) -> list[dict[str, Any]]:
    columns = map_columns(raw, report, _LOOKUP, _REQUIRED, _LABELS)
    long = "question" in columns and "answer" in columns
    questions = {i: h for i, h in raw.headers.items() if i not in columns.values()}
    if not long and not questions:
        report.add(
            "no-questions",
            "The file has no question columns (and no Question and Answer columns).",
            sheet=raw.sheet,
            row=raw.header_row,
        )
    if not report.valid:
        return []
    table = raw.table.to_pydict()
    bad = partial(_bad, report, raw)
    answers: list[_Answer] = []
    first: dict[tuple[str, str], dict[str, Any]] = {}  # long layout: each response's first row
    for i, sheet_row in enumerate(table["_row"]):
        cell = {n: table[f"c{idx}"][i] for n, idx in columns.items()}
        texts = [cell["question"], cell["answer"]] if long else [table[f"c{q}"][i] for q in questions]
        if all(cells.is_blank(v) for v in [*(cell[n] for n in _REQUIRED), *texts]):
            continue
        meta = _meta(cell, columns, raw, report, sheet_row, default_survey)
        if long and meta is not None:
            _same_response(meta, first.setdefault((meta["survey"], meta["response_id"]), meta), cell, columns, bad)
        if long:
            question = cells.clean_text(cell["question"])
            if question is None:
                bad(columns["question"], sheet_row, "missing-value", "The question is blank.", None)
            items = [] if question is None else [(question, cell["answer"], columns["answer"])]
        else:
            items = [(questions[q], table[f"c{q}"][i], q) for q in sorted(questions)]
        for question, text, index in items:
            answer = cells.clean_text(text)
            if answer is not None and meta is not None:
                answers.append(
                    _Answer({**meta, "question": question, "answer": answer}, sheet_row, raw.headers[index], index)
                )
    return _classify(answers, raw, report)


def _meta(
    cell: dict[str, Any], columns: dict[str, int], raw: RawTable, report: LoadReport, row: int, default_survey: str
) -> dict[str, Any] | None:
    before, bad = len(report.errors), partial(_bad, report, raw)
    response_id = cells.clean_text(cell["response_id"])
    if response_id is None:
        bad(columns["response_id"], row, "missing-value", "The response ID is blank.", None)
    respondent = canonical_respondent_type(cell["respondent_type"] or "")
    if respondent is None:
        bad(
            columns["respondent_type"],
            row,
            "unknown-respondent-type",
            f'"{cell["respondent_type"]}" is not a respondent type. Use Young person, Parent or carer or Foster carer.',
            cell["respondent_type"],
        )
    area = vocab.canonical_service_area(cell["service_area"] or "")
    if area is None:
        bad(
            columns["service_area"],
            row,
            "unknown-service-area",
            f'"{cell["service_area"]}" is not one of the seven service areas.',
            cell["service_area"],
        )
    try:
        when = cells.parse_date(cell["date"], date1904=raw.date1904)
    except ValueError:
        when = None
    if when is None:
        bad(
            columns["date"],
            row,
            "bad-date",
            f'"{cell["date"]}" is not a date (day first, e.g. 03/04/2026).',
            cell["date"],
        )
    survey = cells.clean_text(cell.get("survey")) or default_survey
    if len(report.errors) > before:
        return None
    return {
        "survey": survey,
        "response_id": response_id,
        "respondent_type": respondent,
        "service_area": area,
        "response_date": when,
        "source_row": row,
    }


# What one response keeps across its rows in the long layout: field, the cell it is read from.
_PER_RESPONSE = (("respondent_type", "respondent_type"), ("service_area", "service_area"), ("response_date", "date"))


def _same_response(
    meta: dict[str, Any], first: dict[str, Any], cell: dict[str, Any], columns: dict[str, int], bad: Any
) -> None:
    """In the long layout a response is one person's answers on one day: one respondent type, one
    service area and one date across its rows. A row that disagrees with the response's first row
    is an error at that row (a typo there would otherwise count one person twice, or in two areas)."""
    for field, name in _PER_RESPONSE:
        if meta[field] != first[field]:
            label = _LABELS[name].lower()
            was, now = (v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in (first[field], meta[field]))
            bad(
                columns[name],
                meta["source_row"],
                "inconsistent-response",
                f'Response {meta["response_id"]} has {label} "{now}" here but "{was}" on row '
                f'{first["source_row"]}; a response keeps one {label} across its rows.',
                cell[name],
            )


def _classify(answers: list[_Answer], raw: RawTable, report: LoadReport) -> list[dict[str, Any]]:
    """Score each answer; a question with fewer than half its answers on a scale is free text."""
    by_question: dict[tuple[str, str], list[tuple[_Answer, Scored | None, bool]]] = {}
    for a in answers:
        try:
            scored, off_scale = score_answer(a.row["answer"]), False
        except ValueError:
            scored, off_scale = None, True
        by_question.setdefault((a.row["survey"], a.row["question"]), []).append((a, scored, off_scale))
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    bad = partial(_bad, report, raw)
    for group in by_question.values():
        on_scale = sum(1 for _, s, off in group if s is not None or off)
        free_text = on_scale * 2 < len(group)
        for a, scored, off_scale in group:
            key = (a.row["survey"], a.row["response_id"], a.row["question"])
            if key in seen:
                bad(
                    a.index,
                    a.sheet_row,
                    "duplicate-key",
                    f'Response {a.row["response_id"]} already has an answer to "{a.row["question"]}".',
                    a.row["answer"],
                )
                continue
            seen.add(key)
            if free_text:
                out.append({**a.row, "comment": a.row["answer"], "score": None, "positive": None})
            elif scored is None:
                why = "is off the 1-5 scale" if off_scale else "is not an answer on the question's scale"
                bad(
                    a.index,
                    a.sheet_row,
                    "bad-answer",
                    f'"{a.row["answer"]}" {why} (agree/disagree, 1-5 or yes/no).',
                    a.row["answer"],
                )
            else:
                out.append({**a.row, "comment": None, "score": scored.score, "positive": scored.positive})
    return out


def _bad(report: LoadReport, raw: RawTable, index: int, row: int, code: str, message: str, value: Any) -> None:
    report.add(
        code,
        message,
        sheet=raw.sheet,
        row=row,
        column=raw.headers.get(index),
        column_letter=column_letter(index),
        value=None if value is None else str(value),
    )


_META = ("survey", "response_id", "respondent_type", "service_area", "response_date", "question")
_TYPES = {
    "survey": pa.string(),
    "response_id": pa.string(),
    "respondent_type": pa.string(),
    "service_area": pa.string(),
    "response_date": pa.date32(),
    "question": pa.string(),
    "answer": pa.string(),
    "score": pa.float64(),
    "positive": pa.bool_(),
    "comment": pa.string(),
    "source_row": pa.int32(),
}
_TABLES = {  # stored table: (staged relation, compared columns); identifiers are constants
    "survey_answers": ("new_answers", (*_META, "answer", "score", "positive")),
    "survey_comments": ("new_comments", (*_META, "comment")),
}


def _check_stored(cur: duckdb.DuckDBPyConnection, raw: RawTable, report: LoadReport, rows: list[dict[str, Any]],
                  areas: tuple[str, ...]) -> None:
    """An uploader limited to `areas` cannot replace a response stored for another area: each file
    row whose survey and response ID are stored outside `areas` is an error at its Response ID."""
    keys = sorted({(r["survey"], r["response_id"]) for r in rows})
    taken = {
        (survey, response) for survey, response in cur.execute(
            "select distinct survey, response_id from (select survey, response_id, service_area from survey_answers "
            "union all select survey, response_id, service_area from survey_comments) "
            "join (select unnest($s) as survey, unnest($r) as response_id) using (survey, response_id) "
            "where not list_contains($areas, service_area)",
            {"s": [k[0] for k in keys], "r": [k[1] for k in keys], "areas": list(areas)},
        ).fetchall()
    }
    index = find_column(raw, _LOOKUP, "response_id") or 0  # a required column: map_columns found it
    done: set[int] = set()
    for r in rows:
        if (r["survey"], r["response_id"]) in taken and r["source_row"] not in done:
            done.add(r["source_row"])
            _bad(report, raw, index, r["source_row"], "id-outside-your-areas",
                 upload_scope.taken_id_message("Response", r["response_id"]), r["response_id"])


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], loaded_by: str,
           areas: tuple[str, ...] | None = None) -> None:
    """Replace the surveys the file names (only their rows in `areas`, when given) in one transaction."""
    scored = [r for r in rows if r["comment"] is None]
    comments = [r for r in rows if r["comment"] is not None]
    for (staged, cols), part in zip(_TABLES.values(), (scored, comments), strict=True):
        names = (*cols, "source_row")
        cur.register(staged, pa.table({c: pa.array([r[c] for r in part], _TYPES[c]) for c in names}))
    # The stored rows this file replaces: its surveys' rows (in the uploader's areas when limited).
    parts = tuple((table, staged, ", ".join(cols), ", ".join((*cols, "source_row")))
                  for table, (staged, cols) in _TABLES.items())
    replace_covered(cur, report, loaded_by=loaded_by, parts=parts, covered="survey in (select unnest($s))",
                    params={"s": sorted({r["survey"] for r in rows})}, areas=areas)
