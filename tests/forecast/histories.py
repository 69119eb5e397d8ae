"""Small synthetic histories with known effects, shaped like ``forecast.history.History``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd


@dataclass(frozen=True)
class SyntheticHistory:
    """Has the attributes the forecaster reads from a parsed history."""

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str


@dataclass(frozen=True)
class Pattern:
    """How the synthetic volume is drawn.

    Attributes:
        daily_volume: contacts on a normal day of weight 1.
        weekday_weights: Monday..Sunday multipliers (0 = closed that weekday).
        open_hours: (first hour, hour after the last) the team answers.
        day_factors: date -> multiplier of that day's total (0 = closed).
        day_shapes: date -> per-hour weights replacing the usual intraday shape that day.
        noise: draw Poisson counts (seeded) instead of exact expected values.
        aht_seconds: handle time of every contact.
        missing_days: dates with no data at all (NaN, a gap in the export).
    """

    daily_volume: float = 1000.0
    weekday_weights: Sequence[float] = (1.2, 1.0, 1.0, 1.0, 0.9, 0.5, 0.4)
    open_hours: tuple[int, int] = (8, 18)
    day_factors: Mapping[dt.date, float] = field(default_factory=dict)
    day_shapes: Mapping[dt.date, Sequence[float]] = field(default_factory=dict)
    noise: bool = False
    aht_seconds: float = 300.0
    missing_days: Sequence[dt.date] = ()


def hourly_profile(pattern: Pattern) -> npt.NDArray[np.float64]:
    """The usual intraday shape: a hump over the open hours, summing to 1 over 24 hours."""
    hours = np.arange(24) + 0.5
    first, last = pattern.open_hours
    middle, width = (first + last) / 2, (last - first) / 3
    weights = np.where(
        (hours >= first) & (hours < last), np.exp(-(((hours - middle) / width) ** 2)), 0
    )
    profile: npt.NDArray[np.float64] = weights / weights.sum()
    return profile


def synthetic_history(
    start: str,
    days: int,
    *,
    channels: Sequence[str] = ("voice",),
    pattern: Pattern | None = None,
    interval_minutes: int = 60,
    timezone: str = "UTC",
    seed: int = 0,
) -> SyntheticHistory:
    """A complete grid of ``days`` days from ``start`` for each channel (same pattern)."""
    pattern = pattern or Pattern()
    rng = np.random.default_rng(seed)
    per_hour = 60 // interval_minutes
    dates = pd.date_range(start, periods=days, freq="D")
    frames = []
    for channel in channels:
        rows = []
        for date in dates:
            shape = pattern.day_shapes.get(date.date())
            profile = (
                np.asarray(shape, dtype=float) / np.sum(shape)
                if shape is not None
                else hourly_profile(pattern)
            )
            total = (
                pattern.daily_volume
                * pattern.weekday_weights[date.weekday()]
                * pattern.day_factors.get(date.date(), 1.0)
            )
            expected = np.repeat(profile * total / per_hour, per_hour)
            volume = rng.poisson(expected).astype(float) if pattern.noise else expected
            if date.date() in pattern.missing_days:
                volume = np.full_like(volume, np.nan)
            local = pd.date_range(date, periods=24 * per_hour, freq=f"{interval_minutes}min")
            rows.append(
                pd.DataFrame(
                    {
                        "interval_start": local.tz_localize(
                            timezone, ambiguous="NaT", nonexistent="NaT"
                        ),
                        "channel": channel,
                        "volume": volume,
                        "aht_seconds": np.where(volume > 0, pattern.aht_seconds, np.nan),
                    }
                )
            )
        frames.append(pd.concat(rows, ignore_index=True))
    frame = pd.concat(frames, ignore_index=True).dropna(subset=["interval_start"])
    return SyntheticHistory(frame.reset_index(drop=True), interval_minutes, timezone)
