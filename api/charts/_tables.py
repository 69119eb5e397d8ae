"""Reading the tables the charts draw: required columns, numbers, wall-clock times, channels
and the interval step."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def wall_clock(stamps: pd.Series) -> pd.Series[pd.Timestamp]:
    """Local wall-clock times (naive) of timezone-aware stamps; ISO text is parsed first,
    keeping the offset each value carries (naive stamps are taken as wall-clock time)."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        naive: pd.Series[pd.Timestamp] = stamps.dt.tz_localize(None)
        return naive
    parsed = [pd.Timestamp(value) for value in stamps]
    return pd.Series(
        [stamp.tz_localize(None) if stamp.tzinfo else stamp for stamp in parsed],
        index=stamps.index,
        dtype="datetime64[ns]",
    )


def channels(*frames: pd.DataFrame) -> list[str]:
    """Channels in order of first appearance across ``frames``."""
    seen: dict[str, None] = {}
    for frame in frames:
        if "channel" in frame.columns:
            for channel in frame["channel"].astype(str):
                seen.setdefault(channel, None)
    return list(seen)


def interval(starts: pd.Series[pd.Timestamp]) -> pd.Timedelta:
    """The most common step between consecutive interval starts (15 minutes if unknown)."""
    steps = starts.drop_duplicates().sort_values().diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    if steps.empty:
        return pd.Timedelta(minutes=15)
    return pd.Timedelta(steps.mode().iloc[0])


def numbers(frame: pd.DataFrame, column: str) -> pd.Series[float]:
    """``column`` as floats (text that is not a number, or an absent column: NaN)."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise ``ValueError`` naming the ``columns`` the ``what`` table lacks.

    Raises:
        ValueError: a column is missing.
    """
    absent = [column for column in columns if column not in frame.columns]
    if absent:
        raise ValueError(
            f"the {what} table needs the column(s) {', '.join(absent)}; "
            f"it has {', '.join(map(str, frame.columns)) or 'none'}"
        )
