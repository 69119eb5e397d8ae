"""A week's plan step by step, shared by the command line and the service's jobs.

    history ─► forecast_week ─► schedule_week (requirements ─► optimizer) ─► ScheduleSummary
                                                                         ├─► schedule_table
                                                                         └─► coverage_table
    schedule + workload + targets ─► simulation_report ─► SimulationSummary, interval_table

``staffcast plan`` runs every step from files, ``staffcast schedule`` the optimizer from a
requirements file and ``staffcast simulate`` the simulation; the service's jobs
(:mod:`api.jobs.schedule`, :mod:`api.jobs.simulation`) run the same steps from the team's
stored history, forecasts and schedules. A summary is a typed value the command line prints
as JSON and the service stores and returns, so both say the same thing in the same shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from api.jobs.numbers import json_number
from forecast.errors import ForecastError

if TYPE_CHECKING:
    import pandas as pd

    from forecast import Calendar, ModelName, WorkloadForecast
    from forecast.daygrid import HistoryLike
    from scheduler.shifts import Agent, Progress, Rules, ScheduleResult, SolverOptions
    from scheduler.simulation import SimulationOptions, SimulationResult
    from scheduler.staffing import Targets

WEEK_DAYS = 7
SERVICE_LEVEL_DIGITS = 4
VolumeColumn = Literal["volume", "volume_high"]
"""What a simulation offers: the expected volume or the band's upper end."""
StaffFor = Literal["volume", "volume_low", "volume_high"]
"""The workload column requirements are computed for."""


def fill_unknown_aht(
    workload: pd.DataFrame, default_aht_seconds: float | None, *, option: str
) -> None:
    """Give ``default_aht_seconds`` to intervals with volume but no handle time.

    Args:
        workload: a forecast's workload table, changed in place.
        default_aht_seconds: the handle time to assume, or ``None`` (none given).
        option: how the caller gives a default, named in the error
            (``--default-aht-seconds``, or the request field).

    Raises:
        ForecastError: some channel has no handle time and no default was given.
    """
    unknown = (workload["volume"] > 0) & workload["aht_seconds"].isna()
    if not unknown.any():
        return
    if default_aht_seconds is None:
        channels = ", ".join(sorted(set(workload.loc[unknown, "channel"])))
        raise ForecastError(
            f"the history has no handle time for channel(s) {channels}; add an `aht_seconds` "
            f"column to the history or give {option}"
        )
    workload.loc[unknown, "aht_seconds"] = default_aht_seconds


def forecast_week(
    history: HistoryLike,
    week_start: dt.date,
    calendar: Calendar,
    *,
    model: ModelName,
    default_aht_seconds: float | None,
    option: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> WorkloadForecast:
    """The week's forecast from ``history``, every interval with a handle time (see
    :func:`fill_unknown_aht`)."""
    from forecast import forecast_workload

    forecast = forecast_workload(
        history,
        start=week_start,
        days=WEEK_DAYS,
        calendar=calendar,
        model=model,
        on_progress=on_progress,
    )
    fill_unknown_aht(forecast.workload, default_aht_seconds, option=option)
    return forecast


def schedule_week(
    workload: pd.DataFrame,
    targets: Targets,
    rules: Rules,
    agents: tuple[Agent, ...] | None,
    *,
    timezone: str,
    volume_column: StaffFor,
    options: SolverOptions,
    progress: Callable[[Progress], None] | None = None,
    before_solving: Callable[[], None] | None = None,
    interval_minutes: int | None = None,
) -> tuple[pd.DataFrame, ScheduleResult]:
    """Agents required per interval (``scheduler.requirements``), then the schedule that
    covers them (``scheduler.solve_schedule``); ``before_solving`` is called in between."""
    from scheduler.shifts import solve_schedule
    from scheduler.staffing import requirements

    needs = requirements(workload, targets, interval_minutes, timezone, volume_column)
    if before_solving is not None:
        before_solving()
    return needs, solve_schedule(needs, rules, agents, options=options, progress=progress)


class ScheduleSummary(BaseModel):
    """What a manager reads first (``staffcast schedule --json``, ``GET /v1/schedules/{id}``)."""

    status: str = Field(
        description="`optimal` (within the gap of the bound and no warning) or `feasible`."
    )
    paid_hours: float = Field(description="Paid hours of the schedule.")
    lower_bound_hours: float | None = Field(
        description="The bound: least objective (paid-hour equivalents) any legal schedule of "
        "the problem solved can reach."
    )
    gap_percent: float | None = Field(
        description="How far the schedule's objective is above the bound, %; null if unknown."
    )
    full_coverage_bound_hours: float | None = Field(
        default=None,
        description="Least paid hours any legal schedule needs to cover every requirement; "
        "null when some requirement cannot be covered at all.",
    )
    headcount: int = Field(description="Agents (or open positions) with at least one shift.")
    shortfall_agent_hours: float = Field(description="Agent-hours missing against the need.")
    intervals_below_target: int = Field(
        description="Intervals, of every channel, whose projected service level is below the "
        "channel's target (a deferred channel's response share)."
    )
    projected_service_level: dict[str, float | None] = Field(
        description="Projected service level per channel over the week."
    )
    service_level_targets: dict[str, float] = Field(
        default_factory=dict,
        description="Target per channel: service level (live) or response share (deferred).",
    )
    solve_seconds: float = Field(description="Wall time of the optimizer.")
    unassigned_shift_share: float = Field(
        description="Share of planned shift instances no agent could take."
    )
    warnings: list[str] = Field(
        description="Every way the schedule misses the targets, in words: service level below "
        "target, intervals short, shifts unassigned, the time limit, idle agents."
    )

    @classmethod
    def of(cls, result: ScheduleResult) -> ScheduleSummary:
        """The summary of an optimizer result; unknown figures are ``None``."""
        summary = result.summary
        return cls(
            status=summary.status,
            paid_hours=summary.paid_hours,
            lower_bound_hours=json_number(summary.lower_bound_hours),
            gap_percent=json_number(summary.gap_percent),
            full_coverage_bound_hours=json_number(summary.full_coverage_bound_hours),
            headcount=summary.headcount,
            shortfall_agent_hours=summary.shortfall_agent_hours,
            intervals_below_target=summary.intervals_below_target,
            projected_service_level={
                channel: json_number(level, SERVICE_LEVEL_DIGITS)
                for channel, level in summary.service_level_by_channel.items()
            },
            service_level_targets=dict(summary.service_level_targets),
            solve_seconds=summary.solve_seconds,
            unassigned_shift_share=round(summary.unassigned_shift_share, SERVICE_LEVEL_DIGITS),
            warnings=list(summary.warnings),
        )


def _iso_times(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``table`` with ``columns`` as ISO 8601 text with their UTC offset."""
    written = table.copy()
    for column in columns:
        written[column] = [stamp.isoformat() for stamp in written[column]]
    return written


def schedule_table(result: ScheduleResult) -> pd.DataFrame:
    """SCHEDULE.csv: start and end as ISO 8601 local time with offset."""
    shifts = _iso_times(result.shifts, "start", "end")
    return shifts[["agent_id", "channel", "start", "end", "paid_hours", "breaks"]]


def coverage_table(result: ScheduleResult) -> pd.DataFrame:
    """COVERAGE.csv."""
    return _iso_times(result.coverage, "interval_start")


def simulation_report(
    schedule: pd.DataFrame,
    workload: pd.DataFrame,
    targets: Targets,
    result: SimulationResult,
    agents: tuple[Agent, ...] | None,
    volume_column: VolumeColumn,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per interval (simulated, projected, disagreement) and per channel (the comparison)."""
    from scheduler.simulation import channel_comparison, compare_with_projection, projected_coverage

    coverage = projected_coverage(schedule, workload, targets, agents, volume_column)
    models = dict(zip(result.week["channel"], result.week["model"], strict=True))
    table = compare_with_projection(result.intervals, coverage, models)
    return table, channel_comparison(table, result.week)


def interval_table(table: pd.DataFrame) -> pd.DataFrame:
    """SIMULATION.csv: one row per channel and interval."""
    from scheduler.simulation import INTERVAL_COLUMNS

    return _iso_times(table[list(INTERVAL_COLUMNS)], "interval_start")


KPIS = ("service_level", "asa_seconds", "abandon_rate", "occupancy")


class ChannelSimulation(BaseModel):
    """One channel's simulated week next to the projection."""

    model: str = Field(description="Queueing model of the projection.")
    offered: float | None = Field(description="Contacts offered over the week.")
    projected_service_level: float | None = Field(description="The Erlang projection.")
    service_level: float | None = Field(description="Simulated service level.")
    service_level_low: float | None = Field(description="Its 95% interval, lower end.")
    service_level_high: float | None = Field(description="Its 95% interval, upper end.")
    asa_seconds: float | None = Field(description="Simulated average speed of answer, s.")
    asa_seconds_low: float | None = Field(description="Its 95% interval, lower end.")
    asa_seconds_high: float | None = Field(description="Its 95% interval, upper end.")
    abandon_rate: float | None = Field(description="Simulated share abandoning.")
    abandon_rate_low: float | None = Field(description="Its 95% interval, lower end.")
    abandon_rate_high: float | None = Field(description="Its 95% interval, upper end.")
    occupancy: float | None = Field(description="Simulated agent occupancy.")
    occupancy_low: float | None = Field(description="Its 95% interval, lower end.")
    occupancy_high: float | None = Field(description="Its 95% interval, upper end.")
    intervals_with_contacts: int = Field(description="Intervals with contacts offered.")
    intervals_disagreeing: int = Field(
        description="Intervals whose projection is outside the simulated 95% interval."
    )
    reasons: dict[str, int] = Field(description="Why they disagree, with how many intervals.")


class DaySimulation(BaseModel):
    """One channel's simulated day."""

    date: str = Field(description="The local date.")
    channel: str = Field(description="Channel.")
    offered: float | None = Field(description="Contacts offered.")
    service_level: float | None = Field(description="Simulated service level.")
    service_level_low: float | None = Field(description="Its 95% interval, lower end.")
    service_level_high: float | None = Field(description="Its 95% interval, upper end.")
    asa_seconds: float | None = Field(description="Simulated average speed of answer, s.")
    abandon_rate: float | None = Field(description="Simulated share abandoning.")
    occupancy: float | None = Field(description="Simulated agent occupancy.")


class SimulationSummary(BaseModel):
    """The simulated week (``staffcast simulate --json``, ``GET /v1/simulations/{id}``)."""

    replications: int = Field(description="Independent runs of the week.")
    seed: int = Field(description="Base random seed.")
    aht_cv: float | None = Field(description="Coefficient of variation of handle times.")
    volume_column: str = Field(description="`volume` or `volume_high`.")
    channels: dict[str, ChannelSimulation] = Field(description="Per channel, the week.")
    days: list[DaySimulation] = Field(description="Per channel and day, the KPIs.")

    @classmethod
    def of(
        cls, result: SimulationResult, channels: pd.DataFrame, options: SimulationOptions
    ) -> SimulationSummary:
        """The summary of a simulation and its comparison (:func:`simulation_report`)."""
        from scheduler.simulation import REASONS

        week = result.week.set_index("channel")
        by_channel: dict[str, ChannelSimulation] = {}
        for row in channels.to_dict("records"):
            name = str(row["channel"])
            simulated: dict[str, Any] = {str(key): value for key, value in week.loc[name].items()}
            by_channel[name] = ChannelSimulation(
                model=simulated["model"],
                offered=json_number(simulated["offered"], 1),
                projected_service_level=json_number(row["projected_service_level"], 4),
                **{
                    f"{kpi}{suffix}": json_number(simulated[f"{kpi}{suffix}"], 4)
                    for kpi in KPIS
                    for suffix in ("", "_low", "_high")
                },
                intervals_with_contacts=row["intervals_with_contacts"],
                intervals_disagreeing=row["intervals_disagreeing"],
                reasons={reason: row[reason] for reason in REASONS if row[reason]},
            )
        days = [
            DaySimulation(
                date=str(day["date"]),
                channel=day["channel"],
                offered=json_number(day["offered"], 1),
                service_level=json_number(day["service_level"], 4),
                service_level_low=json_number(day["service_level_low"], 4),
                service_level_high=json_number(day["service_level_high"], 4),
                asa_seconds=json_number(day["asa_seconds"], 2),
                abandon_rate=json_number(day["abandon_rate"], 4),
                occupancy=json_number(day["occupancy"], 4),
            )
            for day in result.days.to_dict("records")
        ]
        return cls(
            replications=result.replications,
            seed=options.seed,
            aht_cv=options.aht_cv,
            volume_column=options.volume_column,
            channels=by_channel,
            days=days,
        )
