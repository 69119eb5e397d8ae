"""Unusual days the forecaster leaves out of its fit: outages and one-off spikes only."""

import numpy as np
import pandas as pd
import pytest

from forecast.outliers import isolated_unusual_days

DAYS = pd.date_range("2025-01-06", periods=84, freq="D")  # a Monday, 12 weeks
WEEK = np.asarray([1000.0, 1000, 1000, 1000, 900, 300, 1100])  # Monday..Sunday


def _left_out(
    changes: dict[int, float], *, not_normal: int | None = None, noise: float = 0.0
) -> list[int]:
    totals = np.tile(WEEK, len(DAYS) // 7)
    if noise:
        totals *= np.random.default_rng(7).lognormal(0.0, noise, len(totals))
    for row, factor in changes.items():
        totals[row] *= factor
    normal = np.ones(len(totals), dtype=bool)
    if not_normal is not None:
        normal[not_normal] = False
    return np.flatnonzero(isolated_unusual_days(totals, DAYS, normal)).tolist()


@pytest.mark.parametrize(
    ("changes", "not_normal", "left_out"),
    [
        ({44: 0.05}, None, [44]),  # an outage
        ({44: 2.0, 45: 2.0}, None, [44, 45]),  # a two-day spike
        ({44: 0.05, 45: 0.05, 46: 0.05}, None, []),  # three days: maybe a new level
        (dict.fromkeys(range(70, 84), 1.6), None, []),  # a level shift at the end
        ({83: 0.05}, None, []),  # the last day: the next is not known yet
        ({44: 0.05}, 44, []),  # a holiday explains itself
        (dict.fromkeys((4, 35, 63), 1.6), None, []),  # pay day, the 10th of each month
        (dict.fromkeys((16, 30, 44, 58), 1.8), None, []),  # every other Wednesday
    ],
    ids=[
        "outage",
        "two-day spike",
        "three days",
        "level shift",
        "last day",
        "holiday",
        "monthly peak",
        "fortnightly peak",
    ],
)
def test_only_short_runs_of_unusual_normal_days_between_usual_ones_are_left_out(
    changes: dict[int, float], not_normal: int | None, left_out: list[int]
) -> None:
    assert _left_out(changes, not_normal=not_normal) == left_out


@pytest.mark.parametrize("factor", [0.6, 1.35, 1.6])
def test_no_day_of_a_new_level_is_left_out_even_with_noise(factor: float) -> None:
    # Three weeks at a new level in the middle of the history, 12% day-to-day noise.
    shift = dict.fromkeys(range(42, 63), factor)
    assert _left_out(shift, noise=0.12) == []
    # A new level in the last two weeks, with the same noise.
    assert _left_out(dict.fromkeys(range(70, 84), factor), noise=0.12) == []
    # The same noise alone leaves nothing out, and an outage still is.
    assert _left_out({}, noise=0.12) == []
    assert _left_out({30: 0.05}, noise=0.12) == [30]
