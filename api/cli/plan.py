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
from api.cli.forecasting import DEFAULT_AHT_OPTION, check_default_aht, progress_bar
from api.cli.options import (
    DefaultAhtSeconds,
    HistoryFile,
    HistoryOptions,
    Model,
    ModelName,
    SolverFlags,
    VolumeColumn,
    VolumeColumnName,
    with_option_groups,
)
from api.cli.scheduling import (
    bound_phrase,
    final_detail,
    read_agents,
    read_rules,
    service_level_line,
    solve_with_progress,
)

if TYPE_CHECKING:  # imported by the command itself: `staffcast --help` stays quick
    import pandas as pd

    from api.jobs.pipeline import ScheduleSummary
    from forecast import WorkloadForecast
    from forecast.calendar import Calendar
    from forecast.history import History
    from scheduler.shifts import Agent, Rules, ScheduleResult
    from scheduler.staffing import Targets


@command_guard
@with_option_groups
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
    *,
    source: HistoryOptions,
    model: Model = "auto",
    default_aht_seconds: DefaultAhtSeconds = None,
    volume_column: VolumeColumn = "volume",
    solver: SolverFlags,
) -> None:
    """Plan a week end to end: forecast, requirements, schedule, coverage and a summary.

    Writes forecast.csv, requirements.csv, schedule.csv, coverage.csv and summary.json to
    --out (plus coverage.html and forecast.html charts that work offline).
    """
    from api.jobs.pipeline import ScheduleSummary
    from scheduler.staffing import Targets

    check_default_aht(default_aht_seconds)
    start = week_start.date()
    if start.weekday() != 0:
        fail(f"--week-start {start} is a {start:%A}; schedules run Monday to Sunday")
    parsed_targets = Targets.from_dict(read_toml(targets))
    parsed_rules = read_rules(rules)
    roster = read_agents(agents) if agents is not None else None
    calendar = source.calendar()
    parsed = source.read(history, parsed_rules.interval_minutes)
    forecast = _forecast(parsed, start, calendar, model, default_aht_seconds)
    needs, result = _schedule(
        forecast, parsed_targets, parsed_rules, roster, source.zone, volume_column, solver
    )
    summary = ScheduleSummary.of(result)
    _write_plan(out, start, forecast, needs, result, summary)
    _write_charts(out, parsed.frame, forecast.workload, result.coverage, parsed_targets, calendar)
    _print_plan(out, start, result, summary)


def _forecast(
    history: History,
    start: dt.date,
    calendar: Calendar,
    model: ModelName,
    default_aht_seconds: float | None,
) -> WorkloadForecast:
    """The week's workload from ``history``, behind a progress bar of channels."""
    from api.jobs.pipeline import forecast_week

    with progress_bar("Forecasting channels") as progress:
        return forecast_week(
            history,
            start,
            calendar,
            model=model,
            default_aht_seconds=default_aht_seconds,
            option=DEFAULT_AHT_OPTION,
            on_progress=progress,
        )


def _schedule(
    forecast: WorkloadForecast,
    targets: Targets,
    rules: Rules,
    roster: tuple[Agent, ...] | None,
    timezone: str,
    volume_column: VolumeColumnName,
    solver: SolverFlags,
) -> tuple[pd.DataFrame, ScheduleResult]:
    """The requirements of ``forecast`` and the week's schedule, behind the solver's bar."""
    from api.jobs.pipeline import schedule_week

    options = solver.options()
    return solve_with_progress(
        lambda report: schedule_week(
            forecast.workload,
            targets,
            rules,
            roster,
            timezone=timezone,
            volume_column=volume_column,
            options=options,
            progress=report,
            interval_minutes=rules.interval_minutes,
        ),
        options.time_limit_seconds,
        lambda planned: final_detail(planned[1]),
        quiet=False,
    )


def _write_plan(
    out: Path,
    start: dt.date,
    forecast: WorkloadForecast,
    needs: pd.DataFrame,
    result: ScheduleResult,
    summary: ScheduleSummary,
) -> None:
    """forecast.csv, requirements.csv, schedule.csv, coverage.csv and summary.json."""
    from api.jobs.pipeline import coverage_table, schedule_table

    out.mkdir(parents=True, exist_ok=True)
    for name, table in (
        ("forecast.csv", forecast.workload),
        ("requirements.csv", needs),
        ("schedule.csv", schedule_table(result)),
        ("coverage.csv", coverage_table(result)),
    ):
        write_table(table, out / name)
    document = {
        "week_start": start.isoformat(),
        "forecast_models": {channel.channel: channel.model for channel in forecast.channels},
        **summary.model_dump(mode="json"),
    }
    (out / "summary.json").write_text(json.dumps(document, indent=2) + "\n")


def _print_plan(
    out: Path, start: dt.date, result: ScheduleResult, summary: ScheduleSummary
) -> None:
    """The plan in a few lines: figures, service level per channel, warnings, files."""
    console = Console(highlight=False)
    console.print(
        f"Week of {start}: {summary.headcount} agents, {summary.paid_hours} paid hours "
        f"({bound_phrase(result.summary)}), "
        f"shortfall {summary.shortfall_agent_hours} agent-hours in "
        f"{summary.intervals_below_target} interval(s) below target; status "
        f"{summary.status}"
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
    from api.charts import (
        calendar_markers,
        coverage_figure,
        forecast_figure,
        service_level_targets,
        write_standalone_html,
    )

    first = workload["interval_start"].min().date() - dt.timedelta(days=14)
    markers = calendar_markers(calendar, first, workload["interval_start"].max().date())
    write_standalone_html(
        coverage_figure(coverage, service_level_targets(targets)), out / "coverage.html"
    )
    write_standalone_html(forecast_figure(history, workload, markers), out / "forecast.html")


def register(app: typer.Typer) -> None:
    """Add ``staffcast plan`` to ``app``."""
    app.command("plan")(plan)
