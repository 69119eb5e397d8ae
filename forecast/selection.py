"""Candidate models and the automatic "best pick" per channel by rolling-origin backtest.

Like Genesys' *Automatic Best Method* and NICE's *Best Pick*, every candidate is re-fitted at
several weekly forecast origins in the channel's own recent history, forecasts the same horizon
as the real forecast, and the one with the lowest interval-level WAPE wins (ties go to the
simpler model, in the order of :data:`CANDIDATE_NAMES`). A candidate competes only if every
backtest origin gives it enough history, so with two or three weeks of history the selection
falls back to the simple methods. The winner's backtest errors calibrate its prediction band.

``combined`` is the mean of ``top_down`` and ``weekday_average`` (combinations of simple
methods were the main lesson of the M4 competition).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal, Protocol, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.baselines import SeasonalNaive, WeekdayAverage
from forecast.daygrid import ChannelHistory, FloatMatrix
from forecast.errors import InsufficientHistoryError
from forecast.topdown import TopDown

ModelName = Literal["auto", "seasonal_naive", "weekday_average", "top_down", "combined"]
MODEL_NAMES: Final[tuple[ModelName, ...]] = get_args(ModelName)
CANDIDATE_NAMES: Final = ("seasonal_naive", "weekday_average", "top_down", "combined")
COMBINED_MEMBERS: Final = ("top_down", "weekday_average")
MIN_HISTORY_DAYS: Final = {
    "seasonal_naive": 7,
    "weekday_average": 7,
    "top_down": 21,
    "combined": 21,
}


class VolumeModel(Protocol):
    """What every candidate model offers."""

    @property
    def name(self) -> str: ...
    def predict(self, history: ChannelHistory, days: pd.DatetimeIndex) -> FloatMatrix: ...


def base_models(history: ChannelHistory, days: pd.DatetimeIndex) -> dict[str, VolumeModel]:
    """The candidate models, with the top-down variances fitted once on the whole ``history``
    (re-fitting at every backtest origin would only re-filter with them anyway)."""
    models: dict[str, VolumeModel] = {
        "seasonal_naive": SeasonalNaive(),
        "weekday_average": WeekdayAverage(),
    }
    if _history_days(history) >= MIN_HISTORY_DAYS["top_down"]:
        top_down = TopDown()
        try:
            variances = top_down.daily_totals(history, days).variances
        except InsufficientHistoryError:
            return models
        models["top_down"] = replace(top_down, fixed_variances=variances)
    return models


def predict_named(
    name: str, models: Mapping[str, VolumeModel], history: ChannelHistory, days: pd.DatetimeIndex
) -> FloatMatrix:
    """Forecast with a candidate by name (``combined`` averages its members)."""
    if name == "combined":
        members = [models[member].predict(history, days) for member in COMBINED_MEMBERS]
        combined: FloatMatrix = np.mean(members, axis=0)
        return combined
    return models[name].predict(history, days)


def _history_days(history: ChannelHistory) -> int:
    observed = np.flatnonzero(~np.isnan(history.volume).all(axis=1))
    return int(observed[-1] - observed[0] + 1) if observed.size else 0


def weekly_origins(
    history: ChannelHistory, horizon_days: int, count: int, min_history_days: int
) -> list[pd.Timestamp]:
    """Up to ``count`` forecast origins a week apart, the latest leaving a full horizon of
    history after it, each with at least ``min_history_days`` of history before it; oldest
    first."""
    observed = np.flatnonzero(~np.isnan(history.volume).all(axis=1))
    if not observed.size:
        return []
    first, last = history.days[observed[0]], history.days[observed[-1]]
    origin = last + pd.Timedelta(days=1 - horizon_days)
    origins: list[pd.Timestamp] = []
    while len(origins) < count and (origin - first).days >= min_history_days:
        origins.append(origin)
        origin -= pd.Timedelta(days=7)
    return origins[::-1]


def _backtest_forecasts(
    names: Sequence[str],
    models: Mapping[str, VolumeModel],
    train: ChannelHistory,
    days: pd.DatetimeIndex,
) -> dict[str, FloatMatrix]:
    """Each candidate's forecast from one origin; candidates that cannot forecast are left out
    (and so is ``combined`` if one of its members is)."""
    computed: dict[str, FloatMatrix | None] = {}

    def forecast(name: str) -> FloatMatrix | None:
        if name not in computed:
            if name == "combined":
                members = [forecast(member) for member in COMBINED_MEMBERS]
                computed[name] = (
                    None
                    if any(member is None for member in members)
                    else np.mean([m for m in members if m is not None], axis=0)
                )
            else:
                try:
                    computed[name] = models[name].predict(train, days)
                except InsufficientHistoryError:
                    computed[name] = None
        return computed[name]

    results = {name: forecast(name) for name in names}
    return {name: result for name, result in results.items() if result is not None}


@dataclass(frozen=True)
class Selection:
    """The outcome of a rolling-origin selection for one channel.

    Attributes:
        model: the chosen candidate.
        wape: backtest interval WAPE of every candidate that competed.
        forecast: the chosen model's backtest forecasts (flat, one per backtested interval).
        actual: the matching actual volumes.
        horizon_day: the matching horizons (1 = the day of the origin).
        origins: how many backtest origins the errors come from.
    """

    model: str
    wape: Mapping[str, float]
    forecast: npt.NDArray[np.float64]
    actual: npt.NDArray[np.float64]
    horizon_day: npt.NDArray[np.int64]
    origins: int


def select_model(
    history: ChannelHistory,
    models: Mapping[str, VolumeModel],
    *,
    horizon_days: int,
    origins: int,
    candidates: Sequence[str] = CANDIDATE_NAMES,
) -> Selection | None:
    """Backtest ``candidates`` at weekly origins and pick the lowest interval WAPE.

    Returns:
        ``None`` when the history is too short for even one backtest origin.
    """
    available = [
        name
        for name in candidates
        if all(member in models for member in (COMBINED_MEMBERS if name == "combined" else [name]))
    ]
    thresholds = sorted({MIN_HISTORY_DAYS[name] for name in available}, reverse=True)
    chosen_origins: list[pd.Timestamp] = []
    for threshold in thresholds:
        chosen_origins = weekly_origins(history, horizon_days, origins, threshold)
        if len(chosen_origins) >= min(2, origins) or threshold == thresholds[-1]:
            available = [name for name in available if MIN_HISTORY_DAYS[name] <= threshold]
            break
    if not chosen_origins or not available:
        return None
    forecasts: dict[str, list[FloatMatrix]] = {name: [] for name in available}
    actuals: list[FloatMatrix] = []
    horizons: list[npt.NDArray[np.int64]] = []
    for origin in chosen_origins:
        days = pd.date_range(origin, periods=horizon_days, freq="D")
        train = history.before(origin)
        rows = history.days.get_indexer(days)
        actual = np.full((horizon_days, history.slots_per_day), np.nan)
        actual[rows >= 0] = history.volume[rows[rows >= 0]]
        actuals.append(actual)
        horizons.append(np.repeat(np.arange(1, horizon_days + 1), history.slots_per_day))
        for name, forecast in _backtest_forecasts(available, models, train, days).items():
            forecasts[name].append(forecast)
    # A candidate that could not forecast from some origin (too few usable days) drops out.
    available = [name for name in available if len(forecasts[name]) == len(chosen_origins)]
    actual_flat = np.concatenate([a.ravel() for a in actuals])
    horizon_flat = np.concatenate(horizons)
    known = np.isfinite(actual_flat)
    total = actual_flat[known].sum()
    wape: dict[str, float] = {}
    for name in available:
        flat = np.concatenate([f.ravel() for f in forecasts[name]])
        error = np.abs(flat[known] - actual_flat[known]).sum()
        wape[name] = float(error / total) if total > 0 else float(error)
    best = min(available, key=lambda name: (round(wape[name], 12), available.index(name)))
    best_flat = np.concatenate([f.ravel() for f in forecasts[best]])
    return Selection(
        best,
        wape,
        best_flat[known],
        actual_flat[known],
        horizon_flat[known],
        len(chosen_origins),
    )
