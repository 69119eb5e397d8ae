"""Days whose hours follow the sun: a day of rest that reopens at dusk, across summer time.

Where the day of rest and the holidays end at nightfall (the Sabbath and the Jewish holidays
in Israel), a team that works on its rest day opens in the evening, at an hour that moves
with the sunset: about 17:30 on the clock in January, 20:30 in June, and a whole hour
overnight when the clocks change, while its working days keep opening at 07:00 on the clock.
An intraday profile averaged over weeks on both sides of a clock change, or carried across one
into the forecast, puts that evening an hour off.

So the forecast reads the days of a **sun-following** weekday, and the holidays when the rest
day is one, on *standard time*: each such row is moved back by its date's clock shift
(:func:`forecast.daygrid.clock_shift_minutes`) before the models see it, and the forecast's
rows of such days are moved forward by their own date's shift. Which weekdays follow the sun
is read from the history, among the *days of rest* only (open weekdays below
:data:`~forecast.holiday_kinds.SHORT_DAY_SHARE` of the median open weekday: the hours of a
working day are set by the clock):

- across each clock change in the history, the weekday's normal days just before and just
  after it (up to three each) are compared on the clock and on standard time: the weekday
  follows the sun when standard time brings the two sides closer (summed over the changes);
- with no clock change in the history, when its opening (the first interval busier than a
  flat day's share) moves by at least one interval between the oldest and the newest third
  of its recent days: the sunset moves about an hour between January and March, an opening
  hour set by the clock does not move.

A zone without summer time, or a team without such a weekday, is left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.daygrid import ChannelHistory, FloatMatrix
from forecast.effects import shares_of
from forecast.holiday_kinds import SHORT_DAY_SHARE

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_RECENT_WEEKS: Final = 26
_SIDE_DAYS: Final = 3
_MIN_DAYS: Final = 6
# A day that opens at dusk is closed (or nearly: a voice response unit's trickle) before it:
# at its opening the contacts at least quadruple. A day that fills up gradually has no hour
# the sun could set.
_SHARP_RISE: Final = 4.0


def clock_shift_slots(history: ChannelHistory, days: pd.DatetimeIndex) -> IntArray:
    """The clock shift of each of ``days`` in whole slots (0 where the history has none)."""
    if "clock_shift_minutes" not in history.day_info:
        return np.zeros(len(days), dtype=np.int64)
    minutes = history.day_info["clock_shift_minutes"].reindex(days).fillna(0)
    return np.asarray(
        np.round(minutes.to_numpy(dtype=np.float64) / history.interval_minutes), dtype=np.int64
    )


def on_standard_time(matrix: FloatMatrix, shifts: IntArray) -> FloatMatrix:
    """Each row moved back by its shift: slot ``s`` of the result is slot ``s + shift`` of
    the clock (18:00 standard time is 19:00 on a summer-time clock)."""
    slots = matrix.shape[1]
    columns = (np.arange(slots)[None, :] + shifts[:, None]) % slots
    moved: FloatMatrix = np.take_along_axis(matrix, columns, axis=1)
    return moved


def on_clock_time(matrix: FloatMatrix, shifts: IntArray) -> FloatMatrix:
    """The inverse of :func:`on_standard_time` for a forecast, where the day's first ``shift``
    slots (which would wrap in from the end of the standard-time day, the evening) keep the
    night's level on standard time instead, and each row keeps its total: on a summer-time
    day 00:00-01:00 on the clock is the night, whatever the evening before looked like."""
    slots = matrix.shape[1]
    moved = on_standard_time(matrix, -shifts)
    wrapped = np.arange(slots)[None, :] < shifts[:, None]
    moved = np.where(wrapped, matrix, moved)
    totals, kept = matrix.sum(axis=1, keepdims=True), moved.sum(axis=1, keepdims=True)
    scaled: FloatMatrix = np.divide(moved * totals, kept, out=moved, where=kept > 0)
    return scaled


def _openings(shares: FloatMatrix) -> tuple[FloatArray, FloatArray]:
    """Each day's opening (the slot that starts its largest two-slot rise in contacts) and how
    sharp it is (the two slots from it over the two before it)."""
    padded = np.pad(shares, ((0, 0), (2, 1)), mode="wrap")  # the night before is the evening
    after = padded[:, 2:-1] + padded[:, 3:]
    before = padded[:, :-3] + padded[:, 1:-2]
    openings = np.argmax(after - before, axis=1)
    rows = np.arange(len(shares))
    sharpness: FloatArray = after[rows, openings] / np.maximum(before[rows, openings], 1e-9)
    return openings.astype(np.float64), sharpness


def _clock_change_evidence(shares: FloatMatrix, shifts: IntArray) -> bool | None:
    """Whether the opening stays put across the clock changes on standard time and moves on
    the clock (``None`` without a change). ``shares`` and ``shifts``: one weekday's normal
    days, oldest first. The opening, not the whole day, is compared: a day that opens at
    dusk still closes at midnight on the clock."""
    changes = np.flatnonzero(np.diff(shifts) != 0) + 1
    if not changes.size:
        return None
    clock = _openings(shares)[0]
    standard = clock - shifts
    clock_moves = standard_moves = 0.0
    for change in changes:
        before = slice(max(0, change - _SIDE_DAYS), change)
        after = slice(change, min(len(shares), change + _SIDE_DAYS))
        clock_moves += abs(np.median(clock[after]) - np.median(clock[before]))
        standard_moves += abs(np.median(standard[after]) - np.median(standard[before]))
    return bool(standard_moves < clock_moves)


def _opening_drifts(shares: FloatMatrix) -> bool:
    """Whether the opening moves by an interval or more from the oldest third of the days to
    the newest (all on one clock)."""
    openings = _openings(shares)[0]
    third = len(openings) // 3
    if third < 2:
        return False
    return bool(abs(np.median(openings[-third:]) - np.median(openings[:third])) >= 1)


def _days_of_rest(history: ChannelHistory, normal: BoolArray) -> list[int]:
    """Open weekdays well below the median one, quietest first."""
    daily = history.daily_volume
    levels = {
        weekday: float(np.median(daily[normal & (history.weekdays == weekday)][-8:]))
        for weekday in sorted(history.open_weekdays)
        if (normal & (history.weekdays == weekday)).any()
    }
    if not levels:
        return []
    median = float(np.median(list(levels.values())))
    return sorted(
        (w for w, level in levels.items() if level < SHORT_DAY_SHARE * median),
        key=lambda w: levels[w],
    )


@dataclass(frozen=True)
class SunTime:
    """Which days of a channel are read on standard time (see the module docstring).

    Attributes:
        weekdays: the sun-following weekdays (0 = Monday).
        holidays: whether holidays follow the sun too (the rest day does).
    """

    weekdays: frozenset[int] = frozenset()
    holidays: bool = False

    @classmethod
    def of(cls, history: ChannelHistory) -> SunTime:
        """Find the sun-following weekdays of ``history``."""
        span = history.day_info.get("clock_shift_minutes")
        if span is None or span.nunique() < 2 or not len(history.days):
            return cls()
        daily = history.daily_volume
        normal = (history.day_types_of(history.days) == "normal") & (np.nan_to_num(daily) > 0)
        normal[: max(0, len(normal) - 7 * _RECENT_WEEKS)] = False
        rest_days = _days_of_rest(history, normal)
        shares = shares_of(history.volume)
        shifts = clock_shift_slots(history, history.days)
        following = set()
        for weekday in rest_days:
            rows = np.flatnonzero(normal & (history.weekdays == weekday))
            if len(rows) < _MIN_DAYS or np.median(_openings(shares[rows])[1]) < _SHARP_RISE:
                continue
            evidence = _clock_change_evidence(shares[rows], shifts[rows])
            if evidence is None:
                evidence = _opening_drifts(shares[rows])
            if evidence:
                following.add(weekday)
        return cls(frozenset(following), bool(rest_days) and rest_days[0] in following)

    def rows(self, history: ChannelHistory, days: pd.DatetimeIndex) -> BoolArray:
        """Which of ``days`` are read on standard time."""
        on_sun = np.isin(np.asarray(days.day_of_week), list(self.weekdays))
        if self.holidays:
            info = history.day_info.reindex(days)
            optional = np.asarray(
                info.get("optional", pd.Series(False, index=days)).fillna(False), dtype=bool
            )
            on_sun |= (np.asarray(info["day_type"]) == "holiday") & ~optional
        return on_sun

    def shifts(self, history: ChannelHistory, days: pd.DatetimeIndex) -> IntArray:
        """The slots each of ``days`` moves by (0 for days on the clock)."""
        shifts: IntArray = np.where(self.rows(history, days), clock_shift_slots(history, days), 0)
        return shifts

    def to_standard_time(self, history: ChannelHistory) -> ChannelHistory:
        """``history`` with its sun-following days read on standard time."""
        if not self.weekdays:
            return history
        shifts = self.shifts(history, history.days)
        return replace(history, volume=on_standard_time(history.volume, shifts))

    def to_clock_time(
        self, history: ChannelHistory, days: pd.DatetimeIndex, matrix: FloatMatrix
    ) -> FloatMatrix:
        """A forecast of ``days`` made on :meth:`to_standard_time`'s history, back on the
        clock."""
        if not self.weekdays:
            return matrix
        return on_clock_time(matrix, self.shifts(history, days))
