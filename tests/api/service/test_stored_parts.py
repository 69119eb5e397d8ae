"""Every stored part of a job (its result parts, its request) is read back through its model:
a part that does not match (stored by another version, changed in the database) is a 409
problem naming the part, never a 500, and a job reading it fails with a reason naming it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter

from api.jobs.forecast import FORECAST_PARTS, ForecastOutcome
from api.jobs.runner import ResultPart
from api.jobs.schedule import SCHEDULE_PARTS, ScheduleOutcome
from api.jobs.simulation import SIMULATION_PARTS, SimulationOutcome
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.models import Job, JobResult
from tests.api.conftest import TeamCredentials
from tests.api.scheduling_inputs import TARGETS
from tests.api.service.test_forecasts_api import wait_for_job

FORECAST_META = {"start": "2026-02-23", "days": 7, "timezone": "UTC", "interval_minutes": 60}
SCHEDULE_META = {"week_start": "2026-02-23", "timezone": "UTC", "forecast_id": None}


def _stored_job(
    settings: ServiceSettings,
    team: TeamCredentials,
    kind: str,
    parts: dict[str, Any],
    request: dict[str, Any] | None = None,
    status: str = "done",
) -> int:
    """A job of ``kind`` (done unless ``status`` says otherwise) with ``parts`` stored as they
    are (no model in between)."""
    database = Database(settings.resolved_database_url())
    try:
        with database.session(write=True) as session:
            job = Job(
                team_id=team.team_id,
                kind=kind,
                status=status,
                request=request or {},
                finished_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
            )
            session.add(job)
            session.flush()
            session.add_all(
                JobResult(job_id=job.id, part=name, payload=payload)
                for name, payload in parts.items()
            )
            session.commit()
            return job.id
    finally:
        database.dispose()


def _assert_mismatch(response: Any, part: str) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/stored-part-mismatch"
    assert f"`{part}`" in problem["detail"]
    assert problem["errors"]


@pytest.mark.parametrize(
    ("outcome", "parts"),
    [
        (ForecastOutcome, FORECAST_PARTS),
        (ScheduleOutcome, SCHEDULE_PARTS),
        (SimulationOutcome, SIMULATION_PARTS),
    ],
)
def test_every_stored_part_of_a_job_is_declared_with_its_outcomes_model(
    outcome: type[BaseModel], parts: tuple[ResultPart[Any], ...]
) -> None:
    assert [part.name for part in parts] == list(outcome.model_fields)
    for part in parts:
        annotation = outcome.model_fields[part.name].annotation
        assert annotation is not None
        declared = TypeAdapter(annotation)
        assert part.adapter.json_schema() == declared.json_schema(), part.name


def test_a_schedule_summary_unlike_its_model_is_a_409_naming_the_part(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    schedule_id = _stored_job(
        settings, team, "schedule", {"meta": SCHEDULE_META, "summary": {"paid_hours": "many"}}
    )
    response = client.get(f"/v1/schedules/{schedule_id}", headers=team.headers)
    _assert_mismatch(response, "summary")


def test_a_shifts_part_that_is_not_a_list_of_rows_is_a_409_as_json_and_as_csv(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    schedule_id = _stored_job(settings, team, "schedule", {"shifts": {"agent_id": "a"}})
    for path in ("shifts", "shifts.csv"):
        response = client.get(f"/v1/schedules/{schedule_id}/{path}", headers=team.headers)
        _assert_mismatch(response, "shifts")


def test_a_missing_result_part_is_a_409_naming_it(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    schedule_id = _stored_job(settings, team, "schedule", {"meta": SCHEDULE_META})
    response = client.get(f"/v1/schedules/{schedule_id}/coverage", headers=team.headers)
    _assert_mismatch(response, "coverage")
    assert response.json()["errors"] == ["the part is missing"]


def test_a_forecast_accuracy_part_unlike_the_report_is_a_409_naming_it(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    forecast_id = _stored_job(
        settings,
        team,
        "forecast",
        {
            "meta": FORECAST_META,
            "intervals": [],
            "channels": [],
            "accuracy": {"model": "auto", "channels": "voice"},
        },
    )
    response = client.get(f"/v1/forecasts/{forecast_id}", headers=team.headers)
    _assert_mismatch(response, "accuracy")


def test_a_forecast_stored_without_an_accuracy_part_reads_it_as_null(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    forecast_id = _stored_job(
        settings, team, "forecast", {"meta": FORECAST_META, "intervals": [], "channels": []}
    )
    response = client.get(f"/v1/forecasts/{forecast_id}", headers=team.headers)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["accuracy"] is None
    assert result["timezone"] == "UTC"


def test_a_simulation_whose_stored_request_names_no_schedule_is_a_409_naming_the_request(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    simulation_id = _stored_job(settings, team, "simulation", {}, request={}, status="running")
    response = client.get(f"/v1/simulations/{simulation_id}", headers=team.headers)
    _assert_mismatch(response, "request")


def test_a_simulation_of_a_schedule_whose_shifts_are_unlike_their_model_fails_naming_them(
    client: TestClient, make_team: Callable[..., TeamCredentials], settings: ServiceSettings
) -> None:
    team = make_team("simulating")
    targets = client.patch("/v1/settings", headers=team.headers, json={"targets": TARGETS})
    assert targets.status_code == 200, targets.text
    schedule_id = _stored_job(
        settings,
        team,
        "schedule",
        {"meta": SCHEDULE_META, "shifts": "none", "coverage": []},
        request={"week_start": "2026-02-23"},
    )
    started = client.post(
        f"/v1/schedules/{schedule_id}/simulation", headers=team.headers, json={"replications": 2}
    )
    assert started.status_code == 202, started.text
    finished = wait_for_job(client, team, started.json()["id"])
    assert finished["status"] == "failed"
    assert "`shifts`" in finished["reason"]
    assert not finished["reason"].startswith("internal error")
