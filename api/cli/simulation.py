"""``staffcast simulate``: a schedule + the workload it was built for -> the simulated week,
next to the Erlang projection."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.errors import command_guard, fail
from api.cli.files import read_table, read_toml, write_table

if TYPE_CHECKING:  # imported by the commands themselves: `staffcast --help` stays quick
    import pandas as pd

    from scheduler.shifts import Agent
    from scheduler.simulation import SimulationOptions, SimulationResult
    from scheduler.staffing import Targets


def read_schedule(path: Path) -> pd.DataFrame:
    """Read SCHEDULE.csv as text cells (the simulation checks them)."""
    return read_table(path)


def simulate_with_progress(
    schedule: pd.DataFrame,
    workload: pd.DataFrame,
    targets: Targets,
    options: SimulationOptions,
    agents: tuple[Agent, ...] | None,
    *,
    quiet: bool,
) -> SimulationResult:
    """Run the simulation behind a progress bar of replications (none when ``quiet``)."""
    from scheduler.simulation import simulate_week

    with Progress(
        TextColumn("[bold]simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        TimeElapsedColumn(),
        disable=quiet,
        transient=quiet,
    ) as bar:
        task = bar.add_task("simulating", total=options.replications)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return simulate_week(schedule, workload, targets, options, report, agents)


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1%}"


@command_guard
def simulate(
    schedule: Annotated[Path, typer.Argument(help="SCHEDULE.csv (staffcast schedule).")],
    workload: Annotated[
        Path, typer.Option("--workload", help="The week's workload or forecast CSV.")
    ],
    targets: Annotated[Path, typer.Option("--targets", help="Service targets (TOML).")],
    replications: Annotated[int, typer.Option(help="Independent runs of the week.")] = 20,
    seed: Annotated[int, typer.Option(help="Base random seed (same seed, same figures).")] = 0,
    aht_cv: Annotated[
        float | None,
        typer.Option(
            "--aht-cv",
            help="Lognormal handle times with this coefficient of variation "
            "(default: exponential).",
        ),
    ] = None,
    volume_column: Annotated[
        str, typer.Option(help="volume, or volume_high for the forecast's upper band.")
    ] = "volume",
    agents: Annotated[
        Path | None,
        typer.Option("--agents", help="Named agents CSV (who may take email when idle)."),
    ] = None,
    timezone_name: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone, for weeks with a DST change.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write SIMULATION.csv.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Simulate the schedule's week contact by contact and compare it with the projection."""
    from api.cli.scheduling import read_agents, read_requirements
    from api.jobs.pipeline import SimulationSummary, interval_table, simulation_report
    from scheduler.simulation import REASONS, SimulationOptions
    from scheduler.staffing import Targets

    if volume_column not in ("volume", "volume_high"):
        fail(f"--volume-column: {volume_column!r} must be volume or volume_high")
    column: Literal["volume", "volume_high"] = (
        "volume_high" if volume_column == "volume_high" else "volume"
    )
    options = SimulationOptions(
        replications=replications, seed=seed, aht_cv=aht_cv, volume_column=column
    )
    shifts = read_schedule(schedule)
    table = read_requirements(workload, timezone_name)
    parsed_targets = Targets.from_dict(read_toml(targets))
    roster = read_agents(agents) if agents is not None else None
    result = simulate_with_progress(shifts, table, parsed_targets, options, roster, quiet=as_json)
    intervals, channels = simulation_report(shifts, table, parsed_targets, result, roster, column)
    if output is not None:
        write_table(interval_table(intervals), output)
    if as_json:
        summary = SimulationSummary.of(result, channels, options)
        typer.echo(json.dumps(summary.model_dump(mode="json"), indent=2))
        return
    typer.echo(
        f"{result.replications} replications, seed {seed}; service level per channel over "
        "the week (simulated with its 95% interval, Erlang projection):"
    )
    for row in channels.to_dict("records"):
        reasons = ", ".join(f"{reason} {row[reason]}" for reason in REASONS if row[reason])
        typer.echo(
            f"  {row['channel']:<8} simulated {_percent(row['service_level'])} "
            f"[{_percent(row['service_level_low'])}, {_percent(row['service_level_high'])}], "
            f"projected {_percent(row['projected_service_level'])}; "
            f"{row['intervals_disagreeing']} of {row['intervals_with_contacts']} intervals "
            f"outside the interval" + (f" ({reasons})" if reasons else "")
        )
    if output is not None:
        typer.echo(f"written to {output}")


def register(app: typer.Typer) -> None:
    """Add ``staffcast simulate`` to ``app``."""
    app.command("simulate")(simulate)
