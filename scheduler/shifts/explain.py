"""Why a schedule cannot meet the rules, in a manager's words.

Checks before solving raise :class:`~scheduler.errors.InfeasibleScheduleError` when the rules
contradict each other (``"40 h maximum with 5 days of 9 h shifts is impossible"``) or an agent
cannot be given a legal week. Requirements that no legal shift or available agent can cover do
not stop the schedule (coverage is soft); they come back as warnings in the same words
(``"no agent with the chat skill is available on Sunday before 12:00"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scheduler.arrays import BoolArray, FloatArray
from scheduler.calendar import MINUTES_PER_DAY
from scheduler.errors import InfeasibleScheduleError
from scheduler.shifts.agents import Agent, availability, hour_limits
from scheduler.shifts.rules import Rules
from scheduler.shifts.templates import Templates, Week, agent_patterns, day_patterns

MAX_WARNINGS = 20


def _hours(value: float) -> str:
    return f"{value:g} h"


def check_rules(rules: Rules) -> None:
    """Raise if no agent's week can satisfy the week rules with the allowed shift lengths.

    Raises:
        InfeasibleScheduleError: naming the rules that conflict and how to relax them.
    """
    check_hours(rules, rules.week.min_hours, rules.week.max_hours, rules.week.days_per_agent, "")


def check_hours(rules: Rules, low: float, high: float, days: int, who: str) -> None:
    """Raise if ``days`` shifts of the allowed lengths cannot pay between ``low`` and ``high``.

    Raises:
        InfeasibleScheduleError: e.g. "40 h maximum with 5 days of 9 h shifts is impossible".
    """
    if days == 0:
        return
    paid = sorted(rules.shifts.paid_hours(length) for length in rules.shifts.lengths_hours)
    lengths = sorted(rules.shifts.lengths_hours)
    prefix = f"{who}: " if who else ""
    if days * paid[0] > high + 1e-9:
        raise InfeasibleScheduleError(
            f"{prefix}{_hours(high)} maximum with {days} days of {lengths[0]:g} h shifts is "
            f"impossible: the shortest shift pays {_hours(paid[0])}, so {days} days pay at least "
            f"{_hours(days * paid[0])}; allow shorter shifts, fewer days or more hours"
        )
    if days * paid[-1] < low - 1e-9:
        raise InfeasibleScheduleError(
            f"{prefix}{_hours(low)} minimum with {days} days of {lengths[-1]:g} h shifts is "
            f"impossible: the longest shift pays {_hours(paid[-1])}, so {days} days pay at most "
            f"{_hours(days * paid[-1])}; allow longer shifts, more days or fewer hours"
        )


def _day_names(week: Week, days: Sequence[int]) -> str:
    return ", ".join(week.day_name(day)[:3] for day in days) or "none"


def check_agents(agents: Sequence[Agent], rules: Rules, week: Week, templates: Templates) -> None:
    """Raise if a named agent cannot be given a legal week.

    Raises:
        InfeasibleScheduleError: naming the agent and the rule that blocks them.
    """
    problems: list[str] = []
    for agent in agents:
        who = f"agent {agent.agent_id} ({agent.name})"
        free = availability(agent, week)
        skills = [
            templates.channels.index(skill) for skill in agent.skills if skill in templates.channels
        ]
        if not skills:
            problems.append(
                f"{who} has the skill(s) {', '.join(sorted(agent.skills))}, but the requirements "
                f"only have {', '.join(templates.channels)}"
            )
            continue
        doubled = np.concatenate([free, free]).astype(np.int64)
        prefix = np.concatenate([[0], np.cumsum(doubled)])
        inside = prefix[templates.start + templates.length] - prefix[templates.start] == (
            templates.length
        )
        workable = inside & np.isin(templates.channel, skills)
        days = sorted({int(day) for day in templates.day[workable]})
        free_mask = sum(1 << day for day in range(7) if free[week.day == day].any())
        need = int(
            agent_patterns(rules.week.days_per_agent, rules.week.consecutive_days_off, free_mask)
            .sum(axis=1)
            .max(initial=0)
        )
        mask = sum(1 << day for day in days)
        if len(days) < need or not len(day_patterns(need, rules.week.consecutive_days_off, mask)):
            problems.append(
                f"{who} can work a whole shift only on {len(days)} day(s) "
                f"({_day_names(week, days)}) given their availability and the operating hours, "
                f"but the rules ask for {need} days with {rules.week.consecutive_days_off} "
                "consecutive days off"
            )
            continue
        low, high = hour_limits(agent, rules, need)
        try:
            check_hours(rules, low, high, need, who)
        except InfeasibleScheduleError as error:
            problems.append(str(error))
    if problems:
        raise InfeasibleScheduleError(problems[0], problems)


def _windows(week: Week, mask: BoolArray) -> list[str]:
    """Contiguous runs of ``mask`` per day, in words."""
    phrases: list[str] = []
    step = week.interval_minutes
    for day in range(7):
        positions = np.flatnonzero(mask & (week.day == day))
        if not len(positions):
            continue
        runs = np.split(positions, np.flatnonzero(np.diff(positions) != 1) + 1)
        for run in runs:
            start = int(week.minute[run[0]])
            end = int(week.minute[run[-1]]) + step
            name = week.day_name(day)
            if start == 0 and end >= MINUTES_PER_DAY:
                phrases.append(f"all day on {name}")
            elif start == 0:
                phrases.append(f"on {name} before {end // 60:02d}:{end % 60:02d}")
            elif end >= MINUTES_PER_DAY:
                phrases.append(f"on {name} after {start // 60:02d}:{start % 60:02d}")
            else:
                phrases.append(
                    f"on {name} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
                )
    return phrases


def coverage_warnings(
    required: np.ndarray,
    week: Week,
    templates: Templates,
    agents: Sequence[Agent] | None,
) -> list[str]:
    """Requirements that no legal shift, or no available agent with the skill, can cover."""
    warnings: list[str] = []
    size = week.size
    for channel_index, channel in enumerate(templates.channels):
        needed = required[channel_index] > 0
        members = np.flatnonzero(templates.channel == channel_index)
        reachable = np.zeros(size, dtype=bool)
        for template in members.tolist():
            start, length = int(templates.start[template]), int(templates.length[template])
            reachable[(start + np.arange(length)) % size] = True
        for phrase in _windows(week, needed & ~reachable):
            warnings.append(
                f"{channel} needs agents {phrase}, but no allowed shift covers that time "
                "(check the operating hours and shift lengths)"
            )
        if agents is None:
            continue
        skilled = [agent for agent in agents if channel in agent.skills]
        present = np.zeros(size, dtype=bool)
        for agent in skilled:
            present |= availability(agent, week)
        for phrase in _windows(week, needed & reachable & ~present):
            warnings.append(f"no agent with the {channel} skill is available {phrase}")
    return warnings[:MAX_WARNINGS]


SHOWN_WINDOWS = 3
"""Times of day named in a shortfall warning before the rest are counted."""


@dataclass(frozen=True)
class ServiceTarget:
    """A channel's service target as the summary reads it.

    Attributes:
        share: the share of contacts to answer in time (0-1): the target service level of a
            live channel, the response share of a deferred one.
        deferred: whether the channel is worked from a backlog (email).
        within_seconds: the time the share is judged against (answer seconds of a live
            channel, response hours of a deferred one, in seconds); NaN when unknown.
    """

    share: float
    deferred: bool
    within_seconds: float = float("nan")

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError(f"a target share must lie between 0 and 1, not {self.share!r}")


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def service_warnings(
    levels: Mapping[str, float], targets: Mapping[str, ServiceTarget]
) -> list[str]:
    """A sentence per channel whose projected service level over the week is below its target.

    Args:
        levels: projected service level per channel over the week (NaN: nothing projected).
        targets: each channel's target; channels without one are not judged.

    Returns:
        e.g. "email: 8.5% of contacts are projected to be answered within 4 h over the week,
        below the 90.0% target" (the same words for a live channel, with its answer time).
    """
    warnings = []
    for channel, level in sorted(levels.items()):
        target = targets.get(channel)
        if target is None or np.isnan(level) or level >= target.share - 1e-9:
            continue
        if np.isnan(target.within_seconds):
            what = f"the projected service level over the week is {_percent(level)}"
        else:
            what = (
                f"{_percent(level)} of contacts are projected to be answered within "
                f"{_duration(target.within_seconds)} over the week"
            )
        warnings.append(f"{channel}: {what}, below the {_percent(target.share)} target")
    return warnings


def shortfall_warnings(short: FloatArray, week: Week, channels: Sequence[str]) -> list[str]:
    """A sentence per channel with intervals short of the required agents: how many, how many
    agent-hours, and the first few times in words.

    Args:
        short: ``short[c, t]``, agents missing in interval ``t`` of ``channels[c]`` (may be
            fractional: an agent on a break for half the interval counts 0.5).
        week: the week's intervals.
        channels: the channels, in the order of ``short``'s rows.

    Returns:
        e.g. "voice: 4 of 168 intervals are short of the required agents (6.0 agent-hours in
        all): on Monday 09:00-11:00; on Tuesday before 02:00".
    """
    warnings = []
    interval_hours = week.interval_minutes / 60
    for index, channel in enumerate(channels):
        missing = short[index] > 1e-6
        if not missing.any():
            continue
        hours = float(short[index][missing].sum()) * interval_hours
        phrases = _windows(week, missing)
        shown = "; ".join(phrases[:SHOWN_WINDOWS])
        if len(phrases) > SHOWN_WINDOWS:
            shown += f"; and {len(phrases) - SHOWN_WINDOWS} more"
        warnings.append(
            f"{channel}: {int(missing.sum())} of {week.size} intervals are short of the required "
            f"agents ({hours:.1f} agent-hours in all): {shown}"
        )
    return warnings
