"""The application factory: :func:`create_app` builds a FastAPI app from settings.

Nothing is created at import time. The database connection, the migrations and the job pool
start in the app's lifespan, so an app object is cheap to build and each test gets its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.jobs.runner import JobHandler, JobRunner
from api.service.body_limit import BodySizeLimit
from api.service.deps import ServiceState
from api.service.download_cache import DownloadCache
from api.service.key_cache import VerifiedKeyCache
from api.service.problems import PROBLEMS, Problem, handle_error, problem_responses
from api.service.routes import (
    agents,
    forecasts,
    health,
    history,
    jobs,
    schedules,
    simulations,
    staffing,
    team,
    team_settings,
)
from api.service.team_cache import TeamCache
from api.settings import ServiceSettings
from api.storage.database import Database, server_pool_sizes
from api.storage.migrate import upgrade_database
from api.web import install as install_web_page

DESCRIPTION = """
Forecast contact volume, turn it into agents required per interval, and build weekly
schedules — for support teams.

**Authentication**: every `/v1` endpoint needs a team's API key, as
`Authorization: Bearer <key>` or `X-API-Key: <key>`
(create one with `staffcast keys create TEAM`). Everything is scoped to the key's team.

**Errors** are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) `application/problem+json`
documents; `GET /problems` lists every kind.

**Long work** (forecasts, schedules, simulations) answers `202 Accepted` with a job to poll at
`/v1/jobs/{id}`.
"""


def default_job_handlers() -> dict[str, JobHandler]:
    """The job kinds the service runs, by name."""
    from api.jobs.forecast import run_forecast
    from api.jobs.schedule import run_schedule
    from api.jobs.simulation import run_simulation

    return {"forecast": run_forecast, "schedule": run_schedule, "simulation": run_simulation}


def create_app(
    settings: ServiceSettings | None = None,
    *,
    job_handlers: Mapping[str, JobHandler] | None = None,
) -> FastAPI:
    """Build the service.

    Args:
        settings: configuration; read from ``STAFFCAST_*`` environment variables if omitted.
        job_handlers: job kinds and the functions that run them (default: the real forecast and
            schedule jobs); a seam for tests.
    """
    resolved = settings if settings is not None else ServiceSettings()
    handlers = dict(job_handlers) if job_handlers is not None else default_job_handlers()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = resolved.resolved_database_url()
        database = Database(url, server_pool_sizes(url, resolved.server_processes))
        try:
            upgrade_database(database)
            runner = JobRunner(database, resolved, handlers)
            runner.start()
            app.state.service = ServiceState(
                settings=resolved,
                database=database,
                runner=runner,
                keys=VerifiedKeyCache(resolved.key_cache_seconds),
                downloads=DownloadCache(resolved.download_cache_bytes),
                teams=TeamCache(),
            )
            try:
                yield
            finally:
                runner.stop()
        finally:
            await database.dispose_async()

    app = FastAPI(
        title="staffcast",
        version="0.1.0",
        summary="Workforce management for support teams: forecast, staffing, schedules.",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimit, max_bytes=resolved.max_upload_bytes)
    for error_class in PROBLEMS:
        app.add_exception_handler(error_class, handle_error)
    for router in (
        health.router,
        team.router,
        team_settings.router,
        history.router,
        agents.router,
        forecasts.router,
        schedules.router,
        simulations.schedule_router,
        simulations.router,
        staffing.router,
        jobs.router,
    ):
        app.include_router(router)
    install_web_page(app)
    _register_problem_schema(app)
    return app


def _register_problem_schema(app: FastAPI) -> None:
    """Document the problem documents every operation can answer with.

    Every operation that takes a body can answer 400 (unparseable), 413 (too large) and 422;
    every one with parameters 422; every authenticated one 401. FastAPI's own 422 schema is
    replaced by the problem document that the one error handler really sends.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    _add_problem_responses(operation)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _add_problem_responses(operation: dict[str, Any]) -> None:
    statuses: set[int] = set()
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if operation.get("parameters"):
        statuses.add(422)
    if operation.get("security"):
        statuses.add(401)
    responses = operation.setdefault("responses", {})
    for status, entry in problem_responses(*sorted(statuses)).items():
        responses[str(status)] = entry
