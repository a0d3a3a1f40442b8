"""What the upload and Administration pages read and change: the upload history, user accounts, the
audit trail and backups. Not cached: loads, users and the trail change under the viewer. Pages
reach these through pages.ui.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pages.cached import connection
from qa_data import accounts as user_accounts
from qa_data import audit_trail as trail
from qa_data import backup as backups
from qa_data import db, loads
from qa_data.roles import User
from qa_data.scope import Scope

__all__ = [
    "load_history", "admin_users", "admin_add_user", "admin_change_user", "admin_disable_user",
    "admin_set_password", "audit_entries", "verify_audit_trail", "audit_head", "database_file", "backup_folder",
    "run_backup",
]


def load_history() -> pd.DataFrame:
    """Every upload, newest first (not cached: it is what a QAL checks right after a load)."""
    return loads.load_history(connection())


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
