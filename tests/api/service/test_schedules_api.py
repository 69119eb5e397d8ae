"""``/v1/schedules``: 202 + a job, then summary, shifts and coverage as JSON and CSV;
cancelling stops the optimizer."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from api.jobs.runner import JobCancelledError, JobContext
from api.jobs.schedule import solver_progress
from api.service.routes.schedules import CoverageInterval, Shift
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.models import Job
from forecast import forecast_workload, parse_history
from scheduler.shifts import Progress, SolverOptions, rules_from_dict, solve_schedule
from scheduler.staffing import Targets, requirements
from tests.api.conftest import TeamCredentials
from tests.api.scheduling_inputs import ROSTER_CSV, RULES, TARGETS, history_csv
from tests.api.service.test_forecasts_api import wait_for_job

WEEK = "2026-02-23"


def prepare_team(client: TestClient, team: TeamCredentials, *, roster: bool = False) -> None:
    history = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("history.csv", history_csv(), "text/csv")},
    )
    assert history.status_code == 201, history.text
    settings = client.patch(
        "/v1/settings", headers=team.headers, json={"targets": TARGETS, "rules": RULES}
    )
    assert settings.status_code == 200, settings.text
    if roster:
        upload = client.post(
            "/v1/agents/upload",
            headers=team.headers,
            files={"file": ("agents.csv", ROSTER_CSV, "text/csv")},
        )
        assert upload.status_code == 200, upload.text


def run_schedule(client: TestClient, team: TeamCredentials, **request: Any) -> int:
    response = client.post(
        "/v1/schedules",
        headers=team.headers,
        json={"week_start": WEEK, "time_limit_seconds": 10, **request},
    )
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    job_id: int = response.json()["id"]
    job = wait_for_job(client, team, job_id)
    assert job["status"] == "done", job
    return job_id


def test_a_schedule_for_open_positions_has_summary_shifts_and_coverage(
    client: TestClient, team: TeamCredentials
) -> None:
    prepare_team(client, team)
    schedule_id = run_schedule(client, team, use_agents=False)
    view = client.get(f"/v1/schedules/{schedule_id}", headers=team.headers).json()
    summary = view["summary"]
    assert view["week_start"] == WEEK
    assert summary["paid_hours"] >= summary["lower_bound_hours"] > 0
    assert summary["headcount"] > 0
    assert 0 <= summary["projected_service_level"]["voice"] <= 1
    assert summary["service_level_targets"] == {"voice": 0.8}
    shifts = client.get(f"/v1/schedules/{schedule_id}/shifts", headers=team.headers).json()
    assert shifts
    TypeAdapter(list[Shift]).validate_python(shifts)  # stored rows have the declared shape
    assert all(shift["agent_id"].startswith("open-") for shift in shifts)
    assert sum(shift["paid_hours"] for shift in shifts) == pytest.approx(summary["paid_hours"])
    coverage = client.get(f"/v1/schedules/{schedule_id}/coverage", headers=team.headers).json()
    TypeAdapter(list[CoverageInterval]).validate_python(coverage)
    assert len(coverage) == 7 * 24
    assert {row["channel"] for row in coverage} == {"voice"}
    shifts_csv = client.get(f"/v1/schedules/{schedule_id}/shifts.csv", headers=team.headers)
    table = pd.read_csv(io.StringIO(shifts_csv.text))
    assert list(table.columns) == ["agent_id", "channel", "start", "end", "paid_hours", "breaks"]
    assert len(table) == len(shifts)
    coverage_csv = client.get(f"/v1/schedules/{schedule_id}/coverage.csv", headers=team.headers)
    assert pd.read_csv(io.StringIO(coverage_csv.text))["required"].max() > 0
    assert [job["id"] for job in client.get("/v1/schedules", headers=team.headers).json()] == [
        schedule_id
    ]


def test_a_schedule_for_the_roster_gives_shifts_only_to_its_agents(
    client: TestClient, team: TeamCredentials
) -> None:
    prepare_team(client, team, roster=True)
    forecast = client.post(
        "/v1/forecasts", headers=team.headers, json={"start": WEEK, "accuracy": False}
    ).json()["id"]
    assert wait_for_job(client, team, forecast)["status"] == "done"
    schedule_id = run_schedule(client, team, forecast_id=forecast)
    shifts = client.get(f"/v1/schedules/{schedule_id}/shifts", headers=team.headers).json()
    assert {shift["agent_id"] for shift in shifts} <= {"A1", "A2", "A3"}
    view = client.get(f"/v1/schedules/{schedule_id}", headers=team.headers).json()
    assert view["job"]["request"]["forecast_id"] == forecast


def test_a_schedule_needs_targets_and_rules_first(
    client: TestClient, team: TeamCredentials
) -> None:
    response = client.post("/v1/schedules", headers=team.headers, json={"week_start": WEEK})
    assert response.status_code == 409
    assert "targets and scheduling rules" in response.json()["detail"]


def test_a_schedule_from_a_forecast_that_does_not_exist_is_a_documented_404(
    client: TestClient, team: TeamCredentials
) -> None:
    settings = client.patch(
        "/v1/settings", headers=team.headers, json={"targets": TARGETS, "rules": RULES}
    )
    assert settings.status_code == 200, settings.text
    response = client.post(
        "/v1/schedules", headers=team.headers, json={"week_start": WEEK, "forecast_id": 999}
    )
    assert response.status_code == 404
    assert "forecast 999" in response.json()["detail"]
    documented = client.get("/openapi.json").json()["paths"]["/v1/schedules"]["post"]
    assert {"404", "409"} <= set(documented["responses"])


def test_rules_the_optimizer_refuses_are_a_422_naming_the_field(
    client: TestClient, team: TeamCredentials
) -> None:
    bad = {**RULES, "week": {"days_per_agent": 9}}
    response = client.patch("/v1/settings", headers=team.headers, json={"rules": bad})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/invalid-rules"
    assert "days_per_agent" in response.json()["detail"]


def test_budget_caps_are_saved_with_the_rules_and_a_bad_cap_is_a_422(
    client: TestClient, team: TeamCredentials
) -> None:
    capped = {**RULES, "budget": {"max_paid_hours": 400, "max_headcount": 12}}
    response = client.patch("/v1/settings", headers=team.headers, json={"rules": capped})
    assert response.status_code == 200
    assert response.json()["rules"]["budget"] == {"max_paid_hours": 400, "max_headcount": 12}
    bad = {**RULES, "budget": {"max_paid_hours": -5}}
    response = client.patch("/v1/settings", headers=team.headers, json={"rules": bad})
    assert response.status_code == 422
    assert "max_paid_hours" in str(response.json())


def test_results_of_a_cancelled_schedule_are_a_409(
    client: TestClient, team: TeamCredentials
) -> None:
    prepare_team(client, team)
    database: Database = client.app.state.service.database  # type: ignore[attr-defined]
    with database.session(write=True) as session:  # waiting in the queue (not handed over)
        job = Job(team_id=team.team_id, kind="schedule", status="queued", request={})
        session.add(job)
        session.commit()
    cancelled = client.post(f"/v1/schedules/{job.id}/cancel", headers=team.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    for part in ("shifts", "coverage", "shifts.csv", "coverage.csv"):
        response = client.get(f"/v1/schedules/{job.id}/{part}", headers=team.headers)
        assert response.status_code == 409, part
        assert "cancelled" in response.json()["detail"]
    assert client.get(f"/v1/schedules/{job.id}", headers=team.headers).json()["summary"] is None


def test_a_cancelled_job_stops_the_optimizer_at_its_next_report(
    settings: ServiceSettings,
) -> None:
    """The progress callback the job hands to the optimizer raises once the job is told to
    stop; CP-SAT stops searching and the solve ends long before its time limit."""
    history = parse_history(history_csv(minutes=15, peak=120))
    workload = forecast_workload(history, start=pd.Timestamp(WEEK).date(), days=7).workload
    required = requirements(workload, Targets.from_dict(TARGETS), timezone="UTC")
    stop = threading.Event()
    context = JobContext(
        job_id=1,
        team_id=1,
        request={},
        database=Database("sqlite://"),
        settings=settings,
        stop_event=stop,
    )
    report = solver_progress(context, 60)
    calls: list[Progress] = []

    def progress(update: Progress) -> None:
        calls.append(update)
        stop.set()  # as if a client cancelled as soon as the optimizer reported
        report(update)

    started = time.monotonic()
    rules = rules_from_dict(
        {**RULES, "shifts": {"lengths_hours": [4, 6, 8], "start_step_minutes": 15}}
    )
    with pytest.raises(JobCancelledError):
        solve_schedule(
            required,
            rules,
            options=SolverOptions(time_limit_seconds=60, relative_gap=1e-9, workers=2),
            progress=progress,
        )
    assert len(calls) == 1
    assert time.monotonic() - started < 30


def test_another_teams_schedule_is_not_found(
    client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    owner, stranger = make_team("owner"), make_team("stranger")
    prepare_team(client, owner)
    schedule_id = run_schedule(client, owner, use_agents=False)
    for part in ("", "/shifts", "/coverage", "/shifts.csv", "/coverage.csv"):
        response = client.get(f"/v1/schedules/{schedule_id}{part}", headers=stranger.headers)
        assert response.status_code == 404, part
    cancel = client.post(f"/v1/schedules/{schedule_id}/cancel", headers=stranger.headers)
    assert cancel.status_code == 404


def test_rules_no_schedule_can_meet_fail_the_job_with_the_reason_in_words(
    client: TestClient, team: TeamCredentials
) -> None:
    prepare_team(client, team)
    impossible = {**RULES, "week": {**RULES["week"], "min_hours": 41, "max_hours": 60}}
    impossible["week"]["days_per_agent"] = 5
    impossible["shifts"] = {"lengths_hours": [4], "start_step_minutes": 60}
    assert (
        client.patch("/v1/settings", headers=team.headers, json={"rules": impossible}).status_code
        == 200
    )
    response = client.post(
        "/v1/schedules",
        headers=team.headers,
        json={"week_start": WEEK, "time_limit_seconds": 10, "use_agents": False},
    )
    job = wait_for_job(client, team, response.json()["id"])
    assert job["status"] == "failed"
    assert "41 h minimum with 5 days of 4 h shifts is impossible" in job["reason"]
