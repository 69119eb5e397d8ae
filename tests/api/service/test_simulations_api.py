"""``POST /v1/schedules/{id}/simulation``: 202 + a job with progress, then the simulated week
next to the projection as JSON and CSV; bad requests are problems, never 500s."""

from __future__ import annotations

import io

import pandas as pd
from fastapi.testclient import TestClient

from tests.api.conftest import TeamCredentials
from tests.api.service.test_forecasts_api import wait_for_job
from tests.api.service.test_schedules_api import prepare_team, run_schedule


def test_a_done_schedule_is_simulated_as_a_job_with_its_projection_and_bands(
    client: TestClient, team: TeamCredentials
) -> None:
    prepare_team(client, team)
    schedule_id = run_schedule(client, team, use_agents=False)
    response = client.post(
        f"/v1/schedules/{schedule_id}/simulation",
        headers=team.headers,
        json={"replications": 3, "seed": 1},
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["kind"] == "simulation"
    assert job["links"]["result"] == f"/v1/simulations/{job['id']}"
    assert response.headers["location"] == f"/v1/jobs/{job['id']}"
    finished = wait_for_job(client, team, job["id"])
    assert finished["status"] == "done", finished

    view = client.get(f"/v1/simulations/{job['id']}", headers=team.headers).json()
    voice = view["summary"]["channels"]["voice"]
    assert view["schedule_id"] == schedule_id
    assert voice["service_level_low"] <= voice["service_level"] <= voice["service_level_high"]
    assert voice["projected_service_level"] is not None
    latest = client.get(f"/v1/schedules/{schedule_id}/simulation", headers=team.headers)
    assert latest.json()["job"]["id"] == job["id"]

    csv = client.get(f"/v1/simulations/{job['id']}/intervals.csv", headers=team.headers)
    assert csv.status_code == 200
    # Served like every other job CSV now (it was rendered on each request, without an ETag).
    again = client.get(
        f"/v1/simulations/{job['id']}/intervals.csv",
        headers={**team.headers, "If-None-Match": csv.headers["etag"]},
    )
    assert again.status_code == 304
    table = pd.read_csv(io.StringIO(csv.text))
    coverage = client.get(f"/v1/schedules/{schedule_id}/coverage", headers=team.headers).json()
    assert len(table) == len(coverage)
    assert table["scheduled"].sum() == sum(row["scheduled"] for row in coverage)
    open_hours = table[table["offered"] > 0]
    assert (open_hours["service_level_low"] <= open_hours["service_level"]).all()
    intervals = client.get(f"/v1/simulations/{job['id']}/intervals", headers=team.headers)
    assert len(intervals.json()) == len(table)


def test_simulating_a_schedule_that_does_not_exist_is_404(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post("/v1/schedules/999/simulation", headers=team.headers, json={})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_starting_a_simulation_takes_the_schedule_from_the_path_and_documents_404_and_409(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    create = paths["/v1/schedules/{schedule_id}/simulation"]["post"]
    assert [parameter["name"] for parameter in create["parameters"]] == ["schedule_id"]
    assert create["operationId"].startswith("create_simulation")
    assert "schedule_id" not in str(create["requestBody"])
    assert {"202", "404", "409"} <= set(create["responses"])


def test_a_negative_aht_cv_is_a_422_naming_the_field(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post(
        "/v1/schedules/1/simulation", headers=team.headers, json={"aht_cv": -0.5}
    )
    assert response.status_code == 422
    assert "aht_cv" in response.text
    assert "-0.5" in response.text


def test_a_schedule_never_simulated_says_how_to_start_one(
    client: TestClient, team: TeamCredentials
) -> None:
    prepare_team(client, team)
    schedule_id = run_schedule(client, team, use_agents=False)
    response = client.get(f"/v1/schedules/{schedule_id}/simulation", headers=team.headers)
    assert response.status_code == 404
    assert f"POST /v1/schedules/{schedule_id}/simulation" in response.json()["detail"]
