"""Rolling-origin backtest of the whole forecast, next to the plain baselines.

At each weekly origin the history after it is hidden and :func:`forecast_channel` runs exactly
as it would in production (including its own model selection and band calibration on the
history before the origin), then the forecast is compared with what happened. Two plain
baselines are scored on the same intervals: the seasonal naive (same slot last week) and the
mean of the last four same weekdays, without any holiday handling — what a spreadsheet does.

The report gives WAPE and bias per day type, and flags every holiday in a backtested window
that the history before its origin had never shown, with the assumption the forecast used
(the pooled effect of its kind or the calendar prior, see :mod:`forecast.holiday_kinds`) and
how that day came out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from forecast.accuracy import Accuracy, accuracy
from forecast.baselines import SeasonalNaive, WeekdayAverage
from forecast.calendar import Calendar
from forecast.daygrid import ChannelHistory, HistoryLike, channel_histories
from forecast.errors import InsufficientHistoryError
from forecast.forecaster import Progress, forecast_channel
from forecast.selection import MIN_HISTORY_DAYS, ModelName, VolumeModel, weekly_origins

BASELINES: Mapping[str, VolumeModel] = {
    "seasonal_naive": SeasonalNaive(),
    "weekday_average_plain": WeekdayAverage(n_weeks=4, statistic="mean", calendar_aware=False),
}


@dataclass(frozen=True)
class FlaggedHoliday:
    """A holiday the history before a backtest origin had never shown.

    Attributes:
        origin: the backtest origin whose window held it.
        date: the holiday.
        name: its name.
        assumption: how it was forecast (pooled effect of its kind or the calendar prior).
        forecast: the forecast daily total.
        actual: the actual daily total (``None`` if the day has a gap).
    """

    origin: dt.date
    date: dt.date
    name: str
    assumption: str
    forecast: float
    actual: float | None


def backtest_records(
    history: ChannelHistory,
    origins: list[pd.Timestamp],
    *,
    horizon_days: int,
    model: ModelName = "auto",
    flags: list[FlaggedHoliday] | None = None,
) -> pd.DataFrame:
    """Forecast from each origin and line the forecasts up with the actual volumes.

    Returns:
        One row per backtested interval of a day without gaps: ``origin``, ``date``, ``slot``,
        ``horizon_day`` (1 = the origin's date), ``day_type``, ``actual``, ``forecast``,
        ``volume_low``, ``volume_high``, ``model`` (the one used at that origin) and one column
        per baseline in :data:`BASELINES`. Holidays the forecast had never seen are
        appended to ``flags`` when it is given.
    """
    pieces: list[pd.DataFrame] = []
    slots = history.slots_per_day
    for origin in origins:
        days = pd.date_range(origin, periods=horizon_days, freq="D")
        train = history.before(origin)
        result = forecast_channel(train, days, model=model)
        rows = history.days.get_indexer(days)
        actual = np.full((horizon_days, slots), np.nan)
        actual[rows >= 0] = history.volume[rows[rows >= 0]]
        # A day with a gap is not scored at all (its daily total is unknown).
        complete = np.zeros(horizon_days, dtype=bool)
        complete[rows >= 0] = np.isfinite(history.daily_volume[rows[rows >= 0]])
        actual[~complete] = np.nan
        if flags is not None:
            for holiday in result.unseen_holidays:
                row = days.get_loc(pd.Timestamp(holiday.date))
                known = bool(complete[row])
                flags.append(
                    FlaggedHoliday(
                        origin.date(),
                        holiday.date,
                        holiday.name,
                        holiday.assumption,
                        float(result.volume[row].sum()),
                        float(np.nansum(actual[row])) if known else None,
                    )
                )
        columns = {
            "origin": origin,
            "date": np.repeat(days, slots),
            "slot": np.tile(np.arange(slots), horizon_days),
            "horizon_day": np.repeat(np.arange(1, horizon_days + 1), slots),
            "day_type": np.repeat(history.day_types_of(days), slots),
            "actual": actual.ravel(),
            "forecast": result.volume.ravel(),
            "volume_low": result.volume_low.ravel(),
            "volume_high": result.volume_high.ravel(),
            "model": result.model,
        }
        for name, baseline in BASELINES.items():
            columns[name] = baseline.predict(train, days).ravel()
        frame = pd.DataFrame(columns)
        pieces.append(frame[np.isfinite(frame["actual"])])
    return pd.concat(pieces, ignore_index=True)


@dataclass(frozen=True)
class ChannelAccuracy:
    """The backtest of one channel.

    Attributes:
        channel: the queue name.
        origins: the forecast origins (dates), oldest first.
        horizon_days: days forecast from each origin.
        models_used: how many origins used each model (``auto`` may switch between origins).
        results: the evaluated forecast first, then the plain baselines.
        unseen_holidays: holidays in the backtested windows that the history before their
            origin had never shown, with the assumption used and how they came out.
    """

    channel: str
    origins: tuple[dt.date, ...]
    horizon_days: int
    models_used: Mapping[str, int]
    results: tuple[Accuracy, ...]
    unseen_holidays: tuple[FlaggedHoliday, ...] = ()


@dataclass(frozen=True)
class AccuracyReport:
    """Backtest accuracy of every channel, with the band's nominal quantiles."""

    model: str
    interval_minutes: int
    band_quantiles: tuple[float, float]
    channels: tuple[ChannelAccuracy, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (dates as ISO strings, NaN as ``None``)."""

        def clean(value: object) -> object:
            if isinstance(value, float):
                return None if np.isnan(value) else round(value, 6)
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {str(key): clean(item) for key, item in value.items()}
            if isinstance(value, list | tuple):
                return [clean(item) for item in value]
            return value

        cleaned = clean(asdict(self))
        assert isinstance(cleaned, dict)
        return cleaned


def channel_accuracy(
    history: ChannelHistory,
    records: pd.DataFrame,
    horizon_days: int,
    model: str,
    flags: tuple[FlaggedHoliday, ...] = (),
) -> ChannelAccuracy:
    """Score backtest records of one channel (see :func:`backtest_records`)."""
    results = [
        accuracy(records, "forecast", band_columns=("volume_low", "volume_high"), model=model)
    ]
    results += [accuracy(records, name) for name in BASELINES]
    used = Counter(records.drop_duplicates("origin")["model"])
    return ChannelAccuracy(
        channel=history.channel,
        origins=tuple(pd.Timestamp(o).date() for o in records["origin"].unique()),
        horizon_days=horizon_days,
        models_used=dict(sorted(used.items())),
        results=tuple(results),
        unseen_holidays=flags,
    )


def backtest(
    history: HistoryLike,
    *,
    calendar: Calendar | None = None,
    model: ModelName = "auto",
    horizon_days: int = 14,
    origins: int = 8,
    on_progress: Progress | None = None,
) -> AccuracyReport:
    """Backtest the forecast on the latest ``origins`` weeks of each channel's history.

    Args:
        history: the parsed history.
        calendar: public holidays and special days.
        model: as for :func:`forecast.forecaster.forecast_workload`.
        horizon_days: days forecast from each origin.
        origins: number of weekly origins (the latest ends with the history).
        on_progress: called with (origins done, origins total) over all channels.

    Raises:
        InsufficientHistoryError: when a channel's history cannot hold one origin with two
            weeks of history before it and a full horizon after it.
    """
    if horizon_days < 1 or origins < 1:
        raise InsufficientHistoryError("horizon_days and origins must be at least 1")
    histories = channel_histories(history, calendar or Calendar())
    min_days = max(14, MIN_HISTORY_DAYS["seasonal_naive"])
    plan = {
        name: weekly_origins(channel, horizon_days, origins, min_days)
        for name, channel in histories.items()
    }
    for name, found in plan.items():
        if not found:
            raise InsufficientHistoryError(
                f"channel {name!r}: too little history to backtest a {horizon_days}-day horizon; "
                f"it needs two weeks of history plus {horizon_days} days to compare against"
            )
    total = sum(len(found) for found in plan.values())
    done = 0
    channels: list[ChannelAccuracy] = []
    for name, channel in histories.items():
        pieces = []
        flags: list[FlaggedHoliday] = []
        for origin in plan[name]:
            pieces.append(
                backtest_records(
                    channel, [origin], horizon_days=horizon_days, model=model, flags=flags
                )
            )
            done += 1
            if on_progress is not None:
                on_progress(done, total)
        records = pd.concat(pieces, ignore_index=True)
        channels.append(channel_accuracy(channel, records, horizon_days, model, tuple(flags)))
    return AccuracyReport(
        model=model,
        interval_minutes=history.interval_minutes,
        band_quantiles=(0.1, 0.9),
        channels=tuple(channels),
    )
