"""Opening hours per weekday, as written in the targets and rules files.

Keys name weekdays, ranges or day words (``mon``, ``mon-fri``, ``mon,wed,fri``, ``daily``);
values are ``"HH:MM-HH:MM"`` local time (``"22:00-06:00"`` crosses midnight into the next
day, ``"00:00-24:00"`` is the whole day), several separated by commas, or ``"closed"``. Days
not named are closed; later keys override earlier ones for the days they name. The words are
those of :mod:`scheduler.calendar`, shared with the scheduling rules and the agents table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scheduler.arrays import BoolArray
from scheduler.calendar import MINUTES_PER_DAY, WeekWindows, in_window, week_windows
from scheduler.errors import SchedulerError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class OperatingHours:
    """Open windows per weekday (0 = Monday), in minutes after local midnight.

    A window whose end passes 1440 runs past midnight into the next day.
    """

    windows: WeekWindows

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
        return cls(windows=week_windows(mapping, lambda key: f"{where}, {key!r}", error))

    @classmethod
    def always(cls) -> OperatingHours:
        """Open around the clock."""
        return cls(windows=tuple(((0, MINUTES_PER_DAY),) for _ in range(7)))

    def is_open(self, starts: pd.Series[pd.Timestamp]) -> BoolArray:
        """Whether each interval start (local, timezone-aware) falls in an open window."""
        weekday = starts.dt.day_of_week.to_numpy()
        minute = (starts.dt.hour * 60 + starts.dt.minute).to_numpy()
        result = np.zeros(len(starts), dtype=bool)
        for day, windows in enumerate(self.windows):
            for start, end in windows:
                result |= in_window(weekday, minute, day, start, end)
        return result
