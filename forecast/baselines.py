"""Simple models: same slot last week, and the average of the last N same weekdays.

They are what the commercial tools default to (Zendesk and Assembled use an 8-week average),
and Taylor (2008) found a plain historical average hard to beat beyond two or three days
ahead, so they are honest baselines and real candidates. Both predict a ``(days, slots)``
matrix from a :class:`~forecast.daygrid.ChannelHistory`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.daygrid import ChannelHistory, FloatMatrix
from forecast.effects import SpecialDayEffects, apply_special_days, apply_user_days, shares_of


def _observed_rows(history: ChannelHistory) -> npt.NDArray[np.bool_]:
    """Days whose open intervals are all known (a day with a gap is no reference)."""
    return np.asarray(np.isfinite(history.daily_volume), dtype=np.bool_)


@dataclass(frozen=True)
class SeasonalNaive:
    """Each slot as it was on the most recent observed day of the same weekday.

    User special days still apply (closed → 0, a given multiplier scales the day); public
    holidays do not: this is the plain benchmark every other model is scaled against (MASE).
    """

    name: ClassVar[str] = "seasonal_naive"
    min_history_days: ClassVar[int] = 7

    def predict(self, history: ChannelHistory, days: pd.DatetimeIndex) -> FloatMatrix:
        """Forecast ``days`` (dates after the history) as a ``(days, slots)`` matrix."""
        observed = _observed_rows(history)
        weekdays = history.weekdays
        last_of_weekday = np.zeros((7, history.slots_per_day))
        for weekday in range(7):
            rows = np.flatnonzero(observed & (weekdays == weekday))
            if rows.size:
                last_of_weekday[weekday] = np.nan_to_num(history.volume[rows[-1]])
        forecast = last_of_weekday[np.asarray(days.day_of_week)]
        return apply_user_days(history, days, forecast)


@dataclass(frozen=True)
class WeekdayAverage:
    """Each slot as the mean (or median) of the last ``n_weeks`` observed same weekdays.

    Attributes:
        n_weeks: how many past same weekdays to average.
        statistic: ``mean`` (the industry default) or ``median`` (robust to one odd day).
        calendar_aware: leave special days (holidays, eves, days after, events, closures) out of
            the reference, and forecast special days with the learned
            :class:`~forecast.effects.SpecialDayEffects`. ``False`` gives the plain baseline.
    """

    n_weeks: int = 4
    statistic: Literal["mean", "median"] = "mean"
    calendar_aware: bool = True
    name: ClassVar[str] = "weekday_average"
    min_history_days: ClassVar[int] = 7

    def __post_init__(self) -> None:
        if self.n_weeks < 1:
            raise ValueError(f"n_weeks must be at least 1, got {self.n_weeks}")

    def weekday_rows(
        self, history: ChannelHistory, effects: SpecialDayEffects | None = None
    ) -> FloatMatrix:
        """(7, slots): the averaged reference day of each weekday (0 where never observed).

        With ``effects`` (calendar-aware), only normal days outside learned holiday windows
        are averaged."""
        observed = _observed_rows(history)
        weekdays = history.weekdays
        normal = history.day_types_of(history.days) == "normal"
        if effects is not None:
            normal &= effects.ordinary
        average = np.nanmedian if self.statistic == "median" else np.nanmean
        rows_by_weekday = np.zeros((7, history.slots_per_day))
        for weekday in range(7):
            candidates = observed & (weekdays == weekday)
            if effects is not None and (candidates & normal).any():
                candidates &= normal
            rows = np.flatnonzero(candidates)[-self.n_weeks :]
            if rows.size:
                with warnings.catch_warnings():
                    # A slot missing on every reference day is all-NaN: it becomes 0 below.
                    warnings.simplefilter("ignore", RuntimeWarning)
                    rows_by_weekday[weekday] = np.nan_to_num(average(history.volume[rows], axis=0))
        return rows_by_weekday

    def predict(self, history: ChannelHistory, days: pd.DatetimeIndex) -> FloatMatrix:
        """Forecast ``days`` (dates after the history) as a ``(days, slots)`` matrix."""
        if not self.calendar_aware:
            forecast = self.weekday_rows(history)[np.asarray(days.day_of_week)]
            return apply_user_days(history, days, forecast)
        effects = SpecialDayEffects.learn(history)
        reference = self.weekday_rows(history, effects)
        weekdays = np.asarray(days.day_of_week)
        return apply_special_days(
            history,
            days,
            reference[weekdays],
            reference.sum(axis=1)[weekdays],
            shares_of(reference),
            effects,
        )
