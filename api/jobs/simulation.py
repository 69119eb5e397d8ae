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
from typing import Final

import pandas as pd
from pydantic import BaseModel, Field

from api.jobs.numbers import Record, json_records
from api.jobs.pipeline import SimulationSummary, VolumeColumn, interval_table, simulation_report
from api.jobs.runner import JobContext, done_job_parts
from api.jobs.schedule import team_inputs, week_workload
from scheduler.simulation import SimulationOptions, simulate_week

COVERAGE_COLUMNS: Final = ("required", "scheduled", "shortfall")


class SimulationMeta(BaseModel):
    """What was simulated, and how."""

    schedule_id: int = Field(description="The schedule simulated.")
    week_start: str = Field(description="First day of the week (local date).")
    timezone: str = Field(description="Timezone of the times.")
    replications: int = Field(description="Independent runs of the week.")
    seed: int = Field(description="Base random seed.")
    aht_cv: float | None = Field(description="Coefficient of variation of handle times.")
    volume_column: VolumeColumn = Field(description="The volume simulated.")


class SimulationOutcome(BaseModel):
    """The result of a simulation job, one field per stored part."""

    meta: SimulationMeta
    summary: SimulationSummary
    intervals: list[Record]


def run_simulation(context: JobContext) -> SimulationOutcome:
    """Job handler of kind ``simulation``; ``context.request`` holds ``schedule_id`` and the
    API's ``SimulationRequest`` fields."""
    request = context.request
    context.report("loading", "reading the schedule, its workload and the targets", force=True)
    schedule_id = request["schedule_id"]
    schedule_request, parts = done_job_parts(
        context, schedule_id, "schedule", "meta", "shifts", "coverage"
    )
    meta, shifts, coverage = parts["meta"], pd.DataFrame(parts["shifts"]), parts["coverage"]
    _, targets, agents = team_inputs(context, require_rules=False)
    workload_context = dataclasses.replace(
        context,
        request={
            "forecast_id": meta.get("forecast_id"),
            "default_aht_seconds": schedule_request.get("default_aht_seconds"),
        },
    )
    workload = week_workload(
        workload_context, dt.date.fromisoformat(meta["week_start"]), meta["timezone"]
    )
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
    stored = pd.DataFrame(coverage)[["interval_start", "channel", *COVERAGE_COLUMNS]]
    intervals = interval_table(table).merge(stored, on=["interval_start", "channel"], how="left")
    return SimulationOutcome(
        meta=SimulationMeta(
            schedule_id=schedule_id,
            week_start=meta["week_start"],
            timezone=meta["timezone"],
            replications=options.replications,
            seed=options.seed,
            aht_cv=options.aht_cv,
            volume_column=options.volume_column,
        ),
        summary=SimulationSummary.of(result, channels, options),
        intervals=json_records(intervals),
    )
