"""One channel's history as a matrix of days x intervals of the day, and back to timestamps.

Models work on a ``(days, slots)`` matrix: row ``d`` is a local calendar date, column ``s`` the
``s``-th interval of the local day by wall clock (slot 18 of a 30-minute day starts at 09:00).
Rows run over every calendar date from the first to the last day of history; a date that has
no data at all is a row of NaN (a gap, not a closed day).

Daylight-saving time, handled explicitly: on the day the clocks go back, the repeated wall-clock
hour holds two intervals per slot; the matrix keeps their *mean* (a per-interval rate), and a
forecast gives both real intervals that rate, so the extra hour carries its own contacts. On the
day the clocks go forward, the skipped hour has no intervals: its slots hold 0 in the matrix
(no interval, no contacts, so the day still counts as complete) and produce no forecast rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.calendar import ALL_WEEKDAYS, Calendar, day_types
from forecast.errors import ForecastError

FloatMatrix = npt.NDArray[np.float64]
MINUTES_PER_DAY: Final = 1440


class HistoryLike(Protocol):
    """What the forecaster needs of a parsed history (see :mod:`forecast.history`).

    ``frame`` has the columns ``interval_start`` (timezone-aware, in ``timezone``), ``channel``,
    ``volume`` (NaN = missing data) and ``aht_seconds`` (NaN when unknown).
    """

    @property
    def frame(self) -> pd.DataFrame: ...
    @property
    def interval_minutes(self) -> int: ...
    @property
    def timezone(self) -> str: ...


@dataclass(frozen=True, eq=False)
class ChannelHistory:
    """A channel's volume and handle time as day x slot matrices, with the day types.

    Attributes:
        channel: the queue name.
        interval_minutes: length of one slot.
        days: consecutive local dates (timezone-naive midnights), one per matrix row.
        volume: contacts per slot; NaN where the data is missing.
        aht_seconds: average handle time per slot; NaN when unknown or volume is 0.
        day_info: the output of :func:`forecast.calendar.day_types` for at least ``days`` and
            the dates to forecast, plus ``clock_shift_minutes`` (see
            :func:`clock_shift_minutes`, in the calendar's ``clock_zone`` for a history read
            as UTC; taken as 0 where absent).
        open_weekdays: weekdays (0 = Monday) on which this channel ever had contacts.
    """

    channel: str
    interval_minutes: int
    days: pd.DatetimeIndex
    volume: FloatMatrix
    aht_seconds: FloatMatrix
    day_info: pd.DataFrame
    open_weekdays: frozenset[int]

    def __post_init__(self) -> None:
        expected = (len(self.days), self.slots_per_day)
        if self.volume.shape != expected or self.aht_seconds.shape != expected:
            raise ValueError(f"matrices must be {expected}, got {self.volume.shape}")

    @property
    def slots_per_day(self) -> int:
        """Number of intervals in a (wall-clock) day."""
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def weekdays(self) -> npt.NDArray[np.int64]:
        """Weekday (0 = Monday) of each row."""
        return np.asarray(self.days.day_of_week, dtype=np.int64)

    @property
    def daily_volume(self) -> npt.NDArray[np.float64]:
        """Total contacts per day; NaN for a day with any missing slot that is open.

        A slot counts as open on a day if it had contacts on some day of the same weekday.
        """
        open_slots = self.open_slots_by_weekday()[self.weekdays]
        missing = np.isnan(self.volume) & open_slots
        totals: npt.NDArray[np.float64] = np.nansum(self.volume, axis=1)
        totals[missing.any(axis=1) | np.isnan(self.volume).all(axis=1)] = np.nan
        return totals

    def open_slots_by_weekday(self) -> npt.NDArray[np.bool_]:
        """(7, slots) mask: the slots of each weekday that ever had contacts."""
        mask = np.zeros((7, self.slots_per_day), dtype=bool)
        positive = np.nan_to_num(self.volume) > 0
        for weekday in range(7):
            mask[weekday] = positive[self.weekdays == weekday].any(axis=0)
        return mask

    def day_types_of(self, days: pd.DatetimeIndex) -> npt.NDArray[np.str_]:
        """Day type of each date (must be covered by ``day_info``)."""
        return np.asarray(self.day_info["day_type"].reindex(days).fillna("normal"), dtype=str)

    def before(self, origin: pd.Timestamp) -> ChannelHistory:
        """The history strictly before ``origin`` (a date), as a forecaster would have seen it."""
        keep = int(np.searchsorted(self.days.to_numpy(), origin.to_datetime64()))
        return replace(
            self,
            days=self.days[:keep],
            volume=self.volume[:keep],
            aht_seconds=self.aht_seconds[:keep],
        )


def _slot_matrix(
    frame: pd.DataFrame, column: str, days: pd.DatetimeIndex, slots: int, interval_minutes: int
) -> FloatMatrix:
    starts = frame["interval_start"]
    date = starts.dt.tz_localize(None).dt.normalize()
    slot = (starts.dt.hour * 60 + starts.dt.minute) // interval_minutes
    values = frame[column].astype("float64")
    grouped = (
        pd.DataFrame({"date": date, "slot": slot, "value": values})
        .groupby(["date", "slot"], sort=False)["value"]
        .mean()
    )
    matrix = np.full((len(days), slots), np.nan)
    rows = days.get_indexer(grouped.index.get_level_values("date"))
    columns = grouped.index.get_level_values("slot").to_numpy(dtype=np.int64)
    matrix[rows, columns] = grouped.to_numpy(dtype=np.float64)
    return matrix


def _skipped_slots(
    days: pd.DatetimeIndex, interval_minutes: int, timezone: str
) -> npt.NDArray[np.bool_]:
    """(days, slots) mask of wall-clock slots that do not exist (spring-forward hours)."""
    skipped = np.zeros((len(days), MINUTES_PER_DAY // interval_minutes), dtype=bool)
    begins = days.tz_localize(timezone, nonexistent="shift_forward", ambiguous=False)
    ends = (days + pd.Timedelta(days=1)).tz_localize(
        timezone, nonexistent="shift_forward", ambiguous=False
    )
    short = np.flatnonzero(np.asarray((ends - begins) < pd.Timedelta(days=1)))
    for row in short:
        _, _, slots = intervals_of_days(days[row : row + 1], interval_minutes, timezone)
        skipped[row] = True
        skipped[row, slots] = False
    return skipped


def clock_shift_minutes(days: pd.DatetimeIndex, timezone: str) -> npt.NDArray[np.int64]:
    """Minutes the local clock runs ahead, at noon of each date, of where it runs on the
    earliest-clocked of ``days`` (60 on summer-time days of a zone whose range holds winter
    days too): what :mod:`forecast.sun_time` undoes for days whose hours follow the sun."""
    noon = (days + pd.Timedelta(hours=12)).tz_localize(
        timezone, nonexistent="shift_forward", ambiguous=False
    )
    offsets = np.asarray(
        (noon.tz_localize(None) - noon.tz_convert("UTC").tz_localize(None)).total_seconds() // 60,
        dtype=np.int64,
    )
    shifts: npt.NDArray[np.int64] = offsets - (offsets.min() if offsets.size else 0)
    return shifts


def _borrowed_clock(timezone: str, calendar: Calendar) -> str | None:
    """The calendar's clock zone where the history is read as UTC (the default when no zone
    is given): exports often hold the team's wall-clock times without an offset, and read
    as UTC they still carry the clock's summer-time jumps. ``None`` otherwise."""
    if calendar.clock_zone is None:
        return None
    noons = pd.DatetimeIndex(["2000-01-15 12:00", "2000-07-15 12:00"]).tz_localize(timezone)
    on_utc = (noons.tz_localize(None) == noons.tz_convert("UTC").tz_localize(None)).all()
    return calendar.clock_zone if on_utc else None


def channel_histories(
    history: HistoryLike,
    calendar: Calendar,
    *,
    until: dt.date | None = None,
    horizon_end: dt.date | None = None,
) -> dict[str, ChannelHistory]:
    """Split a parsed history into one :class:`ChannelHistory` per channel (sorted by name).

    Args:
        history: the parsed history.
        calendar: the team's holidays and special days.
        until: drop history on or after this date (the forecast start).
        horizon_end: the last date that will be forecast; day types are computed up to it.

    Raises:
        ForecastError: if the history is empty (before ``until``) or its interval does not
            divide a day.
    """
    frame = history.frame
    interval_minutes = history.interval_minutes
    if interval_minutes <= 0 or MINUTES_PER_DAY % interval_minutes:
        raise ForecastError(
            f"interval of {interval_minutes} minutes does not divide a day; use 15, 30 or 60"
        )
    local = frame["interval_start"].dt.tz_convert(history.timezone)
    frame = frame.assign(interval_start=local)
    if until is not None:
        frame = frame[local.dt.tz_localize(None) < pd.Timestamp(until)]
    if frame.empty or frame["volume"].isna().all():
        raise ForecastError(
            "the history has no data"
            + (f" before {until.isoformat()}" if until is not None else "")
            + "; give a file with at least one week of contacts before the forecast start"
        )
    dates = frame["interval_start"].dt.tz_localize(None).dt.normalize()
    days = pd.date_range(dates.min(), dates.max(), freq="D")
    last = pd.Timestamp(horizon_end) if horizon_end is not None else days[-1]
    slots = MINUTES_PER_DAY // interval_minutes
    result: dict[str, ChannelHistory] = {}
    skipped = _skipped_slots(days, interval_minutes, history.timezone)
    borrowed = _borrowed_clock(history.timezone, calendar)
    for channel, rows in frame.groupby("channel", sort=True):
        volume = _slot_matrix(rows, "volume", days, slots, interval_minutes)
        volume[skipped & np.isnan(volume)] = 0.0
        aht_seconds = _slot_matrix(rows, "aht_seconds", days, slots, interval_minutes)
        daily = np.nansum(volume, axis=1)
        open_weekdays = frozenset(int(w) for w in np.unique(days.day_of_week[daily > 0]))
        dates_to_type = pd.date_range(days[0], max(last, days[-1]), freq="D")
        info = day_types(calendar, dates_to_type, open_weekdays or ALL_WEEKDAYS)
        info["clock_shift_minutes"] = clock_shift_minutes(
            dates_to_type, borrowed or history.timezone
        )
        result[str(channel)] = ChannelHistory(
            channel=str(channel),
            interval_minutes=interval_minutes,
            days=days,
            volume=volume,
            aht_seconds=aht_seconds,
            day_info=info,
            open_weekdays=open_weekdays,
        )
    return result


def intervals_of_days(
    days: pd.DatetimeIndex, interval_minutes: int, timezone: str
) -> tuple[pd.DatetimeIndex, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every real interval start of the given local dates, with its row and slot.

    Returns:
        ``(starts, rows, slots)``: timezone-aware starts in ``timezone`` (a 23-hour day has
        fewer, a 25-hour day more), the index into ``days`` of each, and the wall-clock slot.
    """
    step = pd.Timedelta(minutes=interval_minutes)
    pieces: list[pd.DatetimeIndex] = []
    rows: list[npt.NDArray[np.int64]] = []
    for row, day in enumerate(days):
        begin = day.tz_localize(timezone, nonexistent="shift_forward", ambiguous=False)
        end = (day + pd.Timedelta(days=1)).tz_localize(
            timezone, nonexistent="shift_forward", ambiguous=False
        )
        starts = pd.date_range(begin, end, freq=step, inclusive="left")
        pieces.append(starts)
        rows.append(np.full(len(starts), row, dtype=np.int64))
    if not pieces:
        return pd.DatetimeIndex([], tz=timezone), np.array([], np.int64), np.array([], np.int64)
    starts = pd.DatetimeIndex(pieces[0].append(pieces[1:]))
    slots = np.asarray((starts.hour * 60 + starts.minute) // interval_minutes, dtype=np.int64)
    return starts, np.concatenate(rows), slots
