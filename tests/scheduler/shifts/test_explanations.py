"""Each explanation of an impossible schedule, triggered by a small case."""

import pytest

from scheduler.errors import InfeasibleScheduleError
from tests.scheduler.shifts.weeks import agents_table, requirements, rules_with, solve


def test_a_maximum_below_the_shortest_week_is_explained() -> None:
    needs = requirements([("voice", 0, "09:00", "18:00", 1)])
    rules = rules_with(
        shifts={"lengths_hours": [9]},
        week={"days_per_agent": 5, "consecutive_days_off": 2, "max_hours": 40},
    )
    with pytest.raises(
        InfeasibleScheduleError, match="40 h maximum with 5 days of 9 h shifts is impossible"
    ):
        solve(needs, rules)


def test_a_minimum_above_the_longest_week_is_explained() -> None:
    needs = requirements([("voice", 0, "09:00", "13:00", 1)])
    rules = rules_with(
        shifts={"lengths_hours": [4]},
        week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 30},
    )
    with pytest.raises(InfeasibleScheduleError, match="30 h minimum with 5 days of 4 h shifts"):
        solve(needs, rules)


def test_an_agent_whose_contract_cannot_fit_the_shifts_is_named() -> None:
    needs = requirements([("voice", 0, "09:00", "17:00", 1)])
    agents = agents_table([{"agent_id": "A7", "name": "Ana", "skills": "voice", "max_hours": "10"}])
    rules = rules_with(week={"days_per_agent": 2})
    with pytest.raises(
        InfeasibleScheduleError, match=r"agent A7 \(Ana\): 10 h maximum with 2 days"
    ):
        solve(needs, rules, agents)


def test_an_agent_available_on_too_few_days_is_named() -> None:
    needs = requirements([("voice", 0, "09:00", "17:00", 1)])
    agents = agents_table(
        [{"agent_id": "B2", "name": "Ben", "skills": "voice", "unavailable": "mon-tue"}]
    )
    rules = rules_with(
        week={"days_per_agent": 5, "consecutive_days_off": 2},
        hours={"voice": {"mon-fri": "07:00-22:00"}},
    )
    with pytest.raises(
        InfeasibleScheduleError,
        match=r"agent B2 \(Ben\) can work a whole shift only on 3 day.s. \(Wed, Thu, Fri\)",
    ):
        solve(needs, rules, agents)


def test_an_agent_without_any_needed_skill_is_named() -> None:
    needs = requirements([("voice", 0, "09:00", "17:00", 1)])
    agents = agents_table([{"agent_id": "C3", "name": "Chloe", "skills": "sms"}])
    with pytest.raises(
        InfeasibleScheduleError, match=r"has the skill.s. sms, but the requirements only have voice"
    ):
        solve(needs, rules_with(), agents)


def test_requirements_nobody_with_the_skill_can_cover_are_reported_in_words() -> None:
    needs = requirements([("chat", 6, "00:00", "16:00", 1), ("voice", 6, "08:00", "16:00", 1)])
    agents = agents_table(
        [
            {"agent_id": "V", "skills": "voice"},
            {"agent_id": "C", "skills": "chat", "unavailable": "sun 00:00-12:00"},
        ]
    )
    result = solve(needs, rules_with(shifts={"lengths_hours": [4]}), agents)
    assert "no agent with the chat skill is available on Sunday before 12:00" in (
        result.summary.warnings
    )


def test_requirements_outside_every_allowed_shift_are_reported_in_words() -> None:
    needs = requirements([("voice", 5, "18:00", "20:00", 1)])
    rules = rules_with(hours={"voice": {"sat-sun": "09:00-17:00"}})
    result = solve(needs, rules)
    assert result.shifts.empty
    assert result.summary.warnings == (
        "voice needs agents on Saturday 18:00-20:00, but no allowed shift covers that time "
        "(check the operating hours and shift lengths)",
        "voice: the projected service level over the week is 50.0%, below the 80.0% target",
        "voice: 2 of 168 intervals are short of the required agents (2.0 agent-hours in all): "
        "on Saturday 18:00-20:00",
    )
    assert result.summary.status == "feasible"
