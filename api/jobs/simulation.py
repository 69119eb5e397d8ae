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

Each part is read back through its model (:data:`SIMULATION_PARTS`).
"""

from __future__ import annotations

from typing import Annotated, Final

import pandas as pd
from pydantic import BaseModel, Field

from api.jobs.numbers import Record, json_records
from api.jobs.pipeline import SimulationSummary, VolumeColumn, interval_table, simulation_report
from api.jobs.runner import JobContext, ResultPart, done_job
from api.jobs.schedule import (
    COVERAGE,
    SCHEDULE_META,
    SHIFTS,
    ScheduleRequest,
    team_inputs,
    week_workload,
)
from api.request_models import RequestModel
from scheduler.simulation import SimulationOptions, simulate_week

COVERAGE_COLUMNS: Final = ("required", "scheduled", "shortfall")


class SimulationRequest(RequestModel):
    """How to simulate the week."""

    replications: int = Field(
        default=20, ge=2, le=200, description="Independent runs of the week (95% intervals)."
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Base random seed.")
    aht_cv: float | None = Field(
        default=None,
        le=10,
        description="Lognormal handle times with this coefficient of variation (>= 0); "
        "null: exponential.",
    )
    volume_column: Annotated[str, Field(pattern="^(volume|volume_high)$")] = Field(
        default="volume", description="Simulate the expected volume or the band's upper end."
    )

    def options(self) -> SimulationOptions:
        """The engine's options; built by the route too, so a bad value (a negative CV) is
        refused with the engine's own message before a job is queued.

        Raises:
            ValueError: the engine refuses a value.
        """
        return SimulationOptions(
            replications=self.replications,
            seed=self.seed,
            aht_cv=self.aht_cv,
            volume_column="volume_high" if self.volume_column == "volume_high" else "volume",
        )


class SimulationJob(SimulationRequest):
    """What a simulation job is asked: the API's request and the schedule to simulate."""

    schedule_id: int = Field(ge=1, description="The schedule to simulate.")


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


SIMULATION_META: Final = ResultPart("meta", SimulationMeta)
SIMULATION_SUMMARY: Final = ResultPart("summary", SimulationSummary)
SIMULATION_INTERVALS: Final = ResultPart("intervals", list[Record])
SIMULATION_PARTS: Final = (SIMULATION_META, SIMULATION_SUMMARY, SIMULATION_INTERVALS)


def run_simulation(context: JobContext) -> SimulationOutcome:
    """Job handler of kind ``simulation``; ``context.request`` is a :class:`SimulationJob`."""
    request = SimulationJob.model_validate(context.request)
    context.report("loading", "reading the schedule, its workload and the targets", force=True)
    schedule = done_job(context, request.schedule_id, "schedule", SCHEDULE_META, SHIFTS, COVERAGE)
    meta = schedule.part(SCHEDULE_META)
    shifts, coverage = pd.DataFrame(schedule.part(SHIFTS)), schedule.part(COVERAGE)
    _, targets, agents = team_inputs(context, require_rules=False)
    workload = week_workload(
        context,
        meta.week_start,
        meta.timezone,
        forecast_id=meta.forecast_id,
        default_aht_seconds=schedule.request_as(ScheduleRequest).default_aht_seconds,
    )
    options = request.options()

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
            schedule_id=request.schedule_id,
            week_start=meta.week_start.isoformat(),
            timezone=meta.timezone,
            replications=options.replications,
            seed=options.seed,
            aht_cv=options.aht_cv,
            volume_column=options.volume_column,
        ),
        summary=SimulationSummary.of(result, channels, options),
        intervals=json_records(intervals),
    )
