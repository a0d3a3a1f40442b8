"""The Cabinet key data summary: a published paper, one quarter, per service area in scope and for all
of them: audits % good or better and the number behind it, the key KPIs against target with
statistical neighbours and England, % positive in surveys and overdue actions, each beside the
previous quarter and the same quarter last year, and the analysts' commentary.

Published, so every count passes through `suppression` (1 to 5 shown as "c", secondary suppression
against the totals shown, percentages on a suppressed base or count suppressed) and nothing about a
child or a worker appears: no ids, names, teams or free text from the data, only the analysts'
commentary written for this paper.
"""

from __future__ import annotations

from datetime import date

import duckdb

from qa_data import commentary, periods
from qa_data.exports import figures
from qa_data.exports.figures import TOTAL, KpiFigure, Quarters
from qa_data.exports.model import SUPPRESSED, Block, Chart, Column, Paragraph, Report, Section, Series, Table, Value
from qa_data.scope import Scope

TITLE = "Cabinet key data summary"
MARKING = "OFFICIAL: for publication with the Cabinet papers"
SUPPRESSION_NOTE = "c = a count from 1 to 5, or a figure that would reveal one, is not shown."
SHORT_NAMES = {
    "Front Door": "Front Door",
    "Children in Need and Child Protection": "CIN and CP",
    "Vulnerable Adolescents": "Adolescents",
    "Children in Care": "Children in Care",
    "Permanence": "Permanence",
    "Care Leavers": "Care Leavers",
    "Quality Assurance Unit": "QA Unit",
}
_COLOURS = ("#1f4e79", "#8faadc", "#bfbfbf")  # this quarter, previous, last year


def build(con: duckdb.DuckDBPyConnection, *, scope: Scope, quarter: date) -> Report:
    """The Cabinet key data summary for the calendar quarter holding `quarter`, for the viewer's
    service areas. Raises figures.NoDataError when the quarter holds no audits, KPI values or survey
    answers in scope."""
    figures.check_has_data(con, scope=scope, quarter=quarter)
    qs = Quarters.of(quarter)
    areas = scope.visible()
    keys = [*areas, TOTAL]
    audit = figures.audit_rates(con, scope=scope, quarters=qs.all)
    voice = figures.voice_rates(con, scope=scope, quarters=qs.all)
    overdue = figures.overdue_actions(con, scope=scope, quarters=qs.all)
    pub_audit = {q: dict(zip(keys, figures.suppressed_rates([audit[q][k] for k in keys]), strict=True))
                 for q in qs.all}
    pub_voice = {q: dict(zip(keys, figures.suppressed_rates([voice[q][k] for k in keys]), strict=True))
                 for q in qs.all}
    pub_overdue: dict[date, dict[str, Value] | None] = {}
    for q in qs.all:
        counts = overdue[q]
        pub_overdue[q] = None if counts is None else dict(
            zip(keys, figures.suppressed_column([counts[k] for k in keys]), strict=True))
    notes = commentary.get_commentary(con, scope=scope, report="cabinet", quarter=qs.this)
    council_kpis = figures.key_kpis(con, scope=scope, area=None, quarters=qs) if figures.sees_everything(scope) else []
    area_kpis = {a: figures.key_kpis(con, scope=scope, area=a, quarters=qs) for a in areas}
    total_label = "Council-wide" if figures.sees_everything(scope) else "All areas in scope"
    labels = [periods.quarter_label(q) for q in qs.all]

    def note(area: str, field: str) -> list[Block]:
        found = notes.get((area, field))
        return [Paragraph(found.text, "commentary")] if found else []

    def area_name(key: str) -> str:
        return total_label if key == TOTAL else key

    summary: list[Block] = [
        Paragraph(f"Key figures for {labels[0]}, compared with the previous quarter ({labels[1]}) and the "
                  f"same quarter last year ({labels[2]})."),
        *note(commentary.COUNCIL_WIDE, "headline"),
        Table(
            (Column("Service area"), Column("Audits", "count"), Column("Good or better", "count"),
             *(Column(f"% {label}", "percent") for label in labels)),
            tuple((area_name(k), *pub_audit[qs.this][k], pub_audit[qs.previous][k][2], pub_audit[qs.last_year][k][2])
                  for k in keys),
            title="Audits: % good or better", note=f"Audits and good or better: {labels[0]}. " + SUPPRESSION_NOTE,
        ),
        Chart(
            "% of audits good or better by service area", "bar",
            tuple(SHORT_NAMES.get(k, total_label) for k in keys),
            tuple(Series(label, tuple(_plottable(pub_audit[q][k][2]) for k in keys), colour)
                  for q, label, colour in zip(qs.all, labels, _COLOURS, strict=True)),
            y_title="% good or better", percent=True,
        ),
    ]
    kpi_rows = [("Council-wide", k) for k in council_kpis] or [(a, k) for a in areas for k in area_kpis[a]]
    if kpi_rows:
        summary += [
            _kpi_table([k for _, k in kpi_rows], labels, [a for a, _ in kpi_rows] if not council_kpis else None),
            Chart(
                "Key indicators against target", "bar", tuple(k.name for _, k in kpi_rows),
                (Series(labels[0], tuple(_plottable(figures.published_kpi_value(k, 0)) for _, k in kpi_rows),
                        _COLOURS[0]),
                 Series("Target", tuple(k.target for _, k in kpi_rows), _COLOURS[2])),
                y_title="%", percent=all(k.unit == "percent" for _, k in kpi_rows),
            ),
        ]
    summary += [
        Table(
            (Column("Service area"), Column("Answers", "count"), Column("Positive", "count"),
             *(Column(f"% {label}", "percent") for label in labels)),
            tuple((area_name(k), *pub_voice[qs.this][k], pub_voice[qs.previous][k][2], pub_voice[qs.last_year][k][2])
                  for k in keys),
            title="What children and families say: % positive survey answers",
            note=f"Answers and positive: {labels[0]}. " + SUPPRESSION_NOTE,
        ),
    ]
    tracked = [(q, label) for q, label in zip(qs.all, labels, strict=True) if pub_overdue[q] is not None]
    untracked = [label for q, label in zip(qs.all, labels, strict=True) if pub_overdue[q] is None]
    summary += [
        Table(
            (Column("Service area"), *(Column(label, "count") for _, label in tracked)),
            tuple((area_name(k), *((pub_overdue[q] or {}).get(k) for q, _ in tracked)) for k in keys),
            title="Overdue actions at quarter end",
            note=(f"No action tracker for {' or '.join(untracked)}. " if untracked else "") + SUPPRESSION_NOTE,
        ),
    ]
    sections = [Section("Summary", tuple(summary))]  # no sheet name: Excel puts it on the title sheet
    for area in areas:
        blocks: list[Block] = [*note(area, "headline")]
        blocks += [
            Table(
                (Column("Quarter"), Column("Audits", "count"), Column("Good or better", "count"),
                 Column("% good or better", "percent")),
                tuple((label, *pub_audit[q][area]) for q, label in zip(qs.all, labels, strict=True)),
                title="Audits: % good or better", note=SUPPRESSION_NOTE,
            ),
            Chart(f"{area}: % of audits good or better", "bar", tuple(labels),
                  (Series("% good or better", tuple(_plottable(pub_audit[q][area][2]) for q in qs.all), _COLOURS[0]),),
                  y_title="% good or better", percent=True),
            *note(area, "audits"),
        ]
        if area_kpis[area]:
            blocks += [_kpi_table(area_kpis[area], labels, None), *note(area, "kpis")]
        blocks += [
            Table(
                (Column("Quarter"), Column("Answers", "count"), Column("Positive", "count"),
                 Column("% positive", "percent")),
                tuple((label, *pub_voice[q][area]) for q, label in zip(qs.all, labels, strict=True)),
                title="What children and families say: % positive survey answers", note=SUPPRESSION_NOTE,
            ),
            *note(area, "voice"),
            Table(
                (Column("Quarter"), Column("Overdue actions at quarter end", "count")),
                tuple((label, (pub_overdue[q] or {}).get(area)) for q, label in zip(qs.all, labels, strict=True)),
                title="Overdue actions", note="Blank: no action tracker for that quarter. " + SUPPRESSION_NOTE,
            ),
            *note(area, "actions"),
        ]
        sections.append(Section(area, tuple(blocks), sheet_name=SHORT_NAMES.get(area, area)[:31]))
    return Report(
        title=TITLE,
        period_label=periods.quarter_period_label(qs.this),
        data_as_of=figures.data_as_of(con, scope=scope),
        filters=figures.filters_text(scope),
        marking=MARKING,
        sections=tuple(sections),
    )


def _plottable(value: Value) -> float | None:
    """A chart cannot show "c": a suppressed or missing value is a gap."""
    return float(value) if isinstance(value, int | float) else None


def _kpi_table(kpis: list[KpiFigure], labels: list[str], areas: list[str] | None) -> Table:
    """One row per KPI: 'Indicator (lower is better)' (prefixed 'Area: ' when `areas` are given), the
    three quarters' values, target, statistical neighbours, England and this quarter's RAG."""
    columns = (
        Column("Indicator"), Column(labels[0], "number"), Column(labels[1], "number"),
        Column(labels[2], "number"), Column("Target", "number"), Column("Statistical neighbours", "number"),
        Column("England", "number"), Column("RAG", "rag"),
    )
    rows = []
    for i, k in enumerate(kpis):
        values = [figures.published_kpi_value(k, n) for n in range(3)]
        rag = "" if values[0] == SUPPRESSED else k.rag
        name = f"{areas[i]}: {k.name}" if areas is not None else k.name
        rows.append((f"{name} ({k.direction} is better)", *values, k.target, k.sn, k.england, rag))
    return Table(columns, tuple(rows), title="Key performance indicators",
                 note="Each quarter's value is its latest month's; RAG is this quarter against target. "
                 "Statistical neighbours and England: latest published year. " + SUPPRESSION_NOTE)

