"""Simulating a schedule's week: ``POST /v1/schedules/{id}/simulation`` starts a job (``202``);
``/v1/simulations/{id}`` is its summary, ``/v1/simulations/{id}/intervals(.csv)`` the
simulated service level per interval next to the Erlang projection."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.jobs.pipeline import SimulationSummary
from api.jobs.simulation import (
    SIMULATION_INTERVALS,
    SIMULATION_SUMMARY,
    SimulationJob,
    SimulationRequest,
)
from api.service.deps import ReadsDep, ResourceId, TeamDep
from api.service.job_views import (
    JobInfo,
    RouteDoc,
    add_create_route,
    add_part_routes,
    find_job,
    finished_part,
    job_request,
    require_done,
)
from api.service.problems import ConflictError, NotFoundError, problem_responses
from api.storage.jobs import team_jobs
from api.storage.teams import TeamSnapshot
from scheduler.simulation import INTERVAL_COLUMNS as SIMULATION_COLUMNS

schedule_router = APIRouter(prefix="/v1/schedules", tags=["simulations"])
router = APIRouter(prefix="/v1/simulations", tags=["simulations"])

INTERVAL_COLUMNS = (
    *SIMULATION_COLUMNS[:2],
    "required",
    "scheduled",
    "shortfall",
    *SIMULATION_COLUMNS[2:],
)
RECENT_SIMULATIONS = 200


class SimulationView(BaseModel):
    """A simulation job and, once it is done, its summary."""

    job: JobInfo = Field(description="Status of the job.")
    schedule_id: int = Field(description="The schedule simulated.")
    summary: SimulationSummary | None = Field(
        description="Per channel the simulated week with 95% intervals, the projection and the "
        "intervals that disagree with it (and why); per channel and day the KPIs. Null until "
        "done."
    )


def _can_simulate(session: Session, team: TeamSnapshot, request: SimulationJob) -> None:
    request.options()
    require_done(find_job(session, team, request.schedule_id, "schedule"))
    if team.targets is None:
        raise ConflictError("set the team's service targets first (PATCH /v1/settings)")


add_create_route(
    schedule_router,
    "simulation",
    SimulationJob,
    _can_simulate,
    RouteDoc(
        "/{schedule_id}/simulation",
        "create_simulation",
        "Start simulating a schedule's week",
        "Queue the simulation of a finished schedule against the workload it was built for;\n"
        "poll the returned job (also in `Location`), then fetch `/v1/simulations/{id}`.",
    ),
    body_model=SimulationRequest,
    parent="schedule",
    errors=(404, 409),
)


def _view(session: Session, team: TeamSnapshot, simulation_id: int) -> SimulationView:
    job = find_job(session, team, simulation_id, "simulation")
    summary = None
    if job.status == "done":
        summary = finished_part(session, job, SIMULATION_SUMMARY)
    return SimulationView(
        job=JobInfo.of(job),
        schedule_id=job_request(job, SimulationJob).schedule_id,
        summary=summary,
    )


@schedule_router.get(
    "/{schedule_id}/simulation",
    summary="The latest simulation of a schedule",
    responses=problem_responses(404, 409),
)
async def read_latest_simulation(
    schedule_id: ResourceId, team: TeamDep, reads: ReadsDep
) -> SimulationView:
    """The newest simulation job of this schedule (any status) and its summary once done."""

    def latest(session: Session) -> SimulationView:
        find_job(session, team, schedule_id, "schedule")
        for job in team_jobs(session, team.id, "simulation", RECENT_SIMULATIONS):
            if job_request(job, SimulationJob).schedule_id == schedule_id:
                return _view(session, team, job.id)
        raise NotFoundError(
            f"schedule {schedule_id} has not been simulated; "
            f"POST /v1/schedules/{schedule_id}/simulation"
        )

    return await reads.run(latest)


@router.get(
    "/{simulation_id}",
    summary="A simulation's status and summary",
    responses=problem_responses(404, 409),
)
async def read_simulation(
    simulation_id: ResourceId, team: TeamDep, reads: ReadsDep
) -> SimulationView:
    """Simulated service level, ASA, abandonment and occupancy per channel with their 95%
    intervals, next to the Erlang projection."""
    return await reads.run(lambda session: _view(session, team, simulation_id))


add_part_routes(
    router,
    "simulation",
    SIMULATION_INTERVALS,
    as_json=RouteDoc(
        "/{simulation_id}/intervals",
        "read_intervals",
        "The simulated week per interval",
        "One entry per channel and interval (the columns of `intervals.csv`).",
    ),
    json_model=None,
    as_csv=RouteDoc(
        "/{simulation_id}/intervals.csv",
        "download_intervals",
        "The simulated week per interval, as CSV",
        "The coverage columns (`required`, `scheduled`, `shortfall`,\n"
        "`projected_service_level`) with the simulated KPIs and their 95% bounds, `disagrees` and\n"
        "`reason`; the coverage chart draws it with the simulated band.",
    ),
    csv_description="SIMULATION.csv",
    columns=INTERVAL_COLUMNS,
    filename="simulation-{id}.csv",
)
