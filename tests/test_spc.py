"""XmR charts and the Making Data Count special-cause rules (qa_data.spc), on series worked by hand.

Most series start with the baseline B = 12, 10, 12, 10, ... (12 points, ending on 10):
mean 11, every moving range 2, so MR-bar 2; process limits 11 +/- 2.66 x 2 = 5.68 and 16.32;
2-sigma lines 11 +/- (2/3 x 5.32) = 7.4533 and 14.5467. Points on alternating sides of the mean,
alternating rises and falls: no run, no trend, nothing beyond 2 sigma.
"""

from __future__ import annotations

import pandas as pd
import pytest

from qa_data.spc import SpcRules, xmr

B = [12.0, 10.0] * 6


def flagged(chart_points: pd.DataFrame, column: str) -> list[int]:
    return [i for i, flag in enumerate(chart_points[column]) if flag]


def test_baseline_numbers() -> None:
    chart = xmr(B, direction="higher")
    assert chart.mean == 11.0
    assert chart.mean_moving_range == 2.0
    assert chart.upper_limit == pytest.approx(16.32)
    assert chart.lower_limit == pytest.approx(5.68)
    assert chart.upper_two_sigma == pytest.approx(14.546667, abs=1e-6)
    assert chart.lower_two_sigma == pytest.approx(7.453333, abs=1e-6)
    assert not chart.points["special_cause"].any()
    assert chart.variation == "common_cause"
    assert not chart.too_few_points  # exactly 12 points
    assert pd.isna(chart.points["moving_range"].iloc[0])


def test_one_point_beyond_the_upper_limit() -> None:
    # B then 20: mean (132 + 20) / 13 = 11.6923; moving ranges eleven 2s and |20 - 10| = 10,
    # MR-bar 32 / 12 = 2.6667; upper limit 11.6923 + 7.0933 = 18.7856 < 20.
    chart = xmr([*B, 20.0], direction="higher")
    assert chart.upper_limit == pytest.approx(11.6923 + 2.66 * 32 / 12, abs=1e-4)
    assert flagged(chart.points, "beyond_limits") == [12]
    assert flagged(chart.points, "special_cause") == [12]
    assert chart.points["variation"].iloc[12] == "special_cause_improvement"
    assert chart.variation == "special_cause_improvement"
    # The same point is a concern when lower is better.
    assert xmr([*B, 20.0], direction="lower").variation == "special_cause_concern"


def test_a_point_beyond_the_lower_limit_against_a_fixed_baseline() -> None:
    # Limits from B only (5.68 - 16.32): 5 is beyond the lower limit; 11 after it is common cause.
    chart = xmr([*B, 5.0, 11.0], direction="higher", baseline=12)
    assert chart.mean == 11.0 and chart.lower_limit == pytest.approx(5.68)
    assert flagged(chart.points, "beyond_limits") == [12]
    assert chart.points["variation"].iloc[12] == "special_cause_concern"
    assert chart.variation == "common_cause"  # the latest point (11) is common cause
    lower_is_better = xmr([*B, 5.0, 11.0], direction="lower", baseline=12)
    assert lower_is_better.points["variation"].iloc[12] == "special_cause_improvement"


def test_a_run_of_seven_above_the_mean() -> None:
    # B then seven 12.5s: above the mean 11, below the 2-sigma line, no rises (equal values).
    chart = xmr([*B, *[12.5] * 7], direction="lower", baseline=12)
    assert flagged(chart.points, "run") == list(range(12, 19))
    assert flagged(chart.points, "special_cause") == list(range(12, 19))
    assert not chart.points["trend"].any() and not chart.points["two_of_three"].any()
    assert chart.variation == "special_cause_concern"  # above the mean, lower is better


def test_six_above_the_mean_is_not_a_run_unless_configured() -> None:
    series = [*B, *[12.5] * 6]
    assert not xmr(series, direction="higher", baseline=12).points["special_cause"].any()
    six = xmr(series, direction="higher", baseline=12, rules=SpcRules(run_length=6))
    assert flagged(six.points, "run") == list(range(12, 18))
    assert six.variation == "special_cause_improvement"


def test_a_point_on_the_mean_breaks_a_run() -> None:
    series = [*B, 12.5, 12.5, 12.5, 11.0, 12.5, 12.5, 12.5, 12.5]
    assert not xmr(series, direction="higher", baseline=12).points["run"].any()


def test_a_trend_of_seven_increasing() -> None:
    # B ends on 10; then 10.2 .. 11.4 rising: with that 10, seven points each above the last
    # (indices 11-17). They straddle the mean (no run) and stay inside 2 sigma.
    chart = xmr([*B, 10.2, 10.4, 10.6, 10.8, 11.2, 11.4], direction="higher", baseline=12)
    assert flagged(chart.points, "trend") == list(range(11, 18))
    assert not chart.points["run"].any()
    # Points below the mean in a rising trend are improvement when higher is better: the trend's
    # direction, not the side of the mean, decides.
    assert set(chart.points["variation"].iloc[11:]) == {"special_cause_improvement"}
    falling_is_better = xmr([*B, 10.2, 10.4, 10.6, 10.8, 11.2, 11.4], direction="lower", baseline=12)
    assert set(falling_is_better.points["variation"].iloc[11:]) == {"special_cause_concern"}


def test_a_trend_of_seven_decreasing_and_shorter_trends() -> None:
    falling = [*B[:-1], 11.9, 11.7, 11.5, 11.3, 10.9, 10.7]  # 12, then six falls: seven points
    chart = xmr(falling, direction="higher", baseline=12)
    assert flagged(chart.points, "trend") == list(range(10, 17))
    assert chart.variation == "special_cause_concern"
    six_points = [*B[:-1], 11.9, 11.7, 11.5, 11.3, 10.9, 11.5]
    assert not xmr(six_points, direction="higher", baseline=12).points["trend"].any()
    repeated = [*B[:-1], 11.9, 11.7, 11.7, 11.3, 10.9, 10.7]  # a repeat breaks the trend
    assert not xmr(repeated, direction="higher", baseline=12).points["trend"].any()


def test_two_of_three_beyond_two_sigma_on_the_same_side() -> None:
    # 15 and 15 are above the upper 2-sigma line (14.55) but inside the limit (16.32).
    chart = xmr([*B, 15.0, 11.5, 15.0], direction="higher", baseline=12)
    assert flagged(chart.points, "two_of_three") == [12, 14]
    assert not chart.points["beyond_limits"].any()
    assert chart.points["variation"].iloc[13] == "common_cause"
    assert chart.variation == "special_cause_improvement"


def test_two_beyond_two_sigma_on_opposite_sides_is_not_a_signal() -> None:
    # 15 above the upper 2-sigma line, 7 below the lower one (7.45): not the same side.
    chart = xmr([*B, 15.0, 7.0, 11.5], direction="higher", baseline=12)
    assert not chart.points["special_cause"].any()


def test_a_point_beyond_the_limit_counts_towards_two_of_three() -> None:
    chart = xmr([*B, 17.0, 11.5, 15.0], direction="higher", baseline=12)
    assert flagged(chart.points, "two_of_three") == [12, 14]
    assert flagged(chart.points, "beyond_limits") == [12]


def test_common_cause_noise_has_no_signal() -> None:
    # Mean 10.39, MR-bar 2.12: limits about 4.8 - 16.0, 2 sigma about 6.6 - 14.1; every value is
    # 8-12, no more than 3 in a row on one side of the mean, no more than 2 rises or falls in a row.
    noise = [11, 9, 12, 10, 11, 8, 12, 10, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11]
    chart = xmr(noise, direction="higher", target=10)
    assert chart.mean == pytest.approx(187 / 18)
    for rule in ("beyond_limits", "run", "trend", "two_of_three", "special_cause"):
        assert not chart.points[rule].any(), rule
    assert chart.variation == "common_cause"
    assert chart.assurance == "hit_and_miss"


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("higher", 5.0, "consistently_pass"),  # below the lower limit 5.68
        ("higher", 5.68, "consistently_pass"),  # on it
        ("higher", 11.0, "hit_and_miss"),
        ("higher", 16.32, "consistently_fail"),  # on the upper limit
        ("higher", 17.0, "consistently_fail"),
        ("lower", 17.0, "consistently_pass"),
        ("lower", 11.0, "hit_and_miss"),
        ("lower", 5.0, "consistently_fail"),
        ("higher", None, None),
    ],
)
def test_assurance(direction: str, target: float | None, expected: str | None) -> None:
    limits = xmr(B, direction="higher")
    # Compare with the computed limits exactly at the boundaries (no float surprises).
    if target == 5.68:
        target = limits.lower_limit
    if target == 16.32:
        target = limits.upper_limit
    assert xmr(B, direction=direction, target=target).assurance == expected  # type: ignore[arg-type]


def test_fewer_than_twelve_points_warns() -> None:
    assert xmr(B[:11], direction="higher").too_few_points
    one = xmr([4.0], direction="higher", target=3.0)
    assert one.too_few_points and one.upper_limit is None and one.assurance is None
    assert one.mean == 4.0 and one.variation == "common_cause"
    empty = xmr([], direction="higher")
    assert empty.mean is None and empty.variation is None and empty.points.empty


def test_gaps_are_dropped_and_the_index_kept() -> None:
    months = pd.period_range("2024-01", periods=14, freq="M")
    series = pd.Series([*B[:6], None, *B[6:], 20.0], index=months)
    chart = xmr(series, direction="higher")
    assert len(chart.points) == 13
    assert chart.points.index[-1] == pd.Period("2025-02", freq="M")
    assert chart.points.index[6] == pd.Period("2024-08", freq="M")  # July is the gap


def test_rules_can_be_switched_off() -> None:
    rules = SpcRules(beyond_limits=False, run_length=None, trend_length=None, two_of_three=False)
    assert not xmr([*B, 30.0, *[12.5] * 8], direction="higher", baseline=12, rules=rules).points["special_cause"].any()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="run_length"):
        SpcRules(run_length=1)
    with pytest.raises(ValueError, match="direction"):
        xmr(B, direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="baseline"):
        xmr(B, direction="higher", baseline=1)
