"""Fixtures for the service tests: a real app on a real, fresh database.

Every test that uses ``database_url`` runs against a SQLite file in its temporary folder and,
when ``STAFFCAST_TEST_POSTGRES_URL`` is set (``.ci/run`` does), against that PostgreSQL
database as well. The PostgreSQL database is emptied before each test: point the variable at a
throwaway database only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.service import create_app
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.migrate import upgrade_database
from api.storage.models import Base
from api.storage.teams import create_team, issue_key

POSTGRES_URL_VARIABLE = "STAFFCAST_TEST_POSTGRES_URL"
_migrated_postgres: set[str] = set()


def _reset_postgres(url: str) -> None:
    """Migrate once per run (from scratch), then empty every table."""
    database = Database(url)
    try:
        if url not in _migrated_postgres:
            with database.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            upgrade_database(database)
            _migrated_postgres.add(url)
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'staffcast.db'}"
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"set {POSTGRES_URL_VARIABLE} to run against PostgreSQL")
    _reset_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> ServiceSettings:
    """Settings for a test service: small limits so the tests stay quick."""
    return ServiceSettings(
        data_dir=tmp_path,
        database_url=database_url,
        max_upload_bytes=8 * 1024 * 1024,
        job_workers=2,
        solver_time_limit_seconds=10,
        solver_workers=2,
    )


@pytest.fixture
def client(settings: ServiceSettings) -> Iterator[TestClient]:
    """The real app, started (migrations, job pool) and stopped around the test."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@dataclass(frozen=True)
class TeamCredentials:
    """A team created for a test and the headers that authenticate as it."""

    team_id: int
    name: str
    key_id: str
    headers: dict[str, str]


@pytest.fixture
def make_team(settings: ServiceSettings) -> Callable[..., TeamCredentials]:
    """Create a team with an API key directly in the test's database."""

    def make(name: str = "support", timezone: str = "UTC") -> TeamCredentials:
        database = Database(settings.resolved_database_url())
        try:
            upgrade_database(database)
            with database.session(write=True) as session:
                team = create_team(session, name, timezone=timezone)
                issued = issue_key(session, team, label="test")
                session.commit()
                return TeamCredentials(
                    team_id=team.id,
                    name=team.name,
                    key_id=issued.key_id,
                    headers={"Authorization": f"Bearer {issued.token}"},
                )
        finally:
            database.dispose()

    return make


@pytest.fixture
def team(client: TestClient, make_team: Callable[..., TeamCredentials]) -> TeamCredentials:
    """A team named ``support`` in the running app's database."""
    return make_team("support")
