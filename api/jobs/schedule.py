"""The schedule job: the week's workload (a finished forecast, or one made on the spot) →
``scheduler.requirements`` with the team's targets → ``scheduler.solve_schedule`` with the
team's rules and roster → shifts, coverage and summary stored with the job.

Cancelling works through the optimizer's progress callback, which CP-SAT calls from its
solution callback: once the job's stop flag is set the callback raises, CP-SAT stops the
search and the exception ends the job as ``cancelled``.

The result (:class:`ScheduleOutcome`), in parts (rows of ``job_results``)::

    meta      {"week_start": "2026-12-07", "timezone": "America/New_York", "forecast_id": 12}
    summary   {...the `staffcast schedule --json` summary...}
    shifts    [{"agent_id", "channel", "start", "end", "paid_hours", "breaks"}, ...]
    coverage  [{"interval_start", "channel", "required", "scheduled", "shortfall",
                "projected_service_level"}, ...]

Each part is read back through its model (:data:`SCHEDULE_PARTS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final, Literal

import pandas as pd
from pydantic import BaseModel, Field

from api.jobs.forecast import (
    DEFAULT_AHT_FIELD,
    FORECAST_INTERVALS,
    FORECAST_META,
    team_history,
    workload_of,
)
from api.jobs.numbers import RECORD_DIGITS, Record, json_number, json_records
from api.jobs.pipeline import (
    WEEK_DAYS,
    ScheduleSummary,
    coverage_table,
    forecast_week,
    schedule_table,
    schedule_week,
)
from api.jobs.runner import JobContext, ResultPart, done_job
from api.request_models import MAX_ID, IsoDate, RequestModel, default_aht_field
from api.storage.agents import agent_record, checked_roster, team_agents
from api.storage.models import Team
from forecast import ForecastError
from scheduler.errors import InvalidRulesError, InvalidTargetsError
from scheduler.shifts import Agent, Progress, SolverOptions, rules_from_dict
from scheduler.staffing import INTERVAL_START, Targets


class ScheduleRequest(RequestModel):
    """The week to schedule and how."""

    week_start: IsoDate = Field(description="First day of the week (local date), e.g. a Monday.")
    forecast_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="A finished forecast covering the week; default: forecast it now.",
    )
    volume_column: Literal["volume", "volume_high"] = Field(
        default="volume",
        description="Staff for the expected volume, or for the band's upper end (safer).",
    )
    use_agents: bool = Field(
        default=True,
        description="Schedule the named agents of the roster (when there are any); false: "
        "open positions `open-N` with a recommended headcount.",
    )
    time_limit_seconds: float | None = Field(
        default=None,
        gt=0,
        le=3600,
        description="Optimizer time limit (capped by the service's setting; default: it).",
    )
    gap_percent: float = Field(
        default=0.5, gt=0, le=100, description="Stop once this close to the lower bound, %."
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Solver seed.")
    default_aht_seconds: float | None = default_aht_field("AHT where the history has none.")


def team_inputs(
    context: JobContext, *, require_rules: bool, use_agents: bool = True
) -> tuple[Team, Targets, tuple[Agent, ...] | None]:
    """The team, its targets and (with ``use_agents``, when it has one) its roster, parsed;
    with ``require_rules``, an error if the team has no scheduling rules."""
    with context.database.session() as session:
        team = session.get(Team, context.team_id)
        assert team is not None
        if team.targets is None:
            raise InvalidTargetsError("the team has no service targets; set them first")
        if require_rules and team.rules is None:
            raise InvalidRulesError("the team has no scheduling rules; set them first")
        roster = [agent_record(agent) for agent in team_agents(session, team.id)]
    agents = checked_roster(roster) if roster and use_agents else None
    return team, Targets.from_dict(team.targets), agents


def week_workload(
    context: JobContext,
    week_start: dt.date,
    timezone: str,
    *,
    forecast_id: int | None,
    default_aht_seconds: float | None,
) -> pd.DataFrame:
    """The week's workload: from forecast ``forecast_id``, or (``None``) a forecast made now
    from the team's history, with ``default_aht_seconds`` where it has no handle time."""
    if forecast_id is not None:
        forecast = done_job(context, forecast_id, "forecast", FORECAST_META, FORECAST_INTERVALS)
        workload = workload_of(forecast.part(FORECAST_META), forecast.part(FORECAST_INTERVALS))
    else:
        context.report("forecasting", "forecasting the week", force=True)
        history, calendar = team_history(context)
        workload = forecast_week(
            history,
            week_start,
            calendar,
            model="auto",
            default_aht_seconds=default_aht_seconds,
            option=DEFAULT_AHT_FIELD,
        ).workload
    local = workload[INTERVAL_START].dt.tz_convert(timezone)
    first = pd.Timestamp(week_start, tz=timezone)
    in_week = (local >= first) & (local < first + pd.DateOffset(days=WEEK_DAYS))
    if not in_week.any():
        raise ForecastError(
            f"forecast {forecast_id} does not cover the week of {week_start}; "
            "forecast that week first"
        )
    week: pd.DataFrame = workload.loc[in_week.to_numpy()].reset_index(drop=True)
    return week


def solver_progress(context: JobContext, time_limit_seconds: float) -> Callable[[Progress], None]:
    def report(progress: Progress) -> None:
        context.raise_if_stopped()  # raised inside CP-SAT's callback: the search stops
        gap = None
        if progress.incumbent and progress.best_bound is not None and progress.incumbent > 0:
            gap = max(0.0, 100 * (progress.incumbent - progress.best_bound) / progress.incumbent)
        context.report(
            "solving",
            f"optimizer stage: {progress.stage}",
            fraction=min(1.0, progress.elapsed_seconds / time_limit_seconds),
            best_objective=json_number(progress.incumbent, RECORD_DIGITS),
            best_bound=json_number(progress.best_bound, RECORD_DIGITS),
            gap_percent=json_number(gap, RECORD_DIGITS),
        )

    return report


class ScheduleMeta(BaseModel):
    """Which week was scheduled, and from which forecast."""

    week_start: dt.date = Field(description="First day of the week (local date).")
    timezone: str = Field(description="Timezone of the times.")
    forecast_id: int | None = Field(description="The forecast used; null: forecast on the spot.")


class ScheduleOutcome(BaseModel):
    """The result of a schedule job, one field per stored part."""

    meta: ScheduleMeta
    summary: ScheduleSummary
    shifts: list[Record]
    coverage: list[Record]


SCHEDULE_META: Final = ResultPart("meta", ScheduleMeta)
SCHEDULE_SUMMARY: Final = ResultPart("summary", ScheduleSummary)
SHIFTS: Final = ResultPart("shifts", list[Record])
COVERAGE: Final = ResultPart("coverage", list[Record])
SCHEDULE_PARTS: Final = (SCHEDULE_META, SCHEDULE_SUMMARY, SHIFTS, COVERAGE)


def run_schedule(context: JobContext) -> ScheduleOutcome:
    """Job handler of kind ``schedule``; ``context.request`` is a :class:`ScheduleRequest`."""
    request = ScheduleRequest.model_validate(context.request)
    context.report("loading", "reading targets, rules and roster", force=True)
    team, targets, agents = team_inputs(context, require_rules=True, use_agents=request.use_agents)
    assert team.rules is not None
    rules = rules_from_dict(team.rules)
    week_start = request.week_start
    workload = week_workload(
        context,
        week_start,
        team.timezone,
        forecast_id=request.forecast_id,
        default_aht_seconds=request.default_aht_seconds,
    )
    context.raise_if_stopped()
    limit = min(
        request.time_limit_seconds or context.settings.solver_time_limit_seconds,
        context.settings.solver_time_limit_seconds,
    )
    options = SolverOptions(
        time_limit_seconds=limit,
        relative_gap=request.gap_percent / 100,
        seed=request.seed,
        workers=context.settings.solver_workers,
    )
    context.report("staffing", "agents required per interval", force=True)
    _, result = schedule_week(
        workload,
        targets,
        rules,
        agents,
        timezone=team.timezone,
        volume_column=request.volume_column,
        options=options,
        progress=solver_progress(context, limit),
        before_solving=lambda: context.report("solving", "building the model", force=True),
    )
    return ScheduleOutcome(
        meta=ScheduleMeta(
            week_start=week_start, timezone=team.timezone, forecast_id=request.forecast_id
        ),
        summary=ScheduleSummary.of(result),
        shifts=json_records(schedule_table(result)),
        coverage=json_records(coverage_table(result)),
    )
