"""The Quality & Performance Circle (Q&PC) quarterly pack: activity delivered against the audit plan,
grade trends, strengths and areas for development from the audit findings, actions due and overdue,
and the re-audits.

Restricted (not published), so counts are not suppressed; audit text may appear, but no statement
naming a worker or auditor is quoted and no worker, owner or child is listed.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from qa_data import actions, audits, periods, programme, queries
from qa_data.exports import figures
from qa_data.exports.figures import Quarters
from qa_data.exports.model import Block, Chart, Column, Paragraph, Report, Section, Series, Table, Value
from qa_data.scope import Scope
from qa_data.vocab import ACTIVITY_TYPES, DOMAIN_BY_KEY, QUALITY_MARKERS

TITLE = "Quality & Performance Circle quarterly pack"
MARKING = "OFFICIAL-SENSITIVE: restricted, not for publication"
TREND_QUARTERS = 6
TOP_THEMES = 5
EXAMPLES = 3


def build(con: duckdb.DuckDBPyConnection, *, scope: Scope, quarter: date) -> Report:
    """The Q&PC pack for the calendar quarter holding `quarter`, for the viewer's areas. Raises
    figures.NoDataError when the quarter holds no audits, KPI values or survey answers in scope."""
    figures.check_has_data(con, scope=scope, quarter=quarter)
    qs = Quarters.of(quarter)
    label = periods.quarter_label(qs.this)
    names = figures.people_names(con)
    sections = [
        Section("Activity against plan", tuple(_delivery(con, scope, qs, label))),  # on the title sheet
        Section("Grade trends", tuple(_trends(con, scope, qs)), sheet_name="Grade trends"),
        Section("Strengths and areas for development", tuple(_findings(con, scope, qs, names)),
                sheet_name="Findings"),
        Section("Actions due and overdue", tuple(_actions(con, scope, qs, label, names)), sheet_name="Actions"),
        Section("Re-audits", tuple(_reaudits(con, scope, qs, label)), sheet_name="Re-audits"),
    ]
    return Report(
        title=TITLE,
        period_label=periods.quarter_period_label(qs.this),
        data_as_of=figures.data_as_of(con, scope=scope),
        filters=figures.filters_text(scope),
        marking=MARKING,
        sections=tuple(sections),
    )


def _quarter_filter(qs: Quarters) -> audits.AuditFilter:
    return audits.AuditFilter(start=qs.this, end=qs.end)


def activity_by_area(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, quarter: date
) -> list[tuple[str, dict[str, int]]]:
    """(service area, {activity type: activities}) for each area in scope, in the quarter
    (the `activity_counts` query the Overview uses, per area)."""
    q = periods.quarter_start(quarter)
    out = []
    for area in scope.visible():
        params = audits.AuditFilter(start=q, end=periods.quarter_end(q), service_areas=(area,)).params(scope)
        out.append((area, {str(t): int(n) for t, n in queries.rows(con, "activity_counts", **params)}))
    return out


def _delivery(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, label: str) -> list[Block]:
    done = activity_by_area(con, scope=scope, quarter=qs.this)
    types = list(ACTIVITY_TYPES)
    counts_rows = [[*(counts.get(t, 0) for t in types), sum(counts.values())] for _, counts in done]
    sums = [sum(r[i] for r in counts_rows) for i in range(len(types) + 1)]
    rows: list[tuple[Value, ...]] = [(area, *r) for (area, _), r in zip(done, counts_rows, strict=True)]
    total: tuple[Value, ...] = ("All areas", *sums)
    blocks: list[Block] = [
        Paragraph(f"In {label} we completed {sums[-1]} quality activities: "
                  + ", ".join(f"{n} {ACTIVITY_TYPES[t].lower()}s" for t, n in zip(types, sums[:-1], strict=True))
                  + "."),
        Table((Column("Service area"), *(Column(ACTIVITY_TYPES[t] + "s", "count") for t in types),
               Column("Total", "count")), (*rows, total), title=f"Activities completed, {label}"),
    ]
    delivery = programme.plan_delivery(con, scope=scope, filters=_quarter_filter(qs))
    if not delivery.has_plan:
        blocks.append(Paragraph(f"No audit plan covers {label}: load the plan to compare delivery with it.", "note"))
        return blocks
    lines = delivery.lines
    blocks += [
        Paragraph(f"The plan for {label} had {delivery.planned} activities; {delivery.delivered} of them "
                  f"({delivery.pct_delivered:.0f}%) were delivered, and {delivery.unplanned_total} further activities "
                  "were done outside the plan."),
        Table(
            (Column("Month"), Column("Service area"), Column("Activity type"), Column("Theme"),
             Column("Planned", "count"), Column("Completed", "count"), Column("% delivered", "percent")),
            tuple((f"{_day(m):%b %Y}", a, t, th, int(p), int(c), round(100.0 * min(c, p) / p, 1) if p else None)
                  for m, a, t, th, p, c in lines[["plan_month", "service_area", "activity_type", "theme", "planned",
                                                   "completed"]].itertuples(index=False)),
            title="Delivered against plan",
            note="Completed: activities of the same month, area and type whose theme matches the plan's (ignoring "
                 "case); % delivered counts no more than planned.",
        ),
    ]
    return blocks


def _trends(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters) -> list[Block]:
    starts = [periods.add_months(qs.this, -3 * i) for i in reversed(range(TREND_QUARTERS))]
    rates = figures.audit_rates(con, scope=scope, quarters=starts)
    labels = [periods.quarter_label(q) for q in starts]
    keys = [*scope.visible(), figures.TOTAL]
    return [
        Table((Column("Service area"), *(Column(f"% {lb}", "percent") for lb in labels)),
              tuple((k, *(rates[q][k].pct for q in starts)) for k in keys),
              title="% of audits good or better by quarter"),
        Table((Column("Service area"), *(Column(f"Audits {lb}", "count") for lb in labels)),
              tuple((k, *(rates[q][k].base for q in starts)) for k in keys),
              title="Audits graded by quarter"),
        Chart("% of audits good or better", "line", tuple(labels),
              tuple(Series(k, tuple(rates[q][k].pct for q in starts)) for k in keys),
              y_title="% good or better", percent=True),
    ]


def _findings(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, names: list[str]) -> list[Block]:
    found = queries.frame(con, "export_findings", areas=scope.visible(), start=qs.this, end=qs.end, top=TOP_THEMES)
    blocks: list[Block] = []
    for finding, title in (("Strength", "Strengths"), ("Area for development", "Areas for development")):
        part = found[found["finding"] == finding]
        rows = []
        for theme, n, statements in part[["theme", "audits", "statements"]].itertuples(index=False):
            quotable = [s for s in statements if not figures.mentions_anyone(s, names)][:EXAMPLES]
            rows.append((theme, int(n), "\n".join(quotable)))
        blocks.append(Table((Column("Theme"), Column("Audits", "count"), Column("Examples")), tuple(rows),
                            title=f"{title}: the {TOP_THEMES} themes noted most",
                            note="Examples are the statements written most often; none naming a person is quoted."))
    markers = audits.domain_summary(con, scope=scope, filters=_quarter_filter(qs))
    markers = markers[markers["domain"].isin([*QUALITY_MARKERS, "supervision"])]
    blocks.append(Table(
        (Column("Quality marker"), Column("Graded", "count"), Column("Good or better", "count"),
         Column("% good or better", "percent"), Column("Less than good", "count")),
        tuple((DOMAIN_BY_KEY[str(d)].label, int(g), int(b), _round(p), int(g) - int(b))
              for d, g, b, p in markers[["domain", "graded", "good_or_better", "pct"]].itertuples(index=False)),
        title="By quality marker",
    ))
    return blocks


def actions_due(con: duckdb.DuckDBPyConnection, *, scope: Scope, quarter: date) -> tuple[date | None, pd.DataFrame]:
    """(snapshot date, frame) for the actions due in the quarter, from the latest tracker snapshot
    taken in it: one row per area in scope: service_area, due, completed, open, overdue (open and
    due before the quarter's last day). (None, empty frame) without a snapshot in the quarter."""
    snap = figures.action_snapshot(con, quarter=quarter)
    if snap is None:
        return None, pd.DataFrame()
    q = periods.quarter_start(quarter)
    return snap, queries.frame(con, "export_actions_due", areas=scope.visible(), start=q,
                               end=periods.quarter_end(q), snapshot=snap)


def _actions(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, label: str, names: list[str]) -> list[Block]:
    snap, due = actions_due(con, scope=scope, quarter=qs.this)
    if snap is None:
        return [Paragraph(f"No action tracker was loaded for {label}.", "note")]
    cols = ["due", "completed", "open", "overdue"]
    rows = [(a, *(int(v) for v in vals)) for a, *vals in due[["service_area", *cols]].itertuples(index=False)]
    total = ("All areas", *(sum(r[i + 1] for r in rows) for i in range(len(cols))))
    overdue = actions.overdue_list(con, scope=scope, as_of=qs.end, show_names=False)
    return [
        Paragraph(f"From the action tracker of {snap:%d %b %Y}: {total[1]} actions were due in {label}, "
                  f"{total[2]} completed and {total[4]} overdue at the quarter's end."),
        Table((Column("Service area"), Column("Due in quarter", "count"), Column("Completed", "count"),
               Column("Open", "count"), Column("Overdue", "count")), (*rows, total),
              title="Actions due in the quarter"),
        Table(
            (Column("Action"), Column("Service area"), Column("Due", "date"), Column("Days overdue", "count"),
             Column("Status"), Column("Latest update")),
            tuple((i, a, d.date() if hasattr(d, "date") else d, int(n), s,
                   "" if not isinstance(u, str) or figures.mentions_anyone(u, names) else u)
                  for i, a, d, n, s, u in overdue[["action_id", "service_area", "due_date", "days_overdue", "status",
                                                   "latest_update"]].itertuples(index=False)),
            title=f"Actions overdue at {qs.end:%d %b %Y}", note="Owners are not listed.",
        ),
    ]


def _reaudits(con: duckdb.DuckDBPyConnection, scope: Scope, qs: Quarters, label: str) -> list[Block]:
    found = programme.reaudit_pairs(con, scope=scope, filters=_quarter_filter(qs))
    if found.empty:
        return [Paragraph(f"No re-audits were completed in {label}.", "note")]
    found = found.sort_values(["reaudit_date", "reaudit_id"], kind="stable")
    improved = int((found["change"] == "Improved").sum())
    return [
        Paragraph(f"{len(found)} re-audits were completed in {label}; {improved} found the grade improved on the "
                  "original audit."),
        Table(
            (Column("Re-audit"), Column("Service area"), Column("Theme"), Column("Original audit"),
             Column("Original date", "date"), Column("Grade before"), Column("Re-audit date", "date"),
             Column("Grade after"), Column("Change")),
            tuple((r.reaudit_id, r.service_area, r.theme, r.original_id, _day(r.original_date), r.original_grade,
                   _day(r.reaudit_date), r.reaudit_grade, r.change if isinstance(r.change, str) else "")
                  for r in found.itertuples(index=False)),
            title="Re-audits: grades before and after",
        ),
    ]


def _day(value: object) -> date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value  # type: ignore[return-value]


def _round(value: object) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 1)  # type: ignore[arg-type]
