"""Roles and what each may do: one PERMISSIONS table, deny by default.

A user holds a set of roles (an Assistant Director who also administers accounts holds both `ad` and
`admin`). Each role grants actions over a set of service areas: all seven for `ad` and `analyst`,
the user's own areas for `hos` and `qal`, none for `admin` (administrators manage accounts and read
the audit trail but see no data unless also given a data role). Anything not in PERMISSIONS is denied;
a user with no role, or a disabled user, may do nothing and sees no data.

Who reads worker names and free-text comments (strengths, areas for development, the worker's
reflection: text that can name workers and describe a family), on a need-to-know basis:

- `hos` and `qal`, for their own areas: they feed audit findings back to workers and their managers
  (framework section 7), so they need both.
- `ad`: free-text comments for every area (the learning behind the grades, which an Assistant
  Director chairs at the Q&PC), but not worker names: individual practice is managed by the Head of
  Service, and the AD's view is the service, not the person.
- `analyst`: neither. Analysts build the published and restricted reports from counts and grades;
  the exports carry no worker names or free text.
- `admin`: neither (no data at all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qa_data.vocab import SERVICE_AREAS

ROLES: dict[str, str] = {
    "ad": "Assistant Director",
    "hos": "Head of Service",
    "qal": "Quality Assurance Lead",
    "analyst": "Performance analyst",
    "admin": "Administrator",
}

ACTIONS: dict[str, str] = {
    "view": "see dashboards and tables for the areas in scope",
    "upload": "upload monthly returns (audits, KPIs, surveys, actions, plans)",
    "save_reflection": "save an audit's reflection sheet",
    "write_commentary": "write the commentary printed in the reports",
    "export_published": "build the Cabinet key data summary (published, suppressed)",
    "export_restricted": "build the Q&PC pack and the ILACS self-evaluation evidence",
    "read_worker_names": "see the worker and auditor of an activity",
    "read_comments": "read free-text comments and reflections",
    "manage_users": "add, change and disable users",
    "view_audit_trail": "read the audit trail",
    "backup": "back up and restore the database",
}

# Actions that act on data in service areas; the others (account administration) have no area.
AREA_ACTIONS = frozenset({"view", "upload", "save_reflection", "write_commentary", "export_published",
                          "export_restricted", "read_worker_names", "read_comments"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "ad": frozenset({"view", "write_commentary", "export_published", "export_restricted", "read_comments"}),
    "hos": frozenset({"view", "save_reflection", "write_commentary", "read_worker_names", "read_comments"}),
    "qal": frozenset({"view", "upload", "save_reflection", "read_worker_names", "read_comments"}),
    "analyst": frozenset({"view", "write_commentary", "export_published", "export_restricted"}),
    "admin": frozenset({"manage_users", "view_audit_trail", "backup"}),
}

ALL_AREA_ROLES = frozenset({"ad", "analyst"})
OWN_AREA_ROLES = frozenset({"hos", "qal"})


@dataclass(frozen=True)
class User:
    """Who is signed in and what they hold: `roles` (keys of ROLES) and their own `service_areas`
    (meaningful for hos and qal). Passwords never travel with it."""

    username: str
    display_name: str
    roles: tuple[str, ...] = ()
    service_areas: tuple[str, ...] = ()
    active: bool = True


def role_areas(role: str, own_areas: Iterable[str]) -> tuple[str, ...]:
    """The service areas a role's actions cover, in the framework's order: all for ad and analyst,
    the user's own (known) areas for hos and qal, none otherwise (admin, unknown roles)."""
    if role in ALL_AREA_ROLES:
        return SERVICE_AREAS
    if role in OWN_AREA_ROLES:
        own = set(own_areas)
        return tuple(a for a in SERVICE_AREAS if a in own)
    return ()


def grants(user: User) -> dict[str, tuple[str, ...]]:
    """action -> the service areas the user may do it in (area actions), or () for the account
    actions they hold. Only actions the user holds appear; a disabled user holds none."""
    if not user.active:
        return {}
    areas: dict[str, set[str]] = {}
    for role in user.roles:
        for action in PERMISSIONS.get(role, frozenset()):
            covered = areas.setdefault(action, set())
            if action in AREA_ACTIONS:
                covered.update(role_areas(role, user.service_areas))
    return {
        action: tuple(a for a in SERVICE_AREAS if a in covered)
        for action, covered in sorted(areas.items())
        if action not in AREA_ACTIONS or covered  # an area action over no area is no action
    }


def allowed(user: User, action: str, area: str | None = None) -> bool:
    """Whether `user` may do `action` (in `area`, for area actions; with no area: in at least one).
    Unknown actions and roles are denied. Raises nothing."""
    held = grants(user)
    if action not in held:
        return False
    if action in AREA_ACTIONS and area is not None:
        return area in held[action]
    return True
