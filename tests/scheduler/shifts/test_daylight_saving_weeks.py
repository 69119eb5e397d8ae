"""Weeks with a daylight-saving change: shifts keep their length in real hours, coverage is
counted on the real clock, and the rules hold across the night the clocks change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scheduler.shifts import rules_from_dict, solve_schedule
from tests.scheduler.shifts.checker import check_schedule, recompute_coverage
from tests.scheduler.shifts.weeks import FAST, fake_kpis, rules_with

RULES = rules_with(
    shifts={"lengths_hours": [8], "start_step_minutes": 60, "breaks": []},
    week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 0, "max_hours": 168},
)


def _around_the_clock(monday: str) -> pd.DataFrame:
    first = pd.Timestamp(monday, tz="Europe/Berlin")
    starts = pd.date_range(first, first + pd.DateOffset(days=7), freq="60min", inclusive="left")
    return pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "scheduled_agents": 2.0,
            "target_service_level": 0.8,
        }
    )


@pytest.mark.parametrize(
    ("monday", "hours_in_week"),
    [("2026-10-19", 169), ("2026-03-23", 167)],
    ids=["clocks go back (25-hour Sunday)", "clocks go forward (23-hour Sunday)"],
)
def test_a_week_with_a_clock_change_is_covered_with_shifts_of_real_length(
    monday: str, hours_in_week: int
) -> None:
    needs = _around_the_clock(monday)
    assert len(needs) == hours_in_week
    result = solve_schedule(needs, rules_from_dict(RULES), options=FAST, kpis=fake_kpis)
    shifts = result.shifts
    assert check_schedule(shifts, RULES, pd.Timestamp(monday, tz="Europe/Berlin")) == []
    real_hours = (
        shifts["end"].dt.tz_convert("UTC") - shifts["start"].dt.tz_convert("UTC")
    ) / pd.Timedelta(hours=1)
    assert (real_hours == 8).all()
    sunday = shifts[shifts["start"].dt.day_of_week == 6]
    assert len(sunday) >= 6  # two agents around the 23- or 25-hour clock need three shifts each
    starts = [stamp.to_pydatetime() for stamp in needs["interval_start"]]
    recomputed = np.array(recompute_coverage(shifts, starts, 60, "voice"))
    reported = result.coverage["scheduled"].to_numpy()
    np.testing.assert_allclose(recomputed, reported)
    assert result.summary.shortfall_agent_hours == pytest.approx(
        float(np.maximum(needs["scheduled_agents"].to_numpy() - recomputed, 0).sum())
    )
