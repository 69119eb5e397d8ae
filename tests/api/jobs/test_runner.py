"""The job runner: state in the database, cancellation, restart recovery, run-once.

These tests drive the runner through its seam (``create_app(job_handlers=...)``) with small
real handlers, so they exercise the pool, the database states and the HTTP routes without
waiting on a forecast or an optimizer.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.jobs.runner import INTERRUPTED_REASON, STALE_HEARTBEATS, JobContext, JobHandler
from api.service import create_app
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.models import Job, utc_now
from scheduler.errors import InvalidTargetsError
from tests.api.conftest import TeamCredentials

WAIT_SECONDS = 20.0


class Echo(BaseModel):
    """The result of :meth:`Recorder.echo`."""

    echo: dict[str, Any]


class Finished(BaseModel):
    """The result of :meth:`Recorder.wait_for_stop`."""

    finished: bool


class Recorder:
    """Real job handlers that record what they saw."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.started = threading.Event()
        self.stopped_early = threading.Event()
        self.release = threading.Event()

    def echo(self, context: JobContext) -> Echo:
        """Answers with its request, or fails as ``request["behaviour"]`` says."""
        self.calls.append(context.job_id)
        context.report("echoing", force=True)
        if context.request.get("behaviour") == "reject":
            raise InvalidTargetsError("channel `fax` in the targets is not in the history")
        if context.request.get("behaviour") == "crash":
            raise RuntimeError("a bug")
        return Echo(echo=context.request)

    def wait_for_stop(self, context: JobContext) -> Finished:
        """Like a solver: works until told to stop (or released)."""
        self.calls.append(context.job_id)
        self.started.set()
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and not self.release.is_set():
            context.report("solving", solutions=1)
            if context.should_stop():
                self.stopped_early.set()
                break
            time.sleep(0.01)
        return Finished(finished=True)

    def handlers(self) -> dict[str, JobHandler]:
        return {"forecast": self.echo, "schedule": self.wait_for_stop}


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def jobs_client(settings: ServiceSettings, recorder: Recorder) -> Iterator[TestClient]:
    with TestClient(create_app(settings, job_handlers=recorder.handlers())) as test_client:
        yield test_client


def _submit(client: TestClient, team: TeamCredentials, kind: str, **request: Any) -> int:
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.database.session(write=True) as session:
        return int(state.runner.submit(session, team.team_id, kind, request).id)


def _wait_for(
    client: TestClient, team: TeamCredentials, job_id: int, statuses: set[str]
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=team.headers).json()
        if body["status"] in statuses:
            return body
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} never reached {statuses}")


def test_a_job_runs_once_and_its_status_says_done(
    jobs_client: TestClient,
    make_team: Callable[..., TeamCredentials],
    recorder: Recorder,
) -> None:
    team = make_team()
    job_id = _submit(jobs_client, team, "forecast", days=7)
    state = jobs_client.app.state.service  # type: ignore[attr-defined]
    state.runner.enqueue(job_id)  # a second hand-over must not run it again
    body = _wait_for(jobs_client, team, job_id, {"done"})
    assert body["kind"] == "forecast"
    assert body["request"] == {"days": 7}
    assert body["started_at"] is not None
    assert body["finished_at"] is not None
    assert body["links"]["result"] == f"/v1/forecasts/{job_id}"
    time.sleep(0.1)
    assert recorder.calls == [job_id]
    listed = jobs_client.get("/v1/jobs", headers=team.headers).json()
    assert [job["id"] for job in listed] == [job_id]


def test_cancelling_a_running_job_stops_its_work(
    jobs_client: TestClient, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    team = make_team()
    job_id = _submit(jobs_client, team, "schedule")
    assert recorder.started.wait(WAIT_SECONDS)
    running = _wait_for(jobs_client, team, job_id, {"running"})
    assert running["progress"]["stage"] in {"starting", "solving"}
    response = jobs_client.post(f"/v1/jobs/{job_id}/cancel", headers=team.headers)
    assert response.status_code == 200
    assert response.json()["cancel_requested"] is True
    body = _wait_for(jobs_client, team, job_id, {"cancelled", "done", "failed"})
    assert body["status"] == "cancelled"
    assert recorder.stopped_early.is_set()


def test_cancelling_a_queued_job_means_it_never_runs(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    one_worker = settings.model_copy(update={"job_workers": 1})
    with TestClient(create_app(one_worker, job_handlers=recorder.handlers())) as client:
        team = make_team()
        busy = _submit(client, team, "schedule")
        assert recorder.started.wait(WAIT_SECONDS)
        waiting = _submit(client, team, "forecast")
        assert client.get(f"/v1/jobs/{waiting}", headers=team.headers).json()["status"] == (
            "queued"
        )
        cancelled = client.post(f"/v1/jobs/{waiting}/cancel", headers=team.headers).json()
        assert cancelled["status"] == "cancelled"
        recorder.release.set()
        _wait_for(client, team, busy, {"done"})
        time.sleep(0.1)
        assert recorder.calls == [busy]


def test_cancelling_a_finished_job_is_a_409_problem(
    jobs_client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    team = make_team()
    job_id = _submit(jobs_client, team, "forecast")
    _wait_for(jobs_client, team, job_id, {"done"})
    response = jobs_client.post(f"/v1/jobs/{job_id}/cancel", headers=team.headers)
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/conflict"


def test_a_rejected_input_fails_the_job_with_the_domain_message(
    jobs_client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    team = make_team()
    job_id = _submit(jobs_client, team, "forecast", behaviour="reject")
    body = _wait_for(jobs_client, team, job_id, {"failed"})
    assert "channel `fax`" in body["reason"]


def test_a_bug_fails_the_job_without_leaking_internals(
    jobs_client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    team = make_team()
    job_id = _submit(jobs_client, team, "forecast", behaviour="crash")
    body = _wait_for(jobs_client, team, job_id, {"failed"})
    assert body["reason"].startswith("internal error (RuntimeError)")
    assert "a bug" not in body["reason"]


def test_a_restart_fails_interrupted_jobs_and_runs_queued_ones(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    team = make_team()
    database = Database(settings.resolved_database_url())
    with database.session(write=True) as session:
        interrupted = Job(team_id=team.team_id, kind="schedule", status="running", request={})
        waiting = Job(team_id=team.team_id, kind="forecast", status="queued", request={"n": 1})
        session.add_all([interrupted, waiting])
        session.commit()
        interrupted_id, waiting_id = interrupted.id, waiting.id
    database.dispose()
    with TestClient(create_app(settings, job_handlers=recorder.handlers())) as client:
        failed = client.get(f"/v1/jobs/{interrupted_id}", headers=team.headers).json()
        assert failed["status"] == "failed"
        assert failed["reason"] == INTERRUPTED_REASON
        done = _wait_for(client, team, waiting_id, {"done"})
        assert done["request"] == {"n": 1}
    assert recorder.calls == [waiting_id]


def test_stopping_the_service_interrupts_running_jobs_and_keeps_queued_ones(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    one_worker = settings.model_copy(update={"job_workers": 1})
    team = make_team()
    with TestClient(create_app(one_worker, job_handlers=recorder.handlers())) as client:
        running = _submit(client, team, "schedule")
        assert recorder.started.wait(WAIT_SECONDS)
        queued = _submit(client, team, "forecast")
    with TestClient(create_app(one_worker, job_handlers=recorder.handlers())) as client:
        assert client.get(f"/v1/jobs/{running}", headers=team.headers).json()["reason"] == (
            INTERRUPTED_REASON
        )
        _wait_for(client, team, queued, {"done"})


def test_another_teams_job_is_not_found(
    jobs_client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    owner, stranger = make_team("owner"), make_team("stranger")
    job_id = _submit(jobs_client, owner, "forecast")
    _wait_for(jobs_client, owner, job_id, {"done"})
    assert jobs_client.get(f"/v1/jobs/{job_id}", headers=stranger.headers).status_code == 404
    cancel = jobs_client.post(f"/v1/jobs/{job_id}/cancel", headers=stranger.headers)
    assert cancel.status_code == 404
    assert jobs_client.get("/v1/jobs", headers=stranger.headers).json() == []


# Several service processes on one database (``staffcast serve --workers N``): two apps on the
# same database stand for two processes.


def _running_job(
    settings: ServiceSettings, team: TeamCredentials, *, owner: str, heartbeat_age_seconds: float
) -> int:
    """A job left ``running`` by the runner ``owner``, last confirmed that long ago."""
    database = Database(settings.resolved_database_url())
    with database.session(write=True) as session:
        job = Job(
            team_id=team.team_id,
            kind="schedule",
            status="running",
            request={},
            owner=owner,
            heartbeat_at=utc_now() - dt.timedelta(seconds=heartbeat_age_seconds),
        )
        session.add(job)
        session.commit()
        job_id = job.id
    database.dispose()
    return job_id


def test_a_starting_instance_fails_the_jobs_of_a_gone_runner_but_not_of_a_live_one(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    team = make_team()
    stale_seconds = STALE_HEARTBEATS * settings.job_heartbeat_seconds
    gone = _running_job(settings, team, owner="crashed", heartbeat_age_seconds=stale_seconds + 1)
    alive = _running_job(settings, team, owner="busy", heartbeat_age_seconds=1)
    with TestClient(create_app(settings, job_handlers=recorder.handlers())) as client:
        failed = client.get(f"/v1/jobs/{gone}", headers=team.headers).json()
        assert failed["status"] == "failed"
        assert failed["reason"] == INTERRUPTED_REASON
        assert client.get(f"/v1/jobs/{alive}", headers=team.headers).json()["status"] == ("running")
    assert recorder.calls == []


def test_a_running_job_is_failed_once_its_runner_stops_beating(
    jobs_client: TestClient, settings: ServiceSettings, make_team: Callable[..., TeamCredentials]
) -> None:
    team = make_team()
    beats = settings.job_heartbeat_seconds
    fresh = _running_job(settings, team, owner="other", heartbeat_age_seconds=beats)
    runner = jobs_client.app.state.service.runner  # type: ignore[attr-defined]
    runner.beat()
    assert jobs_client.get(f"/v1/jobs/{fresh}", headers=team.headers).json()["status"] == (
        "running"
    )
    database = Database(settings.resolved_database_url())
    with database.session(write=True) as session:
        job = session.get(Job, fresh)
        assert job is not None
        job.heartbeat_at = utc_now() - dt.timedelta(seconds=(STALE_HEARTBEATS + 1) * beats)
        session.commit()
    database.dispose()
    runner.beat()
    body = jobs_client.get(f"/v1/jobs/{fresh}", headers=team.headers).json()
    assert (body["status"], body["reason"]) == ("failed", INTERRUPTED_REASON)


def test_a_second_instance_starting_leaves_the_first_ones_running_job_alone(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    team = make_team()
    with TestClient(create_app(settings, job_handlers=recorder.handlers())) as first:
        job_id = _submit(first, team, "schedule")
        assert recorder.started.wait(WAIT_SECONDS)
        with TestClient(create_app(settings, job_handlers=recorder.handlers())) as second:
            second.app.state.service.runner.beat()  # type: ignore[attr-defined]
            body = second.get(f"/v1/jobs/{job_id}", headers=team.headers).json()
            assert body["status"] == "running"
            recorder.release.set()
            assert _wait_for(second, team, job_id, {"done", "failed"})["status"] == "done"
    assert recorder.calls == [job_id]


def test_queued_jobs_shared_by_two_instances_each_run_exactly_once(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    team = make_team()
    database = Database(settings.resolved_database_url())
    with database.session(write=True) as session:
        jobs = [
            Job(team_id=team.team_id, kind="forecast", status="queued", request={"n": number})
            for number in range(12)
        ]
        session.add_all(jobs)
        session.commit()
        queued = [job.id for job in jobs]
    database.dispose()
    with (
        TestClient(create_app(settings, job_handlers=recorder.handlers())) as first,
        TestClient(create_app(settings, job_handlers=recorder.handlers())) as second,
    ):
        submitted = [_submit(first, team, "forecast", n=100), _submit(second, team, "forecast")]
        for runner in (first, second):
            runner.app.state.service.runner.beat()  # type: ignore[attr-defined]
        for job_id in queued + submitted:
            assert _wait_for(first, team, job_id, {"done", "failed"})["status"] == "done"
    assert sorted(recorder.calls) == sorted(queued + submitted)


def test_a_job_running_in_one_instance_is_cancelled_through_another(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials], recorder: Recorder
) -> None:
    team = make_team()
    with (
        TestClient(create_app(settings, job_handlers=recorder.handlers())) as first,
        TestClient(create_app(settings, job_handlers=recorder.handlers())) as second,
    ):
        job_id = _submit(first, team, "schedule")
        assert recorder.started.wait(WAIT_SECONDS)
        response = second.post(f"/v1/jobs/{job_id}/cancel", headers=team.headers)
        assert response.json()["cancel_requested"] is True
        body = _wait_for(second, team, job_id, {"cancelled", "done", "failed"})
        assert body["status"] == "cancelled"
        assert recorder.stopped_early.is_set()
