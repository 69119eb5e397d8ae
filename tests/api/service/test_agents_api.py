"""``/v1/agents``: the roster, checked by the optimizer's parser; uploads are all or nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient

from tests.api.conftest import TeamCredentials
from tests.api.scheduling_inputs import ROSTER_CSV

ANA: dict[str, Any] = {
    "agent_id": "A1",
    "name": "Ana",
    "skills": ["Voice", "chat"],
    "max_hours": 30,
    "unavailable": ["mon-fri 00:00-07:00", "sun"],
    "time_off": ["2026-06-05/2026-06-07"],
    "preferred_start": "08:00",
}


def _upload(client: TestClient, team: TeamCredentials, content: str, **form: str) -> dict[str, Any]:
    response = client.post(
        "/v1/agents/upload",
        headers=team.headers,
        files={"file": ("agents.csv", content, "text/csv")},
        data=form,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_agent_is_created_read_changed_and_deleted(
    client: TestClient, team: TeamCredentials
) -> None:
    created = client.post("/v1/agents", headers=team.headers, json=ANA)
    assert created.status_code == 201, created.text
    assert created.json()["skills"] == ["voice", "chat"]
    assert client.get("/v1/agents/A1", headers=team.headers).json()["max_hours"] == 30
    changed = client.put(
        "/v1/agents/A1", headers=team.headers, json={**ANA, "max_hours": 35, "agent_id": None}
    )
    assert changed.status_code == 422  # agent_id belongs in the path, not the body
    changed = client.put(
        "/v1/agents/A1",
        headers=team.headers,
        json={key: value for key, value in ANA.items() if key != "agent_id"} | {"max_hours": 35},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["max_hours"] == 35
    assert [agent["agent_id"] for agent in client.get("/v1/agents", headers=team.headers).json()]
    assert client.delete("/v1/agents/A1", headers=team.headers).status_code == 204
    assert client.get("/v1/agents/A1", headers=team.headers).status_code == 404


def test_a_duplicate_agent_is_a_409_and_a_bad_one_a_422_naming_the_field(
    client: TestClient, team: TeamCredentials
) -> None:
    assert client.post("/v1/agents", headers=team.headers, json=ANA).status_code == 201
    assert client.post("/v1/agents", headers=team.headers, json=ANA).status_code == 409
    bad = client.post(
        "/v1/agents",
        headers=team.headers,
        json={**ANA, "agent_id": "A2", "preferred_start": "8 o'clock"},
    )
    assert bad.status_code == 422
    assert bad.json()["type"] == "/problems/invalid-agents"
    assert "preferred_start" in bad.json()["detail"]


def test_a_roster_upload_adds_updates_and_round_trips_as_csv(
    client: TestClient, team: TeamCredentials
) -> None:
    assert _upload(client, team, ROSTER_CSV) == {
        "added": 3,
        "updated": 0,
        "removed": 0,
        "agents": 3,
    }
    changed = ROSTER_CSV.replace("A3,Chloe,voice,,,,,10:00", "A3,Chloe,voice|chat,10,20,,,")
    again = _upload(client, team, changed.replace("A1,Ana,voice,,,,,08:00\n", ""), replace="true")
    assert again == {"added": 0, "updated": 2, "removed": 1, "agents": 2}
    csv = client.get("/v1/agents.csv", headers=team.headers)
    table = pd.read_csv(io.StringIO(csv.text), dtype=str, keep_default_na=False)
    assert table["agent_id"].tolist() == ["A2", "A3"]
    assert table.loc[1, "skills"] == "voice|chat"
    assert table.loc[0, "unavailable"] == "sun"


def test_a_roster_with_one_bad_row_changes_nothing(
    client: TestClient, team: TeamCredentials
) -> None:
    _upload(client, team, ROSTER_CSV)
    bad = ROSTER_CSV + "A4,Dan,,,,,,\nA5,Eve,voice,50,20,,,\n"
    response = client.post(
        "/v1/agents/upload",
        headers=team.headers,
        files={"file": ("agents.csv", bad, "text/csv")},
        data={"replace": "true"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any("row 5" in line and "skills" in line for line in errors)
    assert any("row 6" in line for line in errors)
    assert len(client.get("/v1/agents", headers=team.headers).json()) == 3


def test_a_roster_that_is_not_csv_is_a_422(client: TestClient, team: TeamCredentials) -> None:
    response = client.post(
        "/v1/agents/upload",
        headers=team.headers,
        files={"file": ("agents.csv", b"\xff\xfe\x00binary", "text/csv")},
    )
    assert response.status_code == 422


def test_another_teams_agent_is_not_found(
    client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    owner, stranger = make_team("owner"), make_team("stranger")
    client.post("/v1/agents", headers=owner.headers, json=ANA)
    assert client.get("/v1/agents/A1", headers=stranger.headers).status_code == 404
    assert client.delete("/v1/agents/A1", headers=stranger.headers).status_code == 404
    assert client.get("/v1/agents", headers=stranger.headers).json() == []
    assert client.post("/v1/agents", headers=stranger.headers, json=ANA).status_code == 201


def test_a_roster_with_an_overlong_label_is_refused_naming_row_column_and_limit(
    client: TestClient, team: TeamCredentials
) -> None:
    roster = (
        "agent_id,name,skills,unavailable\n"
        f"A1,{'n' * 2_000_000},voice,\n"
        f"A2,Ben,voice|{'c' * 101},\n"
        "A3,Chloe,voice,sun\n"
    )
    response = client.post(
        "/v1/agents/upload", headers=team.headers, files={"file": ("agents.csv", roster)}
    )
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert errors[0].startswith(
        "row 2, column `name`: 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'... (2,000,000 "
        "characters) is longer than the limit of 2,000 characters"
    )
    assert errors[1].startswith("row 3, column `skills`: ")
    assert "longer than the limit of 100 characters" in errors[1]
    assert len(response.content) < 4_000
    assert client.get("/v1/agents", headers=team.headers).json() == []
    too_long = client.post(
        "/v1/agents",
        headers=team.headers,
        json={"agent_id": "A9", "skills": ["x" * 101]},
    )
    assert too_long.status_code == 422


def test_a_control_character_in_an_agent_is_a_422_naming_the_field_on_every_database(
    client: TestClient, team: TeamCredentials
) -> None:
    # PostgreSQL cannot store a NUL byte: it was a 500 there before anything checked for it.
    for body, field in [
        ({"agent_id": "A\x001", "skills": ["voice"]}, "body.agent_id"),
        ({"agent_id": "A1", "name": "Ana\nBen", "skills": ["voice"]}, "body.name"),
        ({"agent_id": "A1", "skills": ["vo\x00ice"]}, "body.skills.0"),
    ]:
        response = client.post("/v1/agents", headers=team.headers, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0].startswith(f"{field}: Value error, "), response.text
        assert "holds a control character" in response.json()["errors"][0]
    upload = client.post(
        "/v1/agents/upload",
        headers=team.headers,
        files={"file": ("agents.csv", "agent_id,skills\nA\x001,voice\n")},
    )
    assert upload.status_code == 422, upload.text
    assert upload.json()["errors"][0] == (
        "row 2, column `agent_id`: 'A\\x001' holds a control character (a line break, tab or "
        "NUL byte); ids, names, skills and dates are one line of printable text"
    )
    assert client.get("/v1/agents", headers=team.headers).json() == []


def test_a_roster_naming_a_column_twice_is_refused(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post(
        "/v1/agents/upload",
        headers=team.headers,
        files={"file": ("agents.csv", "agent_id,skills,agent_id\nA1,voice,B1\n")},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == (
        "row 1, columns 1 and 3: the header names 'agent_id' twice; keep one of them "
        "(staffcast cannot tell which holds the data)"
    )
    assert client.get("/v1/agents", headers=team.headers).json() == []
