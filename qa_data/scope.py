"""Who may see what: the viewer's service-area scope, passed to every query from day one so that
access control is enforced below the pages.

Two ways to build a Scope:

- `Scope.for_user(user)` (a signed-in account): the areas and actions come from the user's roles
  (qa_data.roles.PERMISSIONS). Areas: all for ad and analyst, their own for hos and qal, none
  otherwise; a user with no role, or disabled, sees nothing and may do nothing.
- The plain constructor `Scope(areas, user=...)` and `Scope.everything()` (the demo user, tests and
  the scheduled export command): today's behaviour, kept for those paths. Such a scope may do every
  data action (qa_data.roles.AREA_ACTIONS) in its areas, and none of the account actions
  (manage_users, view_audit_trail, backup). Signed-in pages must use `for_user`.

`Scope.operator()` is the person at the server's command line (who holds the database file anyway):
account actions only, no data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qa_data import roles
from qa_data.vocab import SERVICE_AREAS

Grants = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Scope:
    """The service areas a viewer may see. An empty scope sees nothing (deny by default).

    `grants` (action, areas) pairs, sorted, is set by `for_user` and `operator`; None means a scope
    built directly (see the module docstring)."""

    service_areas: tuple[str, ...]
    user: str = "anonymous"
    grants: Grants | None = None

    @classmethod
    def everything(cls, user: str = "anonymous") -> Scope:
        """All seven service areas (an Assistant Director, or the demo user)."""
        return cls(service_areas=SERVICE_AREAS, user=user)

    @classmethod
    def for_user(cls, user: roles.User) -> Scope:
        """The scope of a signed-in account: the areas it may view, and what it may do where."""
        held = roles.grants(user)
        return cls(service_areas=held.get("view", ()), user=user.username, grants=tuple(sorted(held.items())))

    @classmethod
    def operator(cls, user: str) -> Scope:
        """The command line's operator: may manage users, read the audit trail and back up; no data."""
        held = tuple(sorted((action, ()) for action in roles.PERMISSIONS["admin"]))
        return cls(service_areas=(), user=user, grants=held)

    def visible(self, requested: tuple[str, ...] | list[str] = ()) -> list[str]:
        """The areas to query: those requested (all when none are) that the scope allows, in the
        framework's order."""
        allowed = set(self.service_areas)
        wanted = set(requested) if requested else allowed
        return [a for a in SERVICE_AREAS if a in allowed and a in wanted]

    def areas_for(self, action: str) -> tuple[str, ...]:
        """The areas in which this scope may do the area action `action` (empty when it may not)."""
        if action not in roles.AREA_ACTIONS:
            return ()
        if self.grants is None:
            return tuple(self.visible())
        return dict(self.grants).get(action, ())

    def may(self, action: str, area: str | None = None) -> bool:
        """Whether this scope may do `action` (in `area`, for area actions; with no area given, in at
        least one area). Anything not granted is denied."""
        if action in roles.AREA_ACTIONS:
            areas = self.areas_for(action)
            return area in areas if area is not None else bool(areas)
        return self.grants is not None and action in dict(self.grants)

    def narrowed(self, areas: Iterable[str]) -> Scope:
        """This scope limited to `areas` (e.g. a page's area filter), keeping what it may do there.
        Use it instead of building a new Scope, which would drop the account's grants."""
        keep = set(areas)
        grants = None
        if self.grants is not None:
            grants = tuple((action, tuple(a for a in covered if a in keep)) for action, covered in self.grants)
            grants = tuple((a, c) for a, c in grants if c or a not in roles.AREA_ACTIONS)
        return Scope(tuple(a for a in self.service_areas if a in keep), user=self.user, grants=grants)
