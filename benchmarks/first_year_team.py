"""A generated bank call centre shaped like the Technion "Anonymous Bank" (Israel, 1999).

Stands in for the undisclosed data set of issue 13 (a bank's call centre, 24/7, one year of
6-minute counts, ~1,200 calls a day, a country whose weekend and holidays differ from the
US). That description matches the public "Anonymous Bank" call-centre data of the Technion SEE
lab (Brown et al. 2005, JASA 100:36-50; 6-minute counts in the R package Rfssa), whose
documentation gives its hours: **Sunday to Thursday 07:00-24:00, Friday until 14:00, closed on
the Sabbath until it ends (about 20:00 on Saturday)**; the voice response unit (VRU) answers 24
hours a day, 7 days a week; about 444,000 calls in 1999, ~1,200 a day. No data of it is used
here: the generator follows those documented hours and the Jewish day (which runs from evening
to evening) with parameters of its own, for 1998-1999 with the ``holidays`` package's Israeli
calendar. Per day::

    calls in open hours = base x growth x level shift x season x day factor x noise
    6-minute rate       = calls x shape of the day's part (open hours only)
                          x hourly noise + the VRU's all-day trickle
    volume              ~ Poisson(6-minute rate)

**The day's part** depends on whether the day itself and the day after are *rest days* (the
Sabbath or a public holiday; ``holidays`` category *public*), since a rest day starts at dusk
the evening before and ends at dusk:

==================  ========================  ==============================================
day / next day      examples                  open hours, calls
==================  ========================  ==============================================
work / work         Sunday-Thursday           07:00-24:00, 1,250 a day (Sunday x1.1)
work / rest         Friday, an eve            07:00-14:00, 36% of a weekday
rest / work         Saturday, a holiday       from dusk + 45 min to 24:00, 12% of a weekday
                                              (more when dusk is early)
rest / rest         a holiday on a Friday,    closed: the VRU's trickle only (~30 calls)
                    the first of two holidays
==================  ========================  ==============================================

Per holiday and eve a factor is drawn (log-normal, sd 0.3 and 0.2); Yom Kippur's evening is
half a Saturday's. **Optional holidays** (category *optional*: the intermediate days of Pesach
and Sukkot, Purim, Remembrance Day...) run at 55-85% of a working day; a working day **after a
public holiday** 10-25% busier (catch-up). **Level**: 8% a year growth, a 12% step up on
1999-06-01 (a new product), season +-5%. **Noise** beyond Poisson: 12% day to day and 20%
hour to hour (log-normal), the overdispersion call-centre counts show (Jongbloed and Koole
2001; Brown et al. 2005 model a random daily rate).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

TIMEZONE: Final = "Asia/Jerusalem"
COUNTRY: Final = "IL"
FIRST_DAY: Final = dt.date(1998, 1, 1)
LAST_DAY: Final = dt.date(1999, 12, 31)
SOURCE_MINUTES: Final = 6
WEEKDAY_CONTACTS: Final = 1250.0
# Monday..Sunday on a working day (Sunday, the first day of the week, the busiest).
WORKDAY_FACTORS: Final = (1.0, 0.97, 0.95, 0.92, 0.95, 0.95, 1.1)
SHORT_DAY_SHARE: Final = 0.36
EVENING_SHARE: Final = 0.12
EVENING_TYPICAL_HOURS: Final = 4.0
VRU_CALLS_PER_DAY: Final = 30.0
LATITUDE: Final = 32.08  # Tel Aviv
LONGITUDE: Final = 34.78
REOPEN_AFTER_DUSK_MINUTES: Final = 45
LEVEL_SHIFT: Final = (dt.date(1999, 6, 1), 1.12)
GROWTH_PER_YEAR: Final = 0.08
SEASON_AMPLITUDE: Final = 0.05
DAILY_NOISE: Final = 0.12
HOURLY_NOISE: Final = 0.2
HOLIDAY_SPREAD: Final = 0.3
EVE_SPREAD: Final = 0.2
EVENING_FACTORS: Final = {"Yom Kippur": 0.5}


@dataclass(frozen=True)
class GeneratedTeam:
    """The generated history, shaped like ``forecast.history.History`` for the forecaster.

    Attributes:
        frame: ``interval_start`` (aware, in :data:`TIMEZONE`), ``channel``, ``volume``,
            ``aht_seconds``, per ``interval_minutes``.
        interval_minutes: the planning interval.
        timezone: IANA name.
        csv_6min: the same counts per 6 minutes as a canonical CSV (naive local times), for
            timing the whole import.
        expected: the Poisson rate of each interval, noise included (by ``interval_start``):
            the noise floor.
    """

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str
    csv_6min: bytes
    expected: pd.Series


def dusk_minutes(days: pd.DatetimeIndex) -> npt.NDArray[np.float64]:
    """Local clock minutes of sunset in Tel Aviv (declination and equation-of-time
    approximations, good to a few minutes), with the day's UTC offset (summer time)."""
    day_of_year = np.asarray(days.day_of_year, dtype=np.float64)
    angle = 2 * math.pi * (day_of_year - 81) / 365.0
    declination = math.radians(23.44) * np.sin(angle)
    equation_minutes = 9.87 * np.sin(2 * angle) - 7.53 * np.cos(angle) - 1.5 * np.sin(angle)
    cos_hour = -math.tan(math.radians(LATITUDE)) * np.tan(declination)
    hour_angle = np.degrees(np.arccos(np.clip(cos_hour, -1, 1)))
    solar_noon_utc = 720 - 4 * LONGITUDE - equation_minutes
    noon = days + pd.Timedelta(hours=12)
    offsets = np.asarray(
        (noon - noon.tz_localize(TIMEZONE).tz_convert("UTC").tz_localize(None)).total_seconds() / 60
    )
    return np.asarray(solar_noon_utc + 4 * hour_angle + offsets, dtype=np.float64)


def _parts(days: pd.DatetimeIndex, public: dict[dt.date, str]) -> list[str]:
    """``work``, ``short``, ``evening`` or ``closed`` per day (see the module docstring)."""

    def rest(day: dt.date) -> bool:
        return day.weekday() == 5 or day in public

    parts = []
    for stamp in days:
        day = stamp.date()
        today, tomorrow = rest(day), rest(day + dt.timedelta(days=1))
        parts.append(
            ("closed" if tomorrow else "evening") if today else ("short" if tomorrow else "work")
        )
    return parts


def _day_factors(
    days: pd.DatetimeIndex,
    parts: list[str],
    public: dict[dt.date, str],
    optional: set[dt.date],
    rng: np.random.Generator,
    spread: float,
) -> npt.NDArray[np.float64]:
    """Calls in open hours relative to the day's base level (``spread``: 1 for the holiday and
    eve spreads as set, 0 for none)."""
    dusk = dusk_minutes(days)
    factors = np.zeros(len(days))
    for row, (stamp, part) in enumerate(zip(days, parts, strict=True)):
        day = stamp.date()
        if part == "work":
            factor = WORKDAY_FACTORS[day.weekday()]
            if day in optional:
                factor *= rng.uniform(0.55, 0.85)
            elif day - dt.timedelta(days=1) in public:
                factor *= 1 + rng.uniform(0.10, 0.25)
        elif part == "short":
            factor = SHORT_DAY_SHARE
            if day + dt.timedelta(days=1) in public:
                factor *= rng.lognormal(0.0, spread * EVE_SPREAD)
        elif part == "evening":
            hours = (1440 - dusk[row] - REOPEN_AFTER_DUSK_MINUTES) / 60
            factor = EVENING_SHARE * math.sqrt(hours / EVENING_TYPICAL_HOURS)
            if day in public:
                factor *= EVENING_FACTORS.get(
                    public[day], rng.lognormal(0.0, spread * HOLIDAY_SPREAD)
                )
        else:
            factor = 0.0
        factors[row] = factor
    return factors


def _open_shape(
    minutes: npt.NDArray[np.float64], part: npt.NDArray[np.str_], opening: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Relative arrival rate per 6 minutes inside the day part's open hours (0 outside)."""
    hour = minutes / 60

    def bump(centre: float | npt.NDArray[np.float64], width: float) -> npt.NDArray[np.float64]:
        return np.asarray(np.exp(-0.5 * ((hour - centre) / width) ** 2), dtype=np.float64)

    work = 0.1 + bump(10.0, 1.8) + 0.85 * bump(14.5, 2.0) + 0.35 * bump(20.0, 1.5)
    short = 0.1 + bump(10.0, 1.6) + 0.3 * bump(12.5, 1.0)
    evening = 0.5 + bump(opening / 60 + 1.0, 1.5)
    shape = np.where(
        part == "work",
        work * (hour >= 7),
        np.where(
            part == "short",
            short * ((hour >= 7) & (hour < 14)),
            np.where(part == "evening", evening * (minutes >= opening), 0.0),
        ),
    )
    return np.asarray(shape, dtype=np.float64)


def generate(seed: int = 13, interval_minutes: int = 30, *, draws: bool = True) -> GeneratedTeam:
    """Draw the team's history (see the module docstring). With ``draws=False`` the daily and
    hourly noise and the holiday and eve spreads are 0 (the same random numbers are drawn,
    so the optional holidays and days after match): ``expected`` is then what a forecast
    that knew the generator's formula, but none of its random draws, would give."""
    spread = 1.0 if draws else 0.0
    rng = np.random.default_rng(seed)
    years = range(FIRST_DAY.year - 1, LAST_DAY.year + 2)
    public = {
        day: str(name) for day, name in holidays.country_holidays(COUNTRY, years=years).items()
    }
    optional = set(holidays.country_holidays(COUNTRY, years=years, categories=("optional",)).keys())
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    parts = _parts(days, public)
    elapsed = np.asarray((days - days[0]).days, dtype=np.float64) / 365.25
    season = 1 + SEASON_AMPLITUDE * np.cos(
        2 * math.pi * (np.asarray(days.day_of_year) - 20) / 365.25
    )
    shift = np.where(days >= pd.Timestamp(LEVEL_SHIFT[0]), LEVEL_SHIFT[1], 1.0)
    growth = (1 + GROWTH_PER_YEAR) ** elapsed
    base = WEEKDAY_CONTACTS * growth * season * shift
    daily = base * _day_factors(days, parts, public, optional, rng, spread)
    daily_noise, hourly_noise = spread * DAILY_NOISE, spread * HOURLY_NOISE
    daily *= rng.lognormal(-(daily_noise**2) / 2, daily_noise, size=len(days))

    first = pd.Timestamp(FIRST_DAY).tz_localize(TIMEZONE)
    end = pd.Timestamp(LAST_DAY + dt.timedelta(days=1)).tz_localize(TIMEZONE)
    instants = pd.date_range(first, end, freq=f"{SOURCE_MINUTES}min", inclusive="left")
    wall = instants.tz_localize(None)
    day_of = np.asarray(days.get_indexer(wall.normalize()), dtype=np.int64)
    minutes = np.asarray(wall.hour * 60 + wall.minute, dtype=np.float64)
    opening = (dusk_minutes(days) + REOPEN_AFTER_DUSK_MINUTES)[day_of]
    shape = _open_shape(minutes, np.asarray(parts)[day_of], opening)
    hour_of = day_of * 24 + np.asarray(wall.hour)
    noise = rng.lognormal(-(hourly_noise**2) / 2, hourly_noise, size=len(days) * 24)
    totals = np.bincount(day_of, weights=shape, minlength=len(days))
    share = np.divide(shape, totals[day_of], out=np.zeros_like(shape), where=totals[day_of] > 0)
    trickle = VRU_CALLS_PER_DAY * growth[day_of] * SOURCE_MINUTES / 1440
    rate_6min = daily[day_of] * share * noise[hour_of] + trickle
    volume = rng.poisson(rate_6min)
    aht = np.where(volume > 0, 240.0, np.nan)
    csv_6min = pd.DataFrame(
        {
            "interval_start": wall.strftime("%Y-%m-%dT%H:%M"),
            "channel": "voice",
            "volume": volume,
            "aht_seconds": aht,
        }
    ).to_csv(index=False, lineterminator="\n", float_format="%.1f")
    return team_of(
        instants, volume, rate_6min, interval_minutes, aht_seconds=240.0, csv_6min=csv_6min
    )


def team_of(
    instants: pd.DatetimeIndex,
    volume: npt.NDArray[np.int64],
    rate_6min: npt.NDArray[np.float64],
    interval_minutes: int,
    *,
    aht_seconds: float,
    csv_6min: str = "",
) -> GeneratedTeam:
    """A generated team from its 6-minute counts and rates at ``instants`` (aware, in the
    team's zone), summed per planning interval."""
    timezone = str(instants.tz)
    per_interval = (
        pd.DataFrame(
            {
                "interval_start": instants.tz_convert("UTC").floor(f"{interval_minutes}min"),
                "volume": volume,
                "expected": rate_6min,
            }
        )
        .groupby("interval_start", sort=True)[["volume", "expected"]]
        .sum()
    )
    starts = pd.DatetimeIndex(per_interval.index).tz_convert(timezone)
    frame = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "volume": per_interval["volume"].to_numpy(dtype=np.float64),
            "aht_seconds": aht_seconds,
        }
    )
    expected = pd.Series(per_interval["expected"].to_numpy(dtype=np.float64), index=starts)
    return GeneratedTeam(frame, interval_minutes, timezone, csv_6min.encode(), expected)


def poisson_floor(expected: npt.NDArray[np.float64]) -> float:
    """WAPE of a forecast that knows every interval's Poisson rate: sum E|X - rate| / sum rate,
    with E|X - l| = 2 e^-l l^(k+1) / k!, k = floor(l) (the mean absolute deviation of a
    Poisson variable)."""
    rates = expected[expected > 0]
    floor = np.floor(rates)
    log_mad = math.log(2) - rates + (floor + 1) * np.log(rates) - _log_factorial(floor)
    return float(np.exp(log_mad).sum() / rates.sum())


def _log_factorial(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray([math.lgamma(value + 1) for value in values], dtype=np.float64)
