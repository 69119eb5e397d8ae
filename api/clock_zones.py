"""The clock a country keeps: its IANA zone when all its zones agree.

A history read as UTC (no ``--timezone`` given, or a team stored with UTC) may hold the team's
wall-clock times, summer-time jumps and all. The forecaster takes the jumps from the zone
given here (:attr:`forecast.calendar.Calendar.clock_zone`) where the history shows them. The
zones of a country come from the system's ``zone.tab`` (the tz database); ``forecast/``
reads no files, so the lookup lives here.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from pathlib import Path
from typing import Final

# Instants at which the zones of one country must agree to count as one clock.
_SAME_CLOCK_CHECKS: Final = tuple(
    dt.datetime(year, month, 15, 12, tzinfo=dt.UTC)
    for year in (1995, 2000, 2005, 2010, 2015, 2020, 2025)
    for month in (1, 4, 7, 10)
)


def zones_of(table: str, country: str) -> list[str]:
    """The zones ``zone.tab`` text lists for ``country`` (ISO 3166 code), in its order."""
    return [
        fields[2]
        for line in table.splitlines()
        if not line.startswith("#") and len(fields := line.split("\t")) >= 3
        if fields[0] == country.upper()
    ]


def one_clock(zones: list[str]) -> str | None:
    """The first of ``zones`` when all that load keep the same UTC offsets (DE: Berlin and
    Busingen), else ``None`` (US, BR: several clocks; none loadable)."""
    clocks: dict[tuple[dt.timedelta | None, ...], str] = {}
    for zone in zones:
        try:
            clock = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        offsets = tuple(instant.astimezone(clock).utcoffset() for instant in _SAME_CLOCK_CHECKS)
        clocks.setdefault(offsets, zone)
    return next(iter(clocks.values())) if len(clocks) == 1 else None


@functools.cache
def country_zone(country: str) -> str | None:
    """The zone of ``country`` when it keeps one clock (IL: Asia/Jerusalem, DE:
    Europe/Berlin), ``None`` for several clocks or where the system has no ``zone.tab``."""
    for directory in zoneinfo.TZPATH:
        try:
            table = (Path(directory) / "zone.tab").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        return one_clock(zones_of(table, country))
    return None
