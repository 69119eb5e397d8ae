"""Options shared by several ``staffcast`` commands, each defined once.

A command that runs the parts of another (``plan`` runs forecast, requirements and schedule)
takes the same aliases, so a flag means the same thing, with the same help, everywhere.
Metavars stay short so that ``--help`` reads at 80 columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

# forecast.selection.ModelName, spelled out so that the option's choices need no import of
# the forecaster (statsmodels); a test checks the two agree.
ModelName = Literal["auto", "seasonal_naive", "weekday_average", "top_down", "combined"]
VolumeColumnName = Literal["volume", "volume_low", "volume_high"]

HistoryFile = Annotated[
    Path,
    typer.Argument(
        metavar="HISTORY.csv",
        help="History CSV (interval_start, channel, volume[, aht_seconds]) or a Genesys "
        "Cloud, Amazon Connect or per-contact export.",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]
IntervalMinutes = Annotated[
    int | None,
    typer.Option(
        metavar="MIN",
        help="Planning interval (15, 30 or 60); finer history is aggregated to it.",
    ),
]
Timezone = Annotated[
    str,
    typer.Option(
        metavar="ZONE", help="IANA timezone of the team; naive timestamps are local to it."
    ),
]
Country = Annotated[
    str | None,
    typer.Option(metavar="CODE", help="Country code for public holidays, e.g. US, GB, DE."),
]
Subdivision = Annotated[
    str | None,
    typer.Option(metavar="CODE", help="State or province code for regional holidays, e.g. CA."),
]
SpecialDays = Annotated[
    Path | None,
    typer.Option(
        metavar="CSV",
        help="CSV of special days: date, name, kind (closed, holiday, eve or event), multiplier.",
    ),
]
Model = Annotated[
    ModelName,
    typer.Option(
        metavar="MODEL",
        help="auto picks per channel by backtest; or force one of seasonal_naive, "
        "weekday_average, top_down, combined.",
    ),
]
DefaultAhtSeconds = Annotated[
    float | None,
    typer.Option(metavar="S", help="AHT for channels whose history has no handle time."),
]
VolumeColumn = Annotated[
    VolumeColumnName,
    typer.Option(
        metavar="COLUMN",
        help="Staff for this forecast column: volume, volume_low or volume_high (the upper band).",
    ),
]
TimeLimitSeconds = Annotated[float, typer.Option(metavar="S", help="Solver wall-clock limit.")]
Seed = Annotated[int, typer.Option(metavar="N", help="Random seed of the solver.")]
Workers = Annotated[int, typer.Option(metavar="N", help="Solver workers (threads).")]
GapPercent = Annotated[
    float, typer.Option(metavar="PCT", help="Stop when this close to the bound (percent).")
]
Deterministic = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help="Budget the solver in deterministic time (same schedule on any machine load; "
        "wall time may exceed the limit).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

# How an interval report without a channel column is read (forecast.column_mapping); columns
# left out are found by their usual names (Date, Interval, Offered, Handled, AHT).
DateOrderName = Literal["us", "day_first", "iso"]
Channel = Annotated[
    str | None,
    typer.Option(
        "--channel",
        metavar="NAME",
        help="Channel of the whole file (one file per queue), e.g. voice.",
    ),
]
DateColumn = Annotated[
    str | None,
    typer.Option(metavar="COL", help="Interval report: the date (or date and time) column."),
]
TimeColumn = Annotated[
    str | None, typer.Option(metavar="COL", help="Interval report: the time-of-day column.")
]
OfferedColumn = Annotated[
    str | None,
    typer.Option(metavar="COL", help="Interval report: the contacts-offered column (volume)."),
]
AhtColumn = Annotated[
    str | None,
    typer.Option(metavar="COL", help="Interval report: the average handle time column."),
]
DateOrder = Annotated[
    DateOrderName | None,
    typer.Option(
        metavar="ORDER",
        help="Interval report dates: us (12/07 = 7 Dec), day_first or iso; default: from the file.",
    ),
]
