"""The input limits: how large a history (or a workload built from one) staffcast accepts.

Declared once, here, for every reader: :mod:`forecast.formats` and :mod:`forecast.history`
refuse an uploaded history past them, and the command line checks a workload file against
them before the staffing math runs. This module imports nothing, so the command line reads it
without loading pandas or statsmodels (``forecast`` resolves its public names lazily).
"""

from typing import Final

MAX_ROWS: Final = 2_000_000  # data rows per file: 19 years of 15-minute rows for 3 channels
MAX_CELL_CHARACTERS: Final = 100  # channel, queue and id labels, timestamps, numbers
MAX_VOLUME_PER_ROW: Final = 100_000  # contacts in one row (one interval of a channel/queue)
MIN_AHT_SECONDS: Final = 1.0  # a handle time above 0 and below this is a unit mistake
MAX_AHT_SECONDS: Final = 86_400.0  # 24 hours
MAX_CHANNELS: Final = 50
MAX_SPAN_DAYS: Final = 3_653  # ten years: the grid is channels x intervals of the whole span
# The instants a history or workload may hold (UTC, ISO 8601): a day inside the years
# 1000-9999 at both ends, so that no UTC offset carries one outside them (pandas can neither
# localize nor print year 10000; the command line's CSV writer formats four-digit years).
# scheduler.calendar holds the same two (the layer contract keeps scheduler off forecast).
EARLIEST_INSTANT: Final = "1000-01-02"
LATEST_INSTANT: Final = "9999-12-30"
# Names and labels are one line of printable text: no line break, tab, NUL byte (which
# PostgreSQL cannot store) or other control character. A regular expression character class.
CONTROL_CHARACTERS: Final = r"[\x00-\x1f\x7f]"
# What every refusal of one says after the value, before its own context.
HOLDS_A_CONTROL_CHARACTER: Final = "holds a control character (a line break, tab or NUL byte)"
