"""Weekdays and windows read the same way in the rules, the targets' hours and the agents table
(:mod:`scheduler.calendar`), and one message builder for a table's problems."""

from __future__ import annotations

import pandas as pd
import pytest

from scheduler import calendar
from scheduler.errors import (
    MAX_REPORTED_ERRORS,
    InvalidAgentsError,
    InvalidRulesError,
    InvalidWorkloadError,
    table_problems,
)
from scheduler.shifts import agents_from_frame, rules_from_dict
from scheduler.staffing.hours import OperatingHours


def _rules_hours(spec: dict[str, str]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return rules_from_dict({"shifts": {"lengths_hours": [8]}, "hours": {"voice": spec}}).hours[
        "voice"
    ]


@pytest.mark.parametrize(
    ("words", "days"),
    [("daily", range(7)), ("all", range(7)), ("weekdays", range(5)), ("weekends", (5, 6))],
)
def test_day_words_mean_the_same_days_in_the_rules_and_the_targets_hours(
    words: str, days: range | tuple[int, ...]
) -> None:
    expected = tuple(((540, 1020),) if day in days else () for day in range(7))
    assert _rules_hours({words: "09:00-17:00"}) == expected
    assert OperatingHours.from_dict({words: "09:00-17:00"}).windows == expected


def test_a_range_may_wrap_past_sunday_and_lists_and_spaces_are_read() -> None:
    assert calendar.weekdays("fri-mon", "k", InvalidRulesError) == (0, 4, 5, 6)
    assert calendar.weekdays(" Sat , sun ", "k", InvalidRulesError) == (5, 6)


def test_an_overnight_window_ends_past_1440_in_the_rules_and_the_targets_hours() -> None:
    assert _rules_hours({"mon": "22:00-06:00"})[0] == ((1320, 1800),)
    hours = OperatingHours.from_dict({"mon": "22:00-06:00"})
    assert hours.windows[0] == ((1320, 1800),)
    starts = pd.Series(
        pd.to_datetime(
            ["2026-06-01 21:00", "2026-06-01 23:00", "2026-06-02 05:00", "2026-06-02 06:00"]
        )
    ).dt.tz_localize("Europe/Paris")
    assert hours.is_open(starts).tolist() == [False, True, True, False]


def test_the_whole_day_is_00_00_to_24_00_and_a_window_ending_where_it_starts_is_refused() -> None:
    assert calendar.window("00:00-24:00", "k", InvalidRulesError) == (0, 1440)
    with pytest.raises(InvalidRulesError, match=r"hours\.voice\.mon: '07:00-07:00' ends where it"):
        _rules_hours({"mon": "07:00-07:00"})
    with pytest.raises(InvalidWorkloadError, match="ends where it starts"):
        OperatingHours.from_dict({"mon": "07:00-07:00"}, error=InvalidWorkloadError)


def test_a_later_key_replaces_the_windows_of_the_days_it_names() -> None:
    spec = {"mon-fri": "07:00-22:00", "fri": "07:00-18:00, 19:00-21:00"}
    expected_friday = ((420, 1080), (1140, 1260))
    assert _rules_hours(spec)[4] == expected_friday
    assert _rules_hours(spec)[3] == ((420, 1320),)
    assert OperatingHours.from_dict(spec).windows[4] == expected_friday


def test_an_agent_window_past_midnight_blocks_the_early_hours_of_the_next_day() -> None:
    table = pd.DataFrame(
        {"agent_id": ["a1"], "skills": ["voice"], "unavailable": ["sun 22:00-06:00"]}
    )
    (agent,) = agents_from_frame(table)
    window = agent.unavailable_windows[0]
    assert (window.weekday, window.start_minute, window.end_minute) == (6, 1320, 1800)


@pytest.mark.parametrize("preferred", ["24:00", "8h", "08:60"])
def test_a_preferred_start_that_is_not_a_start_time_is_reported(preferred: str) -> None:
    table = pd.DataFrame({"agent_id": ["a1"], "skills": ["voice"], "preferred_start": [preferred]})
    with pytest.raises(InvalidAgentsError, match=f"column `preferred_start`: '{preferred}'"):
        agents_from_frame(table)


def test_a_table_s_problems_are_counted_and_the_first_fifty_listed() -> None:
    problems = [f"row {row}: bad" for row in range(1, MAX_REPORTED_ERRORS + 4)]
    error = table_problems(InvalidWorkloadError, "the workload", problems)
    assert isinstance(error, InvalidWorkloadError)
    assert str(error) == "the workload has 53 problem(s): row 1: bad (and 3 more)"
    assert error.errors == problems[:MAX_REPORTED_ERRORS]
    assert str(table_problems(InvalidRulesError, "the rules", ["x"])) == (
        "the rules has 1 problem(s): x"
    )
