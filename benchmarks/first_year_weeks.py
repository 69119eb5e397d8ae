"""Generated contact centres whose weeks and holidays differ from the US and from Israel.

Two more teams of issue 13's "a non-US calendar" family, beside the Israeli stand-in
(:mod:`benchmarks.first_year_team`), each unlike it in what matters to a holiday forecast. No
data is used; every parameter is the generator's own.

**GULF** - a 24/7 contact centre in the United Arab Emirates, 2018-2019, weekend **Friday and
Saturday** (the UAE's until 2022; the ``holidays`` package lists Saturday-Sunday for every
year, so the forecaster must read the week from the data). Its holidays come single or in
**blocks of two to four days** that move 11 days a year with the lunar calendar (Eid al-Fitr,
Arafah and Eid al-Adha, National Day with Commemoration Day), so they touch the weekend in many
ways; there are no eves.

==================  =========================================  =============================
day                 hours (peaks)                              calls
==================  =========================================  =============================
Sunday-Thursday     night trickle, 08:00-22:00 (10:00, 16:00)  1,600 a day (Sunday x1.15)
Friday (rest day)   quiet until the noon prayer, 14:00-22:00   35% of a working day
Saturday            09:00-21:00 (11:00, 17:00)                 60% of a working day
public holiday      Friday's                                   40% (first day of a block
                                                               25%, its last 50%)
==================  =========================================  =============================

**BRAZIL** - a bank's call centre in Sao Paulo, 2018-2019 (summer time until February 2019),
open **Monday to Friday 08:00-20:00 and Saturday mornings**, closed on Sundays and public
holidays but for a night-and-day trickle (a voice response unit's). The package's **optional**
holidays are partial days off: Carnival Monday and Tuesday (banks close: 30%), Ash Wednesday
(opens at noon: 60%), Corpus Christi (60%), Christmas Eve and New Year's Eve (mornings: 50%).
The days before its holidays are normal days.

==================  =========================================  =============================
day                 hours (peaks)                              calls
==================  =========================================  =============================
Monday-Friday       08:00-20:00 (10:00, 15:00)                 1,500 a day (Monday x1.1)
Saturday            08:00-14:00 (10:00)                        45% of a working day
Sunday, holiday     closed: a trickle all day                  3%
==================  =========================================  =============================

For both: a holiday on a weekend day takes the quieter of the two; the first working day
after a holiday (a weekend between them included) is 15-30% busier (catch-up); holiday and
optional-day levels drawn log-normal (spread 0.25 and 0.2); 10% a year growth, a season of
+-6%; noise beyond Poisson 12% day to day and 20% hour to hour (log-normal), as for the
Israeli team. Ramadan (a month of shorter working hours in the Gulf) is not generated:
``holidays`` does not mark it, and a team would give it as special days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from benchmarks.first_year_team import GeneratedTeam, team_of

SOURCE_MINUTES: Final = 6
CATCH_UP: Final = (0.15, 0.30)
GROWTH_PER_YEAR: Final = 0.10
SEASON_AMPLITUDE: Final = 0.06
DAILY_NOISE: Final = 0.12
HOURLY_NOISE: Final = 0.2
HOLIDAY_SPREAD: Final = 0.25
OPTIONAL_SPREAD: Final = 0.2
TRICKLE: Final = 0.004  # relative rate of every 6 minutes of the day (night, closed days)


@dataclass(frozen=True)
class Hours:
    """When a kind of day is open, and the peaks of its calls.

    Attributes:
        first: opening hour.
        last: closing hour (exclusive).
        peaks: (hour, width in hours, weight) of each bump; ``base``: the flat part.
    """

    first: float
    last: float
    peaks: tuple[tuple[float, float, float], ...]
    base: float = 0.0

    def shape(self, hour: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Relative rate per 6 minutes at each clock ``hour`` (the trickle added)."""
        rate = self.base + sum(
            weight * np.exp(-0.5 * ((hour - centre) / width) ** 2)
            for centre, width, weight in self.peaks
        )
        inside = (hour >= self.first) & (hour < self.last)
        return np.asarray(np.where(inside, rate, 0.0) + TRICKLE, dtype=np.float64)


CLOSED: Final = Hours(0, 0, ())


@dataclass(frozen=True)
class WeekTeam:
    """A generated team (see the module docstring).

    Attributes:
        country: ``holidays`` country code; ``timezone``: IANA name.
        weekend: weekdays off (0 = Monday), for the catch-up after a holiday.
        day_factors: Monday..Sunday calls relative to ``weekday_contacts``.
        day_hours: Monday..Sunday hours.
        holiday: (factor, first of a block, last of a block) of a public holiday.
        holiday_hours: hours of a public holiday.
        optional: optional holiday name -> (factor, hours) on a working day; others normal.
    """

    country: str
    timezone: str
    seed: int
    weekend: tuple[int, ...]
    weekday_contacts: float
    day_factors: tuple[float, ...]
    day_hours: tuple[Hours, ...]
    holiday: tuple[float, float, float]
    holiday_hours: Hours
    optional: Mapping[str, tuple[float, Hours]] = field(default_factory=dict)
    first_day: dt.date = dt.date(2018, 1, 1)
    last_day: dt.date = dt.date(2019, 12, 31)


_GULF_WORK = Hours(8, 22, ((10.0, 1.6, 1.0), (16.0, 2.2, 0.8)))
_GULF_FRIDAY = Hours(14, 22, ((17.0, 1.5, 1.0), (20.0, 1.2, 0.7)), base=0.3)
GULF: Final = WeekTeam(
    country="AE",
    timezone="Asia/Dubai",
    seed=17,
    weekend=(4, 5),
    weekday_contacts=1600.0,
    day_factors=(1.0, 0.96, 0.95, 0.9, 0.35, 0.6, 1.15),
    day_hours=(
        *[_GULF_WORK] * 4,
        _GULF_FRIDAY,
        Hours(9, 21, ((11.0, 1.8, 1.0), (17.0, 2.0, 0.7))),
        _GULF_WORK,
    ),
    holiday=(0.4, 0.25, 0.5),
    holiday_hours=_GULF_FRIDAY,
)

_BRAZIL_WORK = Hours(8, 20, ((10.0, 1.5, 1.0), (15.0, 2.0, 0.9)))
_BRAZIL_MORNING = Hours(8, 14, ((10.0, 1.5, 1.0),), base=0.3)
BRAZIL: Final = WeekTeam(
    country="BR",
    timezone="America/Sao_Paulo",
    seed=5,
    weekend=(5, 6),
    weekday_contacts=1500.0,
    day_factors=(1.1, 1.0, 0.97, 0.95, 0.9, 0.45, 0.03),
    day_hours=(*[_BRAZIL_WORK] * 5, _BRAZIL_MORNING, CLOSED),
    holiday=(0.03, 0.03, 0.03),
    holiday_hours=CLOSED,
    optional={
        "Carnival": (0.3, _BRAZIL_WORK),
        "Ash Wednesday": (0.6, Hours(12, 20, ((15.0, 1.8, 1.0),), base=0.3)),
        "Christmas Eve": (0.5, _BRAZIL_MORNING),
        "New Year's Eve": (0.5, _BRAZIL_MORNING),
        "Corpus Christi": (0.6, _BRAZIL_WORK),
    },
)


def _days_of(
    team: WeekTeam, days: pd.DatetimeIndex, rng: np.random.Generator, spread: float
) -> tuple[npt.NDArray[np.float64], list[Hours]]:
    """Calls of each day relative to ``weekday_contacts``, and its hours."""
    years = range(team.first_day.year - 1, team.last_day.year + 2)
    public = set(holidays.country_holidays(team.country, years=years).keys())
    optional = {
        day: str(name)
        for day, name in holidays.country_holidays(
            team.country, years=years, categories=("optional",)
        ).items()
    }
    factors = np.zeros(len(days))
    hours = []
    for row, stamp in enumerate(days):
        day = stamp.date()
        factor, opening = team.day_factors[day.weekday()], team.day_hours[day.weekday()]
        if day in public:
            before = day - dt.timedelta(days=1) in public
            after = day + dt.timedelta(days=1) in public
            holiday = team.holiday[1] if after and not before else team.holiday[0]
            holiday = team.holiday[2] if before and not after else holiday
            holiday *= rng.lognormal(0.0, spread * HOLIDAY_SPREAD)
            factor, opening = min(factor, holiday), team.holiday_hours
        elif day.weekday() in team.weekend:
            pass
        elif day in optional and optional[day] in team.optional:
            share, opening = team.optional[optional[day]]
            factor *= share * rng.lognormal(0.0, spread * OPTIONAL_SPREAD)
        elif _after_holiday(day, public, team.weekend):
            factor *= 1 + rng.uniform(*CATCH_UP)
        factors[row] = factor
        hours.append(opening)
    return factors, hours


def _after_holiday(day: dt.date, public: set[dt.date], weekend: tuple[int, ...]) -> bool:
    """The first working day after a holiday (a weekend between them included)."""
    previous = day - dt.timedelta(days=1)
    while previous.weekday() in weekend and previous not in public:
        previous -= dt.timedelta(days=1)
    return previous in public


def generate(team: WeekTeam, interval_minutes: int = 30, *, draws: bool = True) -> GeneratedTeam:
    """Draw the team's history; ``draws=False`` sets the noise and the holiday and optional
    spreads to 0, as :func:`benchmarks.first_year_team.generate` does."""
    spread = 1.0 if draws else 0.0
    rng = np.random.default_rng(team.seed)
    days = pd.date_range(team.first_day, team.last_day, freq="D")
    elapsed = np.asarray((days - days[0]).days, dtype=np.float64) / 365.25
    season = 1 + SEASON_AMPLITUDE * np.cos(
        2 * math.pi * (np.asarray(days.day_of_year) - 30) / 365.25
    )
    factors, hours = _days_of(team, days, rng, spread)
    daily = team.weekday_contacts * (1 + GROWTH_PER_YEAR) ** elapsed * season * factors
    daily_noise, hourly_noise = spread * DAILY_NOISE, spread * HOURLY_NOISE
    daily *= rng.lognormal(-(daily_noise**2) / 2, daily_noise, size=len(days))

    first = pd.Timestamp(team.first_day).tz_localize(team.timezone)
    end = pd.Timestamp(team.last_day + dt.timedelta(days=1)).tz_localize(team.timezone)
    instants = pd.date_range(first, end, freq=f"{SOURCE_MINUTES}min", inclusive="left")
    wall = instants.tz_localize(None)
    day_of = np.asarray(days.get_indexer(wall.normalize()), dtype=np.int64)
    clock = np.asarray(wall.hour + wall.minute / 60, dtype=np.float64)
    shape = np.zeros(len(wall))
    for row, opening in enumerate(hours):
        rows = np.flatnonzero(day_of == row)
        shape[rows] = opening.shape(clock[rows])
    totals = np.bincount(day_of, weights=shape, minlength=len(days))
    noise = rng.lognormal(-(hourly_noise**2) / 2, hourly_noise, size=len(days) * 24)
    rate_6min = daily[day_of] * shape / totals[day_of] * noise[day_of * 24 + wall.hour]
    volume = rng.poisson(rate_6min)
    return team_of(instants, volume, rate_6min, interval_minutes, aht_seconds=300.0)
