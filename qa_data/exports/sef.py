"""The ILACS self-evaluation evidence: for each service area, Ofsted's three questions answered from
the data, in the council's voice, with the tables behind the sentences:

1. What do we know about the quality and impact of practice? Grades, KPIs against benchmarks, what
   children and families say.
2. How do we know it? How many activities of each type, surveys and responses, the data sources and
   their dates.
3. What are our plans for the next 12 months? Open actions and the audits planned.

"What we know" covers the 12 months to the end of the chosen quarter (four quarters), with the
quarter itself beside it. An evidence document, not published: counts are not suppressed, and no
child, worker or action owner is named.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from qa_data import actions, audits, commentary, periods, queries, voice
from qa_data.exports import figures
from qa_data.exports.figures import Quarters
from qa_data.exports.model import Block, Column, Paragraph, Report, Section, Table
from qa_data.scope import Scope
from qa_data.vocab import ACTIVITY_TYPES, GRADES

TITLE = "ILACS self-evaluation: evidence from quality assurance"
MARKING = "OFFICIAL-SENSITIVE: for the self-evaluation, not for publication"
_SOURCES = {"audits": "Audit returns", "kpis": "KPI extracts", "comparators": "Published comparators",
            "catalogue": "KPI catalogue", "annex_a": "Annex A lists", "actions": "Action tracker",
            "surveys": "Surveys", "complaints": "Complaints and compliments", "audit_plan": "Audit plan"}


def build(con: duckdb.DuckDBPyConnection, *, scope: Scope, quarter: date) -> Report:
    """The self-evaluation evidence for the 12 months to the end of the quarter holding `quarter`,
    one section per service area in scope. Raises figures.NoDataError when the quarter holds no
    audits, KPI values or survey answers in scope."""
    figures.check_has_data(con, scope=scope, quarter=quarter)
    qs = Quarters.of(quarter)
    start = periods.add_months(qs.this, -9)
    notes = commentary.get_commentary(con, scope=scope, report="sef", quarter=qs.this)
    sources = queries.frame(con, "export_latest_loads")
    intro = Section("About this evidence", (
        Paragraph(f"This evidence covers the 12 months from {start:%B %Y} to {qs.end:%B %Y}, with "
                  f"{periods.quarter_label(qs.this)} shown beside it. For each service area it answers the three "
                  "questions of our self-evaluation: what we know about the quality and impact of our practice, "
                  "how we know it, and our plans for the next 12 months."),
        *([Paragraph(n.text, "commentary")] if (n := notes.get((commentary.COUNCIL_WIDE, "headline"))) else []),
    ))
    sections = [intro]
    for area in scope.visible():
        blocks = [
            Paragraph("What we know", "heading"), *_know(con, scope, qs, start, area),
            Paragraph("How we know it", "heading"), *_how(con, scope, qs, start, area, sources),
            Paragraph("Our plans for the next 12 months", "heading"), *_plans(con, scope, qs, area),
            *([Paragraph(n.text, "commentary")] if (n := notes.get((area, "plans"))) else []),
        ]
        sections.append(Section(area, tuple(blocks)))
    return Report(
        title=TITLE,
        period_label=f"12 months to {qs.end:%b %Y}; latest quarter {periods.quarter_period_label(qs.this)}",
        data_as_of=figures.data_as_of(con, scope=scope),
        filters=figures.filters_text(scope),
        marking=MARKING,
        sections=tuple(sections),
    )


def _pct(value: float | None) -> str:
    return "no" if value is None else f"{value:.0f}%"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    """'1 action', '5 actions'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "no value"
    return f"{value:.1f}%" if unit == "percent" else f"{value:g}"


def _area_filter(start: date, end: date, area: str) -> audits.AuditFilter:
    return audits.AuditFilter(start=start, end=end, service_areas=(area,))


def _know(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, start: date, area: str) -> list[Block]:
    mix = audits.grade_mix(con, scope=scope, filters=_area_filter(start, qs.end, area))
    counts = {str(g): int(n) for g, n in zip(mix["grade"], mix["n"], strict=True)}
    total = sum(counts.values())
    good = counts.get("Outstanding", 0) + counts.get("Good", 0)
    label, prev_label = periods.quarter_label(qs.this), periods.quarter_label(qs.previous)
    rates = figures.audit_rates(con, scope=scope, quarters=[qs.previous, qs.this])
    this, prev = rates[qs.this][area], rates[qs.previous][area]
    if total:
        text = (f"In the 12 months to {qs.end:%B %Y} we completed {total} quality activities in {area}; {good} "
                f"({_pct(100.0 * good / total)}) found practice good or better.")
        if this.base:
            text += (f" In {label}, {this.count} of {this.base} ({_pct(this.pct)}) were good or better, against "
                     f"{_pct(prev.pct)} in {prev_label}.")
    else:
        text = f"We completed no quality activities in {area} in the 12 months to {qs.end:%B %Y}."
    blocks: list[Block] = [
        Paragraph(text),
        Table((Column("Grade"), Column("Activities", "count"), Column("% of activities", "percent")),
              tuple((g, counts.get(g, 0), round(100.0 * counts.get(g, 0) / total, 1) if total else None)
                    for g in GRADES), title=f"Grades, 12 months to {qs.end:%b %Y}"),
    ]
    kpis = figures.key_kpis(con, scope=scope, area=area, quarters=qs, codes=None)
    current = [k for k in kpis if k.values[0] is not None]
    if current:
        sentences = []
        for k in current:
            against = f" against a target of {_value(k.target, k.unit)}" if k.target is not None else ""
            bench = ", ".join(f"{name} {_value(v, k.unit)}" for name, v in
                              (("statistical neighbours", k.sn), ("England", k.england)) if v is not None)
            sentences.append(f"{k.name}: {_value(k.values[0], k.unit)}{against}" + (f" ({bench})" if bench else "")
                             + ".")
        blocks += [
            Paragraph(f"Our indicators for {area} in {label}: " + " ".join(sentences)),
            Table((Column("Indicator"), Column(label, "number"), Column(prev_label, "number"),
                   Column("Target", "number"), Column("Statistical neighbours", "number"), Column("England", "number"),
                   Column("RAG", "rag")),
                  tuple((k.name, _round(k.values[0]), _round(k.values[1]), k.target, k.sn, k.england, k.rag)
                        for k in current), title="Indicators against benchmarks"),
        ]
    said = voice.positive_by_group(con, scope=scope, filters=voice.VoiceFilter(start, qs.end, (area,)))
    said = said[said["service_area"].notna()]
    if said.empty:
        blocks.append(Paragraph(f"We have no survey answers from children and families in {area} for this period."))
    else:
        blocks += [
            Paragraph("What children and families tell us: " + " ".join(
                f"{s}: {_pct(p)} of {n} answers were positive." for s, n, p in
                said[["survey", "n", "pct_positive"]].itertuples(index=False))),
            Table((Column("Survey"), Column("Answers", "count"), Column("% positive", "percent")),
                  tuple((s, int(n), float(p)) for s, n, p in said[["survey", "n", "pct_positive"]]
                        .itertuples(index=False)), title="Survey answers"),
        ]
    return blocks


def _how(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, start: date, area: str,
         sources: pd.DataFrame) -> list[Block]:
    params = _area_filter(start, qs.end, area).params(scope)
    by_type = {str(t): int(n) for t, n in queries.rows(con, "activity_counts", **params)}
    case, dip, obs = (by_type.get(t, 0) for t in ("case_audit", "dip_sample", "observation"))
    surveys = queries.frame(con, "export_survey_responses", areas=scope.visible((area,)), start=start, end=qs.end)
    blocks: list[Block] = [
        Paragraph(f"We audited {case} cases in full, dip-sampled {dip} more and observed practice {obs} times in "
                  f"{area} in the 12 months to {qs.end:%B %Y}."),
        Table((Column("Activity"), Column("Number", "count")),
              tuple((label, by_type.get(t, 0)) for t, label in ACTIVITY_TYPES.items()), title="Quality activities"),
    ]
    if surveys.empty:
        blocks.append(Paragraph("No survey responses were received in this period."))
    else:
        blocks += [
            Paragraph(f"Children and families gave {int(surveys['responses'].sum())} survey responses "
                      f"({_n(len(surveys), 'survey')})."),
            Table((Column("Survey"), Column("Responses", "count"), Column("Answers", "count"), Column("From", "date"),
                   Column("To", "date")),
                  tuple((s, int(r), int(a), _day(f), _day(t)) for s, r, a, f, t in
                        surveys[["survey", "responses", "answers", "first_date", "last_date"]].itertuples(index=False)),
                  title="Surveys and responses"),
        ]
    blocks.append(Table(
        (Column("Data source"), Column("File"), Column("Loaded", "date"), Column("Rows", "count")),
        tuple((_SOURCES.get(str(k), str(k)), f, _day(t), int(n)) for k, f, t, n in
              sources[["kind", "file_name", "loaded_at", "rows_loaded"]].itertuples(index=False)),
        title="Data sources and their dates (latest load of each)",
    ))
    return blocks


def _plans(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, area: str) -> list[Block]:
    areas = scope.visible((area,))
    blocks: list[Block] = []
    if actions.latest_snapshot(con) is None:
        blocks.append(Paragraph("No action tracker has been loaded.", "note"))
    else:
        open_ = queries.frame(con, "export_open_actions", areas=areas, as_of=qs.end)
        overdue = int(open_["overdue"].sum()) if not open_.empty else 0
        blocks.append(Paragraph(f"At {qs.end:%d %B %Y}, {_n(len(open_), 'action')} from our audits and reviews "
                                f"{'was' if len(open_) == 1 else 'were'} open in {area}, {overdue} of them overdue."))
        if not open_.empty:
            blocks.append(Table(
                (Column("Action"), Column("Raised from"), Column("Raised", "date"), Column("Due", "date"),
                 Column("Status")),
                tuple((i, s, _day(r), _day(d), st) for i, s, r, d, st in
                      open_[["action_id", "source", "raised_date", "due_date", "status"]].itertuples(index=False)),
                title="Open actions"))
    ahead_start, ahead_end = periods.add_months(qs.this, 3), periods.add_months(qs.this, 14)
    plan = queries.frame(con, "export_plan_ahead", areas=areas, start=ahead_start, end=ahead_end)
    if plan.empty:
        blocks.append(Paragraph(f"No audits are planned yet for {area} from {ahead_start:%B %Y} to "
                                f"{ahead_end:%B %Y}: the audit plan has no months in that period."))
    else:
        blocks += [
            Paragraph(f"From {ahead_start:%B %Y} to {ahead_end:%B %Y} we plan {int(plan['planned'].sum())} "
                      f"quality activities in {area}, on {plan['theme'].nunique()} themes."),
            Table((Column("Month"), Column("Activity"), Column("Theme"), Column("Planned", "count")),
                  tuple((f"{_day(m):%b %Y}", ACTIVITY_TYPES.get(t, t), th, int(n)) for m, t, th, n in
                        plan[["plan_month", "activity_type", "theme", "planned"]].itertuples(index=False)),
                  title="Audits planned for the next 12 months"),
        ]
    return blocks


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _day(value: object) -> date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value  # type: ignore[return-value]
