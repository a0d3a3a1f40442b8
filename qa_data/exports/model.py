"""The format-free shape of a generated document. Content builders produce a `Report`; each renderer
(Excel, PDF, Word) lays the same Report out in its own format, so the three never disagree.

Values in tables are plain Python values (str, int, float, date, None). A suppressed value is the
string `SUPPRESSED` ("c"), already applied by the content builder (see `suppression`); renderers
never suppress or compute, they only lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

SUPPRESSED = "c"
Value = str | int | float | date | None


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["body", "note", "commentary", "heading"] = "body"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Literal["text", "count", "percent", "number", "date", "rag"] = "text"
    # percent: values are 0-100 (one decimal shown); rag: values are Green / Amber / Red / "" (coloured)


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    title: str = ""
    note: str = ""  # shown under the table (e.g. "c = 1 to 5, suppressed")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None = no value (gap)
    colour: str | None = None  # "#rrggbb"


@dataclass(frozen=True)
class Chart:
    title: str
    kind: Literal["bar", "stacked_bar", "line"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    y_title: str = ""
    percent: bool = False  # values are 0-100


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    sheet_name: str | None = None  # Excel: a section with a sheet name starts a new sheet (<= 31 chars)


@dataclass(frozen=True)
class Report:
    title: str
    period_label: str  # e.g. "Quarter 3 2025-26 (Oct-Dec 2025)"
    data_as_of: str  # e.g. "Audits to 31 Oct 2026; KPIs to Oct 2026"
    filters: str  # the filters used, in words, e.g. "All service areas"
    marking: str  # e.g. "OFFICIAL" or "OFFICIAL-SENSITIVE: restricted, not for publication"
    sections: tuple[Section, ...]
    generated: date = field(default_factory=date.today)
