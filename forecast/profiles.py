"""Intraday profiles (the share of a day's contacts in each interval), sharper at low volume.

At a few hundred contacts a day the mean shares of the last eight same weekdays are mostly
Poisson noise. Three remedies, each optional:

- **recency weights**: the last sixteen same weekdays, weighted ``0.5 ** (weeks ago / 4)``,
  instead of the plain last eight: more days, while recent weeks still count most;
- **pooling**: each weekday's profile averaged half and half with its *group* (working days;
  the short day; the rest day; see :class:`forecast.holiday_kinds.WeekRoles`), since the
  working days of a team usually share one shape;
- **smoothing**: a ``(1, 2, 1) / 4`` kernel across neighbouring intervals, kept inside the
  weekday's open hours (closed intervals stay 0);
- **latest**: the last six same weekdays weighted ``0.5 ** weeks ago``, for a day whose shape
  moves through the year (a team that reopens at dusk after its day of rest: the Saturday
  evening of an Israeli bank starts about an hour later in June than in January).

Which combination each *group* of weekdays (the working days, the short day, the rest day)
gets is picked by backtest, as the model is: every candidate is built from the history before
the last four weeks and scored (interval WAPE of the normal days' volumes spread by it) on
those four weeks, per group; ties go to the plainer method, in the order of
:data:`PROFILE_METHODS`.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import numpy as np
import numpy.typing as npt

from forecast.holiday_kinds import WeekRoles

FloatMatrix = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ProfileMethod = Literal[
    "recent_mean",
    "weighted",
    "weighted_smooth",
    "pooled",
    "pooled_smooth",
    "latest",
    "latest_smooth",
]
PROFILE_METHODS: Final[tuple[ProfileMethod, ...]] = get_args(ProfileMethod)
RECENT_DAYS: Final = 8
WEIGHTED_DAYS: Final = 16
HALF_LIFE_WEEKS: Final = 4.0
HOLDOUT_DAYS: Final = 28
POOL_SHARE: Final = 0.5
LATEST_DAYS: Final = 6
LATEST_HALF_LIFE_WEEKS: Final = 1.0


def _groups(roles: WeekRoles) -> list[int]:
    return [0 if w == roles.rest else 1 if w == roles.short else 2 for w in range(7)]


def _smooth(profile: FloatMatrix, open_slots: BoolArray) -> FloatMatrix:
    padded = np.pad(profile, ((0, 0), (1, 1)), mode="edge")
    smoothed = 0.25 * padded[:, :-2] + 0.5 * padded[:, 1:-1] + 0.25 * padded[:, 2:]
    smoothed = np.where(open_slots, smoothed, 0.0)
    totals = smoothed.sum(axis=1, keepdims=True)
    result: FloatMatrix = np.divide(smoothed, totals, out=np.zeros_like(smoothed), where=totals > 0)
    return result


def build_profiles(
    shares: FloatMatrix,
    weekdays: npt.NDArray[np.int64],
    usable: BoolArray,
    fallback: BoolArray,
    roles: WeekRoles,
    method: ProfileMethod,
) -> FloatMatrix:
    """(7, slots) profiles from the rows of ``shares`` (days x slots, rows sum to 1 or 0).

    Args:
        shares: intraday shares per day.
        weekdays: weekday of each row.
        usable: rows that are normal observed days with contacts.
        fallback: rows usable when a weekday has no normal day (any observed day).
        roles: the channel's rest and short day (for pooling).
        method: one of :data:`PROFILE_METHODS`.
    """
    slots = shares.shape[1]
    plain = np.zeros((7, slots))
    latest = np.zeros((7, slots))
    weighted = np.zeros((7, slots))
    weight_sums = np.zeros(7)
    group_sums = np.zeros((3, slots))
    group_weights = np.zeros(3)
    groups = _groups(roles)
    last_row = len(shares) - 1
    for weekday in range(7):
        candidates = usable & (weekdays == weekday)
        if not candidates.any():
            candidates = fallback & (weekdays == weekday)
        rows = np.flatnonzero(candidates)
        if not rows.size:
            continue
        plain[weekday] = shares[rows[-RECENT_DAYS:]].mean(axis=0)
        newest = rows[-LATEST_DAYS:]
        fast = 0.5 ** ((last_row - newest) / 7.0 / LATEST_HALF_LIFE_WEEKS)
        latest[weekday] = fast @ shares[newest] / fast.sum()
        recent = rows[-WEIGHTED_DAYS:]
        weights = 0.5 ** ((last_row - recent) / 7.0 / HALF_LIFE_WEEKS)
        weighted[weekday] = weights @ shares[recent] / weights.sum()
        weight_sums[weekday] = weights.sum()
        group_sums[groups[weekday]] += weights @ shares[recent]
        group_weights[groups[weekday]] += weights.sum()
    if method == "recent_mean":
        return plain
    profile = latest if method.startswith("latest") else weighted
    if method.startswith("pooled"):
        pooled = np.divide(
            group_sums,
            group_weights[:, None],
            out=np.zeros_like(group_sums),
            where=group_weights[:, None] > 0,
        )
        has = weight_sums > 0
        profile = np.where(
            has[:, None], (1 - POOL_SHARE) * weighted + POOL_SHARE * pooled[groups], weighted
        )
    if method.endswith("smooth"):
        open_slots = np.zeros((7, slots), dtype=bool)
        for weekday in range(7):
            rows = (usable | fallback) & (weekdays == weekday)
            open_slots[weekday] = (shares[rows] > 0).any(axis=0)
        profile = _smooth(profile, open_slots)
    return profile


def choose_profile_methods(
    shares: FloatMatrix,
    volume: FloatMatrix,
    weekdays: npt.NDArray[np.int64],
    usable: BoolArray,
    fallback: BoolArray,
    roles: WeekRoles,
) -> tuple[ProfileMethod, ...]:
    """Per weekday, the method with the lowest interval WAPE of its group (working days, short
    day, rest day) on the last :data:`HOLDOUT_DAYS` days."""
    cut = len(shares) - HOLDOUT_DAYS
    tested = usable.copy()
    tested[:cut] = False
    if cut <= 7 * 4 or not tested.any():
        return ("recent_mean",) * 7
    filled = np.nan_to_num(volume[tested])
    totals = filled.sum(axis=1, keepdims=True)
    groups = np.asarray(_groups(roles))
    tested_groups = groups[weekdays[tested]]
    scores: list[list[tuple[float, int, ProfileMethod]]] = [[], [], []]
    for order, method in enumerate(PROFILE_METHODS):
        profiles = build_profiles(
            shares[:cut], weekdays[:cut], usable[:cut], fallback[:cut], roles, method
        )
        errors = np.abs(totals * profiles[weekdays[tested]] - filled).sum(axis=1)
        for group in range(3):
            error = float(errors[tested_groups == group].sum())
            scores[group].append((round(error, 9), order, method))
    chosen = [min(group_scores)[2] for group_scores in scores]
    return tuple(chosen[group] for group in groups)


def build_chosen_profiles(
    shares: FloatMatrix,
    weekdays: npt.NDArray[np.int64],
    usable: BoolArray,
    fallback: BoolArray,
    roles: WeekRoles,
    methods: tuple[ProfileMethod, ...],
) -> FloatMatrix:
    """(7, slots) profiles, each weekday by its own method (``methods``, one per weekday)."""
    built = {
        method: build_profiles(shares, weekdays, usable, fallback, roles, method)
        for method in set(methods)
    }
    return np.asarray([built[method][weekday] for weekday, method in enumerate(methods)])
