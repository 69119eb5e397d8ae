"""``POST /v1/staffing/erlang``: the single-interval calculator over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import TeamCredentials

# notes/queueing.md: 100 calls / 30 min, AHT 180 s, 80% in 20 s.
KNOWN_EXAMPLE = {"volume": 100, "aht_seconds": 180, "service_level": 0.8, "answer_seconds": 20}


def test_the_known_example_needs_14_agents_and_20_scheduled(
    client: TestClient, team: TeamCredentials
) -> None:
    # -> 14 agents, SL 0.888350, ASA 7.836 s; with 30% shrinkage -> 20 scheduled.
    response = client.post(
        "/v1/staffing/erlang",
        headers=team.headers,
        json={**KNOWN_EXAMPLE, "interval_minutes": 30, "shrinkage": 0.3},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["model"] == "erlang_c"
    assert body["agents"] == 14
    assert body["scheduled_agents"] == 20
    assert body["service_level"] == pytest.approx(0.888350, abs=1e-6)
    assert body["asa_seconds"] == pytest.approx(7.836, abs=1e-3)
    assert body["unmet_targets"] == []
    assert "service_level" in body["one_fewer_misses"]


def test_a_what_if_reports_the_kpis_of_the_given_agents(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post(
        "/v1/staffing/erlang",
        headers=team.headers,
        json={**KNOWN_EXAMPLE, "patience_seconds": 300, "agents": 14},
    )
    body = response.json()
    assert body["model"] == "erlang_a"
    assert body["agents"] == 14
    assert body["p_abandon"] == pytest.approx(0.013984, abs=1e-6)
    assert body["one_fewer_misses"] is None


def test_an_out_of_range_field_is_a_422_naming_it(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post(
        "/v1/staffing/erlang",
        headers=team.headers,
        json={**KNOWN_EXAMPLE, "volume": -5},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/problems/invalid-request"
    assert any(line.startswith("body.volume") for line in body["errors"])


def test_a_target_the_domain_rejects_is_a_422_invalid_targets(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post(
        "/v1/staffing/erlang",
        headers=team.headers,
        json={**KNOWN_EXAMPLE, "answer_seconds": None},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/problems/invalid-targets"
    assert "answer_seconds" in body["detail"]
