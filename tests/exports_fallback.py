"""Until the renderers' branch lands `qa_data.exports.suppression`, the export tests install this
stand-in with the same interface (primary suppression of 1-5 and line-by-line secondary suppression).
It is used only when the real module is missing; product code always imports the real one."""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Sequence

import qa_data.exports

SUPPRESSED = "c"


def _suppress_counts(
    rows: Sequence[Sequence[int | None]], *, row_totals: bool, col_totals: bool
) -> list[list[int | str | None]]:
    hidden = {(r, c) for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None and 1 <= v <= 5}
    lines = []
    if row_totals:
        lines += [[(r, c) for c in range(len(row)) if row[c] is not None] for r, row in enumerate(rows)]
    if col_totals and rows:
        lines += [[(r, c) for r in range(len(rows)) if rows[r][c] is not None] for c in range(len(rows[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) == 1:
                visible = [cell for cell in line if cell not in hidden]
                if visible:
                    hidden.add(min(visible, key=lambda cell: (rows[cell[0]][cell[1]] == 0, rows[cell[0]][cell[1]])))
                    changed = True
    return [[SUPPRESSED if (r, c) in hidden else v for c, v in enumerate(row)] for r, row in enumerate(rows)]


def _suppress_percent(pct: float | None, base: int | str | None) -> float | str | None:
    if base == SUPPRESSED or (isinstance(base, int) and 1 <= base <= 5):
        return SUPPRESSED
    return None if not base or pct is None else pct


def install() -> bool:
    """Install the stand-in if the real module is missing; True when the stand-in is in use."""
    loaded = sys.modules.get("qa_data.exports.suppression")
    if loaded is not None:
        return bool(getattr(loaded, "STAND_IN", False))
    if importlib.util.find_spec("qa_data.exports.suppression") is not None:
        return False
    module = types.ModuleType("qa_data.exports.suppression")
    module.STAND_IN = True  # type: ignore[attr-defined]
    module.suppress_counts = _suppress_counts  # type: ignore[attr-defined]
    module.suppress_percent = _suppress_percent  # type: ignore[attr-defined]
    sys.modules["qa_data.exports.suppression"] = module
    qa_data.exports.suppression = module  # type: ignore[attr-defined]
    return True
