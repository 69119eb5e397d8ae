"""What holidays, eves, days after and events do to a channel, learned from its own history.

Every special day in the history is compared with the *normal* days of the same weekday around
it (up to three weeks either side): its **ratio** is its daily total over their median, and its
**shape** is its intraday share per slot over their mean share. The forecast re-applies them:

- a holiday or event seen before (same name, e.g. ``Thanksgiving Day`` last year) gets the mean
  ratio and shape of its past occurrences — the "same holiday last year, relative to the weeks
  around it" rule of the commercial tools;
- a holiday never seen before is forecast like the channel's **quietest open weekday** (volume
  and intraday profile), since a holiday usually looks like the quiet end of the week;
- eves and days after (catch-up) get the mean ratio and shape of all past eves / days after;
- a multiplier the user gave always wins; ``closed`` days are 0.

Shapes are shrunk towards "no change" by ``n / (n + 1)`` for ``n`` past occurrences, so one odd
day cannot redraw the intraday curve on its own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.calendar import WEEKDAY_NAMES, holiday_key
from forecast.daygrid import ChannelHistory, FloatMatrix

FloatArray = npt.NDArray[np.float64]
_REFERENCE_WEEKS: Final = 3
_TYPICAL_WEEKS: Final = 8


@dataclass(frozen=True)
class DayAdjustment:
    """How a special day differs from a normal day of its weekday.

    Attributes:
        multiplier: daily volume relative to a normal day of the date's own weekday.
        profile_weekday: whose normal intraday profile to start from (0 = Monday).
        shape: per-slot factor applied to that profile before renormalising, or ``None``.
        note: a sentence for the user when the forecast had to guess.
    """

    multiplier: float
    profile_weekday: int
    shape: FloatArray | None = None
    note: str | None = None


def shares_of(volume: FloatMatrix) -> FloatMatrix:
    """Each row divided by its total (NaN counted as 0); all-zero rows stay 0."""
    filled = np.nan_to_num(volume)
    totals = filled.sum(axis=1, keepdims=True)
    shares: FloatMatrix = np.divide(filled, totals, out=np.zeros_like(filled), where=totals > 0)
    return shares


@dataclass(frozen=True, eq=False)
class SpecialDayEffects:
    """Ratios and intraday shapes of a channel's special days (see the module docstring).

    Attributes:
        named_ratios: holiday or event key (:func:`forecast.calendar.holiday_key`) → mean ratio.
        named_shapes: same keys → per-slot shape factor (already shrunk).
        neighbour_ratios: ``eve`` / ``day_after`` → mean ratio over all past occurrences.
        neighbour_shapes: same keys → per-slot shape factor (already shrunk).
        typical_daily: median daily total of recent normal days per weekday (NaN if closed).
        quietest_weekday: the open weekday with the lowest typical total.
    """

    named_ratios: Mapping[str, float]
    named_shapes: Mapping[str, FloatArray]
    neighbour_ratios: Mapping[str, float]
    neighbour_shapes: Mapping[str, FloatArray]
    typical_daily: FloatArray
    quietest_weekday: int

    @classmethod
    def learn(cls, history: ChannelHistory) -> SpecialDayEffects:
        """Measure every special day in ``history`` against the normal days around it."""
        daily = history.daily_volume
        types = history.day_types_of(history.days)
        names = np.asarray(history.day_info["name"].reindex(history.days).fillna(""), dtype=str)
        weekdays = history.weekdays
        normal = (types == "normal") & np.isfinite(daily)
        shares = shares_of(history.volume)
        ratios: dict[str, list[float]] = defaultdict(list)
        shapes: dict[str, list[FloatArray]] = defaultdict(list)
        for row in np.flatnonzero(np.isin(types, ("holiday", "event", "eve", "day_after"))):
            if not np.isfinite(daily[row]):
                continue
            reach = 7 * _REFERENCE_WEEKS
            near = np.arange(max(0, int(row) - reach), min(len(daily), int(row) + reach + 1))
            reference = near[normal[near] & (weekdays[near] == weekdays[row])]
            level = float(np.median(daily[reference])) if reference.size else math.nan
            if not level > 0:
                continue
            key = str(types[row]) if types[row] in ("eve", "day_after") else holiday_key(names[row])
            ratios[key].append(float(daily[row]) / level)
            if daily[row] > 0:
                profile = shares[reference].mean(axis=0)
                shapes[key].append(
                    np.divide(shares[row], profile, out=np.ones_like(profile), where=profile > 0)
                )
        shrunk = {
            key: 1.0 + len(found) / (len(found) + 1) * (np.mean(found, axis=0) - 1.0)
            for key, found in shapes.items()
        }
        neighbours = ("eve", "day_after")
        recent = np.arange(len(daily)) >= len(daily) - 7 * _TYPICAL_WEEKS
        typical = np.full(7, np.nan)
        for weekday in range(7):
            pick = normal & (weekdays == weekday)
            if weekday in history.open_weekdays and pick.any():
                window = pick & recent if (pick & recent).any() else pick
                typical[weekday] = float(np.median(daily[window]))
        finite = np.where(np.isfinite(typical) & (typical > 0), typical, np.inf)
        return cls(
            named_ratios={k: float(np.mean(v)) for k, v in ratios.items() if k not in neighbours},
            named_shapes={k: v for k, v in shrunk.items() if k not in neighbours},
            neighbour_ratios={k: float(np.mean(v)) for k, v in ratios.items() if k in neighbours},
            neighbour_shapes={k: v for k, v in shrunk.items() if k in neighbours},
            typical_daily=typical,
            quietest_weekday=int(np.argmin(finite)),
        )

    def adjustment(
        self,
        day: pd.Timestamp,
        day_type: str,
        name: str,
        multiplier: float,
        *,
        neighbour_ratios: bool,
    ) -> DayAdjustment:
        """How to forecast ``day`` relative to a normal day of its weekday.

        Args:
            day: the date.
            day_type: its day type.
            name: its holiday or special-day name ("" if none).
            multiplier: the user's multiplier (NaN if none).
            neighbour_ratios: apply the learned eve / day-after ratios (models that estimate
                them otherwise, like the top-down regression, pass ``False`` and keep the shape).
        """
        own = day.weekday()
        if day_type == "closed":
            return DayAdjustment(multiplier=0.0, profile_weekday=own)
        if day_type in ("eve", "day_after"):
            ratio = self.neighbour_ratios.get(day_type, 1.0) if neighbour_ratios else 1.0
            return DayAdjustment(ratio, own, self.neighbour_shapes.get(day_type))
        if day_type not in ("holiday", "event"):
            return DayAdjustment(multiplier=1.0, profile_weekday=own)
        return self._named_adjustment(day, day_type, name, multiplier)

    def _named_adjustment(
        self, day: pd.Timestamp, day_type: str, name: str, multiplier: float
    ) -> DayAdjustment:
        """A holiday or event: the user's multiplier, else its past ratio, else a fallback."""
        own = day.weekday()
        key = holiday_key(name)
        shape = self.named_shapes.get(key)
        if math.isfinite(multiplier):
            return DayAdjustment(multiplier, own, shape)
        if key in self.named_ratios:
            return DayAdjustment(self.named_ratios[key], own, shape)
        label = f"{day_type} {name!r} on {day.date().isoformat()}"
        if day_type == "event":
            return DayAdjustment(
                1.0,
                own,
                None,
                f"{label}: no multiplier given and not seen before; forecast as "
                "a normal day (add a multiplier to the special-days file)",
            )
        quiet = self.quietest_weekday
        own_level, quiet_level = self.typical_daily[own], self.typical_daily[quiet]
        ratio = float(quiet_level / own_level) if own_level > 0 else 0.0
        return DayAdjustment(
            ratio if math.isfinite(ratio) else 0.0,
            quiet,
            None,
            f"{label}: not seen in this channel's history; forecast like a typical "
            f"{WEEKDAY_NAMES[quiet]} (the quietest open weekday)",
        )


def adjusted_row(adjustment: DayAdjustment, own_total: float, profiles: FloatMatrix) -> FloatArray:
    """A special day's forecast row: ``own_total x multiplier`` spread by the adjusted profile.

    Args:
        adjustment: from :meth:`SpecialDayEffects.adjustment`.
        own_total: the normal-day daily total forecast for the date.
        profiles: (7, slots) normal intraday shares per weekday (rows sum to 1 or are 0).
    """
    profile = profiles[adjustment.profile_weekday]
    if adjustment.shape is not None:
        profile = profile * adjustment.shape
    total = profile.sum()
    if not total > 0:
        return np.zeros_like(profile)
    result: FloatArray = own_total * adjustment.multiplier * profile / total
    return result


def apply_user_days(
    history: ChannelHistory, days: pd.DatetimeIndex, forecast: FloatMatrix
) -> FloatMatrix:
    """Apply what the user stated, for models that learn no special-day effects: ``closed``
    days become 0 and days with a multiplier are scaled by it."""
    info = history.day_info.reindex(days)
    closed = np.asarray(info["day_type"] == "closed")
    multiplier = np.asarray(info["multiplier"], dtype=np.float64)
    factor = np.where(np.isfinite(multiplier), multiplier, 1.0)
    factor[closed] = 0.0
    result: FloatMatrix = forecast * factor[:, None]
    return result


def _special_adjustments(
    history: ChannelHistory, days: pd.DatetimeIndex, regressed: frozenset[str]
) -> Iterator[tuple[int, pd.Timestamp, DayAdjustment]]:
    """(row, date, adjustment) for each non-normal day among ``days``."""
    effects = SpecialDayEffects.learn(history)
    info = history.day_info.reindex(days)
    for row, (day, day_type, name, multiplier) in enumerate(
        zip(days, info["day_type"], info["name"], info["multiplier"], strict=True)
    ):
        if isinstance(day_type, str) and day_type != "normal":
            neighbour_ratios = day_type not in regressed
            adjustment = effects.adjustment(
                day, day_type, str(name), float(multiplier), neighbour_ratios=neighbour_ratios
            )
            yield row, day, adjustment


def apply_special_days(
    history: ChannelHistory,
    days: pd.DatetimeIndex,
    forecast: FloatMatrix,
    own_totals: FloatArray,
    profiles: FloatMatrix,
    *,
    regressed: frozenset[str] = frozenset(),
) -> FloatMatrix:
    """Replace the rows of special days in a normal-day forecast by their adjusted rows.

    Args:
        history: the channel history the effects are learned from.
        days: the forecast dates (rows of ``forecast``).
        forecast: (days, slots) normal-day forecast.
        own_totals: the normal-day daily total forecast of each date.
        profiles: (7, slots) normal intraday shares per weekday.
        regressed: day types (``eve``, ``day_after``) whose ratio the model already applied.

    Returns:
        The adjusted forecast (a copy).
    """
    result = forecast.copy()
    for row, _, adjustment in _special_adjustments(history, days, regressed):
        result[row] = adjusted_row(adjustment, float(own_totals[row]), profiles)
    return result


def special_day_notes(history: ChannelHistory, days: pd.DatetimeIndex) -> list[str]:
    """Sentences for the user about special days among ``days`` that the forecast had to guess
    (never seen before and no multiplier given) on days the channel is open."""
    return [
        f"{history.channel}: {adjustment.note}"
        for _, day, adjustment in _special_adjustments(history, days, frozenset())
        if adjustment.note is not None and day.weekday() in history.open_weekdays
    ]
