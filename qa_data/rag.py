"""Red / amber / green ratings of a KPI value against its target, respecting the KPI's direction.

Boundaries (t = target, a = amber_tolerance, in the KPI's own units, e.g. percentage points):

    higher is better:  green  value >= t
                       amber  t - a <= value < t
                       red    value < t - a
    lower is better:   green  value <= t
                       amber  t < value <= t + a
                       red    value > t + a

So meeting the target exactly is green, and a value exactly `a` short of it is still amber. With
a = 0 there is no amber band. Values within 1e-9 of a boundary count as on it, so float noise
(66.66666666666667 against 66.666666666666671) never flips a rating.
"""

from __future__ import annotations

import math
from typing import Literal

Direction = Literal["higher", "lower"]
Rating = Literal["green", "amber", "red"]

__all__ = ["Direction", "Rating", "rag"]

_EPSILON = 1e-9


def rag(value: float | None, target: float | None, direction: Direction, amber_tolerance: float = 0.0) -> Rating | None:
    """Rate `value` against `target` (see the module docstring for the exact boundaries).

    Args:
        value: the KPI value; None or NaN (no data, e.g. a zero denominator) gives None.
        target: the target in the same units; None or NaN (no target set) gives None.
        direction: "higher" if higher values are better, "lower" if lower values are better.
        amber_tolerance: the width of the amber band on the wrong side of the target, >= 0.

    Returns "green", "amber", "red", or None when there is nothing to rate.
    Raises ValueError for an unknown direction or a negative or NaN tolerance.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    if math.isnan(amber_tolerance) or amber_tolerance < 0:
        raise ValueError(f"amber_tolerance must be 0 or more, not {amber_tolerance!r}")
    if value is None or target is None or math.isnan(value) or math.isnan(target):
        return None
    # How far the value falls short of the target, in the bad direction (negative = better).
    shortfall = target - value if direction == "higher" else value - target
    if shortfall <= _EPSILON:
        return "green"
    if shortfall <= amber_tolerance + _EPSILON:
        return "amber"
    return "red"
