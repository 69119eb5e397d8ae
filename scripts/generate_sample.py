"""Generate staffcast's sample history: two years of 15-minute contacts of a US support team.

Run from the repository root::

    .venv/bin/python scripts/generate_sample.py            # writes data/sample/
    .venv/bin/python scripts/generate_sample.py --out DIR  # somewhere else

It writes ``history.csv`` (canonical format, naive local timestamps in America/New_York) and
``special_days.csv``; ``data/sample/README.md`` describes both. The output is the same, byte
for byte, on every run: every random draw comes from one ``numpy`` generator seeded with
:data:`SEED`, in a fixed order (for a given numpy version).

The model, per channel and day::

    daily contacts = base x growth x season x weekday x holiday effects x launch x noise
    interval rate  = daily contacts x intraday shape of that weekday (open hours only)
    volume         ~ Poisson(interval rate)
    aht_seconds    = mean of the interval's handle times (hour-of-day profile, noisy)

Only intervals within a channel's regular opening hours are written (email: all day), as
phone and chat systems do; closed holidays and early closes are written as zeros.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

SEED: Final = 20261206
TIMEZONE: Final = "America/New_York"
FIRST_DAY: Final = dt.date(2024, 12, 9)  # a Monday
LAST_DAY: Final = dt.date(2026, 12, 6)  # a Sunday: the next planning week starts 2026-12-07
INTERVAL_MINUTES: Final = 15
GROWTH_PER_YEAR: Final = 0.12
SEASON_AMPLITUDE: Final = 0.08  # busiest mid-January, quietest mid-July
DAILY_NOISE: Final = 0.04  # day-to-day variation beyond Poisson (log-normal sigma)
LAUNCH_DAY: Final = dt.date(2026, 4, 14)
LAUNCH_HOUR: Final = 10
LAUNCH_AFTERMATH: Final = (1.35, 1.15, 1.05)  # the three weekdays after the launch
# An export outage: these local hours are missing from the file for every channel.
OUTAGE: Final = (dt.datetime(2025, 6, 18, 10, 0), dt.datetime(2025, 6, 18, 14, 0))
EVE_CLOSING_HOUR: Final = 15


@dataclass(frozen=True)
class Channel:
    """One channel of the sample team.

    Attributes:
        name: canonical channel name.
        weekday_contacts: contacts on an average weekday at the start of the history.
        weekday_factors: Monday..Sunday relative to ``weekday_contacts``.
        weekday_hours: (open, close) hour on weekdays; None = around the clock.
        weekend_hours: (open, close) hour on Saturday and Sunday; None = around the clock.
        peaks: (hour, width in hours, weight) bumps of the weekday intraday shape.
        aht_seconds: average handle time at midday.
        aht_morning_lift: relative AHT change at 07:00 (longer, harder first contacts).
        holiday_factors: multiplier on a holiday by holiday group (see :data:`HOLIDAY_GROUPS`).
    """

    name: str
    weekday_contacts: float
    weekday_factors: tuple[float, ...]
    weekday_hours: tuple[int, int] | None
    weekend_hours: tuple[int, int] | None
    peaks: tuple[tuple[float, float, float], ...]
    aht_seconds: float
    aht_morning_lift: float
    holiday_factors: dict[str, float]


HOLIDAY_GROUPS: Final = {
    "New Year's Day": "closed",
    "Thanksgiving Day": "closed",
    "Christmas Day": "closed",
    "Independence Day": "summer",
    "Memorial Day": "summer",
    "Labor Day": "summer",
    "Martin Luther King Jr. Day": "minor",
    "Washington's Birthday": "minor",
    "Juneteenth National Independence Day": "minor",
    "Columbus Day": "minor",
    "Veterans Day": "minor",
}

CHANNELS: Final = (
    Channel(
        "voice",
        1800.0,
        (1.18, 1.06, 1.0, 0.97, 0.88, 0.42, 0.30),
        (7, 22),
        (9, 17),
        ((10.5, 1.6, 1.0), (14.5, 2.0, 0.85), (19.0, 1.5, 0.25)),
        330.0,
        0.12,
        {"closed": 0.0, "summer": 0.35, "minor": 0.8},
    ),
    Channel(
        "chat",
        1100.0,
        (1.12, 1.05, 1.0, 0.98, 0.92, 0.55, 0.45),
        (7, 22),
        (9, 18),
        ((11.0, 2.0, 1.0), (15.0, 2.0, 0.8), (20.0, 1.3, 0.45)),
        560.0,
        0.06,
        {"closed": 0.0, "summer": 0.45, "minor": 0.85},
    ),
    Channel(
        "email",
        700.0,
        (1.25, 1.05, 1.0, 0.97, 0.9, 0.45, 0.5),
        None,
        None,
        ((10.0, 2.5, 1.0), (15.0, 2.5, 0.8), (21.0, 2.0, 0.35)),
        420.0,
        0.04,
        {"closed": 0.35, "summer": 0.5, "minor": 0.85},
    ),
)
# Thanksgiving week, Monday..Friday (Thursday is the holiday itself).
THANKSGIVING_WEEK: Final = {
    "voice": (0.92, 0.9, 0.8, 0.0, 0.65),
    "chat": (0.93, 0.9, 0.82, 0.0, 0.7),
    "email": (0.6, 0.55, 0.5, 0.3, 0.4),
}
EVE_FACTOR: Final = {"voice": 0.6, "chat": 0.65, "email": 0.6}  # Dec 24 and Dec 31
YEAR_END_LULL: Final = 0.8  # Dec 26..30, before any catch-up
CATCH_UP_RANGE: Final = (0.15, 0.30)  # the first open weekday after a weekday holiday
LAUNCH_FACTOR: Final = {"voice": 1.8, "chat": 1.9, "email": 1.5}


def _us_holidays() -> dict[dt.date, str]:
    """US federal holidays on the days they are observed (a Saturday one moves to Friday)."""
    found = holidays.country_holidays("US", years=range(FIRST_DAY.year - 1, LAST_DAY.year + 1))
    days: dict[dt.date, str] = {}
    for day, name in sorted(found.items()):
        days[day] = str(name).removesuffix(" (observed)")
    return days


def _day_factors(
    days: pd.DatetimeIndex, channel: Channel, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """Daily contacts of ``channel`` for each day of ``days`` (before Poisson noise)."""
    years = np.asarray((days - pd.Timestamp(FIRST_DAY)).days, dtype=np.float64) / 365.25
    day_of_year = np.asarray(days.day_of_year, dtype=np.float64)
    season = 1 + SEASON_AMPLITUDE * np.cos(2 * math.pi * (day_of_year - 15) / 365.25)
    weekday = np.asarray(channel.weekday_factors)[days.day_of_week]
    factor = channel.weekday_contacts * (1 + GROWTH_PER_YEAR) ** years * season * weekday
    public = _us_holidays()
    catch_up = rng.uniform(*CATCH_UP_RANGE, size=len(public))
    catch_up_of = dict(zip(sorted(public), catch_up, strict=True))
    for position, stamp in enumerate(days):
        day = stamp.date()
        factor[position] *= _special_factor(day, channel, public, catch_up_of)
    noise = rng.lognormal(-(DAILY_NOISE**2) / 2, DAILY_NOISE, size=len(days))
    return np.asarray(factor * noise, dtype=np.float64)


def _thanksgiving_weekday(day: dt.date, public: dict[dt.date, str]) -> int | None:
    """0..4 for Monday..Friday of a Thanksgiving week, else None."""
    monday = day - dt.timedelta(days=day.weekday())
    if day.weekday() < 5 and public.get(monday + dt.timedelta(days=3)) == "Thanksgiving Day":
        return day.weekday()
    return None


def _special_factor(
    day: dt.date, channel: Channel, public: dict[dt.date, str], catch_up: dict[dt.date, float]
) -> float:
    """Holiday, eve, Thanksgiving week, year-end, catch-up and launch effects of one day."""
    thanksgiving_weekday = _thanksgiving_weekday(day, public)
    if thanksgiving_weekday is not None:
        return THANKSGIVING_WEEK[channel.name][thanksgiving_weekday]
    if day in public:
        return channel.holiday_factors[HOLIDAY_GROUPS[public[day]]]
    factor = 1.0
    if (day.month, day.day) in {(12, 24), (12, 31)}:
        factor *= EVE_FACTOR[channel.name]
    if day.month == 12 and 26 <= day.day <= 30:
        factor *= YEAR_END_LULL
    previous_weekday = day - dt.timedelta(days=3 if day.weekday() == 0 else 1)
    if day.weekday() < 5 and previous_weekday in public:
        factor *= 1 + catch_up[previous_weekday]
    if day.weekday() == 0 and _thanksgiving_weekday(day - dt.timedelta(days=7), public) == 0:
        factor *= 1.25  # the Monday after Thanksgiving: the week's backlog arrives
    if day == LAUNCH_DAY:
        factor *= LAUNCH_FACTOR[channel.name]
    aftermath = [LAUNCH_DAY + dt.timedelta(days=n) for n in range(1, len(LAUNCH_AFTERMATH) + 1)]
    if day in aftermath:
        factor *= LAUNCH_AFTERMATH[aftermath.index(day)]
    return factor


def _shape(
    minute: npt.NDArray[np.float64], channel: Channel, weekend: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """Relative arrival rate by minute of the day: a floor plus Gaussian bumps."""
    hour = minute / 60
    weekday_rate = 0.08 + sum(
        weight * np.exp(-0.5 * ((hour - centre) / width) ** 2)
        for centre, width, weight in channel.peaks
    )
    weekend_rate = 0.08 + np.exp(-0.5 * ((hour - 12.5) / 3.0) ** 2)
    return np.where(weekend, weekend_rate, weekday_rate)


def _open(
    minute: npt.NDArray[np.int64], weekend: npt.NDArray[np.bool_], channel: Channel
) -> npt.NDArray[np.bool_]:
    """Regular opening hours (the intervals a phone or chat system exports)."""
    opened = np.ones(minute.shape, dtype=bool)
    for hours, mask in ((channel.weekday_hours, ~weekend), (channel.weekend_hours, weekend)):
        if hours is not None:
            inside = (minute >= hours[0] * 60) & (minute < hours[1] * 60)
            opened &= inside | ~mask
    return opened


def generate(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample history (canonical columns, rows as written) and its special days."""
    first = pd.Timestamp(FIRST_DAY).tz_localize(TIMEZONE)
    end = pd.Timestamp(LAST_DAY + dt.timedelta(days=1)).tz_localize(TIMEZONE)
    instants = pd.date_range(first, end, freq=f"{INTERVAL_MINUTES}min", inclusive="left")
    wall = instants.tz_localize(None)
    days = wall.normalize()
    day_index = pd.DatetimeIndex(days.unique())
    day_of = np.asarray(day_index.get_indexer(days), dtype=np.int64)
    minute = np.asarray(wall.hour * 60 + wall.minute, dtype=np.int64)
    weekend = np.asarray(wall.day_of_week >= 5)
    public = _us_holidays()
    eve = np.asarray([(d.month, d.day) in {(12, 24), (12, 31)} for d in wall.date])
    closed_day = np.asarray(
        [HOLIDAY_GROUPS.get(public.get(d, ""), "") == "closed" for d in wall.date]
    )
    outage = np.asarray((wall >= pd.Timestamp(OUTAGE[0])) & (wall < pd.Timestamp(OUTAGE[1])))
    frames = []
    for channel in CHANNELS:
        daily = _day_factors(day_index, channel, rng)
        opened = _open(minute, weekend, channel)
        rate = _shape(minute.astype(np.float64), channel, weekend) * opened
        if channel.weekday_hours is not None:
            rate = np.where(eve & (minute >= EVE_CLOSING_HOUR * 60), 0.0, rate)
            rate = np.where(closed_day, 0.0, rate)
        launch = np.asarray(days == pd.Timestamp(LAUNCH_DAY)) & (minute >= LAUNCH_HOUR * 60)
        rate = np.where(launch, rate * 1.6, rate)
        share = rate / np.maximum(np.bincount(day_of, weights=rate)[day_of], 1e-12)
        volume = rng.poisson(daily[day_of] * share)
        hour = minute / 60
        mean_aht = channel.aht_seconds * (
            1 + channel.aht_morning_lift * np.cos(2 * math.pi * (hour - 7) / 24)
        )
        mean_aht *= np.where(weekend, 1.05, 1.0) * np.where(launch, 1.15, 1.0)
        spread = 0.7 * mean_aht / np.sqrt(np.maximum(volume, 1))
        aht = np.maximum(mean_aht + rng.normal(0.0, 1.0, size=volume.size) * spread, 30.0)
        written = opened & ~outage
        frames.append(
            pd.DataFrame(
                {
                    "instant": instants[written],
                    "interval_start": wall[written].strftime("%Y-%m-%dT%H:%M"),
                    "channel": channel.name,
                    "volume": volume[written],
                    "aht_seconds": np.where(volume[written] > 0, np.round(aht[written], 1), np.nan),
                }
            )
        )
    history = pd.concat(frames).sort_values(["instant", "channel"], kind="stable")
    special_days = pd.DataFrame(
        {
            "date": [LAUNCH_DAY.isoformat()],
            "name": ["Product launch"],
            "kind": ["event"],
            "multiplier": [LAUNCH_FACTOR["voice"]],
        }
    )
    return history.drop(columns="instant"), special_days


def write_sample(out: Path) -> int:
    """Write ``history.csv`` and ``special_days.csv`` into ``out``; return the history rows."""
    out.mkdir(parents=True, exist_ok=True)
    history, special_days = generate(np.random.default_rng(SEED))
    history.to_csv(out / "history.csv", index=False, lineterminator="\n", float_format="%.1f")
    special_days.to_csv(out / "special_days.csv", index=False, lineterminator="\n")
    return len(history)


def main() -> None:
    """Write the sample files where ``--out`` says (default ``data/sample``)."""
    parser = argparse.ArgumentParser(description="Generate staffcast's sample history.")
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder")
    out: Path = parser.parse_args().out
    rows = write_sample(out)
    print(f"wrote {rows} rows to {out / 'history.csv'} and {out / 'special_days.csv'}")


if __name__ == "__main__":
    main()
