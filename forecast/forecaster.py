"""The forecast: volume, prediction band and AHT per channel x interval, as a workload table.

For each channel: pick the model (by rolling-origin backtest unless the user chose one),
calibrate the band on that model's backtest errors, forecast volume and AHT, and lay the
result out as the workload table of :mod:`scheduler.workload` (``interval_start``,
``channel``, ``volume``, ``volume_low``, ``volume_high``, ``aht_seconds``). The same input
always gives the same output: no randomness, and ties are broken by a fixed order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecast.aht import forecast_aht
from forecast.calendar import Calendar
from forecast.daygrid import (
    ChannelHistory,
    FloatMatrix,
    HistoryLike,
    channel_histories,
    intervals_of_days,
)
from forecast.effects import UnseenHoliday, special_day_notes
from forecast.errors import ForecastError, InsufficientHistoryError
from forecast.intervals import BandCalibration, calibrate_band
from forecast.outliers import isolated_unusual_days
from forecast.selection import (
    COMBINED_MEMBERS,
    MIN_HISTORY_DAYS,
    ModelName,
    Selection,
    base_models,
    predict_named,
    select_model,
)
from forecast.sun_time import SunTime

Progress = Callable[[int, int], None]
WORKLOAD_COLUMNS = (
    "interval_start",
    "channel",
    "volume",
    "volume_low",
    "volume_high",
    "aht_seconds",
)
MAX_FORECAST_DAYS = 366
MAX_LEAD_DAYS = 366  # the first forecast day at most a year after the history's last day


@dataclass(frozen=True, eq=False)
class ChannelForecast:
    """One channel's forecast as day x slot matrices.

    Attributes:
        channel: the queue name.
        model: the model that produced it.
        days: the forecast dates (rows).
        volume: expected contacts per slot.
        volume_low: lower band (``band.low_quantile``).
        volume_high: upper band (``band.high_quantile``).
        aht_seconds: forecast handle time (NaN if the history has none).
        selection_wape: backtest interval WAPE of each candidate (empty without a backtest).
        band: how the band was calibrated.
        notes: sentences for the user where the forecast had to guess.
        unseen_holidays: holidays in the window the history has never shown, with the
            assumption used for each.
    """

    channel: str
    model: str
    days: pd.DatetimeIndex
    volume: FloatMatrix
    volume_low: FloatMatrix
    volume_high: FloatMatrix
    aht_seconds: FloatMatrix
    selection_wape: Mapping[str, float]
    band: BandCalibration
    notes: tuple[str, ...]
    unseen_holidays: tuple[UnseenHoliday, ...] = ()


_SHOWN_DAYS = 10


def _span_days(history: ChannelHistory) -> int:
    observed = np.flatnonzero(~np.isnan(history.volume).all(axis=1))
    return int(observed[-1] - observed[0] + 1) if observed.size else 0


def _require_history(history: ChannelHistory) -> None:
    """Refuse a channel with less than a week of history."""
    span_days = _span_days(history)
    if span_days < MIN_HISTORY_DAYS["seasonal_naive"]:
        raise InsufficientHistoryError(
            f"channel {history.channel!r}: {span_days} day(s) of history; at least 7 days are "
            "needed to forecast (two weeks or more to choose a model by backtest)"
        )


def _band(
    selection: Selection | None, low_quantile: float, high_quantile: float
) -> BandCalibration:
    """The prediction band, calibrated on the chosen model's backtest errors where there is
    a backtest (Poisson noise alone otherwise)."""
    if selection is None:
        return BandCalibration(low_quantile, high_quantile, "poisson")
    return calibrate_band(
        selection.forecast,
        selection.actual,
        selection.horizon_day,
        origins=selection.origins,
        low_quantile=low_quantile,
        high_quantile=high_quantile,
    )


def _without_unusual_days(history: ChannelHistory) -> tuple[ChannelHistory, pd.DatetimeIndex]:
    """The history with its isolated unusual normal days blanked (see
    :func:`forecast.outliers.isolated_unusual_days`), and those days."""
    info = history.day_info.reindex(history.days)
    normal = info["day_type"].fillna("normal") == "normal"
    if "window" in info:
        normal &= info["window"].fillna("") == ""
    left_out = isolated_unusual_days(
        history.daily_volume, history.days, normal.to_numpy(dtype=bool)
    )
    if not left_out.any():
        return history, pd.DatetimeIndex([])
    volume = history.volume.copy()
    volume[left_out] = np.nan
    return replace(history, volume=volume), history.days[left_out]


def forecast_channel(
    history: ChannelHistory,
    days: pd.DatetimeIndex,
    *,
    model: ModelName = "auto",
    selection_origins: int = 10,
    low_quantile: float = 0.1,
    high_quantile: float = 0.9,
) -> ChannelForecast:
    """Forecast one channel for ``days`` (dates after its history).

    Args:
        history: the channel's history (everything before ``days[0]``).
        days: consecutive dates to forecast.
        model: ``auto`` picks by backtest; a name forces that model.
        selection_origins: weekly backtest origins used for selection and band calibration.
        low_quantile: lower band quantile.
        high_quantile: upper band quantile.

    Raises:
        InsufficientHistoryError: less than a week of history, or too little for ``model``.
    """
    _require_history(history)
    # Days that reopen at dusk are modelled on standard time (see forecast.sun_time).
    sun = SunTime.of(history)
    aligned, left_out = _without_unusual_days(sun.to_standard_time(history))
    span = pd.date_range(history.days[-1] + pd.Timedelta(days=1), days[-1], freq="D")
    models = base_models(aligned, span)
    needed = COMBINED_MEMBERS if model == "combined" else (model,)
    if model != "auto" and not all(name in models for name in needed):
        raise InsufficientHistoryError(
            f"channel {history.channel!r}: the {model} model needs at least "
            f"{MIN_HISTORY_DAYS[model]} days of history with enough complete days; this channel "
            f"has {_span_days(history)}. Use --model auto to fall back to simpler methods"
        )
    selection: Selection | None = select_model(
        aligned,
        models,
        horizon_days=max(7, len(span)),
        origins=selection_origins,
        candidates=(model,) if model != "auto" else (*models, "combined"),
    )
    chosen = selection.model if selection is not None else model
    if chosen == "auto":
        chosen = "seasonal_naive"
    band = _band(selection, low_quantile, high_quantile)
    volume = predict_named(chosen, models, aligned, span)[-len(days) :]
    volume = np.clip(np.nan_to_num(volume), 0.0, None)
    horizon = (days - history.days[-1]).days.to_numpy(dtype=np.int64)
    low, high = band.band(volume.ravel(), np.repeat(horizon, volume.shape[1]))
    volume, low, high = (
        sun.to_clock_time(history, days, matrix.reshape(volume.shape))
        for matrix in (volume, low, high)
    )
    notes, unseen = special_day_notes(history, days)
    if len(left_out):
        shown = ", ".join(day.date().isoformat() for day in left_out[:_SHOWN_DAYS])
        more = f" and {len(left_out) - _SHOWN_DAYS} more" if len(left_out) > _SHOWN_DAYS else ""
        notes.append(
            f"channel {history.channel!r}: {len(left_out)} unusual day(s) left out of the fit "
            f"as an outage or a one-off spike (far from the same weekday around them, usual "
            f"days on both sides): {shown}{more}"
        )
    if band.method == "poisson":
        notes.append(
            f"channel {history.channel!r}: too little history to calibrate the prediction band "
            "on a backtest; it shows Poisson noise only and understates the uncertainty"
        )
    return ChannelForecast(
        channel=history.channel,
        model=chosen,
        days=days,
        volume=volume,
        volume_low=low,
        volume_high=high,
        aht_seconds=forecast_aht(history, days),
        selection_wape=dict(selection.wape) if selection is not None else {},
        band=band,
        notes=tuple(notes),
        unseen_holidays=tuple(unseen),
    )


@dataclass(frozen=True, eq=False)
class WorkloadForecast:
    """The forecast of every channel.

    Attributes:
        workload: the table of :mod:`scheduler.workload`: ``interval_start`` (aware, in the
            history's timezone), ``channel``, ``volume``, ``volume_low``, ``volume_high``,
            ``aht_seconds``; sorted by channel and interval.
        channels: per-channel detail (model, selection scores, band, notes).
    """

    workload: pd.DataFrame
    channels: tuple[ChannelForecast, ...]


def workload_table(forecasts: tuple[ChannelForecast, ...], timezone: str) -> pd.DataFrame:
    """Lay channel forecasts out as one row per real interval (DST-aware) and channel."""
    pieces: list[pd.DataFrame] = []
    for item in forecasts:
        starts, rows, slots = intervals_of_days(item.days, 1440 // item.volume.shape[1], timezone)
        pieces.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "channel": item.channel,
                    "volume": item.volume[rows, slots],
                    "volume_low": item.volume_low[rows, slots],
                    "volume_high": item.volume_high[rows, slots],
                    "aht_seconds": item.aht_seconds[rows, slots],
                }
            )
        )
    if not pieces:
        return pd.DataFrame(columns=list(WORKLOAD_COLUMNS))
    return pd.concat(pieces, ignore_index=True)


def _check_start(history: HistoryLike, start: dt.date) -> None:
    """Refuse a first forecast day with no history before it, or more than
    :data:`MAX_LEAD_DAYS` after the history's last day (the level and the calendar would be
    guesses, and a date near the year 1 or 9999 is past what the arithmetic holds)."""
    starts = history.frame["interval_start"]
    if starts.empty:
        return  # channel_histories names the empty history
    local = starts.agg(["min", "max"]).dt.tz_convert(history.timezone)
    first, last = local.iloc[0].date(), local.iloc[1].date()
    if start <= first:
        raise ForecastError(
            f"the forecast start {start} is not after the history's first day ({first}): there "
            "is no history before it to forecast from; start after the history begins"
        )
    if (start - last).days > MAX_LEAD_DAYS:
        raise ForecastError(
            f"the forecast start {start} is {(start - last).days:,} days after the history's "
            f"last day ({last}), more than the limit of {MAX_LEAD_DAYS} days; upload recent "
            "history or start the forecast sooner"
        )


def forecast_workload(
    history: HistoryLike,
    *,
    start: dt.date,
    days: int,
    calendar: Calendar | None = None,
    model: ModelName = "auto",
    on_progress: Progress | None = None,
) -> WorkloadForecast:
    """Forecast every channel of ``history`` for ``days`` days from ``start``.

    History on or after ``start`` is ignored.

    Args:
        history: the parsed history.
        start: first forecast date (local).
        days: number of days to forecast (1 to 366).
        calendar: public holidays and special days (none if omitted).
        model: ``auto`` (per-channel selection by backtest) or a model name.
        on_progress: called with (channels done, channels total).

    Raises:
        ForecastError: bad arguments, or too little history (see :func:`forecast_channel`).
    """
    if not 1 <= days <= MAX_FORECAST_DAYS:
        raise ForecastError(f"days must be between 1 and {MAX_FORECAST_DAYS}, got {days}")
    _check_start(history, start)
    forecast_days = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    histories = channel_histories(
        history,
        calendar or Calendar(),
        until=start,
        horizon_end=forecast_days[-1].date(),
    )
    results: list[ChannelForecast] = []
    for done, channel_history in enumerate(histories.values(), start=1):
        results.append(forecast_channel(channel_history, forecast_days, model=model))
        if on_progress is not None:
            on_progress(done, len(histories))
    channels = tuple(results)
    return WorkloadForecast(workload_table(channels, history.timezone), channels)
