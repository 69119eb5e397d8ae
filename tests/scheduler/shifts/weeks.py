"""Small weeks for the scheduling tests: requirements built from a few needs, rules as dicts."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from scheduler.shifts import (
    AGENT_COLUMNS,
    ScheduleResult,
    SolverOptions,
    agents_from_frame,
    rules_from_dict,
    solve_schedule,
)
from tests.scheduler.shifts.checker import check_schedule, recompute_coverage

WEEK_START = pd.Timestamp("2026-06-01", tz="Europe/Berlin")  # a Monday
FAST = SolverOptions(time_limit_seconds=30, workers=1, seed=0, deterministic_seconds=3.0)
COVERAGE_COLUMNS = [
    "interval_start",
    "channel",
    "required",
    "scheduled",
    "shortfall",
    "projected_service_level",
]
"""The coverage table's columns, in order: written out here rather than read from the
scheduler, so that a change to the contract fails the tests that check it."""
BASE_RULES: dict[str, Any] = {
    "shifts": {"lengths_hours": [8], "start_step_minutes": 60, "breaks": []},
    "week": {
        "days_per_agent": 1,
        "consecutive_days_off": 0,
        "min_hours": 0,
        "max_hours": 168,
        "min_rest_hours": 11,
    },
}


def rules_with(**sections: dict[str, Any]) -> dict[str, Any]:
    """The base rules with some settings replaced (``shifts={...}``, ``week={...}``, ...)."""
    rules = copy.deepcopy(BASE_RULES)
    for name, values in sections.items():
        if isinstance(rules.get(name), dict):
            rules[name].update(values)
        else:
            rules[name] = values
    return rules


def requirements(
    needs: list[tuple[str, int, str, str, int]], interval_minutes: int = 60
) -> pd.DataFrame:
    """A week of requirements: ``(channel, day, "09:00", "17:00", agents)`` per need."""
    starts = pd.date_range(
        WEEK_START, periods=7 * 1440 // interval_minutes, freq=f"{interval_minutes}min"
    )
    channels = sorted({need[0] for need in needs})
    frames = []
    for channel in channels:
        agents = np.zeros(len(starts))
        for name, day, begin, end, count in needs:
            if name != channel:
                continue
            first = day * 1440 + int(begin[:2]) * 60 + int(begin[3:])
            last = day * 1440 + int(end[:2]) * 60 + int(end[3:])
            agents[first // interval_minutes : last // interval_minutes] += count
        frames.append(
            channel_requirements(
                starts, channel, agents, "deferred" if channel == "email" else "erlang_c"
            )
        )
    return pd.concat(frames, ignore_index=True)


def channel_requirements(
    starts: pd.DatetimeIndex, channel: str, agents: np.ndarray, model: str = "erlang_c"
) -> pd.DataFrame:
    """One channel's requirements: ``agents`` per interval, ten contacts per agent, 80%."""
    return pd.DataFrame(
        {
            "interval_start": starts,
            "channel": channel,
            "volume": agents * 10,
            "scheduled_agents": agents,
            "model": model,
            "target_service_level": 0.8,
        }
    )


def fake_kpis(table: pd.DataFrame, present: np.ndarray) -> pd.DataFrame:
    """Service level 0.9 where the requirement is met, else 0.5 (a stand-in for the engine)."""
    met = present >= table["scheduled_agents"].to_numpy() - 1e-9
    return pd.DataFrame({"service_level": np.where(met, 0.9, 0.5)})


def solve(
    needs_table: pd.DataFrame,
    rules: dict[str, Any],
    agents: pd.DataFrame | None = None,
    options: SolverOptions = FAST,
) -> ScheduleResult:
    """Solve and check the result with the independent checker (rules and coverage)."""
    named = agents_from_frame(agents) if agents is not None else None
    result = solve_schedule(
        needs_table, rules_from_dict(rules), named, options=options, kpis=fake_kpis
    )
    problems = check_schedule(result.shifts, rules, WEEK_START.to_pydatetime(), agents)
    assert problems == []
    starts = sorted(needs_table["interval_start"].unique())
    interval = int((starts[1] - starts[0]).total_seconds() // 60)
    for channel in needs_table["channel"].unique():
        if channel == "email":
            continue
        recomputed = recompute_coverage(
            result.shifts, [pd.Timestamp(s).to_pydatetime() for s in starts], interval, channel
        )
        reported = result.coverage[result.coverage["channel"] == channel]["scheduled"]
        assert np.allclose(recomputed, reported.to_numpy())
    return result


def agents_table(rows: list[dict[str, str]]) -> pd.DataFrame:
    """An agents table with every optional column present."""
    return pd.DataFrame([{column: row.get(column, "") for column in AGENT_COLUMNS} for row in rows])


def local(shift_start: pd.Timestamp) -> str:
    """``'Mon 09:00'`` for a shift start."""
    return shift_start.strftime("%a %H:%M")
