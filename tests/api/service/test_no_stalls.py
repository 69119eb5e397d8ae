"""No request waits for another's write lock on the event loop: the page's two figure POSTs,
sent at once while another connection holds SQLite's write lock (as a long upload does), both
answer 200, and so does ``/healthz``; figures are drawn in read transactions."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import ServiceSettings
from tests.api.conftest import TeamCredentials

COVERAGE_CSV = (
    "interval_start,channel,required,scheduled,shortfall,projected_service_level\n"
    "2026-12-07T09:00:00+00:00,voice,6,6,0,0.85\n"
    "2026-12-07T09:30:00+00:00,voice,7,5,2,0.52\n"
)
FORECAST_CSV = "interval_start,channel,volume\n2026-12-07T09:00:00+00:00,voice,6\n"
HISTORY_CSV = "interval_start,channel,volume,aht_seconds\n2026-12-01T09:00,voice,4,300\n"


def test_the_pages_figure_posts_and_healthz_answer_while_another_writer_holds_the_lock(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    url = settings.resolved_database_url()
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    upload = client.post(
        "/v1/history", headers=team.headers, files={"file": ("h.csv", HISTORY_CSV)}
    )
    assert upload.status_code == 201, upload.text
    writer = sqlite3.connect(Path(url.split("///", 1)[1]), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the write lock, held until every answer is in
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            answers = [
                pool.submit(post, client, team, "/app/figures/coverage", COVERAGE_CSV),
                pool.submit(post, client, team, "/app/figures/forecast", FORECAST_CSV),
                pool.submit(lambda: client.get("/healthz").status_code),
            ]
            statuses = [answer.result() for answer in answers]
        assert writer.in_transaction  # nothing above waited for the lock to go
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert statuses == [200, 200, 200]


def post(client: TestClient, team: TeamCredentials, path: str, body: str) -> int:
    response = client.post(path, content=body, headers={**team.headers, "Content-Type": "text/csv"})
    return response.status_code


def test_a_figure_posted_again_is_served_from_the_cache_until_the_team_changes(
    client: TestClient, team: TeamCredentials
) -> None:
    headers = {**team.headers, "Content-Type": "text/csv"}
    first = client.post("/app/figures/coverage", content=COVERAGE_CSV, headers=headers)
    again = client.post("/app/figures/coverage", content=COVERAGE_CSV, headers=headers)
    assert again.content == first.content
    targets = {"channels": {"voice": {"service_level": 0.9, "answer_seconds": 20}}}
    changed = client.patch("/v1/settings", headers=team.headers, json={"targets": targets})
    assert changed.status_code == 200, changed.text
    redrawn = client.post("/app/figures/coverage", content=COVERAGE_CSV, headers=headers)
    assert redrawn.status_code == 200
    assert redrawn.content != first.content  # the 90% target line is drawn now


def test_a_rejected_upload_never_waits_for_the_write_lock(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    url = settings.resolved_database_url()
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    writer = sqlite3.connect(Path(url.split("///", 1)[1]), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another writer, busy: the file is parsed anyway
    try:
        response = client.post(
            "/v1/history",
            headers=team.headers,
            files={"file": ("h.csv", HISTORY_CSV.replace(",4,", ",1e308,"))},
        )
        assert writer.in_transaction
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 422, response.text
    assert "above the limit of 100,000" in response.json()["errors"][0]
