"""Every CSV the service sends is safe to open in a spreadsheet: a label a spreadsheet would
run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) starts with ``'``."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from api.tables import FORMULA_PREFIXES
from tests.api.conftest import TeamCredentials
from tests.api.scheduling_inputs import RULES, TARGETS, history_csv
from tests.api.service.test_forecasts_api import wait_for_job

CHANNEL = "=2+5*cmd"  # channel names are stored lower-cased; skills split on |
ROSTER = (
    "agent_id,name,skills\n"
    f'"@SUM(1+1)*cmd","+Ana","{CHANNEL}"\n'
    f'"-A2","\tBen","{CHANNEL}"\n'
    f'"A3","Chloe","{CHANNEL}"\n'
)


def _renamed(document: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {CHANNEL if name == "voice" else name: value for name, value in part.items()}
        if key in {"channels", "hours"}
        else part
        for key, part in document.items()
    }


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_every_csv_download_neutralises_labels_a_spreadsheet_would_run(
    client: TestClient, team: TeamCredentials
) -> None:
    history = history_csv().replace(",voice,", f',"{CHANNEL}",')
    upload = client.post("/v1/history", headers=team.headers, files={"file": ("h.csv", history)})
    assert upload.status_code == 201, upload.text
    settings = client.patch(
        "/v1/settings",
        headers=team.headers,
        json={"targets": _renamed(TARGETS), "rules": _renamed(RULES)},
    )
    assert settings.status_code == 200, settings.text
    roster = client.post(
        "/v1/agents/upload", headers=team.headers, files={"file": ("a.csv", ROSTER)}
    )
    assert roster.status_code == 200, roster.text
    forecast = client.post(
        "/v1/forecasts", headers=team.headers, json={"start": "2026-02-23", "accuracy": False}
    ).json()["id"]
    assert wait_for_job(client, team, forecast)["status"] == "done"
    scheduled = client.post(
        "/v1/schedules",
        headers=team.headers,
        json={"week_start": "2026-02-23", "forecast_id": forecast, "time_limit_seconds": 10},
    ).json()["id"]
    job = wait_for_job(client, team, scheduled)
    assert job["status"] == "done", job.get("reason")
    downloads = {
        "/v1/history.csv": CHANNEL,
        "/v1/agents.csv": "@SUM(1+1)*cmd",
        f"/v1/forecasts/{forecast}/forecast.csv": CHANNEL,
        f"/v1/schedules/{scheduled}/shifts.csv": "@SUM(1+1)*cmd",
        f"/v1/schedules/{scheduled}/coverage.csv": CHANNEL,
    }
    for path, label in downloads.items():
        response = client.get(path, headers=team.headers)
        assert response.status_code == 200, (path, response.text[:200])
        cells = _cells(response.text)
        assert "'" + label in cells, path
        dangerous = [c for c in cells if c.startswith(FORMULA_PREFIXES) and not _is_number(c)]
        assert dangerous == [], (path, dangerous[:3])
    # The neutralised history uploads again as the same channel.
    again = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("again.csv", client.get("/v1/history.csv", headers=team.headers).text)},
    )
    assert again.status_code == 201, again.text
    assert again.json()["summary"]["channels"] == [CHANNEL]
    assert again.json()["rows_added"] == 0
