"""Administration: users and their roles, the audit trail with its chain check, and backups. Only for
a viewer who may manage users or read the audit trail (qa_data.roles: administrators)."""

import streamlit as st

from pages import admin_parts, ui

ui.ensure_entry_script()
st.title("Administration")
scope = ui.current_scope()
if not (scope.may("manage_users") or scope.may("view_audit_trail")):
    st.error(admin_parts.NO_ACCESS, icon=":material/lock:")
    st.stop()

admin_parts.show_flash()
sections = [
    name
    for name, action in (("Users", "manage_users"), ("Audit trail", "view_audit_trail"), ("Backup", "backup"))
    if scope.may(action)
]
tabs = dict(zip(sections, st.tabs(sections), strict=True))
users = ui.admin_users()

if "Users" in tabs:
    with tabs["Users"]:
        st.caption(f"{len(users):,} user(s). Passwords are stored only as argon2id hashes and never shown.")
        admin_parts.users_table(users)
        left, right = st.columns(2)
        with left:
            admin_parts.add_user_form(scope)
        with right:
            admin_parts.change_user_form(scope, users)
            admin_parts.disable_user_form(scope, users)
            admin_parts.password_form(scope, users)

if "Audit trail" in tabs:
    with tabs["Audit trail"]:
        st.caption(
            "Who signed in, uploaded, exported or changed a user, and when. Each entry is chained to the "
            "one before it by a hash, so an edited or deleted entry shows up when the chain is checked."
        )
        admin_parts.verify_chain()
        admin_parts.trail_entries(users, scope)

if "Backup" in tabs:
    with tabs["Backup"]:
        admin_parts.backup_section(scope)
