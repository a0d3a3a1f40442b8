"""RAG ratings against a target (qa_data.rag): every boundary, both directions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_data.rag import rag


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (90.0, "green"),  # above target
        (80.0, "green"),  # exactly on target: green
        (79.9, "amber"),  # just short
        (75.0, "amber"),  # exactly the tolerance short: still amber
        (74.9, "red"),  # beyond the tolerance
        (0.0, "red"),
    ],
)
def test_higher_is_better_target_80_tolerance_5(value: float, expected: str) -> None:
    assert rag(value, 80.0, "higher", 5.0) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (15.0, "green"),  # below target
        (20.0, "green"),  # on target
        (20.1, "amber"),
        (25.0, "amber"),  # exactly the tolerance over
        (25.1, "red"),
        (100.0, "red"),
    ],
)
def test_lower_is_better_target_20_tolerance_5(value: float, expected: str) -> None:
    assert rag(value, 20.0, "lower", 5.0) == expected


def test_no_tolerance_means_no_amber() -> None:
    assert rag(79.99, 80.0, "higher") == "red"
    assert rag(80.0, 80.0, "higher") == "green"
    assert rag(20.01, 20.0, "lower") == "red"


def test_float_noise_on_a_boundary_does_not_flip_the_rating() -> None:
    # 2 of 3 as a percentage against a target of 66.6666...: equal up to float rounding.
    assert rag(100 * 2 / 3, 200 / 3 + 1e-12, "higher") == "green"
    assert rag(0.1 + 0.2, 0.3, "lower") == "green"  # 0.30000000000000004
    assert rag(75.0 - 1e-12, 80.0, "higher", 5.0) == "amber"


def test_nothing_to_rate() -> None:
    assert rag(None, 80.0, "higher") is None  # no data (denominator 0)
    assert rag(50.0, None, "higher") is None  # no target
    assert rag(math.nan, 80.0, "lower", 2.0) is None


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="direction"):
        rag(50.0, 80.0, "up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="amber_tolerance"):
        rag(50.0, 80.0, "higher", -1.0)


finite = st.floats(min_value=-1000, max_value=1000, allow_nan=False)


@given(finite, finite, st.floats(min_value=0, max_value=100))
def test_directions_mirror_each_other(value: float, target: float, tolerance: float) -> None:
    # Rating x against t when higher is better = rating -x against -t when lower is better.
    assert rag(value, target, "higher", tolerance) == rag(-value, -target, "lower", tolerance)


@given(finite, finite, finite, st.floats(min_value=0, max_value=100))
def test_a_better_value_never_rates_worse(a: float, b: float, target: float, tolerance: float) -> None:
    order = {"red": 0, "amber": 1, "green": 2}
    low, high = sorted((a, b))
    assert order[rag(high, target, "higher", tolerance)] >= order[rag(low, target, "higher", tolerance)]
    assert order[rag(low, target, "lower", tolerance)] >= order[rag(high, target, "lower", tolerance)]
