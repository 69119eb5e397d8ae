"""One small deterministic solve per scheduling rule, each with an exact expected outcome.

Every solve is also verified by the independent checker (``tests/scheduler/shifts/checker.py``):
all rules hold and the reported coverage matches a minute-by-minute recount.
"""

import pandas as pd

from tests.scheduler.shifts.weeks import agents_table, local, requirements, rules_with, solve


def _shift_spans(result_shifts: pd.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(
        (str(row["agent_id"]), local(row["start"]), local(row["end"]))
        for row in result_shifts.to_dict("records")
    )


def test_shifts_take_only_the_allowed_lengths() -> None:
    needs = requirements([("voice", 0, "09:00", "14:00", 1)])
    result = solve(needs, rules_with(shifts={"lengths_hours": [3, 5]}))
    assert _shift_spans(result.shifts) == [("open-1", "Mon 09:00", "Mon 14:00")]
    assert result.summary.shortfall_agent_hours == 0


def test_shifts_start_only_on_the_start_step() -> None:
    needs = requirements([("voice", 0, "09:00", "13:00", 1)])
    result = solve(needs, rules_with(shifts={"lengths_hours": [4], "start_step_minutes": 120}))
    assert all(start.hour % 2 == 0 for start in result.shifts["start"])
    assert result.summary.shortfall_agent_hours == 0
    assert result.summary.paid_hours == 8


def test_breaks_fall_inside_their_windows_and_unpaid_ones_reduce_paid_hours() -> None:
    needs = requirements([("voice", 0, "09:00", "15:00", 1)])
    breaks = [{"minutes": 60, "after_hours": [2, 3], "paid": False}]
    rules = rules_with(shifts={"lengths_hours": [6], "breaks": breaks})
    result = solve(needs, rules)
    # Meeting the requirement is the default: a second agent covers the first one's break.
    assert result.summary.shortfall_agent_hours == 0
    assert len(result.shifts) == 2
    for shift in result.shifts.itertuples():
        assert shift.paid_hours == 5
        start, end = (pd.Timestamp(value) for value in str(shift.breaks).split("/"))
        offset = (start - pd.Timestamp(str(shift.start))).total_seconds() / 3600
        assert 2 <= offset <= 3
        assert (end - start).total_seconds() == 3600


def test_each_agent_works_exactly_the_days_per_agent() -> None:
    needs = requirements([("voice", day, "09:00", "17:00", 1) for day in range(7)])
    result = solve(needs, rules_with(week={"days_per_agent": 3}))
    assert result.summary.headcount == 3
    assert result.shifts.groupby("agent_id").size().tolist() == [3, 3, 3]
    assert result.summary.shortfall_agent_hours == 0


def test_days_off_come_in_a_block_of_consecutive_days() -> None:
    needs = requirements([("voice", day, "09:00", "17:00", 2) for day in range(7)])
    result = solve(needs, rules_with(week={"days_per_agent": 5, "consecutive_days_off": 2}))
    for _, shifts in result.shifts.groupby("agent_id"):
        worked = sorted(shifts["start"].dt.day_of_week)
        off = [day for day in range(7) if day not in worked]
        assert len(off) == 2
        assert (off[1] - off[0]) % 7 in (1, 6)
    assert result.summary.shortfall_agent_hours == 0


def test_weekly_paid_hours_stay_within_the_minimum_and_maximum() -> None:
    needs = requirements([("voice", day, "08:00", "16:00", 1) for day in range(5)])
    rules = rules_with(
        shifts={"lengths_hours": [4, 8]},
        week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 36, "max_hours": 36},
    )
    result = solve(needs, rules)
    assert result.shifts.groupby("agent_id")["paid_hours"].sum().tolist() == [36.0] * (
        result.summary.headcount
    )
    assert sorted(result.shifts["paid_hours"]).count(4.0) == result.summary.headcount


def test_rest_between_shifts_holds_across_midnight() -> None:
    needs = requirements([("voice", 0, "14:00", "22:00", 1), ("voice", 1, "06:00", "14:00", 1)])
    agents = agents_table([{"agent_id": "A", "skills": "voice"}])
    rules = rules_with(week={"days_per_agent": 2, "min_rest_hours": 11})
    result = solve(needs, rules, agents)
    # One agent cannot close on Monday at 22:00 and open on Tuesday at 06:00 (8 h of rest).
    assert len(result.shifts) == 2
    starts = sorted(local(start) for start in result.shifts["start"])
    assert starts not in (["Mon 14:00", "Tue 06:00"],)
    assert result.summary.shortfall_agent_hours > 0


def test_rest_between_shifts_holds_across_the_week_boundary() -> None:
    needs = requirements(
        [
            ("voice", 6, "20:00", "24:00", 1),
            ("voice", 0, "00:00", "04:00", 1),
            ("voice", 0, "08:00", "16:00", 1),
        ]
    )
    agents = agents_table([{"agent_id": "A", "skills": "voice"}])
    rules = rules_with(week={"days_per_agent": 2, "min_rest_hours": 11})
    result = solve(needs, rules, agents)
    # Sunday 20:00-04:00 ends 4 h before Monday 08:00 of the (repeating) week: not both.
    spans = _shift_spans(result.shifts)
    assert not (
        ("A", "Sun 20:00", "Mon 04:00") in spans and ("A", "Mon 08:00", "Mon 16:00") in spans
    )
    assert result.summary.shortfall_agent_hours > 0


def test_a_shift_may_cross_midnight_and_cover_the_start_of_the_week() -> None:
    needs = requirements([("voice", 6, "20:00", "24:00", 1), ("voice", 0, "00:00", "04:00", 1)])
    result = solve(needs, rules_with())
    assert _shift_spans(result.shifts) == [("open-1", "Sun 20:00", "Mon 04:00")]
    assert result.summary.shortfall_agent_hours == 0


def test_agents_work_only_when_available() -> None:
    needs = requirements([("voice", 0, "09:00", "17:00", 1)])
    agents = agents_table(
        [
            {"agent_id": "A", "skills": "voice", "unavailable": "mon"},
            {"agent_id": "B", "skills": "voice", "unavailable": "tue-sun"},
        ]
    )
    result = solve(needs, rules_with(), agents)
    assert _shift_spans(result.shifts)[0] == ("B", "Mon 09:00", "Mon 17:00")


def test_agents_serve_only_channels_they_have_the_skill_for() -> None:
    needs = requirements([("chat", 0, "09:00", "17:00", 1), ("voice", 1, "09:00", "17:00", 1)])
    agents = agents_table(
        [{"agent_id": "V", "skills": "voice"}, {"agent_id": "C", "skills": "chat"}]
    )
    result = solve(needs, rules_with(), agents)
    assert sorted(zip(result.shifts["agent_id"], result.shifts["channel"], strict=True)) == [
        ("C", "chat"),
        ("V", "voice"),
    ]


def test_shifts_stay_inside_the_channel_operating_hours() -> None:
    needs = requirements([("voice", 0, "09:00", "15:00", 1)])
    rules = rules_with(shifts={"lengths_hours": [4]}, hours={"voice": {"mon": "10:00-14:00"}})
    result = solve(needs, rules)
    assert _shift_spans(result.shifts) == [("open-1", "Mon 10:00", "Mon 14:00")]
    assert result.summary.shortfall_agent_hours == 2
    assert any("Monday 09:00-10:00" in warning for warning in result.summary.warnings)
