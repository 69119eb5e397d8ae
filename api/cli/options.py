"""Options shared by several ``staffcast`` commands, each defined once.

A command that runs the parts of another (``plan`` runs forecast, requirements and schedule)
takes the same aliases, so a flag means the same thing, with the same help, everywhere.
Metavars stay short so that ``--help`` reads at 80 columns.

Options that always travel together are a group: a frozen dataclass whose fields are the
aliases (:class:`HistoryOptions`, :class:`SolverFlags`). A command takes the group as one
parameter and :func:`with_option_groups` shows typer its fields, so that the list of flags is
written once, not once per command.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer

from api.cli.errors import fail

if TYPE_CHECKING:  # imported by the groups' methods: `staffcast --help` stays quick
    from forecast.calendar import Calendar, SpecialDay
    from forecast.column_mapping import ColumnMapping
    from forecast.history import History
    from scheduler.shifts import SolverOptions

R = TypeVar("R")

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
    str | None,
    typer.Option(
        metavar="ZONE",
        help="IANA timezone of the team; naive timestamps are local to it. Default: UTC, "
        "with the summer time of the --country's clock where the history shows it.",
        show_default=False,
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

# How an interval report is read (forecast.column_mapping), with the columns the service's
# upload form takes; columns left out are found by their usual names (Date, Interval,
# Offered, Handled, AHT, Channel).
DateOrderName = Literal["us", "day_first", "iso"]
Channel = Annotated[
    str | None,
    typer.Option(
        "--channel",
        metavar="NAME",
        help="Channel of the whole file (one file per queue), e.g. voice.",
    ),
]


def _report_column(what: str) -> Any:
    """The option naming an interval report's column that holds ``what``."""
    return typer.Option(metavar="COL", help=f"Interval report: the {what} column.")


DateColumn = Annotated[str | None, _report_column("date (or date and time)")]
TimeColumn = Annotated[str | None, _report_column("time-of-day")]
OfferedColumn = Annotated[str | None, _report_column("contacts-offered (volume)")]
HandledColumn = Annotated[str | None, _report_column("contacts-handled")]
AhtColumn = Annotated[str | None, _report_column("average handle time")]
ChannelColumn = Annotated[str | None, _report_column("per-row channel")]
DateOrder = Annotated[
    DateOrderName | None,
    typer.Option(
        metavar="ORDER",
        help="Interval report dates: us (12/07 = 7 Dec), day_first or iso; default: from the file.",
    ),
]


@dataclasses.dataclass(frozen=True)
class HistoryOptions:
    """How a history file is read: its timezone, the holiday calendar that explains its
    unusual days, and the columns of an interval report (one file per queue)."""

    timezone: Timezone = None
    country: Country = None
    subdivision: Subdivision = None
    special_days: SpecialDays = None
    fixed_channel: Channel = None
    date_column: DateColumn = None
    time_column: TimeColumn = None
    offered_column: OfferedColumn = None
    handled_column: HandledColumn = None
    aht_column: AhtColumn = None
    channel_column: ChannelColumn = None
    date_order: DateOrder = None

    def calendar(self) -> Calendar:
        """The holiday calendar of ``--country``, ``--subdivision`` and ``--special-days``."""
        from api.clock_zones import country_zone
        from forecast.calendar import Calendar, parse_special_days

        days: tuple[SpecialDay, ...] = ()
        if self.special_days is not None:
            try:
                days = parse_special_days(self.special_days.read_bytes())
            except FileNotFoundError:
                fail(f"{self.special_days}: no such file")
        return Calendar(
            country=self.country.upper() if self.country else None,
            subdivision=self.subdivision.upper() if self.subdivision else None,
            special_days=days,
            # No zone given: naive times are most likely the team's wall clock (see Calendar).
            clock_zone=country_zone(self.country) if self.country and not self.timezone else None,
        )

    @property
    def zone(self) -> str:
        """The zone the history is read in (``--timezone``, else UTC)."""
        return self.timezone or "UTC"

    def mapping(self) -> ColumnMapping | None:
        """The interval-report mapping the options give, or None when none is given."""
        from forecast.column_mapping import ColumnMapping

        try:
            mapping = ColumnMapping(
                date_column=self.date_column,
                time_column=self.time_column,
                volume_column=self.offered_column,
                handled_column=self.handled_column,
                aht_column=self.aht_column,
                channel_column=self.channel_column,
                channel=self.fixed_channel,
                date_order=self.date_order,
            )
        except ValueError as error:
            fail(f"column mapping: {error}")
        return None if mapping.is_empty else mapping

    def read(self, path: Path, interval_minutes: int | None) -> History:
        """Parse the history file at ``path`` (a spinner on stderr while it reads)."""
        from rich.console import Console

        from forecast import parse_history

        mapping = self.mapping()
        with Console(stderr=True).status(f"Reading {path.name}..."), path.open("rb") as source:
            return parse_history(
                source, timezone=self.zone, interval_minutes=interval_minutes, mapping=mapping
            )


@dataclasses.dataclass(frozen=True)
class SolverFlags:
    """The shift optimizer's budget and search settings (``schedule`` and ``plan``)."""

    time_limit_seconds: TimeLimitSeconds = 60.0
    seed: Seed = 0
    workers: Workers = 8
    gap_percent: GapPercent = 0.5
    deterministic: Deterministic = False

    def options(self) -> SolverOptions:
        """The solver's options these flags give."""
        from scheduler.shifts import SolverOptions

        return SolverOptions(
            time_limit_seconds=self.time_limit_seconds,
            relative_gap=self.gap_percent / 100,
            seed=self.seed,
            workers=self.workers,
            deterministic_seconds=self.time_limit_seconds if self.deterministic else None,
        )


def with_option_groups(command: Callable[..., R]) -> Callable[..., R]:
    """Show typer each option group parameter of ``command`` as its fields' options.

    typer has no option groups: in the signature typer reads, a parameter annotated with a
    dataclass is replaced by the dataclass's fields (same names, aliases and defaults), and
    the command is called with those flags packed back into the dataclass.
    """
    hints = typing.get_type_hints(command, include_extras=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, tuple[Callable[..., object], tuple[str, ...]]] = {}
    for parameter in inspect.signature(command).parameters.values():
        annotation = hints.get(parameter.name, parameter.annotation)
        if not (isinstance(annotation, type) and dataclasses.is_dataclass(annotation)):
            # Keyword-only, so that flags with defaults may precede the group's fields.
            parameters.append(
                parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
            )
            continue
        fields = dataclasses.fields(annotation)
        field_hints = typing.get_type_hints(annotation, include_extras=True)
        parameters += [
            inspect.Parameter(
                field.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=field.default,
                annotation=field_hints[field.name],
            )
            for field in fields
        ]
        groups[parameter.name] = (annotation, tuple(field.name for field in fields))

    @functools.wraps(command)
    def wrapper(**flags: Any) -> R:
        for name, (group, fields) in groups.items():
            flags[name] = group(**{field: flags.pop(field) for field in fields})
        return command(**flags)

    # inspect.signature, which typer reads, takes a function's __signature__ as it is.
    wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return wrapper
