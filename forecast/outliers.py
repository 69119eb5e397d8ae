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
    median, flagged = _unusual_totals(total, np.asarray(day_starts.day_of_week))
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


def _unusual_totals(
    total: npt.NDArray[np.float64], weekdays: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Each day's median of the same weekday in the weeks around it, and whether its total
    (NaN: not judged) is further from it than the limits of the module docstring."""
    frame = pd.DataFrame({"total": total, "weekday": weekdays})
    window = 2 * WEEKS_AROUND + 1
    median = (
        frame.groupby("weekday")["total"]
        .transform(lambda series: series.rolling(window, center=True, min_periods=3).median())
        .to_numpy(dtype=np.float64)
    )
    deviation = np.abs(total - median)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(median > 0, deviation / median, np.nan)
    spread = MAD_SCALE * float(np.nanmedian(relative)) if np.isfinite(relative).any() else 0.0
    limit = np.maximum.reduce([DAY_MADS * spread * median, 4 * np.sqrt(median), 0.25 * median])
    flagged = (deviation > limit) & (deviation >= 5) & np.isfinite(median) & np.isfinite(total)
    return median, np.asarray(flagged, dtype=np.bool_)


def isolated_unusual_days(
    total: npt.NDArray[np.float64],
    weekdays: npt.NDArray[np.int64],
    normal: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Normal days the forecaster leaves out of its fit: an outage or a one-off spike.

    A day qualifies when its total is unusual (as :func:`daily_outliers` judges it) and it
    lies in a run of at most :data:`MAX_UNUSUAL_RUN` consecutive unusual days in the same
    direction, all ``normal``, with a known, usual day on both sides. A level shift (every
    day after it unusual, up to the end of the history) is never left out, nor is a day
    whose next day is not known yet: the last days of a history may be a new level.

    Args:
        total: daily totals (NaN: missing).
        weekdays: weekday of each day (0 = Monday).
        normal: days of no special type (holidays, eves, their windows explain themselves).
    """
    median, flagged = _unusual_totals(total, weekdays)
    direction = np.where(flagged, np.sign(total - median), 0.0)
    usual = np.isfinite(total) & np.isfinite(median) & ~flagged
    left_out = np.zeros(len(total), dtype=np.bool_)
    start = 0
    while start < len(total):
        if direction[start] == 0:
            start += 1
            continue
        end = start
        while end + 1 < len(total) and direction[end + 1] == direction[start]:
            end += 1
        bounded = start > 0 and usual[start - 1] and end + 1 < len(total) and usual[end + 1]
        if bounded and end - start < MAX_UNUSUAL_RUN and normal[start : end + 1].all():
            left_out[start : end + 1] = True
        start = end + 1
    return left_out


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
