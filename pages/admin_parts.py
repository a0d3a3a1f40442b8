"""The Administration page's parts: the users table and forms, the audit trail with its chain check,
and the backup button. Every change goes through pages.ui to qa_data.accounts with `by` = the
viewer's scope, which checks the permission again; refusals are shown in plain words."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from pages import ui
from qa_data import accounts, audit_trail, backup
from qa_data.roles import OWN_AREA_ROLES, ROLES, User
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

PAGE_SIZE = 100
NO_ACCESS = "You do not have access to this page. Ask an administrator if you need it."
_FLASH = "admin_flash"
_PAGE = "admin_trail_page"
_REFUSALS = (accounts.AccountError, accounts.AccessRefused)


# --- Messages that survive the rerun after a change ------------------------------------------------
def show_flash() -> None:
    """Show the outcome of the last change (kept across the rerun that redraws the tables)."""
    if message := st.session_state.pop(_FLASH, None):
        st.success(message, icon=":material/check_circle:")


def _done(message: str) -> None:
    st.session_state[_FLASH] = message
    st.rerun()


def _refused(exc: Exception) -> None:
    text = str(exc)
    st.error(f"Nothing changed: {text[:1].lower() + text[1:]}.", icon=":material/block:")


def _attempt(change: Callable[[], str]) -> None:
    """Run `change` (which returns the success message); show a refusal in words, or the message."""
    try:
        message = change()
    except _REFUSALS as exc:
        _refused(exc)
        return
    _done(message)


def role_words(roles: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ROLES.get(r, r) for r in roles) or "no role"


def _areas_words(areas: tuple[str, ...] | list[str]) -> str:
    return ", ".join(areas) or "no service areas"


def form_problems(roles: list[str], areas: list[str]) -> list[str]:
    """What is missing from a user's roles and areas before asking qa_data (which checks the rest)."""
    problems = [] if roles else ["choose at least one role"]
    if OWN_AREA_ROLES.intersection(roles) and not areas:
        problems.append("a Head of Service or Quality Assurance Lead needs at least one service area")
    return problems


def password_problems(password: str, again: str) -> list[str]:
    if not password:
        return ["type the password twice"]
    return [] if password == again else ["the two passwords do not match"]


def _show_problems(problems: list[str]) -> None:
    st.error("Nothing changed: " + "; ".join(problems) + ".", icon=":material/block:")


# --- Users -------------------------------------------------------------------------------------------
def users_table(users: list[dict[str, Any]]) -> None:
    """Every account: roles in words, never a password hash (list_users holds none)."""
    frame = pd.DataFrame(
        {
            "Username": [u["username"] for u in users],
            "Display name": [u["display_name"] for u in users],
            "Roles": [role_words(u["roles"]) for u in users],
            "Service areas": [", ".join(u["service_areas"]) for u in users],
            "Active": [bool(u["active"]) for u in users],
            "Sign-in": ["password" if u["local_password"] else "single sign-on" for u in users],
            "Locked until": [u["locked_until"] for u in users],
            "Last changed by": [u["updated_by"] for u in users],
            "Last changed": [u["updated_at"] for u in users],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "Locked until": st.column_config.DatetimeColumn(format="DD MMM YYYY HH:mm"),
            "Last changed": st.column_config.DatetimeColumn(format="DD MMM YYYY HH:mm"),
        },
    )


def _role_and_area_inputs(prefix: str, user: User | None = None) -> tuple[list[str], list[str]]:
    roles = st.multiselect(
        "Roles", list(ROLES), default=list(user.roles) if user else [], format_func=ROLES.get, key=f"{prefix}_roles"
    )
    areas = st.multiselect(
        "Service areas (needed for Head of Service and QA Lead)",
        list(SERVICE_AREAS),
        default=list(user.service_areas) if user else [],
        key=f"{prefix}_areas",
    )
    return roles, areas


def add_user_form(scope: Scope) -> None:
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**Add a user**")
        username = st.text_input("Username (e.g. their work email)", key="add_username")
        display_name = st.text_input("Display name", key="add_display_name")
        roles, areas = _role_and_area_inputs("add")
        sso = st.checkbox("Single sign-on only (no local password)", key="add_sso")
        password = st.text_input(
            "Initial password",
            type="password",
            key="add_password",
            help=f"At least {accounts.MIN_LENGTH} characters; not the username or a common one.",
        )
        again = st.text_input("Initial password again", type="password", key="add_password_again")
        if not st.form_submit_button("Add user", key="add_submit"):
            return
    problems = form_problems(roles, areas) + ([] if sso else password_problems(password, again))
    if sso and password:
        problems.append("leave the password empty for a single sign-on account")
    if problems:
        _show_problems(problems)
        return

    def add() -> str:
        user = ui.admin_add_user(scope, username, display_name, roles, areas, None if sso else password)
        how = "single sign-on" if sso else "a password"
        return (
            f"Added {user.username} ({user.display_name}): {role_words(user.roles)}; "
            f"{_areas_words(user.service_areas)}; signs in with {how}."
        )

    _attempt(add)


def _changes(before: User, after: User) -> str:
    said = []
    if before.display_name != after.display_name:
        said.append(f"display name {before.display_name} → {after.display_name}")
    if before.roles != after.roles:
        said.append(f"roles {role_words(before.roles)} → {role_words(after.roles)}")
    if before.service_areas != after.service_areas:
        said.append(f"service areas {_areas_words(before.service_areas)} → {_areas_words(after.service_areas)}")
    if before.active != after.active:
        said.append("enabled" if after.active else "disabled")
    return "; ".join(said)


def _user(row: dict[str, Any]) -> User:
    return User(
        row["username"], row["display_name"], tuple(row["roles"]), tuple(row["service_areas"]), bool(row["active"])
    )


def change_user_form(scope: Scope, users: list[dict[str, Any]]) -> None:
    st.markdown("**Change a user**")
    chosen = st.selectbox("User to change", [u["username"] for u in users], key="change_who")
    if chosen is None:
        return
    before = _user(next(u for u in users if u["username"] == chosen))
    with st.form(f"change_{chosen}"):
        display_name = st.text_input("Display name", value=before.display_name, key=f"change_{chosen}_name")
        roles, areas = _role_and_area_inputs(f"change_{chosen}", before)
        active = st.checkbox("Active (may sign in)", value=before.active, key=f"change_{chosen}_active")
        if not st.form_submit_button("Save changes", key=f"change_{chosen}_submit"):
            return
    if problems := form_problems(roles, areas):
        _show_problems(problems)
        return

    def change() -> str:
        said = _changes(before, ui.admin_change_user(scope, chosen, display_name, roles, areas, active))
        return f"Changed {chosen}: {said}." if said else f"Nothing to change for {chosen}."

    _attempt(change)


def disable_user_form(scope: Scope, users: list[dict[str, Any]]) -> None:
    with st.form("disable_user"):
        st.markdown("**Disable a user** (they can no longer sign in; their history stays)")
        chosen = st.selectbox("User to disable", [u["username"] for u in users if u["active"]], key="disable_who")
        if not st.form_submit_button("Disable user", key="disable_submit") or chosen is None:
            return
    _attempt(lambda: f"Disabled {ui.admin_disable_user(scope, chosen).username}: they can no longer sign in.")


def password_form(scope: Scope, users: list[dict[str, Any]]) -> None:
    with st.form("set_password", clear_on_submit=True):
        st.markdown("**Set a new password**")
        chosen = st.selectbox("User", [u["username"] for u in users], key="password_who")
        password = st.text_input("New password", type="password", key="password_new")
        again = st.text_input("New password again", type="password", key="password_again")
        if not st.form_submit_button("Set password", key="password_submit") or chosen is None:
            return
    if problems := password_problems(password, again):
        _show_problems(problems)
        return

    def change() -> str:
        ui.admin_set_password(scope, chosen, password)
        return f"New password set for {chosen}; any lockout is cleared."

    _attempt(change)


# --- Audit trail -------------------------------------------------------------------------------------
def _summary(detail: str | None) -> str:
    fields = json.loads(detail) if detail else {}
    text = ", ".join(f"{k}: {v}" for k, v in fields.items())
    return text if len(text) <= 120 else text[:119] + "…"


def _first_page() -> None:
    st.session_state[_PAGE] = 0


def trail_entries(users: list[dict[str, Any]], scope: Scope) -> None:
    """The trail newest first, filtered by action and by who, PAGE_SIZE entries a page."""
    left, right = st.columns(2)
    action = left.selectbox(
        "Action", ["All actions", *sorted(audit_trail.ACTIONS)], key="trail_action", on_change=_first_page
    )
    who = right.selectbox(
        "Who", ["Everyone", *(u["username"] for u in users), "anonymous"], key="trail_who", on_change=_first_page
    )
    page = st.session_state.setdefault(_PAGE, 0)
    found = ui.audit_entries(scope, (page + 1) * PAGE_SIZE + 1, None if who == "Everyone" else who,
                             None if action == "All actions" else action)
    shown = found.iloc[page * PAGE_SIZE : (page + 1) * PAGE_SIZE].assign(detail=lambda f: f["detail"].map(_summary))
    if shown.empty:
        st.info("No audit-trail entries match.", icon=":material/search_off:")
    else:
        st.caption(f"Entries {page * PAGE_SIZE + 1:,} to {page * PAGE_SIZE + len(shown):,}, newest first.")
        st.dataframe(shown, hide_index=True, column_config={
            "seq": st.column_config.NumberColumn("Seq", format="%d"),
            "occurred_at": st.column_config.DatetimeColumn("When", format="DD MMM YYYY HH:mm:ss"),
            "actor": "Who", "action": "Action", "target": "Target",
            "rows": st.column_config.NumberColumn("Rows", format="%d"), "detail": "Detail",
        })  # fmt: skip
    newer, older = st.columns(2)
    if newer.button("Newer entries", key="trail_newer", disabled=page == 0):
        st.session_state[_PAGE] = page - 1
        st.rerun()
    if older.button("Older entries", key="trail_older", disabled=len(found) <= (page + 1) * PAGE_SIZE):
        st.session_state[_PAGE] = page + 1
        st.rerun()


def verify_chain() -> None:
    """The 'Verify the chain' button and the head to note outside the database."""
    if st.button("Verify the chain", key="verify_chain"):
        problems, head = ui.verify_audit_trail()
        if problems:
            first = problems[0]
            more = f" ({len(problems) - 1} more problem(s) after it)" if len(problems) > 1 else ""
            st.error(f"Chain broken at entry {first.seq}: {first.message}{more}.", icon=":material/error:")
        elif head is None:
            st.success("Chain intact: the trail is empty.", icon=":material/verified:")
        else:
            st.success(f"Chain intact: {head.seq:,} entries, head hash {head.hash[:12]}…", icon=":material/verified:")
    if (head := ui.audit_head()) is not None:
        st.markdown("**Head of the chain**")
        st.code(f"seq {head.seq}  {head.hash}", language=None)
        st.caption(
            "Record this value outside the database (e.g. with each backup) to detect truncation: "
            "deleting the newest entries leaves a shorter chain that still checks out."
        )


def backup_section(scope: Scope) -> None:
    folder = ui.backup_folder()
    st.caption(f"Writes a checked copy of the database and its checksum into {folder}.")
    name = "<backup file>"
    if st.button("Back up now", key="backup_now"):
        try:
            written, checksum = ui.run_backup(scope)
        except (backup.BackupError, PermissionError) as exc:
            st.error(f"No backup written: {exc}", icon=":material/block:")
        else:
            name = written.name
            st.success(f"Backup written: {name}", icon=":material/check_circle:")
            st.code(f"{checksum}  {name}", language=None)
    st.caption(
        "Restoring replaces the whole database, so it is done at the command line, not here: stop the app, "
        "then run (the database it replaces is kept beside it as .before-restore)"
    )
    st.code(f"python -m qa_data restore {folder / name} --db {ui.database_file()}", language=None)
