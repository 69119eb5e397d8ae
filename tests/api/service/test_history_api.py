"""``/v1/history``: upload, re-upload (last wins), summary, download; bad files change nothing."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pandas as pd
from fastapi.testclient import TestClient

from api.settings import ServiceSettings
from tests.api.conftest import TeamCredentials

HEADER = "interval_start,channel,volume,aht_seconds\n"


def _csv(day: str, volumes: list[int], channel: str = "voice", hour: int = 9) -> str:
    rows = [
        f"{day}T{hour + index // 2:02d}:{30 * (index % 2):02d},{channel},{volume},200"
        for index, volume in enumerate(volumes)
    ]
    return HEADER + "\n".join(rows) + "\n"


def _upload(
    client: TestClient, team: TeamCredentials, content: str | bytes, **form: str
) -> dict[str, object]:
    response = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("history.csv", content, "text/csv")},
        data=form,
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def _download(client: TestClient, team: TeamCredentials) -> pd.DataFrame:
    response = client.get("/v1/history.csv", headers=team.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return pd.read_csv(io.StringIO(response.text))


def test_an_upload_reports_what_was_understood_and_added(
    client: TestClient, team: TeamCredentials
) -> None:
    body = _upload(client, team, _csv("2026-03-02", [10, 20, 30, 40]), timezone="Europe/Paris")
    assert body["rows_added"] == 48  # the whole local day, in 30-minute intervals
    assert body["rows_replaced"] == 0
    summary = body["summary"]
    assert isinstance(summary, dict)
    assert summary["source_format"] == "canonical"
    assert summary["channels"] == ["voice"]
    assert summary["interval_minutes"] == 30
    assert body["timezone"] == "Europe/Paris"


def test_overlapping_uploads_replace_intervals_and_the_last_wins(
    client: TestClient, team: TeamCredentials
) -> None:
    _upload(client, team, _csv("2026-03-02", [10, 20, 30, 40]))
    second = _upload(client, team, _csv("2026-03-02", [11, 21]))
    assert second["rows_added"] == 0
    assert second["rows_replaced"] == 48
    third = _upload(client, team, _csv("2026-03-03", [5, 6]))
    assert third["rows_added"] == 48
    history = _download(client, team)
    open_rows = history[history["volume"] > 0]
    assert open_rows["volume"].tolist() == [11, 21, 5, 6]
    summary = client.get("/v1/history/summary", headers=team.headers).json()
    assert summary["interval_minutes"] == 30
    assert summary["uploads"] == 3
    [voice] = summary["channels"]
    assert voice["channel"] == "voice"
    assert voice["intervals"] == 96
    assert voice["total_volume"] == 43
    uploads = client.get("/v1/history/uploads", headers=team.headers).json()
    assert [upload["rows_added"] for upload in uploads] == [48, 0, 48]
    one = client.get(f"/v1/history/uploads/{uploads[0]['id']}", headers=team.headers)
    assert one.json()["summary"]["channels"] == ["voice"]


def test_a_malformed_file_is_a_422_listing_rows_and_changes_nothing(
    client: TestClient, team: TeamCredentials
) -> None:
    _upload(client, team, _csv("2026-03-02", [10, 20]))
    before = _download(client, team)
    bad = (
        _csv("2026-03-02", [99, 98]) + "2026-03-02T10:00,voice,-3,200\n2026-03-02T10:30,voice,x,1\n"
    )
    response = client.post(
        "/v1/history", headers=team.headers, files={"file": ("bad.csv", bad, "text/csv")}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/invalid-history"
    assert any("row 4" in line for line in problem["errors"])
    assert any("row 5" in line for line in problem["errors"])
    pd.testing.assert_frame_equal(_download(client, team), before)
    assert len(client.get("/v1/history/uploads", headers=team.headers).json()) == 1


def test_an_empty_or_binary_upload_is_a_422_not_a_500(
    client: TestClient, team: TeamCredentials
) -> None:
    for content in [b"", b"\x00\xff\xfe binary \x81"]:
        response = client.post(
            "/v1/history", headers=team.headers, files={"file": ("x.csv", content, "text/csv")}
        )
        assert response.status_code == 422, content
        assert response.headers["content-type"] == "application/problem+json"


def test_an_upload_over_the_limit_is_a_413_even_without_a_length(
    settings: ServiceSettings, make_team: Callable[..., TeamCredentials]
) -> None:
    from api.service import create_app

    small = settings.model_copy(update={"max_upload_bytes": 2_000})
    with TestClient(create_app(small)) as client:
        team = make_team()
        big = _csv("2026-03-02", list(range(1, 29))) * 3  # ~ 3 kB
        declared = client.post(
            "/v1/history", headers=team.headers, files={"file": ("big.csv", big, "text/csv")}
        )
        assert declared.status_code == 413
        assert declared.json()["type"] == "/problems/payload-too-large"

        boundary = "staffcast-test-boundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n{big}\r\n--{boundary}--\r\n'
        ).encode()

        def chunks() -> Iterator[bytes]:  # no Content-Length: the size shows only while read
            for start in range(0, len(body), 500):
                yield body[start : start + 500]

        streamed = client.post(
            "/v1/history",
            headers={**team.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=chunks(),
        )
        assert streamed.status_code == 413
        assert streamed.headers["content-type"] == "application/problem+json"
        assert client.get("/v1/history/summary", headers=team.headers).json()["channels"] == []


def test_history_is_per_team_and_another_teams_upload_is_not_found(
    client: TestClient, make_team: Callable[..., TeamCredentials]
) -> None:
    owner, stranger = make_team("owner"), make_team("stranger")
    body = _upload(client, owner, _csv("2026-03-02", [10, 11]))
    assert client.get("/v1/history/summary", headers=stranger.headers).json()["channels"] == []
    assert _download(client, stranger).empty
    response = client.get(f"/v1/history/uploads/{body['id']}", headers=stranger.headers)
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


def test_deleting_history_starts_over_at_any_interval(
    client: TestClient, team: TeamCredentials
) -> None:
    _upload(client, team, _csv("2026-03-02", [10, 20]))
    assert client.delete("/v1/history", headers=team.headers).status_code == 204
    summary = client.get("/v1/history/summary", headers=team.headers).json()
    assert summary == {"timezone": "UTC", "interval_minutes": None, "channels": [], "uploads": 0}
    hourly = _upload(client, team, _csv("2026-03-02", [5, 6]), interval_minutes="60")
    assert hourly["summary"]["interval_minutes"] == 60  # type: ignore[index]


def _download_text(client: TestClient, team: TeamCredentials, query: str = "") -> str:
    response = client.get(f"/v1/history.csv{query}", headers=team.headers)
    assert response.status_code == 200
    return response.text


def test_a_kept_download_is_replaced_by_the_new_data_after_every_write(
    client: TestClient, team: TeamCredentials
) -> None:
    day = "?start=2026-03-02T00:00&end=2026-03-03T00:00"
    _upload(client, team, _csv("2026-03-02", [10, 20]))
    first = _download_text(client, team, day)
    assert "2026-03-02T09:00:00+00:00,voice,10.0" in first
    assert _download_text(client, team, day) == first
    downloads = client.app.state.service.downloads  # type: ignore[attr-defined]
    assert len(downloads) == 1  # rendered once, then served as kept

    _upload(client, team, _csv("2026-03-02", [11, 21]))  # replaces the same intervals
    replaced = _download_text(client, team, day)
    assert "2026-03-02T09:00:00+00:00,voice,11.0" in replaced
    assert "voice,10.0" not in replaced

    _upload(client, team, _csv("2026-03-02", [7, 8], channel="chat"))  # a new channel
    assert "2026-03-02T09:00:00+00:00,chat,7.0" in _download_text(client, team, day)

    assert client.delete("/v1/history", headers=team.headers).status_code == 204
    assert _download_text(client, team, day) == HEADER

    _upload(client, team, _csv("2026-03-02", [10, 20]))  # the first file again, from scratch
    assert _download_text(client, team, day) == first


def test_a_download_follows_a_change_of_the_teams_timezone(
    client: TestClient, team: TeamCredentials
) -> None:
    _upload(client, team, _csv("2026-03-02", [10, 20]))
    assert "2026-03-02T09:00:00+00:00,voice,10.0" in _download_text(client, team)
    response = client.patch("/v1/settings", headers=team.headers, json={"timezone": "Europe/Paris"})
    assert response.status_code == 200, response.text
    assert "2026-03-02T10:00:00+01:00,voice,10.0" in _download_text(client, team)


def test_a_write_through_another_service_process_is_seen_by_this_ones_downloads(
    client: TestClient, settings: ServiceSettings, team: TeamCredentials
) -> None:
    from api.service import create_app

    _upload(client, team, _csv("2026-03-02", [10, 20]))
    assert "voice,10.0" in _download_text(client, team)  # kept by this process
    with TestClient(create_app(settings)) as other_process:
        _upload(other_process, team, _csv("2026-03-02", [12, 22]))
    after = _download_text(client, team)
    assert "2026-03-02T09:00:00+00:00,voice,12.0" in after
    assert "voice,10.0" not in after


def test_a_download_carries_an_etag_and_is_not_sent_again_while_unchanged(
    client: TestClient, team: TeamCredentials
) -> None:
    _upload(client, team, _csv("2026-03-02", [10, 20]))
    first = client.get("/v1/history.csv", headers=team.headers)
    etag = first.headers["etag"]
    again = client.get("/v1/history.csv", headers={**team.headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    _upload(client, team, _csv("2026-03-02", [11, 21]))
    changed = client.get("/v1/history.csv", headers={**team.headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.content != first.content


def test_a_large_download_is_streamed_whole(client: TestClient, team: TeamCredentials) -> None:
    starts = pd.date_range("2026-01-05", periods=200 * 48, freq="30min")
    rows = [f"{stamp:%Y-%m-%dT%H:%M},voice,10,200" for stamp in starts]
    _upload(client, team, HEADER + "\n".join(rows) + "\n")  # 200 days: about 380 KB back
    with client.stream("GET", "/v1/history.csv", headers=team.headers) as response:
        pieces = list(response.iter_raw())
    body = b"".join(pieces)
    assert len(body) > 256 * 1024
    assert int(response.headers["content-length"]) == len(body)
    assert len(pieces) > 1
    assert pd.read_csv(io.BytesIO(body))["volume"].sum() == 200 * 48 * 10
