"""Twenty clients reading at once (the mix of ``benchmarks/api_latency.py`` that needs no
forecast or schedule: team, settings, history summary and uploads, jobs, a history download,
the page's figures) all get their answers and leave the database file as large as before:
reads write nothing, not even a key's last use."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from api.settings import ServiceSettings
from tests.api.conftest import TeamCredentials
from tests.api.service.test_hostile_uploads import database_bytes

HISTORY_CSV = "interval_start,channel,volume,aht_seconds\n" + "".join(
    f"2026-12-0{day}T{hour:02d}:00,voice,{4 + hour},300\n"
    for day in range(1, 8)
    for hour in range(8, 18)
)
FORECAST_CSV = "interval_start,channel,volume\n2026-12-07T09:00:00+00:00,voice,6\n"
READS = (
    "/healthz",
    "/v1/team",
    "/v1/settings",
    "/v1/history/summary",
    "/v1/history/uploads",
    "/v1/jobs",
    "/v1/history.csv?start=2026-12-02T00:00&end=2026-12-03T00:00",
)
CLIENTS = 20


def test_twenty_clients_reading_at_once_leave_the_database_as_large_as_before(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    upload = client.post(
        "/v1/history", headers=team.headers, files={"file": ("h.csv", HISTORY_CSV)}
    )
    assert upload.status_code == 201, upload.text
    before = database_bytes(settings)
    figure_headers = {**team.headers, "Content-Type": "text/csv"}

    def one_client(number: int) -> list[int]:
        statuses = []
        for turn in range(len(READS) + 1):
            if (number + turn) % (len(READS) + 1) == len(READS):
                answer = client.post(
                    "/app/figures/forecast", content=FORECAST_CSV, headers=figure_headers
                )
            else:
                path = READS[(number + turn) % (len(READS) + 1)]
                answer = client.get(path, headers=team.headers)
            statuses.append(answer.status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = [status for result in pool.map(one_client, range(CLIENTS)) for status in result]

    assert statuses == [200] * CLIENTS * (len(READS) + 1)
    assert database_bytes(settings) == before
