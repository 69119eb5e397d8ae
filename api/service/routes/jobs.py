"""``/v1/jobs``: status of forecasts, schedules and simulations computed in the background;
cancel."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.service.deps import ReadsDep, ResourceId, RunnerDep, SessionDep, TeamDep
from api.service.job_views import JobInfo, ListLimit, cancel_job, find_job, job_infos
from api.service.problems import problem_responses
from api.storage.jobs import team_jobs
from api.storage.models import JOB_KINDS

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


@router.get("", summary="Recent jobs, newest first")
async def list_jobs(
    team: TeamDep,
    reads: ReadsDep,
    kind: Annotated[
        Literal["forecast", "schedule", "simulation"] | None,
        Query(description="Only jobs of this kind."),
    ] = None,
    limit: ListLimit = 50,
) -> list[JobInfo]:
    """The team's forecast, schedule and simulation jobs."""
    assert kind is None or kind in JOB_KINDS
    return await reads.run(lambda session: job_infos(team_jobs(session, team.id, kind, limit)))


@router.get("/{job_id}", summary="A job's status", responses=problem_responses(404))
async def read_job(job_id: ResourceId, team: TeamDep, reads: ReadsDep) -> JobInfo:
    """Poll this until `status` is `done`, `failed` or `cancelled`."""
    return await reads.run(lambda session: JobInfo.of(find_job(session, team, job_id)))


@router.post(
    "/{job_id}/cancel",
    summary="Cancel a job",
    responses=problem_responses(404, 409),
)
def cancel(job_id: ResourceId, team: TeamDep, session: SessionDep, runner: RunnerDep) -> JobInfo:
    """A queued job is cancelled at once; a running one is told to stop (the optimizer stops
    its search) and ends `cancelled` moments later. A finished job is a 409."""
    return cancel_job(session, runner, find_job(session, team, job_id))
