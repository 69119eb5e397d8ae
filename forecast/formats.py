"""The history exports staffcast reads, recognised by their header row.

======================  ======================================================================
format                  columns (header names are matched case-insensitively; ``_`` = space)
======================  ======================================================================
``canonical``           ``interval_start``, ``channel``, ``volume``; optional ``aht_seconds``
                        *or* ``handle_seconds_total``, and ``queue``
``genesys``             Genesys Cloud historical data: ``Interval Start UTC Date``,
                        ``Media Type``, ``Offered``; optional ``Queue``,
                        ``Interactions Handled``, ``Total Handle Time (Seconds)`` (a total)
``amazon_connect``      Amazon Connect historical metrics: ``QueueName``, ``ChannelType``,
                        ``TimeStamp``, ``IncomingContactVolume``; optional
                        ``IntervalDuration`` (``15mins``/``30mins``), ``AverageHandleTime``
                        (seconds), ``ContactsHandled``
``interval_report``     an ACD interval report read through a
                        :class:`~forecast.column_mapping.ColumnMapping`: a date, a time of
                        day, offered contacts; optional handled contacts, AHT, channel
``per_contact``         one row per ticket, chat or call: ``Created at``, ``Channel``; optional
                        ``Handle time`` (seconds), ``Queue``, and an id column (``Id``,
                        ``Ticket ID``, ``Contact ID`` or ``Conversation ID``) to drop repeats
======================  ======================================================================

Other columns are ignored. The file may be UTF-8 (with or without a byte-order mark) or
Windows-1252 text, separated by commas, semicolons (then a decimal comma is accepted) or tabs.

Channel names are matched case-insensitively with aliases (``Voice``, ``phone``, ``call`` ->
``voice``; ``messaging``, ``message`` -> ``chat``; ``e-mail`` -> ``email``); any other name is
kept, lower-cased, as a team-named queue. Vendors leave metric cells empty when nothing
happened, so in vendor exports an empty count is 0; in the canonical format an empty
``volume`` is an error. A handle time of 0 means "not known" (e.g. all contacts abandoned).

**Limits** (declared in :mod:`forecast.limits`). A file is refused, naming the row, column,
value and limit, when it has more than :data:`MAX_ROWS` data rows (counted before the CSV is
parsed), a cell of a column staffcast reads longer than :data:`MAX_CELL_CHARACTERS` (checked
before anything is computed from the cells), a count above :data:`MAX_VOLUME_PER_ROW`, a
handle time other than 0 outside :data:`MIN_AHT_SECONDS`-:data:`MAX_AHT_SECONDS`, or more than
:data:`MAX_CHANNELS` channels.
A spreadsheet-safe export writes a label starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return with a leading ``'``; such a cell reads back without it, so a downloaded file
uploads again unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import IO, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.column_mapping import (
    ColumnMapping,
    duration_seconds,
    header_key,
    interval_times,
    looks_like_interval_report,
)
from forecast.errors import InvalidHistoryError
from forecast.limits import (
    CONTROL_CHARACTERS,
    EARLIEST_INSTANT,
    HOLDS_A_CONTROL_CHARACTER,
    LATEST_INSTANT,
    MAX_AHT_SECONDS,
    MAX_CELL_CHARACTERS,
    MAX_CHANNELS,
    MAX_ROWS,
    MAX_VOLUME_PER_ROW,
    MIN_AHT_SECONDS,
)
from forecast.local_time import ParsedTimes, parse_times
from forecast.row_problems import RowProblems, show

SourceFormat = Literal["canonical", "genesys", "amazon_connect", "per_contact", "interval_report"]
HistorySource = str | bytes | IO[str] | IO[bytes]

CHANNEL_ALIASES: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("voice", "phone", "call", "calls", "telephony", "inbound call", "inbound voice"), "voice"
    ),
    **dict.fromkeys(
        ("chat", "chats", "messaging", "message", "messages", "web chat", "webchat", "live chat"),
        "chat",
    ),
    **dict.fromkeys(("email", "emails", "e-mail", "e-mails", "mail"), "email"),
    # Labels help desks and contact centres write in their exports (Zendesk `Via`, Freshdesk
    # `Source`, Intercom, Talkdesk, Five9, Amazon Connect `CHANNEL`):
    **dict.fromkeys(
        (
            "phone call (inbound)",
            "phone call",
            "inbound phone call",
            "inbound",
            "inbound calls",
            "voice inbound",
            "voicemail",
            "callback",
            "call back",
        ),
        "voice",
    ),
    **dict.fromkeys(
        ("chat (inbound)", "messenger", "conversation", "sms", "whatsapp", "web widget"), "chat"
    ),
    **dict.fromkeys(
        ("web form", "webform", "portal", "feedback widget", "contact form", "email (inbound)"),
        "email",
    ),
}
DEFAULT_CHANNELS: Final = frozenset(("voice", "chat", "email"))
_ID_KEYS: Final = ("id", "ticket id", "contact id", "conversation id")


@dataclass(frozen=True)
class ExportFormat:
    """How one export names its columns (headers as the vendor writes them)."""

    name: SourceFormat
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    def describe(self) -> str:
        """One line for error messages: title, required and optional headers."""
        text = f"{self.title}: {', '.join(self.required)}"
        return text + (f" (optional: {', '.join(self.optional)})" if self.optional else "")


CANONICAL: Final = ExportFormat(
    "canonical",
    "staffcast canonical CSV",
    ("interval_start", "channel", "volume"),
    ("aht_seconds or handle_seconds_total", "queue"),
)
GENESYS: Final = ExportFormat(
    "genesys",
    "Genesys Cloud historical data",
    ("Interval Start UTC Date", "Media Type", "Offered"),
    ("Queue", "Interactions Handled", "Total Handle Time (Seconds)"),
)
AMAZON_CONNECT: Final = ExportFormat(
    "amazon_connect",
    "Amazon Connect historical metrics",
    ("QueueName", "ChannelType", "TimeStamp", "IncomingContactVolume"),
    ("IntervalDuration", "AverageHandleTime", "ContactsHandled"),
)
PER_CONTACT: Final = ExportFormat(
    "per_contact",
    "per-contact export (one row per ticket, chat or call)",
    ("Created at", "Channel"),
    ("Handle time", "Queue", "Id"),
)
INTERVAL_REPORT: Final = ExportFormat(
    "interval_report",
    "interval report read through a column mapping",
    ("Date", "Offered"),
    ("Interval or Time", "Handled", "AHT", "Channel"),
)
# Most specific first: a Genesys file also has a `Queue`, a per-contact file a `Channel`.
FORMATS: Final = (GENESYS, AMAZON_CONNECT, CANONICAL, PER_CONTACT)


def channel_names(raw: pd.Series) -> pd.Series:
    """Canonical channel names: aliases resolved, others lower-cased with single spaces; the
    ``'`` a spreadsheet-safe export puts before ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return is taken off."""
    cleaned = raw.astype(str).str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)
    cleaned = cleaned.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    names = {value: CHANNEL_ALIASES.get(value, value) for value in cleaned.unique()}
    return cleaned.map(names).astype(str)


def channel_label_notes(raw: pd.Series) -> list[str]:
    """What became of the file's channel labels, in words: the aliases resolved (``'Web
    form' -> email``) and the labels kept as queues of their own because no channel goes by
    that name (a typo or a vendor label would otherwise become a queue silently)."""
    labels = raw.astype(str).str.strip()
    labels = labels[labels != ""].drop_duplicates()
    canonical = channel_names(labels)
    mapped = sorted(
        f"'{label}' -> {name}"
        for label, name in zip(labels, canonical, strict=True)
        if name in DEFAULT_CHANNELS and label.lower() != name
    )
    unknown = sorted(set(canonical[~canonical.isin(DEFAULT_CHANNELS)]))
    notes = []
    if mapped:
        notes.append("channel labels read as channels: " + ", ".join(mapped))
    if unknown:
        notes.append(
            "channel label(s) "
            + ", ".join(f"'{name}'" for name in unknown)
            + " are not voice, chat or email and were kept as queues of their own; if one "
            "is another name for a channel, rename it in the file"
        )
    return notes


@dataclass(frozen=True, eq=False)
class RawTable:
    """A CSV file as text cells, before any interpretation.

    Attributes:
        cells: every data row, every cell a string; rows that are entirely empty removed.
        rows: the spreadsheet row number of each remaining row (header = row 1).
        header: normalised header key -> header as written in the file.
        decimal_comma: the file is semicolon-separated, so ``12,5`` means 12.5.
        rows_read: data rows in the file, empty ones included.
    """

    cells: pd.DataFrame
    rows: npt.NDArray[np.int64]
    header: dict[str, str]
    decimal_comma: bool
    rows_read: int

    def column(self, key: str) -> pd.Series:
        """The cells of the column whose normalised header is ``key``."""
        return self.cells[self.header[key]]

    def has(self, key: str) -> bool:
        """Whether the file has a column whose normalised header is ``key``."""
        return key in self.header


def _decoded(source: HistorySource) -> str:
    data = source if isinstance(source, str | bytes) else source.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise InvalidHistoryError(
                f"the file is not UTF-8 or Windows-1252 text ({error.reason} at byte "
                f"{error.start}); save it as CSV UTF-8"
            ) from error


def read_table(source: HistorySource) -> RawTable:
    """Read CSV content into text cells.

    Raises:
        InvalidHistoryError: if the file is empty, has no data rows or is not valid CSV.
    """
    text = _decoded(source)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise InvalidHistoryError(
            "the history file is empty; expected a header row and at least one data row"
        )
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines - 1 > MAX_ROWS:
        raise InvalidHistoryError(
            f"row {MAX_ROWS + 2:,}: the file has {lines - 1:,} data rows, more than the limit of "
            f"{MAX_ROWS:,} rows per file; split it (for example by year) and upload the parts"
        )
    separator = max((",", ";", "\t"), key=first_line.count)
    try:
        with warnings.catch_warnings():
            # A first data row longer than the header loses cells: treat it as an error too.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            cells = pd.read_csv(
                io.StringIO(text),
                sep=separator,
                dtype=str,
                index_col=False,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_MINIMAL,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, csv.Error) as error:
        raise InvalidHistoryError(
            f"the file is not valid CSV: {error} (line numbers count the header as line 1); "
            "check for unquoted separators inside cells"
        ) from error
    cells.columns = pd.Index([str(name) for name in cells.columns])
    rows_read = len(cells)
    nonblank = (cells != "").any(axis=1).to_numpy(dtype=bool)
    rows = np.flatnonzero(nonblank).astype(np.int64) + 2
    cells = cells[nonblank].reset_index(drop=True)
    if cells.empty:
        raise InvalidHistoryError(
            "the history file has a header row but no data rows; export at least one interval"
        )
    _check_repeated_columns(first_line.rstrip("\r"), separator)
    header: dict[str, str] = {}
    for name in cells.columns:
        header.setdefault(header_key(name), name)
    return RawTable(cells, rows, header, separator == ";", rows_read)


def _check_repeated_columns(first_line: str, separator: str) -> None:
    """Refuse a header that names a column staffcast reads twice (``volume`` and ``Volume``):
    which of the two holds the data cannot be told, and reading either would be a guess."""
    try:
        names = next(csv.reader([first_line], delimiter=separator), [])
    except csv.Error:  # pandas read the file; its header is as pandas read it
        return
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        key = header_key(name)
        if key not in _READ_KEYS:
            continue
        if key in seen:
            raise InvalidHistoryError(
                f"row 1, columns {seen[key]} and {number}: the header names "
                f"{names[seen[key] - 1].strip()!r} and {name.strip()!r}, the same column twice; "
                "keep one of them (staffcast cannot tell which holds the data)"
            )
        seen[key] = number


def detect_format(table: RawTable) -> ExportFormat:
    """The export format whose required headers the file has.

    Raises:
        InvalidHistoryError: naming the headers found and those each format expects.
    """

    def missing(layout: ExportFormat) -> list[str]:
        return [name for name in layout.required if not table.has(header_key(name))]

    for layout in FORMATS:
        if not missing(layout):
            return layout
    closest = min(FORMATS, key=lambda layout: len(missing(layout)))
    found = ", ".join(repr(name) for name in table.cells.columns)
    expected = "; ".join(layout.describe() for layout in FORMATS)
    raise InvalidHistoryError(
        f"the header row does not match a known history export. Found: {found}. "
        f"Closest is the {closest.title}, which also needs {', '.join(missing(closest))}. "
        f"Expected one of — {expected}."
    )


BlankRule = Literal["error", "zero", "unknown"]


@dataclass(frozen=True)
class Bounds:
    """The values a numeric column may hold besides 0: from ``least`` to ``most``."""

    least: float
    most: float
    what: str  # the limit in words, e.g. "contacts per row"


COUNT: Final = Bounds(0.0, MAX_VOLUME_PER_ROW, "contacts per row (one interval of one channel)")
AVERAGE_SECONDS: Final = Bounds(MIN_AHT_SECONDS, MAX_AHT_SECONDS, "seconds per contact")
TOTAL_SECONDS: Final = Bounds(0.0, MAX_VOLUME_PER_ROW * MAX_AHT_SECONDS, "seconds per row")


def _numbers(
    table: RawTable,
    key: str,
    problems: RowProblems,
    *,
    blank: BlankRule,
    unit: str,
    bounds: Bounds,
) -> npt.NDArray[np.float64]:
    """A numeric column: bad, negative, out-of-bounds (0 is always allowed) and, if ``blank``
    is ``error``, empty cells reported."""
    raw = table.column(key)
    header = table.header[key]
    text = raw.astype(str).str.strip()
    if table.decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    empty = (text == "").to_numpy(dtype=bool)
    bad = ~np.isfinite(values) & ~empty
    problems.add_where(
        bad,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw.iloc[i])} is not a "
            f"number; write {unit} as a plain number like 12 or 12.5"
        ),
    )
    negative = values < 0
    problems.add_where(
        negative,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw.iloc[i])} is negative; "
            f"{unit} cannot be below zero"
        ),
    )
    if blank == "error":
        problems.add_where(
            empty,
            table.rows,
            lambda i: (
                f"row {table.rows[i]}, column `{header}`: is empty; write 0 for an "
                "interval without contacts, or leave the row out where data is missing"
            ),
        )
    outside = _outside(values, bounds, raw, header, table, problems, unit)
    values = np.where(bad | negative | outside, np.nan, values)
    return np.where(empty, 0.0 if blank == "zero" else np.nan, values)


def _outside(
    values: npt.NDArray[np.float64], bounds: Bounds, raw: pd.Series, header: str,
    table: RawTable, problems: RowProblems, unit: str,
) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Report the values above ``bounds.most`` or between 0 and ``bounds.least``."""
    above = values > bounds.most
    problems.add_where(
        above,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw.iloc[i])} is above the limit "
            f"of {bounds.most:,g} {bounds.what}; check that the column holds {unit}"
        ),
    )
    below = (values > 0) & (values < bounds.least)
    problems.add_where(
        below,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw.iloc[i])} is below the minimum "
            f"of {bounds.least:g} {bounds.what} (0 means not known); write {unit} in seconds"
        ),
    )
    return np.asarray(above | below, dtype=bool)


def _channels(table: RawTable, key: str, problems: RowProblems) -> pd.Series:
    names = channel_names(table.column(key))
    header = table.header[key]
    problems.add_where(
        (names == "").to_numpy(dtype=bool),
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: is empty; name the channel "
            "(voice, chat, email or your queue's name)"
        ),
    )
    return names


def _interval_claim(table: RawTable, key: str, problems: RowProblems) -> int | None:
    """Amazon Connect's ``IntervalDuration`` (``15mins``, ``30mins``, ``daily``) in minutes."""
    header = table.header[key]
    text = table.column(key).astype(str).str.strip().str.lower()
    minutes = pd.to_numeric(text.str.extract(r"^(\d+)\s*min", expand=False), errors="coerce")
    minutes = minutes.where(~text.isin(["daily", "day", "1day"]), 1440.0)
    minutes = minutes.where(~text.isin(["hourly", "hour", "1hour"]), 60.0)
    unknown = minutes.isna().to_numpy(dtype=bool)
    problems.add_where(
        unknown,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(text.iloc[i])} is not an "
            "interval length; expected 15mins or 30mins"
        ),
    )
    distinct = sorted({int(value) for value in minutes.dropna()})
    if len(distinct) > 1:
        problems.add(
            0,
            f"column `{header}` mixes interval lengths ({', '.join(map(str, distinct))} "
            "minutes); export one interval length per file",
        )
    return distinct[0] if len(distinct) == 1 else None


@dataclass(frozen=True, eq=False)
class Extract:
    """What a file says, row by row, before it is put on a grid.

    ``records`` columns: ``order`` (position in the file), ``row`` (spreadsheet row),
    ``channel``, ``queue``, ``contact_id`` (per-contact only), ``time_text`` (the timestamp
    as written), ``volume``, ``handle_seconds``
    (total handle seconds of the contacts with a known handle time), ``handled`` (how many
    contacts that is), and the parsed timestamp columns of :class:`ParsedTimes`.
    """

    source_format: SourceFormat
    records: pd.DataFrame
    rows_read: int
    time_column: str
    claimed_interval_minutes: int | None
    notes: tuple[str, ...]
    mapping: ColumnMapping | None = None


@dataclass(frozen=True, eq=False)
class _Reading:
    """Where one format keeps each field (normalised header keys), and its numbers."""

    time: str
    naive_zone: str | None  # None: naive times are local to the team's timezone
    channel: str
    queue: str
    volume: npt.NDArray[np.float64]
    handle_seconds: npt.NDArray[np.float64]
    handled: npt.NDArray[np.float64]
    reported_times: npt.NDArray[np.bool_] | None = None  # bad times already reported


def _handle_time(
    counts: npt.NDArray[np.float64],
    *,
    average_seconds: npt.NDArray[np.float64] | None = None,
    total_seconds: npt.NDArray[np.float64] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(handle seconds total, contacts it covers), 0 and 0 where the handle time is unknown."""
    if average_seconds is not None:
        known = (average_seconds > 0) & (counts > 0)
        return np.where(known, average_seconds * counts, 0.0), np.where(known, counts, 0.0)
    if total_seconds is not None:
        known = (total_seconds > 0) & (counts > 0)
        return np.where(known, total_seconds, 0.0), np.where(known, counts, 0.0)
    return np.zeros_like(counts), np.zeros_like(counts)


def _check_averages(
    table: RawTable,
    key: str,
    handle: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    problems: RowProblems,
) -> None:
    """A total handle time must make an average per contact within the AHT limits."""
    total, contacts = handle
    with np.errstate(divide="ignore", invalid="ignore"):
        average = np.where(contacts > 0, total / contacts, 0.0)
    header = table.header[key]
    problems.add_where(
        (average > MAX_AHT_SECONDS) | ((average > 0) & (average < MIN_AHT_SECONDS)),
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(table.column(key).iloc[i])} "
            f"seconds for {contacts[i]:g} contact(s) is {average[i]:,.4g} s each, outside the "
            f"limits of {MIN_AHT_SECONDS:g} to {MAX_AHT_SECONDS:,g} seconds per contact"
        ),
    )


def _average_handle(
    table: RawTable,
    key: str,
    counts: npt.NDArray[np.float64],
    problems: RowProblems,
    *,
    unit: str = "handle time",
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Handle time from a column of averages per contact (an empty cell: not known)."""
    seconds = _numbers(table, key, problems, blank="unknown", unit=unit, bounds=AVERAGE_SECONDS)
    return _handle_time(counts, average_seconds=seconds)


def _total_handle(
    table: RawTable,
    key: str,
    counts: npt.NDArray[np.float64],
    problems: RowProblems,
    *,
    blank: BlankRule,
    unit: str,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Handle time from a column of interval totals, each making a plausible average."""
    seconds = _numbers(table, key, problems, blank=blank, unit=unit, bounds=TOTAL_SECONDS)
    handle = _handle_time(counts, total_seconds=seconds)
    _check_averages(table, key, handle, problems)
    return handle


def _canonical(table: RawTable, problems: RowProblems) -> _Reading:
    if table.has("aht seconds") and table.has("handle seconds total"):
        raise InvalidHistoryError(
            "the file has both `aht_seconds` and `handle_seconds_total`; keep one of them "
            "(an average per contact, or the total of the interval)"
        )
    volume = _numbers(
        table, "volume", problems, blank="error", unit="volume (contacts)", bounds=COUNT
    )
    handle = _handle_time(volume)
    if table.has("aht seconds"):
        handle = _average_handle(table, "aht seconds", volume, problems, unit="aht_seconds")
    elif table.has("handle seconds total"):
        handle = _total_handle(
            table, "handle seconds total", volume, problems, blank="unknown", unit="seconds"
        )
    return _Reading("interval start", None, "channel", "queue", volume, *handle)


def _vendor_counts(
    table: RawTable,
    problems: RowProblems,
    *,
    offered: str,
    handled: str,
    average: str | None = None,
    total: str | None = None,
) -> tuple[npt.NDArray[np.float64], tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """Offered contacts and handle time of a vendor export, where empty counts mean 0.

    Handle time is weighted by the handled count (all offered contacts if not given).
    """
    volume = _numbers(table, offered, problems, blank="zero", unit="contacts", bounds=COUNT)
    counts = volume
    if table.has(handled):
        counts = _numbers(
            table, handled, problems, blank="zero", unit="handled contacts", bounds=COUNT
        )
    if average is not None and table.has(average):
        return volume, _average_handle(table, average, counts, problems)
    if total is not None and table.has(total):
        return volume, _total_handle(
            table, total, counts, problems, blank="zero", unit="handle time"
        )
    return volume, _handle_time(counts)


@dataclass(frozen=True)
class _VendorExport:
    """Where a vendor export keeps each field (normalised header keys); it reads the file."""

    time: str
    naive_zone: str | None
    channel: str
    queue: str
    offered: str
    handled: str
    average: str | None = None
    total: str | None = None

    def __call__(self, table: RawTable, problems: RowProblems) -> _Reading:
        """The export's fields: its counts read with empty cells as 0."""
        volume, handle = _vendor_counts(
            table,
            problems,
            offered=self.offered,
            handled=self.handled,
            average=self.average,
            total=self.total,
        )
        return _Reading(self.time, self.naive_zone, self.channel, self.queue, volume, *handle)


def _per_contact(table: RawTable, problems: RowProblems) -> _Reading:
    volume = np.ones(len(table.cells), dtype=np.float64)
    handle = _handle_time(volume)
    if table.has("handle time"):  # one contact a row: its handle time is its average
        handle = _average_handle(table, "handle time", volume, problems)
    return _Reading("created at", None, "channel", "queue", volume, *handle)


_TIME_KEY: Final = "(interval start)"  # keys of the columns an interval report's reading adds
_CHANNEL_KEY: Final = "(channel)"


def _interval_report(
    table: RawTable, mapping: ColumnMapping, problems: RowProblems
) -> tuple[RawTable, _Reading, ColumnMapping]:
    """Read an interval report through ``mapping`` (resolved against the file's header)."""
    used = mapping.resolved(table.header)
    cells = table.cells.copy()
    header = dict(table.header)
    for column in (used.date_column, used.time_column, used.volume_column, used.aht_column,
                   used.handled_column, used.channel_column):  # fmt: skip
        if column is not None:
            _check_lengths_of(table, header_key(column), problems)
    problems.raise_if_any("the history file")
    times = interval_times(cells, table.rows, used, problems)
    if used.date_order is None:
        used = replace(used, date_order=times.date_order)
    cells[times.label] = times.text
    header[_TIME_KEY] = times.label
    if used.channel_column is not None:
        channel_key = header_key(used.channel_column)
    else:
        channel_label = f"channel {used.channel}"
        cells[channel_label] = used.channel
        header[_CHANNEL_KEY] = channel_label
        channel_key = _CHANNEL_KEY
    if used.aht_column is not None:
        cells[used.aht_column] = duration_seconds(cells[used.aht_column])
    mapped = replace(table, cells=cells, header=header)
    volume, handle = _vendor_counts(
        mapped,
        problems,
        offered=header_key(used.volume_column or ""),
        handled=header_key(used.handled_column) if used.handled_column else "(none)",
        average=header_key(used.aht_column) if used.aht_column else None,
    )
    queue = next((key for key in ("queue", "queue name", "skill") if table.has(key)), "queue")
    reading = _Reading(_TIME_KEY, None, channel_key, queue, volume, *handle, times.bad)
    return mapped, reading, used


_READERS: Final[dict[str, Callable[[RawTable, RowProblems], _Reading]]] = {
    "canonical": _canonical,
    "genesys": _VendorExport(
        time="interval start utc date",
        naive_zone="UTC",
        channel="media type",
        queue="queue",
        offered="offered",
        handled="interactions handled",
        total="total handle time (seconds)",
    ),
    "amazon_connect": _VendorExport(
        time="timestamp",
        naive_zone=None,
        channel="channeltype",
        queue="queuename",
        offered="incomingcontactvolume",
        handled="contactshandled",
        average="averagehandletime",
    ),
    "per_contact": _per_contact,
}


# Every header any format reads: their cells are checked for length before anything else.
_READ_KEYS: Final = frozenset(
    {header_key(name) for layout in FORMATS for name in layout.required + layout.optional}
    | {"aht seconds", "handle seconds total", *_ID_KEYS}
)


def _check_cell_lengths(table: RawTable, problems: RowProblems) -> None:
    """Refuse the file if a cell staffcast reads is longer than :data:`MAX_CELL_CHARACTERS`,
    before any of them is parsed, compared or stored (columns staffcast ignores, such as a
    ticket's subject, may hold any text)."""
    for key in sorted(_READ_KEYS):
        if table.has(key):
            _check_lengths_of(table, key, problems)
    problems.raise_if_any("the history file")


def _check_lengths_of(table: RawTable, key: str, problems: RowProblems) -> None:
    cells = table.column(key)
    header = table.header[key]
    lengths = cells.str.len().to_numpy(dtype=np.int64, na_value=0)
    problems.add_where(
        lengths > MAX_CELL_CHARACTERS,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(cells.iloc[i])} is longer than the "
            f"limit of {MAX_CELL_CHARACTERS} characters; channel and queue names, ids, times "
            "and numbers are short"
        ),
    )


_CONTROL_CHARACTER: Final = re.compile(CONTROL_CHARACTERS)


def _check_labels(table: RawTable, keys: tuple[str, ...], problems: RowProblems) -> None:
    """Refuse channel and queue names holding a control character (a line break, a tab, a
    NUL byte): they are one line of text in every file and chart, and PostgreSQL cannot store
    a NUL."""
    for key in dict.fromkeys(key for key in keys if key and table.has(key)):
        _check_one_line(table, key, problems)


def _check_one_line(table: RawTable, key: str, problems: RowProblems) -> None:
    cells = table.column(key)
    if not _CONTROL_CHARACTER.search("".join(cells)):  # a clean column costs one join
        return
    header = table.header[key]
    # Names are stripped when read: a tab or line break at either end is dropped there.
    problems.add_where(
        cells.str.strip().str.contains(_CONTROL_CHARACTER).to_numpy(dtype=bool),
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(cells.iloc[i])} "
            f"{HOLDS_A_CONTROL_CHARACTER}; channel and queue names are one line of printable "
            "text"
        ),
    )


def _check_channel_count(
    channels: pd.Series, table: RawTable, key: str, problems: RowProblems
) -> None:
    """Refuse more than :data:`MAX_CHANNELS` distinct channels, naming the first row past it."""
    codes, names = pd.factorize(channels)
    if len(names) <= MAX_CHANNELS:
        return
    first = int(np.flatnonzero(codes == MAX_CHANNELS)[0])
    problems.add(
        int(table.rows[first]),
        f"row {table.rows[first]}, column `{table.header[key]}`: {show(str(names[MAX_CHANNELS]))} "
        f"is channel number {MAX_CHANNELS + 1} of {len(names)}, more than the limit of "
        f"{MAX_CHANNELS} channels per team; check the column holds channel names",
    )


def _layout(
    table: RawTable, mapping: ColumnMapping | None, saved_mapping: ColumnMapping | None
) -> ExportFormat:
    """The format to read: an interval report when the mapping names a column, else the
    known export the header matches, else an interval report (through ``mapping``, the
    team's ``saved_mapping`` or the usual header names)."""
    if mapping is not None and mapping.names_columns:
        return INTERVAL_REPORT
    try:
        layout = detect_format(table)
    except InvalidHistoryError:
        if (
            mapping is None
            and saved_mapping is None
            and not looks_like_interval_report(table.header)
        ):
            raise
        return INTERVAL_REPORT
    if mapping is not None and not mapping.is_empty:
        raise InvalidHistoryError(
            f"the file is a {layout.title}, which names its own channels and dates; the "
            "channel and date order options are for interval reports without them "
            "(leave them out)"
        )
    return layout


def extract_records(
    source: HistorySource,
    timezone: str,
    problems: RowProblems,
    *,
    mapping: ColumnMapping | None = None,
    saved_mapping: ColumnMapping | None = None,
) -> Extract:
    """Read a history export into one record per row, reporting bad cells to ``problems``.

    Rows at a local time that does not exist (spring forward) are dropped when they carry no
    contacts and reported as problems when they do.

    Args:
        source: the CSV content.
        timezone: IANA zone naive times are local to.
        problems: where row problems are reported.
        mapping: how to read an interval report (given for this file).
        saved_mapping: the team's mapping of an earlier upload, used when the file is not one
            of the known exports and ``mapping`` names no column.

    Raises:
        InvalidHistoryError: for problems with the file as a whole (empty, unknown headers).
    """
    table = read_table(source)
    layout = _layout(table, mapping, saved_mapping)
    used: ColumnMapping | None = None
    if layout.name == "interval_report":
        chosen = mapping if mapping is not None and mapping.names_columns else saved_mapping
        table, reading, used = _interval_report(table, _merged(chosen, mapping), problems)
    else:
        _check_cell_lengths(table, problems)
        reading = _READERS[layout.name](table, problems)
    _check_labels(table, (reading.channel, reading.queue), problems)
    times = _times(table, reading, timezone, problems)
    records = _records(table, layout, reading, times, problems)
    notes = channel_label_notes(table.column(reading.channel))
    notes += _spring_forward(table, reading, times, records, timezone, problems)
    claim = (
        _interval_claim(table, "intervalduration", problems)
        if table.has("intervalduration")
        else None
    )
    return Extract(
        source_format=layout.name,
        records=records[~times.skipped].reset_index(drop=True),
        rows_read=table.rows_read,
        time_column=table.header[reading.time],
        claimed_interval_minutes=claim,
        notes=tuple(notes),
        mapping=used,
    )


def _times(table: RawTable, reading: _Reading, timezone: str, problems: RowProblems) -> ParsedTimes:
    """Each row's time, reporting the cells that are not times (unless already reported)."""
    header = table.header[reading.time]
    raw_times = table.column(reading.time)
    times = parse_times(raw_times, reading.naive_zone or timezone)
    unparseable = times.unparseable
    if reading.reported_times is not None:
        unparseable = unparseable & ~reading.reported_times
    problems.add_where(
        unparseable,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw_times.iloc[i])} is "
            "not an ISO 8601 date and time; write it like 2026-12-07T09:00 (local time) or "
            "2026-12-07T14:00Z / 2026-12-07T09:00-05:00"
        ),
    )
    problems.add_where(
        times.outside,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw_times.iloc[i])} is outside "
            f"{EARLIEST_INSTANT} to {LATEST_INSTANT} (UTC), the times a history may hold"
        ),
    )
    return times


def _records(
    table: RawTable,
    layout: ExportFormat,
    reading: _Reading,
    times: ParsedTimes,
    problems: RowProblems,
) -> pd.DataFrame:
    """One record per row (skipped local times included), the channels checked."""
    queue = reading.queue
    records = pd.DataFrame(
        {
            "order": np.arange(len(table.cells), dtype=np.int64),
            "row": table.rows,
            "channel": _channels(table, reading.channel, problems),
            "queue": table.column(queue).astype(str).str.strip() if table.has(queue) else "",
            "time_text": table.column(reading.time),
            "volume": reading.volume,
            "handle_seconds": reading.handle_seconds,
            "handled": reading.handled,
            "instant": times.instant,
            "wall": times.wall,
            "earlier": times.earlier,
            "later": times.later,
            "repeated": times.repeated,
        }
    )
    _check_channel_count(records["channel"], table, reading.channel, problems)
    id_key = next((key for key in _ID_KEYS if table.has(key)), None)
    if layout.name == "per_contact" and id_key is not None:
        records["contact_id"] = table.column(id_key).astype(str).str.strip()
    return records


def _spring_forward(
    table: RawTable,
    reading: _Reading,
    times: ParsedTimes,
    records: pd.DataFrame,
    timezone: str,
    problems: RowProblems,
) -> list[str]:
    """Report rows with contacts at local times that do not exist; a note on those without."""
    header = table.header[reading.time]
    raw_times = table.column(reading.time)
    with_contacts = times.skipped & (records["volume"].to_numpy() > 0)
    problems.add_where(
        with_contacts,
        table.rows,
        lambda i: (
            f"row {table.rows[i]}, column `{header}`: {show(raw_times.iloc[i])} does "
            f"not exist in {timezone} (the clocks jump forward over it); write the time with its "
            "UTC offset or export in UTC"
        ),
    )
    dropped = int((times.skipped & ~with_contacts).sum())
    if not dropped:
        return []
    return [
        f"{dropped} row(s) with no contacts at local times that do not exist in {timezone} "
        "(spring forward) were left out"
    ]


def _merged(base: ColumnMapping | None, given: ColumnMapping | None) -> ColumnMapping:
    """``base`` with what ``given`` sets (a channel or date order given with a saved mapping)."""
    merged = base or ColumnMapping()
    if given is None:
        return merged
    changes: dict[str, str | None] = {
        name: value
        for name, value in given.to_dict().items()
        if value is not None and getattr(merged, name) != value
    }
    if "channel" in changes:
        changes["channel_column"] = None
    elif "channel_column" in changes:
        changes["channel"] = None
    return replace(merged, **changes)  # type: ignore[arg-type]
