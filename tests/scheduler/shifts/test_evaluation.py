"""Coverage of edited schedules, deferred absorption, determinism and a small named roster."""

import pandas as pd

from scheduler.shifts import SolverOptions, agents_from_frame, schedule_coverage
from tests.scheduler.shifts.weeks import (
    COVERAGE_COLUMNS,
    agents_table,
    fake_kpis,
    requirements,
    rules_with,
    solve,
)


def _edited_schedule() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": ["A", "B"],
            "channel": ["voice", "voice"],
            "start": ["2026-06-01T09:00:00+02:00", "2026-06-01T09:30:00+02:00"],
            "end": ["2026-06-01T17:00:00+02:00", "2026-06-01T13:30:00+02:00"],
            "paid_hours": [7.0, 4.0],
            "breaks": ["2026-06-01T12:00:00+02:00/2026-06-01T13:00:00+02:00", ""],
        }
    )


def test_an_edited_schedule_is_evaluated_net_of_breaks_and_partial_intervals() -> None:
    needs = requirements([("voice", 0, "09:00", "17:00", 2)])
    coverage = schedule_coverage(_edited_schedule(), needs, kpis=fake_kpis)
    monday = coverage.set_index(coverage["interval_start"].dt.strftime("%a %H:%M"))
    assert monday.loc["Mon 09:00", "scheduled"] == 1.5
    assert monday.loc["Mon 12:00", "scheduled"] == 1.0
    assert monday.loc["Mon 13:00", "scheduled"] == 1.5
    assert monday.loc["Mon 14:00", "shortfall"] == 1.0
    assert monday.loc["Mon 14:00", "projected_service_level"] == 0.5
    assert list(coverage.columns) == COVERAGE_COLUMNS


def test_idle_live_agents_absorb_deferred_work_only_with_the_skill() -> None:
    needs = requirements([("voice", 0, "09:00", "17:00", 1), ("email", 0, "09:00", "17:00", 1)])
    shifts = _edited_schedule()
    skilled = agents_table(
        [{"agent_id": "A", "skills": "voice|email"}, {"agent_id": "B", "skills": "voice|email"}]
    )
    unskilled = agents_table(
        [{"agent_id": "A", "skills": "voice"}, {"agent_id": "B", "skills": "voice"}]
    )
    with_skill = schedule_coverage(shifts, needs, agents=agents_from_frame(skilled), kpis=fake_kpis)
    without = schedule_coverage(shifts, needs, agents=agents_from_frame(unskilled), kpis=fake_kpis)
    email_at_ten = (with_skill["channel"] == "email") & (
        with_skill["interval_start"] == pd.Timestamp("2026-06-01T10:00", tz="Europe/Berlin")
    )
    assert with_skill.loc[email_at_ten, "scheduled"].item() == 1.0
    assert without.loc[email_at_ten, "scheduled"].item() == 0.0


def test_the_same_input_seed_and_workers_give_the_same_schedule() -> None:
    needs = requirements(
        [("voice", day, "07:00", "21:00", 2 + day % 3) for day in range(7)]
        + [("chat", day, "09:00", "17:00", 1) for day in range(5)]
    )
    rules = rules_with(
        shifts={"lengths_hours": [4, 6, 8]},
        week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 20, "max_hours": 40},
    )
    options = SolverOptions(workers=2, seed=3, deterministic_seconds=2.0)
    first = solve(needs, rules, options=options)
    second = solve(needs, rules, options=options)
    pd.testing.assert_frame_equal(first.shifts, second.shifts)
    assert first.summary.gap_percent >= 0
    assert first.summary.lower_bound_hours <= first.summary.paid_hours


def test_a_named_roster_covers_a_small_two_channel_week_legally() -> None:
    needs = requirements(
        [("voice", day, "07:00", "19:00", 2) for day in range(7)]
        + [("chat", day, "09:00", "17:00", 1) for day in range(7)]
    )
    agents = agents_table(
        [
            {
                "agent_id": f"A{i}",
                "skills": "voice|chat" if i % 2 else "voice",
                "preferred_start": "07:00" if i < 3 else "",
            }
            for i in range(8)
        ]
    )
    rules = rules_with(
        shifts={"lengths_hours": [4, 6, 8]},
        week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 24, "max_hours": 40},
    )
    result = solve(needs, rules, agents)
    assert set(result.shifts["agent_id"]) <= {f"A{i}" for i in range(8)}
    assert result.summary.shortfall_agent_hours <= 8
