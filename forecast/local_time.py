"""Timestamps of a history file: ISO 8601 text to UTC instants, with explicit DST rules.

- A value with a UTC offset or ``Z`` is an instant and is used as it is.
- A value without one is wall-clock time in ``naive_zone`` (the team's timezone for most
  columns; UTC for columns that say so, like Genesys' ``Interval Start UTC Date``).
- **Skipped local times** (spring forward, e.g. 02:00-02:59 on 2026-03-08 in New York) cannot
  be placed. :func:`parse_times` flags them; the importer drops such rows when they carry no
  contacts (exports that list every interval of the day write zeros there) and rejects the
  file, naming the row, when they do.
- **Repeated local times** (fall back, e.g. 01:00-01:59 on 2026-11-01 in New York occurs twice)
  are settled by :func:`settle_repeated_intervals` for interval exports (the first row of a
  wall time is the earlier instant, the second the later one, in file order; a wall time that
  appears only once is split evenly between the two hours) and by
  :func:`settle_repeated_contacts` for per-contact exports (the point where the file's time
  order steps back separates the two hours; without such a step each contact is split evenly).
  Nothing is counted twice and nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.limits import EARLIEST_INSTANT, LATEST_INSTANT

# An ISO 8601 time of day followed by a UTC designator or offset (e.g. "T09:00Z", " 09:00-05").
_AWARE_SUFFIX: Final = r"[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"
# Instants are kept as naive datetime64 values in UTC: fast, and no timezone to confuse.
INSTANT_DTYPE: Final = "datetime64[us]"
Instants = npt.NDArray[np.datetime64]


@dataclass(frozen=True, eq=False)
class ParsedTimes:
    """A parsed timestamp column, position by position. Instants are naive UTC values.

    Attributes:
        instant: the UTC instant; NaT where the cell is unparseable, skipped or repeated.
        wall: the naive wall-clock value for cells written without an offset, else NaT.
        unparseable: the cell is empty or not ISO 8601.
        outside: the cell is a time outside the instants a history may hold
            (:data:`forecast.limits.EARLIEST_INSTANT` to ``LATEST_INSTANT``).
        skipped: a naive local time that does not exist (spring forward).
        repeated: a naive local time that occurs twice (fall back).
        earlier: for repeated cells, the first of the two instants (daylight time).
        later: for repeated cells, the second of the two instants (standard time).
    """

    instant: Instants
    wall: Instants
    unparseable: npt.NDArray[np.bool_]
    outside: npt.NDArray[np.bool_]
    skipped: npt.NDArray[np.bool_]
    repeated: npt.NDArray[np.bool_]
    earlier: Instants
    later: Instants


def _not_a_time(size: int) -> Instants:
    return np.full(size, np.datetime64("NaT"), dtype=INSTANT_DTYPE)


def _utc_values(stamps: pd.Series) -> Instants:
    """Naive UTC datetime64 values of a parsed (aware or UTC-naive) timestamp Series."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy(dtype=INSTANT_DTYPE)


def parse_times(text: pd.Series, naive_zone: str) -> ParsedTimes:
    """Parse ISO 8601 text into UTC instants; naive values are wall-clock time in
    ``naive_zone``.

    Args:
        text: the column as read (strings).
        naive_zone: IANA name of the zone that naive values are local to.
    """
    cleaned = text.astype(str).str.strip()
    aware = cleaned.str.contains(_AWARE_SUFFIX, regex=True).to_numpy(dtype=bool)
    size = len(cleaned)
    instant = _not_a_time(size)
    wall = _not_a_time(size)
    if aware.any():
        instant[aware] = _utc_values(
            pd.to_datetime(cleaned[aware], errors="coerce", utc=True, format="ISO8601")
        )
    if (~aware).any():
        wall[~aware] = _utc_values(
            pd.to_datetime(cleaned[~aware], errors="coerce", format="ISO8601")
        )
    earlier = _not_a_time(size)
    later = _not_a_time(size)
    skipped = np.zeros(size, dtype=bool)
    repeated = np.zeros(size, dtype=bool)
    outside = _outside(instant) | _outside(wall)
    instant[outside] = wall[outside] = np.datetime64("NaT")
    positions = np.flatnonzero(~np.isnat(wall))
    if positions.size:
        walls = pd.Series(wall[positions])
        first = _utc_values(
            walls.dt.tz_localize(
                naive_zone, ambiguous=np.ones(positions.size, dtype=bool), nonexistent="NaT"
            )
        )
        second = _utc_values(
            walls.dt.tz_localize(
                naive_zone, ambiguous=np.zeros(positions.size, dtype=bool), nonexistent="NaT"
            )
        )
        missing = np.isnat(first) & np.isnat(second)
        differ = (first != second) & ~missing
        single = ~missing & ~differ
        skipped[positions[missing]] = True
        repeated[positions[differ]] = True
        instant[positions[single]] = first[single]
        earlier[positions[differ]] = first[differ]
        later[positions[differ]] = second[differ]
    unparseable = np.isnat(instant) & ~skipped & ~repeated & ~outside
    return ParsedTimes(instant, wall, unparseable, outside, skipped, repeated, earlier, later)


def _outside(instants: Instants) -> npt.NDArray[np.bool_]:
    """Which of ``instants`` lie outside those a history may hold (``NaT`` does not)."""
    earliest = np.datetime64(EARLIEST_INSTANT).astype(INSTANT_DTYPE)
    latest = np.datetime64(LATEST_INSTANT).astype(INSTANT_DTYPE)
    far: npt.NDArray[np.bool_] = ~np.isnat(instants) & ((instants < earliest) | (instants > latest))
    return far


# Columns of the importer's record table that hold amounts: halved when a row is split.
_AMOUNTS: Final = ("volume", "handle_seconds", "handled")


def _split_evenly(rows: pd.DataFrame) -> pd.DataFrame:
    """Each row becomes two: half its amounts at the earlier instant, half at the later."""
    first = rows.assign(instant=rows["earlier"])
    second = rows.assign(instant=rows["later"])
    halves = pd.concat([first, second])
    for column in _AMOUNTS:
        halves[column] = halves[column] / 2.0
    return halves


def _hour_label(instants: pd.Series, timezone: str) -> str:
    """'2026-11-01 (repeated 01:00-01:59 EDT, then EST)' for the repeated hour of ``instants``."""
    first = pd.Timestamp(instants.min()).tz_localize("UTC").tz_convert(timezone)
    last = pd.Timestamp(instants.max()).tz_localize("UTC").tz_convert(timezone)
    return f"{first:%Y-%m-%d} (repeated {first:%H}:00-{first:%H}:59 {first:%Z}, then {last:%Z})"


def _settled(
    records: pd.DataFrame,
    repeated: pd.DataFrame,
    to_later: npt.NDArray[np.bool_],
    to_split: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    placed = repeated[~to_split].copy()
    placed["instant"] = np.where(
        to_later[~to_split], placed["later"].to_numpy(), placed["earlier"].to_numpy()
    )
    pieces = [records[~records["repeated"]], placed, _split_evenly(repeated[to_split])]
    return pd.concat(pieces).sort_values("order", kind="stable").reset_index(drop=True)


def _day_notes(
    repeated: pd.DataFrame,
    to_split: npt.NDArray[np.bool_],
    timezone: str,
    placed_how: str,
    split_how: str,
) -> list[str]:
    """One warning per fall-back day: how many rows were placed, how many split."""
    notes = []
    day_of_row = repeated["wall"].dt.date.to_numpy()
    for day in sorted(set(day_of_row)):
        in_day = day_of_row == day
        rows = repeated[in_day]
        label = _hour_label(pd.concat([rows["earlier"], rows["later"]]), timezone)
        text = f"{label}: naive local times are ambiguous;"
        placed = int((~to_split & in_day).sum())
        split = int((to_split & in_day).sum())
        if placed:
            text += f" {placed} {placed_how};"
        if split:
            text += f" {split} {split_how};"
        notes.append(text.rstrip(";") + ". Nothing was counted twice or dropped.")
    return notes


def settle_repeated_intervals(
    records: pd.DataFrame, keys: list[str], timezone: str
) -> tuple[pd.DataFrame, list[str]]:
    """Place interval rows whose naive start falls in a repeated (fall-back) hour.

    Within each series (``keys``) and wall time, the first row in file order is the earlier
    instant and any later row the later instant; a wall time seen only once is split evenly.

    Args:
        records: the importer's record table with ``order``, ``repeated``, ``wall``,
            ``earlier``, ``later`` and the amount columns.
        keys: the columns that identify one series (e.g. channel and queue).
        timezone: the zone the wall times are local to, for the warnings.

    Returns:
        The table with ``instant`` set for every repeated row, and warnings saying what was
        done.
    """
    mask = records["repeated"].to_numpy(dtype=bool)
    if not mask.any():
        return records, []
    repeated = records[mask]
    groups = repeated.groupby([*keys, "wall"], sort=False)["order"]
    to_later = groups.cumcount().to_numpy() >= 1
    to_split = groups.transform("size").to_numpy() == 1
    notes = _day_notes(
        repeated,
        to_split,
        timezone,
        "rows that appear twice were read in file order, first then second hour",
        "rows that appear only once were split evenly between both hours",
    )
    return _settled(records, repeated, to_later, to_split), notes


def settle_repeated_contacts(
    records: pd.DataFrame, keys: list[str], timezone: str
) -> tuple[pd.DataFrame, list[str]]:
    """Place per-contact rows whose naive creation time falls in a repeated (fall-back) hour.

    Exports list contacts in time order, ascending or descending (decided from the whole
    file). Within each series and day, the step where the wall clock goes the wrong way is
    where the second hour begins (ascending) or ends (descending). Without such a step the two
    hours cannot be told apart and each contact is split evenly between them. Arguments and
    result as for :func:`settle_repeated_intervals`.
    """
    mask = records["repeated"].to_numpy(dtype=bool)
    if not mask.any():
        return records, []
    known = records["instant"].dropna().to_numpy(dtype=INSTANT_DTYPE)
    ascending = (
        bool((np.diff(known) >= np.timedelta64(0)).mean() >= 0.5) if known.size > 1 else True
    )
    repeated = records[mask]
    group_keys = [repeated[key] for key in keys] + [repeated["wall"].dt.date.rename("day")]
    previous = repeated.groupby(group_keys, sort=False)["wall"].shift()
    wrong_way = (repeated["wall"] < previous) if ascending else (repeated["wall"] > previous)
    by_day = wrong_way.groupby(group_keys, sort=False)
    after_step = by_day.cummax().to_numpy(dtype=bool)
    to_split = ~by_day.transform("any").to_numpy(dtype=bool)
    to_later = after_step if ascending else ~after_step
    notes = _day_notes(
        repeated,
        to_split,
        timezone,
        "contacts were placed by the file's time order",
        "contacts could not be placed and were split evenly between both hours",
    )
    return _settled(records, repeated, to_later, to_split), notes
