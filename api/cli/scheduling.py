"""``staffcast schedule``: requirements + rules (+ agents) -> a weekly schedule and its coverage."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.errors import command_guard, fail
from api.cli.files import read_toml, write_table
from api.cli.options import AsJson, SolverFlags, with_option_groups

if TYPE_CHECKING:  # imported by the command itself: `staffcast --help` stays quick
    import pandas as pd

    from scheduler.shifts import Agent, Rules, ScheduleResult, ScheduleSummary
    from scheduler.shifts import Progress as SolverProgress

Solved = TypeVar("Solved")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def read_requirements(path: Path, timezone_name: str | None = None) -> pd.DataFrame:
    """Read a requirements CSV; ``interval_start`` becomes timezone-aware.

    Without ``timezone_name`` the UTC offset written in the file is used (it must be the same
    on every row; a week with a daylight-saving change needs the zone name).
    """
    import pandas as pd

    table = pd.read_csv(path)
    if "interval_start" not in table.columns:
        fail(f"{path}: no `interval_start` column; give the table `staffcast requirements` writes")
    text = table["interval_start"].astype(str).str.strip()
    instants = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    bad = instants.isna() | ~text.str.contains(_OFFSET)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        fail(
            f"{path}: row {row + 2}, column `interval_start`: {text.iloc[row]!r} is not an "
            "ISO 8601 time with a UTC offset"
        )
    if timezone_name:
        table["interval_start"] = instants.dt.tz_convert(timezone_name)
        return table
    offsets = text.str.extract(r"(Z|[+-]\d\d:?\d\d)$")[0].str.replace(":", "").unique()
    if len(offsets) > 1:
        fail(
            f"{path}: the UTC offset changes within the week ({', '.join(offsets)}); "
            "give the time zone with --timezone (e.g. Europe/Berlin)"
        )
    offset = offsets[0]
    minutes = (
        0 if offset == "Z" else int(offset[0] + "1") * (int(offset[1:3]) * 60 + int(offset[3:5]))
    )
    table["interval_start"] = instants.dt.tz_convert(timezone(timedelta(minutes=minutes)))
    return table


def read_rules(path: Path) -> Rules:
    """Read and parse a rules TOML file."""
    from scheduler.shifts import rules_from_dict

    return rules_from_dict(read_toml(path))


def read_agents(path: Path) -> tuple[Agent, ...]:
    """Read and parse a named-agents CSV."""
    import pandas as pd

    from scheduler.shifts import agents_from_frame

    return agents_from_frame(pd.read_csv(path, dtype=str, keep_default_na=False))


def final_detail(result: ScheduleResult) -> str:
    """The progress bar's last words: the paid hours and the same bound the summary reports."""
    summary = result.summary
    bound = (
        "bound unknown"
        if math.isnan(summary.lower_bound_hours)
        else f"bound {summary.lower_bound_hours:,.1f} h"
    )
    return f"paid {summary.paid_hours:,.1f} h · {bound}"


def service_level_line(summary: ScheduleSummary) -> str:
    """Each channel's projected service level over the week against its target, in words."""
    parts = []
    for channel, level in summary.service_level_by_channel.items():
        text = "nothing to project" if math.isnan(level) else f"{level:.1%}"
        target = summary.service_level_targets.get(channel)
        if target is not None:
            below = not math.isnan(level) and level < target - 1e-9
            text += f" (target {target:.1%}, {'below' if below else 'met'})"
        parts.append(f"{channel} {text}")
    return "projected service level over the week: " + ("; ".join(parts) or "no channels")


def bound_phrase(summary: ScheduleSummary) -> str:
    """``1.2% above the bound of 2806.1 h``, or that the bound is unknown."""
    if math.isnan(summary.lower_bound_hours) or math.isnan(summary.gap_percent):
        return "the bound is unknown: the time limit stopped its LP"
    return f"{summary.gap_percent}% above the bound of {summary.lower_bound_hours} h"


def summary_lines(result: ScheduleResult, output: Path) -> list[str]:
    """The human summary: figures, the bound and its gap, service level per channel, status."""
    summary = result.summary
    return [
        f"{len(result.shifts)} shifts, {summary.headcount} agents, {summary.paid_hours} paid "
        f"hours ({bound_phrase(summary)}); shortfall "
        f"{summary.shortfall_agent_hours} agent-hours in {summary.intervals_below_target} "
        f"interval(s) below target; written to {output}",
        service_level_line(summary),
        f"status: {summary.status}"
        + (f", {len(summary.warnings)} warning(s)" if summary.warnings else ", no warnings"),
    ]


def solve_with_progress(
    solve: Callable[[Callable[[SolverProgress], None]], Solved],
    time_limit_seconds: float,
    last_words: Callable[[Solved], str],
    *,
    quiet: bool,
) -> Solved:
    """Run ``solve(report)``, whose optimizer reports to ``report``, behind a progress bar
    (none when ``quiet``) that ends with ``last_words`` of what it returns."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        transient=quiet,
        disable=quiet,
    ) as bar:
        task = bar.add_task("scheduling", total=time_limit_seconds, detail="")

        def report(progress: SolverProgress) -> None:
            # A stage's own best and bound are not the schedule's paid hours or the bound the
            # summary reports (that one is known only at the end): they say "stage".
            parts = []
            if progress.incumbent is not None:
                parts.append(f"stage best {progress.incumbent:,.1f}")
            if progress.best_bound is not None:
                parts.append(f"stage bound {progress.best_bound:,.1f}")
            bar.update(
                task,
                completed=min(progress.elapsed_seconds, time_limit_seconds),
                description=progress.stage,
                detail=" · ".join(parts),
            )

        solved = solve(report)
        bar.update(
            task, completed=time_limit_seconds, description="done", detail=last_words(solved)
        )
    return solved


@command_guard
@with_option_groups
def schedule(
    requirements: Annotated[
        Path, typer.Argument(help="Requirements CSV (staffcast requirements).")
    ],
    rules: Annotated[Path, typer.Option("--rules", help="Scheduling rules (TOML).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write SCHEDULE.csv.")],
    agents: Annotated[
        Path | None, typer.Option("--agents", help="Named agents CSV; else open positions.")
    ] = None,
    coverage: Annotated[
        Path | None, typer.Option("--coverage", help="Where to write COVERAGE.csv.")
    ] = None,
    *,
    solver: SolverFlags,
    timezone_name: Annotated[
        str | None,
        typer.Option("--timezone", metavar="ZONE", help="IANA zone, for weeks with a DST change."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Build the week's schedule: shifts with breaks for named agents or open positions."""
    from api.jobs.pipeline import ScheduleSummary, coverage_table, schedule_table
    from scheduler.shifts import solve_schedule

    table = read_requirements(requirements, timezone_name)
    parsed_rules = read_rules(rules)
    roster = read_agents(agents) if agents is not None else None
    options = solver.options()
    result = solve_with_progress(
        lambda report: solve_schedule(
            table, parsed_rules, roster, options=options, progress=report
        ),
        options.time_limit_seconds,
        final_detail,
        quiet=as_json,
    )
    write_table(schedule_table(result), output)
    if coverage is not None:
        write_table(coverage_table(result), coverage)
    if as_json:
        typer.echo(json.dumps(ScheduleSummary.of(result).model_dump(mode="json"), indent=2))
        return
    for line in summary_lines(result, output):
        typer.echo(line)
    for warning in result.summary.warnings:
        typer.echo(f"warning: {warning}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``staffcast schedule`` to ``app``."""
    app.command("schedule")(schedule)
