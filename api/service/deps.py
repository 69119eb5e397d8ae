"""Request dependencies, as ``Annotated`` aliases: ``SessionDep``, ``TeamDep``, ...

The app keeps its :class:`ServiceState` on ``app.state.service``; nothing is global.
Dependencies that do no I/O are ``async`` so FastAPI does not hand them to a worker thread.
Reads (``GET``/``HEAD``) get a plain session; other methods get a write session, which on
SQLite takes the write lock when the transaction begins (see :mod:`api.storage.database`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.jobs import JobRunner
from api.service.problems import AuthenticationError
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.models import Team
from api.storage.teams import team_for_token


@dataclass(frozen=True)
class ServiceState:
    """What one running app owns."""

    settings: ServiceSettings
    database: Database
    runner: JobRunner


async def service_state(request: Request) -> ServiceState:
    """The :class:`ServiceState` of the app serving ``request``."""
    state: ServiceState = request.app.state.service
    return state


StateDep = Annotated[ServiceState, Depends(service_state)]


async def get_settings(state: StateDep) -> ServiceSettings:
    """The settings of the running app."""
    return state.settings


async def get_runner(state: StateDep) -> JobRunner:
    """The job runner of the running app."""
    return state.runner


def get_session(request: Request, state: StateDep) -> Iterator[Session]:
    """A database session for the request, closed (rolled back if uncommitted) after it."""
    write = request.method not in {"GET", "HEAD", "OPTIONS"}
    with state.database.session(write=write) as session:
        yield session


SettingsDep = Annotated[ServiceSettings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
SessionDep = Annotated[Session, Depends(get_session)]

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="`Authorization: Bearer <key>` with a key from `staffcast keys create TEAM`.",
)
header_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="The same key in an `X-API-Key` header."
)


def current_team(
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    header_key: Annotated[str | None, Security(header_scheme)],
) -> Team:
    """The team whose API key authenticates the request.

    Raises:
        AuthenticationError: no key, or a malformed, unknown or revoked one.
    """
    token = bearer.credentials if bearer is not None else header_key
    if not token:
        raise AuthenticationError(
            "this endpoint needs an API key: send `Authorization: Bearer <key>` or "
            "`X-API-Key: <key>` (create one with `staffcast keys create TEAM`)"
        )
    team = team_for_token(session, token)
    if team is None:
        raise AuthenticationError("the API key is not valid or has been revoked")
    return team


TeamDep = Annotated[Team, Depends(current_team)]

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL; a larger one names nothing

ResourceId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="The number of the job, forecast, schedule or upload.")
]
