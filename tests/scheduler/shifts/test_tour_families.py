"""Whole agent weeks for the families of issue #12, each verified by the independent checker
(rules, per-agent contracts and availability, coverage recomputed from the rows): every
planned shift belongs to a legal week and the requirements are met where staff allow.

Hourly weeks keep these fast; ``benchmarks/schedule_optimizer.py`` runs the same families on
15-minute weeks at full size."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scheduler.shifts import SolverOptions, agents_from_frame, rules_from_dict, solve_schedule
from tests.scheduler.shifts.checker import check_schedule
from tests.scheduler.shifts.weeks import WEEK_START, channel_requirements, fake_kpis, solve

OPTIONS = SolverOptions(time_limit_seconds=60, workers=1, seed=0, deterministic_seconds=4.0)
LUNCH = [{"minutes": 60, "after_hours": [3, 5], "paid": False, "min_shift_hours": 6}]


def _week(peaks: dict[str, int], seed: int) -> pd.DataFrame:
    """A 24/7 hourly week per channel: two daily peaks, quiet nights, weekends at 55%."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range(WEEK_START, periods=168, freq="60min")
    hours = np.arange(24)
    frames = []
    for channel, peak in peaks.items():
        shape = (
            0.1 + np.exp(-(((hours - 10) / 2.5) ** 2)) + 0.8 * np.exp(-(((hours - 16) / 2.5) ** 2))
        )
        days = [shape / shape.max() * (1.0 if day < 5 else 0.55) for day in range(7)]
        curve = np.concatenate(days) * rng.normal(1.0, 0.05, 168)
        agents = np.round(curve / curve.max() * peak)
        frames.append(channel_requirements(starts, channel, agents))
    return pd.concat(frames, ignore_index=True)


def _rules(lengths: list[int], **week: float) -> dict[str, Any]:
    base: dict[str, Any] = {
        "days_per_agent": 5,
        "consecutive_days_off": 2,
        "min_hours": 30,
        "max_hours": 40,
        "min_rest_hours": 11,
    }
    base.update(week)
    return {
        "shifts": {"lengths_hours": lengths, "start_step_minutes": 60, "breaks": LUNCH},
        "week": base,
    }


def _roster(count: int, seed: int, *, channels: list[str], part_time_every: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        part = number % part_time_every == 0
        rows.append(
            {
                "agent_id": f"A{number:03d}",
                "name": f"Agent {number}",
                "skills": channels[number % len(channels)],
                "min_hours": 20 if part else "",
                "max_hours": 30 if part else "",
                "unavailable": rng.choice(["", "", "sat-sun", "mon-fri 00:00-07:00", "wed"]),
                "time_off": "2026-06-04/2026-06-05" if number % 9 == 0 else "",
                "preferred_start": "",
            }
        )
    return pd.DataFrame(rows)


def _short_share(result: Any, needs: pd.DataFrame) -> float:
    return float(result.coverage["shortfall"].sum() / needs["scheduled_agents"].sum())


def test_a_24_7_week_of_open_positions_is_met_by_legal_weeks_with_nothing_unassigned() -> None:
    needs = _week({"voice": 9}, seed=1)
    result = solve(needs, _rules([6, 8, 9, 10]), options=OPTIONS)
    assert result.summary.shortfall_agent_hours == 0
    assert result.summary.unassigned_shift_share == 0
    assert result.summary.lower_bound_hours <= result.summary.paid_hours + 1e-6
    assert result.shifts.groupby("agent_id").size().eq(5).all()


def test_four_ten_hour_days_a_week_are_scheduled_as_whole_weeks() -> None:
    needs = _week({"voice": 7}, seed=2)
    rules = _rules([10], days_per_agent=4, consecutive_days_off=3, min_hours=36, max_hours=36)
    result = solve(needs, rules, options=OPTIONS)
    assert result.summary.shortfall_agent_hours == 0
    assert result.shifts.groupby("agent_id")["paid_hours"].sum().eq(36).all()


def test_part_timers_keep_their_contracts_in_a_named_roster() -> None:
    needs = _week({"voice": 6}, seed=3)
    roster = _roster(24, seed=3, channels=["voice"], part_time_every=3)
    result = solve(needs, _rules([4, 6, 8, 9, 10]), roster, options=OPTIONS)
    # The checker holds each agent to their contract (a part-timer with fewer days available
    # to a proportionally lower minimum); here: part-timers never exceed their 30 h.
    paid = result.shifts.groupby("agent_id")["paid_hours"].sum()
    part_timers = roster.loc[roster["min_hours"] == 20, "agent_id"]
    assert paid.reindex(part_timers).dropna().le(30).all()
    assert paid.reindex(part_timers).dropna().gt(0).all()
    assert _short_share(result, needs) <= 0.01


def test_a_two_channel_roster_with_spare_hours_covers_the_week_without_breaking_a_rule() -> None:
    needs = _week({"voice": 5, "chat": 3}, seed=4)
    roster = _roster(32, seed=4, channels=["voice", "chat", "voice|chat"], part_time_every=5)
    rules = _rules([4, 6, 8, 9, 10])
    result = solve_schedule(
        needs, rules_from_dict(rules), agents_from_frame(roster), options=OPTIONS, kpis=fake_kpis
    )
    assert check_schedule(result.shifts, rules, WEEK_START.to_pydatetime(), roster) == []
    assert _short_share(result, needs) <= 0.01
    # Every agent with contracted hours works a week.
    assert set(result.shifts["agent_id"]) == set(roster["agent_id"])


def test_a_paid_hours_cap_is_kept_and_the_miss_is_said_in_words() -> None:
    needs = _week({"voice": 6}, seed=5)
    rules = _rules([6, 8, 9, 10])
    uncapped = solve(needs, rules, options=OPTIONS)
    cap = 0.8 * uncapped.summary.paid_hours
    capped = solve(needs, {**rules, "budget": {"max_paid_hours": cap}}, options=OPTIONS)
    assert capped.summary.paid_hours <= cap + 1e-6
    assert capped.summary.shortfall_agent_hours > 0
    assert any("short" in warning for warning in capped.summary.warnings)


def test_with_a_budget_the_missing_hours_go_where_they_cost_the_fewest_late_contacts() -> None:
    from scheduler.staffing import Targets
    from scheduler.staffing import requirements as staffing_requirements

    starts = pd.date_range(WEEK_START, periods=168, freq="60min")
    volume = np.zeros(168)
    volume[9:13] = 200.0  # Monday 09-13: busy
    volume[14:18] = 20.0  # Monday 14-18: quiet
    workload = pd.DataFrame(
        {"interval_start": starts, "channel": "voice", "volume": volume, "aht_seconds": 300.0}
    )
    targets = Targets.from_dict(
        {"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.0}}}
    )
    needs = staffing_requirements(workload, targets)
    rules = {
        "shifts": {"lengths_hours": [4], "start_step_minutes": 60, "breaks": []},
        "week": {"days_per_agent": 1, "consecutive_days_off": 0, "min_hours": 0},
    }
    busy = int(needs["scheduled_agents"].iloc[9])
    quiet = int(needs["scheduled_agents"].iloc[14])
    cap = 4 * (busy + quiet - 2)  # two agents short somewhere
    result = solve_schedule(
        needs,
        rules_from_dict({**rules, "budget": {"max_paid_hours": cap}}),
        options=OPTIONS,
    )
    assert result.summary.paid_hours <= cap
    short = result.coverage["shortfall"].to_numpy()
    # A missing agent in the busy hours leaves far more calls late than in the quiet ones.
    assert short[9:13].sum() < short[14:18].sum()
    assert check_schedule(result.shifts, rules, WEEK_START.to_pydatetime()) == []
