"""Opening hours per weekday, as written in the targets and rules files.

Keys name weekdays or ranges of them (``mon``, ``mon-fri``, ``sat-sun``, ``mon,wed,fri``);
values are ``"HH:MM-HH:MM"`` local time (``"22:00-06:00"`` crosses midnight into the next
day, ``"00:00-24:00"`` is the whole day) or ``"closed"``. Days not named are closed. Later
keys override earlier ones for the days they name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from scheduler.errors import SchedulerError

if TYPE_CHECKING:
    import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
MINUTES_PER_DAY = 24 * 60


def _weekdays(key: str, where: str, error: type[SchedulerError]) -> list[int]:
    days: list[int] = []
    for part in key.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise error(
                f"{where}: {key!r} is not a weekday or range of weekdays; use mon..sun, "
                "e.g. 'mon-fri' or 'sat,sun'"
            )
        start, stop = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.extend((start + offset) % 7 for offset in range((stop - start) % 7 + 1))
    return days


def _window(value: object, where: str, error: type[SchedulerError]) -> tuple[int, int] | None:
    if isinstance(value, str) and value.strip().lower() == "closed":
        return None
    match = _WINDOW.match(value) if isinstance(value, str) else None
    if match is None:
        raise error(
            f"{where}: {value!r} is not an opening window; write 'HH:MM-HH:MM' "
            "(e.g. '07:00-22:00') or 'closed'"
        )
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > MINUTES_PER_DAY or start == end:
        raise error(f"{where}: {value!r} is not a valid window of a day")
    return start, end


@dataclass(frozen=True)
class OperatingHours:
    """Open windows per weekday (0 = Monday), in minutes after local midnight.

    A window whose end is before its start runs past midnight into the next day.
    """

    windows: tuple[tuple[tuple[int, int], ...], ...]

    @classmethod
    def from_dict(
        cls,
        mapping: Mapping[str, object],
        where: str = "hours",
        error: type[SchedulerError] = SchedulerError,
    ) -> OperatingHours:
        """Parse ``{"mon-fri": "07:00-22:00", "sat-sun": "closed"}``.

        Raises:
            error: naming ``where``, the key and the value that cannot be read.
        """
        days: list[tuple[tuple[int, int], ...]] = [()] * 7
        for key, value in mapping.items():
            place = f"{where}, {key!r}"
            window = _window(value, place, error)
            for day in _weekdays(str(key), place, error):
                days[day] = () if window is None else (window,)
        return cls(windows=tuple(days))

    @classmethod
    def always(cls) -> OperatingHours:
        """Open around the clock."""
        return cls(windows=tuple(((0, MINUTES_PER_DAY),) for _ in range(7)))

    def is_open(self, starts: pd.Series[pd.Timestamp]) -> npt.NDArray[np.bool_]:
        """Whether each interval start (local, timezone-aware) falls in an open window."""
        weekday = starts.dt.day_of_week.to_numpy()
        minute = (starts.dt.hour * 60 + starts.dt.minute).to_numpy()
        result = np.zeros(len(starts), dtype=bool)
        for day, windows in enumerate(self.windows):
            for start, end in windows:
                if start < end:
                    result |= (weekday == day) & (minute >= start) & (minute < end)
                else:  # past midnight: the evening of `day` and the early hours of the next
                    result |= (weekday == day) & (minute >= start)
                    result |= (weekday == (day + 1) % 7) & (minute < end)
        return result
