"""The KPI scorecard: each KPI's latest value for a month, the change on the month before, target and
RAG by direction, a 12-month trend, comparators, the Making Data Count variation and assurance icons
(from each KPI's XmR chart), and the SPC chart and team breakdown behind a KPI.

Values come from `kpi_values` (KPI extracts and indicators computed on Annex A snapshots). The
council-wide values (no service area) are shown only to viewers who see every area; a viewer with a
narrower scope sees only their areas' breakdowns.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from qa_data import queries, rag, spc
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS


def _sees_everything(scope: Scope) -> bool:
    return set(SERVICE_AREAS) <= set(scope.service_areas)


def allowed_area(scope: Scope, area: str | None) -> bool:
    """May this viewer see values for `area` (None: council-wide)?"""
    return _sees_everything(scope) if area is None else area in scope.service_areas


def scorecard(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, month: date, area: str | None = None
) -> pd.DataFrame:
    """One row per KPI (catalogue order) for `month` and `area` (None: council-wide): the columns of
    qa_data/sql/kpi_scorecard.sql plus `change` (on the previous month with a value), `rag`
    ('green', 'amber', 'red' or None), and the MDC icons `variation` (an `spc.Variation`: the latest
    point's) and `assurance` (an `spc.Assurance`; None without a target) of the XmR chart of the
    KPI's monthly values up to `month`, by its direction and against its target (both None when
    there are fewer than 2 values). Empty when the viewer may not see `area`."""
    if not allowed_area(scope, area):
        return pd.DataFrame()
    frame = queries.frame(con, "kpi_scorecard", month=month, area=area)
    frame["change"] = frame["value"] - frame["previous_value"]
    frame["rag"] = [
        rag.rag(_num(v), _num(t), d, _num(a) or 0.0)
        for v, t, d, a in zip(frame["value"], frame["target"], frame["direction"], frame["amber_tolerance"],
                              strict=True)
    ]
    series = queries.frame(con, "kpi_series_all", area=area, until=month)
    by_kpi = {str(code): group for code, group in series.groupby("kpi_code", sort=False)}
    charts = [
        _icons(by_kpi.get(code), direction, _num(target))
        for code, direction, target in zip(frame["kpi_code"], frame["direction"], frame["target"], strict=True)
    ]
    frame["variation"] = [variation for variation, _ in charts]
    frame["assurance"] = [assurance for _, assurance in charts]
    return frame


def _icons(
    series: pd.DataFrame | None, direction: rag.Direction, target: float | None
) -> tuple[spc.Variation | None, spc.Assurance | None]:
    """(variation, assurance) of one KPI's XmR chart; (None, None) with fewer than 2 values."""
    if series is None or series["value"].notna().sum() < 2:
        return None, None
    chart = spc.xmr(series["value"].to_numpy(dtype="float64"), direction=direction, target=target)
    return chart.variation, chart.assurance


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def kpi_chart(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: Scope,
    kpi_code: str,
    direction: rag.Direction,
    until: date,
    area: str | None = None,
    target: float | None = None,
    rules: spc.SpcRules | None = None,
) -> spc.XmrChart | None:
    """The XmR chart of one KPI's monthly values up to `until` (None if the viewer may not see `area`
    or there are no values). The points are indexed by month."""
    if not allowed_area(scope, area):
        return None
    series = queries.frame(con, "kpi_series", kpi_code=kpi_code, area=area, until=until)
    if series.empty:
        return None
    values = pd.Series(series["value"].to_numpy(), index=pd.to_datetime(series["period_month"]), dtype="float64")
    return spc.xmr(values, direction=direction, target=target, rules=rules)


def team_breakdown(con: duckdb.DuckDBPyConnection, *, scope: Scope, kpi_code: str, month: date) -> pd.DataFrame:
    """One row per team with a value for `kpi_code` in `month`, within the viewer's areas:
    service_area, team, value, numerator, denominator."""
    return queries.frame(
        con, "kpi_teams", kpi_code=kpi_code, month=month, areas=list(scope.service_areas),
        all_areas=_sees_everything(scope),
    )
