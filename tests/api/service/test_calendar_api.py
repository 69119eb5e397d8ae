"""``/v1/calendar``: the days the forecast treats as special, as the forecaster types them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import TeamCredentials


def test_the_calendar_lists_public_holidays_their_eves_and_the_team_s_own_days(
    client: TestClient, team: TeamCredentials
) -> None:
    client.patch(
        "/v1/settings",
        headers=team.headers,
        json={
            "holiday_country": "US",
            "special_days": [
                {"date": "2026-12-11", "name": "Winter sale", "kind": "event", "multiplier": 1.6},
                {"date": "2026-12-31", "name": "Year end", "kind": "closed"},
            ],
        },
    ).raise_for_status()
    response = client.get("/v1/calendar?start=2026-12-07&days=28", headers=team.headers)
    assert response.status_code == 200
    days = {day["date"]: day for day in response.json()}
    assert days["2026-12-25"]["name"] == "Christmas Day"
    assert days["2026-12-25"]["kind"] == "holiday"
    assert days["2026-12-25"]["source"] == "public"
    assert days["2026-12-25"]["weekday"] == "Fri"
    assert days["2026-12-24"]["kind"] == "eve"
    assert days["2026-12-11"] == {
        "date": "2026-12-11",
        "weekday": "Fri",
        "name": "Winter sale",
        "kind": "event",
        "source": "team",
        "multiplier": 1.6,
    }
    assert days["2026-12-31"]["kind"] == "closed"
    assert "2026-12-08" not in days  # a normal day is not listed
    assert max(days) <= "2027-01-03"


def test_a_team_without_holidays_has_an_empty_calendar_and_a_bad_window_is_refused(
    client: TestClient, team: TeamCredentials
) -> None:
    assert client.get("/v1/calendar?start=2026-12-07", headers=team.headers).json() == []
    refused = client.get("/v1/calendar?start=2026-12-07&days=0", headers=team.headers)
    assert refused.status_code == 422
    assert "days" in refused.json()["detail"]
