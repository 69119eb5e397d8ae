"""Unusual values in an imported history, found robustly (medians and MADs, never means).

Two levels, so that one strange day is one line and not 60:

- **Days**: a channel's daily total against the median of the same weekday in the four weeks
  before and after it (nine values). Flagged when it is further from that median than the
  largest of 4 robust standard deviations (the scaled median relative deviation of the
  channel over the whole history, times the median), 4 Poisson standard deviations
  (``sqrt(median)``) and a quarter of the median, and by at least 5 contacts. Holidays,
  launches, catch-up days and outages show up here.
- **Intervals**, on days not flagged already: the volume against the median of the same
  interval of the week over the whole history. Flagged when further than the largest of 6
  scaled MADs, ``6 * sqrt(median) + 5`` and half the median.

Days or intervals with missing data are not judged. The import changes nothing: outliers are
reported so that the manager can decide. The forecaster leaves out of its fit only the short
runs of unusual normal days with usual days on both sides (:func:`isolated_unusual_days`: an
outage, a one-off spike), and says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from forecast.calendar import Calendar

MAD_SCALE: Final = 1.4826  # makes the MAD a standard deviation for normal data
WEEKS_AROUND: Final = 4
DAY_MADS: Final = 4.0
# The longest run of unusual days the forecaster leaves out (a two-day outage); a longer run
# may be a new level.
MAX_UNUSUAL_RUN: Final = 2
_LATER_DAYS: Final = 7


class HistoryOutlier(NamedTuple):
    """An unusual daily total or interval volume.

    Attributes:
        start: interval start, or local midnight of the day for a daily total (tz-aware).
        channel: the channel.
        value: the volume found.
        why: what it was compared with, in words.
    """

    start: pd.Timestamp
    channel: str
    value: float
    why: str


def _describe(value: float, median: float, what: str, against: str) -> str:
    if median > 0:
        change = f"{abs(value / median - 1):.0%} {'above' if value > median else 'below'}"
    else:
        change = "above"
    return f"{what} {value:g} is {change} the median {median:g} of {against}"


def _flagged(
    flagged: npt.NDArray[np.bool_],
    starts: pd.DatetimeIndex,
    values: npt.NDArray[np.number[Any]],
    medians: npt.NDArray[np.float64],
    channel: str,
    *,
    what: str,
    against: str,
) -> list[HistoryOutlier]:
    """One outlier per flagged position, its value described against its median."""
    return [
        HistoryOutlier(
            starts[position],
            channel,
            float(values[position]),
            _describe(float(values[position]), float(medians[position]), what, against),
        )
        for position in np.flatnonzero(flagged).tolist()
    ]


def daily_outliers(
    volume: npt.NDArray[np.float64],
    day_number: npt.NDArray[np.int64],
    day_starts: pd.DatetimeIndex,
    channel: str,
) -> tuple[list[HistoryOutlier], npt.NDArray[np.bool_]]:
    """Days whose total is far from the same weekday in the surrounding weeks.

    Args:
        volume: one channel's volume per grid interval (NaN = missing).
        day_number: the local day (0, 1, ...) of each grid interval.
        day_starts: local midnight of each day, tz-aware.
        channel: the channel's name, for the report.

    Returns:
        The outliers, and a mask over days that are flagged.
    """
    days = len(day_starts)
    totals = np.bincount(day_number, weights=np.nan_to_num(volume), minlength=days)
    incomplete = np.bincount(day_number, weights=np.isnan(volume), minlength=days) > 0
    total = np.where(incomplete, np.nan, totals)
    median, direction, _ = _unusual_totals(total, np.asarray(day_starts.day_of_week))
    flagged = direction != 0
    found = _flagged(
        flagged,
        day_starts,
        totals,
        median,
        channel,
        what="daily total",
        against=f"the same weekday in the {WEEKS_AROUND} weeks around it",
    )
    return found, flagged


def _weekday_medians(
    total: npt.NDArray[np.float64], weekdays: npt.NDArray[np.int64], side: str
) -> npt.NDArray[np.float64]:
    """Per day, the median total of the same weekday in the :data:`WEEKS_AROUND` weeks
    ``around`` it (itself included), or only ``before`` or ``after`` it (itself left out)."""
    frame = pd.DataFrame({"total": total, "weekday": weekdays})
    window = 2 * WEEKS_AROUND + 1

    def rolling(series: pd.Series) -> pd.Series:
        if side == "around":
            return series.rolling(window, center=True, min_periods=3).median()
        if side == "before":
            return series.shift(1).rolling(WEEKS_AROUND, min_periods=2).median()
        reverse = series[::-1].shift(1).rolling(WEEKS_AROUND, min_periods=2).median()
        return reverse[::-1]

    return frame.groupby("weekday")["total"].transform(rolling).to_numpy(dtype=np.float64)


def _limit(median: npt.NDArray[np.float64], spread: float) -> npt.NDArray[np.float64]:
    """How far a daily total may lie from its weekday's ``median`` (module docstring)."""
    limit: npt.NDArray[np.float64] = np.maximum.reduce(
        [DAY_MADS * spread * median, 4 * np.sqrt(median), 0.25 * median]
    )
    return limit


def _beyond(
    total: npt.NDArray[np.float64],
    median: npt.NDArray[np.float64],
    spread: float,
    scale: float = 1.0,
) -> npt.NDArray[np.float64]:
    """+1 or -1 where ``total`` is further above or below ``median`` than ``scale`` times the
    limits of the module docstring, 0 elsewhere (and where either is missing)."""
    deviation = total - median
    limit = scale * _limit(median, spread)
    beyond = (np.abs(deviation) > limit) & (np.abs(deviation) >= 5)
    beyond &= np.isfinite(median) & np.isfinite(total)
    return np.where(beyond, np.sign(deviation), 0.0)


def _unusual_totals(
    total: npt.NDArray[np.float64], weekdays: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]:
    """Each day's median of the same weekday in the weeks around it, the direction (+1, -1,
    0) in which its total (NaN: not judged) lies beyond the limits of the module docstring,
    and the channel's relative spread those limits use."""
    median = _weekday_medians(total, weekdays, "around")
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(median > 0, np.abs(total - median) / median, np.nan)
    spread = MAD_SCALE * float(np.nanmedian(relative)) if np.isfinite(relative).any() else 0.0
    return median, _beyond(total, median, spread), spread


def isolated_unusual_days(
    total: npt.NDArray[np.float64], days: pd.DatetimeIndex, normal: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Normal days the forecaster leaves out of its fit: an outage or a one-off spike.

    A day qualifies when its total is unusual (as :func:`daily_outliers` judges it) in the
    same direction against the same weekday around it, in the weeks before it alone and in
    the weeks after it alone where there are any (a new level is usual against one side);
    when the days of the week after it are, on the whole, back to where their weekdays were
    before (not even half as far off in the same direction: else a new level begins, and
    the last day, with none after it, stays in); when no day a
    fortnight or a month away (the same day of the month, give or take one) is unusual in
    that direction too (a pay day, a fortnightly billing run recur: the models' month
    position and weekday terms are there for them); and when it lies in a run of at most
    :data:`MAX_UNUSUAL_RUN` such days, all ``normal``, with a known day on both sides that
    is not even half as far off in the same direction. So a level shift, even in the last
    week of the history, and a recurring peak stay in.

    Args:
        total: daily totals (NaN: missing).
        days: the date of each total, consecutive.
        normal: days of no special type (holidays, eves, their windows explain themselves).
    """
    weekdays = np.asarray(days.day_of_week, dtype=np.int64)
    median, around, spread = _unusual_totals(total, weekdays)
    direction = around.copy()
    for side in ("before", "after"):
        alone = _weekday_medians(total, weekdays, side)
        agrees = (_beyond(total, alone, spread) == around) | ~np.isfinite(alone)
        direction = np.where(agrees, direction, 0.0)
    before = _weekday_medians(total, weekdays, "before")
    with np.errstate(invalid="ignore", divide="ignore"):
        drift = np.where(before > 0, total / before - 1, np.nan)  # each day against its past
        half = np.where(median > 0, 0.5 * _limit(median, spread) / median, np.nan)
    for row in np.flatnonzero(direction).tolist():
        echoed = any(around[echo] == direction[row] for echo in _echoes(days, row))
        after = row + 1  # the week after the run it may start (a two-day outage)
        while after < min(len(total), row + MAX_UNUSUAL_RUN) and around[after] == around[row]:
            after += 1
        later = drift[after : after + _LATER_DAYS]
        later = later[np.isfinite(later)]
        # The week after it, on the whole, half-way off in the same direction: a new level.
        moved = not later.size or direction[row] * float(np.mean(later)) >= half[row]
        if echoed or moved:
            direction[row] = 0.0
    # A neighbour bounds a run only if it is not itself half-way there (inside a new level).
    leaning = _beyond(total, median, spread, scale=0.5)
    known = np.isfinite(total) & np.isfinite(median)
    left_out = np.zeros(len(total), dtype=np.bool_)
    start = 0
    while start < len(total):
        if direction[start] == 0:
            start += 1
            continue
        end = start
        while end + 1 < len(total) and direction[end + 1] == direction[start]:
            end += 1
        bounded = all(
            0 <= side < len(total) and known[side] and leaning[side] != direction[start]
            for side in (start - 1, end + 1)
        )
        if bounded and end - start < MAX_UNUSUAL_RUN and normal[start : end + 1].all():
            left_out[start : end + 1] = True
        start = end + 1
    return left_out


def _echoes(days: pd.DatetimeIndex, row: int) -> list[int]:
    """Rows a fortnight before and after ``row``, and a month before and after it give or
    take a day, that ``days`` holds."""
    day = days[row]
    near = [day - pd.Timedelta(days=14), day + pd.Timedelta(days=14)]
    for month in (pd.DateOffset(months=-1), pd.DateOffset(months=1)):
        same = day + month
        near += [same + pd.Timedelta(days=shift) for shift in (-1, 0, 1)]
    found = days.get_indexer(pd.DatetimeIndex(near))
    return [int(position) for position in found if position >= 0]


def interval_outliers(
    volume: npt.NDArray[np.float64],
    slot_of_week: npt.NDArray[np.int64],
    skip: npt.NDArray[np.bool_],
    starts: pd.DatetimeIndex,
    channel: str,
) -> list[HistoryOutlier]:
    """Intervals far from the same interval of the week over the whole history.

    Args:
        volume: one channel's volume per grid interval (NaN = missing).
        slot_of_week: the interval-of-week code of each grid interval.
        skip: intervals not to judge (e.g. on days already flagged).
        starts: the tz-aware start of each grid interval.
        channel: the channel's name, for the report.
    """
    frame = pd.DataFrame({"volume": volume, "slot": slot_of_week})
    median = frame.groupby("slot")["volume"].transform("median").to_numpy()
    deviation = np.abs(volume - median)
    mad = pd.Series(deviation).groupby(slot_of_week).transform("median").to_numpy()
    limit = np.maximum.reduce([6 * MAD_SCALE * mad, 6 * np.sqrt(median) + 5, 0.5 * median])
    flagged = (deviation > limit) & ~skip & ~np.isnan(volume)
    return _flagged(
        flagged,
        starts,
        volume,
        median,
        channel,
        what="interval volume",
        against="the same interval of the week",
    )


def split_by_calendar(
    outliers: Sequence[HistoryOutlier], calendar: Calendar
) -> tuple[tuple[HistoryOutlier, ...], tuple[HistoryOutlier, ...]]:
    """Outliers the calendar does not explain, and those on its special days.

    A holiday, an eve, the day after a holiday or a team-marked day is expected to be
    unusual: its outliers are returned second, their ``why`` naming the day.
    """
    from forecast.calendar import day_types

    if not outliers:
        return (), ()
    days = pd.DatetimeIndex([outlier.start.tz_localize(None).normalize() for outlier in outliers])
    types = day_types(calendar, days)
    unexplained: list[HistoryOutlier] = []
    explained: list[HistoryOutlier] = []
    for outlier, day in zip(outliers, days, strict=True):
        kind = str(types.loc[day, "day_type"])
        if kind == "normal":
            unexplained.append(outlier)
            continue
        name = str(types.loc[day, "name"])
        label = kind.replace("_", " ") + (f" ({name})" if name else "")
        explained.append(outlier._replace(why=f"{label}: {outlier.why}"))
    return tuple(unexplained), tuple(explained)
