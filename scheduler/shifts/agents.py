"""Named agents: parsed from a table (the api layer reads the CSV) into value objects.

Columns (``agent_id`` and ``skills`` required, the others optional):

================  ===========================================================================
column            meaning
================  ===========================================================================
``agent_id``      unique id, printed in the schedule
``name``          display name
``skills``        channels the agent may serve, separated by ``|``: ``voice|chat``
``min_hours``     contract minimum paid hours per week (default: the rules' ``week.min_hours``)
``max_hours``     contract maximum paid hours per week (default: the rules' ``week.max_hours``)
``unavailable``   ``;``-separated: weekdays (``sun``), weekday windows (``mon-fri 00:00-07:00``)
                  or dates (``2026-06-03``) when the agent never works
``time_off``      ``;``-separated approved time off: dates or ranges ``2026-06-05/2026-06-07``
``preferred_start``  preferred start time of day, ``08:00`` (a soft wish)
================  ===========================================================================

Time off is treated as approved (hard). When time off or unavailability leaves fewer days
than ``days_per_agent`` (or splits the block of consecutive days off), the agent works as many
days as still allow a legal block of days off, and the minimum hours shrink in proportion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from scheduler import calendar
from scheduler.arrays import BoolArray
from scheduler.calendar import MINUTES_PER_DAY
from scheduler.errors import InvalidAgentsError, table_problems
from scheduler.shifts.rules import Rules
from scheduler.shifts.templates import Week


@dataclass(frozen=True)
class WeekdayWindow:
    """A recurring window on a weekday (Monday = 0), in minutes of the day (end may pass 1440)."""

    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class Agent:
    """A named agent and their contract, availability and wishes."""

    agent_id: str
    name: str
    skills: frozenset[str]
    min_hours: float | None = None
    max_hours: float | None = None
    unavailable_windows: tuple[WeekdayWindow, ...] = ()
    unavailable_dates: frozenset[date] = frozenset()
    time_off: frozenset[date] = frozenset()
    preferred_start_minute: int | None = None

    def __post_init__(self) -> None:
        if not self.agent_id:
            raise InvalidAgentsError("agent_id: is empty")
        if not self.skills:
            raise InvalidAgentsError(f"agent {self.agent_id}: skills is empty")
        low = 0.0 if self.min_hours is None else self.min_hours
        high = 168.0 if self.max_hours is None else self.max_hours
        if not 0 <= low <= high <= 168:
            raise InvalidAgentsError(
                f"agent {self.agent_id}: min_hours {low:g} and max_hours {high:g} must satisfy "
                "0 <= min_hours <= max_hours <= 168"
            )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _hours(raw: object, column: str, row: int, errors: list[str]) -> float | None:
    text = _text(raw).strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(f"row {row}, column `{column}`: {text!r} is not a number of hours")
        return None
    if not 0 <= value <= 168:
        errors.append(f"row {row}, column `{column}`: {value:g} must be between 0 and 168")
        return None
    return value


def _unavailable(
    raw: object, row: int, errors: list[str]
) -> tuple[tuple[WeekdayWindow, ...], frozenset[date]]:
    windows: list[WeekdayWindow] = []
    dates: set[date] = set()
    for item in filter(None, (piece.strip() for piece in _text(raw).split(";"))):
        where = f"row {row}, column `unavailable`"
        try:
            dates.add(date.fromisoformat(item))
            continue
        except ValueError:
            pass
        days_text, _, window_text = item.partition(" ")
        try:
            days = calendar.weekdays(days_text, where, InvalidAgentsError)
            start, end = (
                calendar.window(window_text.strip(), where, InvalidAgentsError)
                if window_text.strip()
                else (0, MINUTES_PER_DAY)
            )
        except InvalidAgentsError:
            errors.append(
                f"{where}: {item!r} is not a date (2026-06-03), a weekday (sun) or a weekday "
                "window (mon-fri 00:00-07:00)"
            )
            continue
        windows.extend(WeekdayWindow(day, start, end) for day in days)
    return tuple(windows), frozenset(dates)


def _time_off(raw: object, row: int, errors: list[str]) -> frozenset[date]:
    days: set[date] = set()
    for item in filter(None, (piece.strip() for piece in _text(raw).split(";"))):
        first_text, _, last_text = item.partition("/")
        try:
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if last_text else first
        except ValueError:
            errors.append(
                f"row {row}, column `time_off`: {item!r} is not a date or a range like "
                "2026-06-05/2026-06-07"
            )
            continue
        if last < first:
            errors.append(f"row {row}, column `time_off`: {item!r} ends before it starts")
            continue
        days.update(first + timedelta(days=step) for step in range((last - first).days + 1))
    return frozenset(days)


AGENT_COLUMNS: Final = (
    "agent_id",
    "name",
    "skills",
    "min_hours",
    "max_hours",
    "unavailable",
    "time_off",
    "preferred_start",
)
"""The agents table's columns, in the order downloads write them; ``agent_id`` and ``skills``
are required, the rest may be empty."""


def agents_from_frame(table: pd.DataFrame) -> tuple[Agent, ...]:
    """Parse the agents table.

    Raises:
        InvalidAgentsError: listing every bad row, column and value (up to 50).
    """
    missing = [column for column in ("agent_id", "skills") if column not in table.columns]
    if missing:
        raise InvalidAgentsError(
            f"the agents table is missing the column(s) {', '.join(missing)}; expected "
            f"{', '.join(AGENT_COLUMNS)}"
        )
    errors: list[str] = []
    agents: list[Agent] = []
    seen: set[str] = set()
    for position, record in enumerate(table.to_dict("records")):
        row = position + 2
        agent_id = _text(record.get("agent_id")).strip()
        if not agent_id:
            errors.append(f"row {row}, column `agent_id`: is empty")
            continue
        if agent_id in seen:
            errors.append(f"row {row}, column `agent_id`: {agent_id!r} appears twice")
            continue
        seen.add(agent_id)
        skills = frozenset(
            skill.strip().lower()
            for skill in _text(record.get("skills")).split("|")
            if skill.strip()
        )
        if not skills:
            errors.append(f"row {row}, column `skills`: is empty; list channels like voice|chat")
        low = _hours(record.get("min_hours"), "min_hours", row, errors)
        high = _hours(record.get("max_hours"), "max_hours", row, errors)
        if low is not None and high is not None and low > high:
            errors.append(f"row {row}, columns `min_hours`/`max_hours`: {low:g} is above {high:g}")
            continue
        windows, dates = _unavailable(record.get("unavailable"), row, errors)
        preferred_text = _text(record.get("preferred_start")).strip()
        preferred: int | None = None
        if preferred_text:
            try:
                preferred = calendar.start_minute(
                    preferred_text, "preferred_start", InvalidAgentsError
                )
            except InvalidAgentsError:
                errors.append(
                    f"row {row}, column `preferred_start`: {preferred_text!r} is not a time "
                    "like 08:00"
                )
        if skills:
            agents.append(
                Agent(
                    agent_id=agent_id,
                    name=_text(record.get("name")).strip() or agent_id,
                    skills=skills,
                    min_hours=low,
                    max_hours=high,
                    unavailable_windows=windows,
                    unavailable_dates=dates,
                    time_off=_time_off(record.get("time_off"), row, errors),
                    preferred_start_minute=preferred,
                )
            )
    if errors:
        raise table_problems(InvalidAgentsError, "the agents table", errors)
    return tuple(agents)


def availability(agent: Agent, week: Week) -> BoolArray:
    """Per interval of ``week``, whether ``agent`` may be at work then."""
    free = np.ones(week.size, dtype=bool)
    weekdays = np.array([week.weekday(int(day)) for day in week.day])
    blocked_days = agent.unavailable_dates | agent.time_off
    for day, day_date in enumerate(week.dates):
        if day_date in blocked_days:
            free[week.day == day] = False
    for window in agent.unavailable_windows:
        free &= ~calendar.in_window(
            weekdays, week.minute, window.weekday, window.start_minute, window.end_minute
        )
    return free


def hour_limits(agent: Agent, rules: Rules, available_days: int) -> tuple[float, float]:
    """The agent's (min, max) paid hours this week; the minimum shrinks in proportion when
    the agent works fewer than ``days_per_agent`` days (``available_days``)."""
    low = rules.week.min_hours if agent.min_hours is None else agent.min_hours
    high = rules.week.max_hours if agent.max_hours is None else agent.max_hours
    days = rules.week.days_per_agent
    if available_days < days:
        low = low * available_days / days
    return low, high
