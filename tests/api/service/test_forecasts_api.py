"""``/v1/forecasts``: a forecast runs as a job and is fetched as JSON (with the accuracy
report) or CSV; holidays and special days come from the team's settings."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from api.service.routes.forecasts import ForecastView
from tests.api.conftest import TeamCredentials

WAIT_SECONDS = 60.0


def three_weeks_of_history(channel: str = "voice") -> str:
    """Hourly history, Monday 2026-02-02 to Sunday 2026-02-22, a midday peak (seeded)."""
    starts = pd.date_range("2026-02-02", periods=21 * 24, freq="60min")
    rng = np.random.default_rng(7)
    volumes = rng.poisson(5 + 10 * np.exp(-0.5 * ((np.asarray(starts.hour) - 13) / 3) ** 2))
    rows = [
        f"{start:%Y-%m-%dT%H:%M},{channel},{volume},200"
        for start, volume in zip(starts, volumes, strict=True)
    ]
    return "interval_start,channel,volume,aht_seconds\n" + "\n".join(rows) + "\n"


def upload_history(client: TestClient, team: TeamCredentials) -> None:
    response = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("history.csv", three_weeks_of_history(), "text/csv")},
    )
    assert response.status_code == 201, response.text


def wait_for_job(client: TestClient, team: TeamCredentials, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=team.headers).json()
        if job["status"] in {"done", "failed", "cancelled"}:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_forecast_runs_as_a_job_and_is_fetched_as_json_and_csv(
    client: TestClient, team: TeamCredentials
) -> None:
    upload_history(client, team)
    response = client.post(
        "/v1/forecasts",
        headers=team.headers,
        json={"days": 7, "accuracy": True, "backtest_origins": 1},
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response.headers["location"] == f"/v1/jobs/{job_id}"
    assert wait_for_job(client, team, job_id)["status"] == "done"
    view = client.get(f"/v1/forecasts/{job_id}", headers=team.headers).json()
    ForecastView.model_validate(view)  # the stored parts are sent as stored: same shape
    result = view["result"]
    assert view["job"]["status"] == "done"
    assert result["start"] == "2026-02-23"  # the day after the history ends
    assert len(result["intervals"]) == 7 * 24
    assert {row["channel"] for row in result["intervals"]} == {"voice"}
    first = result["intervals"][0]
    assert first["interval_start"] == "2026-02-23T00:00:00+00:00"
    assert first["volume_low"] <= first["volume"] <= first["volume_high"]
    [accuracy] = result["accuracy"]["channels"]
    assert accuracy["channel"] == "voice"
    assert accuracy["results"][0]["wape_interval"] > 0
    assert accuracy["results"][0]["wape_by_day_type"]["normal"] > 0
    assert accuracy["unseen_holidays"] == []  # no holiday in the backtested week
    csv = client.get(f"/v1/forecasts/{job_id}/forecast.csv", headers=team.headers)
    assert csv.status_code == 200
    table = pd.read_csv(io.StringIO(csv.text))
    assert list(table.columns) == [
        "interval_start",
        "channel",
        "volume",
        "volume_low",
        "volume_high",
        "aht_seconds",
    ]
    assert len(table) == 7 * 24
    listed = client.get("/v1/forecasts", headers=team.headers).json()
    assert [job["id"] for job in listed] == [job_id]


def test_a_special_day_in_the_settings_shapes_the_forecast(
    client: TestClient, team: TeamCredentials
) -> None:
    upload_history(client, team)
    settings = client.patch(
        "/v1/settings",
        headers=team.headers,
        json={"special_days": [{"date": "2026-02-25", "name": "Office move", "kind": "closed"}]},
    )
    assert settings.status_code == 200, settings.text
    job_id = client.post(
        "/v1/forecasts", headers=team.headers, json={"days": 7, "accuracy": False}
    ).json()["id"]
    assert wait_for_job(client, team, job_id)["status"] == "done"
    result = client.get(f"/v1/forecasts/{job_id}", headers=team.headers).json()["result"]
    assert result["accuracy"] is None
    by_day: dict[str, float] = {}
    for row in result["intervals"]:
        day = row["interval_start"][:10]
        by_day[day] = by_day.get(day, 0.0) + row["volume"]
    assert by_day["2026-02-25"] == 0
    assert by_day["2026-02-24"] > 0


def test_an_unknown_holiday_country_is_a_422_invalid_calendar(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.patch("/v1/settings", headers=team.headers, json={"holiday_country": "XX"})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/invalid-calendar"
    assert (
        client.patch("/v1/settings", headers=team.headers, json={"holiday_country": "us"}).json()[
            "holiday_country"
        ]
        == "US"
    )


def test_a_forecast_without_history_is_a_409(client: TestClient, team: TeamCredentials) -> None:
    response = client.post("/v1/forecasts", headers=team.headers, json={})
    assert response.status_code == 409
    assert "POST /v1/history" in response.json()["detail"]


def test_a_failed_forecast_says_why_and_has_no_csv(
    client: TestClient, team: TeamCredentials
) -> None:
    upload_history(client, team)
    job_id = client.post(
        "/v1/forecasts", headers=team.headers, json={"start": "2026-02-03", "accuracy": False}
    ).json()["id"]
    job = wait_for_job(client, team, job_id)
    assert job["status"] == "failed"
    assert job["reason"]
    assert client.get(f"/v1/forecasts/{job_id}", headers=team.headers).json()["result"] is None
    csv = client.get(f"/v1/forecasts/{job_id}/forecast.csv", headers=team.headers)
    assert csv.status_code == 409
    assert csv.json()["type"] == "/problems/conflict"


def test_another_teams_forecast_is_not_found(
    client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    owner, stranger = make_team("owner"), make_team("stranger")
    upload_history(client, owner)
    job_id = client.post("/v1/forecasts", headers=owner.headers, json={"accuracy": False}).json()[
        "id"
    ]
    wait_for_job(client, owner, job_id)
    for path in [f"/v1/forecasts/{job_id}", f"/v1/forecasts/{job_id}/forecast.csv"]:
        assert client.get(path, headers=stranger.headers).status_code == 404
    assert client.get("/v1/forecasts", headers=stranger.headers).json() == []
