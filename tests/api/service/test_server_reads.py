"""Reads on PostgreSQL run on the event loop in the asyncio engine's read-only, autocommit
connections; a read whose connection the server dropped (a restart) is answered on a new one.
A done job's result is fetched once per process (both databases)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from api.jobs.schedule import COVERAGE
from api.service.download_cache import DownloadCache
from api.service.job_views import finished_result_json
from api.settings import ServiceSettings
from api.storage.database import Database, retry_on_disconnect
from api.storage.models import Job, JobResult, Team
from tests.api.conftest import TeamCredentials

READS = ("/v1/team", "/v1/settings", "/v1/history/summary", "/v1/jobs")


@pytest.fixture
def database(settings: ServiceSettings) -> Iterator[Database]:
    database = Database(settings.resolved_database_url())
    if database.is_sqlite:
        database.dispose()
        pytest.skip("PostgreSQL only: SQLite reads run in place, with no server to lose")
    yield database
    database.dispose()


def _drop_other_connections(database: Database) -> int:
    """Terminate every other connection to the database, as a server restart does."""
    with database.engine.connect() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return int(dropped)


def test_reads_are_answered_after_the_server_dropped_every_connection(
    client: TestClient, team: TeamCredentials, database: Database
) -> None:
    for path in READS:  # the service's read connections are now pooled
        assert client.get(path, headers=team.headers).status_code == 200
    assert _drop_other_connections(database) > 0
    for path in READS:
        response = client.get(path, headers=team.headers)
        assert response.status_code == 200, response.text


def test_a_read_sees_a_change_committed_just_before_it(
    client: TestClient, team: TeamCredentials, database: Database
) -> None:
    assert client.get("/v1/team", headers=team.headers).json()["timezone"] == "UTC"
    for timezone in ("Europe/Paris", "Asia/Tokyo"):
        with database.session(write=True) as session:
            session.execute(update(Team).where(Team.id == team.team_id).values(timezone=timezone))
            session.commit()
        assert client.get("/v1/team", headers=team.headers).json()["timezone"] == timezone


def test_the_read_engine_refuses_to_write(database: Database, team: TeamCredentials) -> None:
    def rename(session: Session) -> None:
        session.execute(update(Team).where(Team.id == team.team_id).values(name="renamed"))

    async def attempt() -> None:
        session = database.async_session()
        assert session is not None
        try:
            await session.run_sync(rename)
        finally:
            await session.close()
            await database.dispose_async()

    with pytest.raises(DBAPIError, match="read-only transaction"):
        asyncio.run(attempt())
    with database.session() as session:
        row = session.get(Team, team.team_id)
        assert row is not None
        assert row.name == team.name


def _lost_connection() -> OperationalError:
    return OperationalError(
        "SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True
    )


def test_a_read_that_lost_its_connection_runs_once_more() -> None:
    calls: list[int] = []

    async def read() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _lost_connection()
        return "rows"

    assert asyncio.run(retry_on_disconnect(read)) == "rows"
    assert len(calls) == 2


def test_a_read_is_not_retried_for_other_errors_nor_more_than_once() -> None:
    calls: list[int] = []

    async def failing(error: Exception) -> str:
        calls.append(1)
        raise error

    other = OperationalError("SELECT 1", {}, Exception("syntax error"))
    with pytest.raises(OperationalError, match="syntax error"):
        asyncio.run(retry_on_disconnect(lambda: failing(other)))
    assert len(calls) == 1
    calls.clear()
    with pytest.raises(OperationalError, match="server closed"):
        asyncio.run(retry_on_disconnect(lambda: failing(_lost_connection())))
    assert len(calls) == 2


def _done_job(session: Session, team_id: int, finished_at: dt.datetime, coverage: object) -> Job:
    job = Job(team_id=team_id, kind="schedule", status="done", request={}, finished_at=finished_at)
    session.add(job)
    session.flush()
    session.add(JobResult(job_id=job.id, part="coverage", payload=coverage))
    session.commit()
    return job


def test_a_done_jobs_result_is_read_once_and_a_reused_id_is_read_again(
    settings: ServiceSettings, team: TeamCredentials
) -> None:
    database = Database(settings.resolved_database_url())
    cache = DownloadCache(1024 * 1024)
    finished_at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    try:
        with database.session(write=True) as session:
            job = _done_job(session, team.team_id, finished_at, [{"required": 3}])
            first = finished_result_json(session, job, COVERAGE, cache=cache)
            assert json.loads(first["coverage"]) == [{"required": 3}]
            assert len(cache) == 1
            assert finished_result_json(session, job, COVERAGE, cache=cache) == first
            # The same id naming another job (after a deletion): another finish time.
            job_id = job.id
            session.execute(delete(Job).where(Job.id == job_id))
            session.commit()
            again = Job(
                id=job_id,
                team_id=team.team_id,
                kind="schedule",
                status="done",
                request={},
                finished_at=finished_at + dt.timedelta(microseconds=1),
            )
            session.add(again)
            session.add(JobResult(job_id=job_id, part="coverage", payload=[{"required": 5}]))
            session.commit()
            second = finished_result_json(session, again, COVERAGE, cache=cache)
            assert json.loads(second["coverage"]) == [{"required": 5}]
    finally:
        database.dispose()
