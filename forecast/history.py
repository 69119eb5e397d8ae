"""Import a contact-history export into a complete, regular interval grid.

:func:`parse_history` reads the exports listed in :mod:`forecast.formats` (the canonical CSV,
Genesys Cloud, Amazon Connect and per-contact exports) and returns a :class:`History`: one row
per channel and planning interval, with a :class:`HistorySummary` of what was understood.

Rules, in the order they are applied:

**Timestamps.** Values with a UTC offset (or ``Z``) are instants. Values without one are local
wall-clock time in ``timezone`` (an IANA name), except Genesys' ``Interval Start UTC Date``,
which is UTC. The result is expressed in ``timezone``.

**Daylight saving time.** The grid is built from UTC instants, so a local day has 23 or 25
hours where the clocks change (92 or 100 quarter-hours); the summary notes each such day.

- *Skipped local times* (spring forward): a row there that has no contacts is left out (exports
  that list every interval of the day write zeros there) and counted in a warning; a row with
  contacts rejects the file, naming the row: it cannot be placed without guessing.
- *Repeated local times* (fall back): for interval exports the first row of a wall time (per
  channel and queue, in file order) is the earlier instant (daylight time) and a second row
  the later one (standard time); a wall time that appears only once is split evenly between
  the two hours. For per-contact exports the step where the file's time order goes backwards
  separates the two hours; without one each contact is split evenly. A warning says what was
  done; nothing is counted twice or dropped.

**Planning interval.** The source interval is read from Amazon Connect's ``IntervalDuration``
or inferred: daily when every row starts at local midnight (on more than one day), else the
longest step dividing an hour (60, 30, 20, 15, 12, 10, 6, 5 ... minutes) that at least 98% of
the rows start on (rows off it are errors). A small file whose rows all start on the hour is
so read as hourly. ``interval_minutes=None`` keeps a 15-, 30- or 60-minute source interval
and sums a finer one (5, 6, 10 minutes...) into the shortest of 15, 30 and 60 that it
divides. A source interval longer than the planning interval, or one that does not divide
it, is an error. Per-contact rows are counted into 15-minute intervals unless told
otherwise. Handle time is averaged weighted by the contacts it covers.

**Duplicates.** Two rows for the same channel, queue and interval (or two per-contact rows
with the same id): the last one in the file wins; the summary counts them. Several queues of
one channel are summed.

**Closed hours and missing data.** Each channel covers the local days from its first row to
its last. Inside that span, an interval with no row is *closed* (volume 0) when that interval
of the week has contacts in fewer than half of the weeks, and *missing* (volume NaN, a gap)
otherwise; per-contact exports have a row per contact, so an interval without one is 0.
Outside a channel's span the volume is NaN. Explicit zeros in the file stay zeros.

**Outliers** are found as described in :mod:`forecast.outliers` and reported, never changed.

**Limits** (:mod:`forecast.limits`). Besides those :mod:`forecast.formats` checks (rows, cell
length, counts, handle times, channels), a file may span at most :data:`MAX_SPAN_DAYS` days,
checked before the grid is built.

**Errors.** Every bad cell is reported with its row (header = row 1), column and value, up to
``max_errors``, and the whole file is rejected: nothing is ever half-imported.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from typing import Final, NamedTuple, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.column_mapping import ColumnMapping
from forecast.errors import InvalidHistoryError
from forecast.formats import Extract, HistorySource, SourceFormat, extract_records
from forecast.limits import MAX_SPAN_DAYS
from forecast.local_time import (
    INSTANT_DTYPE,
    settle_repeated_contacts,
    settle_repeated_intervals,
)
from forecast.outliers import HistoryOutlier, daily_outliers, interval_outliers
from forecast.row_problems import RowProblems, show

PLANNING_INTERVALS: Final = (15, 30, 60)
HISTORY_COLUMNS: Final = ("interval_start", "channel", "volume", "aht_seconds")
OPEN_SHARE: Final = 0.5  # an interval of the week with contacts in at least half the weeks
ALIGNED_SHARE: Final = 0.98  # rows that must start on the inferred source interval
_MINUTES_PER_DAY: Final = 1440
_DIVISORS_OF_AN_HOUR: Final = tuple(d for d in range(60, 0, -1) if 60 % d == 0)

__all__ = [
    "PLANNING_INTERVALS",
    "History",
    "HistoryGap",
    "HistoryOutlier",
    "HistorySummary",
    "parse_history",
]


class HistoryGap(NamedTuple):
    """A span of missing data (NaN volume) in one channel.

    Attributes:
        start: start of the first missing interval (tz-aware, in the history's timezone).
        end: end of the last missing interval (exclusive).
        channel: the channel.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    channel: str


@dataclass(frozen=True)
class HistorySummary:
    """What :func:`parse_history` understood of a file. See :meth:`to_dict` for JSON.

    Attributes:
        source_format: ``canonical``, ``genesys``, ``amazon_connect``, ``per_contact`` or
            ``interval_report``.
        channels: canonical channel names, sorted.
        first_interval: start of the first interval of the grid.
        last_interval: start of the last interval of the grid.
        interval_minutes: the planning interval after aggregation.
        source_interval_minutes: the file's own interval (None for per-contact exports).
        rows_read: data rows in the file.
        gaps: spans of missing data per channel.
        duplicates: rows superseded by a later row for the same key (last one wins).
        outliers: unusual daily totals and interval volumes.
        closed_intervals: intervals absent from the file and set to 0 as closed.
        warnings: notes for the manager, including how DST was handled.
        mapping: for an interval report, the column mapping it was read with (every column
            found, the date order used); None for the other formats.
    """

    source_format: SourceFormat
    channels: tuple[str, ...]
    first_interval: pd.Timestamp
    last_interval: pd.Timestamp
    interval_minutes: int
    source_interval_minutes: int | None
    rows_read: int
    gaps: tuple[HistoryGap, ...] = ()
    duplicates: int = 0
    outliers: tuple[HistoryOutlier, ...] = ()
    closed_intervals: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)
    mapping: ColumnMapping | None = None

    def __post_init__(self) -> None:
        if self.source_format not in get_args(SourceFormat):
            raise ValueError(f"unknown source format {self.source_format!r}")
        if self.interval_minutes not in PLANNING_INTERVALS:
            raise ValueError(f"interval_minutes must be 15, 30 or 60, not {self.interval_minutes}")
        if self.first_interval > self.last_interval:
            raise ValueError("first_interval is after last_interval")
        if min(self.rows_read, self.duplicates, self.closed_intervals) < 0:
            raise ValueError("counts cannot be negative")

    def to_dict(self) -> dict[str, object]:
        """The summary as plain JSON-serialisable values (timestamps in ISO 8601)."""
        return {
            "source_format": self.source_format,
            "channels": list(self.channels),
            "first_interval": self.first_interval.isoformat(),
            "last_interval": self.last_interval.isoformat(),
            "interval_minutes": self.interval_minutes,
            "source_interval_minutes": self.source_interval_minutes,
            "rows_read": self.rows_read,
            "gaps": [
                {"start": gap.start.isoformat(), "end": gap.end.isoformat(), "channel": gap.channel}
                for gap in self.gaps
            ],
            "duplicates": self.duplicates,
            "outliers": [
                {
                    "start": outlier.start.isoformat(),
                    "channel": outlier.channel,
                    "value": outlier.value,
                    "why": outlier.why,
                }
                for outlier in self.outliers
            ],
            "closed_intervals": self.closed_intervals,
            "warnings": list(self.warnings),
            "mapping": self.mapping.to_dict() if self.mapping is not None else None,
        }


@dataclass(frozen=True, eq=False)
class History:
    """An imported history on a complete regular grid.

    Attributes:
        frame: columns ``interval_start`` (tz-aware, in ``timezone``), ``channel`` (str),
            ``volume`` (float; 0 = no contacts or closed, NaN = missing data) and
            ``aht_seconds`` (float; NaN when unknown or volume is 0). Every interval of every
            covered local day for every channel, sorted by channel then interval_start.
        interval_minutes: the planning interval (15, 30 or 60).
        timezone: IANA name of the zone the intervals are expressed in.
        summary: what was understood, with gaps, duplicates, outliers and warnings.
    """

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str
    summary: HistorySummary

    def __post_init__(self) -> None:
        if tuple(self.frame.columns) != HISTORY_COLUMNS:
            raise ValueError(f"history columns must be {HISTORY_COLUMNS}")
        if self.interval_minutes not in PLANNING_INTERVALS:
            raise ValueError(f"interval_minutes must be 15, 30 or 60, not {self.interval_minutes}")


def _check_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidHistoryError(
            f"unknown timezone {timezone!r}; use an IANA name such as 'America/New_York', "
            "'Europe/Paris' or 'UTC'"
        ) from error


def _local_midnight(day: pd.Timestamp, timezone: str) -> pd.Timestamp:
    """The first instant of a local day (midnight, or the first existing time after it), as
    a naive UTC timestamp."""
    naive = pd.Timestamp(day.year, day.month, day.day)
    local = naive.tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    return local.tz_convert("UTC").tz_localize(None)


class _Grid(NamedTuple):
    """The planning grid: UTC instants stepping from the first local midnight."""

    starts: pd.DatetimeIndex  # tz-aware, in the history's timezone
    day_number: npt.NDArray[np.int64]  # local day of each interval, 0 = first day
    day_starts: pd.DatetimeIndex  # local midnight of each day
    slot_of_week: npt.NDArray[np.int64]  # weekday * 1440 + local minute of the day


def _grid(origin: pd.Timestamp, last_slot: pd.Timestamp, minutes: int, timezone: str) -> _Grid:
    """Intervals from local midnight at ``origin`` to the end of ``last_slot``'s local day.

    Both arguments are naive UTC. Stepping in UTC gives 23- or 25-hour local days where the
    clocks change, as it must.
    """
    first_day = origin.tz_localize("UTC").tz_convert(timezone).tz_localize(None).normalize()
    last_day = last_slot.tz_localize("UTC").tz_convert(timezone).tz_localize(None).normalize()
    end = _local_midnight(last_day + pd.Timedelta(days=1), timezone)
    utc = pd.date_range(origin, end, freq=f"{minutes}min", inclusive="left", unit="us")
    starts = utc.tz_localize("UTC").tz_convert(timezone)
    wall = starts.tz_localize(None)
    day_number = np.asarray((wall.normalize() - first_day) // pd.Timedelta(days=1), np.int64)
    first_of_day = np.searchsorted(day_number, np.arange(day_number[-1] + 1))
    minute_of_day = np.asarray(wall.hour * 60 + wall.minute, np.int64)
    slot_of_week = np.asarray(wall.day_of_week, np.int64) * _MINUTES_PER_DAY + minute_of_day
    return _Grid(starts, day_number, starts[first_of_day], slot_of_week)


def _source_interval(
    records: pd.DataFrame, local: pd.DatetimeIndex, claimed: int | None, time_column: str,
    problems: RowProblems,
) -> int:  # fmt: skip
    """The file's own interval in minutes, judged on local wall-clock times ``local`` of the
    rows in ``records``; rows not on it are reported."""
    rows = records["row"].to_numpy(np.int64)
    text = records["time_text"]
    minute = np.asarray(local.hour * 60 + local.minute, np.int64)
    off_minute = np.asarray((local.second != 0) | (local.microsecond != 0), bool)
    problems.add_where(
        off_minute,
        rows,
        lambda i: (
            f"row {rows[i]}, column `{time_column}`: {text.iloc[i]!r} does not start on "
            "a whole minute; interval starts look like 09:00 or 09:15"
        ),
    )
    on_minute = minute[~off_minute]
    several_days = local.min().normalize() != local.max().normalize()
    if claimed is None and several_days and not on_minute.any():
        claimed = _MINUTES_PER_DAY  # every row at local midnight, on several days: daily rows
    if claimed is None:
        claimed = next(
            (d for d in _DIVISORS_OF_AN_HOUR if np.mean(on_minute % d == 0) >= ALIGNED_SHARE), 1
        )
    step = claimed
    problems.add_where(
        ~off_minute & (minute % step != 0),
        rows,
        lambda i: (
            f"row {rows[i]}, column `{time_column}`: {text.iloc[i]!r} is not on the "
            f"{step}-minute grid of this file; intervals start every {step} minutes from midnight"
        ),
    )
    return step


def _planning_interval(source_minutes: int | None, requested: int | None) -> int:
    """The planning interval for a file whose own interval is ``source_minutes``."""
    if source_minutes is None:
        return requested or PLANNING_INTERVALS[0]
    if source_minutes > PLANNING_INTERVALS[-1]:
        what = "daily" if source_minutes == _MINUTES_PER_DAY else f"{source_minutes}-minute"
        raise InvalidHistoryError(
            f"the file has {what} rows; staffcast plans 15-, 30- or 60-minute intervals and "
            "cannot split longer ones. Export 15- or 30-minute interval data instead"
        )
    fitting = [m for m in PLANNING_INTERVALS if m >= source_minutes and m % source_minutes == 0]
    if requested is None:
        return fitting[0]
    if requested not in fitting:
        relation = "coarser than" if source_minutes > requested else "not a whole fraction of"
        raise InvalidHistoryError(
            f"the file's intervals are {source_minutes} minutes long, {relation} the requested "
            f"{requested}-minute planning interval; use interval_minutes "
            f"{' or '.join(map(str, fitting))}, or export finer data"
        )
    return requested


def _drop_duplicates(records: pd.DataFrame, per_contact: bool) -> tuple[pd.DataFrame, int]:
    if per_contact:
        if "contact_id" not in records.columns:
            return records, 0
        repeated = records.duplicated(["contact_id"], keep="last") & (records["contact_id"] != "")
    else:
        repeated = records.duplicated(["channel", "queue", "instant"], keep="last")
    return records[~repeated.to_numpy(dtype=bool)], int(repeated.sum())


def _queue_note(records: pd.DataFrame) -> list[str]:
    queues = records.loc[records["queue"] != "", ["channel", "queue"]].drop_duplicates()
    per_channel = queues.groupby("channel")["queue"].agg(sorted)
    merged = {channel: names for channel, names in per_channel.items() if len(names) > 1}
    return [
        f"queues {', '.join(names)} were summed into channel {channel}"
        for channel, names in merged.items()
    ]


def _dst_notes(grid: _Grid, minutes: int, timezone: str) -> list[str]:
    intervals = np.bincount(grid.day_number)
    return [
        f"{grid.day_starts[int(day)]:%Y-%m-%d} has {intervals[day] * minutes / 60:g} hours in "
        f"{timezone} (clocks change); the grid follows local days and has {intervals[day]} "
        "intervals that day"
        for day in np.flatnonzero(intervals * minutes != _MINUTES_PER_DAY)
    ]


def _gaps(
    volume: npt.NDArray[np.float64], starts: pd.DatetimeIndex, end: pd.Timestamp, channel: str
) -> list[HistoryGap]:
    missing = np.isnan(volume).astype(np.int8)
    edges = np.diff(np.concatenate([[0], missing, [0]]))
    first = np.flatnonzero(edges == 1)
    after = np.flatnonzero(edges == -1)
    return [
        HistoryGap(starts[int(s)], starts[int(e)] if e < len(starts) else end, channel)
        for s, e in zip(first, after, strict=True)
    ]


def _empty_day_notes(
    volume: npt.NDArray[np.float64], grid: _Grid, slot: npt.NDArray[np.int64]
) -> list[str]:
    """Days without a single row that have missing intervals: closed or lost? The file cannot
    say, so the manager is told how to say it."""
    days = len(grid.day_starts)
    with_rows = np.bincount(grid.day_number[slot], minlength=days) > 0
    with_gaps = np.bincount(grid.day_number, weights=np.isnan(volume).any(axis=0), minlength=days)
    empty = np.flatnonzero(~with_rows & (with_gaps > 0))
    names = [f"{grid.day_starts[int(day)]:%Y-%m-%d}" for day in empty]
    if not names:
        return []
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return [
        f"no rows at all on {shown}: its usually busy intervals are treated as missing data "
        "(NaN). If the team was closed, add rows with volume 0 or list the day as a closed "
        "special day"
    ]


class _Cells(NamedTuple):
    volume: npt.NDArray[np.float64]  # channels x intervals, NaN = absent from the file
    handle_seconds: npt.NDArray[np.float64]
    handled: npt.NDArray[np.float64]


def _aggregate(
    records: pd.DataFrame, channels: list[str], slot: npt.NDArray[np.int64], size: int
) -> _Cells:
    code = pd.Categorical(records["channel"], categories=channels).codes.astype(np.int64)
    cell = code * size + slot
    present = np.bincount(cell, minlength=len(channels) * size) > 0
    shape = (len(channels), size)

    def total(column: str) -> npt.NDArray[np.float64]:
        weights = records[column].to_numpy(np.float64)
        sums = np.bincount(cell, weights=weights, minlength=shape[0] * shape[1])
        return sums.astype(np.float64).reshape(shape)

    volume = np.where(present.reshape(shape), total("volume"), np.nan)
    return _Cells(volume, total("handle_seconds"), total("handled"))


def _fill_absent(
    cells: _Cells, records: pd.DataFrame, channels: list[str], slot: npt.NDArray[np.int64],
    grid: _Grid, *, per_contact: bool,
) -> tuple[npt.NDArray[np.float64], int]:  # fmt: skip
    """Absent intervals inside each channel's span: 0 if closed (or per-contact), else NaN."""
    volume = cells.volume.copy()
    slot_codes, slot_index = np.unique(grid.slot_of_week, return_inverse=True)
    closed_total = 0
    for row, channel in enumerate(channels):
        mine = slot[(records["channel"] == channel).to_numpy(dtype=bool)]
        first_day, last_day = grid.day_number[mine.min()], grid.day_number[mine.max()]
        in_span = (grid.day_number >= first_day) & (grid.day_number <= last_day)
        absent = np.isnan(volume[row]) & in_span
        if per_contact:
            volume[row, absent] = 0.0
            continue
        busy = np.bincount(
            slot_index,
            weights=in_span & (np.nan_to_num(volume[row]) > 0),
            minlength=slot_codes.size,
        )
        weeks = np.bincount(slot_index, weights=in_span, minlength=slot_codes.size)
        usually_open = busy >= OPEN_SHARE * np.maximum(weeks, 1)
        closed = absent & ~usually_open[slot_index]
        volume[row, closed] = 0.0
        closed_total += int(closed.sum())
    return volume, closed_total


class _Placed(NamedTuple):
    """Records with UTC instants, and the intervals they were found on."""

    records: pd.DataFrame
    origin: pd.Timestamp  # naive UTC: local midnight of the first day
    source_minutes: int | None
    dst_notes: list[str]


def _check_span(
    records: pd.DataFrame, instants: npt.NDArray[np.datetime64], placed: npt.NDArray[np.bool_],
    time_column: str,
) -> None:  # fmt: skip
    """Refuse a file spanning more than :data:`MAX_SPAN_DAYS` before its grid (channels x
    intervals) is allocated."""
    positions = np.flatnonzero(placed)
    earliest = positions[np.argmin(instants[positions])]
    latest = positions[np.argmax(instants[positions])]
    days = (instants[latest] - instants[earliest]) // np.timedelta64(1, "D")
    if days <= MAX_SPAN_DAYS:
        return
    rows, text = records["row"].to_numpy(np.int64), records["time_text"]
    raise InvalidHistoryError(
        f"row {rows[latest]}, column `{time_column}`: {show(text.iloc[latest])} is {days:,} "
        f"days after row {rows[earliest]} ({show(text.iloc[earliest])}), more than the limit "
        f"of {MAX_SPAN_DAYS:,} days (10 years) in one file; check the dates, or upload the "
        "years you forecast from"
    )


def _placed(extract: Extract, timezone: str, problems: RowProblems) -> _Placed:
    """Settle repeated local hours, find the source interval; raise on any row problem."""
    per_contact = extract.source_format == "per_contact"
    settle = settle_repeated_contacts if per_contact else settle_repeated_intervals
    records, notes = settle(extract.records, ["channel", "queue"], timezone)
    instants = records["instant"].to_numpy(dtype=INSTANT_DTYPE)
    placed = ~np.isnat(instants)
    if not placed.any():
        problems.raise_if_any("the history file")
        raise InvalidHistoryError(
            "the history file has no rows left to import: every row is at a local time that "
            f"does not exist in {timezone}; check the timezone"
        )
    _check_span(records, instants, placed, extract.time_column)
    first = pd.Timestamp(instants[placed].min()).tz_localize("UTC").tz_convert(timezone)
    origin = _local_midnight(first.tz_localize(None), timezone)
    source_minutes = None
    if not per_contact:
        local = pd.DatetimeIndex(instants[placed]).tz_localize("UTC").tz_convert(timezone)
        source_minutes = _source_interval(
            records[placed], local, extract.claimed_interval_minutes, extract.time_column,
            problems,
        )  # fmt: skip
    problems.raise_if_any("the history file")
    return _Placed(records, origin, source_minutes, notes)


def _quality(
    volume: npt.NDArray[np.float64], channels: list[str], grid: _Grid, minutes: int
) -> tuple[list[HistoryGap], list[HistoryOutlier]]:
    """Gaps and outliers of every channel."""
    grid_end = grid.starts[-1] + pd.Timedelta(minutes=minutes)
    gaps: list[HistoryGap] = []
    outliers: list[HistoryOutlier] = []
    for row, channel in enumerate(channels):
        gaps += _gaps(volume[row], grid.starts, grid_end, channel)
        found, flagged = daily_outliers(volume[row], grid.day_number, grid.day_starts, channel)
        outliers += found
        skip = flagged[grid.day_number]
        outliers += interval_outliers(volume[row], grid.slot_of_week, skip, grid.starts, channel)
    outliers.sort(key=lambda outlier: (outlier.start, outlier.channel))
    return gaps, outliers


def _slots(
    records: pd.DataFrame, origin: pd.Timestamp, minutes: int, timezone: str
) -> tuple[npt.NDArray[np.int64], _Grid]:
    """Each record's interval number counted from ``origin`` (naive UTC), and the grid."""
    instants = records["instant"].to_numpy(dtype=INSTANT_DTYPE)
    step = np.timedelta64(minutes, "m")
    slot = ((instants - origin.to_datetime64()) // step).astype(np.int64)
    last_slot = origin + pd.Timedelta(minutes=minutes) * int(slot.max())
    return slot, _grid(origin, last_slot, minutes, timezone)


def _repeat_and_gap_notes(
    duplicates: int, gaps: list[HistoryGap], volume: npt.NDArray[np.float64]
) -> list[str]:
    """Notes on rows that repeated an interval and on intervals with no data."""
    notes = []
    if duplicates:
        notes.append(
            f"{duplicates} row(s) repeated an interval already in the file; the last one was kept"
        )
    if gaps:
        notes.append(
            f"{int(np.isnan(volume).sum())} interval(s) of missing data in {len(gaps)} span(s): "
            "volume is NaN there, not 0"
        )
    return notes


def _frame(
    grid: _Grid, channels: list[str], volume: npt.NDArray[np.float64], aht: npt.NDArray[np.float64]
) -> pd.DataFrame:
    utc_starts = grid.starts.tz_convert("UTC").tz_localize(None).to_numpy(dtype=INSTANT_DTYPE)
    starts = pd.DatetimeIndex(np.tile(utc_starts, len(channels))).tz_localize("UTC")
    return pd.DataFrame(
        {
            "interval_start": starts.tz_convert(grid.starts.tz),
            "channel": pd.Series(np.repeat(channels, len(grid.starts)), dtype=str),
            "volume": volume.ravel(),
            "aht_seconds": aht.ravel(),
        }
    )


def parse_history(
    source: HistorySource,
    *,
    timezone: str = "UTC",
    interval_minutes: int | None = None,
    max_errors: int = 100,
    mapping: ColumnMapping | None = None,
    saved_mapping: ColumnMapping | None = None,
) -> History:
    """Read a history export (canonical, Genesys, Amazon Connect or per-contact) onto a grid.

    Args:
        source: the CSV content (``str`` or ``bytes``) or an open file object.
        timezone: IANA name of the team's timezone: naive timestamps are local to it and the
            result is expressed in it.
        interval_minutes: the planning interval (15, 30 or 60), or None to keep the file's
            own interval (a finer one is summed up to 15, 30 or 60 minutes).
        max_errors: how many row problems to list before giving up listing.
        mapping: how to read an interval report (see :mod:`forecast.column_mapping`); a
            mapping that names a column makes the file read as one.
        saved_mapping: the team's mapping from an earlier upload, used when the file is not
            one of the known exports.

    Returns:
        The history on a complete grid, with a summary of what was understood.

    Raises:
        InvalidHistoryError: if anything in the file is wrong; ``errors`` lists every problem
            (up to ``max_errors``) with row, column and value. Nothing is imported.
    """
    _check_timezone(timezone)
    if interval_minutes is not None and interval_minutes not in PLANNING_INTERVALS:
        raise InvalidHistoryError(f"interval_minutes must be 15, 30 or 60, not {interval_minutes}")
    problems = RowProblems(max_errors)
    extract = extract_records(
        source, timezone, problems, mapping=mapping, saved_mapping=saved_mapping
    )
    placed = _placed(extract, timezone, problems)
    minutes = _planning_interval(placed.source_minutes, interval_minutes)
    per_contact = extract.source_format == "per_contact"
    records, duplicates = _drop_duplicates(placed.records, per_contact)
    slot, grid = _slots(records, placed.origin, minutes, timezone)
    channels = sorted(records["channel"].unique())
    cells = _aggregate(records, channels, slot, len(grid.starts))
    volume, closed = _fill_absent(cells, records, channels, slot, grid, per_contact=per_contact)
    with np.errstate(invalid="ignore", divide="ignore"):
        known = (cells.handled > 0) & (volume > 0)
        aht = np.where(known, cells.handle_seconds / cells.handled, np.nan)
    gaps, outliers = _quality(volume, channels, grid, minutes)
    warnings = [*extract.notes, *placed.dst_notes, *_dst_notes(grid, minutes, timezone)]
    warnings += _queue_note(records) + _empty_day_notes(volume, grid, slot)
    warnings += _repeat_and_gap_notes(duplicates, gaps, volume)
    summary = HistorySummary(
        source_format=extract.source_format,
        channels=tuple(channels),
        first_interval=grid.starts[0],
        last_interval=grid.starts[-1],
        interval_minutes=minutes,
        source_interval_minutes=placed.source_minutes,
        rows_read=extract.rows_read,
        gaps=tuple(gaps),
        duplicates=duplicates,
        outliers=tuple(outliers),
        closed_intervals=closed,
        warnings=tuple(warnings),
        mapping=extract.mapping,
    )
    frame = _frame(grid, channels, volume, aht)
    return History(frame=frame, interval_minutes=minutes, timezone=timezone, summary=summary)
