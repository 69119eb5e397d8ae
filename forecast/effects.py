"""What holidays, eves, days after and events do to a channel, learned from its own history.

Every special day in the history is compared with the *normal* days of the same weekday around
it (up to three weeks either side): its **ratio** is its daily total over their median, and its
**shape** is its intraday share per slot over their mean share. The forecast re-applies them:

- a holiday or event seen before (same name, e.g. ``Thanksgiving Day`` last year) gets the mean
  ratio and shape of its past occurrences - the "same holiday last year, relative to the weeks
  around it" rule of the commercial tools;
- a holiday never seen before gets the **pooled effect of its kind** (public holidays,
  optional holidays) measured on the other holidays in the history, with their intraday
  shape, shrunk toward a **calendar prior** (a holiday behaves like the team's rest day): see
  :mod:`forecast.holiday_kinds`, which also keeps the combination with the week sane;
- the days of a **holiday window** (up to six days either side, see
  :func:`forecast.calendar.day_types`) get the effect the same day of the same holiday had in
  earlier years - the Monday of Thanksgiving week, the days between Christmas and New Year -
  but only where that effect stands out of the day-to-day noise. A day's log ratio to its
  reference has variance ``v = 1.5 (s0^2 + 1 / level)``: Poisson noise of a count of ``level``
  contacts, plus the channel's extra day-to-day noise ``s0^2`` (the robust variance of normal
  days' log ratios beyond their Poisson part), times 1.5 for the noise of the reference median.
  With ``n`` past occurrences of mean log ratio ``m`` and mean variance ``v``, an effect is used
  when ``m^2 > 4 v / n`` (two standard errors) and shrunk by ``1 - v / (n m^2)``
  (positive-part James-Stein), so a window day that merely looked odd once is left alone;
- other eves get the pooled effect of all past eves, shrunk toward their prior (an eve
  behaves like the team's short day where the rest day starts the evening before, else like
  a normal day), by the same rules;
- other days after (catch-up) get the mean ratio of all past ones (not on the rest or short
  day of a team that works every day) and the normal shape of their weekday: measured on
  the first-year benchmark, a pooled day-after shape only added noise;
- a multiplier the user gave always wins; ``closed`` days are 0.

Window days whose effect is used are, like the special days, kept out of what models treat
as normal (their fit, reference weeks and intraday profiles); a holiday's own eve or day after
with a known effect takes it instead of the pooled one, but still counts in the pooled one.
Shapes are shrunk towards "no change" by ``n / (n + 1)`` for ``n`` past occurrences, so one
odd day cannot redraw the intraday curve on its own.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections import defaultdict
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.calendar import holiday_key
from forecast.daygrid import ChannelHistory, FloatMatrix
from forecast.holiday_kinds import (
    KIND_NAMES,
    SHAPE_PRIOR_CONTACTS,
    KindEffect,
    KindName,
    Observation,
    WeekRoles,
    weekday_rows,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
WindowKey = tuple[str, int]
Key = TypeVar("Key", bound=Hashable)
_REFERENCE_LAGS_DAYS: Final = (-21, -14, -7, 7, 14, 21)
_TYPICAL_WEEKS: Final = 8
_MIN_DISPERSION_SLOTS: Final = 50
_MIN_NOISE_DAYS: Final = 10
_REFERENCE_NOISE: Final = 1.5  # variance inflation for the noise of the reference median
_WINDOW_Z: Final = 2.0  # standard errors a holiday-window effect must stand out by
_NEIGHBOURS: Final = ("eve", "day_after")
# A slot with less than this share of a flat day's contacts counts as closed (a voice response
# unit's night trickle, not staffed hours).
OPEN_SHARE: Final = 0.25
# A rest day keeping less than this share of its contacts in the hours the short day before
# it is open starts the evening before (an Israeli Sabbath: ~10%; two days off: ~100%).
EVENING_REST_KEPT: Final = 0.5
# A kind that pools its sub-kinds too: every holiday counts among the holidays, and the ones
# that run into another day of rest also form their own, narrower pool.
_POOLED_KINDS: Final = {"holiday": ("holiday", "holiday_eve")}


@dataclass(frozen=True)
class DayAdjustment:
    """How a special day differs from a normal day of its weekday.

    Attributes:
        multiplier: daily volume relative to a normal day of the date's own weekday.
        profile_weekday: whose normal intraday profile to start from (0 = Monday).
        shape: per-slot factor applied to that profile before renormalising, or ``None``.
        note: a sentence for the user when the forecast had to guess.
        assumption: for a holiday the history has never seen, the level of the hierarchy
            used, in words (``None`` otherwise).
    """

    multiplier: float
    profile_weekday: int
    shape: FloatArray | None = None
    note: str | None = None
    assumption: str | None = None


def shares_of(volume: FloatMatrix) -> FloatMatrix:
    """Each row divided by its total (NaN counted as 0); all-zero rows stay 0."""
    filled = np.nan_to_num(volume)
    totals = filled.sum(axis=1, keepdims=True)
    shares: FloatMatrix = np.divide(filled, totals, out=np.zeros_like(filled), where=totals > 0)
    return shares


def reference_levels(daily: FloatArray, normal: BoolArray) -> FloatArray:
    """For each day, the median total of the normal days 1-3 weeks before and after it
    (same weekday); NaN where there is none."""
    usable = np.where(normal & np.isfinite(daily), daily, np.nan)
    candidates = np.full((len(_REFERENCE_LAGS_DAYS), len(daily)), np.nan)
    for row, lag in enumerate(_REFERENCE_LAGS_DAYS):
        if lag > 0:
            candidates[row, :-lag] = usable[lag:]
        else:
            candidates[row, -lag:] = usable[:lag]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # days without any reference: NaN
        levels: FloatArray = np.nanmedian(candidates, axis=0)
    return levels


def _reference_rows(row: int, normal: BoolArray) -> list[int]:
    near = [row + lag for lag in _REFERENCE_LAGS_DAYS]
    return [other for other in near if 0 <= other < len(normal) and normal[other]]


def _shrunk_shape(
    found: list[FloatArray], weight: float = 1.0, prior_contacts: float = SHAPE_PRIOR_CONTACTS
) -> FloatArray:
    """Per-slot contacts of the days over what their reference profile expected (``found``:
    one (2, slots) array of the two per day), with ``prior_contacts`` pseudo-contacts of "no
    change" per slot and shrunk by ``n / (n + 1)`` for ``n`` days: at low volume a few
    noisy days cannot redraw the curve, at high volume it takes what they show."""
    count = len(found)
    actual, expected = np.sum(found, axis=0)
    pooled = np.where(
        expected > 0,
        (actual + prior_contacts) / (expected + prior_contacts),
        1.0,
    )
    shape: FloatArray = 1.0 + weight * count / (count + 1) * (pooled - 1.0)
    return shape


def _measure(
    rows: Sequence[int],
    keys: Sequence[Key],
    history: ChannelHistory,
    levels: FloatArray,
    normal: BoolArray,
) -> tuple[dict[Key, list[float]], dict[Key, list[FloatArray]]]:
    """Ratio to the reference level, and the per-slot contacts against those the normal
    profile around it expected, of each row, grouped by key."""
    daily = history.daily_volume
    shares = shares_of(history.volume)
    ratios: dict[Key, list[float]] = defaultdict(list)
    shapes: dict[Key, list[FloatArray]] = defaultdict(list)
    for row, key in zip(rows, keys, strict=True):
        if not (np.isfinite(daily[row]) and levels[row] > 0):
            continue
        ratios[key].append(float(daily[row] / levels[row]))
        reference = _reference_rows(row, normal)
        if daily[row] > 0 and reference:
            profile = shares[reference].mean(axis=0)
            shapes[key].append(daily[row] * np.stack([shares[row], profile]))
    return ratios, shapes


def _extra_noise(daily: FloatArray, levels: FloatArray, usable: BoolArray) -> float:
    """Day-to-day variance of normal days' log ratio beyond Poisson noise (robust)."""
    usable = usable & np.isfinite(daily) & (daily > 0) & (levels > 0)
    if usable.sum() < _MIN_NOISE_DAYS:
        return math.inf
    ratios = np.log(daily[usable] / levels[usable])
    spread = 1.4826 * float(np.median(np.abs(ratios - np.median(ratios))))
    return max(0.0, spread**2 - float(np.median(1.0 / levels[usable])))


def _window_effect(ratios: list[float], levels: list[float], extra_noise: float) -> float | None:
    """Shrunk log effect of one holiday-window day, or ``None`` if it is within the noise."""
    logs = np.log(np.clip(ratios, 1e-3, None))
    mean = float(np.mean(logs))
    variance = _REFERENCE_NOISE * (extra_noise + float(np.mean(1.0 / np.asarray(levels))))
    standard_error_squared = variance / len(logs)
    if not mean**2 > _WINDOW_Z**2 * standard_error_squared:
        return None
    return (1.0 - standard_error_squared / mean**2) * mean


@dataclass(frozen=True, eq=False)
class SpecialDayEffects:
    """Ratios and intraday shapes of a channel's special days (see the module docstring).

    Attributes:
        named_ratios: holiday or event key (:func:`forecast.calendar.holiday_key`) -> mean
            ratio.
        named_shapes: same keys -> per-slot shape factor (already shrunk).
        window_ratios: (holiday key, offset in days) -> shrunk ratio, for window days whose
            effect stands out of the noise.
        window_shapes: same keys -> per-slot shape factor (already shrunk).
        neighbour_ratios: ``eve`` / ``day_after`` -> mean ratio over past ones outside
            ``window_ratios``.
        roles: the channel's rest day, short day and typical level per weekday.
        kinds: pooled effect per kind (``holiday``, ``optional``, ``eve``), see
            :mod:`forecast.holiday_kinds`.
        ordinary: per history row, ``False`` for normal-type window days with a used effect
            (they are left out of what models treat as normal).
        typical_shares: (7, slots) mean intraday shares of the recent normal days per weekday.
        prior_contacts: pseudo-contacts of "no change" per slot in every learned shape
            (:data:`~forecast.holiday_kinds.SHAPE_PRIOR_CONTACTS` times the channel's
            overdispersion).
    """

    named_ratios: Mapping[str, float]
    named_shapes: Mapping[str, FloatArray]
    window_ratios: Mapping[WindowKey, float]
    window_shapes: Mapping[WindowKey, FloatArray]
    neighbour_ratios: Mapping[str, float]
    roles: WeekRoles
    kinds: Mapping[str, KindEffect]
    ordinary: BoolArray
    typical_shares: FloatMatrix
    prior_contacts: float

    @classmethod
    def learn(cls, history: ChannelHistory) -> SpecialDayEffects:
        """Measure every special and window day in ``history`` against the normal days
        around it."""
        daily = history.daily_volume
        info = history.day_info.reindex(history.days)
        types = np.asarray(info["day_type"].fillna("normal"), dtype=str)
        normal = (types == "normal") & np.isfinite(daily)
        levels = reference_levels(daily, normal)
        all_shares = shares_of(history.volume)
        weekdays = history.weekdays
        prior_contacts = _prior_contacts(history.volume, daily, all_shares, weekdays, normal)

        window_ratios, window_shapes, ordinary = _window_effects(
            history, types, levels, normal, prior_contacts
        )
        names = np.asarray(info["name"].fillna(""), dtype=str)
        typical = _typical_daily(history, daily, normal & ordinary)
        roles = WeekRoles.of(typical, history.open_weekdays)
        special_rows = [
            int(row)
            for row in np.flatnonzero(np.isin(types, ("holiday", "event", *_NEIGHBOURS)))
            if not (types[row] == "day_after" and roles.off_duty(int(weekdays[row])))
        ]
        special_keys = [
            str(types[row]) if types[row] in _NEIGHBOURS else holiday_key(names[row])
            for row in special_rows
        ]
        special_found, shape_found = _measure(special_rows, special_keys, history, levels, normal)
        shapes = {
            key: _shrunk_shape(value, 1.0, prior_contacts) for key, value in shape_found.items()
        }
        typical_shares = _typical_shares(all_shares, weekdays, normal & ordinary)
        share_kept = _rest_day_share_kept(typical_shares, roles)
        roles = replace(roles, evening_rest=_evening_rest(typical_shares, roles, share_kept))
        kinds = _kind_effects(
            (daily, all_shares, weekdays),
            _kinds_of_rows(info, types, weekdays, roles),
            levels,
            normal & ordinary,
            roles,
            (prior_contacts, share_kept),
        )
        return cls(
            named_ratios={
                str(k): float(np.mean(v)) for k, v in special_found.items() if k not in _NEIGHBOURS
            },
            named_shapes={str(k): v for k, v in shapes.items() if k not in _NEIGHBOURS},
            window_ratios=window_ratios,
            window_shapes=window_shapes,
            neighbour_ratios={
                str(k): float(np.mean(v)) for k, v in special_found.items() if k in _NEIGHBOURS
            },
            roles=roles,
            kinds=kinds,
            ordinary=ordinary,
            typical_shares=typical_shares,
            prior_contacts=prior_contacts,
        )

    def window_effect(self, window: str, offset: int) -> bool:
        """Whether a day at ``offset`` days from holiday ``window`` has a learned effect."""
        return (window, offset) in self.window_ratios

    def adjustment(
        self,
        day: pd.Timestamp,
        day_type: str,
        name: str,
        multiplier: float,
        window: WindowKey = ("", 0),
        *,
        neighbour_ratios: bool,
        optional: bool = False,
        between: bool = False,
        before_holiday: bool = False,
    ) -> DayAdjustment:
        """How to forecast ``day`` relative to a normal day of its weekday.

        Args:
            day: the date.
            day_type: its day type.
            name: its holiday or special-day name ("" if none).
            multiplier: the user's multiplier (NaN if none).
            window: (holiday key, offset) of its holiday window (("", 0) if none).
            neighbour_ratios: apply the learned day-after ratio (models that estimate it
                otherwise, like the top-down regression, pass ``False`` and keep the shape).
            optional: the holiday is one of the country's optional holidays.
            between: a normal day between two holidays (see :func:`forecast.calendar.day_types`).
            before_holiday: the next day is a public holiday or closure.
        """
        own = day.weekday()
        if day_type == "closed":
            return DayAdjustment(multiplier=0.0, profile_weekday=own)
        if day_type in ("holiday", "event"):
            kinds = self._holiday_kinds(own, optional=optional, before_holiday=before_holiday)
            return self._named_adjustment(day, day_type, name, multiplier, kinds)
        if day_type == "eve" and (math.isfinite(multiplier) or window not in self.window_ratios):
            return self._eve_adjustment(own, multiplier)
        if window in self.window_ratios or day_type not in _NEIGHBOURS:
            return self._window_or_between(own, window, between=between)
        if day_type == "day_after" and self.roles.off_duty(own):
            return DayAdjustment(multiplier=1.0, profile_weekday=own)
        ratio = self.neighbour_ratios.get(day_type, 1.0) if neighbour_ratios else 1.0
        return DayAdjustment(ratio, own)

    def _window_or_between(
        self, weekday: int, window: WindowKey, *, between: bool
    ) -> DayAdjustment:
        """A normal-type day: its holiday window's learned effect, else the pooled effect of
        the days between two holidays when it is one, else nothing."""
        if window in self.window_ratios:
            return DayAdjustment(
                self.window_ratios[window], weekday, self.window_shapes.get(window)
            )
        effect = self.kinds["between"]
        if between and effect.weight > 0:
            return DayAdjustment(effect.multiplier(weekday, self.roles), weekday, effect.shape)
        return DayAdjustment(multiplier=1.0, profile_weekday=weekday)

    def _eve_adjustment(self, weekday: int, multiplier: float) -> DayAdjustment:
        """An eve: the user's multiplier, else the pooled eve effect (see
        :mod:`forecast.holiday_kinds`)."""
        if math.isfinite(multiplier):
            return DayAdjustment(multiplier, weekday)
        effect = self.kinds["eve"]
        return DayAdjustment(
            effect.multiplier(weekday, self.roles), effect.profile_weekday(weekday), effect.shape
        )

    def _holiday_kinds(
        self, weekday: int, *, optional: bool, before_holiday: bool
    ) -> tuple[KindName, ...]:
        """The kinds a holiday never seen before may take (the quietest wins): an optional
        holiday that is also an eve is either; a holiday that runs into another day of rest is
        a ``holiday_eve`` once one was seen, a plain ``holiday`` before."""
        if optional:
            return ("optional", "eve") if before_holiday else ("optional",)
        return (
            ("holiday_eve",) if self.roles.leads_to_rest(weekday, before_holiday) else ("holiday",)
        )

    def _named_adjustment(
        self,
        day: pd.Timestamp,
        day_type: str,
        name: str,
        multiplier: float,
        kinds: tuple[KindName, ...],
    ) -> DayAdjustment:
        """A holiday or event: the user's multiplier, else its past ratio, else the pooled
        effect of its kind (the quietest of ``kinds``) shrunk toward the calendar prior."""
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
        effect = min(
            (self.kinds[kind] for kind in kinds),
            key=lambda effect: effect.multiplier(own, self.roles),
        )
        if effect.kind == "holiday_eve":
            return self._cut_to_short_day(own, label, effect)
        assumption = effect.assumption(own, self.roles)
        return DayAdjustment(
            effect.multiplier(own, self.roles),
            effect.profile_weekday(own),
            effect.shape,
            f"{label}: not seen in this channel's history; {assumption}",
            assumption,
        )

    def _cut_to_short_day(self, weekday: int, label: str, effect: KindEffect) -> DayAdjustment:
        """A holiday running into another day of rest: the rest day's open hours outside those
        the short day before it is open are cut (that evening belongs to the next day of
        rest, as an eve's does); its closed hours keep their level (a voice response unit's
        night trickle). Where a day of rest starts at dusk the evening before (Israel: the
        Sabbath, the holidays) the rest day opens in the evening and the short day closes in
        the afternoon, so a holiday on a Friday is closed all day; a team whose weekend days
        keep the same hours, or whose short day follows the rest day, keeps the whole day.
        Its level is that of the holidays so cut while none of its own ``effect`` kind was
        seen, then the kind's."""
        holidays = self.kinds["holiday"] if not effect.count else effect
        profile_weekday = holidays.profile_weekday(weekday)
        reference = self.typical_shares[profile_weekday]
        profile = reference * (1.0 if holidays.shape is None else holidays.shape)
        kept = _kept_slots(reference, self.typical_shares, self.roles)
        share = _share_kept(profile, reference, self.typical_shares, self.roles)
        multiplier = holidays.multiplier(weekday, self.roles) * (1.0 if effect.count else share)
        if self.roles.short_before_rest is None:
            cut = "no short day leads into the rest day, so its hours are those of a holiday"
        else:
            before_rest = self.roles.describe(self.roles.short_before_rest)
            cut = f"of the hours the rest day is open only those {before_rest} is open are kept"
        assumption = (
            f"{holidays.assumption(weekday, self.roles)}; it runs into another day of rest, "
            f"so {cut}: x{multiplier:.2f} of a normal day"
        )
        return DayAdjustment(
            multiplier,
            profile_weekday,
            kept if holidays.shape is None else kept * holidays.shape,
            f"{label}: not seen in this channel's history; {assumption}",
            assumption,
        )


def _kept_slots(reference: FloatArray, typical_shares: FloatMatrix, roles: WeekRoles) -> FloatArray:
    """1 for the slots of a rest-day ``reference`` profile that a holiday running into another
    day of rest keeps (those the short day before it is open, and those it is closed: the
    night trickle), 0 for the others (all 1 without a short day before the rest day)."""
    if roles.short_before_rest is None:
        return np.ones_like(reference)
    flat = OPEN_SHARE / len(reference)
    short = typical_shares[roles.short_before_rest]
    kept: FloatArray = ((short >= flat) | (reference < flat)).astype(float)
    return kept


def _share_kept(
    profile: FloatArray, reference: FloatArray, typical_shares: FloatMatrix, roles: WeekRoles
) -> float:
    """The share of ``profile`` (the rest-day ``reference``, maybe reshaped) in the slots
    :func:`_kept_slots` keeps (1 for an empty profile)."""
    total = float(profile.sum())
    if not total > 0:
        return 1.0
    return float((profile * _kept_slots(reference, typical_shares, roles)).sum() / total)


def _evening_rest(typical_shares: FloatMatrix, roles: WeekRoles, share_kept: float) -> bool:
    """Whether the rest day starts the evening before: the short day before it closes and the
    rest day then opens later (most of its contacts, :data:`EVENING_REST_KEPT`, fall in hours
    the short day is closed, and in its busiest slot at least four times a flat day's share:
    a rest day that only trickles all day, closed, opens at no hour)."""
    if roles.short_before_rest is None or not share_kept < EVENING_REST_KEPT:
        return False
    rest = typical_shares[roles.rest]
    return bool(rest.max() >= 4.0 / len(rest))


def _rest_day_share_kept(typical_shares: FloatMatrix, roles: WeekRoles) -> float:
    """The calendar prior of a holiday running into another day of rest, as a share of a
    normal rest day: the contacts of the hours it keeps (see :func:`_kept_slots`)."""
    rest = typical_shares[roles.rest]
    return _share_kept(rest, rest, typical_shares, roles)


def _window_effects(
    history: ChannelHistory,
    types: npt.NDArray[np.str_],
    levels: FloatArray,
    normal: BoolArray,
    prior_contacts: float,
) -> tuple[dict[WindowKey, float], dict[WindowKey, FloatArray], BoolArray]:
    """The holiday-window days' effects that stand out of the noise (ratios, shapes), and per
    history row whether it is *ordinary* (see :class:`SpecialDayEffects`)."""
    daily = history.daily_volume
    info = history.day_info.reindex(history.days)
    windows = list(zip(info["window"].fillna(""), info["offset"].fillna(0), strict=True))
    window_rows = [
        row
        for row, (window, _) in enumerate(windows)
        if window and types[row] in ("normal", *_NEIGHBOURS)
    ]
    window_keys = [(str(windows[row][0]), int(windows[row][1])) for row in window_rows]
    window_found, window_shape_found = _measure(window_rows, window_keys, history, levels, normal)
    extra_noise = _extra_noise(daily, levels, normal & ~np.isin(np.arange(len(daily)), window_rows))
    window_levels: dict[WindowKey, list[float]] = defaultdict(list)
    for row, key in zip(window_rows, window_keys, strict=True):
        if np.isfinite(daily[row]) and levels[row] > 0:
            window_levels[key].append(float(levels[row]))
    window_ratios: dict[WindowKey, float] = {}
    window_shapes: dict[WindowKey, FloatArray] = {}
    for key, ratios in window_found.items():
        effect = _window_effect(ratios, window_levels[key], extra_noise)
        if effect is not None:
            window_ratios[key] = math.exp(effect)
            if window_shape_found.get(key):
                weight = effect / float(np.mean(np.log(np.clip(ratios, 1e-3, None))))
                window_shapes[key] = _shrunk_shape(window_shape_found[key], weight, prior_contacts)
    # Eves and days after stay in the pooled estimate even when their own holiday's
    # effect is known: the pooled catch-up is what other holidays fall back on.
    ordinary = np.ones(len(daily), dtype=bool)
    for row, key in zip(window_rows, window_keys, strict=True):
        ordinary[row] = types[row] != "normal" or key not in window_ratios
    return window_ratios, window_shapes, ordinary


def _kinds_of_rows(
    info: pd.DataFrame,
    types: npt.NDArray[np.str_],
    weekdays: npt.NDArray[np.int64],
    roles: WeekRoles,
) -> npt.NDArray[np.str_]:
    """The kind (:data:`~forecast.holiday_kinds.KIND_NAMES`) each history row is pooled as, or
    its day type: an optional holiday before a public one is an eve, a holiday that runs into
    another day of rest a ``holiday_eve``, a plain day between two holidays ``between``."""
    optional, between, before_holiday = (
        _flag(info, column) for column in ("optional", "between", "before_holiday")
    )
    leads_to_rest = np.asarray(
        [
            roles.leads_to_rest(int(weekday), bool(before))
            for weekday, before in zip(weekdays, before_holiday, strict=True)
        ],
        dtype=bool,
    )
    kinds: npt.NDArray[np.str_] = np.where(
        types == "holiday",
        np.where(
            optional,
            np.where(before_holiday, "eve", "optional"),
            np.where(leads_to_rest, "holiday_eve", "holiday"),
        ),
        np.where((types == "normal") & between, "between", types),
    )
    return kinds


def _kind_effects(
    grid: tuple[FloatArray, FloatMatrix, npt.NDArray[np.int64]],
    kind_of_row: npt.NDArray[np.str_],
    levels: FloatArray,
    usable: BoolArray,
    roles: WeekRoles,
    priors: tuple[float, float],
) -> dict[str, KindEffect]:
    """The pooled effect of every kind (``grid``: daily totals, shares and weekdays;
    ``priors``: the shapes' pseudo-contacts per slot, and the share of a rest day's contacts
    a holiday running into another day of rest keeps, its calendar prior)."""
    prior_contacts, share_kept = priors
    return {
        kind: KindEffect.learn(
            kind,
            _observations(
                grid,
                np.flatnonzero(np.isin(kind_of_row, _POOLED_KINDS.get(kind, (kind,)))),
                levels,
                usable,
                roles,
                roles.prior_weekday(kind),
            ),
            roles,
            prior_contacts,
            share_kept if kind == "holiday_eve" else 1.0,
        )
        for kind in KIND_NAMES
    }


def _flag(info: pd.DataFrame, column: str) -> BoolArray:
    """A boolean column of the calendar's day info (all ``False`` when absent)."""
    if column not in info:
        return np.zeros(len(info), dtype=bool)
    return np.asarray(info[column].fillna(False), dtype=bool)


def _observations(
    grid: tuple[FloatArray, FloatMatrix, npt.NDArray[np.int64]],
    rows: npt.NDArray[np.int64],
    levels: FloatArray,
    normal: BoolArray,
    roles: WeekRoles,
    reference: int | None,
) -> list[Observation]:
    """Each of ``rows`` measured against its own weekday and the ``reference`` weekday
    (``grid`` = the history's daily totals, intraday shares and weekdays).

    Days on a weekday quieter than the reference (an eve on the rest day) are left out: there
    the rules of the week decide (see :mod:`forecast.holiday_kinds`), and they would only blur
    what the kind does on the days it changes."""
    daily, shares, weekdays = grid
    usable = normal & np.isfinite(daily)
    found: list[Observation] = []
    for row in rows:
        if reference is not None and roles.level(int(weekdays[row])) < roles.level(reference):
            continue
        own_rows = _reference_rows(int(row), usable)
        if not (np.isfinite(daily[row]) and levels[row] > 0 and own_rows):
            continue
        reference_ratio, reference_level = math.nan, math.nan
        reference_profile: FloatArray | None = None
        if reference is not None:
            around = weekday_rows(int(row), reference, weekdays, usable)
            if around:
                reference_level = float(np.median(daily[around]))
                if reference_level > 0:
                    reference_ratio = float(daily[row] / reference_level)
                    reference_profile = shares[around].mean(axis=0)
        found.append(
            Observation(
                own_ratio=float(daily[row] / levels[row]),
                reference_ratio=reference_ratio,
                own_profile=shares[own_rows].mean(axis=0),
                reference_profile=reference_profile,
                shares=shares[row],
                own_level=float(levels[row]),
                reference_level=reference_level,
            )
        )
    return found


def _prior_contacts(
    volume: FloatMatrix,
    daily: FloatArray,
    shares: FloatMatrix,
    weekdays: npt.NDArray[np.int64],
    normal: BoolArray,
) -> float:
    """:data:`SHAPE_PRIOR_CONTACTS` times how much more the recent normal days' interval counts
    vary around their weekday's profile than Poisson counts would (at least 1): where demand
    comes in bursts, a special day's intraday shape needs more contacts to be believed."""
    typical = _typical_shares(shares, weekdays, normal)
    recent = normal & (np.arange(len(daily)) >= len(daily) - 7 * _TYPICAL_WEEKS)
    expected = daily[recent, None] * typical[weekdays[recent]]
    actual = volume[recent]
    counted = (expected > 1.0) & np.isfinite(actual)
    if counted.sum() < _MIN_DISPERSION_SLOTS:
        return SHAPE_PRIOR_CONTACTS
    squares = float(((actual[counted] - expected[counted]) ** 2).sum())
    return SHAPE_PRIOR_CONTACTS * max(1.0, squares / float(expected[counted].sum()))


def _typical_shares(
    shares: FloatMatrix, weekdays: npt.NDArray[np.int64], normal: BoolArray
) -> FloatMatrix:
    """(7, slots) mean intraday shares of the recent normal days per weekday (0 if none)."""
    recent = np.arange(len(shares)) >= len(shares) - 7 * _TYPICAL_WEEKS
    typical = np.zeros((7, shares.shape[1]))
    for weekday in range(7):
        pick = normal & (weekdays == weekday)
        window = pick & recent if (pick & recent).any() else pick
        if window.any():
            typical[weekday] = shares[window].mean(axis=0)
    return typical


def _typical_daily(history: ChannelHistory, daily: FloatArray, normal: BoolArray) -> FloatArray:
    """Median daily total per weekday over the recent normal days (NaN if closed)."""
    weekdays = history.weekdays
    recent = np.arange(len(daily)) >= len(daily) - 7 * _TYPICAL_WEEKS
    typical = np.full(7, np.nan)
    for weekday in range(7):
        pick = normal & (weekdays == weekday)
        if weekday in history.open_weekdays and pick.any():
            window = pick & recent if (pick & recent).any() else pick
            typical[weekday] = float(np.median(daily[window]))
    return typical


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


def window_days(
    history: ChannelHistory, days: pd.DatetimeIndex, effects: SpecialDayEffects
) -> BoolArray:
    """Which of ``days`` take a learned holiday-window effect (see the module docstring)."""
    info = history.day_info.reindex(days)
    return np.array(
        [
            isinstance(window, str) and effects.window_effect(window, int(offset))
            for window, offset in zip(info["window"], info["offset"].fillna(0), strict=True)
        ],
        dtype=bool,
    )


def _special_adjustments(
    history: ChannelHistory,
    days: pd.DatetimeIndex,
    effects: SpecialDayEffects,
    regressed: frozenset[str],
) -> Iterator[tuple[int, pd.Timestamp, DayAdjustment]]:
    """(row, date, adjustment) for each of ``days`` that is not a plain normal day."""
    info = history.day_info.reindex(days)
    optional, between, before_holiday = (
        _flag(info, column) for column in ("optional", "between", "before_holiday")
    )
    columns = zip(
        info["day_type"].fillna("normal"),
        info["name"].fillna(""),
        info["multiplier"],
        info["window"].fillna(""),
        info["offset"].fillna(0),
        strict=True,
    )
    for row, (day, (day_type, name, multiplier, window, offset)) in enumerate(
        zip(days, columns, strict=True)
    ):
        key = (str(window), int(offset))
        pooled_between = bool(between[row]) and effects.kinds["between"].weight > 0
        if day_type == "normal" and not effects.window_effect(*key) and not pooled_between:
            continue
        adjustment = effects.adjustment(
            day,
            str(day_type),
            str(name),
            float(multiplier),
            key,
            neighbour_ratios=day_type not in regressed,
            optional=bool(optional[row]),
            between=bool(between[row]),
            before_holiday=bool(before_holiday[row]),
        )
        yield row, day, adjustment


def apply_special_days(
    history: ChannelHistory,
    days: pd.DatetimeIndex,
    forecast: FloatMatrix,
    own_totals: FloatArray,
    profiles: FloatMatrix,
    effects: SpecialDayEffects,
    *,
    regressed: frozenset[str] = frozenset(),
) -> FloatMatrix:
    """Replace the rows of special and window days in a normal-day forecast.

    Args:
        history: the channel history.
        days: the forecast dates (rows of ``forecast``).
        forecast: (days, slots) normal-day forecast.
        own_totals: the normal-day daily total forecast of each date.
        profiles: (7, slots) normal intraday shares per weekday.
        effects: learned from ``history``.
        regressed: day types (``eve``, ``day_after``) whose ratio the model already applied.

    Returns:
        The adjusted forecast (a copy).
    """
    result = forecast.copy()
    for row, _, adjustment in _special_adjustments(history, days, effects, regressed):
        result[row] = adjusted_row(adjustment, float(own_totals[row]), profiles)
    return result


@dataclass(frozen=True)
class UnseenHoliday:
    """A holiday in a forecast window that the channel's history has never shown.

    Attributes:
        date: the local date.
        name: the holiday's name.
        assumption: how it was forecast instead (pooled effect of its kind, or the calendar
            prior), in words, with the multiplier of a normal day used.
    """

    date: dt.date
    name: str
    assumption: str


def special_day_notes(
    history: ChannelHistory, days: pd.DatetimeIndex
) -> tuple[list[str], list[UnseenHoliday]]:
    """What the forecast had to guess among ``days`` (on days the channel is open).

    Returns:
        Sentences for the user about special days never seen before and without a multiplier,
        and the holidays among them with the assumption used (the report's flags).
    """
    effects = SpecialDayEffects.learn(history)
    notes: list[str] = []
    unseen: list[UnseenHoliday] = []
    info = history.day_info
    for _, day, adjustment in _special_adjustments(history, days, effects, frozenset()):
        if adjustment.note is None or day.weekday() not in history.open_weekdays:
            continue
        notes.append(f"{history.channel}: {adjustment.note}")
        if adjustment.assumption is not None:
            unseen.append(
                UnseenHoliday(day.date(), str(info.loc[day, "name"]), adjustment.assumption)
            )
    return notes, unseen
