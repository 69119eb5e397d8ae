"""Prediction intervals calibrated on rolling-origin backtest errors.

For every backtested interval we keep the log ratio ``r = log((actual + 1) / (forecast + 1))``.
Its empirical 10th and 90th percentiles, taken separately for each horizon week (errors grow
with the horizon) and each forecast-volume tercile (small volumes are relatively noisier),
give the band::

    volume_low  = (forecast + 1) x exp(q_low)  - 1
    volume_high = (forecast + 1) x exp(q_high) - 1

clipped to ``[0, forecast]`` and ``[forecast, ∞)``. The +1 keeps zero-volume intervals finite.
A cell with fewer than ``min_residuals`` errors borrows its horizon week's pooled quantiles.

Errors from one forecast origin move together (a level that was off stays off for the whole
horizon), so a backtest with ``n`` origins holds only about ``n`` independent draws of the
largest error component, however many intervals it has. Taking the empirical quantiles as they
are then under-covers (on the bank benchmark, 75% instead of 80%). As for a prediction
interval from ``n`` normal draws, each quantile's distance from the median is widened by
``t_{n-1}(q) x sqrt(1 + 1/n) / z(q)`` (about 1.13 for 10 origins, 1.4 for 4).
With too few backtest errors altogether (a history of two or three weeks) the band falls back
to Poisson quantiles of the forecast, which understates the uncertainty — the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MIN_RESIDUALS: Final = 50
_VOLUME_BUCKETS: Final = 3


@dataclass(frozen=True)
class BandCalibration:
    """Quantiles of backtest log-ratio errors by horizon week and forecast-volume bucket.

    Attributes:
        low_quantile: e.g. 0.1 for the 10th percentile.
        high_quantile: e.g. 0.9.
        method: ``backtest`` (calibrated) or ``poisson`` (too little backtest; uncalibrated).
        volume_edges: forecast-volume bucket edges (inner edges only).
        low: ``(weeks, buckets)`` quantile of the log ratio for the lower bound.
        high: same, upper bound.
        residuals: how many backtest intervals the calibration rests on.
    """

    low_quantile: float
    high_quantile: float
    method: Literal["backtest", "poisson"]
    volume_edges: tuple[float, ...] = ()
    low: tuple[tuple[float, ...], ...] = ()
    high: tuple[tuple[float, ...], ...] = ()
    residuals: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.low_quantile < self.high_quantile < 1:
            raise ValueError("need 0 < low_quantile < high_quantile < 1")

    def band(self, forecast: FloatArray, horizon_day: IntArray) -> tuple[FloatArray, FloatArray]:
        """Lower and upper bounds for forecasts at the given horizons (1 = first day)."""
        if self.method == "poisson":
            low = stats.poisson.ppf(self.low_quantile, forecast).astype(np.float64)
            high = stats.poisson.ppf(self.high_quantile, forecast).astype(np.float64)
        else:
            week = np.minimum((horizon_day - 1) // 7, len(self.low) - 1)
            bucket = np.searchsorted(np.asarray(self.volume_edges), forecast, side="right")
            low_q = np.asarray(self.low)[week, bucket]
            high_q = np.asarray(self.high)[week, bucket]
            low = (forecast + 1.0) * np.exp(low_q) - 1.0
            high = (forecast + 1.0) * np.exp(high_q) - 1.0
        low = np.clip(np.minimum(low, forecast), 0.0, None)
        high = np.maximum(high, forecast)
        closed = forecast <= 0
        low[closed] = 0.0
        high[closed] = 0.0
        return low, high


def _widening(origins: int | None, quantile: float) -> float:
    """Small-sample widening of a quantile's distance from the median (module docstring)."""
    if origins is None or origins < 2:
        return 1.0
    student = float(stats.t.ppf(quantile, origins - 1))
    normal = float(stats.norm.ppf(quantile))
    return student * float(np.sqrt(1 + 1 / origins)) / normal


def _quantiles(
    ratio: FloatArray, low_quantile: float, high_quantile: float, origins: int | None
) -> tuple[float, float]:
    middle = float(np.median(ratio))
    low = float(np.quantile(ratio, low_quantile))
    high = float(np.quantile(ratio, high_quantile))
    return (
        middle + _widening(origins, low_quantile) * (low - middle),
        middle + _widening(origins, high_quantile) * (high - middle),
    )


def calibrate_band(
    forecast: FloatArray,
    actual: FloatArray,
    horizon_day: IntArray,
    *,
    origins: int | None = None,
    low_quantile: float = 0.1,
    high_quantile: float = 0.9,
    min_residuals: int = MIN_RESIDUALS,
) -> BandCalibration:
    """Fit a :class:`BandCalibration` to backtest forecasts and their actual volumes.

    Args:
        forecast: backtest forecasts, one per interval.
        actual: the matching actual volumes.
        horizon_day: the matching horizons (1 = the origin's date).
        origins: number of backtest origins the errors come from (for the widening); ``None``
            takes the quantiles as they are.
        low_quantile: lower band quantile.
        high_quantile: upper band quantile.
        min_residuals: fewest errors for a cell of its own, and for a backtest band at all.

    Intervals that were forecast and turned out closed (both 0) or missing (NaN) are ignored.
    """
    use = np.isfinite(actual) & np.isfinite(forecast) & ((forecast > 0) | (actual > 0))
    forecast, actual, horizon_day = forecast[use], actual[use], horizon_day[use]
    if forecast.size < min_residuals:
        return BandCalibration(low_quantile, high_quantile, "poisson", residuals=forecast.size)
    ratio = np.log((actual + 1.0) / (forecast + 1.0))
    edges = tuple(
        float(edge)
        for edge in np.unique(np.quantile(forecast, np.linspace(0, 1, _VOLUME_BUCKETS + 1)[1:-1]))
    )
    bucket = np.searchsorted(np.asarray(edges), forecast, side="right")
    week = (horizon_day - 1) // 7
    low_rows: list[tuple[float, ...]] = []
    high_rows: list[tuple[float, ...]] = []
    pooled = _quantiles(ratio, low_quantile, high_quantile, origins)
    for this_week in range(int(week.max()) + 1):
        in_week = week == this_week
        week_bounds = (
            _quantiles(ratio[in_week], low_quantile, high_quantile, origins)
            if in_week.sum() >= min_residuals
            else pooled
        )
        cells = [
            _quantiles(ratio[cell], low_quantile, high_quantile, origins)
            if (cell := in_week & (bucket == this_bucket)).sum() >= min_residuals
            else week_bounds
            for this_bucket in range(len(edges) + 1)
        ]
        low_rows.append(tuple(low for low, _ in cells))
        high_rows.append(tuple(high for _, high in cells))
    return BandCalibration(
        low_quantile,
        high_quantile,
        "backtest",
        volume_edges=edges,
        low=tuple(low_rows),
        high=tuple(high_rows),
        residuals=int(forecast.size),
    )
