"""The page's own routes through the real app: the HTML, its assets, plotly.js from the
installed package, and the figure JSON drawn from posted CSV tables."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly
import pytest
from fastapi.testclient import TestClient

from api.service import create_app
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.migrate import upgrade_database
from api.storage.teams import create_team, issue_key
from forecast.limits import MAX_AHT_SECONDS, MIN_AHT_SECONDS

COVERAGE_CSV = (
    "interval_start,channel,required,scheduled,shortfall,projected_service_level\n"
    "2026-12-07T09:00:00-05:00,voice,6,6,0,0.85\n"
    "2026-12-07T09:30:00-05:00,voice,7,5,2,0.52\n"
)
SHIFTS_CSV = (
    "agent_id,channel,start,end,paid_hours,breaks\n"
    "open-1,voice,2026-12-07T09:00:00-05:00,2026-12-07T17:00:00-05:00,7.5,"
    "2026-12-07T12:00:00-05:00/2026-12-07T12:30:00-05:00\n"
    "open-2,chat,2026-12-08T09:00:00-05:00,2026-12-08T17:00:00-05:00,7.5,\n"
)


def values(array: list[Any] | dict[str, str]) -> list[Any]:
    """A figure JSON array as a list: plotly sends numbers as base64 typed arrays."""
    if isinstance(array, dict):
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        return [item.item() for item in decoded]
    return list(array)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = ServiceSettings(
        data_dir=tmp_path, database_url=f"sqlite+pysqlite:///{tmp_path / 'web.db'}"
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def headers(client: TestClient, tmp_path: Path) -> dict[str, str]:
    database = Database(f"sqlite+pysqlite:///{tmp_path / 'web.db'}")
    try:
        upgrade_database(database)
        with database.session(write=True) as session:
            team = create_team(session, "web", timezone="America/New_York")
            team.targets = {"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20}}}
            team.holiday_country = "US"
            team.special_days = [{"date": "2026-12-09", "name": "Launch", "kind": "event"}]
            token = issue_key(session, team).token
            session.commit()
    finally:
        database.dispose()
    return {"Authorization": f"Bearer {token}"}


def test_the_front_door_leads_to_the_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/app/"


def test_the_page_loads_only_local_scripts_and_styles(client: TestClient) -> None:
    response = client.get("/app/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href|data-plotly)="(/[^"#]*)"', response.text)
    assert len(sources) == 3, "style, script and plotly.js"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', response.text), "nothing from elsewhere"
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert any(source.startswith("/app/vendor/plotly.min.js") for source in sources)
    assert '<label for="api-key">' in response.text


def test_the_default_aht_field_takes_the_bounds_the_service_checks(client: TestClient) -> None:
    field = re.search(r'<input id="forecast-default-aht"[^>]*>', client.get("/app/").text)
    assert field is not None
    assert f'min="{MIN_AHT_SECONDS:g}" max="{MAX_AHT_SECONDS:g}"' in field.group()


def test_the_script_modules_and_what_they_import_are_served_and_revalidated(
    client: TestClient,
) -> None:
    page = client.get("/app/").text
    entry = re.search(r'<script type="module" src="(/app/static/js/main\.js\?v=[0-9a-f]+)"', page)
    assert entry, "the page's script is one ES module"
    modules = {"/app/static/js/main.js"}
    pending = ["/app/static/js/main.js"]
    while pending:
        script = client.get(pending.pop())
        assert script.status_code == 200
        assert script.headers["content-type"].startswith(
            ("text/javascript", "application/javascript")
        )
        assert script.headers["cache-control"] == "no-cache"
        for name in re.findall(r'from "\./([a-z]+\.js)"', script.text):
            if f"/app/static/js/{name}" not in modules:
                modules.add(f"/app/static/js/{name}")
                pending.append(f"/app/static/js/{name}")
    assert len(modules) >= 10, sorted(modules)


def test_plotly_js_is_served_from_the_installed_package(client: TestClient) -> None:
    response = client.get("/app/vendor/plotly.min.js")
    assert response.status_code == 200
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert response.content == bundled.read_bytes()
    assert "max-age" in response.headers["cache-control"]


def test_the_page_is_not_part_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path == "/" or path.startswith("/app")]


def test_figures_need_the_team_key(client: TestClient) -> None:
    response = client.post(
        "/app/figures/coverage", content=COVERAGE_CSV, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_a_coverage_table_becomes_a_figure_with_the_team_target(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post("/app/figures/coverage", content=COVERAGE_CSV, headers=headers)
    assert response.status_code == 200
    figure = response.json()
    series = {trace["meta"]["series"]: trace for trace in figure["data"]}
    assert set(series) == {"required", "scheduled", "shortfall", "service_level", "target"}
    assert values(series["shortfall"]["y"]) == [2]
    assert values(series["shortfall"]["base"]) == [5]
    assert values(series["target"]["y"]) == [0.8, 0.8]


def test_a_shifts_table_becomes_a_timeline_filtered_by_channel_and_day(
    client: TestClient, headers: dict[str, str]
) -> None:
    everything = client.post("/app/figures/timeline", content=SHIFTS_CSV, headers=headers).json()
    assert {trace["meta"]["series"] for trace in everything["data"]} == {"shifts", "breaks"}
    voice = client.post(
        "/app/figures/timeline?channel=voice&day=2026-12-07", content=SHIFTS_CSV, headers=headers
    ).json()
    assert [
        values(trace["y"]) for trace in voice["data"] if trace["meta"]["series"] == "shifts"
    ] == [["open-1"]]
    nothing = client.post(
        "/app/figures/timeline?day=2026-12-09", content=SHIFTS_CSV, headers=headers
    ).json()
    assert nothing["data"] == []


def test_a_forecast_is_drawn_with_the_teams_holidays_and_special_days(
    client: TestClient, headers: dict[str, str]
) -> None:
    forecast = "interval_start,channel,volume,volume_low,volume_high,aht_seconds\n" + "".join(
        f"2026-12-{day:02d}T10:00:00-05:00,voice,10,8,12,300\n" for day in range(21, 28)
    )
    figure = client.post("/app/figures/forecast", content=forecast, headers=headers).json()
    labels = [annotation["text"] for annotation in figure["layout"]["annotations"]]
    assert "Christmas Day" in labels
    assert "Launch" in labels  # 2026-12-09: in the two weeks of history drawn before it
    assert {trace["meta"]["series"] for trace in figure["data"]} >= {"forecast", "band_high"}


def test_a_forecast_is_drawn_after_the_teams_last_two_weeks_of_history(
    client: TestClient, headers: dict[str, str], tmp_path: Path
) -> None:
    starts = pd.date_range("2026-11-01", "2026-12-06 23:00", freq="h", tz="America/New_York")
    history = pd.DataFrame(
        {
            "interval_start": [stamp.isoformat() for stamp in starts],
            "channel": "voice",
            "volume": 5.0,
            "aht_seconds": 300.0,
        }
    )
    upload = client.post(
        "/v1/history",
        headers=headers,
        files={"file": ("history.csv", history.to_csv(index=False).encode(), "text/csv")},
        data={"timezone": "America/New_York"},
    )
    assert upload.status_code == 201, upload.text
    forecast = "interval_start,channel,volume\n2026-12-07T00:00:00-05:00,voice,6\n"
    figure = client.post("/app/figures/forecast", content=forecast, headers=headers).json()
    (past,) = [trace for trace in figure["data"] if trace["meta"]["series"] == "history"]
    assert len(past["x"]) == 14 * 24
    assert past["x"][0].startswith("2026-11-23T00:00")


@pytest.mark.parametrize(
    ("forecast", "expected"),
    [
        ("interval_start,channel,volume\n,voice,5\n", "row 2, `interval_start` is empty"),
        ("interval_start,channel,volume\n0001-01-01T09:00,voice,5\n", "year 0 is out of range"),
    ],
    ids=["an empty start", "a start in the year 1"],
)
def test_a_forecast_without_a_usable_start_is_a_422_not_a_500(
    client: TestClient, headers: dict[str, str], forecast: str, expected: str
) -> None:
    response = client.post("/app/figures/forecast", content=forecast, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == f"cannot draw the forecast: {expected}"


def test_a_table_that_cannot_be_drawn_is_a_422_naming_the_column(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post(
        "/app/figures/coverage",
        content="interval_start,channel\n2026-12-07,voice\n",
        headers=headers,
    )
    assert response.status_code == 422
    assert "required" in response.json()["detail"]
    empty = client.post("/app/figures/timeline", content=b"", headers=headers)
    assert empty.status_code == 422
    binary = client.post("/app/figures/timeline", content=b"\xff\xfe\x00", headers=headers)
    assert binary.status_code == 422
