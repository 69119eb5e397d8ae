"""``staffcast requirements`` on a workload CSV file with numpy and Arrow alone.

A workload file often repeats itself: each channel takes a few hundred distinct volumes and
a few thousand distinct handle times (238,507 distinct ``(channel, volume, AHT)`` tuples in
the 1,051,200 rows of ``benchmarks.file_io``; 108,893 in the 146,384 of the sample history,
whose AHTs are given to 0.1 s). The staffing search and the KPIs
(:mod:`scheduler.staffing.live`, whose results do not depend on what else is in the array)
run once per distinct tuple, and the text after each row's timestamp is formatted once per
tuple by Arrow's CSV writer with the cell rules of every CSV the product writes
(:mod:`api.csv_writing`); each row is then its timestamp (fixed-width text built in numpy)
joined to its tuple's text. No pandas, OR-Tools or scipy is imported.

This path takes only a clean CSV file of live channels without business hours: ISO 8601
timestamps in whole seconds (aware, or naive and unambiguous in the timezone), numbers where
numbers belong, every value within :mod:`api.cli.limits`, no interval twice, text channel
names, no ``volume_low``/``volume_high``. For anything else it returns ``None`` and the
command reads the file again through pandas and :mod:`scheduler.staffing`, which name every
problem (row, column, value, limit) as they always have. Both write the same bytes (tests).
"""

from __future__ import annotations

import importlib.abc
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from api.csv_writing import (
    arrow_csv_rows,
    header_line,
    is_parquet,
    number_cells,
    text_cells,
    utc_offset,
    write_atomically,
)
from forecast.limits import (
    MAX_AHT_SECONDS,
    MAX_CELL_CHARACTERS,
    MAX_CHANNELS,
    MAX_ROWS,
    MAX_VOLUME_PER_ROW,
    MIN_AHT_SECONDS,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from scheduler.staffing import ChannelTarget, Targets

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

REQUIRED: Final = ("interval_start", "channel", "volume", "aht_seconds")
KPI_COLUMNS: Final = ("service_level", "asa_seconds", "occupancy", "p_wait", "p_abandon")
TARGET_NUMBERS: Final = {  # output column -> ChannelTarget field (as scheduler.staffing)
    "target_service_level": "service_level",
    "answer_seconds": "answer_seconds",
    "target_asa_seconds": "asa_seconds",
    "patience_seconds": "patience_seconds",
    "max_abandon": "max_abandon",
    "max_occupancy": "max_occupancy",
    "shrinkage": "shrinkage",
}
COLUMNS: Final = (
    *REQUIRED,
    "agents",
    "scheduled_agents",
    *KPI_COLUMNS,
    "model",
    *TARGET_NUMBERS,
    "concurrency",
    "response_share",
    "response_hours",
    "open",
)
# Cells Arrow would not read as text (nulls, booleans, numbers): a channel column holding
# one of them is typed by Arrow, and the pandas path turns it into other text.
_NOT_TEXT: Final = frozenset(
    {"", "null", "nan", "-nan", "na", "n/a", "#n/a", "true", "false", "inf", "-inf"}
    | {"infinity", "-infinity", "+inf", "+infinity", "#n/a n/a", "#na", "<na>", "none"}
)
_ROWS_PER_WRITE: Final = 65_536  # small buffers, reused: a fresh 100 MB one costs page faults
_STAMP_CELL: Final = np.dtype(  # "2026-12-07T09:00:00-05:00", (28 bytes)
    [
        ("open", "S1"),
        ("date", "S10"),
        ("t", "S1"),
        ("time", "S8"),
        ("offset", "S6"),
        ("close", "S2"),
    ]
)
_FIRST_DAY: Final = np.datetime64("1000-01-01")
_LAST_DAY: Final = np.datetime64("9999-12-31")


@dataclass(frozen=True)
class RequirementsSummary:
    """What the command reports after writing the file."""

    rows: int
    channels: int
    peak_scheduled_agents: int


@dataclass(frozen=True)
class _Rows:
    """A clean workload's rows in output order (channel name, then time)."""

    starts: IntArray  # seconds since the epoch, UTC
    channel: IntArray  # index into names
    names: list[str]  # channel names, stripped, lower case, sorted
    volume: FloatArray
    aht: FloatArray


@dataclass(frozen=True)
class _Distinct:
    """The distinct ``(channel, volume, AHT)`` tuples and, per row, which one it is."""

    of_row: npt.NDArray[np.int32]
    channel: IntArray
    volume: FloatArray
    aht: FloatArray


def requirements_file(
    workload: Path,
    output: Path,
    targets_of: Callable[[list[str]], Targets],
    interval_minutes: int | None,
    timezone: str,
) -> RequirementsSummary | None:
    """Write the requirements of a clean workload CSV to a CSV file, or return ``None`` (and
    write nothing) when the file needs the pandas path (see the module docstring).

    Args:
        workload: the workload CSV file.
        output: the CSV file to write.
        targets_of: the targets, given the workload's channel names.
        interval_minutes: the interval length; inferred from the timestamps when ``None``.
        timezone: the zone of naive timestamps and of the written ones.
    """
    if is_parquet(workload) or is_parquet(output):
        return None
    with _pandas_left_unloaded():
        table = _read(workload)
        rows = None if table is None else _clean_rows(table, timezone)
        summary = None
        if rows is not None:
            summary = _staff_and_write(rows, output, targets_of, interval_minutes, timezone)
    if summary is None:  # the pandas path follows: let pyarrow find pandas again
        import pyarrow as pa

        pa.lib._pandas_api.compat  # noqa: B018  (the property retries the import)
    return summary


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import hook that refuses pandas (see :func:`_pandas_left_unloaded`)."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname.partition(".")[0] == "pandas":
            raise ImportError("pandas is not needed to staff a clean workload file")


@contextmanager
def _pandas_left_unloaded() -> Iterator[None]:
    """Keep pyarrow from importing pandas (0.25 s of CPU) here.

    pyarrow imports pandas the first time it converts anything, to recognise pandas objects;
    this path hands it numpy arrays only. While the import fails, pyarrow notes pandas as
    absent and goes on; afterwards the import works again, and pyarrow retries it when a
    conversion needs pandas.
    """
    if "pandas" in sys.modules:
        yield
        return
    hook = _NoPandas()
    sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        sys.meta_path.remove(hook)


def _staff_and_write(
    rows: _Rows,
    output: Path,
    targets_of: Callable[[list[str]], Targets],
    interval_minutes: int | None,
    timezone: str,
) -> RequirementsSummary | None:
    """The requirements of clean rows written to ``output``; ``None`` (nothing written) for
    deferred work, business hours or an interval length that does not divide a day."""
    import pyarrow as pa

    from scheduler.errors import SchedulerError

    targets = targets_of(rows.names)
    channel_targets = [targets.for_channel(name) for name in rows.names]
    minutes = interval_minutes or _interval_minutes(rows.starts)
    if any(target.model == "deferred" or target.hours for target in channel_targets) or not (
        minutes and minutes > 0 and 1440 % minutes == 0
    ):
        return None
    distinct = _distinct(rows)
    try:
        tails, peak = _row_texts(distinct, rows.names, channel_targets, minutes)
        stamps = _timestamp_cells(rows.starts, timezone)
    except (SchedulerError, pa.ArrowException):
        return None
    if tails is None or stamps is None:
        return None

    def write(stream: IO[bytes]) -> None:
        stream.write(header_line(COLUMNS))
        for start in range(0, len(stamps), _ROWS_PER_WRITE):
            rows_here = distinct.of_row[start : start + _ROWS_PER_WRITE]
            taken = _arrow("take", tails, pa.array(rows_here))
            stream.write(_joined(stamps.slice(start, rows_here.size), taken))

    write_atomically(output, write)
    return RequirementsSummary(len(rows.starts), len(rows.names), peak)


def _arrow(function: str, *arguments: object, options: object = None) -> Any:
    """An Arrow compute function called by name. ``pyarrow.compute`` would build a Python
    wrapper with a docstring for each of its hundreds of functions on import (0.1-0.2 s of
    CPU); ``pyarrow._compute`` is the module those wrappers call."""
    from pyarrow import _compute

    return _compute.call_function(function, list(arguments), options)


def _read(path: Path) -> pa.Table | None:
    """The CSV file as Arrow columns (channel names dictionary-encoded while reading)."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    types = {"channel": pa.dictionary(pa.int32(), pa.string())}
    types |= {"volume": pa.float64(), "aht_seconds": pa.float64()}
    try:
        table = arrow_csv.read_csv(
            path, convert_options=arrow_csv.ConvertOptions(column_types=types)
        )
    except (pa.ArrowException, OSError):
        return None
    names = table.column_names
    if (
        len(set(names)) != len(names)
        or not set(REQUIRED) <= set(names)
        or {"volume_low", "volume_high"} & set(names)
        or not 0 < table.num_rows <= MAX_ROWS
    ):
        return None
    return table


def _clean_rows(table: pa.Table, timezone: str) -> _Rows | None:
    """The rows in output order, or ``None`` if any cell is one the validation would refuse."""
    starts = _instants(table["interval_start"], timezone)
    channel = _channel_codes(table["channel"])
    if starts is None or channel is None:
        return None
    codes, names = channel
    volume = table["volume"].to_numpy()
    aht = table["aht_seconds"].to_numpy()
    with np.errstate(invalid="ignore"):
        busy = volume > 0
        if not (
            np.all((volume >= 0) & (volume <= MAX_VOLUME_PER_ROW))
            and not np.isinf(aht).any()
            and np.all((aht[busy] >= MIN_AHT_SECONDS) & (aht[busy] <= MAX_AHT_SECONDS))
        ):
            return None
    order = _output_order(starts, codes)
    if order is None:
        return None
    return _Rows(starts[order], codes[order], names, volume[order], aht[order])


def _instants(column: pa.ChunkedArray, timezone: str) -> IntArray | None:
    """Seconds since the epoch of whole-second ISO 8601 timestamps; naive ones are local to
    ``timezone`` (``None`` for a repeated or skipped local time, as the validation refuses)."""
    import pyarrow as pa
    from pyarrow import _compute

    kind = column.type
    if not pa.types.is_timestamp(kind) or kind.unit != "s" or column.null_count:
        return None
    if kind.tz is None:
        try:
            options = _compute.AssumeTimezoneOptions(
                timezone, ambiguous="raise", nonexistent="raise"
            )
            column = _arrow("assume_timezone", column, options=options)
        except pa.ArrowException:
            return None
    return np.concatenate([chunk.view(pa.int64()).to_numpy() for chunk in column.chunks])


def _channel_codes(column: pa.ChunkedArray) -> tuple[IntArray, list[str]] | None:
    """Per row, the index of its cleaned channel name among the sorted names."""
    if column.null_count:
        return None
    encoded = column.unify_dictionaries().combine_chunks()
    raw: list[str] = encoded.dictionary.to_pylist()
    cleaned = [name.strip().lower() for name in raw]
    if len(raw) > MAX_CHANNELS or any(
        len(name) > MAX_CELL_CHARACTERS
        or name.strip().lower() in _NOT_TEXT
        or not (name.strip()[:1].isalpha() or name.strip()[:1] == "_")
        or "\n" in name
        for name in raw
    ):
        return None
    names = sorted(set(cleaned))
    position = np.array([names.index(name) for name in cleaned], dtype=np.int64)
    return position[encoded.indices.to_numpy()], names


def _output_order(starts: IntArray, channel: IntArray) -> IntArray | None:
    """Rows by channel name, then time (a stable sort: most files are in time order within
    each channel); ``None`` if an interval of a channel appears twice."""
    order = np.argsort(channel.astype(np.int16), kind="stable")
    same_channel = channel[order][1:] == channel[order][:-1]
    if np.any(np.diff(starts[order])[same_channel] <= 0):
        order = np.lexsort((starts, channel))
        if np.any(np.diff(starts[order])[same_channel] == 0):
            return None
    return order


def _interval_minutes(starts: IntArray) -> int | None:
    """The smallest gap between distinct starts in whole minutes, as
    ``scheduler.staffing.workload.interval_minutes_of`` infers it (``None`` where that one
    fails)."""
    import pyarrow as pa

    unique = np.sort(_arrow("unique", pa.array(starts)).to_numpy())
    if unique.size < 2:
        return None
    gap = int(np.diff(unique).min())
    return gap // 60 if gap % 60 == 0 else None


def _encoded(values: IntArray) -> tuple[npt.NDArray[np.int32], IntArray]:
    """Per value, the index of its distinct value; the distinct values (hash, no sort)."""
    import pyarrow as pa

    encoded = _arrow("dictionary_encode", pa.array(values))
    return encoded.indices.to_numpy(), encoded.dictionary.to_numpy()


def _distinct(rows: _Rows) -> _Distinct:
    """Distinct tuples by their exact bits (``-0.0`` and ``0.0`` apart, as they print)."""
    volume_codes, volumes = _encoded(rows.volume.view(np.int64))
    aht_codes, ahts = _encoded(rows.aht.view(np.int64))
    key = (rows.channel * volumes.size + volume_codes) * ahts.size + aht_codes
    of_row, keys = _encoded(key)
    return _Distinct(
        of_row=of_row,
        channel=keys // (volumes.size * ahts.size),
        volume=volumes[keys // ahts.size % volumes.size].view(np.float64),
        aht=ahts[keys % ahts.size].view(np.float64),
    )


def _row_texts(
    distinct: _Distinct, names: list[str], targets: list[ChannelTarget], minutes: int
) -> tuple[pa.StringArray | None, int]:
    """Each distinct tuple's CSV text after the timestamp (``,"chat",12,300,...,true\\n``
    without the leading comma) and the peak of scheduled agents."""
    import pyarrow as pa
    from pyarrow import _compute

    from scheduler.staffing import live_kpis, offered_load, required_agents, scheduled_agents

    size = distinct.channel.size
    agents, scheduled = np.zeros(size, np.int64), np.zeros(size, np.int64)
    kpis = {column: np.full(size, np.nan) for column in KPI_COLUMNS}
    for code, target in enumerate(targets):
        rows = np.flatnonzero(distinct.channel == code)
        volume, aht = distinct.volume[rows], distinct.aht[rows]
        agents[rows] = required_agents(volume, aht, minutes, target)
        scheduled[rows] = scheduled_agents(agents[rows], target.shrinkage)
        load = offered_load(volume, aht, minutes)
        achieved = live_kpis(agents[rows].astype(np.float64), load, aht, target)
        for column in KPI_COLUMNS:
            if column != "p_abandon" or target.model == "erlang_a":
                kpis[column][rows] = getattr(achieved, column)
    per_channel = distinct.channel
    varying = [
        text_cells(per_channel, names),
        number_cells(distinct.volume, 6),
        number_cells(distinct.aht, 6),
        pa.array(agents),
        pa.array(scheduled),
        *(number_cells(kpis[column], 6) for column in KPI_COLUMNS),
    ]
    lines = _csv_lines(pa.Table.from_arrays(varying, names=list(COLUMNS[1:11])))
    settings = _csv_lines(_target_columns(targets))
    if lines is None or settings is None:
        return None, 0
    without_newline = _arrow("utf8_slice_codeunits", lines, options=_compute.SliceOptions(0, -1))
    per_row = _arrow("take", settings, pa.array(per_channel))
    tails = _arrow("binary_join_element_wise", without_newline, per_row, pa.scalar(","))
    return tails, int(scheduled.max())


def _target_columns(targets: list[ChannelTarget]) -> pa.Table:
    """One row per channel: the model and target parameters, as ``scheduler.staffing``
    writes them in every row of the channel."""
    import pyarrow as pa

    def numbers(field: str) -> pa.Array:
        values = [getattr(target, field) for target in targets]
        if all(value is None for value in values):
            return pa.nulls(len(targets))
        return number_cells([np.nan if value is None else value for value in values], 6)

    codes = np.arange(len(targets))
    columns = [
        text_cells(codes, [target.model for target in targets]),
        *(numbers(field) for field in TARGET_NUMBERS.values()),
        pa.array([target.concurrency for target in targets], pa.int64()),
        pa.nulls(len(targets)),
        pa.nulls(len(targets)),
        pa.array([True] * len(targets)),
    ]
    return pa.Table.from_arrays(columns, names=list(COLUMNS[11:]))


def _csv_lines(table: pa.Table) -> pa.StringArray | None:
    """Each row of ``table`` as its CSV line (newline included); ``None`` if a cell holds a
    line break (then the text is not one line per row)."""
    import pyarrow as pa

    buffer = io.BytesIO()
    arrow_csv_rows(table, buffer)
    text = buffer.getbuffer()
    ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n"))
    if ends.size != table.num_rows:
        return None
    offsets = np.concatenate([[0], ends + 1]).astype(np.int32)
    return pa.StringArray.from_buffers(table.num_rows, pa.py_buffer(offsets), pa.py_buffer(text))


def _timestamp_cells(starts: IntArray, timezone: str) -> pa.StringArray | None:
    """Each row's ``"2026-12-07T09:00:00-05:00",`` (quoted, comma included), local to
    ``timezone``, built in numpy: the date from a table of the days spanned, the time of day
    from its digits, the UTC offset (one of a few, each formatted once) from Arrow's zone
    database. ``None`` outside the years 1000-9999."""
    import pyarrow as pa

    local = starts
    if timezone != "UTC":
        zoned = pa.array(starts, pa.timestamp("s", tz=timezone))
        local = _arrow("local_timestamp", zoned).view(pa.int64()).to_numpy()
    days, seconds = np.divmod(local, 86_400)
    first, last = int(days.min()), int(days.max())
    dates = np.arange(first, last + 1).astype("datetime64[D]")
    if dates[0] < _FIRST_DAY or dates[-1] > _LAST_DAY:
        return None
    offset_minutes = (local - starts) // 60 + 1440
    offsets = np.zeros(2881, dtype="S6")
    for minutes in np.flatnonzero(np.bincount(offset_minutes, minlength=2881)):
        offsets[minutes] = utc_offset(int(minutes) - 1440).encode()
    cells = np.empty(starts.size, dtype=_STAMP_CELL)
    cells["open"], cells["t"], cells["close"] = b'"', b"T", b'",'
    cells["date"] = np.datetime_as_string(dates).astype("S10")[days - first]
    cells["time"] = _times_of_day()[seconds]
    cells["offset"] = offsets[offset_minutes]
    ends = np.arange(0, 28 * (starts.size + 1), 28, dtype=np.int32)
    return pa.StringArray.from_buffers(starts.size, pa.py_buffer(ends), pa.py_buffer(cells))


def _times_of_day() -> npt.NDArray[np.bytes_]:
    """``HH:MM:SS`` for every second of a day."""
    second = np.arange(86_400)
    digits = np.empty((86_400, 8), dtype=np.uint8)
    digits[:, 2] = digits[:, 5] = ord(":")
    for column, value in ((0, second // 3600), (3, second // 60 % 60), (6, second % 60)):
        digits[:, column] = value // 10 + ord("0")
        digits[:, column + 1] = value % 10 + ord("0")
    return digits.view("S8").ravel()


def _joined(stamps: pa.StringArray, tails: pa.StringArray) -> memoryview:
    """The file's rows: each timestamp cell joined to its tuple's text, as one buffer."""
    import pyarrow as pa

    lines = _arrow("binary_join_element_wise", stamps, tails, pa.scalar(""))
    end = int(np.frombuffer(lines.buffers()[1], dtype=np.int32)[len(lines)])
    return memoryview(lines.buffers()[2])[:end]
