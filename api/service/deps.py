"""Request dependencies, as ``Annotated`` aliases: ``SessionDep``, ``TeamDep``, ...

The app keeps its :class:`ServiceState` on ``app.state.service``; nothing is global.
Dependencies that do no I/O are ``async`` so FastAPI does not hand them to a worker thread.
Reads (``GET``/``HEAD``, and routes of class :class:`ReadOnlyRoute`) get a plain session; other
methods get a write session, which on SQLite takes the write lock when the transaction begins
(see :mod:`api.storage.database`), in the endpoint's worker thread: nothing on the event loop
ever waits for a write lock.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Concatenate, Final, ParamSpec, TypeVar

from fastapi import Depends, Path, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.jobs.runner import JobRunner
from api.request_models import MAX_ID
from api.service.download_cache import DownloadCache
from api.service.key_cache import VerifiedKeyCache
from api.service.problems import AuthenticationError
from api.service.team_cache import TeamCache
from api.settings import ServiceSettings
from api.storage.database import Database, retry_on_disconnect
from api.storage.models import Team
from api.storage.teams import TeamSnapshot, active_key, secret_sha256, split_token

READ_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class ServiceState:
    """What one running app owns."""

    settings: ServiceSettings
    database: Database
    runner: JobRunner
    keys: VerifiedKeyCache
    downloads: DownloadCache
    teams: TeamCache


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


async def get_downloads(state: StateDep) -> DownloadCache:
    """The rendered downloads of the running app."""
    return state.downloads


class ReadOnlyRoute(APIRoute):
    """A route whose method is not ``GET`` but which only reads (a figure drawn from a posted
    table): it gets a read session, so it never takes SQLite's write lock or waits for it."""

    read_only = True


def _writes(request: Request) -> bool:
    route = request.scope.get("route")
    return request.method not in READ_METHODS and not getattr(route, "read_only", False)


async def get_session(request: Request, state: StateDep) -> AsyncIterator[Session]:
    """A database session for the request, closed (rolled back if uncommitted) after it.

    Opening a session does no I/O (it connects at its first query, in the endpoint's worker
    thread), so this runs on the event loop. Closing returns the connection to the pool with a
    rollback: on SQLite a call into the library that ends a local transaction, done in place;
    on a database server a round trip, done in a worker thread unless the endpoint already
    ended the transaction (as :meth:`Reads.run` does).
    """
    session = state.database.session(write=_writes(request))
    try:
        yield session
    finally:
        if state.database.is_sqlite or not session.in_transaction():
            session.close()
        else:
            await run_in_threadpool(session.close)


async def get_server_session(state: StateDep) -> AsyncIterator[AsyncSession | None]:
    """On PostgreSQL (psycopg), a session of the asyncio engine for the request's key check
    and short reads, closed after the request; ``None`` on SQLite. Shared by
    :func:`current_team` and :func:`get_reads` (FastAPI makes one per request), so the two
    run in one transaction and on one connection, as they do on SQLite."""
    session = state.database.async_session()
    try:
        yield session
    finally:
        if session is not None:
            await session.close()


ServerSessionDep = Annotated[AsyncSession | None, Depends(get_server_session)]

Result = TypeVar("Result")
Params = ParamSpec("Params")


async def run_on_server(
    server: AsyncSession,
    work: Callable[Concatenate[Session, Params], Result],
    *args: Params.args,
    **kwargs: Params.kwargs,
) -> Result:
    """``work(session, ...)`` in the asyncio engine's session, on the event loop; run again
    on a new connection if the first was lost (a read changes nothing, see
    :func:`~api.storage.database.retry_on_disconnect`)."""

    async def attempt() -> Result:
        try:
            return await server.run_sync(work, *args, **kwargs)
        except DBAPIError:
            await server.close()  # the session starts over (a lost connection is discarded)
            raise

    return await retry_on_disconnect(attempt)


@dataclass(frozen=True)
class Reads:
    """The request's session, for an ``async`` endpoint that only reads.

    ``await reads.run(work)`` calls ``work(session)`` and then ends the session's transaction,
    on the event loop. On SQLite a short read is a call into the library, cheaper than
    handing it to a worker thread and back (which under load also means a thread more
    contending for the GIL), and the endpoint's answer is then serialised in place too (a
    plain ``def`` endpoint hands its result to a second worker thread to be validated). On
    PostgreSQL ``work`` runs in the asyncio engine's session (``server``): SQLAlchemy runs it
    as a greenlet that pauses at each round trip while the event loop serves other requests,
    so no thread is involved. Use it for reads that take a few milliseconds at most; long work
    (rendering a year of history) is run with ``long=True``: in a worker thread, in the
    request's ordinary session, on every database.

    Mixing the two kinds badly is slow: when the event loop is busy, a request whose short
    read waits in a worker thread gets the GIL only every few milliseconds, so the main reads
    all run on the loop.
    """

    session: Session
    server: AsyncSession | None
    in_place: bool

    async def run(self, work: Callable[[Session], Result], *, long: bool = False) -> Result:
        """``work(session)``, then the transaction ended (see the class docstring)."""
        if self.server is not None:
            if not long:
                try:
                    return await run_on_server(self.server, work)
                finally:
                    await self.server.close()
            await self.server.close()  # the key check's transaction: done with it
        if self.in_place and not long:
            return self._run(work)
        return await run_in_threadpool(self._run, work)

    def _run(self, work: Callable[[Session], Result]) -> Result:
        try:
            return work(self.session)
        finally:
            self.session.close()


async def get_reads(state: StateDep, session: SessionDep, server: ServerSessionDep) -> Reads:
    """The request's sessions, wrapped for :meth:`Reads.run`."""
    return Reads(session, server, in_place=state.database.is_sqlite)


SettingsDep = Annotated[ServiceSettings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
SessionDep = Annotated[Session, Depends(get_session)]
DownloadsDep = Annotated[DownloadCache, Depends(get_downloads)]
ReadsDep = Annotated[Reads, Depends(get_reads)]

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="`Authorization: Bearer <key>` with a key from `staffcast keys create TEAM`.",
)
header_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="The same key in an `X-API-Key` header."
)


async def current_team(
    request: Request,
    state: StateDep,
    session: SessionDep,
    server: ServerSessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    header_key: Annotated[str | None, Security(header_scheme)],
) -> TeamSnapshot:
    """The team whose API key authenticates the request, as the request's transaction sees
    it (from the process's :class:`TeamCache` when its copy is current). Routes that change
    the team load its ORM row with :func:`team_row`.

    The lookups (the team's version, and the key when it is not remembered) run on the event
    loop: on SQLite in place, a call into the library that is quicker than handing the work to
    a worker thread and back (which under load also means one less thread contending for the
    GIL); on PostgreSQL in the asyncio engine's session, whose round trips are awaited (see
    :class:`Reads`). Only a database server without an asyncio driver hands them to a worker
    thread.

    Raises:
        AuthenticationError: no key, or a malformed, unknown or revoked one.
    """
    token = bearer.credentials if bearer is not None else header_key
    if not token:
        raise AuthenticationError(
            "this endpoint needs an API key: send `Authorization: Bearer <key>` or "
            "`X-API-Key: <key>` (create one with `staffcast keys create TEAM`)"
        )
    if server is not None:
        team = await run_on_server(server, _team_for_token, state, token)
        if request.method not in READ_METHODS:
            await server.close()  # a write's work is done in its own session: free the connection
    elif state.database.is_sqlite and _writes(request):
        # In a read transaction of its own, never the write session's: its BEGIN IMMEDIATE
        # would wait for another request's write lock here, on the event loop, stalling every
        # request (up to the busy timeout). The write begins in the endpoint's worker thread.
        with state.database.session() as check:
            team = _team_for_token(check, state, token)
    elif state.database.is_sqlite:
        team = _team_for_token(session, state, token)
    else:
        team = await run_in_threadpool(_team_for_token, session, state, token)
    if team is None:
        raise AuthenticationError("the API key is not valid or has been revoked")
    return team


def _team_for_token(session: Session, state: ServiceState, token: str) -> TeamSnapshot | None:
    """The team of an active key (remembered by ``state.keys``, or confirmed by the database
    and then remembered); ``None`` for a malformed, unknown or revoked one."""
    keys = state.keys
    parts = split_token(token)
    if parts is None:
        return None
    key_id, secret = parts
    team_id = keys.team_id(key_id, secret)
    if team_id is None:
        key = active_key(session, key_id)
        if key is None or not hmac.compare_digest(key.secret_sha256, secret_sha256(secret)):
            return None
        keys.remember(key)
        team_id = key.team_id
    return state.teams.current(session, team_id)


TeamDep = Annotated[TeamSnapshot, Depends(current_team)]


def team_row(session: Session, team: TeamSnapshot) -> Team:
    """The ORM row of the request's team, for a route that changes it (in its session)."""
    row = session.get(Team, team.id)
    if row is None:  # deleted since the request authenticated
        raise AuthenticationError("the API key's team no longer exists")
    return row


ResourceId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="The number of the job, forecast, schedule or upload.")
]
