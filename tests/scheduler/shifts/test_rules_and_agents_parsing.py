"""Rules and agents tables: parsed into value objects, with errors that name field and value."""

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from scheduler.errors import InvalidAgentsError, InvalidRulesError
from scheduler.shifts import agents_from_frame, rules_from_dict
from tests.scheduler.shifts.weeks import agents_table

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


def test_the_sample_rules_parse_with_the_issue_example_values() -> None:
    rules = rules_from_dict(tomllib.loads((SAMPLE / "rules.toml").read_text()))
    assert list(rules.shifts.lengths_hours) == [4, 6, 8, 9, 10]
    assert [b.minutes for b in rules.shifts.breaks_for(8)] == [15, 30]
    assert [b.minutes for b in rules.shifts.breaks_for(4)] == [15]
    assert rules.shifts.paid_hours(8) == 7.5
    assert rules.week.min_rest_hours == 11
    assert rules.hours["voice"][0] == ((420, 1320),)
    assert rules.hours["voice"][6] == ((540, 1020),)


def test_operating_hours_may_run_past_midnight_and_unlisted_days_are_closed() -> None:
    rules = rules_from_dict(
        {"shifts": {"lengths_hours": [8]}, "hours": {"chat": {"fri": "22:00-06:00"}}}
    )
    assert rules.hours["chat"][4] == ((1320, 1800),)
    assert rules.hours["chat"][0] == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"shifts": {}}, "shifts.lengths_hours: missing"),
        ({"shifts": {"lengths_hours": [0]}}, "shifts.lengths_hours: 0 must be above 0"),
        ({"shifts": {"lengths_hours": [8], "start_step_minutes": 7}}, "start_step_minutes: 7"),
        ({"shifts": {"lengths_hours": "8"}}, "shifts.lengths_hours: '8' must be a list"),
        (
            {"shifts": {"lengths_hours": [8], "breaks": [{"minutes": 15, "after_hours": [2]}]}},
            r"shifts.breaks\[0\].after_hours: \[2.0\] must be \[earliest, latest\]",
        ),
        (
            {
                "shifts": {
                    "lengths_hours": [8],
                    "breaks": [
                        {"minutes": 30, "after_hours": [2, 4]},
                        {"minutes": 15, "after_hours": [3, 5]},
                    ],
                }
            },
            "overlaps the next break's window",
        ),
        ({"shifts": {"lengths_hours": [8]}, "week": {"days_per_agent": 9}}, "days_per_agent: 9"),
        (
            {"shifts": {"lengths_hours": [8]}, "week": {"min_hours": 40, "max_hours": 30}},
            r"week.min_hours: 40 must be between 0 and week.max_hours \(30\)",
        ),
        ({"shifts": {"lengths_hours": [8]}, "week": {"max_hour": 3}}, "week.max_hour: unknown"),
        (
            {"shifts": {"lengths_hours": [8]}, "hours": {"voice": {"mon": "7-22"}}},
            r"hours.voice.mon: '7-22' must be like '07:00-22:00'",
        ),
        (
            {"shifts": {"lengths_hours": [8]}, "hours": {"voice": {"monday": "07:00-22:00"}}},
            "hours.voice.monday: 'monday' must be weekdays",
        ),
        (
            {"shifts": {"lengths_hours": [8]}, "weights": {"shortfall_agent_hour": [50, 10]}},
            "must not decrease",
        ),
    ],
)
def test_bad_rules_name_the_field_and_value(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRulesError, match=message):
        rules_from_dict(data)


def test_the_sample_agents_parse() -> None:
    agents = agents_from_frame(pd.read_csv(SAMPLE / "agents.csv", dtype=str, keep_default_na=False))
    assert len(agents) >= 30
    assert all(agent.skills for agent in agents)


def test_agent_columns_are_parsed_into_windows_dates_and_times() -> None:
    (agent,) = agents_from_frame(
        agents_table(
            [
                {
                    "agent_id": "A1",
                    "name": "Ana",
                    "skills": "Voice|chat",
                    "min_hours": "20",
                    "max_hours": "30",
                    "unavailable": "sun; mon-fri 00:00-07:00; 2026-06-03",
                    "time_off": "2026-06-05/2026-06-06",
                    "preferred_start": "08:30",
                }
            ]
        )
    )
    assert agent.skills == {"voice", "chat"}
    assert (agent.min_hours, agent.max_hours) == (20, 30)
    assert len(agent.unavailable_windows) == 6
    assert {str(day) for day in agent.time_off} == {"2026-06-05", "2026-06-06"}
    assert agent.preferred_start_minute == 510


def test_every_bad_agent_row_is_reported_with_row_and_column() -> None:
    table = agents_table(
        [
            {"agent_id": "A1", "skills": "voice", "min_hours": "abc"},
            {"agent_id": "A1", "skills": "voice"},
            {"agent_id": "A3", "skills": "", "preferred_start": "25:00"},
            {"agent_id": "A4", "skills": "voice", "unavailable": "someday"},
            {"agent_id": "A5", "skills": "voice", "min_hours": "40", "max_hours": "30"},
        ]
    )
    with pytest.raises(InvalidAgentsError) as caught:
        agents_from_frame(table)
    errors = caught.value.errors
    assert "row 2, column `min_hours`: 'abc' is not a number of hours" in errors
    assert "row 3, column `agent_id`: 'A1' appears twice" in errors
    assert any(error.startswith("row 4, column `skills`: is empty") for error in errors)
    assert any(error.startswith("row 4, column `preferred_start`: '25:00'") for error in errors)
    assert any(error.startswith("row 5, column `unavailable`: 'someday'") for error in errors)
    assert "row 6, columns `min_hours`/`max_hours`: 40 is above 30" in errors


def test_time_off_that_splits_the_days_off_costs_a_working_day() -> None:
    from scheduler.shifts.templates import agent_patterns

    available = sum(1 << day for day in (0, 1, 3, 4, 5))  # off on Wednesday and Sunday
    patterns = agent_patterns(5, 2, available)
    assert patterns.sum(axis=1).tolist() == [4, 4, 4, 4]
    assert not patterns[:, 2].any()
    assert not patterns[:, 6].any()
