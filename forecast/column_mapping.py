"""Interval reports read through a column mapping: which column holds what, and how dates read.

ACD and contact-centre tools export *interval reports* like::

    "Date","Interval","Offered","Handled","AHT"
    "12/07/2026","9:00 AM","42","40","312"

with US (``12/07/2026``), day-first (``07/12/2026``) or ISO (``2026-12-07``, ``2026/12/07``)
dates, 12-hour (``1:30 PM``) or 24-hour (``13:30``) clocks, an interval written as its start
or as a range (``09:00 - 09:15``), the handle time in seconds or as ``h:mm:ss``, and often no
channel column (one file per queue). A :class:`ColumnMapping` says which column holds the
date, the time of day, the offered contacts, the handled contacts and the average handle
time, and where the channel comes from (a column, or one channel for the whole file). Columns
it leaves out are found by their usual header names (:data:`DATE_HEADERS` and the others), so
most reports need no mapping but the channel. A date column that also holds the time
(``12/07/2026 1:30 PM``) needs no time column; a date alone is a daily row.

When the date order is not given it is read from the file: a first number above 12 means
day-first, a second number above 12 means US; a file where every date reads both ways is
refused, naming a row, since 03/04/2026 may be 4 March or 3 April.

:func:`interval_times` turns the date and time cells into ISO 8601 wall-clock text
(``2026-12-07T13:30:00``), reporting every bad date and time with its row, column and value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Final, Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.errors import InvalidHistoryError
from forecast.limits import MAX_CELL_CHARACTERS
from forecast.row_problems import RowProblems, show

DateOrder = Literal["us", "day_first", "iso"]

DATE_HEADERS: Final = ("date", "day", "report date", "interval date", "start date", "period")
TIME_HEADERS: Final = (
    "interval",
    "time",
    "start time",
    "interval start time",
    "time interval",
    "half hour",
    "quarter hour",
    "hour",
    "interval time",
)
DATE_TIME_HEADERS: Final = (
    "interval start",
    "startinterval",
    "start interval",
    "timestamp",
    "date time",
    "datetime",
    "date/time",
)
VOLUME_HEADERS: Final = (
    "offered",
    "calls offered",
    "contacts offered",
    "offered calls",
    "offer",
    "contacts",
    "contacts queued",
    "inbound calls",
    "calls",
    "interactions offered",
    "incoming contacts",
    "calls presented",
    "volume",
)
HANDLED_HEADERS: Final = (
    "handled",
    "calls handled",
    "contacts handled",
    "handled calls",
    "interactions handled",
    "answered",
    "answered calls",
    "calls answered",
    "answer",
)
AHT_HEADERS: Final = (
    "aht",
    "avg handle time",
    "average handle time",
    "avg handle",
    "handle time avg",
    "avg handle time sec",
    "aht seconds",
)
CHANNEL_HEADERS: Final = ("channel", "media type", "media", "channel type")
QUEUE_HEADERS: Final = ("queue", "queue name", "skill", "campaign")


def header_key(name: str) -> str:
    """How headers are matched: case-insensitive, ``_`` and runs of spaces as one space."""
    return re.sub(r"[\s_]+", " ", name.replace("\ufeff", "")).strip().lower()


def _name_key(name: str) -> str:
    """A header without its unit: ``AHT (sec)`` and ``Avg Handle Time (s)`` match by name."""
    return header_key(re.sub(r"\([^)]*\)", " ", name))


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of an interval report holds what; ``None`` means "find it by its name".

    Attributes:
        date_column: the date (or date and time) of each row, e.g. ``Date``.
        time_column: the interval's time of day, e.g. ``Interval`` or ``Start Time``; None
            when the date column holds the time too.
        volume_column: contacts offered, e.g. ``Offered`` or ``Calls Offered``.
        handled_column: contacts handled, which the handle time averages over.
        aht_column: average handle time, in seconds or ``h:mm:ss``.
        channel_column: the channel of each row; or
        channel: one channel for the whole file (one file per queue), e.g. ``voice``.
        date_order: ``us`` (12/07/2026 is 7 December), ``day_first`` (12 July) or ``iso``;
            None to read it from the file.
    """

    date_column: str | None = None
    time_column: str | None = None
    volume_column: str | None = None
    handled_column: str | None = None
    aht_column: str | None = None
    channel_column: str | None = None
    channel: str | None = None
    date_order: DateOrder | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str) and not value.strip():
                raise ValueError(f"{item.name} is empty; leave it out to detect it")
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                raise ValueError(
                    f"{item.name} is longer than the limit of {MAX_CELL_CHARACTERS} characters"
                )
        if self.channel is not None and self.channel_column is not None:
            raise ValueError(
                f"give either channel_column ({self.channel_column!r}) or a fixed channel "
                f"({self.channel!r}), not both"
            )
        if self.date_order is not None and self.date_order not in get_args(DateOrder):
            raise ValueError(f"date_order must be us, day_first or iso, not {self.date_order!r}")

    @property
    def names_columns(self) -> bool:
        """Whether the mapping names a column (not only a channel or a date order)."""
        return any(
            value is not None
            for value in (
                self.date_column, self.time_column, self.volume_column,
                self.handled_column, self.aht_column, self.channel_column,
            )
        )  # fmt: skip

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all is given."""
        return all(getattr(self, item.name) is None for item in fields(self))

    def to_dict(self) -> dict[str, str | None]:
        """The mapping as JSON-serialisable values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> ColumnMapping:
        """A mapping from :meth:`to_dict` output (unknown keys are an error).

        Raises:
            ValueError: for unknown keys or values that are not text.
        """
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown column mapping key(s): {', '.join(unknown)}")
        texts: dict[str, str | None] = {}
        for key, value in values.items():
            if value is not None and not isinstance(value, str):
                raise ValueError(f"column mapping {key} must be text, not {value!r}")
            texts[key] = value
        return cls(**texts)  # type: ignore[arg-type]

    def resolved(self, header: dict[str, str]) -> ColumnMapping:
        """This mapping with every column it leaves out found by name in ``header``
        (normalised key -> header as written), and every named column checked.

        Raises:
            InvalidHistoryError: naming a column that is not in the file, or the date or
                volume column when neither the mapping nor the usual names find it.
        """
        columns = _Header(header)
        date = columns.named("date_column", self.date_column)
        time = columns.named("time_column", self.time_column)
        volume = columns.named("volume_column", self.volume_column)
        handled = columns.named("handled_column", self.handled_column)
        aht = columns.named("aht_column", self.aht_column)
        channel_column = columns.named("channel_column", self.channel_column)
        taken = {name for name in (date, time, volume, handled, aht, channel_column) if name}
        if date is None:
            date = columns.detect(DATE_HEADERS, taken)
            if date is not None and time is None:
                time = columns.detect(TIME_HEADERS, taken | {date})
            if date is None:
                date = columns.detect(DATE_TIME_HEADERS, taken)
        elif time is None and self.time_column is None:
            time = columns.detect(TIME_HEADERS, taken | {date})
        taken |= {name for name in (date, time) if name}
        volume = volume or columns.detect(VOLUME_HEADERS, taken)
        taken |= {volume} if volume else set()
        handled = handled or columns.detect(HANDLED_HEADERS, taken)
        aht = aht or columns.detect(AHT_HEADERS, taken)
        if self.channel is None and channel_column is None:
            channel_column = columns.detect(CHANNEL_HEADERS, taken)
        has_channel = self.channel is not None or channel_column is not None
        columns.require(date, volume, has_channel=has_channel)
        return replace(
            self,
            date_column=date,
            time_column=time,
            volume_column=volume,
            handled_column=handled,
            aht_column=aht,
            channel_column=channel_column,
        )


class _Header:
    """A file's header as :meth:`ColumnMapping.resolved` looks columns up in it."""

    def __init__(self, header: dict[str, str]) -> None:
        self.header = header
        self.by_name: dict[str, str] = {}
        for written in header.values():
            self.by_name.setdefault(_name_key(written), written)
        self.found = ", ".join(repr(name) for name in header.values())

    def named(self, option: str, given: str | None) -> str | None:
        """The header of the column ``option`` names (None if it names none).

        Raises:
            InvalidHistoryError: if the file has no such column.
        """
        if given is None:
            return None
        written = self.header.get(header_key(given)) or self.by_name.get(_name_key(given))
        if written is None:
            raise InvalidHistoryError(
                f"the column mapping names {option} {given!r}, which is not a column of "
                f"the file; its columns are: {self.found}"
            )
        return written

    def detect(self, candidates: tuple[str, ...], taken: set[str]) -> str | None:
        """The first column under one of the usual names ``candidates`` not ``taken``."""
        for candidate in candidates:
            written = self.by_name.get(candidate)
            if written is not None and written not in taken:
                return written
        return None

    def require(self, date: str | None, volume: str | None, *, has_channel: bool) -> None:
        """Refuse a report without a date, a volume or a channel (column or given).

        Raises:
            InvalidHistoryError: naming what is missing and the file's columns.
        """
        missing = [
            what
            for what, value in (
                ("a date column (e.g. Date; --date-column)", date),
                ("a volume column (e.g. Offered; --volume-column)", volume),
            )
            if value is None
        ]
        if missing:
            raise InvalidHistoryError(
                f"the interval report has no {' and no '.join(missing)}; its columns are: "
                f"{self.found}. Name the column in the mapping"
            )
        if not has_channel:
            raise InvalidHistoryError(
                f"the interval report has no channel column (its columns are: {self.found}); "
                "give the channel of the whole file (--channel voice, one file per queue) "
                "or name the channel column"
            )


def looks_like_interval_report(header: dict[str, str]) -> bool:
    """Whether the header has a date and a volume column under their usual names."""
    names = {_name_key(written) for written in header.values()}
    dated = bool(names & {*DATE_HEADERS, *DATE_TIME_HEADERS})
    return dated and bool(names & set(VOLUME_HEADERS))


_DATE: Final = re.compile(
    r"^\s*(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{2,4})(?:[T ,]+(?P<rest>.*?))?\s*$"
)
_TIME: Final = re.compile(
    r"^\s*(?P<hour>\d{1,2})(?::(?P<minute>\d\d))(?::(?P<second>\d\d))?\s*"
    r"(?P<half>[AaPp]\.?\s*[Mm]\.?)?\s*(?:(?:-|\u2013|to)\s*.*)?$"
)
_DURATION: Final = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d\d(?:\.\d+)?)\s*$")


def duration_seconds(cells: pd.Series) -> pd.Series:
    """Cells written as ``h:mm:ss`` or ``mm:ss`` turned into seconds; other cells unchanged."""
    text = cells.astype(str)
    parts = text.str.extract(_DURATION)
    clock = parts[2].notna()
    if not clock.any():
        return text
    hours = pd.to_numeric(parts[0], errors="coerce").fillna(0.0)
    seconds = (
        hours * 3600
        + pd.to_numeric(parts[1], errors="coerce") * 60
        + pd.to_numeric(parts[2], errors="coerce")
    )
    return text.where(~clock, seconds.map(lambda value: f"{value:g}"))


@dataclass(frozen=True, eq=False)
class IntervalTimes:
    """The start of each row of an interval report as ISO 8601 wall-clock text.

    Attributes:
        text: ``2026-12-07T13:30:00``; empty where the date or time is bad (reported).
        bad: where the date or time could not be read.
        date_order: the date order used (given or read from the file).
        label: the column(s) the time came from, for messages (``Date + Interval``).
    """

    text: pd.Series
    bad: npt.NDArray[np.bool_]
    date_order: DateOrder
    label: str


def _date_order(
    parts: pd.DataFrame, rows: npt.NDArray[np.int64], raw: pd.Series, header: str
) -> DateOrder:
    """The date order the file's dates allow, or an error naming rows that show it is unclear."""
    slashed = parts["a"].str.len() <= 2
    if not slashed.any():
        return "iso"
    first = pd.to_numeric(parts["a"], errors="coerce").where(slashed)
    second = pd.to_numeric(parts["b"], errors="coerce").where(slashed)
    # A date with both numbers above 12 is no date at all; it is reported as such later.
    day_first = np.flatnonzero(((first > 12) & (second <= 12)).to_numpy(dtype=bool))
    us = np.flatnonzero(((second > 12) & (first <= 12)).to_numpy(dtype=bool))
    if day_first.size and us.size:
        raise InvalidHistoryError(
            f"column `{header}` mixes date orders: row {rows[day_first[0]]} has "
            f"{show(raw.iloc[day_first[0]])} (day first) and row {rows[us[0]]} has "
            f"{show(raw.iloc[us[0]])} (month first); export one date format per file"
        )
    if day_first.size:
        return "day_first"
    if us.size:
        return "us"
    example = int(np.flatnonzero(slashed.to_numpy(dtype=bool))[0])
    raise InvalidHistoryError(
        f"row {rows[example]}, column `{header}`: {show(raw.iloc[example])} and every other "
        "date of the file read both as month/day and as day/month, so the date order is "
        "ambiguous; give it (--date-order us for 12/07/2026 = 7 December, day_first for "
        "12 July, or iso)"
    )


def interval_times(
    cells: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    mapping: ColumnMapping,
    problems: RowProblems,
) -> IntervalTimes:
    """Read the date and time columns of a resolved mapping into ISO wall-clock text.

    Args:
        cells: the file's text cells.
        rows: spreadsheet row number of each row of ``cells``.
        mapping: a mapping from :meth:`ColumnMapping.resolved`.
        problems: where bad dates and times are reported, with row, column and value.

    Raises:
        InvalidHistoryError: if the date order is not given and the file does not settle it.
    """
    if mapping.date_column is None:
        raise ValueError("interval_times needs a resolved mapping (ColumnMapping.resolved)")
    date_header = mapping.date_column
    raw_dates = cells[date_header].astype(str)
    dates = raw_dates.str.extract(_DATE)
    stamp, bad_date, order = _calendar_dates(
        dates, raw_dates, rows, date_header, mapping.date_order, problems
    )
    time_header = mapping.time_column or date_header
    raw_times = (
        cells[mapping.time_column].astype(str)
        if mapping.time_column is not None
        else dates["rest"].fillna("").astype(str)
    )
    since_midnight, bad_time = _times_of_day(raw_times, daily=mapping.time_column is None)
    bad_time &= ~bad_date
    problems.add_where(
        bad_time,
        rows,
        lambda i: (
            f"row {rows[i]}, column `{time_header}`: {show(raw_times.iloc[i])} is not a time "
            "of day; write it like 1:30 PM or 13:30"
        ),
    )
    bad = bad_date | bad_time
    starts = stamp + since_midnight
    text = starts.dt.strftime("%Y-%m-%dT%H:%M:%S").where(~bad, "").fillna("").astype(str)
    label = date_header if mapping.time_column is None else f"{date_header} + {time_header}"
    return IntervalTimes(text=text, bad=bad, date_order=order, label=label)


def _calendar_dates(
    dates: pd.DataFrame,
    raw_dates: pd.Series,
    rows: npt.NDArray[np.int64],
    header: str,
    order: DateOrder | None,
    problems: RowProblems,
) -> tuple[pd.Series, npt.NDArray[np.bool_], DateOrder]:
    """Each row's date (midnight; NaT where it is not a date, reported), where it is bad,
    and the date order: ``order`` if given, else the one the file's dates allow.

    Args:
        dates: the date cells split by :data:`_DATE` (columns ``a``, ``b``, ``c``).
        raw_dates: the date cells as written, for messages.
        rows: spreadsheet row number of each row.
        header: the date column's header, for messages.
        order: the date order given with the mapping, if any.
        problems: where bad dates are reported.
    """
    bad_date = dates["a"].isna().to_numpy(dtype=bool, copy=True)
    readable = ~bad_date
    order = order or _date_order(dates[readable], rows[readable], raw_dates[readable], header)
    a = pd.to_numeric(dates["a"], errors="coerce")
    b = pd.to_numeric(dates["b"], errors="coerce")
    c = pd.to_numeric(dates["c"], errors="coerce")
    four_digit_first = (dates["a"].str.len() == 4).to_numpy(dtype=bool)
    if order == "iso":
        year, month, day = a, b, c
        bad_date |= ~four_digit_first
    else:
        year = c.where(c >= 100, c + 2000)
        month, day = (a, b) if order == "us" else (b, a)
        bad_date |= four_digit_first
    stamp = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    )
    bad_date |= stamp.isna().to_numpy(dtype=bool)
    written = {"us": "12/07/2026", "day_first": "07/12/2026", "iso": "2026-12-07"}[order]
    problems.add_where(
        bad_date,
        rows,
        lambda i: (
            f"row {rows[i]}, column `{header}`: {show(raw_dates.iloc[i])} is not a date "
            f"in the {order} order; write it like {written}"
        ),
    )
    return stamp, bad_date, order


def _times_of_day(raw_times: pd.Series, *, daily: bool) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Each row's time of day as the time since midnight, and where it is not a time.

    ``daily``: the time is the rest of the date cell, so a date alone is a daily row
    (midnight), while a date with text after it must be a time.
    """
    no_time = (raw_times.str.strip() == "").to_numpy(dtype=bool)
    clock = raw_times.str.extract(_TIME)
    hour = pd.to_numeric(clock["hour"], errors="coerce")
    minute = pd.to_numeric(clock["minute"], errors="coerce")
    second = pd.to_numeric(clock["second"], errors="coerce").fillna(0)
    half = clock["half"].fillna("").str.lower().str.replace(r"[.\s]", "", regex=True)
    twelve_hour = (half != "").to_numpy(dtype=bool)
    bad_time = hour.isna().to_numpy(dtype=bool, copy=True)
    bad_time |= twelve_hour & ~((hour >= 1) & (hour <= 12)).to_numpy(dtype=bool)
    bad_time |= ~twelve_hour & (hour > 23).to_numpy(dtype=bool)
    bad_time |= (minute > 59).to_numpy(dtype=bool) | (second > 59).to_numpy(dtype=bool)
    hour = hour.where(~twelve_hour, hour % 12 + np.where(half == "pm", 12, 0))
    if daily:
        bad_time &= ~no_time
        hour, minute = hour.where(~no_time, 0), minute.where(~no_time, 0)
    since_midnight = (
        pd.to_timedelta(hour.fillna(0), unit="h")
        + pd.to_timedelta(minute.fillna(0), unit="m")
        + pd.to_timedelta(second, unit="s")
    )
    return since_midnight, bad_time
