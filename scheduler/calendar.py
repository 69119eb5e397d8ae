"""Calendar words shared by the scheduling rules, the opening hours of the targets and the
agents table: weekdays, clock times and windows of a day.

* Weekdays are ``mon`` .. ``sun``, ranges ``mon-fri`` (``fri-mon`` wraps past Sunday), lists
  ``sat,sun``, and the words ``daily`` (also ``all``), ``weekdays`` (mon-fri) and
  ``weekends`` (sat-sun).
* A window is ``"HH:MM-HH:MM"`` on a 24-hour clock; ``"00:00-24:00"`` is the whole day. A
  window whose end comes before its start runs past midnight into the next day and is held
  as (start, end + 1440): ``"22:00-06:00"`` is (1320, 1800). A window that ends where it
  starts is refused (empty or the whole day? write ``00:00-24:00``).
* A day's value is ``"closed"`` or one or more windows separated by commas.
* In a table of weekday keys, days not named are closed and a later key replaces the windows
  of the days it names (``mon-fri = ...`` then ``fri = ...`` sets Friday apart).

Errors are raised as the caller's :class:`~scheduler.errors.SchedulerError` subclass, naming
the place and the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from scheduler.arrays import BoolArray, IntArray
from scheduler.errors import SchedulerError

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MINUTES_PER_DAY: Final = 1440
# The instants a workload may hold (UTC, ISO 8601): a day inside the years 1000-9999 at both
# ends, so that no UTC offset carries one outside them (pandas can neither localize nor print
# year 10000). The same two as forecast.limits (the layer contract keeps the two apart).
EARLIEST_INSTANT: Final = "1000-01-02"
LATEST_INSTANT: Final = "9999-12-30"
_DAY_WORDS: Final = {
    "daily": tuple(range(7)),
    "all": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "weekends": (5, 6),
}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")

DayWindows = tuple[tuple[int, int], ...]
"""One day's open windows as (start minute, end minute); the end may pass 1440."""
WeekWindows = tuple[DayWindows, ...]
"""Per weekday (Monday first), the day's open windows."""
Moments = npt.NDArray[np.integer[Any]]
"""Weekdays (0 = Monday) or minutes of the day, one per moment."""


def weekdays(text: str, where: str, error: type[SchedulerError]) -> tuple[int, ...]:
    """Weekday indexes (Monday = 0) of ``'mon-fri'``, ``'sat,sun'``, ``'tue'`` or a day word.

    Raises:
        error: naming ``where`` and ``text`` when a part is not a weekday.
    """
    spec = text.strip().lower()
    if spec in _DAY_WORDS:
        return _DAY_WORDS[spec]
    days: set[int] = set()
    for part in spec.split(","):
        ends = [piece.strip() for piece in part.split("-")]
        if len(ends) > 2 or any(end not in WEEKDAYS for end in ends):
            raise error(
                f"{where}: {text!r} must be weekdays like 'mon-fri', 'sat,sun', 'daily', "
                "'weekdays' or 'weekends'"
            )
        first, last = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return tuple(sorted(days))


def clock_minutes(text: str, where: str, error: type[SchedulerError]) -> int:
    """Minutes after midnight of ``'HH:MM'`` (``'24:00'`` is 1440).

    Raises:
        error: naming ``where`` and ``text`` when it is not a time of a 24-hour clock.
    """
    match = _CLOCK.match(text.strip())
    minutes = int(match[1]) * 60 + int(match[2]) if match else -1
    if not match or int(match[2]) >= 60 or minutes > MINUTES_PER_DAY:
        raise error(f"{where}: {text!r} must be a time like '07:00' (24-hour clock)")
    return minutes


def start_minute(text: str, where: str, error: type[SchedulerError]) -> int:
    """Minutes after midnight of a start time ``'HH:MM'``; a day's starts end at ``'23:59'``.

    Raises:
        error: naming ``where`` and ``text`` when it is not a time, or is ``'24:00'``.
    """
    minutes = clock_minutes(text, where, error)
    if minutes == MINUTES_PER_DAY:
        raise error(f"{where}: {text!r} cannot be a start; the day starts at 00:00")
    return minutes


def window(text: str, where: str, error: type[SchedulerError]) -> tuple[int, int]:
    """``'07:00-22:00'`` as (420, 1320); past midnight ``'22:00-06:00'`` is (1320, 1800).

    Raises:
        error: naming ``where`` and ``text`` when it is not a window of a 24-hour clock.
    """
    pieces = text.split("-")
    hint = "must be like '07:00-22:00' (24-hour clock) or 'closed'"
    if len(pieces) != 2:
        raise error(f"{where}: {text!r} {hint}")
    try:
        end = clock_minutes(pieces[1], where, error)
        start = clock_minutes(pieces[0], where, error)
    except SchedulerError:
        raise error(f"{where}: {text!r} {hint}") from None
    if start == MINUTES_PER_DAY:
        raise error(f"{where}: {text!r} cannot start at 24:00")
    if end == start:
        raise error(
            f"{where}: {text!r} ends where it starts; write '00:00-24:00' for the whole day"
        )
    return (start, end) if end > start else (start, end + MINUTES_PER_DAY)


def day_windows(value: object, where: str, error: type[SchedulerError]) -> DayWindows:
    """The windows of ``'closed'`` (none) or ``'07:00-12:00, 13:00-18:00'``, in order.

    Raises:
        error: naming ``where`` and the value when it is not a string of windows.
    """
    if not isinstance(value, str):
        raise error(f"{where}: {value!r} must be a string like '07:00-22:00' or 'closed'")
    if value.strip().lower() == "closed":
        return ()
    return tuple(sorted(window(piece, where, error) for piece in value.split(",")))


def week_windows(
    table: Mapping[str, object], where: Callable[[str], str], error: type[SchedulerError]
) -> WeekWindows:
    """Per weekday the open windows of ``{"mon-fri": "07:00-22:00", "sat": "closed"}``.

    Days not named are closed; a later key replaces the windows of the days it names.

    Args:
        table: weekday keys to day values.
        where: the place of a key in the caller's document, for messages.
        error: the error class to raise.
    """
    days: list[DayWindows] = [() for _ in WEEKDAYS]
    for key, value in table.items():
        place = where(str(key))
        windows = day_windows(value, place, error)
        for day in weekdays(str(key), place, error):
            days[day] = windows
    return tuple(days)


def in_window(weekday: Moments, minute: Moments, day: int, start: int, end: int) -> BoolArray:
    """Which moments (``weekday`` 0 = Monday, ``minute`` of the day) fall in the window
    (``start``, ``end``) that opens on ``day``, its part past midnight on the next day included.
    """
    inside = np.asarray((weekday == day) & (minute >= start) & (minute < end), dtype=np.bool_)
    if end > MINUTES_PER_DAY:
        inside |= (weekday == (day + 1) % 7) & (minute < end - MINUTES_PER_DAY)
    return inside


def clock_distance(minutes: Moments, anchor: int) -> IntArray:
    """Minutes between each time of day in ``minutes`` and ``anchor``, the short way round the
    clock (23:00 is 120 minutes from 01:00)."""
    distance = np.abs(np.asarray(minutes, dtype=np.int64) - anchor)
    return np.asarray(np.minimum(distance, MINUTES_PER_DAY - distance), dtype=np.int64)
