"""``staffcast forecast`` (volume, band and AHT per interval) and ``staffcast backtest``."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.errors import command_guard, fail
from api.cli.files import write_table
from api.cli.options import (
    AsJson,
    DefaultAhtSeconds,
    HistoryFile,
    HistoryOptions,
    IntervalMinutes,
    Model,
    ModelName,
    with_option_groups,
)
from forecast.limits import MAX_AHT_SECONDS, MIN_AHT_SECONDS

__all__ = ["ModelName", "check_default_aht", "progress_bar"]

if TYPE_CHECKING:  # imported by each command itself: `staffcast --help` stays quick
    import pandas as pd

    from forecast.accuracy import Accuracy
    from forecast.backtest import AccuracyReport


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, driven by ``(done, total)`` callbacks."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


DEFAULT_AHT_OPTION = "--default-aht-seconds"


def check_default_aht(default_aht_seconds: float | None) -> None:
    """Stop on a default AHT outside the bounds of an uploaded handle time
    (:mod:`forecast.limits`)."""
    if default_aht_seconds is not None and not (
        MIN_AHT_SECONDS <= default_aht_seconds <= MAX_AHT_SECONDS
    ):
        fail(
            f"{DEFAULT_AHT_OPTION} {default_aht_seconds:g} must be a number of seconds from "
            f"{MIN_AHT_SECONDS:g} to {MAX_AHT_SECONDS:g}"
        )


def _mean_aht(workload: pd.DataFrame, channel: str) -> float:
    """The volume-weighted AHT of ``channel`` in the written workload (after any default AHT
    was filled in), NaN when nothing is expected."""
    rows = workload[workload["channel"] == channel]
    known = rows["aht_seconds"].notna() & (rows["volume"] > 0)
    volume = float(rows.loc[known, "volume"].sum())
    if volume <= 0:
        return float("nan")
    return float((rows.loc[known, "volume"] * rows.loc[known, "aht_seconds"]).sum()) / volume


@command_guard
@with_option_groups
def forecast_command(
    history: HistoryFile,
    start: Annotated[
        dt.datetime, typer.Option(help="First day to forecast (YYYY-MM-DD).", formats=["%Y-%m-%d"])
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the CSV.")],
    days: Annotated[int, typer.Option(help="Number of days to forecast.")] = 7,
    interval_minutes: IntervalMinutes = None,
    *,
    source: HistoryOptions,
    model: Model = "auto",
    default_aht_seconds: DefaultAhtSeconds = None,
) -> None:
    """Forecast volume (with a 10th-90th percentile band) and AHT per channel and interval.

    History on or after --start is ignored. The output feeds `staffcast requirements`.
    """
    check_default_aht(default_aht_seconds)
    import numpy as np

    from api.jobs.pipeline import fill_unknown_aht
    from forecast.forecaster import forecast_workload

    calendar = source.calendar()
    parsed = source.read(history, interval_minutes)
    with progress_bar("Forecasting channels") as progress:
        result = forecast_workload(
            parsed,
            start=start.date(),
            days=days,
            calendar=calendar,
            model=model,
            on_progress=progress,
        )
    fill_unknown_aht(result.workload, default_aht_seconds, option=DEFAULT_AHT_OPTION)
    write_table(result.workload, output)
    summary = Table(title=f"Forecast {start.date()} + {days} days -> {output}")
    summary.add_column("channel")
    summary.add_column("model (backtest WAPE)")
    for column in ("contacts", "busiest interval (10-90%)", "AHT (s)"):
        summary.add_column(column, justify="right")
    for channel in result.channels:
        wape = channel.selection_wape.get(channel.model)
        busiest = divmod(int(np.argmax(channel.volume)), channel.volume.shape[1])
        aht = _mean_aht(result.workload, channel.channel)
        summary.add_row(
            channel.channel,
            channel.model + (f" ({wape:.1%})" if wape is not None else " (no backtest)"),
            f"{channel.volume.sum():,.0f}",
            f"{channel.volume[busiest]:,.1f} ({channel.volume_low[busiest]:,.0f}-"
            f"{channel.volume_high[busiest]:,.0f})",
            "-" if not math.isfinite(aht) else f"{aht:,.0f}",
        )
    console = Console(highlight=False)
    console.print(summary)
    for channel in result.channels:
        for note in channel.notes:
            console.print(f"note: {note}", markup=False)


def _percent(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.1%}"


def _signed(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:+.1%}"


_LABELS = {"seasonal_naive": "seasonal naive", "weekday_average_plain": "4-weekday mean"}
_DAY_TYPE_LABELS = {
    "normal": "normal",
    "holiday": "holiday",
    "eve": "eve",
    "day_after": "day after",
}


def _metric_rows(results: tuple[Accuracy, ...]) -> list[list[str]]:
    """One row per metric, one column per model."""
    first = results[0]
    weeks = max(len(result.wape_interval_by_week) for result in results)
    rows = [
        [f"WAPE interval, week {week + 1}"]
        + [
            _percent(r.wape_interval_by_week[week] if week < len(r.wape_interval_by_week) else None)
            for r in results
        ]
        for week in range(weeks)
    ]
    rows.append(["WAPE daily"] + [_percent(r.wape_daily) for r in results])
    rows.append(["MASE"] + [f"{r.mase:.3f}" if math.isfinite(r.mase) else "-" for r in results])
    rows.append(["bias"] + [_signed(r.bias) for r in results])
    for day_type, label in _DAY_TYPE_LABELS.items():
        count = first.days_by_day_type.get(day_type, 0)
        rows.append(
            [f"bias {label} ({count} d)"]
            + [_signed(r.bias_by_day_type.get(day_type)) for r in results]
        )
    for day_type, label in _DAY_TYPE_LABELS.items():
        count = first.days_by_day_type.get(day_type, 0)
        rows.append(
            [f"WAPE interval, {label} ({count} d)"]
            + [_percent(r.wape_by_day_type.get(day_type)) for r in results]
        )
    rows.append(["in 10-90% band"] + [_percent(r.coverage) for r in results])
    return rows


def _print_report(report: AccuracyReport) -> None:
    console = Console(highlight=False)
    for channel in report.channels:
        used = ", ".join(f"{name} x{count}" for name, count in channel.models_used.items())
        table = Table(
            title=(
                f"{channel.channel}: {len(channel.origins)} weekly origins "
                f"{channel.origins[0]} to {channel.origins[-1]}, {channel.horizon_days}-day "
                f"horizon, {report.interval_minutes}-min intervals; models used: {used}"
            ),
            title_justify="left",
        )
        table.add_column("metric")
        for result in channel.results:
            table.add_column(_LABELS.get(result.model, result.model), justify="right")
        for row in _metric_rows(channel.results):
            table.add_row(*row)
        console.print(table)
        for flag in channel.unseen_holidays:
            outcome = (
                f"forecast {flag.forecast:,.0f}, actual {flag.actual:,.0f}"
                if flag.actual is not None
                else f"forecast {flag.forecast:,.0f}, actual unknown (gap)"
            )
            console.print(
                f"flag: {channel.channel}: {flag.name!r} on {flag.date} (origin {flag.origin}) was "
                f"never seen in the history before; {flag.assumption}; {outcome}",
                markup=False,
            )
    console.print(
        "WAPE = sum|forecast - actual| / sum actual. MASE < 1 beats the seasonal naive (same "
        "slot last week) on the same intervals. Bias > 0 over-forecasts; (n d) = backtested "
        "days of that type. In band: share of open intervals inside the 10th-90th percentile "
        "band (0.80 when calibrated). The baselines have no holiday handling.",
        markup=False,
    )


@command_guard
@with_option_groups
def backtest_command(
    history: HistoryFile,
    days: Annotated[int, typer.Option(help="Horizon: days forecast from each origin.")] = 14,
    origins: Annotated[int, typer.Option(help="Number of weekly forecast origins.")] = 8,
    interval_minutes: IntervalMinutes = None,
    *,
    source: HistoryOptions,
    model: Model = "auto",
    as_json: AsJson = False,
) -> None:
    """Accuracy report: re-run the forecast at past weekly origins and compare with what
    happened (WAPE, MASE, bias by day type, band coverage), next to plain baselines."""
    from forecast.backtest import backtest

    calendar = source.calendar()
    parsed = source.read(history, interval_minutes)
    with progress_bar("Backtesting origins") as progress:
        report = backtest(
            parsed,
            calendar=calendar,
            model=model,
            horizon_days=days,
            origins=origins,
            on_progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report)


def register(app: typer.Typer) -> None:
    """Add the forecasting commands to the ``staffcast`` application."""
    app.command("forecast")(forecast_command)
    app.command("backtest")(backtest_command)
