"""The figures the reports share, read through the data layer the pages use (audits, scorecard,
actions) so that a report never disagrees with the dashboard, plus the suppression of published
tables. Each function takes the connection first and the viewer's `Scope`.

Quarters are calendar quarters named by their first day; "previous" is the quarter before and
"last year" the same quarter a year earlier (`Quarters`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from qa_data import actions, audits, kpis, periods, queries, scorecard
from qa_data.exports import suppression
from qa_data.exports.model import Value
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

TOTAL = "All areas"  # key of the all-areas figure beside the per-area ones
# The key KPIs of the Cabinet summary and the self-evaluation, in reading order: re-referrals,
# assessments in 45 working days, repeat CP plans, CP visits in timescale, placement stability (3+
# placements). Codes not in the council's catalogue are skipped.
KEY_KPIS: tuple[str, ...] = (
    "re_referrals", "assessments_45wd", "repeat_cp_plans", "cp_visits_in_timescale", "cla_3_placements",
)


class NoDataError(ValueError):
    """The period holds nothing to report on."""


@dataclass(frozen=True)
class Quarters:
    """A report's quarter and its comparisons, each the first day of a calendar quarter."""

    this: date
    previous: date
    last_year: date

    @classmethod
    def of(cls, day: date) -> Quarters:
        q = periods.quarter_start(day)
        return cls(q, periods.add_months(q, -3), periods.add_months(q, -12))

    @property
    def all(self) -> tuple[date, date, date]:
        return (self.this, self.previous, self.last_year)

    @property
    def end(self) -> date:
        return periods.quarter_end(self.this)


@dataclass(frozen=True)
class Rate:
    """`count` of `base` (e.g. audits good or better of audits graded)."""

    count: int
    base: int

    @property
    def pct(self) -> float | None:
        return round(100.0 * self.count / self.base, 1) if self.base else None


@dataclass(frozen=True)
class KpiFigure:
    """One KPI in one breakdown: its value in each of a report's quarters (the latest month of the
    quarter with a value; None when the quarter has none), with the denominator behind it."""

    code: str
    name: str
    unit: str
    direction: str
    values: tuple[float | None, float | None, float | None]  # this, previous, last year
    denominators: tuple[float | None, float | None, float | None]
    numerators: tuple[float | None, float | None, float | None]
    target: float | None
    sn: float | None
    england: float | None
    rag: str  # Green, Amber, Red or "" (this quarter against target, by direction)


def sees_everything(scope: Scope) -> bool:
    return set(SERVICE_AREAS) <= set(scope.service_areas)


def filters_text(scope: Scope) -> str:
    """The filters a report was built with, in words."""
    return "All service areas" if sees_everything(scope) else "Service areas: " + ", ".join(scope.visible())


def check_has_data(con: duckdb.DuckDBPyConnection, *, scope: Scope, quarter: date) -> None:
    """Raise NoDataError unless the quarter holds audits, KPI values or survey answers in scope."""
    q = periods.quarter_start(quarter)
    found = queries.rows(
        con, "export_quarter_coverage", areas=scope.visible(), all_areas=sees_everything(scope),
        start=q, end=periods.quarter_end(q),
    )[0]
    if not any(found):
        raise NoDataError(
            f"no data for {periods.quarter_label(q)}: no audits, KPI values or survey answers "
            "in that quarter for the areas in scope"
        )


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def audit_rates(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, quarters: Sequence[date]
) -> dict[date, dict[str, Rate]]:
    """Audits good or better of audits graded, per quarter and area in scope (every area, zeros
    when none), and TOTAL: `audits.grade_trend` by quarter, the Audit quality page's figures."""
    filters = audits.AuditFilter(start=min(quarters), end=periods.quarter_end(max(quarters)))
    trend = audits.grade_trend(con, scope=scope, filters=filters, grain="quarter")
    found = {
        (p.date() if hasattr(p, "date") else p, TOTAL if a == "All areas in view" else a): Rate(int(g), int(n))
        for p, a, n, g in zip(trend["period"], trend["service_area"], trend["activities"], trend["good_or_better"],
                              strict=True)
    }
    return {q: {a: found.get((q, a), Rate(0, 0)) for a in [*scope.visible(), TOTAL]} for q in quarters}


def voice_rates(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, quarters: Sequence[date]
) -> dict[date, dict[str, Rate]]:
    """Positive answers of scored survey answers (all surveys), per quarter and area, and TOTAL."""
    frame = queries.frame(
        con, "export_voice_quarters", areas=scope.visible(), start=min(quarters),
        end=periods.quarter_end(max(quarters)),
    )
    found = {
        (q.date() if hasattr(q, "date") else q, a): Rate(int(p), int(n))
        for q, a, n, p in zip(frame["quarter"], frame["service_area"], frame["answers"], frame["positive"],
                              strict=True)
    }
    out: dict[date, dict[str, Rate]] = {}
    for q in quarters:
        per_area = {a: found.get((q, a), Rate(0, 0)) for a in scope.visible()}
        per_area[TOTAL] = Rate(sum(r.count for r in per_area.values()), sum(r.base for r in per_area.values()))
        out[q] = per_area
    return out


def action_snapshot(con: duckdb.DuckDBPyConnection, *, quarter: date) -> date | None:
    """The action tracker snapshot a quarter's figures come from: the latest one taken in the
    quarter, None when none was."""
    snap = queries.rows(con, "export_action_snapshot", as_of=periods.quarter_end(quarter))[0][0]
    return snap if snap is not None and snap >= periods.quarter_start(quarter) else None


def overdue_actions(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, quarters: Sequence[date]
) -> dict[date, dict[str, int] | None]:
    """Open actions overdue at each quarter's end, per area and TOTAL (`actions.action_summary` as of
    the quarter's last day); None for a quarter with no tracker snapshot taken in it."""
    out: dict[date, dict[str, int] | None] = {}
    for q in quarters:
        if action_snapshot(con, quarter=q) is None:
            out[q] = None
            continue
        summary = actions.action_summary(con, scope=scope, as_of=periods.quarter_end(q))
        per_area = {str(a): int(n) for a, n in zip(summary["service_area"], summary["overdue"], strict=True)}
        out[q] = {**per_area, TOTAL: sum(per_area.values())}
    return out


def key_kpis(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: Scope,
    area: str | None,
    quarters: Quarters,
    codes: Sequence[str] | None = KEY_KPIS,
) -> list[KpiFigure]:
    """The KPIs `codes` (None: the whole catalogue, in its order) for `area` (None: council-wide, only
    for a viewer who sees every area) with a value in at least one of the quarters, from the scorecard
    as of each quarter's last month."""
    cards = {}
    for q in quarters.all:
        frame = scorecard.scorecard(con, scope=scope, month=periods.add_months(q, 2), area=area)
        if frame.empty:
            return []
        in_quarter = frame["month"].notna() & (pd.to_datetime(frame["month"]) >= pd.Timestamp(q))
        cards[q] = {str(row["kpi_code"]): (row, bool(ok)) for (_, row), ok in zip(frame.iterrows(), in_quarter,
                                                                                  strict=True)}
    out = []
    for code in codes if codes is not None else list(cards[quarters.this]):
        if code not in cards[quarters.this]:
            continue
        picked = [cards[q][code] if cards[q][code][1] else None for q in quarters.all]
        if all(p is None for p in picked):
            continue
        row = cards[quarters.this][code][0]
        values = tuple(_num(p[0]["value"]) if p else None for p in picked)
        this_ok = picked[0] is not None
        out.append(KpiFigure(
            code=code, name=str(row["name"]), unit=str(row["unit"]), direction=str(row["direction"]),
            values=(values[0], values[1], values[2]),
            denominators=tuple(_num(p[0]["denominator"]) if p else None for p in picked),  # type: ignore[arg-type]
            numerators=tuple(_num(p[0]["numerator"]) if p else None for p in picked),  # type: ignore[arg-type]
            target=_num(row["target"]), sn=_num(row["sn"]), england=_num(row["england"]),
            rag=str(row["rag"]).capitalize() if this_ok and isinstance(row["rag"], str) else "",
        ))
    return out


def suppressed_rates(rates: Sequence[Rate]) -> list[tuple[Value, Value, Value]]:
    """(base, count, pct) as they may be published, for rows whose last one is the total of the others:
    counts 1-5 and the cells that would reveal them are "c" (primary and secondary suppression over
    count, base - count and base, with the total row), and a percentage whose published base or count
    is suppressed is suppressed too (with either one shown, the percentage would give the other back)."""
    grid: list[list[int | None]] = [[r.count, r.base - r.count, r.base] for r in rates]
    published = suppression.suppress_counts(grid, row_totals=True, col_totals=True)
    out: list[tuple[Value, Value, Value]] = []
    for rate, (count, _, base) in zip(rates, published, strict=True):
        out.append((base, count, suppression.suppress_percent(rate.pct, base, count)))
    return out


def suppressed_column(counts: Sequence[int]) -> list[Value]:
    """A column of counts whose last value is the total of the others, as it may be published."""
    published = suppression.suppress_counts([[c] for c in counts], row_totals=False, col_totals=True)
    return [row[0] for row in published]


def published_kpi_value(figure: KpiFigure, index: int) -> Value:
    """A KPI value as it may be published: a percentage whose denominator or numerator is 1 to 5 is
    suppressed (the numerator would be percent x denominator)."""
    value = figure.values[index]
    if value is None or figure.unit != "percent" or figure.denominators[index] is None:
        return None if value is None else round(value, 1)
    numerator = figure.numerators[index]
    return suppression.suppress_percent(round(value, 1), int(figure.denominators[index] or 0),
                                        None if numerator is None else int(numerator))


def data_as_of(con: duckdb.DuckDBPyConnection, *, scope: Scope) -> str:
    """'Audits to 31 Oct 2026; KPIs to Oct 2026; surveys loaded 26 Nov 2026; action tracker 30 Oct 2026'."""
    parts = []
    seen = audits.data_as_of(con, scope=scope)
    if seen.latest_audit:
        parts.append(f"Audits to {seen.latest_audit:%d %b %Y}")
    kpi = kpis.kpi_data_as_of(con)
    if kpi.latest_month:
        parts.append(f"KPIs to {kpi.latest_month:%b %Y}")
    loads = {str(k): t for k, _, t, _ in queries.rows(con, "export_latest_loads")}
    if "surveys" in loads:
        parts.append(f"surveys loaded {loads['surveys']:%d %b %Y}")
    snap = actions.latest_snapshot(con)
    if snap:
        parts.append(f"action tracker {snap:%d %b %Y}")
    return "; ".join(parts) or "no data loaded"


def people_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every worker and auditor named on an audit, and every action owner."""
    return [str(r[0]) for r in queries.rows(con, "export_people_names")]


def mentions_anyone(text: str, names: Sequence[str]) -> bool:
    """Does `text` contain any of `names` (whole name, or a first or last name of 3+ letters),
    ignoring case?"""
    folded = f" {' '.join(''.join(ch if ch.isalnum() else ' ' for ch in text.lower()).split())} "
    for name in names:
        parts = name.lower().split()
        for token in [" ".join(parts), *(p for p in parts if len(p) >= 3)]:
            if f" {token} " in folded:
                return True
    return False
