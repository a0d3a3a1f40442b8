"""Who is looking: the sign-in mode, the signed-in user and their scope, and what they may read.
Nothing here runs at import time or touches the database; pages reach these through pages.ui.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date

import streamlit as st

from qa_data.roles import User
from qa_data.scope import Scope

__all__ = [
    "DEMO_USER", "USER_KEY", "ConfigError", "auth_mode", "demo_mode", "today", "signed_in_user", "current_scope",
    "may_read_names", "may_read_comments",
]

DEMO_USER = "demo"

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

