"""The DfE suppression rule: hand cases, adversarial tables, and a back-solver that must never recover a
suppressed cell from the published totals."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_data.exports.model import SUPPRESSED
from qa_data.exports.suppression import is_small, suppress_counts, suppress_percent, suppress_with_totals

C = SUPPRESSED
Published = list[list[int | str | None]]


# --- The attacker: written independently of the module under test ---------------------------------


def _equations(table: Published, row_totals: bool, col_totals: bool) -> list[list[tuple[int, int, int]]]:
    """Each published line as [(row, col, coefficient)]: body cells +1, the total -1, summing to 0."""
    height, width = len(table), len(table[0])
    lines = []
    if row_totals and width >= 2:
        for r in range(height):
            if table[r][-1] is not None:
                lines.append([(r, c, 1) for c in range(width - 1) if table[r][c] is not None] + [(r, width - 1, -1)])
    if col_totals and height >= 2:
        for c in range(width):
            if table[-1][c] is not None:
                lines.append([(r, c, 1) for r in range(height - 1) if table[r][c] is not None] + [(height - 1, c, -1)])
    return [line for line in lines if len(line) > 1]


def solve_by_lines(table: Published, row_totals: bool, col_totals: bool) -> dict[tuple[int, int], int]:
    """The simple attack: repeatedly solve any line with exactly one unknown."""
    known = {(r, c): v for r, row in enumerate(table) for c, v in enumerate(row) if isinstance(v, int)}
    found: dict[tuple[int, int], int] = {}
    progress = True
    while progress:
        progress = False
        for line in _equations(table, row_totals, col_totals):
            unknown = [(r, c, k) for r, c, k in line if (r, c) not in known]
            if len(unknown) == 1:
                r, c, k = unknown[0]
                rest = sum(k2 * known[(r2, c2)] for r2, c2, k2 in line if (r2, c2) in known)
                known[(r, c)] = found[(r, c)] = -rest // k
                progress = True
    return found


def solve_by_elimination(table: Published, row_totals: bool, col_totals: bool) -> dict[tuple[int, int], Fraction]:
    """The full attack: Gauss-Jordan elimination in exact fractions over all line equations at once;
    a suppressed cell is recovered when a reduced row isolates it."""
    unknowns = sorted({(r, c) for r, row in enumerate(table) for c, v in enumerate(row) if v == C})
    index = {cell: k for k, cell in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for line in _equations(table, row_totals, col_totals):
        coefficients = [Fraction(0)] * (len(unknowns) + 1)
        for r, c, k in line:
            if (r, c) in index:
                coefficients[index[(r, c)]] += k
            else:
                coefficients[-1] -= k * table[r][c]  # type: ignore[operator]
        matrix.append(coefficients)
    pivot_row = 0
    for col in range(len(unknowns)):
        pivot = next((i for i in range(pivot_row, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [x / lead for x in matrix[pivot_row]]
        for i in range(len(matrix)):
            if i != pivot_row and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[pivot_row], strict=True)]
        pivot_row += 1
    found = {}
    for row in matrix:
        nonzero = [k for k in range(len(unknowns)) if row[k] != 0]
        if len(nonzero) == 1:
            found[unknowns[nonzero[0]]] = row[-1] / row[nonzero[0]]
    return found


def with_totals(body: list[list[int]], row_totals: bool = True, col_totals: bool = True) -> list[list[int]]:
    table = [[*row, sum(row)] if row_totals else list(row) for row in body]
    if col_totals:
        table.append([sum(row[c] for row in table) for c in range(len(table[0]))])
    return table


def assert_safe(original: list[list[int]], published: Published, row_totals: bool, col_totals: bool) -> None:
    assert len(published) == len(original)
    for row, out in zip(original, published, strict=True):
        assert len(out) == len(row)
        for value, shown in zip(row, out, strict=True):
            assert shown == C or shown == value  # nothing is changed, only hidden
            assert not (isinstance(shown, int) and 1 <= shown <= 5), published
            if value is not None and 1 <= value <= 5:
                assert shown == C
    assert solve_by_lines(published, row_totals, col_totals) == {}, published
    assert solve_by_elimination(published, row_totals, col_totals) == {}, published


# --- The attacker works -----------------------------------------------------------------------------


def test_back_solver_recovers_a_lone_suppressed_cell() -> None:
    # Primary suppression alone: 3 = 25 - 10 - 12.
    published: Published = [[C, 10, 12, 25], [20, 30, 40, 90], [23, 40, 52, 115]]
    assert solve_by_lines(published, True, True) == {(0, 0): 3}
    assert solve_by_elimination(published, True, True) == {(0, 0): 3}


def test_line_rule_alone_leaves_a_cell_the_full_solver_recovers() -> None:
    # What "no line with one unknown" gives for this body: every line has 0 or >= 2 "c", but rows 0
    # and 2 with column 2 pin column 3's sum, so the 2 in the bottom-right body cell comes out.
    published: Published = [
        [8, 9, C, C, 31],
        [C, C, 9, 10, 34],
        [0, 7, C, C, 15],
        [C, C, 15, C, 25],
        [17, 30, 33, 25, 105],
    ]
    assert solve_by_lines(published, True, True) == {}
    assert solve_by_elimination(published, True, True) == {(3, 3): 2}
    # The module adds one more cell and nothing is recoverable.
    body = [[8, 9, 7, 7], [7, 8, 9, 10], [0, 7, 2, 6], [2, 6, 15, 2]]
    out = suppress_with_totals(body)
    assert out == [
        [8, 9, C, C, 31],
        [C, C, 9, C, 34],
        [0, 7, C, C, 15],
        [C, C, 15, C, 25],
        [17, 30, 33, 25, 105],
    ]
    assert_safe(with_totals(body), out, True, True)


# --- Hand cases -------------------------------------------------------------------------------------


def test_nothing_small_nothing_hidden_and_zero_stays_zero() -> None:
    body = [[0, 10, 12], [20, 0, 40]]
    assert suppress_with_totals(body) == [[0, 10, 12, 22], [20, 0, 40, 60], [20, 10, 52, 82]]


def test_one_small_cell_takes_the_next_smallest_in_its_row_and_column() -> None:
    out = suppress_with_totals([[3, 10, 12], [20, 30, 40], [15, 25, 35]])
    # 3 is primary; row 0 gives up 10 (its smallest), column 0 gives up 15 (smaller than 20), then
    # row 2 holds one "c" (15) and gives up 25, which completes column 1.
    assert out == [[C, C, 12, 25], [20, 30, 40, 90], [C, C, 35, 75], [38, 65, 87, 190]]
    assert_safe(with_totals([[3, 10, 12], [20, 30, 40], [15, 25, 35]]), out, True, True)


def test_secondary_prefers_a_non_zero_cell_to_a_zero() -> None:
    assert suppress_counts([[3, 0, 40, 43]], row_totals=True, col_totals=False) == [[C, 0, C, 43]]
    # With only zeros beside it the total equals the cell, so the total is small and hidden itself.
    assert suppress_counts([[3, 0, 3]], row_totals=True, col_totals=False) == [[C, 0, C]]


def test_small_total_is_suppressed_and_protected() -> None:
    body = [[2, 1], [0, 0], [30, 40]]
    out = suppress_with_totals(body)
    assert out[0] == [C, C, C]
    assert_safe(with_totals(body), out, True, True)


def test_without_totals_only_primary_suppression_applies() -> None:
    assert suppress_counts([[3, 10], [0, 6]], row_totals=False, col_totals=False) == [[C, 10], [0, 6]]


def test_none_is_no_value_and_stays_none() -> None:
    out = suppress_counts([[None, 4, 20, 24], [None, 10, 10, 20]], row_totals=True, col_totals=False)
    assert out == [[None, C, C, 24], [None, 10, 10, 20]]


def test_single_row_and_single_column() -> None:
    assert suppress_with_totals([[2]]) == [[C, C], [C, C]]
    assert suppress_with_totals([[7, 9]], col_totals=False) == [[7, 9, 16]]
    out = suppress_with_totals([[7], [2], [40]], row_totals=False)
    assert out == [[C], [C], [40], [49]]


def test_all_small_row() -> None:
    body = [[1, 2, 3], [10, 20, 30], [40, 50, 60]]
    out = suppress_with_totals(body)
    assert out[0] == [C, C, C, 6]  # the total 6 may show: the three cells are still unknown
    assert_safe(with_totals(body), out, True, True)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="row 2 has 1 cells"):
        suppress_counts([[1, 2], [3]], row_totals=False, col_totals=False)
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_counts([[1.5, 2]], row_totals=False, col_totals=False)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_counts([[-1, 2]], row_totals=False, col_totals=False)


def test_percentages() -> None:
    assert suppress_percent(40.0, 5) == C
    assert suppress_percent(40.0, C) == C
    assert suppress_percent(33.3, 6) == 33.3
    assert suppress_percent(50.0, 10, count=5) == C  # 5 = 50% of 10
    assert suppress_percent(50.0, 12, count=6) == 50.0
    assert suppress_percent(None, 0) is None
    assert suppress_percent(0.0, 0) is None
    assert is_small(C) and is_small(1) and not is_small(0) and not is_small(6) and not is_small(True)


# --- Adversarial tables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        [[1, 1], [1, 1]],
        [[0, 0, 0], [0, 4, 0], [0, 0, 0]],
        [[5, 6], [6, 5]],
        [[100, 100, 1], [100, 100, 100], [100, 100, 100]],
        [[2, 9, 10, 0, 6], [10, 1, 30, 15, 8], [1, 7, 1, 20, 9], [0, 2, 10, 30, 2]],
        [[0, 9, 0, 1], [20, 20, 15, 20], [15, 8, 30, 15], [7, 7, 1, 20], [8, 3, 30, 10]],
        [[7, 3, 0, 1, 15], [10, 10, 10, 2, 2], [6, 0, 1, 3, 0], [20, 0, 8, 30, 30]],
        [[3] * 6],
        [[6], [6], [1]],
    ],
)
@pytest.mark.parametrize(("row_totals", "col_totals"), [(True, True), (True, False), (False, True)])
def test_adversarial_tables_cannot_be_worked_back(body: list[list[int]], row_totals: bool, col_totals: bool) -> None:
    out = suppress_with_totals(body, row_totals=row_totals, col_totals=col_totals)
    assert_safe(with_totals(body, row_totals, col_totals), out, row_totals, col_totals)


# --- Property: random small tables -------------------------------------------------------------------

counts = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[int]], bool, bool]:
    height = draw(st.integers(1, 5))
    width = draw(st.integers(1, 5))
    body = draw(st.lists(st.lists(counts, min_size=width, max_size=width), min_size=height, max_size=height))
    if draw(st.booleans()) and height > 1:  # an all-small row
        body[0] = draw(st.lists(st.integers(1, 5), min_size=width, max_size=width))
    row_totals, col_totals = draw(st.sampled_from([(True, True), (True, False), (False, True), (False, False)]))
    return body, row_totals, col_totals


@settings(max_examples=300, deadline=None)
@given(tables())
def test_random_tables_are_never_worked_back(case: tuple[list[list[int]], bool, bool]) -> None:
    body, row_totals, col_totals = case
    out = suppress_with_totals(body, row_totals=row_totals, col_totals=col_totals)
    assert_safe(with_totals(body, row_totals, col_totals), out, row_totals, col_totals)


@settings(max_examples=100, deadline=None)
@given(tables())
def test_published_totals_given_by_the_caller_are_protected_too(case: tuple[list[list[int]], bool, bool]) -> None:
    body, row_totals, col_totals = case
    table = with_totals(body, row_totals, col_totals)
    out = suppress_counts(table, row_totals=row_totals, col_totals=col_totals)
    assert out == suppress_with_totals(body, row_totals=row_totals, col_totals=col_totals)
    assert_safe(table, out, row_totals, col_totals)
