"""``/v1/schedules``: build a week's schedule in the background (``202`` + a job), then fetch
its summary, shifts and coverage as JSON or CSV; cancel."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.jobs.pipeline import ScheduleSummary
from api.jobs.schedule import COVERAGE, SCHEDULE_META, SCHEDULE_SUMMARY, SHIFTS, ScheduleRequest
from api.service.deps import (
    ReadsDep,
    ResourceId,
    TeamDep,
)
from api.service.job_views import (
    JobInfo,
    RouteDoc,
    add_job_routes,
    add_part_routes,
    find_job,
    finished_part,
    require_done,
)
from api.service.problems import ConflictError, problem_responses
from api.storage.teams import TeamSnapshot

router = APIRouter(prefix="/v1/schedules", tags=["schedules"])


class Shift(BaseModel):
    """One agent's (or open position's) shift."""

    agent_id: str = Field(description="The agent, or `open-N` for an open position.")
    channel: str = Field(description="Channel served.")
    start: str = Field(description="Start, ISO 8601 local time with offset.")
    end: str = Field(description="End, ISO 8601 local time with offset.")
    paid_hours: float = Field(description="Paid hours (unpaid breaks excluded).")
    breaks: str | None = Field(description="Breaks as `START/END` ISO 8601 pairs separated by `;`.")


class CoverageInterval(BaseModel):
    """Required vs scheduled agents in one interval of one channel."""

    interval_start: str = Field(description="Start, ISO 8601 with offset.")
    channel: str = Field(description="Channel.")
    required: float | None = Field(description="Agents to schedule (after shrinkage).")
    scheduled: float | None = Field(description="Agents scheduled and not on a break.")
    shortfall: float | None = Field(description="Required minus scheduled, when positive.")
    projected_service_level: float | None = Field(
        description="Service level the schedule is projected to reach."
    )


class ScheduleView(BaseModel):
    """A schedule job and, once it is done, its summary."""

    job: JobInfo = Field(description="Status of the job.")
    week_start: str | None = Field(description="First day of the week; null until done.")
    timezone: str | None = Field(description="Timezone of the times; null until done.")
    summary: ScheduleSummary | None = Field(description="The summary; null until done.")


def _can_schedule(session: Session, team: TeamSnapshot, body: ScheduleRequest) -> None:
    missing = [
        what
        for what, value in (("service targets", team.targets), ("scheduling rules", team.rules))
        if value is None
    ]
    if missing:
        raise ConflictError(f"set the team's {' and '.join(missing)} first (PATCH /v1/settings)")
    if body.forecast_id is None and team.history_interval_minutes is None:
        raise ConflictError("the team has no history to forecast the week from; upload it")
    if body.forecast_id is not None:
        require_done(find_job(session, team, body.forecast_id, "forecast"))


add_job_routes(
    router,
    "schedule",
    "schedules",
    ScheduleRequest,
    _can_schedule,
    create=RouteDoc(
        "",
        "create_schedule",
        "Start building a week's schedule",
        "Queue the optimizer for the week; poll the returned job (also in `Location`) for its\n"
        "progress, then fetch `/v1/schedules/{id}`.",
    ),
    cancel=RouteDoc(
        "/{schedule_id}/cancel",
        "cancel_schedule",
        "Cancel a schedule",
        "Stops the optimizer (at its next progress report) and marks the job `cancelled`.",
    ),
    create_errors=(404, 409),
)


@router.get(
    "/{schedule_id}",
    summary="A schedule's status and summary",
    responses=problem_responses(404, 409),
)
async def read_schedule(schedule_id: ResourceId, team: TeamDep, reads: ReadsDep) -> ScheduleView:
    """Paid hours, distance from the best possible, headcount, service level per channel."""
    return await reads.run(lambda session: schedule_view(session, team, schedule_id))


def schedule_view(session: Session, team: TeamSnapshot, schedule_id: int) -> ScheduleView:
    """Schedule ``schedule_id``'s job and, once done, its summary.

    Raises:
        NotFoundError: the team has no such schedule.
        StoredPartError: a stored part does not match its model.
    """
    job = find_job(session, team, schedule_id, "schedule")
    if job.status != "done":
        return ScheduleView(job=JobInfo.of(job), week_start=None, timezone=None, summary=None)
    meta = finished_part(session, job, SCHEDULE_META)
    return ScheduleView(
        job=JobInfo.of(job),
        week_start=meta.week_start.isoformat(),
        timezone=meta.timezone,
        summary=finished_part(session, job, SCHEDULE_SUMMARY),
    )


add_part_routes(
    router,
    "schedule",
    SHIFTS,
    as_json=RouteDoc(
        "/{schedule_id}/shifts",
        "read_shifts",
        "The shifts",
        "One entry per shift, with its breaks.",
    ),
    json_model=list[Shift],
    as_csv=RouteDoc(
        "/{schedule_id}/shifts.csv",
        "download_shifts",
        "The shifts as CSV",
        "`agent_id`, `channel`, `start`, `end`, `paid_hours`, `breaks` (as `staffcast schedule`).",
    ),
    csv_description="SCHEDULE.csv",
    columns=list(Shift.model_fields),
    filename="schedule-{id}.csv",
)
add_part_routes(
    router,
    "schedule",
    COVERAGE,
    as_json=RouteDoc(
        "/{schedule_id}/coverage",
        "read_coverage",
        "Coverage per interval",
        "Required vs scheduled agents and projected service level, per interval and channel.",
    ),
    json_model=list[CoverageInterval],
    as_csv=RouteDoc(
        "/{schedule_id}/coverage.csv",
        "download_coverage",
        "Coverage as CSV",
        "`interval_start`, `channel`, `required`, `scheduled`, `shortfall`,\n"
        "`projected_service_level`.",
    ),
    csv_description="COVERAGE.csv",
    columns=list(CoverageInterval.model_fields),
    filename="coverage-{id}.csv",
)
