"""Accuracy metrics of backtest forecasts: WAPE, MASE, bias, bias by day type, band coverage.

All metrics are computed over the backtested intervals whose actual volume is known:

- **WAPE** (weighted absolute percentage error) = Σ|forecast - actual| / Σ actual, at interval
  level and on daily totals. Unlike MAPE it is defined when intervals have no contacts.
- **MASE** here is the forecast's mean absolute error divided by that of the seasonal naive
  forecast (same slot last week) on the very same intervals and origins: below 1 beats it.
  (Hyndman & Koehler, 2006, scale by the *in-sample* naive error; scaling by the out-of-sample
  naive keeps the question "is it better than the naive, here" explicit.)
- **bias** = Σ forecast / Σ actual - 1: +0.05 over-forecasts by 5%. Reported overall and per day
  type (normal, holiday, eve, day_after, event); a day type with no backtested day is ``None``.
- **WAPE by day type**: the interval WAPE of the days of each type, so a holiday or an eve
  forecast badly shows even when normal days dominate the total.
- **coverage** = share of intervals (open ones: forecast or actual above 0) whose actual volume
  lies inside the prediction band; an 80% band should cover about 0.8.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

REPORTED_DAY_TYPES: Final = ("normal", "holiday", "eve", "day_after", "event")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


@dataclass(frozen=True)
class Accuracy:
    """Backtest accuracy of one model on one channel (see the module docstring).

    Attributes:
        model: the model (or ``auto``) evaluated.
        intervals: backtested intervals with a known actual.
        days: backtested (origin, date) days.
        wape_interval: interval-level WAPE over the whole horizon.
        wape_interval_by_week: interval-level WAPE for horizon week 1, 2, ...
        wape_daily: WAPE of daily totals.
        mase: MAE relative to the seasonal naive on the same intervals.
        bias: Σ forecast / Σ actual - 1.
        bias_by_day_type: the same per day type (``None`` where no day of that type was tested).
        wape_by_day_type: interval-level WAPE per day type (``None`` where none was tested).
        days_by_day_type: how many backtested days each day type had.
        coverage: share of open intervals inside the band (``None`` for a model without band).
    """

    model: str
    intervals: int
    days: int
    wape_interval: float
    wape_interval_by_week: tuple[float, ...]
    wape_daily: float
    mase: float
    bias: float
    bias_by_day_type: Mapping[str, float | None]
    wape_by_day_type: Mapping[str, float | None]
    days_by_day_type: Mapping[str, int]
    coverage: float | None


def accuracy(
    records: pd.DataFrame,
    column: str,
    *,
    naive_column: str = "seasonal_naive",
    band_columns: tuple[str, str] | None = None,
    model: str | None = None,
) -> Accuracy:
    """Score the forecasts in ``records[column]`` against ``records["actual"]``.

    Args:
        records: one row per backtested interval with at least ``origin``, ``date``,
            ``horizon_day``, ``day_type``, ``actual``, ``column`` and ``naive_column``.
        column: the forecast to score.
        naive_column: the seasonal naive forecast, the MASE scale.
        band_columns: (low, high) band columns, if the forecast has a band.
        model: label of the result (default ``column``).
    """
    actual = records["actual"].to_numpy(dtype=np.float64)
    forecast = records[column].to_numpy(dtype=np.float64)
    naive = records[naive_column].to_numpy(dtype=np.float64)
    error = np.abs(forecast - actual)
    weeks = (records["horizon_day"].to_numpy(dtype=np.int64) - 1) // 7
    by_week = tuple(
        _ratio(float(error[weeks == week].sum()), float(actual[weeks == week].sum()))
        for week in range(int(weeks.max()) + 1 if weeks.size else 0)
    )
    daily = records.groupby(["origin", "date"], sort=False).agg(
        forecast=(column, "sum"), actual=("actual", "sum"), day_type=("day_type", "first")
    )
    bias_by_type: dict[str, float | None] = {}
    wape_by_type: dict[str, float | None] = {}
    days_by_type: dict[str, int] = {}
    day_types = records["day_type"].to_numpy()
    for day_type in REPORTED_DAY_TYPES:
        of_type = daily[daily["day_type"] == day_type]
        days_by_type[day_type] = len(of_type)
        rows = day_types == day_type
        wape_by_type[day_type] = (
            _ratio(float(error[rows].sum()), float(actual[rows].sum())) if len(of_type) else None
        )
        bias_by_type[day_type] = (
            _ratio(float(of_type["forecast"].sum()), float(of_type["actual"].sum())) - 1.0
            if len(of_type)
            else None
        )
    coverage: float | None = None
    if band_columns is not None:
        low = records[band_columns[0]].to_numpy(dtype=np.float64)
        high = records[band_columns[1]].to_numpy(dtype=np.float64)
        open_intervals = (forecast > 0) | (actual > 0)
        inside = (low <= actual) & (actual <= high)
        coverage = _ratio(float(inside[open_intervals].sum()), float(open_intervals.sum()))
    return Accuracy(
        model=model or column,
        intervals=len(records),
        days=len(daily),
        wape_interval=_ratio(float(error.sum()), float(actual.sum())),
        wape_interval_by_week=by_week,
        wape_daily=_ratio(
            float(np.abs(daily["forecast"] - daily["actual"]).sum()),
            float(daily["actual"].sum()),
        ),
        mase=_ratio(float(error.sum()), float(np.abs(naive - actual).sum())),
        bias=_ratio(float(forecast.sum()), float(actual.sum())) - 1.0,
        bias_by_day_type=bias_by_type,
        wape_by_day_type=wape_by_type,
        days_by_day_type=days_by_type,
        coverage=coverage,
    )
