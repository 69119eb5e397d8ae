"""``staffcast requirements`` on a workload CSV file with numpy and Arrow alone.

A workload file often repeats itself: each channel takes a few hundred distinct volumes and
a few thousand distinct handle times (238,507 distinct ``(channel, volume, AHT)`` tuples in
the 1,051,200 rows of ``benchmarks.file_io``; 108,893 in the 146,384 of the sample history,
whose AHTs are given to 0.1 s). The staffing search and the KPIs
(:mod:`scheduler.staffing.live`, whose results do not depend on what else is in the array)
run once per distinct tuple, and the text after each row's timestamp is built once per
tuple with the cell rules of every CSV the product writes (:mod:`api.csv_writing`); each row
is then its timestamp (fixed-width text built in numpy) joined to its tuple's text.
``-o x.parquet`` writes the same rows from the same arrays with ``pyarrow.parquet`` (the
types, values and nulls of the pandas path's file). No pandas, OR-Tools or scipy is imported.

This path takes only a clean CSV file of live channels without business hours: ISO 8601
timestamps in whole seconds (aware, or naive and unambiguous in the timezone), numbers where
numbers belong, every value within :mod:`forecast.limits`, no interval twice, text channel
names, no ``volume_low``/``volume_high``. For anything else it returns ``None`` and the
command reads the file again through pandas and :mod:`scheduler.staffing`, which name every
problem (row, column, value, limit) as they always have. Both write the same bytes (tests).
"""

from __future__ import annotations

import io
import itertools
import re
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from api.csv_writing import (
    DirectWriter,
    arrow_csv_rows,
    header_line,
    is_parquet,
    number_cells,
    text_cells,
    utc_offset,
    write_atomically,
)
from forecast.limits import (
    CONTROL_CHARACTERS,
    EARLIEST_INSTANT,
    LATEST_INSTANT,
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
_WRITES_AHEAD: Final = 2  # slices waiting to be written while the next one is built, at most
# From about 30 MB of output on, the file skips the page cache (api.csv_writing.DirectWriter).
_DIRECT_WRITE_ROWS: Final = 250_000
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
# Parquet holds instants in nanoseconds, as pandas does: up to 2262-04-11 (int64 overflow).
_NANOSECOND_RANGE_SECONDS: Final = 2**63 // 10**9
_CONTROL_CHARACTER: Final = re.compile(CONTROL_CHARACTERS)  # the validation refuses them
# The instants a workload may hold (forecast.limits), in seconds since the epoch.
_SECONDS_ALLOWED: Final = tuple(
    int(np.datetime64(day, "s").astype(np.int64)) for day in (EARLIEST_INSTANT, LATEST_INSTANT)
)


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

    def part(self, start: int, stop: int) -> _Rows:
        """Rows ``start`` to ``stop`` (exclusive), views of these arrays."""
        return _Rows(
            self.starts[start:stop],
            self.channel[start:stop],
            self.names,
            self.volume[start:stop],
            self.aht[start:stop],
        )


@dataclass(frozen=True)
class _Distinct:
    """The distinct ``(channel, volume, AHT)`` tuples and, per row, which one it is."""

    of_row: npt.NDArray[np.int32]
    channel: IntArray
    volume: FloatArray
    aht: FloatArray
    volume_code: IntArray  # per tuple, the index of its volume among the distinct volumes
    aht_code: IntArray
    volumes: FloatArray  # the distinct volumes
    ahts: FloatArray


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
    if is_parquet(workload):
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


class _NoPandas:
    """An import hook that refuses pandas (see :func:`_pandas_left_unloaded`): a meta path
    finder by its one method (``importlib.abc``, its base class, costs 3 ms to import)."""

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
    """The requirements of clean rows written to ``output`` (CSV, or Parquet by its suffix);
    ``None`` (nothing written) for deferred work, business hours or an interval length that
    does not divide a day."""
    import pyarrow as pa

    from scheduler.errors import SchedulerError

    targets = targets_of(rows.names)
    channel_targets = [targets.for_channel(name) for name in rows.names]
    minutes = interval_minutes or _interval_minutes(rows.starts)
    if any(target.model == "deferred" or target.hours for target in channel_targets) or not (
        minutes and minutes > 0 and 1440 % minutes == 0
    ):
        return None
    try:
        if is_parquet(output):
            if np.abs(rows.starts).max() >= _NANOSECOND_RANGE_SECONDS:
                return None  # the pandas path names the instant it cannot hold
            distinct = _distinct(rows)
            staffed = _staffed(distinct, channel_targets, minutes)
            table = _parquet_table(rows, distinct, staffed, channel_targets, timezone)
            write_atomically(output, lambda stream: _write_parquet(table, stream))
            peak = int(staffed.scheduled.max())
        else:
            written = _write_csv(rows, channel_targets, minutes, output, timezone)
            if written is None:
                return None
            peak = written
    except (SchedulerError, pa.ArrowException):
        return None
    return RequirementsSummary(len(rows.starts), len(rows.names), peak)


def _write_csv(
    rows: _Rows, targets: list[ChannelTarget], minutes: int, output: Path, timezone: str
) -> int | None:
    """Write the CSV file and return the peak of scheduled agents; ``None`` (nothing
    written) if a channel's text has a line break.

    Channel by channel: two threads staff the distinct tuples of the next channels and build
    their text while this one cuts the rows of the channel before into slices (numpy and
    Arrow, the GIL released much of the time) and another writes them (from about 30 MB of
    output on past the page cache: :class:`api.csv_writing.DirectWriter`), so both cores
    work from the first channel's text on. Two threads for the text measured quicker than
    one or three (``benchmarks.file_io``'s workload).
    """
    import pyarrow as pa

    channel_texts = _channel_texts(rows.names, targets)
    if channel_texts is None:
        return None
    stamps = _Stamps.of(rows.starts, timezone)
    bounds = np.searchsorted(rows.channel, np.arange(len(rows.names) + 1))  # channel order
    channels = list(itertools.pairwise(bounds.tolist()))
    peak = 0

    def text_of(first: int, end: int) -> tuple[_Distinct, pa.StringArray, int]:
        """A channel's distinct tuples, their text and its peak of scheduled agents."""
        distinct = _distinct(rows.part(first, end))
        staffed = _staffed(distinct, targets, minutes)
        tails = _row_texts(distinct, staffed, channel_texts)
        return distinct, tails, int(staffed.scheduled.max())

    def write(stream: IO[bytes]) -> None:
        nonlocal peak
        out: IO[bytes] | DirectWriter = stream
        if len(rows.starts) >= _DIRECT_WRITE_ROWS:
            out = DirectWriter(stream)
        out.write(header_line(COLUMNS))
        with (
            ThreadPoolExecutor(max_workers=2) as ahead,
            ThreadPoolExecutor(max_workers=1) as writer,
        ):
            builds = deque(ahead.submit(text_of, first, end) for first, end in channels)
            try:
                pending: deque[Future[int]] = deque()
                for first, end in channels:
                    distinct, tails, channel_peak = builds.popleft().result()
                    peak = max(peak, channel_peak)
                    for start in range(first, end, _ROWS_PER_WRITE):
                        stop = min(start + _ROWS_PER_WRITE, end)
                        codes = pa.array(distinct.of_row[start - first : stop - first])
                        lines = _joined(stamps.cells(start, stop), _arrow("take", tails, codes))
                        pending.append(writer.submit(out.write, lines))
                        while len(pending) > _WRITES_AHEAD:  # bounded memory
                            pending.popleft().result()
                for done in pending:
                    done.result()
            except BaseException:  # the channels not yet begun are not staffed for nothing
                ahead.shutdown(cancel_futures=True)
                raise
        if isinstance(out, DirectWriter):
            out.close()

    write_atomically(output, write)
    return peak


def _parquet_table(
    rows: _Rows,
    distinct: _Distinct,
    staffed: _Staffed,
    targets: list[ChannelTarget],
    timezone: str,
) -> pa.Table:
    """The rows as the pandas path's Parquet file holds them: values unrounded, text as
    large strings, a missing number (NaN) as null, a target no channel sets as a null
    column."""
    import pyarrow as pa

    per_row = pa.array(distinct.of_row)
    channel = pa.array(rows.channel)

    def numbers(values: FloatArray) -> pa.Array:
        return pa.array(values, from_pandas=True)

    def per_channel(column: pa.Array) -> pa.Array:
        return _arrow("take", column, channel)

    settings = _target_columns(targets, text=False)
    columns = {
        "interval_start": pa.array(rows.starts * 1_000_000_000, pa.timestamp("ns", timezone)),
        "channel": per_channel(pa.array(rows.names, pa.large_string())),
        "volume": numbers(rows.volume),
        "aht_seconds": numbers(rows.aht),
        "agents": pa.array(staffed.agents[distinct.of_row]),
        "scheduled_agents": pa.array(staffed.scheduled[distinct.of_row]),
        **{
            column: _arrow("take", numbers(staffed.kpis[column]), per_row) for column in KPI_COLUMNS
        },
        **{name: per_channel(settings.column(name).chunk(0)) for name in COLUMNS[11:]},
    }
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))


def _write_parquet(table: pa.Table, stream: IO[bytes]) -> None:
    """``table`` as Parquet, with the writer's defaults (as pandas' ``to_parquet`` uses)."""
    from pyarrow import parquet

    parquet.write_table(table, stream)


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
    if starts.min() < _SECONDS_ALLOWED[0] or starts.max() > _SECONDS_ALLOWED[1]:
        return None  # the validation names the instant a workload may not hold
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
    ordered = _in_output_order(starts, codes)
    if ordered is None:
        return None
    order, starts, codes = ordered
    return _Rows(starts, codes, names, volume[order], aht[order])


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
        or _CONTROL_CHARACTER.search(name.strip())
        for name in raw
    ):
        return None
    names = sorted(set(cleaned))
    position = np.array([names.index(name) for name in cleaned], dtype=np.int64)
    return position[encoded.indices.to_numpy()], names


def _in_output_order(
    starts: IntArray, channel: IntArray
) -> tuple[IntArray | slice, IntArray, IntArray] | None:
    """The order of the rows by channel name, then time (a stable sort: most files are in
    time order within each channel), and the starts and channels in that order; ``None`` if
    an interval of a channel appears twice. A file already in that order (one channel after
    another, each in time order) keeps its arrays: the order is the whole slice."""
    same_channel = channel[1:] == channel[:-1]
    if np.all(channel[1:] >= channel[:-1]) and np.all(np.diff(starts)[same_channel] > 0):
        return slice(None), starts, channel
    order = np.argsort(channel.astype(np.int16), kind="stable")
    ordered_channel = channel[order]  # the same after the lexsort below: channel comes first
    same_channel = ordered_channel[1:] == ordered_channel[:-1]
    ordered_starts = starts[order]
    if np.any(np.diff(ordered_starts)[same_channel] <= 0):
        order = np.lexsort((starts, channel))
        ordered_starts = starts[order]
        if np.any(np.diff(ordered_starts)[same_channel] == 0):
            return None
    return order, ordered_starts, ordered_channel


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
    key = rows.channel * volumes.size  # then in place: no array of temporaries this long
    key += volume_codes
    key *= ahts.size
    key += aht_codes
    of_row, keys = _encoded(key)
    volume_code, aht_code = keys // ahts.size % volumes.size, keys % ahts.size
    return _Distinct(
        of_row=of_row,
        channel=keys // (volumes.size * ahts.size),
        volume=volumes[volume_code].view(np.float64),
        aht=ahts[aht_code].view(np.float64),
        volume_code=volume_code,
        aht_code=aht_code,
        volumes=volumes.view(np.float64),
        ahts=ahts.view(np.float64),
    )


@dataclass(frozen=True)
class _Staffed:
    """Per distinct tuple: agents on the floor, scheduled agents and the KPIs they reach."""

    agents: IntArray
    scheduled: IntArray
    kpis: dict[str, FloatArray]


def _staffed(distinct: _Distinct, targets: list[ChannelTarget], minutes: int) -> _Staffed:
    """The staffing search and the KPIs, once per distinct tuple (``p_abandon`` NaN but under
    Erlang A, as :func:`scheduler.staffing.requirements` writes it)."""
    from scheduler.staffing import live_kpis, offered_load, required_agents, scheduled_agents

    size = distinct.channel.size
    agents, scheduled = np.zeros(size, np.int64), np.zeros(size, np.int64)
    kpis = {column: np.full(size, np.nan) for column in KPI_COLUMNS}
    for code, target in enumerate(targets):
        rows = np.flatnonzero(distinct.channel == code)
        if not rows.size:
            continue
        volume, aht = distinct.volume[rows], distinct.aht[rows]
        agents[rows] = required_agents(volume, aht, minutes, target)
        scheduled[rows] = scheduled_agents(agents[rows], target.shrinkage)
        load = offered_load(volume, aht, minutes)
        achieved = live_kpis(agents[rows].astype(np.float64), load, aht, target)
        for column in KPI_COLUMNS:
            if column != "p_abandon" or target.model == "erlang_a":
                kpis[column][rows] = getattr(achieved, column)
    return _Staffed(agents, scheduled, kpis)


@dataclass(frozen=True)
class _ChannelTexts:
    """Per channel, its CSV cells that do not vary by row: the name (without the comma after
    it) and the model and target settings (with the newline)."""

    name: pa.StringArray
    settings: pa.StringArray


def _channel_texts(names: list[str], targets: list[ChannelTarget]) -> _ChannelTexts | None:
    """The cells of each channel, written by Arrow's CSV writer; ``None`` if one holds a line
    break."""
    import pyarrow as pa

    head = _csv_lines(pa.table({"channel": text_cells(np.arange(len(names)), names)}))
    settings = _csv_lines(_target_columns(targets))
    if head is None or settings is None:
        return None
    return _ChannelTexts(_without_newlines(head), settings)


def _row_texts(
    distinct: _Distinct, staffed: _Staffed, channel_texts: _ChannelTexts
) -> pa.StringArray:
    """Each distinct tuple's CSV text after the timestamp (``"chat",12,300,...,true\\n``),
    its cells joined in one pass: the channel's cells from ``channel_texts``, each distinct
    volume, AHT and agent count formatted once, the KPIs once per tuple (Arrow's cast to
    text prints numbers as its CSV writer does)."""
    import pyarrow as pa
    from pyarrow import _compute

    per_channel = pa.array(distinct.channel)

    def texts(values: pa.Array) -> pa.Array:
        return _arrow("cast", values, options=_compute.CastOptions.safe(pa.string()))

    def each_once(values: pa.Array, codes: npt.NDArray[np.integer]) -> pa.Array:
        return _arrow("take", texts(values), pa.array(codes))

    agent_counts = (_encoded(staffed.agents), _encoded(staffed.scheduled))
    cells = [
        _arrow("take", channel_texts.name, per_channel),
        each_once(number_cells(distinct.volumes, 6), distinct.volume_code),
        each_once(number_cells(distinct.ahts, 6), distinct.aht_code),
        *(each_once(pa.array(values), codes) for codes, values in agent_counts),
        *(texts(number_cells(staffed.kpis[column], 6)) for column in KPI_COLUMNS),
        _arrow("take", channel_texts.settings, per_channel),
    ]
    options = _compute.JoinOptions(null_handling="replace", null_replacement="")
    tails: pa.StringArray = _arrow(
        "binary_join_element_wise", *cells, pa.scalar(","), options=options
    )
    return tails


def _without_newlines(lines: pa.StringArray) -> pa.StringArray:
    """Lines without their final character (the newline)."""
    from pyarrow import _compute

    cut: pa.StringArray = _arrow(
        "utf8_slice_codeunits", lines, options=_compute.SliceOptions(0, -1)
    )
    return cut


def _target_columns(targets: list[ChannelTarget], text: bool = True) -> pa.Table:
    """One row per channel: the model and target parameters, as ``scheduler.staffing``
    writes them in every row of the channel: for the CSV writer (``text``: formula-safe
    text, numbers rounded) or as they are."""
    import pyarrow as pa

    def numbers(field: str) -> pa.Array:
        values = [getattr(target, field) for target in targets]
        if all(value is None for value in values):
            return pa.nulls(len(targets))
        if not text:
            return pa.array(values, pa.float64())
        return number_cells([np.nan if value is None else value for value in values], 6)

    models = [target.model for target in targets]
    columns = [
        text_cells(np.arange(len(targets)), models)
        if text
        else pa.array(models, pa.large_string()),
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


class _Stamps:
    """Each row's ``"2026-12-07T09:00:00-05:00",`` (quoted, comma included), local to the
    timezone, built in numpy a slice of rows at a time (no array the size of the file): the date
    from a table of the days spanned, the time of day from a table of a day's seconds, the
    UTC offset (local time less UTC, from Arrow's zone database) from a table of offsets."""

    def __init__(self, starts: IntArray, first_day: int, local: IntArray) -> None:
        """Use :meth:`of`."""
        self.starts, self.local, self.first_day = starts, local, first_day
        days = int(local.max()) // 86_400 - first_day + 1
        dates = np.arange(first_day, first_day + days).astype("datetime64[D]")
        self.dates = np.datetime_as_string(dates).astype("S10")
        self.times = _times_of_day()
        # Every offset from -24:00 to +24:00 by the minute (3 ms), rather than finding the few
        # in use over arrays the size of the file.
        self.offsets = np.array([utc_offset(minutes).encode() for minutes in range(-1440, 1441)])

    @classmethod
    def of(cls, starts: IntArray, timezone: str) -> _Stamps:
        """The formatter of ``starts`` (UTC seconds) in ``timezone`` (within the instants a
        workload may hold: local dates in the years 1000-9999, four digits)."""
        import pyarrow as pa

        local = starts
        if timezone != "UTC":
            zoned = pa.array(starts, pa.timestamp("s", tz=timezone))
            local = _arrow("local_timestamp", zoned).view(pa.int64()).to_numpy()
        return cls(starts, int(local.min()) // 86_400, local)

    def cells(self, start: int, stop: int) -> pa.StringArray:
        """The cells of rows ``start`` to ``stop`` (exclusive)."""
        import pyarrow as pa

        local = self.local[start:stop]
        days, seconds = np.divmod(local, 86_400)
        offset_minutes = (local - self.starts[start:stop]) // 60 + 1440
        cells = np.empty(local.size, dtype=_STAMP_CELL)
        cells["open"], cells["t"], cells["close"] = b'"', b"T", b'",'
        cells["date"] = self.dates[days - self.first_day]
        cells["time"] = self.times[seconds]
        cells["offset"] = self.offsets[offset_minutes]
        ends = np.arange(0, 28 * (local.size + 1), 28, dtype=np.int32)
        return pa.StringArray.from_buffers(local.size, pa.py_buffer(ends), pa.py_buffer(cells))


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
