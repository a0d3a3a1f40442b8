"""The hostile corpus's case model: a `Case` (a named file builder and the outcome the loaders must
give it), its `Expected` outcome, and the `case` / `file_level` registrars each family module uses to
list its cases in order. Used by tests/hostile/corpus.py and its family modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Location = tuple[str, str | None, int | None, str | None]  # code, sheet, row, column letter


@dataclass(frozen=True)
class Expected:
    outcome: str  # "rejected" or "accepted"
    issues: tuple[Location, ...] = ()  # every issue, errors and warnings, in report order
    rows: int = 0  # rows stored when accepted
    stored: tuple[tuple[str, str, Any], ...] = ()  # (audit_id, audits column, value) when accepted

    def describe(self) -> str:
        def where(sheet: str | None, row: int | None, col: str | None) -> str:
            if row or col:
                return f" at {sheet + '!' if sheet else ''}{col or ''}{row or ''}"
            return f" (sheet {sheet})" if sheet else ""

        codes = ", ".join(f"`{c}`{where(s, row, col)}" for c, s, row, col in self.issues)
        if self.outcome == "rejected":
            return f"rejected: {codes}"
        return f"accepted, {self.rows} row(s)" + (f"; warnings {codes}" if codes else "")


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    about: str
    build: Callable[[], bytes]
    expected: Expected
    file_name: str = "return.xlsx"
    file_level: bool = False  # refused before parsing: the same outcome for every loader kind
    env: dict[str, str] = field(default_factory=dict)


def rejected(*issues: Location) -> Expected:
    return Expected("rejected", tuple(issues))


def accepted(rows: int, *issues: Location, stored: tuple[tuple[str, str, Any], ...] = ()) -> Expected:
    return Expected("accepted", tuple(issues), rows, stored)


def registrars(into: list[Case]) -> tuple[Callable[..., None], Callable[..., None]]:
    """`case` and `file_level` functions that append to `into`, in the order they are called."""

    def case(name: str, group: str, about: str, build: Callable[[], bytes], expected: Expected, **kw: Any) -> None:
        into.append(Case(name, group, about, build, expected, **kw))

    def file_level(name: str, group: str, about: str, build: Callable[[], bytes], code: str,
                   file_name: str = "return.xlsx") -> None:
        case(name, group, about, build, rejected((code, None, None, None)), file_name=file_name, file_level=True)

    return case, file_level
