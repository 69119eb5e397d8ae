"""What the job routes share: a job as the API shows it, finding a team's job, its finished
result (as stored JSON, or as a CSV download), cancelling it, and the routes every kind of job
has, added by one factory each: create (``POST`` starts one and answers ``202`` with the job;
:func:`add_create_route`, also for a job of another job, such as a schedule's simulation),
list the newest and cancel (:func:`add_job_routes` adds the three to a collection).

Not a route module: the routes of ``/v1/jobs``, ``/v1/forecasts``, ``/v1/schedules`` and
``/v1/simulations`` import from here, never from each other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.jobs.numbers import Record
from api.jobs.runner import JobRunner, ResultPart, stored_request
from api.request_models import MAX_ID
from api.service.csv_files import cached_csv, csv_content, csv_records_bytes
from api.service.deps import DownloadsDep, Reads, ReadsDep, RunnerDep, SessionDep, TeamDep
from api.service.download_cache import DownloadCache
from api.service.problems import ConflictError, NotFoundError, problem_responses
from api.storage.jobs import result_parts, result_parts_json, team_job, team_jobs
from api.storage.models import Job, JobKind, JobStatus
from api.storage.teams import TeamSnapshot

ListLimit = Annotated[int, Query(ge=1, le=200, description="At most this many.")]

RESULT_PATHS: dict[str, str] = {
    "forecast": "/v1/forecasts",
    "schedule": "/v1/schedules",
    "simulation": "/v1/simulations",
}


class JobProgress(BaseModel):
    """How far a running job has got. Solver fields appear while a schedule is optimised."""

    model_config = ConfigDict(extra="ignore")

    stage: str = Field(
        description="Current step, e.g. `loading`, `forecasting`, `staffing`, `solving`."
    )
    message: str = Field(default="", description="Human-readable note on the step.")
    elapsed_seconds: float | None = Field(
        default=None, description="Seconds since the job started running."
    )
    fraction: float | None = Field(
        default=None, ge=0, le=1, description="Share of the work done, when it is known."
    )
    solutions: int | None = Field(
        default=None, description="Schedules the optimizer has found so far."
    )
    best_objective: float | None = Field(
        default=None, description="Cost of the best schedule found so far (lower is better)."
    )
    best_bound: float | None = Field(default=None, description="Proven lower bound on that cost.")
    gap_percent: float | None = Field(
        default=None, description="How far the best schedule may be above the bound, in %."
    )


class JobLinks(BaseModel):
    """Where to go next."""

    self: str = Field(description="This job's status.")
    result: str = Field(description="The result (available when `done`).")
    cancel: str = Field(description="`POST` here to cancel the job.")


class JobInfo(BaseModel):
    """A forecast, schedule or simulation job."""

    id: int = Field(
        description="Job number; also the number of its forecast, schedule or simulation."
    )
    kind: JobKind = Field(description="`forecast`, `schedule` or `simulation`.")
    status: JobStatus = Field(
        description="`queued` (waiting for a worker), `running`, `done`, `failed` (see "
        "`reason`) or `cancelled`."
    )
    progress: JobProgress | None = Field(description="Progress while running.")
    reason: str | None = Field(
        description="Why the job failed or was cancelled, in words; null otherwise."
    )
    cancel_requested: bool = Field(
        description="A cancellation was requested and the job is stopping."
    )
    created_at: dt.datetime = Field(description="When the job was submitted (UTC).")
    started_at: dt.datetime | None = Field(description="When a worker started it (UTC).")
    finished_at: dt.datetime | None = Field(description="When it ended (UTC).")
    request: dict[str, Any] = Field(description="The parameters it was submitted with.")
    links: JobLinks = Field(description="Related URLs.")

    @classmethod
    def of(cls, job: Job) -> JobInfo:
        """From the stored row."""
        base = f"/v1/jobs/{job.id}"
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=JobProgress.model_validate(job.progress) if job.progress else None,
            reason=job.reason,
            cancel_requested=job.cancel_requested,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            request=job.request,
            links=JobLinks(
                self=base,
                result=f"{RESULT_PATHS.get(job.kind, '/v1/jobs')}/{job.id}",
                cancel=f"{base}/cancel",
            ),
        )


def find_job(session: Session, team: TeamSnapshot, job_id: int, kind: str | None = None) -> Job:
    """The team's job ``job_id`` (of ``kind``, if given).

    Raises:
        NotFoundError: no such job for this team.
    """
    job = team_job(session, team.id, job_id, kind)
    if job is None:
        raise NotFoundError(f"there is no {kind or 'job'} {job_id}")
    return job


def job_infos(jobs: list[Job]) -> list[JobInfo]:
    """The jobs as the API shows them."""
    return [JobInfo.of(job) for job in jobs]


def require_done(job: Job) -> None:
    """Nothing, once ``job`` is done.

    Raises:
        ConflictError: the job is not done (queued, running, failed or cancelled).
    """
    if job.status != "done":
        detail = f" ({job.reason})" if job.reason else ""
        raise ConflictError(
            f"{job.kind} {job.id} is {job.status}{detail}; results exist once it is done "
            f"(poll /v1/jobs/{job.id})"
        )


Part = TypeVar("Part")
Request_ = TypeVar("Request_", bound=BaseModel)


def finished_part(session: Session, job: Job, part: ResultPart[Part]) -> Part:
    """A part of a finished job's result, read through its model.

    Raises:
        ConflictError: the job is not done.
        StoredPartError: the stored part does not match its model (answered as a 409).
    """
    require_done(job)
    return part.read(result_parts(session, job.id, part.name), job.kind, job.id)


def job_request(job: Job, model: type[Request_]) -> Request_:
    """The request ``job`` was submitted with, read through its model.

    Raises:
        StoredPartError: the stored request does not match the model.
    """
    return stored_request(model, job.kind, job.id, job.request)


def finished_result_json(
    session: Session, job: Job, *parts: ResultPart[Any], cache: DownloadCache | None = None
) -> dict[str, str]:
    """The named parts of a finished job's result as the stored JSON text of each, checked
    against its model (see :meth:`ResultPart.checked_json`).

    A done job's parts never change: they are written once, in the transaction that marks it
    done. With ``cache``, each part read and checked is kept in memory under the job's id and
    finish time (an id that names another job after a deletion comes with another finish
    time), so a large result is not fetched from the database, nor checked, again; the job
    itself (its team, its status) is still read by the caller on every request.

    Raises:
        ConflictError: the job is not done.
        StoredPartError: a stored part does not match its model.
    """
    require_done(job)
    keys = {part.name: ("job result", job.id, job.finished_at, part.name) for part in parts}
    found: dict[str, str] = {}
    if cache is not None:
        for name, key in keys.items():
            body = cache.get(key)
            if body is not None:
                found[name] = body.decode()
    missing = [part for part in parts if part.name not in found]
    if missing:
        stored = result_parts_json(session, job.id, *(part.name for part in missing))
        for part in missing:
            found[part.name] = part.checked_json(stored, job.kind, job.id)
            if cache is not None:
                cache.put(keys[part.name], found[part.name].encode())
    return found


def finished_csv(
    request: Request,
    session: Session,
    job: Job,
    part: ResultPart[list[Record]],
    columns: Sequence[str],
    filename: str,
    cache: DownloadCache,
) -> Response:
    """A list part of a finished job's result (records) as a CSV download, rendered once and
    kept under the job's id and finish time (it never changes), with an ``ETag``.

    Raises:
        ConflictError: the job is not done.
        StoredPartError: the stored part does not match its model.
    """
    require_done(job)
    key = ("job csv", job.id, job.finished_at, part.name)

    def render() -> bytes:
        records = json.loads(finished_result_json(session, job, part, cache=cache)[part.name])
        return csv_records_bytes(records, columns)

    return cached_csv(request, cache, key, render, filename)


async def job_csv(
    request: Request,
    reads: Reads,
    downloads: DownloadCache,
    team: TeamSnapshot,
    job_id: int,
    kind: JobKind,
    part: ResultPart[list[Record]],
    columns: Sequence[str],
    filename: str,
) -> Response:
    """The CSV download of a list part of job ``job_id``'s result (see :func:`finished_csv`).

    Raises:
        NotFoundError: the team has no such job of this kind.
        ConflictError: the job is not done.
    """
    return await reads.run(
        lambda session: finished_csv(
            request,
            session,
            find_job(session, team, job_id, kind),
            part,
            columns,
            filename,
            downloads,
        )
    )


def json_response(text: str) -> Response:
    """Already-serialised JSON as a response (its shape is the route's declared model)."""
    return Response(text, media_type="application/json")


def cancel_job(session: Session, runner: JobRunner, job: Job) -> JobInfo:
    """Cancel ``job`` or say why it cannot be.

    Raises:
        ConflictError: the job has already finished.
    """
    if not runner.cancel(session, job):
        raise ConflictError(f"job {job.id} has already ended ({job.status}); nothing to cancel")
    return JobInfo.of(job)


def start_job(
    session: Session,
    runner: JobRunner,
    team: TeamSnapshot,
    kind: JobKind,
    request: dict[str, Any],
    response: Response,
) -> JobInfo:
    """Queue a job of ``kind`` for the team; its status URL goes in the ``Location`` header."""
    job = runner.submit(session, team.id, kind, request)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return JobInfo.of(job)


def add_create_route(
    router: APIRouter,
    kind: JobKind,
    job_model: type[Request_],
    check: Callable[[Session, TeamSnapshot, Request_], None],
    route: RouteDoc,
    *,
    body_model: type[BaseModel] | None = None,
    parent: JobKind | None = None,
    errors: tuple[int, ...] = (409,),
) -> None:
    """``POST`` on ``route.path``: ``check`` the team can run the job (it raises a
    ``ConflictError`` saying what to set or upload first), then queue a job of ``kind`` with
    the request as its parameters and answer ``202`` with it (see :func:`start_job`).

    Args:
        router: the router the route is added to.
        kind: the kind of job started.
        job_model: the job's request, which ``check`` is given and the job is queued with.
        check: raises the problem that stops the job from starting.
        route: the route's path, name and documentation.
        body_model: the JSON body, when it is not the whole request: a job of another job
            (``parent``) has its parent's number in the path instead.
        parent: the kind of job whose number is the path parameter ``{<parent>_id}``, stored
            in the request as ``<parent>_id``.
        errors: the problem statuses the route documents.
    """

    def start(
        request: Request_,
        team: TeamSnapshot,
        session: Session,
        runner: JobRunner,
        response: Response,
    ) -> JobInfo:
        check(session, team, request)
        return start_job(session, runner, team, kind, request.model_dump(mode="json"), response)

    def create(
        body: Any, team: TeamDep, session: SessionDep, runner: RunnerDep, response: Response
    ) -> JobInfo:
        return start(body, team, session, runner, response)

    def create_under(
        parent_id: int,
        body: Any,
        team: TeamDep,
        session: SessionDep,
        runner: RunnerDep,
        response: Response,
    ) -> JobInfo:
        fields = {**body.model_dump(), f"{parent}_id": parent_id}
        return start(job_model.model_validate(fields), team, session, runner, response)

    endpoint: Callable[..., JobInfo] = create
    if parent is not None:
        endpoint = create_under
        create_under.__annotations__["parent_id"] = Annotated[int, _job_id(f"{parent}_id")]
    endpoint.__name__, endpoint.__doc__ = route.name, route.doc
    endpoint.__annotations__["body"] = body_model or job_model  # the model, not a name
    router.post(
        route.path,
        status_code=status.HTTP_202_ACCEPTED,
        summary=route.summary,
        responses=problem_responses(*errors),
    )(endpoint)


def add_job_routes(
    router: APIRouter,
    kind: JobKind,
    plural: str,
    job_model: type[Request_],
    check: Callable[[Session, TeamSnapshot, Request_], None],
    *,
    create: RouteDoc,
    cancel: RouteDoc,
    create_errors: tuple[int, ...] = (409,),
) -> None:
    """The routes of a collection of jobs of ``kind`` at ``router``'s prefix: create (see
    :func:`add_create_route`), list the newest (:func:`add_list_route`) and cancel
    (:func:`add_cancel_route`)."""
    add_create_route(router, kind, job_model, check, create, errors=create_errors)
    add_list_route(router, kind, plural)
    add_cancel_route(router, kind, cancel)


def add_cancel_route(router: APIRouter, kind: JobKind, route: RouteDoc) -> None:
    """``POST`` ``/{<kind>_id}/cancel``: the same as ``POST /v1/jobs/{id}/cancel`` for a
    job of ``kind``."""

    def cancel(job_id: int, team: TeamDep, session: SessionDep, runner: RunnerDep) -> JobInfo:
        return cancel_job(session, runner, find_job(session, team, job_id, kind))

    cancel.__name__, cancel.__doc__ = route.name, route.doc
    cancel.__annotations__["job_id"] = Annotated[int, _job_id(f"{kind}_id")]
    router.post(route.path, summary=route.summary, responses=problem_responses(404, 409))(cancel)


def add_list_route(router: APIRouter, kind: JobKind, plural: str) -> None:
    """``GET`` on ``router``'s prefix: the team's newest jobs of ``kind`` (results not
    included), as ``list_<plural>``."""

    async def list_kind(team: TeamDep, reads: ReadsDep, limit: ListLimit = 50) -> list[JobInfo]:
        return await reads.run(lambda session: job_infos(team_jobs(session, team.id, kind, limit)))

    list_kind.__name__ = f"list_{plural}"
    list_kind.__doc__ = f"The team's {kind} jobs (results not included)."
    router.get("", summary=f"Recent {plural}, newest first")(list_kind)


def _job_id(id_name: str) -> Any:
    """The path parameter ``id_name`` (``forecast_id``, ...): a job's number."""
    return Path(
        alias=id_name,
        ge=1,
        le=MAX_ID,
        description="The number of the job, forecast, schedule or upload.",
    )


@dataclass(frozen=True)
class RouteDoc:
    """A route the functions here add: its path under the router, its function name (the
    OpenAPI operation's), summary and description."""

    path: str
    name: str
    summary: str
    doc: str


def add_part_routes(
    router: APIRouter,
    kind: JobKind,
    part: ResultPart[list[Record]],
    *,
    as_json: RouteDoc | None,
    json_model: Any,
    as_csv: RouteDoc,
    csv_description: str,
    columns: Sequence[str],
    filename: str,
) -> None:
    """The routes of a list part of a finished job's result (shifts, coverage, intervals):
    as stored JSON (``json_model`` documents it) and as a CSV download (see
    :func:`finished_csv`); ``filename`` has ``{id}`` for the job's number."""
    # Built here, so the annotation is the object itself (not a name to resolve in globals).
    job_id_type = Annotated[int, _job_id(f"{kind}_id")]
    errors = problem_responses(404, 409)  # 409: not done, or a stored part unlike its model
    if as_json is not None:

        async def read_part(
            job_id: int, team: TeamDep, reads: ReadsDep, downloads: DownloadsDep
        ) -> Response:
            def stored(session: Session) -> Response:
                job = find_job(session, team, job_id, kind)
                parts = finished_result_json(session, job, part, cache=downloads)
                return json_response(parts[part.name])

            return await reads.run(stored)

        read_part.__name__, read_part.__doc__ = as_json.name, as_json.doc
        read_part.__annotations__["job_id"] = job_id_type
        router.get(
            as_json.path, summary=as_json.summary, response_model=json_model, responses=errors
        )(read_part)

    async def download_part(
        request: Request, job_id: int, team: TeamDep, reads: ReadsDep, downloads: DownloadsDep
    ) -> Response:
        name = filename.format(id=job_id)
        return await job_csv(request, reads, downloads, team, job_id, kind, part, columns, name)

    download_part.__name__, download_part.__doc__ = as_csv.name, as_csv.doc
    download_part.__annotations__["job_id"] = job_id_type
    router.get(
        as_csv.path,
        summary=as_csv.summary,
        response_class=Response,
        responses={200: csv_content(csv_description), **errors},
    )(download_part)
