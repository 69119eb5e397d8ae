"""Liveness and readiness probes (no API key needed)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from api.service.deps import StateDep
from api.service.problems import UnavailableError, problem_responses
from api.storage.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The process answers."""

    status: Literal["ok"] = Field(description="Always `ok` when the process can answer.")


class Readiness(BaseModel):
    """The service can do its work: the database answers and its schema is current."""

    status: Literal["ready"] = Field(description="`ready` when requests can be served.")
    database: str = Field(description="Database backend in use (`sqlite` or `postgresql`).")
    schema_revision: str | None = Field(description="Migration the database is at.")


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> Health:
    """Answers as long as the process runs; used by the container's health check."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the database is reachable",
    responses=problem_responses(503),
)
def readyz(state: StateDep) -> Readiness:
    """Checks that the database answers and is migrated to the newest schema."""
    try:
        state.database.ping()
        revision = current_revision(state.database)
    except SQLAlchemyError as error:
        raise UnavailableError(f"the database cannot be reached: {type(error).__name__}") from error
    if revision != head_revision():
        raise UnavailableError(
            f"the database schema is at {revision!r}, not {head_revision()!r}; run "
            "`staffcast db upgrade`"
        )
    return Readiness(
        status="ready",
        database=state.database.engine.dialect.name,
        schema_revision=revision,
    )
