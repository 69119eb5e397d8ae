"""Each service process keeps a copy of its teams' rows; a change made anywhere is served from
its commit on (the database's trigger counts every update of a team row)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update

from api.service import create_app
from api.service.team_cache import TeamCache
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.models import Team
from api.storage.teams import team_snapshot, team_version
from tests.api.conftest import TeamCredentials

HISTORY = "interval_start,channel,volume,aht_seconds\n2026-03-02T09:00,voice,12,200\n"


@pytest.fixture
def other_process(settings: ServiceSettings) -> Iterator[TestClient]:
    """A second service on the same database, like a second ``serve --workers`` process."""
    with TestClient(create_app(settings)) as second:
        yield second


@pytest.fixture
def database(settings: ServiceSettings) -> Iterator[Database]:
    database = Database(settings.resolved_database_url())
    yield database
    database.dispose()


def _settings(client: TestClient, team: TeamCredentials) -> dict[str, object]:
    response = client.get("/v1/settings", headers=team.headers)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_a_settings_change_in_another_process_is_served_at_once(
    client: TestClient, other_process: TestClient, team: TeamCredentials
) -> None:
    assert _settings(client, team)["timezone"] == "UTC"  # now kept by the first process
    changed = other_process.patch(
        "/v1/settings", headers=team.headers, json={"timezone": "Europe/Paris"}
    )
    assert changed.status_code == 200
    assert _settings(client, team)["timezone"] == "Europe/Paris"
    assert client.get("/v1/team", headers=team.headers).json()["timezone"] == "Europe/Paris"


def test_a_change_made_outside_the_service_is_served_at_once(
    client: TestClient, team: TeamCredentials, database: Database
) -> None:
    assert _settings(client, team)["holiday_country"] is None
    with database.session(write=True) as session:  # e.g. a `staffcast` command, or SQL
        session.execute(update(Team).where(Team.id == team.team_id).values(holiday_country="FR"))
        session.commit()
    assert _settings(client, team)["holiday_country"] == "FR"


def test_history_written_by_another_process_shows_in_the_summary_at_once(
    client: TestClient, other_process: TestClient, team: TeamCredentials
) -> None:
    summary = client.get("/v1/history/summary", headers=team.headers).json()
    assert summary["channels"] == []
    uploaded = other_process.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("history.csv", HISTORY, "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    summary = client.get("/v1/history/summary", headers=team.headers).json()
    assert [channel["channel"] for channel in summary["channels"]] == ["voice"]
    assert summary["interval_minutes"] is not None
    assert other_process.delete("/v1/history", headers=team.headers).status_code == 204
    summary = client.get("/v1/history/summary", headers=team.headers).json()
    assert summary["channels"] == []
    assert summary["interval_minutes"] is None


def test_every_update_of_a_team_row_counts_as_a_change(
    team: TeamCredentials, database: Database
) -> None:
    with database.session() as session:
        before = team_version(session, team.team_id)
    assert before is not None
    with database.session(write=True) as session:
        session.execute(
            text("UPDATE teams SET name = 'renamed' WHERE id = :id"), {"id": team.team_id}
        )
        session.execute(
            text("UPDATE teams SET name = 'again' WHERE id = :id"), {"id": team.team_id}
        )
        session.commit()
    with database.session() as session:
        snapshot = team_snapshot(session, team.team_id)
        assert team_version(session, team.team_id) == before + 2
    assert snapshot is not None
    assert (snapshot.name, snapshot.version) == ("again", before + 2)


def test_an_unknown_team_has_no_version_and_no_snapshot(
    client: TestClient, database: Database
) -> None:
    with database.session() as session:
        assert team_version(session, 999) is None
        assert team_snapshot(session, 999) is None


def test_a_kept_team_is_reused_until_its_row_changes(
    team: TeamCredentials, database: Database
) -> None:
    cache = TeamCache()
    with database.session() as session:
        first = cache.current(session, team.team_id)
    with database.session() as session:
        assert cache.current(session, team.team_id) is first
    with database.session(write=True) as session:
        session.execute(update(Team).where(Team.id == team.team_id).values(timezone="Asia/Tokyo"))
        session.commit()
    with database.session() as session:
        fresh = cache.current(session, team.team_id)
    assert fresh is not None
    assert fresh is not first
    assert fresh.timezone == "Asia/Tokyo"
    assert len(cache) == 1
