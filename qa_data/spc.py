"""Statistical process control: the XmR chart of NHS England's "Making Data Count" (MDC).

Calculation (MDC; Wheeler's XmR):
- mean of the values; moving range = |x_i - x_(i-1)| (none for the first point);
- process limits = mean +/- 2.66 x mean moving range (3 sigma, as sigma is estimated by MR-bar / 1.128);
- "2 sigma" lines = mean +/- (2/3 x 2.66) x mean moving range.
With `baseline=n` the mean and limits come from the first n points only (MDC: fix the limits on a
baseline, then watch what follows). Missing values (NaN) are dropped first: a gap is not a point.

Special-cause rules (each can be switched off or resized in `SpcRules`):
- beyond limits: a point strictly above the upper or below the lower process limit;
- run (shift): `run_length` (default 7) or more consecutive points strictly on one side of the mean;
  a point exactly on the mean ends a run. Every point of the run is flagged;
- trend: `trend_length` (default 7) or more consecutive points each strictly higher (or each strictly
  lower) than the one before; a repeated value ends a trend. Every point of the trend is flagged;
- two of three: in any three consecutive points, two or more are strictly beyond the same 2-sigma
  line (both above mean + 2 sigma, or both below mean - 2 sigma; a point beyond the process limit
  counts as beyond 2 sigma). Those points are flagged. (The Western Electric form. NHS-R's
  "plot the dots" package also asks the third point to be on the same side of the mean.)

Each flagged point is "special_cause_improvement" or "special_cause_concern" by the KPI's direction:
the side of the mean it is on, except a point flagged only by a trend (and not beyond the limits),
which takes the direction of its trend (NHS practice gives the trend rule priority). The chart's
`variation` is the latest point's, as the MDC variation icon shows the latest position.

Assurance (MDC icon, needs a target): for a higher-is-better KPI, a target at or below the lower
limit will consistently be met ("consistently_pass"), one at or above the upper limit will
consistently be missed ("consistently_fail"), anything between is "hit_and_miss"; mirrored for
lower-is-better. `too_few_points` warns when there are fewer than 12 points (MDC: limits from fewer
points are unreliable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import pandas as pd

Direction = Literal["higher", "lower"]
Variation = Literal["common_cause", "special_cause_improvement", "special_cause_concern"]
Assurance = Literal["consistently_pass", "consistently_fail", "hit_and_miss"]

__all__ = ["MIN_POINTS", "Assurance", "SpcRules", "Variation", "XmrChart", "xmr"]

LIMIT_FACTOR = 2.66
TWO_SIGMA_FACTOR = LIMIT_FACTOR * 2 / 3
MIN_POINTS = 12


@dataclass(frozen=True)
class SpcRules:
    """Which special-cause rules to apply. `run_length` / `trend_length` None switches that rule
    off; otherwise each must be at least 2 (points). Raises ValueError otherwise."""

    beyond_limits: bool = True
    run_length: int | None = 7
    trend_length: int | None = 7
    two_of_three: bool = True

    def __post_init__(self) -> None:
        for name in ("run_length", "trend_length"):
            length = getattr(self, name)
            if length is not None and length < 2:
                raise ValueError(f"{name} must be 2 or more, or None, not {length}")


@dataclass(frozen=True)
class XmrChart:
    """An XmR chart. `points` has the input's index (NaN dropped) and columns: value, moving_range
    (NaN for the first point), beyond_limits, run, trend, two_of_three, special_cause (booleans) and
    variation (a `Variation` string). The limits are None when there are fewer than 2 points."""

    points: pd.DataFrame
    mean: float | None
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    variation: Variation | None
    assurance: Assurance | None
    too_few_points: bool


def _run_flags(side: np.ndarray, length: int) -> np.ndarray:
    """True for every point in a stretch of >= `length` equal, non-zero values of `side`."""
    flags = np.zeros(len(side), dtype=bool)
    start = 0
    for i in range(1, len(side) + 1):
        if i == len(side) or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= length:
                flags[start:i] = True
            start = i
    return flags


def _trend_flags(values: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """(flags, direction): points in a run of >= `length` points each strictly above (or below) the
    one before; direction is +1 / -1 for flagged points (the later trend wins at a peak), else 0."""
    n = len(values)
    flags = np.zeros(n, dtype=bool)
    direction = np.zeros(n, dtype=int)
    if n < 2:
        return flags, direction
    steps = np.sign(np.diff(values))
    # A trend of k points is k - 1 steps of the same sign.
    stepped = _run_flags(steps, length - 1)
    for k in np.flatnonzero(stepped):
        # Step k joins points k and k + 1; at a peak the later (falling) trend overwrites.
        flags[k : k + 2] = True
        direction[k : k + 2] = int(steps[k])
    return flags, direction


def _two_of_three_flags(above: np.ndarray, below: np.ndarray) -> np.ndarray:
    flags = np.zeros(len(above), dtype=bool)
    for i in range(len(above) - 2):
        for beyond in (above, below):
            window = beyond[i : i + 3]
            if window.sum() >= 2:
                flags[i : i + 3] |= window
    return flags


def _assurance(
    target: float | None, lower: float | None, upper: float | None, direction: Direction
) -> Assurance | None:
    if target is None or np.isnan(target) or lower is None or upper is None:
        return None
    if direction == "higher":
        if target <= lower:
            return "consistently_pass"
        if target >= upper:
            return "consistently_fail"
    else:
        if target >= upper:
            return "consistently_pass"
        if target <= lower:
            return "consistently_fail"
    return "hit_and_miss"


def xmr(
    values: pd.Series | Sequence[float],
    *,
    direction: Direction,
    target: float | None = None,
    rules: SpcRules | None = None,
    baseline: int | None = None,
) -> XmrChart:
    """The XmR chart of `values` in time order (see the module docstring for every rule).

    Args:
        values: the series, oldest first; a Series keeps its index (e.g. months) in `points`.
        direction: "higher" or "lower": which way is improvement for this KPI.
        target: the KPI's target, for the assurance icon (None: no assurance).
        rules: which special-cause rules to apply (default: all four, runs and trends of 7).
        baseline: compute the mean and limits from the first `baseline` points only.

    Returns an `XmrChart`. Raises ValueError for an unknown direction or a baseline below 2.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    if baseline is not None and baseline < 2:
        raise ValueError("baseline must be 2 points or more")
    rules = rules or SpcRules()
    series = pd.Series(values, dtype="float64").dropna()
    x = series.to_numpy()
    n = len(x)
    moving_range = np.abs(np.diff(x, prepend=np.nan))
    points = pd.DataFrame({"value": x, "moving_range": moving_range}, index=series.index)
    for column in ("beyond_limits", "run", "trend", "two_of_three", "special_cause"):
        points[column] = False
    points["variation"] = "common_cause"

    if n < 2:
        mean = float(x.mean()) if n else None
        return XmrChart(points, mean, None, None, None, None, None, "common_cause" if n else None, None, True)

    base = x[:baseline] if baseline else x
    mean = float(base.mean())
    mr_bar = float(np.abs(np.diff(base)).mean())
    upper, lower = mean + LIMIT_FACTOR * mr_bar, mean - LIMIT_FACTOR * mr_bar
    upper2, lower2 = mean + TWO_SIGMA_FACTOR * mr_bar, mean - TWO_SIGMA_FACTOR * mr_bar

    side = np.sign(x - mean).astype(int)
    beyond = (x > upper) | (x < lower) if rules.beyond_limits else np.zeros(n, dtype=bool)
    run = _run_flags(side, rules.run_length) if rules.run_length else np.zeros(n, dtype=bool)
    if rules.trend_length:
        trend, trend_direction = _trend_flags(x, rules.trend_length)
    else:
        trend, trend_direction = np.zeros(n, dtype=bool), np.zeros(n, dtype=int)
    two_of_three = _two_of_three_flags(x > upper2, x < lower2) if rules.two_of_three else np.zeros(n, dtype=bool)
    special = beyond | run | trend | two_of_three

    # Which way each special-cause point moved: a trend's own direction wins unless the point is
    # beyond the limits (then its side of the mean is the signal).
    moved = np.where(trend & ~beyond, trend_direction, side)
    good = moved > 0 if direction == "higher" else moved < 0
    variation = np.where(~special, "common_cause", np.where(good, "special_cause_improvement", "special_cause_concern"))
    points["beyond_limits"] = beyond
    points["run"] = run
    points["trend"] = trend
    points["two_of_three"] = two_of_three
    points["special_cause"] = special
    points["variation"] = variation
    latest = cast(Variation, str(variation[-1]))
    return XmrChart(
        points=points,
        mean=mean,
        mean_moving_range=mr_bar,
        upper_limit=upper,
        lower_limit=lower,
        upper_two_sigma=upper2,
        lower_two_sigma=lower2,
        variation=latest,
        assurance=_assurance(target, lower, upper, direction),
        too_few_points=n < MIN_POINTS,
    )
