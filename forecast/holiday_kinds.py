"""Holidays learned across holidays: the pooled effect of a *kind* of day, and the calendar prior.

A team with a year of history or less has rarely seen this year's Easter or Passover. What it
has seen are *other* holidays, eves and days off; this module pools them by kind:

============  =====================================================  =========================
kind          days pooled                                             calendar prior
============  =====================================================  =========================
holiday       public holidays, user holidays (holiday_eve included)   like the rest day
holiday_eve   holidays the day before another holiday or the rest     the holidays' effect, cut
              day (the first of two holiday days; Shavuot on a        to the hours the short
              Friday in Israel): where a day of rest starts the       day before the rest day
              evening before, these are closed all day               is open (see
                                                                      :mod:`forecast.effects`)
optional      the country's optional holidays (partial days off)      like a normal day
eve           eves, half days, user eves                              like the short day
                                                                      before the rest day
between       plain days between two holidays (at most 6 days from    like a normal day
              each: Christmas to New Year, inside a festival)
============  =====================================================  =========================

**Week roles.** The *rest day* is the channel's quietest weekday (Saturday for a team with a
Friday-Saturday weekend that works 24/7, Sunday for a US team open at weekends). A team closed
on its rest day (a Monday-Friday team) gets its quietest *open* weekday instead: forecasting a
holiday as closed when the team has published no closure would guess 0. The *short day* is
the next quietest open weekday when it runs below 75% of the median open weekday (Friday in
Israel, Saturday for the US sample). An eve's prior is the short day only where that day leads
into a rest day that starts the evening before, as an eve leads into its holiday (an Israeli
Friday closes in the afternoon, the Sabbath's Saturday opens at dusk); elsewhere (a US or
Brazilian weekend of two days off, a Gulf team's Saturday after its Friday) an eve's prior is
a normal day, and where no short day leads into the rest day a holiday running into another
day of rest keeps its hours.

**Two ways to carry an effect across weekdays.** A past day of the kind is measured both as a
ratio ``m`` to a normal day of *its own* weekday and as a ratio ``r`` to the normal *reference
weekday* (rest day or short day) around it, with its intraday shape relative to each. A US
team's eves are normal weekdays (``m`` near 1 whatever the weekday); an Israeli team's eves
look like Fridays (``r`` near 1 whatever the weekday). Which of the two applies is decided by
a leave-one-out backtest over the kind's past days (each predicted, level and intraday shape,
from the others); the prior's way (``r``) is kept unless the other is more than 10% better
with at least three days.

**Shrinkage toward the prior.** With ``n`` past days whose log ratios have median ``d`` away
from the prior and per-day variance ``v``, the data's weight is ``max(0, 1 - v / (n d^2))``
(positive-part James-Stein, as for the holiday windows in :mod:`forecast.effects`): a few
scattered holidays leave the prior in place, a consistent set replaces it. The pooled
intraday shape is, per interval, the contacts the days had over those their reference
profile expected, each with 20 pseudo-contacts of the prior's shape ("no change" measured
against the prior's weekday; that weekday's shape over their own, capped, when measured
against their own): at low volume the shape stays near the prior's, at high volume it
follows the days. (The leave-one-out choice above scores each day with the plain mean shape
ratio of the others, shrunk by ``n / (n + 1)``: measured on the first-year benchmark,
scoring it with the pooled shape, or with daily totals alone, picked the own-weekday way too
often.) The pooled shape is used only where it earns its place: each past day's shares
predicted from the others' pooled shape must come closer than from the reference profile
alone (leave-one-out, so never from a single day); else the kind keeps the reference
profile.

**Interplay with the week** (both hold on every weekday):

- every kind (holiday, optional holiday, eve, day between holidays) is never forecast above a
  normal day of the date's own weekday;
- on the rest or short day it is never forecast below the quieter of the normal day and the
  kind's level on a normal working day: an eve that falls on the short day stays a short day,
  instead of being cut twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from forecast.calendar import WEEKDAY_NAMES

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
KindName = Literal["holiday", "holiday_eve", "optional", "eve", "between"]
KIND_NAMES: Final[tuple[KindName, ...]] = ("holiday", "holiday_eve", "optional", "eve", "between")
SHORT_DAY_SHARE: Final = 0.75
_LOG_FLOOR: Final = math.log(0.02)
_SINGLE_DAY_VARIANCE: Final = 0.25  # log-ratio variance assumed when only one day was seen
_MIN_VARIANCE: Final = 0.005
_REACH_DAYS: Final = 21
# Pseudo-contacts of "the prior's shape" added to every slot of a pooled shape: a
# slot that saw a few contacts over the pooled days keeps the prior's shape, one that saw
# hundreds takes what they show (a Poisson-gamma posterior mean of the slot's ratio). Where
# counts vary more than Poisson within the day, :mod:`forecast.effects` multiplies it by the
# channel's measured overdispersion.
SHAPE_PRIOR_CONTACTS: Final = 20.0
# Leaving the prior's way (ratio to the reference weekday) takes at least this many past days
# and a leave-one-out error this much lower: with a handful of days the choice is noise.
_MIN_SWITCH_DAYS: Final = 3
# A pooled shape measured against the days' own weekday leans toward the prior weekday's shape
# by at most this factor per slot: where the own weekday barely opens and the prior's does,
# the ratio is unbounded, and the shape is applied to other weekdays' profiles too.
_MAX_LEANING: Final = 10.0
_SWITCH_MARGIN: Final = 1.1


@dataclass(frozen=True)
class WeekRoles:
    """Which weekdays a channel rests on and works short, and their typical levels.

    Attributes:
        typical: median daily total of recent normal days per weekday (NaN if never open).
        rest: the quietest weekday (or quietest open one, see ``rest_is_open``).
        rest_is_open: ``False`` when the channel is closed on its quietest weekday and
            ``rest`` is its quietest open weekday instead.
        short: the short day, or ``None``.
        workday: the quietest open weekday that is neither rest nor short day.
        evening_rest: the rest day starts the evening before: most of its contacts come in
            hours the short day before it is closed (set from the intraday profiles, see
            :mod:`forecast.effects`).
    """

    typical: FloatArray
    rest: int
    rest_is_open: bool
    short: int | None
    workday: int
    evening_rest: bool = False

    @classmethod
    def of(cls, typical: FloatArray, open_weekdays: frozenset[int]) -> WeekRoles:
        """Roles from the typical level of each weekday (see the module docstring)."""
        levels = np.where(np.isfinite(typical) & (typical > 0), typical, np.inf)
        open_days = sorted(
            (float(levels[w]), w) for w in range(7) if w in open_weekdays and levels[w] < np.inf
        )
        if not open_days:
            return cls(typical, 0, False, None, 0)
        rest = open_days[0][1]
        rest_is_open = len(open_weekdays) == 7 and len(open_days) == 7
        median = float(np.median([level for level, _ in open_days]))
        short = None
        if len(open_days) > 2 and open_days[1][0] < SHORT_DAY_SHARE * median:
            short = open_days[1][1]
        others = [w for _, w in open_days if w not in (rest, short)]
        workday = others[0] if others else rest
        return cls(typical, rest, rest_is_open, short, workday)

    def prior_weekday(self, kind: KindName) -> int | None:
        """The weekday whose normal day is the kind's prior (``None``: the date's own)."""
        if kind in ("holiday", "holiday_eve"):
            return self.rest
        if kind == "eve":
            return self.eve_day
        return None

    @property
    def short_before_rest(self) -> int | None:
        """The short day when it is the day before the rest day (Friday before the Sabbath in
        Israel, Saturday before a US team's Sunday); ``None`` for a short day *after* the
        rest day (Saturday after a Gulf team's Friday: the second day of a weekend)."""
        if self.short is not None and (self.short + 1) % 7 == self.rest:
            return self.short
        return None

    @property
    def eve_day(self) -> int | None:
        """The weekday an eve looks like: the short day before the rest day where the rest
        day starts the evening before (``evening_rest``: an Israeli team's Friday closes in
        the afternoon and its Saturday opens at dusk, as an eve closes before its holiday);
        ``None`` (a normal day) where the weekend is two days off (a US team's Saturday,
        a Gulf team's)."""
        return self.short_before_rest if self.evening_rest else None

    def describe(self, weekday: int | None) -> str:
        """Words for a reference weekday: "a typical Saturday (the rest day)"."""
        if weekday is None:
            return "a normal day of its weekday"
        role = (
            "the rest day"
            if weekday == self.rest and self.rest_is_open
            else "the quietest open weekday"
            if weekday == self.rest
            else "the short day"
            if weekday == self.short
            else "a working day"
        )
        return f"a typical {WEEKDAY_NAMES[weekday]} ({role})"

    def off_duty(self, weekday: int) -> bool:
        """Whether ``weekday`` is the rest or short day of a team that works every day: a
        holiday's catch-up lands on the next working day, not there."""
        return self.rest_is_open and weekday in (self.rest, self.short)

    def leads_to_rest(self, weekday: int, before_holiday: bool) -> bool:
        """Whether a holiday on ``weekday`` runs into another day of rest (a holiday the day
        after, or the rest day of a team that works on it)."""
        return before_holiday or (self.rest_is_open and (weekday + 1) % 7 == self.rest)

    def level(self, weekday: int) -> float:
        """Typical daily total of ``weekday`` (0 when unknown)."""
        value = float(self.typical[weekday])
        return value if math.isfinite(value) and value > 0 else 0.0


@dataclass(frozen=True)
class Observation:
    """One past day of a kind, measured against its own weekday and the reference weekday.

    Attributes:
        own_ratio: daily total over the normal level of its own weekday around it.
        reference_ratio: daily total over the normal level of the reference weekday around
            it (NaN without a reference weekday or level).
        own_profile: mean intraday shares of the normal same-weekday days around it.
        reference_profile: the same for the reference weekday (``None`` without one).
        shares: its own intraday shares.
        own_level: the normal level of its own weekday around it.
        reference_level: the normal level of the reference weekday around it (NaN if none).
    """

    own_ratio: float
    reference_ratio: float
    own_profile: FloatArray
    reference_profile: FloatArray | None
    shares: FloatArray
    own_level: float
    reference_level: float


def _profile(day: Observation, by_reference: bool) -> FloatArray:
    """The normal profile a day is measured against (its reference weekday's, or its own)."""
    profile = day.reference_profile if by_reference else day.own_profile
    if profile is None:
        raise ValueError("a day without a reference profile cannot be measured against it")
    return profile


def _shape(day: Observation, by_reference: bool) -> FloatArray:
    profile = _profile(day, by_reference)
    ratio: FloatArray = np.divide(day.shares, profile, out=np.ones_like(profile), where=profile > 0)
    return ratio


def _mean_shape(shapes: Sequence[FloatArray]) -> FloatArray:
    """Mean per-slot ratio, shrunk by ``n / (n + 1)`` (what the leave-one-out choice uses)."""
    count = len(shapes)
    shape: FloatArray = 1.0 + count / (count + 1) * (np.mean(shapes, axis=0) - 1.0)
    return shape


def _pooled_shape(
    days: Sequence[Observation], by_reference: bool, prior_contacts: float
) -> FloatArray | None:
    """Per-slot contacts of the days over what their profile expected, with
    ``prior_contacts`` pseudo-contacts of the calendar prior's shape in every slot: "no change"
    measured against the reference weekday, the reference weekday's shape over the own one
    when measured against their own weekday (a holiday pooled on its weekdays still leans
    toward the rest day's hours, not toward a working day's)."""
    seen = [day for day in days if day.own_ratio > 0]
    if not seen:
        return None
    actual = np.zeros_like(seen[0].shares)
    expected = np.zeros_like(seen[0].shares)
    prior = np.zeros_like(seen[0].shares)
    for day in seen:
        total = day.own_level * day.own_ratio
        actual += total * day.shares
        own = _profile(day, by_reference)
        expected += total * own
        toward = own if by_reference or day.reference_profile is None else day.reference_profile
        prior += total * toward
    leaning = np.minimum(
        np.divide(prior, expected, out=np.ones_like(prior), where=expected > 0), _MAX_LEANING
    )
    shape: FloatArray = np.where(
        expected > 0,
        (actual + prior_contacts * leaning) / (expected + prior_contacts),
        1.0,
    )
    return shape


def _spread(profile: FloatArray, shape: FloatArray | None) -> FloatArray:
    shaped = profile if shape is None else profile * shape
    total = shaped.sum()
    result: FloatArray = shaped / total if total > 0 else shaped
    return result


def _logs(ratios: Sequence[float]) -> FloatArray:
    return np.maximum(np.log(np.maximum(np.asarray(ratios, dtype=np.float64), 1e-12)), _LOG_FLOOR)


def _loo_error(observations: Sequence[Observation], by_reference: bool) -> float:
    """Absolute error of predicting each day (level and shape) from the others."""
    ratios = np.asarray([o.reference_ratio if by_reference else o.own_ratio for o in observations])
    logs = _logs(list(ratios))
    has_contacts = np.asarray([o.own_ratio > 0 for o in observations])
    shapes = np.asarray([_shape(o, by_reference) for o in observations])
    shape_sum = shapes[has_contacts].sum(axis=0)
    error = 0.0
    for index, day in enumerate(observations):
        others = np.arange(len(observations)) != index
        base = day.reference_level if by_reference else day.own_level
        level = base * math.exp(float(np.median(logs[others])))
        count = int(has_contacts[others].sum())
        shape = None
        if count:
            mean = (shape_sum - (shapes[index] if has_contacts[index] else 0.0)) / count
            shape = 1.0 + count / (count + 1) * (mean - 1.0)
        predicted = level * _spread(_profile(day, by_reference), shape)
        actual = day.shares * day.own_level * day.own_ratio
        error += float(np.abs(predicted - actual).sum())
    return error


def _shape_helps(
    observations: Sequence[Observation], by_reference: bool, prior_contacts: float
) -> bool:
    """Whether the pooled intraday shape of the others predicts each day's shares better than
    its reference profile alone (leave-one-out, at least two days with contacts)."""
    seen = [day for day in observations if day.own_ratio > 0]
    if len(seen) < 2:
        return False
    plain = shaped = 0.0
    for index, day in enumerate(seen):
        others = [other for position, other in enumerate(seen) if position != index]
        shape = _pooled_shape(others, by_reference, prior_contacts)
        profile = _profile(day, by_reference)
        plain += float(np.abs(_spread(profile, None) - day.shares).sum())
        shaped += float(np.abs(_spread(profile, shape) - day.shares).sum())
    return shaped < plain


@dataclass(frozen=True)
class KindEffect:
    """The pooled effect of one kind of day in one channel (see the module docstring).

    Attributes:
        kind: one of :data:`KIND_NAMES`.
        count: past days of the kind the estimate uses.
        reference: the weekday the data's ratio is relative to (``None``: the date's own).
        prior_reference: the weekday of the calendar prior (``None``: a normal day).
        log_ratio: median log ratio of the past days (0 when none).
        weight: the data's weight against the prior (0 = prior only, 1 = data only).
        shape: intraday shape relative to the profile of ``reference`` (or of the date's own
            weekday), already shrunk; ``None`` when no day was seen.
        prior_share: the calendar prior's level as a share of a normal ``prior_reference``
            day (1: like it; a holiday running into another day of rest keeps only the hours
            the short day before the rest day is open, see :mod:`forecast.effects`).
    """

    kind: KindName
    count: int
    reference: int | None
    prior_reference: int | None
    log_ratio: float
    weight: float
    shape: FloatArray | None
    prior_share: float = 1.0

    @classmethod
    def learn(
        cls,
        kind: KindName,
        observations: Sequence[Observation],
        roles: WeekRoles,
        prior_contacts: float = SHAPE_PRIOR_CONTACTS,
        prior_share: float = 1.0,
    ) -> KindEffect:
        """Pool the past days of ``kind`` and weigh them against the calendar prior
        (``prior_contacts``: pseudo-contacts per slot of the pooled shape, see
        :data:`SHAPE_PRIOR_CONTACTS`; ``prior_share``: the prior's level as a share of a
        normal day of its reference weekday): the data is shrunk toward the same prior the
        forecast uses before any day of the kind was seen."""
        prior = roles.prior_weekday(kind)
        prior_share = max(prior_share, math.exp(_LOG_FLOOR))
        prior_offset = math.log(prior_share) if prior is not None else 0.0
        usable = [o for o in observations if o.own_level > 0]
        with_reference = [
            o
            for o in usable
            if math.isfinite(o.reference_ratio) and o.reference_profile is not None
        ]
        if not usable:
            return cls(kind, 0, prior, prior, 0.0, 0.0, None, prior_share)
        by_reference = prior is not None and len(with_reference) == len(usable)
        if by_reference and len(usable) >= _MIN_SWITCH_DAYS:
            by_reference = _loo_error(usable, True) <= _SWITCH_MARGIN * _loo_error(usable, False)
        if by_reference:
            logs = _logs([o.reference_ratio for o in usable])
            reference = prior
            # The prior is a ratio of ``prior_share`` to the reference.
            distance = float(np.median(logs)) - prior_offset
        else:
            logs = _logs([o.own_ratio for o in usable])
            reference = None
            median = float(np.median(logs))
            # Distance from the prior, in the data's terms: the prior level over the own level.
            if prior is None:
                distance = median
            else:
                prior_logs = [
                    math.log(o.reference_level / o.own_level)
                    for o in usable
                    if math.isfinite(o.reference_level) and o.reference_level > 0
                ]
                prior_log = float(np.median(prior_logs)) if prior_logs else 0.0
                distance = median - prior_log - prior_offset
        count = len(usable)
        if count > 1:
            spread = 1.4826 * float(np.median(np.abs(logs - np.median(logs))))
            variance = max(spread**2, _MIN_VARIANCE)
        else:
            variance = _SINGLE_DAY_VARIANCE
        weight = max(0.0, 1.0 - variance / (count * distance**2)) if distance else 1.0
        shape = _pooled_shape(usable, by_reference, prior_contacts)
        if shape is not None and not _shape_helps(usable, by_reference, prior_contacts):
            shape = None
        return cls(
            kind, count, reference, prior, float(np.median(logs)), weight, shape, prior_share
        )

    def _raw_multiplier(self, weekday: int, roles: WeekRoles) -> float:
        own = roles.level(weekday)
        if own <= 0:
            return 0.0
        prior_log = (
            math.log(self.prior_share * roles.level(self.prior_reference) / own)
            if self.prior_reference is not None and roles.level(self.prior_reference) > 0
            else 0.0
        )
        if self.reference is None:
            data_log = self.log_ratio
        elif roles.level(self.reference) > 0:
            data_log = self.log_ratio + math.log(roles.level(self.reference) / own)
        else:
            data_log = prior_log
        return math.exp(self.weight * data_log + (1.0 - self.weight) * prior_log)

    def multiplier(self, weekday: int, roles: WeekRoles) -> float:
        """Daily volume on ``weekday`` relative to a normal day of that weekday, after the
        rules of the week (see the module docstring)."""
        ratio = min(1.0, self._raw_multiplier(weekday, roles))
        own = roles.level(weekday)
        if weekday in (roles.rest, roles.short) and weekday != roles.workday and own > 0:
            on_workday = min(1.0, self._raw_multiplier(roles.workday, roles))
            floor = min(own, on_workday * roles.level(roles.workday)) / own
            ratio = max(ratio, floor)
        return ratio

    def profile_weekday(self, weekday: int) -> int:
        """Whose normal intraday profile the kind's days start from."""
        if self.reference is not None:
            return self.reference
        if self.count == 0 and self.prior_reference is not None:
            return self.prior_reference
        return weekday

    def assumption(self, weekday: int, roles: WeekRoles) -> str:
        """In words: which level of the hierarchy the forecast uses, and its multiplier."""
        multiplier = self.multiplier(weekday, roles)
        prior = roles.describe(self.prior_reference)
        plural = {
            "holiday": "holidays",
            "holiday_eve": "holidays before another holiday or the rest day",
            "optional": "optional holidays",
            "eve": "eves",
            "between": "days between two holidays",
        }[self.kind]
        if self.count == 0 or self.weight == 0:
            seen = (
                f"the {self.count} {plural} in the history are too scattered to move it"
                if self.count
                else f"no {plural} in the history"
            )
            return f"prior: like {prior} ({seen}); x{multiplier:.2f} of a normal day"
        based = roles.describe(self.reference)
        return (
            f"pooled from the {self.count} {plural} in the history, measured against {based}"
            f" (weight {self.weight:.2f} against the prior, like {prior}); "
            f"x{multiplier:.2f} of a normal day, with their intraday shape"
        )


def weekday_rows(
    row: int, weekday: int, weekdays: npt.NDArray[np.int64], usable: BoolArray
) -> list[int]:
    """Rows of ``weekday`` within three weeks either side of ``row`` that are ``usable``."""
    low, high = max(0, row - _REACH_DAYS), min(len(usable), row + _REACH_DAYS + 1)
    return [other for other in range(low, high) if weekdays[other] == weekday and usable[other]]
