"""The schedule job: the week's workload (a finished forecast, or one made on the spot) →
``scheduler.requirements`` with the team's targets → ``scheduler.solve_schedule`` with the
team's rules and roster → shifts, coverage and summary stored with the job.

Cancelling works through the optimizer's progress callback, which CP-SAT calls from its
solution callback: once the job's stop flag is set the callback raises, CP-SAT stops the
search and the exception ends the job as ``cancelled``.

The result, in parts (rows of ``job_results``)::

    meta      {"week_start": "2026-12-07", "timezone": "America/New_York", "forecast_id": 12}
    summary   {...the `staffcast schedule --json` summary...}
    shifts    [{"agent_id", "channel", "start", "end", "paid_hours", "breaks"}, ...]
    coverage  [{"interval_start", "channel", "required", "scheduled", "shortfall",
                "projected_service_level"}, ...]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from api.cli.scheduling import coverage_table, schedule_table, summary_dict
from api.forecast_jobs import fill_unknown_aht, team_history, workload_of
from api.jobs import JobContext, result_parts
from api.storage.agents import agent_record, checked_roster, team_agents
from api.storage.models import Job, Team
from forecast import ForecastError, forecast_workload
from scheduler.errors import InvalidRulesError, InvalidTargetsError
from scheduler.shifts import Agent, Progress, Rules, SolverOptions, rules_from_dict, solve_schedule
from scheduler.staffing import INTERVAL_START, Targets, requirements

WEEK_DAYS = 7


def _team_inputs(context: JobContext) -> tuple[Team, Targets, Rules, tuple[Agent, ...] | None]:
    """The team's targets, rules and (if asked for and present) roster, parsed."""
    with context.database.session() as session:
        team = session.get(Team, context.team_id)
        assert team is not None
        if team.targets is None:
            raise InvalidTargetsError("the team has no service targets; set them first")
        if team.rules is None:
            raise InvalidRulesError("the team has no scheduling rules; set them first")
        roster = [agent_record(agent) for agent in team_agents(session, team.id)]
    agents = checked_roster(roster) if roster and context.request.get("use_agents", True) else None
    return team, Targets.from_dict(team.targets), rules_from_dict(team.rules), agents


def _stored_workload(context: JobContext, forecast_id: int) -> pd.DataFrame:
    with context.database.session() as session:
        job = session.get(Job, forecast_id)
        if job is None or job.team_id != context.team_id or job.kind != "forecast":
            raise ForecastError(f"there is no forecast {forecast_id}")
        parts = result_parts(session, forecast_id, "meta", "intervals")
        if job.status != "done" or len(parts) < 2:
            raise ForecastError(f"forecast {forecast_id} is {job.status}, not done")
        return workload_of(parts["meta"], parts["intervals"])


def _week_workload(context: JobContext, week_start: dt.date, timezone: str) -> pd.DataFrame:
    """The week's workload: from the given forecast, or a forecast made now."""
    forecast_id = context.request.get("forecast_id")
    if forecast_id is not None:
        workload = _stored_workload(context, forecast_id)
    else:
        context.report("forecasting", "forecasting the week", force=True)
        history, calendar = team_history(context)
        forecast = forecast_workload(
            history, start=week_start, days=WEEK_DAYS, calendar=calendar, model="auto"
        )
        fill_unknown_aht(forecast, context.request.get("default_aht_seconds"))
        workload = forecast.workload
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
            best_objective=_finite(progress.incumbent),
            best_bound=_finite(progress.best_bound),
            gap_percent=_finite(gap),
        )

    return report


def _finite(value: float | None) -> float | None:
    return round(value, 4) if value is not None and math.isfinite(value) else None


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    cleaned = table.astype(object).where(table.notna(), None)
    return [
        {
            str(key): (_finite(value) if isinstance(value, float) else value)
            for key, value in record.items()
        }
        for record in cleaned.to_dict("records")
    ]


def run_schedule(context: JobContext) -> dict[str, Any]:
    """Job handler of kind ``schedule``; ``context.request`` holds the API's
    ``ScheduleRequest`` fields."""
    request = context.request
    context.report("loading", "reading targets, rules and roster", force=True)
    team, targets, rules, agents = _team_inputs(context)
    week_start = dt.date.fromisoformat(request["week_start"])
    workload = _week_workload(context, week_start, team.timezone)
    context.raise_if_stopped()
    context.report("staffing", "agents required per interval", force=True)
    required = requirements(
        workload, targets, timezone=team.timezone, volume_column=request["volume_column"]
    )
    limit = min(
        request.get("time_limit_seconds") or context.settings.solver_time_limit_seconds,
        context.settings.solver_time_limit_seconds,
    )
    options = SolverOptions(
        time_limit_seconds=limit,
        relative_gap=request["gap_percent"] / 100,
        seed=request["seed"],
        workers=context.settings.solver_workers,
    )
    context.report("solving", "building the model", force=True)
    result = solve_schedule(
        required, rules, agents, options=options, progress=solver_progress(context, limit)
    )
    return {
        "meta": {
            "week_start": week_start.isoformat(),
            "timezone": team.timezone,
            "forecast_id": request.get("forecast_id"),
        },
        "summary": summary_dict(result),
        "shifts": _records(schedule_table(result)),
        "coverage": _records(coverage_table(result)),
    }
