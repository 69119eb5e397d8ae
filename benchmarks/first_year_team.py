"""A generated 24/7 team with a Friday-Saturday weekend and the Israeli holiday calendar.

Stands in for the undisclosed data set of issue 13 (a bank's call centre, 24/7, one year of
6-minute counts, ~1,200 calls a weekday, a country whose weekend and holidays differ from the
US). Built the way ``scripts/generate_sample.py`` builds the sample, per day::

    daily contacts = base x growth x level shift x season x weekday x holiday effects x noise
    interval rate  = daily contacts x intraday shape of the day's kind (open all day)
    volume         ~ Poisson(interval rate), per 6 minutes

The effects are drawn, not taken from staffcast's model, and vary from holiday to holiday:

- Sunday-Thursday are working days (Sunday the busiest), **Friday** the short day (about 45%
  of a weekday, busy in the morning, quiet from 14:00), **Saturday** the rest day (about 15%,
  flat, picking up after dark).
- **Public holidays** (``holidays`` category *public*): like a Saturday, times a factor drawn
  per holiday and year (log-normal, sd 0.35); Yom Kippur is a near-total closure (6%).
- **Eves** (the day before a public holiday): like a Friday, times a drawn factor (sd 0.25);
  an eve that falls on a Saturday stays a Saturday.
- **Optional holidays** (category *optional*: the intermediate days of Pesach and Sukkot,
  Purim, Remembrance Day...): 55-85% of the day's usual volume, usual shape.
- **Day after** a public holiday on a working day: 10-25% busier (catch-up).
- **Level**: 8% a year growth, a 12% step up on 2025-06-01 (a new product), season +-5%.
- Day-to-day noise 6% (log-normal) on top of the Poisson noise.
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
FIRST_DAY: Final = dt.date(2024, 1, 1)
LAST_DAY: Final = dt.date(2025, 12, 31)
SOURCE_MINUTES: Final = 6
WEEKDAY_CONTACTS: Final = 1200.0
# Monday..Sunday: Sunday-Thursday work, Friday short, Saturday rest.
WEEKDAY_FACTORS: Final = (0.98, 0.95, 0.93, 0.9, 0.45, 0.15, 1.1)
LEVEL_SHIFT: Final = (dt.date(2025, 6, 1), 1.12)
GROWTH_PER_YEAR: Final = 0.08
SEASON_AMPLITUDE: Final = 0.05
DAILY_NOISE: Final = 0.06
HOLIDAY_SPREAD: Final = 0.35
EVE_SPREAD: Final = 0.25
CLOSURES: Final = {"Yom Kippur": 0.06}


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
        expected: the Poisson rate of each interval (by ``interval_start``): the noise floor.
    """

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str
    csv_6min: bytes
    expected: pd.Series


def _kind_of_day(day: dt.date, public: dict[dt.date, str], optional: set[dt.date]) -> str:
    if day in public:
        return "holiday"
    if day + dt.timedelta(days=1) in public:
        return "eve"
    if day in optional:
        return "optional"
    return "normal"


def _shapes(minutes: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.float64]]:
    """Relative arrival rate by minute of the day for a working day, Friday and Saturday."""
    hour = minutes / 60

    def bump(centre: float, width: float) -> npt.NDArray[np.float64]:
        return np.asarray(np.exp(-0.5 * ((hour - centre) / width) ** 2), dtype=np.float64)

    night = 0.02
    work = night + bump(10.0, 1.8) + 0.85 * bump(14.5, 2.0) + 0.35 * bump(20.0, 1.5)
    friday = night + bump(10.5, 1.6) + 0.25 * bump(13.5, 1.0)
    saturday = night + 0.5 * bump(12.0, 3.0) + 0.9 * bump(20.5, 1.6)
    return {"work": work, "friday": friday, "saturday": saturday}


def generate(seed: int = 13, interval_minutes: int = 30) -> GeneratedTeam:
    """Draw the team's history (see the module docstring)."""
    rng = np.random.default_rng(seed)
    years = range(FIRST_DAY.year - 1, LAST_DAY.year + 2)
    public = {
        day: str(name)
        for day, name in holidays.country_holidays(COUNTRY, years=years).items()
        if FIRST_DAY <= day <= LAST_DAY
    }
    optional = set(holidays.country_holidays(COUNTRY, years=years, categories=("optional",)).keys())
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    elapsed = np.asarray((days - days[0]).days, dtype=np.float64) / 365.25
    season = 1 + SEASON_AMPLITUDE * np.cos(
        2 * math.pi * (np.asarray(days.day_of_year) - 20) / 365.25
    )
    shift = np.where(days >= pd.Timestamp(LEVEL_SHIFT[0]), LEVEL_SHIFT[1], 1.0)
    weekday = np.asarray(WEEKDAY_FACTORS)[days.day_of_week]
    base = WEEKDAY_CONTACTS * (1 + GROWTH_PER_YEAR) ** elapsed * season * shift
    daily = base * weekday
    kinds: list[str] = []
    for position, stamp in enumerate(days):
        day = stamp.date()
        kind = _kind_of_day(day, public, optional)
        kinds.append(kind)
        if kind == "holiday":
            factor = CLOSURES.get(public[day], rng.lognormal(0.0, HOLIDAY_SPREAD))
            daily[position] = base[position] * WEEKDAY_FACTORS[5] * factor
        elif kind == "eve" and day.weekday() != 5:  # an eve on the Sabbath stays a Sabbath
            factor = rng.lognormal(0.0, EVE_SPREAD)
            daily[position] = base[position] * WEEKDAY_FACTORS[4] * factor
        elif kind == "optional" and day.weekday() not in (4, 5):
            daily[position] *= rng.uniform(0.55, 0.85)
        else:
            previous = day - dt.timedelta(days=1)
            if previous in public and day.weekday() not in (4, 5):
                daily[position] *= 1 + rng.uniform(0.10, 0.25)
    daily *= rng.lognormal(-(DAILY_NOISE**2) / 2, DAILY_NOISE, size=len(days))

    first = pd.Timestamp(FIRST_DAY).tz_localize(TIMEZONE)
    end = pd.Timestamp(LAST_DAY + dt.timedelta(days=1)).tz_localize(TIMEZONE)
    instants = pd.date_range(first, end, freq=f"{SOURCE_MINUTES}min", inclusive="left")
    wall = instants.tz_localize(None)
    day_of = np.asarray(days.get_indexer(wall.normalize()), dtype=np.int64)
    minutes = np.asarray(wall.hour * 60 + wall.minute, dtype=np.float64)
    shapes = _shapes(minutes)
    kind_of = np.asarray(kinds)[day_of]
    weekday_of = np.asarray(wall.day_of_week)
    rest_like = (kind_of == "holiday") | (weekday_of == 5)
    short_like = ((kind_of == "eve") | (weekday_of == 4)) & ~rest_like
    rate = np.where(
        rest_like, shapes["saturday"], np.where(short_like, shapes["friday"], shapes["work"])
    )
    share = rate / np.bincount(day_of, weights=rate)[day_of]
    rate_6min = daily[day_of] * share
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
    frame = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex(per_interval.index).tz_convert(TIMEZONE),
            "channel": "voice",
            "volume": per_interval["volume"].to_numpy(dtype=np.float64),
            "aht_seconds": 240.0,
        }
    )
    expected = pd.Series(
        per_interval["expected"].to_numpy(dtype=np.float64), index=frame["interval_start"]
    )
    return GeneratedTeam(frame, interval_minutes, TIMEZONE, csv_6min.encode(), expected)


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
