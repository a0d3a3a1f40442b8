"""Who may see what: the viewer's service-area scope, passed to every query from day one so that
access control is enforced below the pages."""

from __future__ import annotations

from dataclasses import dataclass

from qa_data.vocab import SERVICE_AREAS


@dataclass(frozen=True)
class Scope:
    """The service areas a viewer may see. An empty scope sees nothing (deny by default)."""

    service_areas: tuple[str, ...]
    user: str = "anonymous"

    @classmethod
    def everything(cls, user: str = "anonymous") -> Scope:
        """All seven service areas (an Assistant Director, or the demo user)."""
        return cls(service_areas=SERVICE_AREAS, user=user)

    def visible(self, requested: tuple[str, ...] | list[str] = ()) -> list[str]:
        """The areas to query: those requested (all when none are) that the scope allows, in the
        framework's order."""
        allowed = set(self.service_areas)
        wanted = set(requested) if requested else allowed
        return [a for a in SERVICE_AREAS if a in allowed and a in wanted]
