"""``staffcast plan``: history -> forecast -> requirements -> schedule, all files in one folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from api.cli.errors import command_guard, fail
from api.cli.files import read_toml, write_table
from api.cli.forecasting import (
    calendar_from_options,
    check_default_aht,
    column_mapping_from_options,
    fill_unknown_aht,
    progress_bar,
    read_history_file,
)
from api.cli.options import (
    AhtColumn,
    Channel,
    Country,
    DateColumn,
    DateOrder,
    DefaultAhtSeconds,
    Deterministic,
    GapPercent,
    HistoryFile,
    Model,
    OfferedColumn,
    Seed,
    SpecialDays,
    Subdivision,
    TimeColumn,
    TimeLimitSeconds,
    Timezone,
    VolumeColumn,
    Workers,
)
from api.cli.scheduling import (
    bound_phrase,
    coverage_table,
    read_agents,
    read_rules,
    schedule_table,
    service_level_line,
    solve_with_progress,
    solver_options,
    summary_dict,
)

if TYPE_CHECKING:  # imported by the command itself: `staffcast --help` stays quick
    import pandas as pd

    from forecast.calendar import Calendar
    from scheduler.staffing import Targets


@command_guard
def plan(
    history: HistoryFile,
    week_start: Annotated[
        dt.datetime,
        typer.Option(
            metavar="DATE", help="Monday of the week to plan (YYYY-MM-DD).", formats=["%Y-%m-%d"]
        ),
    ],
    targets: Annotated[Path, typer.Option(metavar="TOML", help="Service targets (TOML).")],
    rules: Annotated[Path, typer.Option(metavar="TOML", help="Scheduling rules (TOML).")],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for every file of the plan.")
    ],
    agents: Annotated[
        Path | None, typer.Option(metavar="CSV", help="Named agents CSV; else open positions.")
    ] = None,
    timezone: Timezone = "UTC",
    country: Country = None,
    subdivision: Subdivision = None,
    special_days: SpecialDays = None,
    model: Model = "auto",
    default_aht_seconds: DefaultAhtSeconds = None,
    volume_column: VolumeColumn = "volume",
    time_limit_seconds: TimeLimitSeconds = 60.0,
    seed: Seed = 0,
    workers: Workers = 8,
    gap_percent: GapPercent = 0.5,
    deterministic: Deterministic = False,
    fixed_channel: Channel = None,
    date_column: DateColumn = None,
    time_column: TimeColumn = None,
    offered_column: OfferedColumn = None,
    aht_column: AhtColumn = None,
    date_order: DateOrder = None,
) -> None:
    """Plan a week end to end: forecast, requirements, schedule, coverage and a summary.

    Writes forecast.csv, requirements.csv, schedule.csv, coverage.csv and summary.json to
    --out (plus coverage.html and forecast.html charts that work offline).
    """
    from forecast.forecaster import forecast_workload
    from scheduler.staffing import Targets, requirements

    check_default_aht(default_aht_seconds)
    start = week_start.date()
    if start.weekday() != 0:
        fail(f"--week-start {start} is a {start:%A}; schedules run Monday to Sunday")
    parsed_targets = Targets.from_dict(read_toml(targets))
    parsed_rules = read_rules(rules)
    roster = read_agents(agents) if agents is not None else None
    calendar = calendar_from_options(country, subdivision, special_days)
    mapping = column_mapping_from_options(
        fixed_channel, date_column, time_column, offered_column, aht_column, date_order
    )
    parsed = read_history_file(history, timezone, parsed_rules.interval_minutes, mapping)
    with progress_bar("Forecasting channels") as progress:
        forecast = forecast_workload(
            parsed, start=start, days=7, calendar=calendar, model=model, on_progress=progress
        )
    fill_unknown_aht(forecast, default_aht_seconds)
    needs = requirements(
        forecast.workload, parsed_targets, parsed_rules.interval_minutes, timezone, volume_column
    )
    options = solver_options(time_limit_seconds, gap_percent, seed, workers, deterministic)
    result = solve_with_progress(needs, parsed_rules, roster, options, quiet=False)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (("forecast.csv", forecast.workload), ("requirements.csv", needs)):
        write_table(table, out / name)
    write_table(schedule_table(result), out / "schedule.csv")
    write_table(coverage_table(result), out / "coverage.csv")
    summary = {
        "week_start": start.isoformat(),
        "forecast_models": {channel.channel: channel.model for channel in forecast.channels},
        **summary_dict(result),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    _write_charts(out, parsed.frame, forecast.workload, result.coverage, parsed_targets, calendar)
    console = Console(highlight=False)
    console.print(
        f"Week of {start}: {summary['headcount']} agents, {summary['paid_hours']} paid hours "
        f"({bound_phrase(result.summary)}), "
        f"shortfall {summary['shortfall_agent_hours']} agent-hours in "
        f"{summary['intervals_below_target']} interval(s) below target; status "
        f"{summary['status']}"
    )
    console.print(service_level_line(result.summary))
    for warning in result.summary.warnings:
        console.print(f"warning: {warning}")
    console.print(
        f"Files in {out}/: forecast, requirements, schedule, coverage (.csv), summary.json, "
        "coverage.html, forecast.html"
    )


def _write_charts(
    out: Path,
    history: pd.DataFrame,
    workload: pd.DataFrame,
    coverage: pd.DataFrame,
    targets: Targets,
    calendar: Calendar,
) -> None:
    """The coverage and forecast charts as standalone HTML files that open offline."""
    import pandas as pd

    from api.charts import (
        coverage_figure,
        forecast_figure,
        service_level_targets,
        write_standalone_html,
    )
    from forecast.calendar import day_types

    days = pd.date_range(
        workload["interval_start"].min().date() - dt.timedelta(days=14),
        workload["interval_start"].max().date(),
        freq="D",
    )
    markers = day_types(calendar, days).rename_axis("date").reset_index()
    write_standalone_html(
        coverage_figure(coverage, service_level_targets(targets)), out / "coverage.html"
    )
    write_standalone_html(forecast_figure(history, workload, markers), out / "forecast.html")


def register(app: typer.Typer) -> None:
    """Add ``staffcast plan`` to ``app``."""
    app.command("plan")(plan)
