"""The independent checker itself: a hand-made week that breaks each rule once must be
reported rule by rule, in order, or the checker could pass schedules it should not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from tests.scheduler.shifts.checker import check_schedule

RULES: dict[str, Any] = {
    "shifts": {
        "lengths_hours": [8],
        "start_step_minutes": 60,
        "breaks": [{"minutes": 30, "after_hours": [3, 5], "paid": False, "min_shift_hours": 6}],
    },
    "week": {
        "days_per_agent": 3,
        "consecutive_days_off": 3,
        "min_hours": 20,
        "max_hours": 30,
        "min_rest_hours": 11,
    },
    "hours": {"voice": {"mon-fri": "08:00-18:00"}},
}
MONDAY = datetime.fromisoformat("2026-06-01T00:00:00+02:00")


def _shift(agent: str, start: str, end: str, breaks: str, paid: float) -> dict[str, object]:
    return {
        "agent_id": agent,
        "channel": "voice",
        "start": start,
        "end": end,
        "paid_hours": paid,
        "breaks": breaks,
    }


def _lunch(day: str, begin: str = "12:00", end: str = "12:30") -> str:
    return f"2026-06-{day}T{begin}:00+02:00/2026-06-{day}T{end}:00+02:00"


def _day(day: str, begin: str, end: str) -> tuple[str, str]:
    return f"2026-06-{day}T{begin}:00+02:00", f"2026-06-{day}T{end}:00+02:00"


SHIFTS = pd.DataFrame(
    [
        # A: off the start step, then a second shift the same day: no rest, no break, out of hours
        _shift("A", *_day("01", "09:30", "17:30"), _lunch("01", "13:00", "13:30"), 7.5),
        _shift("A", "2026-06-01T20:00:00+02:00", "2026-06-02T04:00:00+02:00", "", 8.0),
        # B: a 7-hour shift with its break too early and the paid hours wrong
        _shift("B", *_day("02", "09:00", "16:00"), _lunch("02", "09:30", "10:00"), 7.0),
        # B: a 20-minute break, then a break that runs past the shift's end
        _shift("B", *_day("03", "10:00", "18:00"), _lunch("03", "13:00", "13:20"), 7.5),
        _shift("B", *_day("05", "08:00", "16:00"), _lunch("05", "15:50", "16:20"), 7.5),
        # C: named, works voice without the skill on a day they are not available
        _shift("C", *_day("04", "09:00", "17:00"), _lunch("04"), 7.5),
        # E: three legal shifts, but the days off hold no three in a row
        _shift("E", *_day("01", "09:00", "17:00"), _lunch("01"), 7.5),
        _shift("E", *_day("03", "09:00", "17:00"), _lunch("03"), 7.5),
        _shift("E", *_day("05", "09:00", "17:00"), _lunch("05"), 7.5),
    ]
)
AGENTS = pd.DataFrame(
    [
        {
            "agent_id": "C",
            "skills": "chat",
            "min_hours": "",
            "max_hours": "",
            "unavailable": "thu",
            "time_off": "",
        }
    ]
)


def test_a_legal_week_has_no_problems() -> None:
    legal = SHIFTS[SHIFTS["agent_id"] == "E"].iloc[:2]
    rules = {**RULES, "week": {**RULES["week"], "days_per_agent": 2, "min_hours": 10}}
    assert check_schedule(legal, rules, MONDAY) == []


def test_each_broken_rule_is_reported_shift_by_shift_then_agent_by_agent() -> None:
    assert check_schedule(SHIFTS, RULES, MONDAY, AGENTS) == [
        "A: shift starts at 09:30:00, off the step",
        "A: shift 2026-06-01 20:00:00+02:00 has 0 breaks",
        "A: voice shift 2026-06-01 20:00:00+02:00 outside hours",
        "B: shift 2026-06-02 09:00:00+02:00 is 7.0 h long",
        "B: break at 0.5 h outside [3, 5]",
        "B: paid_hours 7.0 != 6.5",
        "B: break 2026-06-03 13:00:00+02:00 has the wrong length",
        "B: break at 7.833333333333333 h outside [3, 5]",
        "B: break 2026-06-05 15:50:00+02:00 ends after the shift",
        "A: works days [0, 0], expected 3 days",
        "A: 15.5 paid hours not in [20.0, 30.0]",
        "A: only 2.5 h rest before 2026-06-01 20:00:00+02:00",
        "A: only 2.5 h rest before 2026-06-08 20:00:00+02:00",  # the same gap, a week on
        "C: works days [3], expected 3 days",
        "C: 7.5 paid hours not in [20.0, 30.0]",
        "C: works 2026-06-04 09:00:00+02:00 while unavailable or on time off",
        "C: works voice without the skill",
        "E: days off [1, 3, 5, 6] have no 3 in a row",
    ]
