"""The simulation job: a finished schedule + the workload it was built for + the team's
targets → ``scheduler.simulation.simulate_week`` → the simulated week next to the projection.

The workload is the schedule's own: the stored forecast it was built from, or — for a
schedule that forecast its week on the spot — the same forecast made again from the team's
stored history (deterministic; if the history was replaced since, the figures are for the
forecast of the new history). Targets are the team's current ones; named agents' skills
decide who may take email when idle, as in the schedule's coverage.

Progress: after each replication (``fraction``, stored at most every half second, like the
optimizer's); a cancellation stops it between two replications.

The result, in parts::

    meta       {"schedule_id": 7, "week_start": "2026-12-07", "timezone": ..., "replications",
                "seed", "aht_cv", "volume_column"}
    summary    {...the `staffcast simulate --json` summary...}
    intervals  [{interval_start, channel, required, scheduled, shortfall, offered,
                 projected_service_level, service_level, service_level_low, ...}, ...]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd

from api.cli.simulation import interval_csv, simulation_report, summary_dict
from api.jobs import JobContext, result_parts
from api.schedule_jobs import _records, _week_workload
from api.storage.agents import agent_record, checked_roster, team_agents
from api.storage.models import Job, Team
from forecast import ForecastError
from scheduler.errors import InvalidTargetsError
from scheduler.shifts import Agent
from scheduler.simulation import SimulationOptions, simulate_week
from scheduler.staffing import Targets

COVERAGE_COLUMNS = ("required", "scheduled", "shortfall")


def _schedule_inputs(
    context: JobContext, schedule_id: int
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The schedule's meta, shifts, coverage and the request it was built with."""
    with context.database.session() as session:
        job = session.get(Job, schedule_id)
        if job is None or job.team_id != context.team_id or job.kind != "schedule":
            raise ForecastError(f"there is no schedule {schedule_id}")
        if job.status != "done":
            raise ForecastError(f"schedule {schedule_id} is {job.status}, not done")
        parts = result_parts(session, schedule_id, "meta", "shifts", "coverage")
        request = dict(job.request)
    return parts["meta"], pd.DataFrame(parts["shifts"]), pd.DataFrame(parts["coverage"]), request


def _team_targets(context: JobContext) -> tuple[Targets, tuple[Agent, ...] | None]:
    with context.database.session() as session:
        team = session.get(Team, context.team_id)
        assert team is not None
        if team.targets is None:
            raise InvalidTargetsError("the team has no service targets; set them first")
        roster = [agent_record(agent) for agent in team_agents(session, team.id)]
    return Targets.from_dict(team.targets), checked_roster(roster) if roster else None


def run_simulation(context: JobContext) -> dict[str, Any]:
    """Job handler of kind ``simulation``; ``context.request`` holds ``schedule_id`` and the
    API's ``SimulationRequest`` fields."""
    request = context.request
    context.report("loading", "reading the schedule, its workload and the targets", force=True)
    meta, shifts, coverage, schedule_request = _schedule_inputs(context, request["schedule_id"])
    targets, agents = _team_targets(context)
    week_start = dt.date.fromisoformat(meta["week_start"])
    workload_context = dataclasses.replace(
        context,
        request={
            "forecast_id": meta.get("forecast_id"),
            "default_aht_seconds": schedule_request.get("default_aht_seconds"),
        },
    )
    workload = _week_workload(workload_context, week_start, meta["timezone"])
    options = SimulationOptions(
        replications=request["replications"],
        seed=request["seed"],
        aht_cv=request.get("aht_cv"),
        volume_column=request["volume_column"],
    )

    def progress(done: int, total: int) -> None:
        context.raise_if_stopped()
        context.report(  # at most every half second: replications can be quick
            "simulating", f"replication {done} of {total}", fraction=done / total
        )

    context.report("simulating", f"replication 0 of {options.replications}", fraction=0.0)
    result = simulate_week(shifts, workload, targets, options, progress, agents)
    table, channels = simulation_report(
        shifts, workload, targets, result, agents, options.volume_column
    )
    intervals = interval_csv(table)
    stored = coverage[["interval_start", "channel", *COVERAGE_COLUMNS]]
    intervals = intervals.merge(stored, on=["interval_start", "channel"], how="left")
    return {
        "meta": {
            "schedule_id": request["schedule_id"],
            "week_start": meta["week_start"],
            "timezone": meta["timezone"],
            "replications": options.replications,
            "seed": options.seed,
            "aht_cv": options.aht_cv,
            "volume_column": options.volume_column,
        },
        "summary": summary_dict(result, channels, options),
        "intervals": _records(intervals),
    }
