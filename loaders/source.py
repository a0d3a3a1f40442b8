"""A file to load (`Source`) and what reading one sheet of it gives (`RawTable`), with the caps
every reading step shares. Split from `loaders.workbook`, which still exports these names."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from loaders.report import ERROR, LoadReport, column_letter

HEADER_SEARCH_ROWS = 30


def max_rows() -> int:
    """Row cap per file (``QA_INSIGHT_MAX_ROWS``, default 200,000)."""
    return int(os.environ.get("QA_INSIGHT_MAX_ROWS", "200000"))


@dataclass(frozen=True)
class Source:
    """A file to load: its name as the user knows it and its bytes."""

    name: str
    data: bytes
    # What `inspect_file` learned while inflating every part: the parts (by zip name) holding
    # formulas, error cells or merged cells. `find_table` re-reads a sheet's XML only when its part
    # is listed (or when the file was not inspected).
    inspected: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        p = Path(path)
        return cls(name=p.name, data=p.read_bytes())

    @property
    def is_csv(self) -> bool:
        return self.name.lower().endswith((".csv", ".txt"))


@dataclass(frozen=True)
class RawTable:
    """The data block of one sheet: text cells in columns `c<N>` (N = 0-based sheet column)
    and `_row` (Excel's row number). `headers` maps N to the header text as the file spells it."""

    sheet: str | None
    header_row: int
    headers: dict[int, str]
    table: pa.Table
    date1904: bool = False

    def letter(self, index: int) -> str:
        return column_letter(index)


Score = Callable[[list[str]], int]


def has_errors(report: LoadReport) -> bool:
    return any(i.severity == ERROR for i in report.issues)
