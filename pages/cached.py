"""The app's one DuckDB connection and every cached wrapper around the qa_data queries. Nothing here
runs at import time. Cached values are shared by every session, so the viewer's `Scope` is an
argument of every cached function that reads children's or workers' data; `clear_caches` forgets
them all after a load. Pages reach these through pages.ui.
"""

from __future__ import annotations

import os
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from loaders import samples
from loaders.samples import ensure_sample_data
from loaders.templates import TEMPLATES
from pages.session import demo_mode, may_read_comments, may_read_names
from qa_data import actions, audits, council, db, kpis, practice, programme, scorecard, spc, voice
from qa_data.audits import AuditFilter, DataAsOf, Headline
from qa_data.exports import documents
from qa_data.scope import Scope
from qa_data.voice import VoiceFilter

__all__ = [
    "connection", "sample_data_only", "clear_caches", "template_bytes", "council_neighbours",
    # cleared by clear_caches (_CACHED)
    "data_as_of", "kpi_data_as_of", "headline", "area_summary", "grade_trend", "grade_mix", "domain_summary",
    "filter_options", "audit_list", "kpi_scorecard", "kpi_chart", "kpi_teams", "supervision_trend",
    "team_supervision", "team_audits", "supervision_compliance", "observation_summary", "observation_trend",
    "observation_grade_mix", "actions_latest_snapshot", "action_summary", "action_burn_up", "action_ageing",
    "action_overdue", "action_sources", "audit_actions", "agreed_actions", "plan_delivery", "scope_coverage",
    "feedback_loop", "moderation", "grade_movement", "reaudit_summary", "reaudit_pairs", "voice_respondent_types",
    "voice_by_question", "voice_trend", "voice_by_group", "voice_complaints", "voice_comments", "report_quarters",
]


# --- Connection and cached queries ---------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the database...", on_release=lambda con: con.close())
def _open(path: str, load_samples: bool) -> duckdb.DuckDBPyConnection:
    con = db.connect(path)
    if load_samples:
        ensure_sample_data(con)
    return con


def connection() -> duckdb.DuckDBPyConnection:
    """The app's one connection (qa_data and loaders take a cursor per call: sessions are threads).
    Loads the bundled sample data on first start when QA_INSIGHT_SAMPLE_DATA is 1 (the default in
    demo mode; with sign-in it defaults to 0, so a real database never gets the fictional data)."""
    default = "1" if demo_mode() else "0"
    load = os.environ.get("QA_INSIGHT_SAMPLE_DATA", "").strip() or default
    return _open(str(db.default_db_path()), load != "0")


def sample_data_only() -> bool:
    """Whether the database holds only the bundled sample data (no load by anyone but the sample loader)."""
    return samples.other_loads(connection()) == 0


@st.cache_data(show_spinner=False, max_entries=64)
def data_as_of(scope: Scope) -> DataAsOf:
    return audits.data_as_of(connection(), scope=scope)


@st.cache_data(show_spinner=False, max_entries=256)
def headline(scope: Scope, filters: AuditFilter) -> Headline:
    return audits.headline(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def area_summary(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return audits.area_summary(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def grade_trend(scope: Scope, filters: AuditFilter, grain: str) -> pd.DataFrame:
    return audits.grade_trend(connection(), scope=scope, filters=filters, grain=grain)


@st.cache_data(show_spinner=False, max_entries=256)
def grade_mix(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return audits.grade_mix(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def domain_summary(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return audits.domain_summary(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def filter_options(scope: Scope, filters: AuditFilter) -> dict[str, list[str]]:
    return audits.filter_options(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def audit_list(
    scope: Scope, filters: AuditFilter, period_start: date | None, grain: str, service_area: str | None
) -> pd.DataFrame:
    return audits.audit_list(
        connection(),
        scope=scope,
        filters=filters,
        period_start=period_start,
        grain=grain,
        service_area=service_area,
        show_names=may_read_names(scope, [service_area] if service_area else scope.visible(filters.service_areas)),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def kpi_data_as_of() -> kpis.KpiDataAsOf:
    """The latest KPI month and KPI upload (not child or worker data: the same for every viewer)."""
    return kpis.kpi_data_as_of(connection())


@st.cache_data(show_spinner=False, max_entries=64)
def kpi_scorecard(scope: Scope, month: date, area: str | None) -> pd.DataFrame:
    """Every KPI for `month` and `area` (None: council-wide); see qa_data.scorecard.scorecard."""
    return scorecard.scorecard(connection(), scope=scope, month=month, area=area)


@st.cache_data(show_spinner=False, max_entries=256)
def kpi_chart(
    scope: Scope,
    kpi_code: str,
    direction: spc.Direction,
    until: date,
    area: str | None,
    target: float | None,
    rules: spc.SpcRules | None = None,
) -> spc.XmrChart | None:
    return scorecard.kpi_chart(
        connection(), scope=scope, kpi_code=kpi_code, direction=direction, until=until, area=area,
        target=target, rules=rules,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def kpi_teams(scope: Scope, kpi_code: str, month: date, area: str | None) -> pd.DataFrame:
    """The teams' values for one KPI and month; only `area`'s teams when one area is chosen."""
    if area is not None:
        scope = scope.narrowed([area])
    return scorecard.team_breakdown(connection(), scope=scope, kpi_code=kpi_code, month=month)


@st.cache_data(show_spinner=False)
def council_neighbours(code: str) -> tuple[str, pd.DataFrame]:
    """The configured council's name and a table of it and its statistical neighbours (closest
    first) with their latest ILACS judgements. The reference tables are public: no scope."""
    context = council.council_context(code)
    rows = [
        {
            "Council": c.name,
            "Region": c.region,
            "ILACS overall": c.inspection.overall if c.inspection else None,
            "Published": c.inspection.published if c.inspection else None,
        }
        for c in (context.council, *context.neighbours)
    ]
    return context.council.name, pd.DataFrame(rows)


# --- Practice and improvement (qa_data.practice) -------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def supervision_trend(scope: Scope, filters: AuditFilter, grain: str) -> pd.DataFrame:
    return practice.supervision_trend(connection(), scope=scope, filters=filters, grain=grain)


@st.cache_data(show_spinner=False, max_entries=256)
def team_supervision(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return practice.team_supervision(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def team_audits(scope: Scope, filters: AuditFilter, team: str) -> pd.DataFrame:
    names = may_read_names(scope, scope.visible(filters.service_areas))
    return practice.team_audits(connection(), scope=scope, filters=filters, team=team, show_names=names)


@st.cache_data(show_spinner=False, max_entries=64)
def supervision_compliance(scope: Scope, filters: AuditFilter) -> practice.Compliance:
    return practice.supervision_compliance(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def observation_summary(scope: Scope, filters: AuditFilter, by: str) -> pd.DataFrame:
    return practice.observation_summary(connection(), scope=scope, filters=filters, by=by)


@st.cache_data(show_spinner=False, max_entries=256)
def observation_trend(scope: Scope, filters: AuditFilter, grain: str) -> pd.DataFrame:
    return practice.observation_trend(connection(), scope=scope, filters=filters, grain=grain)


@st.cache_data(show_spinner=False, max_entries=256)
def observation_grade_mix(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return practice.observation_grade_mix(connection(), scope=scope, filters=filters)


# --- Action plans --------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=8)
def actions_latest_snapshot() -> date | None:
    """The latest action tracker snapshot date (not about any child or worker: the same for everyone)."""
    return actions.latest_snapshot(connection())


@st.cache_data(show_spinner=False, max_entries=64)
def action_summary(scope: Scope, as_of: date) -> pd.DataFrame:
    return actions.action_summary(connection(), scope=scope, as_of=as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def action_burn_up(scope: Scope) -> pd.DataFrame:
    return actions.burn_up(connection(), scope=scope)


@st.cache_data(show_spinner=False, max_entries=64)
def action_ageing(scope: Scope, as_of: date) -> pd.DataFrame:
    return actions.ageing(connection(), scope=scope, as_of=as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def action_overdue(scope: Scope, as_of: date, show_names: bool) -> pd.DataFrame:
    names = show_names and may_read_names(scope)
    return actions.overdue_list(connection(), scope=scope, as_of=as_of, show_names=names)


@st.cache_data(show_spinner=False, max_entries=64)
def action_sources(scope: Scope) -> pd.DataFrame:
    return actions.action_sources(connection(), scope=scope)


@st.cache_data(show_spinner=False, max_entries=256)
def agreed_actions(scope: Scope, audit_id: str, show_names: bool) -> pd.DataFrame:
    names = show_names and may_read_names(scope)
    return actions.agreed_actions(connection(), scope=scope, audit_id=audit_id, show_names=names)


@st.cache_data(show_spinner=False, max_entries=256)
def audit_actions(scope: Scope, audit_id: str, show_names: bool) -> pd.DataFrame:
    names = show_names and may_read_names(scope)
    return actions.audit_actions(connection(), scope=scope, audit_id=audit_id, show_names=names)


# --- Audit programme (qa_data.programme) ---------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def plan_delivery(scope: Scope, filters: AuditFilter) -> programme.Delivery:
    return programme.plan_delivery(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def scope_coverage(scope: Scope, filters: AuditFilter) -> programme.Coverage:
    return programme.scope_coverage(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def feedback_loop(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return programme.feedback(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def moderation(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return programme.moderation(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def grade_movement(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return programme.grade_movement(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def reaudit_summary(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return programme.reaudit_summary(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def reaudit_pairs(scope: Scope, filters: AuditFilter) -> pd.DataFrame:
    return programme.reaudit_pairs(connection(), scope=scope, filters=filters)


# --- Voice of children and families (qa_data.voice) ---------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def voice_respondent_types(scope: Scope) -> list[str]:
    return voice.respondent_types(connection(), scope=scope)


@st.cache_data(show_spinner=False, max_entries=256)
def voice_by_question(scope: Scope, filters: VoiceFilter) -> pd.DataFrame:
    return voice.positive_by_question(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def voice_trend(scope: Scope, filters: VoiceFilter, grain: str) -> pd.DataFrame:
    return voice.positive_trend(connection(), scope=scope, filters=filters, grain=grain)


@st.cache_data(show_spinner=False, max_entries=256)
def voice_by_group(scope: Scope, filters: VoiceFilter) -> pd.DataFrame:
    return voice.positive_by_group(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=256)
def voice_complaints(scope: Scope, filters: VoiceFilter) -> pd.DataFrame:
    return voice.complaints_summary(connection(), scope=scope, filters=filters)


@st.cache_data(show_spinner=False, max_entries=64)
def voice_comments(scope: Scope, filters: VoiceFilter, show_comments: bool) -> pd.DataFrame:
    show = show_comments and may_read_comments(scope, scope.visible(filters.service_areas))
    return voice.comments(connection(), scope=scope, filters=filters, show_comments=show)


# --- Reports (qa_data.exports) ------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def report_quarters(scope: Scope, today: date) -> list[date]:
    """The quarters a report can be built for in `scope`; see documents.quarters_with_data."""
    return documents.quarters_with_data(connection(), scope=scope, today=today)


_CACHED = (
    data_as_of,
    kpi_data_as_of,
    headline,
    area_summary,
    grade_trend,
    grade_mix,
    domain_summary,
    filter_options,
    audit_list,
    kpi_scorecard,
    kpi_chart,
    kpi_teams,
    supervision_trend,
    team_supervision,
    team_audits,
    supervision_compliance,
    observation_summary,
    observation_trend,
    observation_grade_mix,
    actions_latest_snapshot,
    action_summary,
    action_burn_up,
    action_ageing,
    action_overdue,
    action_sources,
    audit_actions,
    agreed_actions,
    plan_delivery,
    scope_coverage,
    feedback_loop,
    moderation,
    grade_movement,
    reaudit_summary,
    reaudit_pairs,
    voice_respondent_types,
    voice_by_question,
    voice_trend,
    voice_by_group,
    voice_complaints,
    voice_comments,
    report_quarters,
)


def clear_caches() -> None:
    """Forget every cached query result (after a load changed the data)."""
    for func in _CACHED:
        func.clear()


@st.cache_data(show_spinner=False, ttl="1h")
def template_bytes(kind: str = "audits") -> bytes:
    """The blank upload template for `kind` (loaders.templates.TEMPLATES), the same for everyone;
    kept an hour, as the KPI extract's month columns follow the date."""
    return TEMPLATES[kind][1]()

