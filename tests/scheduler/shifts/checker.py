"""An independent checker of schedules: re-derives every rule and the coverage from the
schedule rows and the raw rules mapping, without using any scheduler code."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
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


def check_schedule(  # noqa: PLR0912 - one check per rule, in order
    shifts: pd.DataFrame,
    rules: Mapping[str, Any],
    week_start: datetime,
    agents: pd.DataFrame | None = None,
) -> list[str]:
    """Every rule violation in ``shifts`` (an empty list when the schedule is legal)."""
    problems: list[str] = []
    shift_rules = rules["shifts"]
    week = rules.get("week", {})
    step = shift_rules.get("start_step_minutes", 15)
    lengths = [float(v) for v in shift_rules["lengths_hours"]]
    by_agent: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    paid_by_agent: dict[str, float] = defaultdict(float)
    for row in shifts.to_dict("records"):
        start, end = _stamp(row["start"]), _stamp(row["end"])
        hours = _elapsed_hours(start, end)
        if not any(abs(hours - length) < 1e-9 for length in lengths):
            problems.append(f"{row['agent_id']}: shift {start} is {hours} h long")
        local_minute = start.hour * 60 + start.minute
        if local_minute % step:
            problems.append(f"{row['agent_id']}: shift starts at {start.time()}, off the step")
        applicable = [
            b for b in shift_rules.get("breaks", []) if hours >= b.get("min_shift_hours", 0)
        ]
        taken = sorted(_breaks(row["breaks"]))
        if len(taken) != len(applicable):
            problems.append(f"{row['agent_id']}: shift {start} has {len(taken)} breaks")
        unpaid = 0.0
        for rule, (b_start, b_end) in zip(applicable, taken, strict=False):
            offset = _elapsed_hours(start, b_start)
            low, high = rule["after_hours"]
            if not low - 1e-9 <= offset <= high + 1e-9:
                problems.append(f"{row['agent_id']}: break at {offset} h outside [{low}, {high}]")
            if abs(_elapsed_hours(b_start, b_end) * 60 - rule["minutes"]) > 1e-9:
                problems.append(f"{row['agent_id']}: break {b_start} has the wrong length")
            if b_end > end:
                problems.append(f"{row['agent_id']}: break {b_start} ends after the shift")
            if not rule.get("paid", False):
                unpaid += rule["minutes"] / 60
        if abs(row["paid_hours"] - (hours - unpaid)) > 1e-6:
            problems.append(
                f"{row['agent_id']}: paid_hours {row['paid_hours']} != {hours - unpaid}"
            )
        hours_spec = rules.get("hours", {}).get(row["channel"])
        if hours_spec is not None:
            day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
            begin = (start - day_start).total_seconds() / 60
            finish = begin + hours * 60
            windows = _open_minutes(hours_spec, start.weekday())
            if not any(a <= begin and finish <= b for a, b in windows):
                problems.append(f"{row['agent_id']}: {row['channel']} shift {start} outside hours")
        by_agent[row["agent_id"]].append((start, end))
        paid_by_agent[row["agent_id"]] += row["paid_hours"]
    week_length = timedelta(days=7)
    days_per_agent = week.get("days_per_agent", 5)
    consecutive = week.get("consecutive_days_off", 2)
    rest_hours = float(week.get("min_rest_hours", 11))
    limits: dict[str, dict[str, Any]] = {}
    if agents is not None:
        for raw in agents.to_dict("records"):
            limits[str(raw["agent_id"])] = {str(k): v for k, v in raw.items()}
    for agent_id, spans in by_agent.items():
        spans.sort()
        days = sorted((start.date() - week_start.date()).days for start, _ in spans)
        record = limits.get(agent_id, {})
        expected_days = days_per_agent
        if record.get("expected_days"):
            expected_days = int(record["expected_days"])
        elif record:
            expected_days = _most_days(_free_days(record, week_start), days_per_agent, consecutive)
        if len(set(days)) != len(days) or len(days) != expected_days:
            problems.append(f"{agent_id}: works days {days}, expected {expected_days} days")
        off = [day for day in range(7) if day not in days]
        run = best = 0
        for day in list(range(7)) * 2:
            run = run + 1 if day in off else 0
            best = max(best, run)
        if off and best < min(consecutive, len(off)):
            problems.append(f"{agent_id}: days off {off} have no {consecutive} in a row")
        low = float(record.get("min_hours") or week.get("min_hours", 0))
        low = low * min(expected_days, days_per_agent) / days_per_agent
        high = float(record.get("max_hours") or week.get("max_hours", 168))
        if not low - 1e-6 <= paid_by_agent[agent_id] <= high + 1e-6:
            problems.append(
                f"{agent_id}: {paid_by_agent[agent_id]} paid hours not in [{low}, {high}]"
            )
        cyclic = spans + [(s + week_length, e + week_length) for s, e in spans]
        for (_, first_end), (second_start, _) in itertools.pairwise(cyclic):
            gap_hours = _elapsed_hours(first_end, second_start)
            if gap_hours < rest_hours - 1e-9:
                problems.append(f"{agent_id}: only {gap_hours} h rest before {second_start}")
        if record:
            problems += _unavailable_work(agent_id, spans, record)
            skills = set(str(record["skills"]).split("|"))
            for channel in shifts.loc[shifts["agent_id"] == agent_id, "channel"]:
                if channel not in skills:
                    problems.append(f"{agent_id}: works {channel} without the skill")
    return problems


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
