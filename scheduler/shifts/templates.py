"""The week grid and the shift templates that the rules allow.

Time is counted in *positions*: the intervals of the week in order (0 .. T-1), so a shift of
8 hours always covers 8 real hours, also across a daylight-saving change. The week is cyclic:
a shift that starts on Sunday evening and runs past midnight covers the first intervals of
Monday — the assumption is that the schedule repeats, i.e. last week's Sunday shifts were the
same as this week's (the same assumption governs rest across the week boundary).

A *template* is one possible shift: channel, start position and length. Each break a template
carries may start at any interval of its window (Aykin's implicit break formulation); the
windows are ordered and disjoint, so any choice of break positions is legal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.calendar import MINUTES_PER_DAY, WEEKDAY_NAMES, WeekWindows, in_window
from scheduler.errors import InvalidRulesError, InvalidWorkloadError
from scheduler.shifts.rules import Rules

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


@overload
def rest_kept(end: IntArray, next_start: IntArray | int, rest_intervals: int) -> BoolArray: ...
@overload
def rest_kept(end: int, next_start: IntArray, rest_intervals: int) -> BoolArray: ...
@overload
def rest_kept(
    end: cp_model.LinearExpr | int, next_start: cp_model.LinearExpr | int, rest_intervals: int
) -> cp_model.BoundedLinearExpression: ...
def rest_kept(end: Any, next_start: Any, rest_intervals: int) -> Any:
    """Whether a shift starting at ``next_start`` leaves the minimum rest after one ending at
    ``end``: positions in the week's intervals, a start past the week's end counted a week
    later (the schedule repeats). The one statement of the rest rule: the roster's masks and
    CP-SAT rows, the tours' week search and the count model's aggregate rows all ask it, for
    numbers, arrays or CP-SAT expressions alike.
    """
    return next_start - end >= rest_intervals


@dataclass(frozen=True)
class Week:
    """The seven local days covered by the requirements, as a grid of intervals.

    Attributes:
        starts: start of every interval, timezone-aware, in order.
        interval_minutes: length of one interval.
        day: day index (0 = first day) of every interval.
        minute: local minute of the day of every interval.
        dates: the seven local dates.
    """

    starts: pd.DatetimeIndex
    interval_minutes: int
    day: IntArray
    minute: IntArray
    dates: tuple[date, ...]

    @property
    def size(self) -> int:
        """Number of intervals in the week."""
        return len(self.starts)

    def weekday(self, day: int) -> int:
        """Weekday (Monday = 0) of day index ``day``."""
        return self.dates[day % 7].weekday()

    def day_name(self, day: int) -> str:
        """English weekday name of day index ``day``."""
        return WEEKDAY_NAMES[self.weekday(day)]

    def end(self) -> pd.Timestamp:
        """End of the last interval."""
        return pd.Timestamp(self.starts[-1]) + pd.Timedelta(minutes=self.interval_minutes)


def week_of(interval_starts: pd.Series[pd.Timestamp] | pd.DatetimeIndex) -> Week:
    """The week grid of a set of timezone-aware interval starts (one full local week).

    Raises:
        InvalidWorkloadError: if the starts are naive, have gaps, or do not cover seven whole
            local days from midnight to midnight.
    """
    starts = pd.DatetimeIndex(pd.unique(pd.DatetimeIndex(interval_starts))).sort_values()
    if starts.tz is None:
        raise InvalidWorkloadError("interval_start must carry a UTC offset or time zone")
    if len(starts) < 2:
        raise InvalidWorkloadError("the requirements must cover one week; found one interval")
    gaps = np.round((starts[1:] - starts[:-1]).total_seconds() / 60).astype(np.int64)
    interval = int(gaps.min())
    if interval <= 0 or MINUTES_PER_DAY % interval:
        raise InvalidWorkloadError(
            f"intervals are {interval} minutes apart; the length must divide a day (15, 30, 60)"
        )
    holes = np.flatnonzero(gaps != interval)
    if holes.size:
        raise InvalidWorkloadError(
            f"the requirements have a gap after {starts[holes[0]].isoformat()}: every interval "
            "of the week needs a row (use 0 where no agent is needed)"
        )
    local_dates = [stamp.date() for stamp in starts]
    minutes = np.array([stamp.hour * 60 + stamp.minute for stamp in starts], dtype=np.int64)
    first, last = local_dates[0], local_dates[-1]
    ends_at_midnight = (minutes[-1] + interval) % MINUTES_PER_DAY == 0
    if minutes[0] != 0 or (last - first).days != 6 or not ends_at_midnight:
        raise InvalidWorkloadError(
            f"the requirements run from {starts[0].isoformat()} to {starts[-1].isoformat()}; "
            "a schedule needs exactly one week of intervals, from midnight of the first day to "
            "midnight after the seventh"
        )
    day = np.array([(value - first).days for value in local_dates], dtype=np.int64)
    return Week(
        starts=starts,
        interval_minutes=interval,
        day=day,
        minute=minutes,
        dates=tuple(first + timedelta(days=offset) for offset in range(7)),
    )


def open_mask(week: Week, windows: WeekWindows | None) -> BoolArray:
    """Which intervals of the week fall inside the operating hours (all, if ``None``)."""
    if windows is None:
        return np.ones(week.size, dtype=bool)
    mask = np.zeros(week.size, dtype=bool)
    weekdays = np.array([week.weekday(int(day)) for day in week.day], dtype=np.int64)
    for weekday, day_windows in enumerate(windows):
        for start, end in day_windows:
            mask |= in_window(weekdays, week.minute, weekday, start, end)
    return mask


def workable(
    templates: Templates, skills: frozenset[int], available: BoolArray, patterns: BoolArray
) -> BoolArray:
    """Templates an agent may work: one of their skills, wholly inside their availability, on
    a day some pattern of theirs works."""
    skill = np.isin(templates.channel, sorted(skills))
    doubled = np.concatenate([available, available]).astype(np.int64)
    prefix = np.concatenate([[0], np.cumsum(doubled)])
    inside = prefix[templates.start + templates.length] - prefix[templates.start] == (
        templates.length
    )
    days = np.asarray(patterns.any(axis=0))[templates.day]
    return np.asarray(skill & inside & days)


def fits(mask: BoolArray, starts: IntArray, length: int) -> BoolArray:
    """Whether the cyclic run ``[start, start + length)`` lies inside ``mask`` for each start."""
    doubled = np.concatenate([mask, mask]).astype(np.int64)
    prefix = np.concatenate([[0], np.cumsum(doubled)])
    return np.asarray(prefix[starts + length] - prefix[starts] == length)


@dataclass(frozen=True)
class Templates:
    """Every shift the rules allow, as columns.

    Attributes:
        channels: channel names; ``channel`` holds indexes into it.
        channel, start, length, day, paid_minutes: one entry per template (start and length
            in intervals; day is the day index of the start).
        option_template, option_break, option_offset, option_length, option_paid: one entry
            per (template, break, start offset) — where a break of a template may be placed,
            offsets and lengths in intervals from the shift start.
    """

    channels: tuple[str, ...]
    channel: IntArray
    start: IntArray
    length: IntArray
    day: IntArray
    paid_minutes: IntArray
    option_template: IntArray
    option_break: IntArray
    option_offset: IntArray
    option_length: IntArray
    option_paid: BoolArray

    @property
    def count(self) -> int:
        """Number of templates."""
        return len(self.start)

    def subset(self, keep: IntArray) -> Templates:
        """The templates at indexes ``keep`` (renumbered 0..), with their break options."""
        renumber = np.full(self.count, -1, dtype=np.int64)
        renumber[keep] = np.arange(len(keep))
        options = np.flatnonzero(renumber[self.option_template] >= 0)
        return self.select(keep, options, renumber[self.option_template[options]])

    def select(self, keep: IntArray, options: IntArray, option_owner: IntArray) -> Templates:
        """Templates ``keep`` (in that order, possibly repeated) carrying the break options
        ``options``, which belong to the new template numbers ``option_owner``."""
        return Templates(
            channels=self.channels,
            channel=self.channel[keep],
            start=self.start[keep],
            length=self.length[keep],
            day=self.day[keep],
            paid_minutes=self.paid_minutes[keep],
            option_template=np.asarray(option_owner, dtype=np.int64),
            option_break=self.option_break[options],
            option_offset=self.option_offset[options],
            option_length=self.option_length[options],
            option_paid=self.option_paid[options],
        )


def concatenate(first: Templates, second: Templates) -> Templates:
    """The templates of ``first`` followed by those of ``second`` (same channels)."""
    return Templates(
        channels=first.channels,
        channel=np.concatenate([first.channel, second.channel]),
        start=np.concatenate([first.start, second.start]),
        length=np.concatenate([first.length, second.length]),
        day=np.concatenate([first.day, second.day]),
        paid_minutes=np.concatenate([first.paid_minutes, second.paid_minutes]),
        option_template=np.concatenate(
            [first.option_template, second.option_template + first.count]
        ),
        option_break=np.concatenate([first.option_break, second.option_break]),
        option_offset=np.concatenate([first.option_offset, second.option_offset]),
        option_length=np.concatenate([first.option_length, second.option_length]),
        option_paid=np.concatenate([first.option_paid, second.option_paid]),
    )


def day_fillers(templates: Templates, required: FloatArray) -> Templates:
    """One template per channel, day and length — the one over the most required agents —
    with each break at the middle of its window: shifts a named agent can work to reach their
    days and hours when demand alone would not give them any."""
    size = required.shape[1]
    chosen: list[int] = []
    for key in sorted(
        set(
            zip(
                templates.channel.tolist(),
                templates.day.tolist(),
                templates.length.tolist(),
                strict=True,
            )
        )
    ):
        members = np.flatnonzero(
            (templates.channel == key[0]) & (templates.day == key[1]) & (templates.length == key[2])
        )
        covered = [
            required[key[0], (int(templates.start[m]) + np.arange(key[2])) % size].sum()
            for m in members.tolist()
        ]
        chosen.append(int(members[int(np.argmax(covered))]))
    subset = templates.subset(np.array(chosen, dtype=np.int64))
    keep = []
    for pair in np.unique(subset.option_template * 64 + subset.option_break):
        options = np.flatnonzero(subset.option_template * 64 + subset.option_break == pair)
        keep.append(int(options[len(options) // 2]))
    picked = np.array(sorted(keep), dtype=np.int64)
    return subset.select(np.arange(subset.count), picked, subset.option_template[picked])


def _intervals(minutes: float, interval_minutes: int, what: str) -> int:
    count = minutes / interval_minutes
    if abs(count - round(count)) > 1e-9:
        raise InvalidRulesError(
            f"{what}: {minutes:g} minutes is not a whole number of {interval_minutes}-minute "
            "intervals"
        )
    return round(count)


def shift_templates(week: Week, rules: Rules, channels: tuple[str, ...]) -> Templates:
    """All templates for ``channels``: every allowed start and length inside operating hours.

    Raises:
        InvalidRulesError: if lengths, start step or breaks do not fit the interval grid, or a
            break does not fit inside a shift length it applies to.
    """
    interval = week.interval_minutes
    if rules.interval_minutes is not None and rules.interval_minutes != interval:
        raise InvalidRulesError(
            f"interval_minutes: {rules.interval_minutes} does not match the requirements, whose "
            f"intervals are {interval} minutes long"
        )
    step = rules.shifts.start_step_minutes
    if step % interval:
        raise InvalidRulesError(
            f"shifts.start_step_minutes: {step} is not a multiple of the {interval}-minute interval"
        )
    candidate_starts = np.flatnonzero(week.minute % step == 0).astype(np.int64)
    columns: dict[str, list[IntArray]] = {key: [] for key in ("channel", "start", "length")}
    for index, name in enumerate(channels):
        mask = open_mask(week, rules.hours.get(name))
        for hours in rules.shifts.lengths_hours:
            span = _intervals(hours * 60, interval, f"shifts.lengths_hours {hours:g} h")
            starts = candidate_starts[fits(mask, candidate_starts, span)]
            columns["channel"].append(np.full(len(starts), index, dtype=np.int64))
            columns["start"].append(starts)
            columns["length"].append(np.full(len(starts), span, dtype=np.int64))
    channel = np.concatenate(columns["channel"])
    start = np.concatenate(columns["start"])
    length = np.concatenate(columns["length"])
    options: dict[str, list[IntArray]] = {key: [] for key in ("template", "break", "offset")}
    option_length: list[int] = []
    option_paid: list[bool] = []
    paid_minutes = length * interval
    for hours in rules.shifts.lengths_hours:
        length_intervals = round(hours * 60 / interval)
        members = np.flatnonzero(length == length_intervals)
        for number, rule in enumerate(rules.shifts.breaks):
            if hours < rule.min_shift_hours:
                continue
            duration = _intervals(rule.minutes, interval, f"shifts.breaks[{number}].minutes")
            first = math.ceil(rule.earliest_start_hours * 60 / interval - 1e-9)
            last = min(
                math.floor(rule.latest_start_hours * 60 / interval + 1e-9),
                length_intervals - duration,
            )
            if last < first:
                raise InvalidRulesError(
                    f"shifts.breaks[{number}]: the {rule.minutes}-minute break starting "
                    f"{rule.earliest_start_hours:g}-{rule.latest_start_hours:g} h into the shift "
                    f"does not fit in a {hours:g} h shift; set min_shift_hours on the break"
                )
            offsets = np.arange(first, last + 1, dtype=np.int64)
            options["template"].append(np.repeat(members, len(offsets)))
            options["break"].append(np.full(len(members) * len(offsets), number, np.int64))
            options["offset"].append(np.tile(offsets, len(members)))
            option_length.extend([duration] * (len(members) * len(offsets)))
            option_paid.extend([rule.paid] * (len(members) * len(offsets)))
            if not rule.paid:
                paid_minutes[members] -= rule.minutes
    empty = np.zeros(0, dtype=np.int64)
    return Templates(
        channels=channels,
        channel=channel,
        start=start,
        length=length,
        day=week.day[start] if len(start) else empty,
        paid_minutes=paid_minutes,
        option_template=np.concatenate(options["template"]) if options["template"] else empty,
        option_break=np.concatenate(options["break"]) if options["break"] else empty,
        option_offset=np.concatenate(options["offset"]) if options["offset"] else empty,
        option_length=np.array(option_length, dtype=np.int64),
        option_paid=np.array(option_paid, dtype=bool),
    )


def day_patterns(
    days_per_agent: int, consecutive_days_off: int, available: int = 0b1111111
) -> BoolArray:
    """All weekly on/off patterns: ``min(days_per_agent, available days)`` working days among
    the ``available`` ones (bit d = day index d) whose days off contain a run of at least
    ``consecutive_days_off`` consecutive days, counted cyclically (Sunday-Monday counts).

    Returns:
        A boolean array of shape (patterns, 7), in a fixed order.
    """
    free = [day for day in range(7) if available >> day & 1]
    days = min(days_per_agent, len(free))
    patterns: list[list[bool]] = []
    for bits in range(128):
        on = [bool(bits >> day & 1) for day in range(7)]
        if sum(on) != days or any(on[day] and day not in free for day in range(7)):
            continue
        need = min(consecutive_days_off, 7 - days)
        run, best = 0, 0
        for day in range(14):
            run = 0 if on[day % 7] else run + 1
            best = max(best, run)
        if best >= need:
            patterns.append(on)
    return np.array(patterns, dtype=bool).reshape(-1, 7)


def agent_patterns(days_per_agent: int, consecutive_days_off: int, available: int) -> BoolArray:
    """The day patterns of an agent available on the days in bitmask ``available``: as many
    working days as possible up to ``days_per_agent`` such that the days off (time off
    included) still hold ``consecutive_days_off`` in a row — a day of time off that splits the
    block of days off costs a working day, as a planner would do it."""
    for days in range(days_per_agent, 0, -1):
        patterns = day_patterns(days, consecutive_days_off, available)
        if len(patterns):
            return patterns
    return day_patterns(0, 0, available)
