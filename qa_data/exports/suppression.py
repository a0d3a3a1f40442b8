"""Statistical disclosure control for published outputs (the Cabinet key data summary).

The rule, after the DfE's guidance for children's services statistics:

1. **Primary suppression.** A count of 1 to 5 is replaced by ``"c"`` (`model.SUPPRESSED`). A count of 0
   is shown as 0 (it identifies nobody). A total of 1 to 5 is suppressed like any other cell.
2. **Secondary suppression.** A published total lets a reader work a lone suppressed cell back out
   (total minus the visible cells). So in every *line* that has a published total (each row when the
   table has a total column, each column when it has a total row, the total row and total column
   included), a line holding exactly one suppressed cell gets a second one: the smallest visible
   non-zero body cell of that line (a zero hides little: "c + c = 3" is no cover; a zero is taken only
   when no non-zero cell is left, and the line's total only when no body cell is left). Rows and
   columns are repeated until no line has exactly one suppressed cell (a fixed point).
3. **Linear closure.** "No line with one unknown" is not enough against a reader who solves the row and
   column equations together: two blocks of suppressed cells joined by one suppressed cell let that
   cell be recovered (sum the block's rows, subtract its columns). After step 2 every suppressed cell is
   tested by linear algebra (a cell is recoverable when some combination of the published equations
   isolates it, i.e. when it lies outside the support of every solution of the homogeneous system);
   while one is recoverable, the smallest visible cell whose suppression makes it unrecoverable is
   suppressed too, then step 2 runs again.
4. **Percentages** are suppressed when their base (denominator) is suppressed or 1 to 5, and when their
   numerator is suppressed or 1 to 5 (otherwise the numerator is ``percent x base``). A percentage of a
   base of 0 is not a number: ``None``.

What this does not cover: a reader who knows that every ``"c"`` is 1 to 5 and that counts are never
negative can sometimes narrow a suppressed cell to a range ("c + c = 7"); the rule guarantees that no
suppressed cell has a single value consistent with the published equations, not that its range is wide.

``None`` means "no value" (not applicable) and is neither a count nor suppressed. Content builders apply
this module; renderers never suppress.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa_data.exports.model import SUPPRESSED

Cell = int | str | None

SMALL_MIN, SMALL_MAX = 1, 5  # counts in this range are suppressed (primary)
_TOLERANCE = 1e-9


def is_small(value: object) -> bool:
    """True when `value` is a count that must not be published (1 to 5, or already ``"c"``)."""
    if value == SUPPRESSED:
        return True
    return isinstance(value, int | float) and not isinstance(value, bool) and SMALL_MIN <= value <= SMALL_MAX


def suppress_percent(pct: float | None, base: int | str | None, count: int | str | None = None) -> float | str | None:
    """The percentage as it may be published: ``"c"`` when its base (denominator) or its count
    (numerator, if given) is suppressed or 1 to 5; ``None`` when the base is 0 or missing; else `pct`."""
    if is_small(base) or (count is not None and is_small(count)):
        return SUPPRESSED
    if base is None or base == 0 or pct is None:
        return None
    return pct


@dataclass(frozen=True)
class _Grid:
    """Cells of a table as published (totals included), with the lines that carry an equation."""

    values: list[list[int | None]]
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]]  # (body cells, total cell)


def _grid(rows: Sequence[Sequence[int | None]], row_totals: bool, col_totals: bool) -> _Grid:
    width = len(rows[0]) if rows else 0
    for r, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"row {r + 1} has {len(row)} cells, the first row has {width}")
        for value in row:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"counts must be whole numbers >= 0 or None, got {value!r} in row {r + 1}")
    values = [list(row) for row in rows]
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    if row_totals and width >= 2:
        for r in range(len(values)):
            if values[r][width - 1] is not None:
                body = [(r, c) for c in range(width - 1) if values[r][c] is not None]
                if body:  # a total with no cells beside it is no equation
                    lines.append((body, (r, width - 1)))
    if col_totals and len(values) >= 2:
        last = len(values) - 1
        for c in range(width):
            if values[last][c] is not None:
                body = [(r, c) for r in range(last) if values[r][c] is not None]
                if body:
                    lines.append((body, (last, c)))
    return _Grid(values, lines)


def _secondary_candidate(
    grid: _Grid, body: list[tuple[int, int]], total: tuple[int, int], hidden: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """The next cell to hide in a line: smallest non-zero body cell, then a zero, then the total."""
    visible = [cell for cell in body if cell not in hidden]
    nonzero = [cell for cell in visible if grid.values[cell[0]][cell[1]] != 0]
    for pool in (nonzero, visible):
        if pool:
            return min(pool, key=lambda cell: (grid.values[cell[0]][cell[1]], cell))
    return None if total in hidden else total


def _line_fixed_point(grid: _Grid, hidden: set[tuple[int, int]]) -> None:
    changed = True
    while changed:
        changed = False
        for body, total in grid.lines:
            cells = [*body, total]
            if sum(cell in hidden for cell in cells) == 1:
                extra = _secondary_candidate(grid, body, total, hidden)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def recoverable_cells(
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]], hidden: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The hidden cells whose value follows from the published line equations (sum of body = total),
    all other cells being known: a hidden cell is recoverable when every solution of the homogeneous
    system is zero at that cell."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {cell: k for k, cell in enumerate(unknowns)}
    matrix = np.zeros((max(len(lines), 1), len(unknowns)))
    for i, (body, total) in enumerate(lines):
        for cell in body:
            if cell in index:
                matrix[i, index[cell]] += 1.0
        if total in index:
            matrix[i, index[total]] -= 1.0
    # Null space from the SVD: columns of V beyond the rank. A cell is pinned when its row in the
    # null-space basis is zero.
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > _TOLERANCE * max(matrix.shape)).sum())
    null = vt[rank:].T
    if null.size == 0:
        return set(unknowns)
    free = np.abs(null).max(axis=1) > 1e-8
    return {cell for cell, is_free in zip(unknowns, free, strict=True) if not is_free}


def _suppressed_cells(grid: _Grid) -> set[tuple[int, int]]:
    hidden = {
        (r, c)
        for r, row in enumerate(grid.values)
        for c, value in enumerate(row)
        if value is not None and SMALL_MIN <= value <= SMALL_MAX
    }
    _line_fixed_point(grid, hidden)
    while True:
        pinned = recoverable_cells(grid.lines, hidden)
        if not pinned:
            return hidden
        target = min(pinned)
        candidates = sorted(
            (
                (r, c)
                for r, row in enumerate(grid.values)
                for c, value in enumerate(row)
                if value is not None and (r, c) not in hidden
            ),
            key=lambda cell: (
                grid.values[cell[0]][cell[1]] == 0,  # non-zero first, as in step 2
                cell[0] not in (target[0],) and cell[1] != target[1],  # same row or column first
                grid.values[cell[0]][cell[1]],
                cell,
            ),
        )
        for cell in candidates:
            if target not in recoverable_cells(grid.lines, hidden | {cell}):
                hidden.add(cell)
                break
        else:  # nothing single hides it: hide every cell that carries an equation
            before = len(hidden)
            hidden.update(cell for body, total in grid.lines for cell in (*body, total))
            if len(hidden) == before:  # inconsistent totals; nothing more to hide
                return hidden
        _line_fixed_point(grid, hidden)


def suppress_counts(rows: Sequence[Sequence[int | None]], *, row_totals: bool, col_totals: bool) -> list[list[Cell]]:
    """The table as it may be published: counts 1-5 and the cells needed to protect them are ``"c"``.

    `rows` is the table as published, totals included: when `row_totals`, the last cell of each row is
    that row's total; when `col_totals`, the last row holds the column totals (and, with both, its last
    cell is the grand total). Cells are whole numbers >= 0 or None (no value). Returns a new list of
    rows of the same shape. Raises ValueError for ragged rows or values that are not counts."""
    if not rows:
        return []
    grid = _grid(rows, row_totals, col_totals)
    hidden = _suppressed_cells(grid)
    return [
        [SUPPRESSED if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(grid.values)
    ]


def suppress_with_totals(
    body: Sequence[Sequence[int | None]], *, row_totals: bool = True, col_totals: bool = True
) -> list[list[Cell]]:
    """Add a total column (each row's sum) and/or a total row (each column's sum) to `body`, then
    suppress the whole table with `suppress_counts`. None counts as 0 in a sum."""
    table: list[list[int | None]] = [list(row) for row in body]
    if row_totals:
        table = [[*row, sum(v or 0 for v in row)] for row in table]
    if col_totals and table:
        table.append([sum(row[c] or 0 for row in table) for c in range(len(table[0]))])
    return suppress_counts(table, row_totals=row_totals, col_totals=col_totals)
