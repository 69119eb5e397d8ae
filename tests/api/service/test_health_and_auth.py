"""Probes, authentication and the problem documents every error comes back as."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.service import create_app
from api.service.key_cache import VerifiedKeyCache
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.teams import revoke_key
from tests.api.conftest import TeamCredentials

PROBLEM_JSON = "application/problem+json"


def test_healthz_answers_without_a_key(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database_and_its_schema(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["database"] in {"sqlite", "postgresql"}
    assert body["schema_revision"]


def test_readyz_is_a_503_problem_when_the_database_is_gone(
    client: TestClient, settings: ServiceSettings
) -> None:
    client.app.state.service.database.engine.dispose()  # type: ignore[attr-defined]
    broken = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    state = client.app.state.service  # type: ignore[attr-defined]
    original = state.database
    object.__setattr__(state, "database", broken)
    try:
        response = client.get("/readyz")
    finally:
        object.__setattr__(state, "database", original)
        broken.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/unavailable"


def test_a_request_without_a_key_is_a_401_problem(client: TestClient) -> None:
    response = client.get("/v1/team")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"] == "/problems/unauthenticated"
    assert body["status"] == 401
    assert body["instance"] == "/v1/team"
    assert "Authorization: Bearer" in body["detail"]


def test_a_bearer_key_and_an_x_api_key_header_both_authenticate(
    client: TestClient, team: TeamCredentials
) -> None:
    token = team.headers["Authorization"].removeprefix("Bearer ")
    by_bearer = client.get("/v1/team", headers=team.headers)
    by_header = client.get("/v1/team", headers={"X-API-Key": token})
    assert by_bearer.status_code == by_header.status_code == 200
    assert by_bearer.json()["name"] == by_header.json()["name"] == "support"


def test_a_malformed_or_tampered_key_is_refused(client: TestClient, team: TeamCredentials) -> None:
    token = team.headers["Authorization"].removeprefix("Bearer ")
    # The genuine key first, so that it is in the cache of verified keys: a remembered key id
    # with another secret must still be refused.
    assert client.get("/v1/team", headers=team.headers).status_code == 200
    for bad in ["nonsense", "sc_", f"{token}x", f"sc_{team.key_id}_wrong-secret"]:
        response = client.get("/v1/team", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad


def _revoke(settings: ServiceSettings, key_id: str) -> None:
    """Revoke a key the way `staffcast keys revoke` does: from outside the running app."""
    database = Database(settings.resolved_database_url())
    with database.session(write=True) as session:
        revoke_key(session, key_id)
        session.commit()
    database.dispose()


def test_a_revoked_key_stops_working_once_its_verification_expires(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    now = [0.0]
    keys = VerifiedKeyCache(settings.key_cache_seconds, clock=lambda: now[0])
    object.__setattr__(client.app.state.service, "keys", keys)  # type: ignore[attr-defined]
    assert client.get("/v1/team", headers=team.headers).status_code == 200
    _revoke(settings, team.key_id)
    now[0] += settings.key_cache_seconds - 0.5
    assert client.get("/v1/team", headers=team.headers).status_code == 200  # still trusted
    now[0] += 0.5
    assert client.get("/v1/team", headers=team.headers).status_code == 401
    now[0] += 0.5
    assert client.get("/v1/team", headers=team.headers).status_code == 401  # never re-trusted


def test_without_the_key_cache_a_revoked_key_stops_working_at_once(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials]
) -> None:
    uncached = settings.model_copy(update={"key_cache_seconds": 0.0})
    with TestClient(create_app(uncached)) as client:
        team = make_team("support")
        assert client.get("/v1/team", headers=team.headers).status_code == 200
        _revoke(settings, team.key_id)
        assert client.get("/v1/team", headers=team.headers).status_code == 401


def test_an_unknown_path_and_a_wrong_method_are_problems(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM_JSON
    assert missing.json()["type"] == "/problems/not-found"
    wrong_method = client.delete("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status"] == 405


def test_every_problem_type_is_described(client: TestClient) -> None:
    catalogue = client.get("/problems").json()
    names = {entry["type"] for entry in catalogue}
    assert {"/problems/not-found", "/problems/invalid-history", "/problems/internal-error"} <= names
    one = client.get("/problems/invalid-history").json()
    assert one["status"] == 422
    assert client.get("/problems/no-such-thing").status_code == 404


def test_two_teams_with_their_own_keys_see_only_themselves(
    client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    first, second = make_team("first"), make_team("second", timezone="Europe/Paris")
    assert client.get("/v1/team", headers=first.headers).json()["name"] == "first"
    other = client.get("/v1/team", headers=second.headers).json()
    assert other["name"] == "second"
    assert other["timezone"] == "Europe/Paris"
