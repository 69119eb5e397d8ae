"""``staffcast history summary``: what staffcast understood of a history export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.errors import command_guard
from api.cli.options import AsJson, HistoryOptions, with_option_groups

if TYPE_CHECKING:  # imported by the command itself: `staffcast --help` stays quick
    import pandas as pd

    from forecast import HistorySummary
    from forecast.outliers import HistoryOutlier

SHOWN_PER_LIST = 20

history_app = typer.Typer(
    help="Check a history export before forecasting from it.", no_args_is_help=True
)


def _when(stamp: pd.Timestamp, *, day: bool = False) -> str:
    return f"{stamp:%Y-%m-%d (%a)}" if day else f"{stamp:%Y-%m-%d %H:%M %Z}"


def _outlier_table(outliers: tuple[HistoryOutlier, ...], title: str) -> Table:
    table = Table("start", "channel", "volume", "why", title=title)
    for outlier in outliers[:SHOWN_PER_LIST]:
        daily = "daily" in outlier.why
        table.add_row(
            _when(outlier.start, day=daily), outlier.channel, f"{outlier.value:g}", outlier.why
        )
    return table


def _print_summary(
    summary: HistorySummary, expected: tuple[HistoryOutlier, ...], console: Console
) -> None:
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_row("format", summary.source_format)
    if summary.mapping is not None:
        used = ", ".join(
            f"{key}={value}" for key, value in summary.mapping.to_dict().items() if value
        )
        facts.add_row("column mapping", used)
    facts.add_row("channels", ", ".join(summary.channels))
    facts.add_row("from", _when(summary.first_interval))
    facts.add_row("to (last interval)", _when(summary.last_interval))
    source = summary.source_interval_minutes
    facts.add_row(
        "interval",
        f"{summary.interval_minutes} min"
        + (f" (file: {source} min)" if source is not None else " (from per-contact rows)"),
    )
    facts.add_row("rows read", f"{summary.rows_read:,}")
    facts.add_row("duplicates", f"{summary.duplicates:,} (the last row of each key was kept)")
    facts.add_row("closed intervals", f"{summary.closed_intervals:,} (absent, usually quiet: 0)")
    facts.add_row("gaps", f"{len(summary.gaps):,} span(s) of missing data")
    facts.add_row("outliers", f"{len(summary.outliers):,}")
    if expected:
        facts.add_row("on special days", f"{len(expected):,} (unusual, as the calendar expects)")
    console.print(facts)
    if summary.gaps:
        gaps = Table("channel", "missing from", "until", title="Gaps (volume is NaN)")
        for gap in summary.gaps[:SHOWN_PER_LIST]:
            gaps.add_row(gap.channel, _when(gap.start), _when(gap.end))
        console.print(gaps)
    if summary.outliers:
        console.print(_outlier_table(summary.outliers, "Outliers (kept as they are)"))
    if expected:
        console.print(_outlier_table(expected, "Special days (expected, not outliers)"))
    hidden = max(len(summary.gaps), len(summary.outliers)) - SHOWN_PER_LIST
    if hidden > 0:
        console.print(f"(lists cut at {SHOWN_PER_LIST} lines; --json shows everything)")
    for warning in summary.warnings:
        console.print(f"[yellow]note:[/] {warning}", highlight=False)


@history_app.command("summary")
@command_guard
@with_option_groups
def summary(
    history_file: Annotated[
        Path,
        typer.Argument(
            metavar="HISTORY.csv",
            help="Canonical, Genesys Cloud, Amazon Connect or per-contact CSV export, or an "
            "interval report (Date, Interval, Offered, Handled, AHT) with --channel.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    interval_minutes: Annotated[
        int | None,
        typer.Option(metavar="MIN", help="Planning interval: 15, 30 or 60 (default: the file's)."),
    ] = None,
    *,
    source: HistoryOptions,
    as_json: AsJson = False,
) -> None:
    """Print what was understood of HISTORY.csv (channels, range, interval, gaps, duplicates,
    outliers, warnings), or every problem that stops it from being imported.

    With --country or --special-days, unusual volumes on holidays, eves and marked days are
    listed as expected, not as outliers."""
    import dataclasses

    from forecast.outliers import split_by_calendar

    calendar = source.calendar()
    history = source.read(history_file, interval_minutes)
    outliers, expected = split_by_calendar(history.summary.outliers, calendar)
    summary = dataclasses.replace(history.summary, outliers=outliers)
    if as_json:
        document = summary.to_dict()
        document["special_day_outliers"] = [
            {
                "start": outlier.start.isoformat(),
                "channel": outlier.channel,
                "value": outlier.value,
                "why": outlier.why,
            }
            for outlier in expected
        ]
        typer.echo(json.dumps(document, indent=2))
    else:
        _print_summary(summary, expected, Console(highlight=False, soft_wrap=True))


def register(app: typer.Typer) -> None:
    """Add the ``history`` command group to the ``staffcast`` app."""
    app.add_typer(history_app, name="history")
