"""Hostile history files through the service: each a 422 naming row, column, value and limit,
the database file exactly as large as before, and never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import ServiceSettings
from tests.api.conftest import TeamCredentials
from tests.forecast.hostile_files import HOSTILE_FILES


def database_bytes(settings: ServiceSettings) -> int | None:
    """The SQLite file and its write-ahead log, in bytes (None on a database server)."""
    url = settings.resolved_database_url()
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split("///", 1)[1])
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def test_every_hostile_file_is_a_422_and_leaves_the_database_as_large_as_before(
    client: TestClient, team: TeamCredentials, settings: ServiceSettings
) -> None:
    ok = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("h.csv", "interval_start,channel,volume\n2026-12-07T09:00,voice,4\n")},
    )
    assert ok.status_code == 201, ok.text
    before = database_bytes(settings)
    stored = client.get("/v1/history.csv", headers=team.headers).content
    for hostile in HOSTILE_FILES:
        response = client.post(
            "/v1/history",
            headers=team.headers,
            files={"file": ("hostile.csv", hostile.content.encode(), "text/csv")},
        )
        assert response.status_code == 422, (hostile.name, response.text[:300])
        problem = response.json()
        assert problem["type"] == "/problems/invalid-history"
        assert problem["errors"][0].startswith(hostile.expected), problem["errors"][0]
        assert len(response.content) < 4_000
    assert database_bytes(settings) == before
    assert client.get("/v1/history.csv", headers=team.headers).content == stored


def test_running_out_of_memory_is_a_413_with_a_message_not_a_500(
    client: TestClient, team: TeamCredentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("api.storage.history_import.parse_history", exhausted)
    response = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("h.csv", "interval_start,channel,volume\n2026-12-07T09:00,voice,4\n")},
    )
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/too-large-to-process"
    assert "smaller file" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"interval_start,chan\rnel,volume\n2026-12-07T09:00,voice,4\n",
            "the file is not valid CSV",
        ),
        (b"x" * 3_000_000, "the history file has a header row but no data rows"),
    ],
    ids=["a carriage return inside the header", "3 MB without a line break"],
)
def test_a_first_line_that_is_not_a_csv_header_is_a_422_not_a_500(
    client: TestClient, team: TeamCredentials, content: bytes, expected: str
) -> None:
    response = client.post(
        "/v1/history", headers=team.headers, files={"file": ("h.csv", content, "text/csv")}
    )
    assert response.status_code == 422, response.text[:300]
    assert response.json()["errors"][0].startswith(expected)


def test_a_control_character_in_a_name_the_request_carries_is_a_422_naming_the_field(
    client: TestClient, team: TeamCredentials
) -> None:
    # On PostgreSQL a NUL byte reached the database and was a 500.
    targets = {"targets": {"channels": {"vo\x00ice": {"service_level": 0.8}}}}
    history = ("h.csv", "interval,calls\n2026-12-07T09:00,3\n", "text/csv")
    form = {"channel": "vo\nice", "date_column": "interval", "volume_column": "calls"}
    answers = {
        "body.targets.channels.vo\x00ice.[key]": client.patch(
            "/v1/settings", headers=team.headers, json=targets
        ),
        "query.channel.0": client.get("/v1/history.csv?channel=%00", headers=team.headers),
        "body.channel": client.post(
            "/v1/history", headers=team.headers, files={"file": history}, data=form
        ),
    }
    for field, response in answers.items():
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert error.startswith(f"{field}: Value error, "), error
        assert "holds a control character" in error
    assert client.get("/v1/settings", headers=team.headers).json()["targets"] is None
