"""``staffcast erlang`` (one interval) and ``staffcast requirements`` (a whole workload)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.errors import command_guard, fail
from api.cli.files import read_toml, read_workload, write_table
from api.cli.options import VolumeColumn, with_option_groups
from api.cli.workload_limits import check_workload
from api.target_fields import out_of_range, target_option_help

if TYPE_CHECKING:  # imported by each command itself: `staffcast --help` stays quick
    from api.cli.requirements_file import RequirementsSummary
    from scheduler.staffing import ChannelTarget, IntervalStaffing, Targets

MODEL_NAMES = {"erlang_c": "Erlang C", "erlang_a": "Erlang A", "deferred": "deferred backlog"}


def _target_option(name: str) -> Any:
    """The option of target field ``name``: help and range from its one declaration."""
    return typer.Option(help=target_option_help(name))


ServiceLevel = Annotated[float | None, _target_option("service_level")]
AnswerSeconds = Annotated[float | None, _target_option("answer_seconds")]
AsaSeconds = Annotated[float | None, _target_option("asa_seconds")]
Shrinkage = Annotated[float, _target_option("shrinkage")]
MaxOccupancy = Annotated[float | None, _target_option("max_occupancy")]
PatienceSeconds = Annotated[float | None, _target_option("patience_seconds")]
MaxAbandon = Annotated[float | None, _target_option("max_abandon")]
Concurrency = Annotated[int, _target_option("concurrency")]


@dataclasses.dataclass(frozen=True)
class TargetFlags:
    """The target options of ``erlang`` and ``requirements`` (without a targets file)."""

    service_level: ServiceLevel = None
    answer_seconds: AnswerSeconds = None
    asa_seconds: AsaSeconds = None
    shrinkage: Shrinkage = 0.0
    max_occupancy: MaxOccupancy = None
    patience_seconds: PatienceSeconds = None
    max_abandon: MaxAbandon = None
    concurrency: Concurrency = 1

    def target(self, channel: str) -> ChannelTarget:
        """``channel``'s target from these flags; exits with code 2 naming each flag out of
        its range."""
        from scheduler.staffing import ChannelTarget

        flags = dataclasses.asdict(self)
        problems = [
            f"--{name.replace('_', '-')}: {problem}"
            for name, value in flags.items()
            if value is not None and (problem := out_of_range(name, value)) is not None
        ]
        if problems:
            fail("A target option is out of range.", problems)
        return ChannelTarget(channel=channel, **flags)


@command_guard
@with_option_groups
def erlang(
    volume: Annotated[float, typer.Option(help="Contacts offered in the interval.")],
    aht_seconds: Annotated[float, typer.Option(help="Average handle time (s).")],
    interval_minutes: Annotated[int, typer.Option(help="Interval length (minutes).")] = 30,
    *,
    flags: TargetFlags,
    agents: Annotated[
        int | None, typer.Option(help="Agents on the floor: report their KPIs (what-if).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Agents needed in one interval for a service target, or the KPIs of --agents N."""
    from scheduler.staffing import interval_staffing

    target = flags.target("interval")
    staffing = interval_staffing(volume, aht_seconds, interval_minutes, target, agents)
    if as_json:
        report = dataclasses.asdict(staffing)
        if staffing.one_fewer_misses is None:
            del report["one_fewer_misses"]
        typer.echo(json.dumps(report, indent=2))
        return
    _print_erlang(staffing, volume, aht_seconds, interval_minutes, target)


def _print_erlang(
    staffing: IntervalStaffing,
    volume: float,
    aht_seconds: float,
    interval_minutes: int,
    target: ChannelTarget,
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row(
        "Offered load",
        f"{staffing.load_erlangs:.3f} erlangs ({volume:g} contacts x {aht_seconds:g} s / "
        f"{interval_minutes * 60} s)",
    )
    table.add_row("Model", MODEL_NAMES[target.model])
    table.add_row("Agents on the floor", str(staffing.agents))
    if staffing.one_fewer_misses is not None:
        misses = ", ".join(staffing.one_fewer_misses) or "-"
        table.add_row("", f"one fewer would miss: {misses}")
    table.add_row(
        "Scheduled agents", f"{staffing.scheduled_agents} (shrinkage {target.shrinkage:.0%})"
    )
    answer = f" within {target.answer_seconds:g} s" if target.answer_seconds else ""
    table.add_row("Service level", f"{staffing.service_level:.2%}{answer}")
    asa = staffing.asa_seconds
    table.add_row("ASA", "unbounded" if asa is None else f"{asa:.2f} s")
    table.add_row("Occupancy", f"{staffing.occupancy:.2%}")
    table.add_row("P(wait)", f"{staffing.p_wait:.4f}")
    if staffing.p_abandon is not None:
        table.add_row("P(abandon)", f"{staffing.p_abandon:.4f}")
    if staffing.unmet_targets:
        table.add_row("Misses", ", ".join(staffing.unmet_targets))
    Console(highlight=False).print(table)


@command_guard
@with_option_groups
def requirements_command(
    workload: Annotated[
        Path, typer.Argument(help="CSV: interval_start, channel, volume, aht_seconds.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the CSV.")],
    targets: Annotated[
        Path | None, typer.Option(help="Targets TOML (one \\[channels.NAME] table per channel).")
    ] = None,
    interval_minutes: Annotated[
        int | None, typer.Option(help="Interval length; inferred from the timestamps if omitted.")
    ] = None,
    timezone: Annotated[
        str,
        typer.Option(metavar="ZONE", help="IANA timezone for naive timestamps and business hours."),
    ] = "UTC",
    volume_column: VolumeColumn = "volume",
    *,
    flags: TargetFlags,
) -> None:
    """Agents required per interval and channel for a workload (forecast) CSV or Parquet
    file; `-o x.parquet` writes Parquet."""
    from api.cli.requirements_file import requirements_file
    from scheduler.staffing import Targets

    _check_timezone(timezone)

    def parsed_targets(channels: list[str]) -> Targets:
        if targets is not None:
            return Targets.from_dict(read_toml(targets))
        return Targets(channels={name: flags.target(name) for name in channels or ["all"]})

    summary = None
    if volume_column == "volume":
        summary = requirements_file(workload, output, parsed_targets, interval_minutes, timezone)
    if summary is None:  # not a clean CSV of live channels: the pandas path names the problem
        summary = _requirements_through_pandas(
            workload, output, parsed_targets, interval_minutes, timezone, volume_column
        )
    typer.echo(
        f"{summary.rows} intervals, {summary.channels} channel(s), "
        f"peak {summary.peak_scheduled_agents} scheduled agents -> {output}"
    )


def _check_timezone(timezone: str) -> None:
    """Exit with code 2 for a zone name the timezone database does not know."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"--timezone {timezone!r} is not an IANA timezone name, e.g. America/New_York")


def _requirements_through_pandas(
    workload: Path,
    output: Path,
    parsed_targets: Callable[[list[str]], Targets],
    interval_minutes: int | None,
    timezone: str,
    volume_column: VolumeColumn,
) -> RequirementsSummary:
    from api.cli.requirements_file import RequirementsSummary
    from scheduler.staffing import requirements

    table = read_workload(workload)
    check_workload(table, str(workload))
    channels = sorted(
        {str(c).strip().lower() for c in table.get("channel", []) if isinstance(c, str)}
    )
    result = requirements(
        table, parsed_targets(channels), interval_minutes, timezone, volume_column
    )
    write_table(result, output)
    return RequirementsSummary(
        len(result), result["channel"].nunique(), int(result["scheduled_agents"].max())
    )


def register(app: typer.Typer) -> None:
    """Add the staffing commands to the ``staffcast`` application."""
    app.command("erlang")(erlang)
    app.command("requirements")(requirements_command)
