"""A generated 24/7 contact centre in the United Arab Emirates, weekend Friday-Saturday (2018-2019).

The second team of issue 13's "a non-US calendar" family, unlike the Israeli stand-in
(:mod:`benchmarks.first_year_team`) in what matters to a holiday forecast: the days of rest
are **Friday and Saturday** (the UAE's weekend until 2022; the ``holidays`` package lists
Saturday-Sunday for every year, so the forecaster must read the week from the data), the
holidays come single or in **blocks of two to four days** that move 11 days a year with the
lunar calendar (Eid al-Fitr, Arafah and Eid al-Adha, National Day with Commemoration Day), so
they touch the weekend in many ways, and there are no eves. No data is used; the parameters are
the generator's own::

    calls of the day = base x growth x season x day factor x noise
    rate per 6 min   = calls x shape of the day (24/7, a night trickle) x hourly noise

==================  =========================================  =============================
day                 hours (peak)                               calls
==================  =========================================  =============================
Sunday-Thursday     night trickle, 08:00-22:00 (10:00, 16:00)  1,600 a day (Sunday x1.15)
Friday (rest day)   quiet until the noon prayer, then 14:00-   35% of a working day
                    22:00 (17:00, 20:00)
Saturday            09:00-21:00 (11:00, 17:00)                 60% of a working day
public holiday      the Friday shape                           40% (first day of an Eid
                                                               25%, its last 50%), log-normal
                                                               spread 0.25
day after a block   a working day                              +15-30% (catch-up)
==================  =========================================  =============================

A holiday on Friday or Saturday takes the quieter of the weekend day and the holiday. Noise
beyond Poisson: 12% day to day and 20% hour to hour (log-normal), as for the Israeli team.
Ramadan (a month of shorter working hours) is not generated: ``holidays`` does not mark it,
and a team would give it as special days.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from benchmarks.first_year_team import GeneratedTeam

TIMEZONE: Final = "Asia/Dubai"
COUNTRY: Final = "AE"
WEEKEND: Final = (4, 5)  # Friday, Saturday
FIRST_DAY: Final = dt.date(2018, 1, 1)
LAST_DAY: Final = dt.date(2019, 12, 31)
SOURCE_MINUTES: Final = 6
WEEKDAY_CONTACTS: Final = 1600.0
# Monday..Sunday.
DAY_FACTORS: Final = (1.0, 0.96, 0.95, 0.9, 0.35, 0.6, 1.15)
HOLIDAY_FACTOR: Final = 0.4
FIRST_OF_BLOCK_FACTOR: Final = 0.25
LAST_OF_BLOCK_FACTOR: Final = 0.5
HOLIDAY_SPREAD: Final = 0.25
CATCH_UP: Final = (0.15, 0.30)
GROWTH_PER_YEAR: Final = 0.10
SEASON_AMPLITUDE: Final = 0.06
DAILY_NOISE: Final = 0.12
HOURLY_NOISE: Final = 0.2
NIGHT_SHARE: Final = 0.04


def _shape(hour: npt.NDArray[np.float64], kind: npt.NDArray[np.str_]) -> npt.NDArray[np.float64]:
    """Relative arrival rate per 6 minutes by the day's kind (``work``, ``friday``,
    ``saturday``); the night trickle keeps every interval open."""

    def bump(centre: float, width: float) -> npt.NDArray[np.float64]:
        return np.asarray(np.exp(-0.5 * ((hour - centre) / width) ** 2), dtype=np.float64)

    work = (bump(10.0, 1.6) + 0.8 * bump(16.0, 2.2)) * ((hour >= 8) & (hour < 22))
    friday = (0.3 + bump(17.0, 1.5) + 0.7 * bump(20.0, 1.2)) * ((hour >= 14) & (hour < 22))
    saturday = (bump(11.0, 1.8) + 0.7 * bump(17.0, 2.0)) * ((hour >= 9) & (hour < 21))
    day = np.where(kind == "work", work, np.where(kind == "friday", friday, saturday))
    return np.asarray(day + NIGHT_SHARE * 0.1, dtype=np.float64)


def _day_factors(
    days: pd.DatetimeIndex, public: set[dt.date], rng: np.random.Generator, spread: float
) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Calls of each day relative to the base level, and the shape it follows."""
    factors = np.zeros(len(days))
    kinds = []
    for row, stamp in enumerate(days):
        day = stamp.date()
        weekday = day.weekday()
        factor = DAY_FACTORS[weekday]
        kind = {4: "friday", 5: "saturday"}.get(weekday, "work")
        if day in public:
            before = day - dt.timedelta(days=1) in public
            after = day + dt.timedelta(days=1) in public
            holiday = HOLIDAY_FACTOR
            if after and not before:
                holiday = FIRST_OF_BLOCK_FACTOR
            elif before and not after:
                holiday = LAST_OF_BLOCK_FACTOR
            holiday *= rng.lognormal(0.0, spread * HOLIDAY_SPREAD)
            factor, kind = min(factor, holiday), "friday"
        elif weekday not in WEEKEND and _after_block(day, public):
            factor *= 1 + rng.uniform(*CATCH_UP)
        factors[row] = factor
        kinds.append(kind)
    return factors, kinds


def _after_block(day: dt.date, public: set[dt.date]) -> bool:
    """The first working day after a holiday (a weekend between them included)."""
    previous = day - dt.timedelta(days=1)
    while previous.weekday() in WEEKEND and previous not in public:
        previous -= dt.timedelta(days=1)
    return previous in public


def generate(seed: int = 17, interval_minutes: int = 30, *, draws: bool = True) -> GeneratedTeam:
    """Draw the team's history (see the module docstring); ``draws=False`` sets the noise and
    the holiday spread to 0, as :func:`benchmarks.first_year_team.generate` does."""
    spread = 1.0 if draws else 0.0
    rng = np.random.default_rng(seed)
    years = range(FIRST_DAY.year - 1, LAST_DAY.year + 2)
    public = set(holidays.country_holidays(COUNTRY, years=years).keys())
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    elapsed = np.asarray((days - days[0]).days, dtype=np.float64) / 365.25
    season = 1 + SEASON_AMPLITUDE * np.cos(
        2 * math.pi * (np.asarray(days.day_of_year) - 30) / 365.25
    )
    factors, kinds = _day_factors(days, public, rng, spread)
    daily = WEEKDAY_CONTACTS * (1 + GROWTH_PER_YEAR) ** elapsed * season * factors
    daily_noise, hourly_noise = spread * DAILY_NOISE, spread * HOURLY_NOISE
    daily *= rng.lognormal(-(daily_noise**2) / 2, daily_noise, size=len(days))

    first = pd.Timestamp(FIRST_DAY).tz_localize(TIMEZONE)
    end = pd.Timestamp(LAST_DAY + dt.timedelta(days=1)).tz_localize(TIMEZONE)
    instants = pd.date_range(first, end, freq=f"{SOURCE_MINUTES}min", inclusive="left")
    wall = instants.tz_localize(None)
    day_of = np.asarray(days.get_indexer(wall.normalize()), dtype=np.int64)
    hour = np.asarray(wall.hour + wall.minute / 60, dtype=np.float64)
    shape = _shape(hour, np.asarray(kinds)[day_of])
    totals = np.bincount(day_of, weights=shape, minlength=len(days))
    noise = rng.lognormal(-(hourly_noise**2) / 2, hourly_noise, size=len(days) * 24)
    rate_6min = daily[day_of] * shape / totals[day_of] * noise[day_of * 24 + wall.hour]
    volume = rng.poisson(rate_6min)
    csv_6min = pd.DataFrame(
        {
            "interval_start": wall.strftime("%Y-%m-%dT%H:%M"),
            "channel": "voice",
            "volume": volume,
            "aht_seconds": np.where(volume > 0, 300.0, np.nan),
        }
    ).to_csv(index=False, lineterminator="\n", float_format="%.1f")
    per_interval = (
        pd.DataFrame(
            {
                "interval_start": instants.floor(f"{interval_minutes}min"),
                "volume": volume,
                "expected": rate_6min,
            }
        )
        .groupby("interval_start", sort=True)[["volume", "expected"]]
        .sum()
    )
    starts = pd.DatetimeIndex(per_interval.index)
    frame = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "volume": per_interval["volume"].to_numpy(dtype=np.float64),
            "aht_seconds": 300.0,
        }
    )
    expected = pd.Series(per_interval["expected"].to_numpy(dtype=np.float64), index=starts)
    return GeneratedTeam(frame, interval_minutes, TIMEZONE, csv_6min.encode(), expected)
