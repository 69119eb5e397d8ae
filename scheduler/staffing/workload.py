"""The workload contract: the one table that flows from ``forecast`` to ``scheduler``.

``forecast`` and ``scheduler`` never import each other. ``api`` hands the forecaster's output
to the scheduler as a plain ``pandas.DataFrame`` with these columns:

=================  ==========================  ===============================================
column             dtype                       meaning
=================  ==========================  ===============================================
``interval_start`` datetime64, timezone-aware  start of the interval (15, 30 or 60 minutes)
``channel``        str                         queue name: ``voice``, ``chat``, ``email``, ...
``volume``         float >= 0                  contacts offered in the interval
``aht_seconds``    float > 0 (if volume > 0)   average handle time of those contacts
``volume_low``     float >= 0, optional        lower prediction quantile (e.g. 10th pct)
``volume_high``    float >= 0, optional        upper prediction quantile (e.g. 90th pct)
=================  ==========================  ===============================================

One row per (interval_start, channel); rows with zero volume may carry a missing AHT.
:func:`validate_workload` checks a table against this contract and returns it normalised.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from scheduler.calendar import EARLIEST_INSTANT, LATEST_INSTANT, MINUTES_PER_DAY
from scheduler.errors import InvalidWorkloadError, table_problems

INTERVAL_START: Final = "interval_start"
CHANNEL: Final = "channel"
VOLUME: Final = "volume"
AHT_SECONDS: Final = "aht_seconds"
VOLUME_LOW: Final = "volume_low"
VOLUME_HIGH: Final = "volume_high"
REQUIRED_COLUMNS: Final = (INTERVAL_START, CHANNEL, VOLUME, AHT_SECONDS)
OPTIONAL_COLUMNS: Final = (VOLUME_LOW, VOLUME_HIGH)
_EARLIEST: Final = pd.Timestamp(EARLIEST_INSTANT)
_LATEST: Final = pd.Timestamp(LATEST_INSTANT)


def _row_label(index: int) -> int:
    """Spreadsheet row number of a 0-based data row (the header is row 1)."""
    return index + 2


def _show(value: object) -> str:
    """A cell as the user typed it: strings quoted, numbers plain."""
    return repr(value) if isinstance(value, str) else str(value)


def _numeric_column(workload: pd.DataFrame, column: str, errors: list[str]) -> pd.Series[float]:
    raw = workload[column]
    numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
    bad = numbers.isna() & raw.notna() | ~np.isfinite(numbers.fillna(0.0))
    for position in np.flatnonzero(bad.to_numpy()):
        errors.append(
            f"row {_row_label(int(position))}, column `{column}`: {_show(raw.iloc[position])} "
            "is not a number"
        )
    return numbers


def _timestamps(
    workload: pd.DataFrame, timezone: str, errors: list[str]
) -> pd.Series[pd.Timestamp]:
    """Parse ``interval_start``: aware values are converted to ``timezone``; naive ones are
    taken as local time in ``timezone`` (a repeated or skipped DST hour is an error)."""
    raw = workload[INTERVAL_START]
    parsed = pd.Series(pd.NaT, index=raw.index, dtype=f"datetime64[ns, {timezone}]")
    outside = pd.Series(False, index=raw.index)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):  # read as instants already (Arrow)
        aware = pd.Series(True, index=raw.index)
        text = raw
    else:
        text = raw.astype("string").str.strip()
        aware = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).fillna(False)
    if aware.any():
        stamps = pd.to_datetime(text[aware], errors="coerce", utc=True, format="ISO8601")
        utc = stamps.dt.tz_localize(None)
        far = (utc < _EARLIEST) | (utc > _LATEST)
        outside[aware] = far
        parsed[aware] = stamps.where(~far).dt.tz_convert(timezone)
    if (~aware).any():
        naive = pd.to_datetime(text[~aware], errors="coerce", format="ISO8601")
        far = (naive < _EARLIEST) | (naive > _LATEST)
        outside[~aware] = far
        parsed[~aware] = naive.where(~far).dt.tz_localize(
            timezone, ambiguous="NaT", nonexistent="NaT"
        )
    for position in np.flatnonzero(parsed.isna().to_numpy()):
        why = (
            f"is outside {EARLIEST_INSTANT} to {LATEST_INSTANT} (UTC), the instants a "
            "workload may hold"
            if outside.iloc[position]
            else "is not an ISO 8601 timestamp (or is a local time that does not exist or is "
            f"ambiguous in {timezone}; add a UTC offset)"
        )
        errors.append(
            f"row {_row_label(int(position))}, column `{INTERVAL_START}`: "
            f"{_shown_start(raw.iloc[position])} {why}"
        )
    return parsed


def _shown_start(value: object) -> str:
    """A cell of ``interval_start`` as an error message shows it: an instant Arrow read as
    UTC ISO 8601 text (numpy prints the years pandas cannot), anything else as its repr."""
    if isinstance(value, pd.Timestamp):
        return repr(f"{np.datetime_as_string(value.asm8, unit='s')}Z")
    return repr(value)


def validate_workload(workload: pd.DataFrame, timezone: str | None = None) -> pd.DataFrame:
    """Check a workload table against the contract and return a normalised copy.

    Naive ``interval_start`` values are local to ``timezone``; aware ones are converted to it.
    With ``timezone=None`` a timezone-aware column keeps its zone and text is read as UTC.

    Raises:
        InvalidWorkloadError: listing every bad row, column and value (up to 50).
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in workload.columns]
    if missing:
        names = ", ".join(f"`{column}`" for column in missing)
        raise InvalidWorkloadError(
            f"the workload is missing the column(s) {names}; expected {', '.join(REQUIRED_COLUMNS)}"
        )
    workload = workload.reset_index(drop=True)
    errors: list[str] = []
    raw_starts = workload[INTERVAL_START]
    if timezone is None:
        zone = raw_starts.dtype.tz if isinstance(raw_starts.dtype, pd.DatetimeTZDtype) else None
        timezone = "UTC" if zone is None else str(zone)
    starts = _timestamps(workload, timezone, errors)
    codes, distinct = pd.factorize(workload[CHANNEL], use_na_sentinel=False)
    cleaned = pd.Index(distinct).astype("string").str.strip().str.lower()  # once per name
    channels = pd.Series(cleaned.take(codes), index=workload.index)
    for position in np.flatnonzero((channels.isna() | (channels == "")).to_numpy()):
        errors.append(f"row {_row_label(int(position))}, column `{CHANNEL}`: is empty")
    columns = [VOLUME, AHT_SECONDS, *(c for c in OPTIONAL_COLUMNS if c in workload.columns)]
    numbers = {column: _numeric_column(workload, column, errors) for column in columns}
    volume = numbers[VOLUME]
    for position in np.flatnonzero((volume < 0).to_numpy()):
        errors.append(
            f"row {_row_label(int(position))}, column `{VOLUME}`: {volume.iloc[position]:g} "
            "is negative; volumes are counts of contacts"
        )
    for column in OPTIONAL_COLUMNS:
        if column in numbers:
            for position in np.flatnonzero((numbers[column] < 0).to_numpy()):
                errors.append(
                    f"row {_row_label(int(position))}, column `{column}`: "
                    f"{numbers[column].iloc[position]:g} is negative"
                )
    aht = numbers[AHT_SECONDS]
    bad_aht = (volume > 0) & ~(aht > 0)
    for position in np.flatnonzero(bad_aht.to_numpy()):
        errors.append(
            f"row {_row_label(int(position))}, column `{AHT_SECONDS}`: "
            f"{_show(workload[AHT_SECONDS].iloc[position])} must be a positive number of seconds "
            "where volume is above zero"
        )
    if not errors:
        instants = starts.to_numpy(dtype="datetime64[ns]").view(np.int64)
        channel_codes = pd.factorize(channels)[0]
        order = np.lexsort((channel_codes, instants))
        repeated = (np.diff(instants[order]) == 0) & (np.diff(channel_codes[order]) == 0)
        for position in np.sort(order[1:][repeated]):
            errors.append(
                f"row {_row_label(int(position))}: interval {starts.iloc[position].isoformat()} "
                f"of channel {channels.iloc[position]!r} appears twice"
            )
    if errors:
        raise table_problems(InvalidWorkloadError, "the workload", errors)
    result = pd.DataFrame(
        {
            INTERVAL_START: starts,
            CHANNEL: channels.astype(str),
            **{column: numbers[column] for column in columns},
        }
    )
    return result.sort_values([CHANNEL, INTERVAL_START], kind="stable").reset_index(drop=True)


def interval_minutes_of(starts: pd.Series[pd.Timestamp]) -> int:
    """Infer the interval length in minutes: the smallest gap between distinct starts.

    Raises:
        InvalidWorkloadError: if there is a single interval or the gaps are not whole minutes.
    """
    unique = np.unique(starts.to_numpy(dtype="datetime64[ns]"))
    if unique.size < 2:
        raise InvalidWorkloadError(
            "cannot infer the interval length from a single interval; "
            "give it explicitly (--interval-minutes)"
        )
    gap_seconds = float(np.diff(unique).min() / np.timedelta64(1, "s"))
    if gap_seconds % 60 or MINUTES_PER_DAY % (gap_seconds / 60):
        raise InvalidWorkloadError(
            f"intervals start {gap_seconds:g} s apart, which does not divide a day into whole "
            "minutes; give --interval-minutes"
        )
    return int(gap_seconds // 60)
