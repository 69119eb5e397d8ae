"""The database connection of one service instance: engine, sessions and SQLite tuning.

SQLite (the embedded default) runs in WAL mode with foreign keys enforced and a busy timeout.
Its Python driver starts transactions lazily and only as readers, so two writers that both
read first can fail with "database is locked" without waiting; write sessions therefore begin
with ``BEGIN IMMEDIATE``, which takes the write lock up front and waits for it (the recipe in
SQLAlchemy's pysqlite documentation). PostgreSQL needs none of this, but its connections are
counted: the service sizes its pools so that all its processes together stay within the
server's ``max_connections`` (:func:`server_pool_sizes`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

WRITE_OPTION: Final = "staffcast_write"
SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
POOL_SIZE: Final = 40  # the size of the request thread pool (anyio's default limit)
# Reads on the event loop hold a connection only while a request's queries run: 20 kept (the
# benchmark's concurrency), 10 more opened when needed, then requests wait for one.
ASYNC_POOL_SIZE: Final = 20
ASYNC_POOL_OVERFLOW: Final = 10
ASYNC_POOL_RECYCLE_SECONDS: Final = 600
READ_ONLY_OPTIONS: Final = "-c default_transaction_read_only=on"


# Left for other clients of a PostgreSQL server (psql, migrations, another service) besides
# the superuser's reserved connections.
SPARE_CONNECTIONS: Final = 10
MIN_POOL: Final = 2


@dataclass(frozen=True)
class PoolSizes:
    """Connections one process keeps and may open: the thread pool's (``pool``/``overflow``)
    and the asyncio engine's (``async_pool``/``async_overflow``)."""

    pool: int = POOL_SIZE
    overflow: int = POOL_SIZE
    async_pool: int = ASYNC_POOL_SIZE
    async_overflow: int = ASYNC_POOL_OVERFLOW

    @property
    def most(self) -> int:
        """The most connections the process can hold at once."""
        return self.pool + self.overflow + self.async_pool + self.async_overflow


def pool_sizes(max_connections: int, reserved: int, processes: int) -> PoolSizes:
    """Pools of one of ``processes`` server processes that together stay within a
    PostgreSQL server's ``max_connections`` (less ``reserved`` for superusers and
    :data:`SPARE_CONNECTIONS`): the defaults when they fit, else the process's share split
    two to one between the thread pool and the asyncio engine, without overflow (a request
    then waits for a connection rather than the server refusing one)."""
    share = (max_connections - reserved - SPARE_CONNECTIONS) // processes
    default = PoolSizes()
    if share >= default.most:
        return default
    async_pool = max(MIN_POOL, share // 3)
    return PoolSizes(max(MIN_POOL, share - async_pool), 0, async_pool, 0)


def server_pool_sizes(url: str, processes: int) -> PoolSizes:
    """:func:`pool_sizes` for the PostgreSQL server at ``url`` (asked over one short-lived
    connection); the defaults for SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return PoolSizes()
    engine = create_engine(parsed, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            limit = int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
            reserved = int(
                connection.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one()
            )
    finally:
        engine.dispose()
    return pool_sizes(limit, reserved, processes)


class Database:
    """Engine and session factories for one database URL.

    Args:
        url: a SQLAlchemy URL; ``sqlite+pysqlite:///path`` or ``postgresql+psycopg://...``.
        pools: connection pool sizes on a database server (default: :class:`PoolSizes`; the
            service sizes them with :func:`server_pool_sizes`).
    """

    def __init__(self, url: str, pools: PoolSizes | None = None) -> None:
        sizes = pools or PoolSizes()
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            pool: dict[str, Any] = {}
            if parsed.database and parsed.database != ":memory:":
                from pathlib import Path

                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                # Keep as many connections as requests run at once (the worker threads): a
                # connection above the pool size is closed on return, and the next request
                # pays for opening the file and setting its pragmas again.
                pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
            self.engine = create_engine(
                parsed, connect_args={"check_same_thread": False, "timeout": 30}, **pool
            )
            _tune_sqlite(self.engine)
        else:
            # As for SQLite: enough pooled connections for every worker thread, so that none
            # is closed on return and reopened (a new server process) for the next request.
            self.engine = create_engine(
                parsed, pool_pre_ping=True, pool_size=sizes.pool, max_overflow=sizes.overflow
            )
        self.async_engine: AsyncEngine | None = None
        if not self.is_sqlite and parsed.get_driver_name() == "psycopg":
            self.async_engine = create_async_engine(
                parsed,
                isolation_level="AUTOCOMMIT",
                connect_args={"options": READ_ONLY_OPTIONS},
                pool_size=sizes.async_pool,
                max_overflow=sizes.async_overflow,
                pool_recycle=ASYNC_POOL_RECYCLE_SECONDS,
            )
            self._async_sessions = async_sessionmaker(self.async_engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    def session(self, *, write: bool = False) -> Session:
        """A new session; ``write=True`` takes SQLite's write lock when it begins."""
        return self._write_sessions() if write else self._read_sessions()

    def async_session(self) -> AsyncSession | None:
        """A new session on the asyncio engine for reads on the event loop, or ``None`` if
        this database has none (SQLite, or a driver without asyncio support)."""
        return self._async_sessions() if self.async_engine is not None else None

    def ping(self) -> None:
        """Run ``SELECT 1``; raises the driver's error if the database is unreachable."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection (of the asyncio engine too if it was never used;
        an app that used it closes with :meth:`dispose_async`)."""
        if self.async_engine is not None:
            self.async_engine.sync_engine.dispose(close=False)
        self.engine.dispose()

    async def dispose_async(self) -> None:
        """Close every pooled connection, from the event loop that used the asyncio engine."""
        if self.async_engine is not None:
            await self.async_engine.dispose()
        self.engine.dispose()


Value = TypeVar("Value")


async def retry_on_disconnect(attempt: Callable[[], Awaitable[Value]]) -> Value:
    """``await attempt()``, and once more if it failed because its connection was lost (the
    database restarted, or dropped the connection): for reads on the asyncio engine, which
    change nothing and so can safely run twice. Any other error is raised as it is."""
    try:
        return await attempt()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return await attempt()


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN instead of the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = bool(connection.get_execution_options().get(WRITE_OPTION))
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def affected_rows(result: Result[Any]) -> int:
    """Rows changed by an ``INSERT``/``UPDATE``/``DELETE`` executed through a session."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
