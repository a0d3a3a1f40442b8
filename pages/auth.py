"""Sign-in: who is looking, before any page draws. app.py calls `gate()` before st.navigation.

Three modes, set by QA_INSIGHT_AUTH (read on every run):

- `demo` (the default): no sign-in; a clearly bannered demo user sees every service area. Allowed
  only while the database holds nothing but the sample data: if any load was made by someone other
  than the sample loader when a session starts, the session gets a page telling the operator to
  configure sign-in instead (loaders.samples.other_loads).
- `local`: accounts in the `users` table, username and password (qa_data.accounts.authenticate).
- `oidc`: Streamlit's st.login() against the provider in .streamlit/secrets.toml [auth]; the e-mail
  the provider vouches for must be an active user's username.

The session holds the signed-in `User` (never the password) and when it was last active; a session
idle longer than QA_INSIGHT_IDLE_MINUTES (default 30) is signed out. The user is read again on every
run, so a disabled account or changed roles take effect at the next click. Pages read the viewer only
through `pages.ui.current_scope()`; each gated page also calls `require(...)` first (a deep link to
a page not in the viewer's navigation stops there).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta

import duckdb
import streamlit as st

from pages import ui
from pages.ui import ConfigError
from qa_data import accounts
from qa_data.roles import ROLES, User
from qa_data.scope import Scope

MODES = ("demo", "local", "oidc")
DEFAULT_IDLE_MINUTES = 30
_SEEN_KEY = "qa_last_seen"
_NOTICE_KEY = "qa_sign_in_notice"
_DEMO_KEY = "qa_demo_sample_only"
NO_ACCESS = "You do not have access to this page."
CREATE_ADMIN = 'python -m qa_data users create-admin USERNAME --name "Your name"'


def now() -> datetime:
    """The time sign-in and idle expiry use (one place, so that tests can fix the clock)."""
    return datetime.now()


def idle_limit() -> timedelta:
    """QA_INSIGHT_IDLE_MINUTES (default 30): how long a session may stay idle before it is signed out."""
    raw = os.environ.get("QA_INSIGHT_IDLE_MINUTES", "").strip() or str(DEFAULT_IDLE_MINUTES)
    try:
        minutes = int(raw)
    except ValueError:
        raise ConfigError(f"QA_INSIGHT_IDLE_MINUTES must be a whole number of minutes, not {raw!r}") from None
    if minutes < 1:
        raise ConfigError("QA_INSIGHT_IDLE_MINUTES must be at least 1")
    return timedelta(minutes=minutes)


def sso_email() -> str | None:
    """The e-mail the identity provider vouches for in this browser (st.user), or None when nobody
    has signed in with it. The one place that reads st.user, so that tests can stand in for it."""
    info = st.user  # without an [auth] section in secrets.toml it holds nothing, not even is_logged_in
    if not info.get("is_logged_in"):
        return None
    email = info.get("email")
    return str(email) if email else None


def user_for_email(con: duckdb.DuckDBPyConnection, email: str) -> User | None:
    """The active user whose username is `email` (single sign-on accounts are named by e-mail), else None."""
    user = accounts.get_user(con, email)
    return user if user is not None and user.active else None


def roles_label(user: User) -> str:
    """The user's roles as people say them ("Head of Service, Administrator"), or "no role"."""
    return ", ".join(ROLES.get(r, r) for r in user.roles) or "no role"


# --- The gate --------------------------------------------------------------------------------------
def gate() -> Scope | None:
    """Who is looking. Returns their scope (demo: every area), or draws the one page they may see
    instead (the sign-in form, the demo refusal, "no access") and returns None: the caller stops."""
    try:
        mode = ui.auth_mode()
        limit = idle_limit()
    except ConfigError as problem:
        message = str(problem)
        _only_page(lambda: _config_problem(message), "Configuration problem")
        return None
    if mode == "demo":
        if not _demo_allowed():
            _only_page(_demo_refused, "Sign-in needed")
            return None
        return ui.current_scope()
    user = _current_user(mode, limit)
    if user is None:
        _only_page(_oidc_page if mode == "oidc" else _local_page, "Sign in")
        return None
    return ui.current_scope()


def _only_page(draw: Callable[[], None], title: str) -> None:
    st.navigation([st.Page(draw, title=title, url_path="sign-in")], position="hidden").run()


def _demo_allowed() -> bool:
    """Checked once per session: a demo session's own uploads do not end it, the next session is refused."""
    if _DEMO_KEY not in st.session_state:
        st.session_state[_DEMO_KEY] = ui.sample_data_only()
    return bool(st.session_state[_DEMO_KEY])


def _current_user(mode: str, limit: timedelta) -> User | None:
    con = ui.connection()
    user = ui.signed_in_user()
    when = now()
    if user is not None:
        last = st.session_state.get(_SEEN_KEY, when)
        if when - last > limit:
            minutes = int(limit.total_seconds() // 60)
            sign_out(user, reason="session_expired",
                     notice=f"You were signed out after {minutes} minutes without activity. Sign in again.")
            return None
        fresh = accounts.get_user(con, user.username)
        if fresh is None or not fresh.active:
            sign_out(user, reason="signed out", notice="Your account is no longer active; ask an administrator.")
            return None
        user = fresh
    elif mode == "oidc" and (email := sso_email()) is not None:
        user = user_for_email(con, email)
        if user is None:
            return None  # the page says who they are and that they have no access
        accounts.record_sign_in(con, user=user, method="single sign-on", now=when)
    if user is not None:
        st.session_state[ui.USER_KEY] = user
        st.session_state[_SEEN_KEY] = when
    return user


def _start_session(user: User) -> None:
    st.session_state[ui.USER_KEY] = user
    st.session_state[_SEEN_KEY] = now()
    st.session_state.pop(_NOTICE_KEY, None)


def sign_out(user: User, *, reason: str = "signed out", notice: str | None = None) -> None:
    """End the session's sign-in and record it (reason "session_expired" for an idle timeout)."""
    accounts.record_sign_out(ui.connection(), username=user.username, reason=reason, now=now())
    st.session_state.pop(ui.USER_KEY, None)
    st.session_state.pop(_SEEN_KEY, None)
    if notice:
        st.session_state[_NOTICE_KEY] = notice
    if ui.auth_mode() == "oidc" and sso_email() is not None:
        st.logout()  # else the provider's cookie would sign them straight back in


# --- Pages shown instead of the app --------------------------------------------------------------
def _header() -> None:
    st.title("QA Insight")
    if notice := st.session_state.get(_NOTICE_KEY):
        st.info(notice, icon=":material/logout:")


def _local_page() -> None:
    _header()
    con = ui.connection()
    if not accounts.has_any_admin(con):
        st.warning(
            "No administrator account exists yet. On the server, create the first one with\n\n"
            f"`{CREATE_ADMIN}`\n\nthen sign in as them and add everyone else.",
            icon=":material/admin_panel_settings:",
        )
    with st.form("qa_sign_in", clear_on_submit=True):  # clears the password box once submitted
        username = st.text_input("Username", key="qa_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="qa_password", max_chars=accounts.MAX_LENGTH,
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    user = accounts.authenticate(con, username, password, now())
    if user is not None:
        _start_session(user)
        st.rerun()
    st.session_state.pop(_NOTICE_KEY, None)
    st.error(_failure(con, username), icon=":material/lock:")


def _failure(con: duckdb.DuckDBPyConnection, username: str) -> str:
    name = accounts.normalise_username(username)
    locked = next((u["locked_until"] for u in accounts.list_users(con) if u["username"] == name), None)
    if locked is not None and locked > now():
        return (f"This account is locked after {accounts.MAX_FAILURES} failed sign-ins in a row. Try again after "
                f"{locked:%H:%M}, or ask an administrator.")
    return "Wrong username or password."


def _oidc_page() -> None:
    _header()
    email = sso_email()
    if email is None:
        st.write("Sign in with your council account.")
        if st.button("Sign in", type="primary", icon=":material/login:"):
            st.login()
        return
    st.error(f"You are signed in as {email} but have no access; ask an administrator.", icon=":material/block:")
    if st.button("Sign out", icon=":material/logout:"):
        st.logout()


def _demo_refused() -> None:
    st.title("QA Insight")
    st.error(
        "This database holds data other than the bundled sample, so the demo mode (no sign-in) is "
        "refused: anyone who opened the app would see it.",
        icon=":material/lock:",
    )
    st.markdown(
        "To the operator: configure sign-in and restart the app, with `QA_INSIGHT_AUTH=local` (accounts "
        f"in the database; create the first administrator with `{CREATE_ADMIN}`) or `QA_INSIGHT_AUTH=oidc` "
        "(single sign-on; see the README's Sign-in section). To keep a demo, point `QA_INSIGHT_DB` at a "
        "database holding only the sample data."
    )


def _config_problem(problem: str) -> None:
    st.title("QA Insight")
    st.error(f"The app is not configured correctly: {problem}.", icon=":material/settings:")


def no_data(scope: Scope) -> None:
    """The only page for a signed-in user who may see nothing (no role, or none that shows a page)."""

    def draw() -> None:
        st.title("QA Insight")
        st.info(f"You are signed in as {scope.user}, but your account has no role that shows any data or "
                "page. Ask an administrator to give you one.", icon=":material/block:")

    sidebar()
    _only_page(draw, "No access")


# --- On every page ---------------------------------------------------------------------------------
def sidebar() -> None:
    """Who is signed in and the sign-out button (or the demo banner)."""
    if ui.auth_mode() == "demo":
        st.sidebar.caption(":material/info: Demo mode: sample data, all service areas")
        return
    user = ui.signed_in_user()
    if user is None:
        return
    st.sidebar.caption(f"Signed in as {user.display_name} ({roles_label(user)})")
    if st.sidebar.button("Sign out", icon=":material/logout:", key="qa_sign_out"):
        sign_out(user, notice="You have signed out.")
        st.rerun()


def require(*actions: str) -> Scope:
    """A gated page's first check: the viewer's scope when it may do one of `actions` (in at least one
    area), else "You do not have access to this page" and the run stops."""
    scope = ui.current_scope()
    if not any(scope.may(a) for a in actions):
        st.error(NO_ACCESS, icon=":material/block:")
        st.stop()
    return scope
