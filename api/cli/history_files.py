"""Reading a history file for the forecasting commands.

TEMPORARY: a minimal reader of the canonical CSV (``interval_start``, ``channel``, ``volume``,
optional ``aht_seconds``) until :func:`forecast.history.parse_history` lands on main; then
:func:`read_history` becomes a call to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from api.cli.errors import fail
from forecast.errors import InvalidHistoryError


@dataclass(frozen=True)
class _History:
    frame: pd.DataFrame
    interval_minutes: int
    timezone: str


def read_history(path: Path, *, timezone: str, interval_minutes: int | None) -> _History:
    """Read a canonical history CSV into the frame shape the forecaster expects."""
    try:
        raw = pd.read_csv(path)
    except FileNotFoundError:
        fail(f"{path}: no such file")
    missing = [c for c in ("interval_start", "channel", "volume") if c not in raw.columns]
    if missing:
        raise InvalidHistoryError(f"{path}: missing column(s) {', '.join(missing)}")
    stamps = pd.to_datetime(raw["interval_start"], utc=True, format="ISO8601")
    starts = stamps.dt.tz_convert(timezone)
    gaps = np.diff(np.unique(starts.to_numpy(dtype="datetime64[ns]"))) / np.timedelta64(1, "m")
    minutes = interval_minutes or int(gaps.min() if gaps.size else 60)
    volume = pd.to_numeric(raw["volume"], errors="coerce")
    aht = (
        pd.to_numeric(raw["aht_seconds"], errors="coerce")
        if "aht_seconds" in raw.columns
        else pd.Series(np.nan, index=raw.index)
    )
    frame = pd.DataFrame(
        {
            "interval_start": starts.dt.floor(f"{minutes}min"),
            "channel": raw["channel"].astype(str).str.strip().str.lower(),
            "volume": volume,
            "handle": volume * aht,
        }
    )
    grouped = frame.groupby(["channel", "interval_start"], sort=True).agg(
        volume=("volume", "sum"), handle=("handle", lambda h: h.sum(min_count=1))
    )
    result = grouped.reset_index()
    result["aht_seconds"] = result["handle"] / result["volume"].where(result["volume"] > 0)
    return _History(result.drop(columns="handle"), minutes, timezone)
