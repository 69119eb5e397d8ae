"""Top-down model: daily totals from a state-space model, spread by intraday profiles.

The daily total of a channel is modelled on the log scale over the sequence of its open days
(statsmodels ``UnobservedComponents``; Harvey, *Forecasting, Structural Time Series Models and
the Kalman Filter*, 1989)::

    log(1 + total_t) = level_t + weekday effect + day-after effect
                       + month-position terms + noise,      level_t a random walk

- the **level** follows growth and drift without a fixed trend line;
- **weekday effects** are the weekly seasonality (dummies for the open weekdays);
- **day after** is a regressor, so catch-up is estimated jointly with the rest (eves are
  left out of the fit: their level comes from the pooled eve effect and the short day, see
  :mod:`forecast.holiday_kinds`);
- **month position** (two Fourier harmonics of the day of the month) captures pay-day and
  billing cycles: on the bank benchmark the first days of a month run ~10% above mid-month.

Holidays, events and closures are left out of the fit and added back with the learned
:class:`~forecast.effects.SpecialDayEffects`. The total is then spread over the day with the
intraday shares of recent normal days of the same weekday, reshaped for special day
types; the profiles are pooled, smoothed and recency-weighted where a backtest on the last
four weeks says it helps (:mod:`forecast.profiles`). Only the last ``training_days`` of
history are fitted: the weekly and monthly patterns are recent ones, and the fit stays fast.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.statespace.structural import UnobservedComponents

from forecast.daygrid import ChannelHistory, FloatMatrix
from forecast.effects import SpecialDayEffects, apply_special_days, shares_of, window_days
from forecast.errors import InsufficientHistoryError
from forecast.profiles import ProfileMethod, build_chosen_profiles, choose_profile_methods

FloatArray = npt.NDArray[np.float64]
_FITTED_TYPES = ("normal", "day_after")


def _off_duty(dates: pd.DatetimeIndex, effects: SpecialDayEffects) -> npt.NDArray[np.bool_]:
    return np.asarray(
        [effects.roles.off_duty(weekday) for weekday in dates.day_of_week], dtype=bool
    )


@dataclass(frozen=True)
class DailyFit:
    """The daily-total forecast of :meth:`TopDown.daily_totals`.

    Attributes:
        totals: forecast daily total of each requested date (0 on days the team never works).
        variances: the fitted (irregular, level) variances, reusable via ``fixed_variances``.
        regressed: the day types estimated inside the regression (``day_after``).
    """

    totals: FloatArray
    variances: tuple[float, float]
    regressed: frozenset[str]


@dataclass(frozen=True)
class TopDown:
    """Daily totals x intraday profiles (see the module docstring).

    Attributes:
        training_days: calendar days of the most recent history used to fit daily totals.
        month_terms_min_days: history span (days) from which month-position terms are fitted.
        month_harmonics: Fourier harmonics of the position in the month.
        fixed_variances: reuse these (irregular, level) variances instead of maximum likelihood
            (a rolling backtest re-filters quickly with the variances of the latest fit).
        profile_method: how intraday profiles are built (:data:`forecast.profiles.
            PROFILE_METHODS`); ``auto`` picks one per group of weekdays by backtest on the
            last weeks.
    """

    training_days: int = 371
    month_terms_min_days: int = 56
    month_harmonics: int = 2
    fixed_variances: tuple[float, float] | None = None
    profile_method: ProfileMethod | Literal["auto"] = "auto"
    name: ClassVar[str] = "top_down"
    min_history_days: ClassVar[int] = 21

    def __post_init__(self) -> None:
        if self.training_days < 21 or self.month_harmonics < 0:
            raise ValueError("training_days >= 21, month_harmonics >= 0")

    def _exog(
        self, dates: pd.DatetimeIndex, types: npt.NDArray[np.str_], columns: list[str]
    ) -> FloatMatrix:
        weekdays = np.asarray(dates.day_of_week)
        position = (np.asarray(dates.day) - 1) / np.asarray(dates.days_in_month)
        values: list[FloatArray] = []
        for column in columns:
            kind, _, value = column.partition(":")
            if kind == "weekday":
                values.append((weekdays == int(value)).astype(float))
            elif kind == "type":
                values.append((types == value).astype(float))
            else:
                harmonic = int(value[1:])
                trig = np.sin if value[0] == "s" else np.cos
                values.append(trig(2 * np.pi * harmonic * position))
        return np.column_stack(values) if values else np.zeros((len(dates), 0))

    def daily_totals(
        self,
        history: ChannelHistory,
        days: pd.DatetimeIndex,
        effects: SpecialDayEffects | None = None,
    ) -> DailyFit:
        """Forecast the daily total of each of ``days`` (after the history) as a normal day,
        or as a day after where that regressor applies (not on days with a learned
        holiday-window effect, which :func:`~forecast.effects.apply_special_days` applies)."""
        effects = effects or SpecialDayEffects.learn(history)
        open_weekdays = sorted(history.open_weekdays)
        window = slice(max(0, len(history.days) - self.training_days), None)
        dates = history.days[window]
        daily = history.daily_volume[window]
        types = history.day_types_of(dates)
        is_open = np.isin(np.asarray(dates.day_of_week), open_weekdays)
        ordinary = effects.ordinary[window][is_open]
        dates, daily, types = dates[is_open], daily[is_open], types[is_open]
        # A day after on the rest or short day is no catch-up day: left out of the fit.
        off_duty = _off_duty(dates, effects)
        fitted = (
            np.isin(types, _FITTED_TYPES)
            & np.isfinite(daily)
            & ordinary
            & ~((types == "day_after") & off_duty)
        )
        y = np.where(fitted, np.log1p(np.where(fitted, daily, 0.0)), np.nan)
        future = pd.date_range(history.days[-1] + pd.Timedelta(days=1), days[-1], freq="D")
        future = future[np.isin(np.asarray(future.day_of_week), open_weekdays)]
        future_types = np.where(
            window_days(history, future, effects) | _off_duty(future, effects),
            "normal",
            history.day_types_of(future),
        )
        columns = [f"weekday:{weekday}" for weekday in open_weekdays[1:]]
        regressed = frozenset(t for t in ("day_after",) if (fitted & (types == t)).any())
        columns += [f"type:{t}" for t in sorted(regressed)]
        span_days = (dates[fitted][-1] - dates[fitted][0]).days if fitted.any() else 0
        if span_days >= self.month_terms_min_days:
            for harmonic in range(1, self.month_harmonics + 1):
                columns += [f"month:s{harmonic}", f"month:c{harmonic}"]
        if fitted.sum() < len(columns) + 10:
            raise InsufficientHistoryError(
                f"channel {history.channel!r}: {int(fitted.sum())} usable days are too few for "
                "the top-down model; give at least three weeks of history or use --model auto"
            )
        model = UnobservedComponents(
            y, level="llevel", exog=self._exog(dates, types, columns), mle_regression=False
        )
        with warnings.catch_warnings():
            # Short or flat series can stop the optimiser early; the fit is still usable and
            # the rolling backtest judges it.
            warnings.simplefilter("ignore", ConvergenceWarning)
            if self.fixed_variances is None:
                result = model.fit(disp=False)
            else:
                result = model.filter(np.asarray(self.fixed_variances))
        predicted = (
            np.expm1(result.forecast(len(future), exog=self._exog(future, future_types, columns)))
            if len(future)
            else np.zeros(0)
        )
        by_date = pd.Series(np.clip(predicted, 0.0, None), index=future)
        totals = by_date.reindex(days).fillna(0.0).to_numpy(dtype=np.float64)
        params = np.asarray(result.params, dtype=np.float64)
        return DailyFit(totals, (float(params[0]), float(params[1])), regressed)

    def profiles(self, history: ChannelHistory, effects: SpecialDayEffects) -> FloatMatrix:
        """(7, slots) intraday shares per weekday from the normal observed days of that weekday
        (any observed day if it has no normal one), by the method ``profile_method`` names;
        ``auto`` picks it by backtest (see :mod:`forecast.profiles`)."""
        shares = shares_of(history.volume)
        has_volume = np.nansum(history.volume, axis=1) > 0
        normal = (history.day_types_of(history.days) == "normal") & effects.ordinary
        usable = has_volume & normal
        weekdays = history.weekdays
        if self.profile_method == "auto":
            methods = choose_profile_methods(
                shares, history.volume, weekdays, usable, has_volume, effects.roles
            )
        else:
            methods = (self.profile_method,) * 7
        return build_chosen_profiles(shares, weekdays, usable, has_volume, effects.roles, methods)

    def predict(self, history: ChannelHistory, days: pd.DatetimeIndex) -> FloatMatrix:
        """Forecast ``days`` (dates after the history) as a ``(days, slots)`` matrix."""
        effects = SpecialDayEffects.learn(history)
        fit = self.daily_totals(history, days, effects)
        profiles = self.profiles(history, effects)
        forecast = fit.totals[:, None] * profiles[np.asarray(days.day_of_week)]
        return apply_special_days(
            history, days, forecast, fit.totals, profiles, effects, regressed=fit.regressed
        )
