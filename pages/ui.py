"""The one module that holds the cached DuckDB connection and the cached wrappers around the
qa_data queries, plus who is looking. Nothing here runs at import time. Cached values are shared by
every session, so the viewer's `Scope` is an argument of every cached function.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from loaders import reflection, samples
from loaders.report import LoadReport
from loaders.samples import ensure_sample_data
from loaders.templates import TEMPLATES
from qa_data import accounts as user_accounts
from qa_data import actions, audits, commentary, council, db, kpis, loads, practice, programme, scorecard, spc, voice
from qa_data import audit_trail as trail
from qa_data import backup as backups
from qa_data.audits import AuditFilter, DataAsOf, Headline
from qa_data.exports import documents
from qa_data.exports.model import Report
from qa_data.reflection import ReflectionSheet
from qa_data.roles import User
from qa_data.scope import Scope
from qa_data.voice import VoiceFilter

DEMO_USER = "demo"


def ensure_entry_script() -> None:
    """Make sure app.py (page config, filters, navigation) runs before this page, then draw it.

    A folder named `pages/` beside the entry script (this project's fixed layout) makes Streamlit
    run the first session after a start, and every AppTest run, in its legacy multipage mode: a
    deep link runs the page file alone, without app.py, and every module in pages/ is listed as a
    page. Streamlit leaves that mode for good once st.navigation is called; here the page calls
    app.main() itself (which calls st.navigation and runs this page again, normally) and stops.
    No rerun, so a click that started this run is not lost. Written against streamlit 1.67
    (PagesManager.uses_pages_directory); tests/test_pages.py and the browser test cover it."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        import app  # the entry script as a module: defines main() and runs nothing on import

        app.main()
        st.stop()


# --- Who is looking ------------------------------------------------------------------------------
USER_KEY = "qa_user"  # session state: the signed-in qa_data.roles.User (pages.auth sets it; never a password)


class ConfigError(ValueError):
    """A sign-in setting that cannot be used (pages.auth shows it instead of the app)."""


def auth_mode() -> str:
    """QA_INSIGHT_AUTH: demo (the default), local or oidc; see pages.auth. Raises ConfigError
    for anything else."""
    mode = os.environ.get("QA_INSIGHT_AUTH", "").strip().lower()
    if not mode:  # QA_INSIGHT_DEMO=0, the setting before sign-in existed, turns the demo off: sign in locally
        mode = "local" if os.environ.get("QA_INSIGHT_DEMO", "1") == "0" else "demo"
    if mode not in ("demo", "local", "oidc"):
        raise ConfigError(f"QA_INSIGHT_AUTH must be demo, local or oidc, not {mode!r}")
    return mode


def demo_mode() -> bool:
    """Whether the app runs as the bannered demo user (QA_INSIGHT_AUTH=demo, the default)."""
    return auth_mode() == "demo"


def today() -> date:
    """The date the app takes as today (one place, so that tests can fix it)."""
    return date.today()


def signed_in_user() -> User | None:
    """The user signed in to this session, or None (demo mode, or nobody yet)."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def current_scope() -> Scope:
    """The viewer's scope: the demo user sees every service area; a signed-in user what their roles
    allow (Scope.for_user); anyone else nothing."""
    if demo_mode():
        return Scope.everything(user=DEMO_USER)
    user = signed_in_user()
    return Scope.for_user(user) if user is not None else Scope((), user="anonymous", grants=())


def may_read_names(scope: Scope, areas: Iterable[str] | None = None) -> bool:
    """Whether worker, auditor and owner names may be shown for rows in `areas` (default: all the
    scope's areas): only when the viewer may read names in every one of them."""
    wanted = list(scope.visible() if areas is None else areas)
    return bool(wanted) and all(scope.may("read_worker_names", a) for a in wanted)


def may_read_comments(scope: Scope, areas: Iterable[str] | None = None) -> bool:
    """Whether free text (comments, strengths, reflections) may be shown for rows in `areas`
    (default: all the scope's areas): only when the viewer may read it in every one of them."""
    wanted = list(scope.visible() if areas is None else areas)
    return bool(wanted) and all(scope.may("read_comments", a) for a in wanted)


def sample_data_only() -> bool:
    """Whether the database holds only the bundled sample data (no load by anyone but the sample loader)."""
    return samples.other_loads(connection()) == 0


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


def load_history() -> pd.DataFrame:
    """Every upload, newest first (not cached: it is what a QAL checks right after a load)."""
    return loads.load_history(connection())


@st.cache_data(show_spinner=False, ttl="1h")
def template_bytes(kind: str = "audits") -> bytes:
    """The blank upload template for `kind` (loaders.templates.TEMPLATES), the same for everyone;
    kept an hour, as the KPI extract's month columns follow the date."""
    return TEMPLATES[kind][1]()


# --- Reflection sheets (loaders.reflection; not cached: saving writes) ------------------------------
def save_reflection(sheet: ReflectionSheet, scope: Scope) -> LoadReport:
    """Check and save one reflection sheet as `scope`'s user; see loaders.reflection.save_reflection."""
    return reflection.save_reflection(connection(), sheet, scope=scope, loaded_by=scope.user)


def reflection_problems(report: LoadReport) -> list[str]:
    """The report's issues as sentences located on the form."""
    return reflection.problems(report)


def reflection_download(sheet: ReflectionSheet) -> tuple[str, bytes]:
    """The filled reflection sheet to share with the worker: (file name, .xlsx bytes)."""
    return reflection.file_name(sheet), reflection.reflection_xlsx(sheet)


# --- Reports and their commentary (not cached: a document depends on the viewer and on commentary) --
def report_commentary(scope: Scope, report: str, quarter: date) -> dict[tuple[str, str], commentary.Comment]:
    """The commentary saved for `report` and `quarter` that `scope` may see, by (service area, field)."""
    return commentary.get_commentary(connection(), scope=scope, report=report, quarter=quarter)


def save_commentary(scope: Scope, report: str, quarter: date, service_area: str, field: str, text: str) -> None:
    """Save one commentary field as `scope`'s user (blank removes it); raises commentary.CommentaryRefused
    outside the scope and ValueError for text that is too long."""
    commentary.set_commentary(connection(), scope=scope, report=report, quarter=quarter,
                              service_area=service_area, field=field, text=text)



def gather_report(report: str, scope: Scope, quarter: date) -> Report:
    """Step one of a build: the document's figures (raises figures.NoDataError for an empty quarter)."""
    return documents.gather(connection(), report, scope=scope, quarter=quarter)


def render_report(document: Report, suffix: str, *, report: str, quarter: date, scope: Scope) -> bytes:
    """Step two of a build: the document laid out as .xlsx, .pdf or .docx, and its `export` entry in
    the audit trail (the built document is the export: the browser downloads this copy). `report`,
    `quarter` and `scope` are what `gather_report` was given."""
    data = documents.render(document, suffix)
    documents.record_export(connection(), scope=scope, report=report, quarter=quarter, fmt=suffix,
                            size_bytes=len(data))
    return data


# --- Administration (qa_data.accounts, audit_trail, backup; not cached: users and the trail change) --
def admin_users() -> list[dict[str, Any]]:
    """Every account for the administrator (user_accounts.list_users: no hashes)."""
    return user_accounts.list_users(connection())


def admin_add_user(by: Scope, username: str, display_name: str, roles: list[str], areas: list[str],
                   password: str | None) -> User:
    """Add a user as `by`; raises user_accounts.AccessRefused, PasswordRefused or AccountError."""
    return user_accounts.add_user(connection(), by=by, username=username, display_name=display_name, roles=roles,
                             service_areas=areas, password=password)


def admin_change_user(by: Scope, username: str, display_name: str, roles: list[str], areas: list[str],
                      active: bool) -> User:
    """Change a user as `by` (user_change, or user_disable when `active` turns off); see user_accounts.change_user."""
    return user_accounts.change_user(connection(), by=by, username=username, display_name=display_name, roles=roles,
                                service_areas=areas, active=active)


def admin_disable_user(by: Scope, username: str) -> User:
    """Disable a user as `by`; raises AccountError for the last active administrator (accounts.disable_user)."""
    return user_accounts.disable_user(connection(), by=by, username=username)


def admin_set_password(by: Scope, username: str, password: str) -> None:
    """Set a user's local password as `by`; see user_accounts.set_password."""
    user_accounts.set_password(connection(), by=by, username=username, password=password)


def audit_entries(by: Scope, limit: int, actor: str | None, action: str | None) -> pd.DataFrame:
    """The newest `limit` audit-trail entries by `actor` and of `action` (None: any), newest first,
    read as `by` (who must hold view_audit_trail: trail.TrailRefused otherwise)."""
    return trail.entries(connection(), by=by, limit=limit, actor=actor, action=action)


def verify_audit_trail() -> tuple[list[trail.Problem], trail.Entry | None]:
    """The trail's problems (first broken link first; [] when intact) and its head (seq, hash)."""
    con = connection()
    return trail.verify(con), trail.head(con)


def audit_head() -> trail.Entry | None:
    """The newest audit-trail entry's (seq, hash), to note outside the database."""
    return trail.head(connection())


def database_file() -> Path:
    """The database file the app has open (named in the restore command the page shows)."""
    return db.default_db_path().resolve()


def backup_folder() -> Path:
    """Where the page writes backups: `backups/` in the data folder."""
    return db.data_dir(db.default_db_path()) / "backups"


def run_backup(by: Scope) -> tuple[Path, str]:
    """Back the database up into backup_folder() as `by` (who must hold `backup`); qa_data.backup
    records the `backup` entry in the audit trail. Returns the file and its sha256 (as written in its
    .sha256 file). Raises backups.BackupRefused (a PermissionError), backups.BackupError."""
    written = backups.backup_as(by, db.default_db_path(), backup_folder())
    checksum = Path(f"{written}.sha256").read_text(encoding="utf-8").split()[0]
    return written, checksum
