"""An independent checker of schedules: re-derives every rule and the coverage from the
schedule rows and the raw rules mapping, without using any scheduler code."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Hashable, Mapping
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _stamp(value: Any) -> datetime:
    stamp = pd.Timestamp(value)
    assert stamp.tzinfo is not None, f"{value} has no UTC offset"
    return stamp.to_pydatetime()


def _elapsed_hours(start: datetime, end: datetime) -> float:
    """Hours between two aware times on the clock of the world (Python subtracts aware times
    of one zone on the wall clock, which is an hour off across a DST change)."""
    return (pd.Timestamp(end).tz_convert("UTC") - pd.Timestamp(start).tz_convert("UTC")) / (
        pd.Timedelta(hours=1)
    )


def _breaks(text: Any) -> list[tuple[datetime, datetime]]:
    if not isinstance(text, str) or not text:
        return []
    pairs = []
    for item in text.split(";"):
        start, end = item.split("/")
        pairs.append((_stamp(start), _stamp(end)))
    return pairs


def _open_minutes(spec: Mapping[str, str], weekday: int) -> list[tuple[int, int]]:
    """Windows (start, end minute, end may pass 1440) that start on ``weekday``."""
    windows = []
    for days, text in spec.items():
        chosen: set[int] = set()
        for part in days.split(","):
            ends = part.strip().split("-")
            first, last = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
            chosen.update((first + k) % 7 for k in range((last - first) % 7 + 1))
        if weekday not in chosen or text == "closed":
            continue
        for piece in text.split(","):
            a, b = piece.split("-")
            start = int(a[:2]) * 60 + int(a[3:])
            end = int(b[:2]) * 60 + int(b[3:])
            windows.append((start, end if end > start else end + 1440))
    return windows


def check_schedule(
    shifts: pd.DataFrame,
    rules: Mapping[str, Any],
    week_start: datetime,
    agents: pd.DataFrame | None = None,
) -> list[str]:
    """Every rule violation in ``shifts`` (an empty list when the schedule is legal): each
    shift's own rules row by row, then each agent's week, agents in the order they first
    appear."""
    problems: list[str] = []
    by_agent: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    paid_by_agent: dict[str, float] = defaultdict(float)
    for row in shifts.to_dict("records"):
        start, end = _stamp(row["start"]), _stamp(row["end"])
        problems += _shift_problems(row, start, end, rules)
        by_agent[row["agent_id"]].append((start, end))
        paid_by_agent[row["agent_id"]] += row["paid_hours"]
    records: dict[str, dict[str, Any]] = {}
    if agents is not None:
        for raw in agents.to_dict("records"):
            records[str(raw["agent_id"])] = {str(k): v for k, v in raw.items()}
    for agent_id, spans in by_agent.items():
        spans.sort()
        record = records.get(agent_id, {})
        problems += _week_problems(
            agent_id, spans, paid_by_agent[agent_id], record, rules, week_start
        )
        if record:
            problems += _unavailable_work(agent_id, spans, record)
            problems += _missing_skills(agent_id, shifts, record)
    return problems


def _shift_problems(
    row: Mapping[Hashable, Any], start: datetime, end: datetime, rules: Mapping[str, Any]
) -> list[str]:
    """One shift's own rules: length, start step, breaks, paid hours, operating hours."""
    shift_rules = rules["shifts"]
    agent_id = row["agent_id"]
    hours = _elapsed_hours(start, end)
    applicable = [b for b in shift_rules.get("breaks", []) if hours >= b.get("min_shift_hours", 0)]
    taken = sorted(_breaks(row["breaks"]))
    return [
        *_shift_length(agent_id, start, hours, shift_rules),
        *_start_step(agent_id, start, shift_rules),
        *_break_placement(agent_id, start, end, applicable, taken),
        *_paid_hours(agent_id, row["paid_hours"], hours - _unpaid_hours(applicable, taken)),
        *_operating_hours(row, start, hours, rules),
    ]


def _shift_length(
    agent_id: str, start: datetime, hours: float, shift_rules: Mapping[str, Any]
) -> list[str]:
    lengths = [float(v) for v in shift_rules["lengths_hours"]]
    if any(abs(hours - length) < 1e-9 for length in lengths):
        return []
    return [f"{agent_id}: shift {start} is {hours} h long"]


def _start_step(agent_id: str, start: datetime, shift_rules: Mapping[str, Any]) -> list[str]:
    step = shift_rules.get("start_step_minutes", 15)
    if (start.hour * 60 + start.minute) % step:
        return [f"{agent_id}: shift starts at {start.time()}, off the step"]
    return []


def _break_placement(
    agent_id: str,
    start: datetime,
    end: datetime,
    applicable: list[Mapping[str, Any]],
    taken: list[tuple[datetime, datetime]],
) -> list[str]:
    """As many breaks as the shift's length calls for, each inside its window, of its length
    and within the shift."""
    problems = []
    if len(taken) != len(applicable):
        problems.append(f"{agent_id}: shift {start} has {len(taken)} breaks")
    for rule, (b_start, b_end) in zip(applicable, taken, strict=False):
        offset = _elapsed_hours(start, b_start)
        low, high = rule["after_hours"]
        if not low - 1e-9 <= offset <= high + 1e-9:
            problems.append(f"{agent_id}: break at {offset} h outside [{low}, {high}]")
        if abs(_elapsed_hours(b_start, b_end) * 60 - rule["minutes"]) > 1e-9:
            problems.append(f"{agent_id}: break {b_start} has the wrong length")
        if b_end > end:
            problems.append(f"{agent_id}: break {b_start} ends after the shift")
    return problems


def _unpaid_hours(
    applicable: list[Mapping[str, Any]], taken: list[tuple[datetime, datetime]]
) -> float:
    """The unpaid breaks taken, by their rule's minutes."""
    unpaid = 0.0
    for rule, _ in zip(applicable, taken, strict=False):
        if not rule.get("paid", False):
            unpaid += rule["minutes"] / 60
    return unpaid


def _paid_hours(agent_id: str, paid_hours: float, expected: float) -> list[str]:
    """The shift's paid hours: its hours less its unpaid breaks."""
    if abs(paid_hours - expected) > 1e-6:
        return [f"{agent_id}: paid_hours {paid_hours} != {expected}"]
    return []


def _operating_hours(
    row: Mapping[Hashable, Any], start: datetime, hours: float, rules: Mapping[str, Any]
) -> list[str]:
    """The shift lies within one window of its channel's operating hours, if it has any."""
    hours_spec = rules.get("hours", {}).get(row["channel"])
    if hours_spec is None:
        return []
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    begin = (start - day_start).total_seconds() / 60
    finish = begin + hours * 60
    windows = _open_minutes(hours_spec, start.weekday())
    if any(a <= begin and finish <= b for a, b in windows):
        return []
    return [f"{row['agent_id']}: {row['channel']} shift {start} outside hours"]


def _week_problems(
    agent_id: str,
    spans: list[tuple[datetime, datetime]],
    paid_hours: float,
    record: Mapping[str, Any],
    rules: Mapping[str, Any],
    week_start: datetime,
) -> list[str]:
    """One agent's week: days worked, days off in a row, weekly hours, rest between shifts."""
    week = rules.get("week", {})
    days_per_agent = week.get("days_per_agent", 5)
    consecutive = week.get("consecutive_days_off", 2)
    days = sorted((start.date() - week_start.date()).days for start, _ in spans)
    expected_days = days_per_agent
    if record.get("expected_days"):
        expected_days = int(record["expected_days"])
    elif record:
        expected_days = _most_days(_free_days(record, week_start), days_per_agent, consecutive)
    return [
        *_days_worked(agent_id, days, expected_days),
        *_days_off_in_a_row(agent_id, days, consecutive),
        *_weekly_hours(agent_id, paid_hours, record, week, expected_days, days_per_agent),
        *_rest_between_shifts(agent_id, spans, float(week.get("min_rest_hours", 11))),
    ]


def _days_worked(agent_id: str, days: list[int], expected_days: int) -> list[str]:
    if len(set(days)) != len(days) or len(days) != expected_days:
        return [f"{agent_id}: works days {days}, expected {expected_days} days"]
    return []


def _days_off_in_a_row(agent_id: str, days: list[int], consecutive: int) -> list[str]:
    off = [day for day in range(7) if day not in days]
    run = best = 0
    for day in list(range(7)) * 2:
        run = run + 1 if day in off else 0
        best = max(best, run)
    if off and best < min(consecutive, len(off)):
        return [f"{agent_id}: days off {off} have no {consecutive} in a row"]
    return []


def _weekly_hours(
    agent_id: str,
    paid_hours: float,
    record: Mapping[str, Any],
    week: Mapping[str, Any],
    expected_days: int,
    days_per_agent: int,
) -> list[str]:
    """Paid hours within the agent's contract (or the week's rule); the minimum scaled down
    when time off leaves fewer days to work."""
    low = float(record.get("min_hours") or week.get("min_hours", 0))
    low = low * min(expected_days, days_per_agent) / days_per_agent
    high = float(record.get("max_hours") or week.get("max_hours", 168))
    if not low - 1e-6 <= paid_hours <= high + 1e-6:
        return [f"{agent_id}: {paid_hours} paid hours not in [{low}, {high}]"]
    return []


def _rest_between_shifts(
    agent_id: str, spans: list[tuple[datetime, datetime]], rest_hours: float
) -> list[str]:
    """Rest between consecutive shifts, the week taken as cyclic (into next week's copy)."""
    week_length = timedelta(days=7)
    cyclic = spans + [(s + week_length, e + week_length) for s, e in spans]
    problems = []
    for (_, first_end), (second_start, _) in itertools.pairwise(cyclic):
        gap_hours = _elapsed_hours(first_end, second_start)
        if gap_hours < rest_hours - 1e-9:
            problems.append(f"{agent_id}: only {gap_hours} h rest before {second_start}")
    return problems


def _missing_skills(agent_id: str, shifts: pd.DataFrame, record: Mapping[str, Any]) -> list[str]:
    skills = set(str(record["skills"]).split("|"))
    return [
        f"{agent_id}: works {channel} without the skill"
        for channel in shifts.loc[shifts["agent_id"] == agent_id, "channel"]
        if channel not in skills
    ]


def _blocked(record: Mapping[str, Any]) -> tuple[set[str], list[tuple[int, int, int]]]:
    """An agent's blocked dates (ISO) and weekday windows (weekday, start, end minute; end may
    pass midnight), read from the raw table columns."""
    dates: set[str] = set()
    windows: list[tuple[int, int, int]] = []
    for item in str(record.get("time_off") or "").split(";"):
        if item.strip():
            first, _, last = item.strip().partition("/")
            day = pd.Timestamp(first)
            while day <= pd.Timestamp(last or first):
                dates.add(day.date().isoformat())
                day += pd.Timedelta(days=1)
    for raw in str(record.get("unavailable") or "").split(";"):
        item = raw.strip()
        if not item:
            continue
        if item[:1].isdigit():
            dates.add(item)
            continue
        days_text, _, window = item.partition(" ")
        begin, end = 0, 1440
        if window.strip():
            a, b = window.strip().split("-")
            begin = int(a[:2]) * 60 + int(a[3:])
            end = int(b[:2]) * 60 + int(b[3:])
            end = end + 1440 if end <= begin else end
        first_day, _, last_day = days_text.partition("-")
        one = WEEKDAYS.index(first_day)
        two = WEEKDAYS.index(last_day or first_day)
        for step in range((two - one) % 7 + 1):
            windows.append(((one + step) % 7, begin, end))
    return dates, windows


def _free_days(record: Mapping[str, Any], week_start: datetime) -> list[int]:
    """Day offsets (0-6) of the week not wholly blocked by time off or all-day unavailability."""
    dates, windows = _blocked(record)
    free = []
    for offset in range(7):
        day = week_start + timedelta(days=offset)
        whole = any(w == day.weekday() and a == 0 and b >= 1440 for w, a, b in windows)
        if day.date().isoformat() not in dates and not whole:
            free.append(offset)
    return free


def _most_days(free: list[int], days_per_agent: int, consecutive: int) -> int:
    """The most working days (up to ``days_per_agent``) among ``free`` that leave a cyclic run
    of ``consecutive`` days off (fewer if the week has fewer days off), by trying every week."""
    best = 0
    for chosen in range(128):
        days = [day for day in range(7) if chosen >> day & 1]
        if len(days) > days_per_agent or any(day not in free for day in days):
            continue
        off = [day not in days for day in range(7)]
        run = longest = 0
        for day in range(14):
            run = run + 1 if off[day % 7] else 0
            longest = max(longest, run)
        if longest >= min(consecutive, 7 - len(days)):
            best = max(best, len(days))
    return best


def _unavailable_work(
    agent_id: str, spans: list[tuple[datetime, datetime]], record: Mapping[str, Any]
) -> list[str]:
    """Minutes worked inside the agent's time off or unavailability."""
    dates, windows = _blocked(record)
    problems = []
    for start, end in spans:
        minute = start
        while minute < end:
            weekday = minute.weekday()
            of_day = minute.hour * 60 + minute.minute
            yesterday = (weekday - 1) % 7
            blocked = minute.date().isoformat() in dates or any(
                (day == weekday and a <= of_day < b) or (day == yesterday and of_day + 1440 < b)
                for day, a, b in windows
            )
            if blocked:
                problems.append(f"{agent_id}: works {minute} while unavailable or on time off")
                break
            minute += timedelta(minutes=15)
    return problems


def recompute_coverage(
    shifts: pd.DataFrame, interval_starts: list[datetime], interval_minutes: int, channel: str
) -> list[float]:
    """Agents on the floor (not on a break) per interval, by counting minutes (cyclic week)."""
    origin = interval_starts[0]
    week_minutes = len(interval_starts) * interval_minutes
    present = [0] * week_minutes
    for row in shifts[shifts["channel"] == channel].to_dict("records"):
        spans = [(_stamp(row["start"]), _stamp(row["end"]), 1)]
        spans += [(a, b, -1) for a, b in _breaks(row["breaks"])]
        for start, end, sign in spans:
            first = round(_elapsed_hours(origin, start) * 60)
            last = round(_elapsed_hours(origin, end) * 60)
            for minute in range(first, last):
                present[minute % week_minutes] += sign
    return [
        sum(present[k * interval_minutes : (k + 1) * interval_minutes]) / interval_minutes
        for k in range(len(interval_starts))
    ]
