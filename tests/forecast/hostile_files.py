"""History files an attacker (or a broken export) sends, each with the message it must get.

Shared by the importer's tests, the command line's and the service's: every one of them must
be refused with the row, column, value and limit named, before anything large is allocated.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from tests.forecast.history_inputs import csv_text

CANONICAL_HEADER: Final = "interval_start,channel,volume,aht_seconds"
GOOD_ROW: Final = "2026-12-07T09:00,voice,4,300"


class HostileFile(NamedTuple):
    """A file and the start of the first problem it must be refused with."""

    name: str
    content: str
    expected: str


def _canonical(*rows: str) -> str:
    return csv_text(CANONICAL_HEADER, GOOD_ROW, *rows)


HOSTILE_FILES: Final = (
    HostileFile(
        "a 2,000,000-character channel name",
        _canonical(f"2026-12-07T09:15,{'x' * 2_000_000},4,300"),
        "row 3, column `channel`: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (2,000,000 "
        "characters) is longer than the limit of 100 characters",
    ),
    HostileFile(
        "a 101-character queue name",
        csv_text(
            "interval_start,channel,volume,queue",
            f"2026-12-07T09:00,voice,4,{'q' * 101}",
        ),
        "row 2, column `queue`: 'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'... (101 characters) "
        "is longer than the limit of 100 characters",
    ),
    HostileFile(
        "a volume of 1e308",
        _canonical("2026-12-07T09:15,voice,1e308,300"),
        "row 3, column `volume`: '1e308' is above the limit of 100,000 contacts per row",
    ),
    HostileFile(
        "an AHT of 1e308 seconds",
        _canonical("2026-12-07T09:15,voice,4,1e308"),
        "row 3, column `aht_seconds`: '1e308' is above the limit of 86,400 seconds per contact",
    ),
    HostileFile(
        "an AHT of a quarter of a second",
        _canonical("2026-12-07T09:15,voice,4,0.25"),
        "row 3, column `aht_seconds`: '0.25' is below the minimum of 1 seconds per contact",
    ),
    HostileFile(
        "an infinite volume",
        _canonical("2026-12-07T09:15,voice,inf,300"),
        "row 3, column `volume`: 'inf' is not a number",
    ),
    HostileFile(
        "a total handle time of a year for one contact",
        csv_text(
            "interval_start,channel,volume,handle_seconds_total",
            "2026-12-07T09:00,voice,1,31536000",
        ),
        "row 2, column `handle_seconds_total`: '31536000' seconds for 1 contact(s) is "
        "3.154e+07 s each, outside the limits of 1 to 86,400 seconds per contact",
    ),
    HostileFile(
        "51 channels",
        _canonical(*(f"2026-12-07T09:15,queue {number},1,300" for number in range(50))),
        "row 52, column `channel`: 'queue 49' is channel number 51 of 51, more than the limit "
        "of 50 channels",
    ),
    HostileFile(
        "a line break inside a quoted channel name",
        _canonical('2026-12-07T09:15,"voi\nce",4,300'),
        "row 3, column `channel`: 'voi\\nce' holds a control character",
    ),
    HostileFile(
        "a NUL byte in a channel name (PostgreSQL cannot store one)",
        _canonical("2026-12-07T09:15,voi\x00ce,4,300"),
        "row 3, column `channel`: 'voi\\x00ce' holds a control character",
    ),
    HostileFile(
        "the volume column twice",
        csv_text("interval_start,channel,volume,Volume", "2026-12-07T09:00,voice,4,400"),
        "row 1, columns 3 and 4: the header names 'volume' and 'Volume', the same column twice",
    ),
    HostileFile(
        "a time late in the year 9999 (in year 10000 in UTC west of it: a traceback before)",
        _canonical("9999-12-31T23:45,voice,4,300"),
        "row 3, column `interval_start`: '9999-12-31T23:45' is outside 1000-01-02 to "
        "9999-12-30 (UTC), the times a history may hold",
    ),
    HostileFile(
        "two rows two hundred years apart",
        _canonical("2226-12-07T09:15,voice,4,300"),
        "row 3, column `interval_start`: '2226-12-07T09:15' is 73,048 days after row 2",
    ),
)
