"""``POST /v1/history`` with a column mapping: the exports support teams already have, read
through the API, and the mapping saved per team so the next upload of the same columns needs
none. Every export is written as the tool writes it (its headers, date and clock formats,
separators; the forecaster's own tests read the same texts); the mapping given is what the
page's mapping form sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import TeamCredentials
from tests.forecast.test_channel_labels import FRESHDESK_TICKETS, ZENDESK_TICKETS
from tests.forecast.test_column_mapping import (
    AMAZON_CONNECT_QUEUE_REPORT,
    FIVE9_INTERVAL,
    GENERIC_ACD,
    GENESYS_QUEUE_PERFORMANCE,
    TALKDESK_INTERVAL,
)

GENERIC_ACD_NEXT_WEEK = """\
"Date","Interval","Offered","Handled","AHT"
"12/14/2026","9:00 AM","39","39","305"
"12/14/2026","9:30 AM","44","41","298"
"""
INTERCOM_CONVERSATIONS = """\
Date,Hour,New conversations,Closed conversations,Median handling time
2026-12-07,09:00,14,12,0:06:10
2026-12-07,10:00,18,18,0:05:40
2026-12-07,11:00,11,10,0:07:05
"""
Upload = Callable[..., dict[str, Any]]


@pytest.fixture
def upload(client: TestClient, team: TeamCredentials) -> Upload:
    """POST a file with form fields; the 201 body (any other status fails the test)."""

    def send(text: str, name: str = "export.csv", **fields: str) -> dict[str, Any]:
        response = client.post(
            "/v1/history",
            headers=team.headers,
            files={"file": (name, text.encode(), "text/csv")},
            data=fields,
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return send


def _summary(body: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = body["summary"]
    return summary


@pytest.mark.parametrize(
    ("export", "fields", "channels", "mapped"),
    [
        (
            GENERIC_ACD,
            {"channel": "voice", "date_order": "us"},
            ["voice"],
            {"date_column": "Date", "time_column": "Interval", "volume_column": "Offered"},
        ),
        (
            GENESYS_QUEUE_PERFORMANCE,
            {"channel": "voice", "date_order": "us"},
            ["voice"],
            {"date_column": "Interval Start", "volume_column": "Offer"},
        ),
        (
            AMAZON_CONNECT_QUEUE_REPORT,
            {"channel": "chat"},
            ["chat"],
            {"date_column": "StartInterval", "volume_column": "Contacts queued"},
        ),
        (
            FIVE9_INTERVAL,
            {"channel": "Phone"},
            ["voice"],
            {"time_column": "HALF HOUR", "aht_column": "AVG HANDLE TIME", "date_order": "iso"},
        ),
        (
            TALKDESK_INTERVAL,
            {"channel": "voice", "timezone": "Europe/Lisbon"},
            ["voice"],
            {"volume_column": "Inbound Calls", "date_order": "day_first"},
        ),
        (
            INTERCOM_CONVERSATIONS,
            {
                "channel": "chat",
                "date_column": "Date",
                "time_column": "Hour",
                "volume_column": "New conversations",
                "handled_column": "Closed conversations",
                "aht_column": "Median handling time",
            },
            ["chat"],
            {"volume_column": "New conversations", "aht_column": "Median handling time"},
        ),
    ],
    ids=["generic-acd", "genesys", "amazon-connect", "five9", "talkdesk", "intercom"],
)
def test_an_interval_report_is_read_through_the_mapping_given_with_the_upload(
    upload: Upload,
    export: str,
    fields: dict[str, str],
    channels: list[str],
    mapped: dict[str, str],
) -> None:
    body = upload(export, **fields)
    summary = _summary(body)
    assert summary["source_format"] == "interval_report"
    assert summary["channels"] == channels
    mapping = summary["mapping"]
    assert isinstance(mapping, dict)
    assert mapping.items() >= mapped.items()
    assert summary["mapping_source"] == "given"


def test_the_next_report_with_the_same_columns_needs_no_mapping(
    client: TestClient, team: TeamCredentials, upload: Upload
) -> None:
    upload(GENERIC_ACD, channel="voice", date_order="us")
    again = upload(GENERIC_ACD_NEXT_WEEK)
    summary = _summary(again)
    assert summary["mapping_source"] == "saved"
    assert summary["channels"] == ["voice"]
    assert str(summary["first_interval"]).startswith("2026-12-14")
    saved = client.get("/v1/history/mappings", headers=team.headers).json()
    assert len(saved) == 1
    assert saved[0]["columns"] == ["Date", "Interval", "Offered", "Handled", "AHT"]
    assert saved[0]["mapping"]["channel"] == "voice"
    assert saved[0]["mapping"]["date_order"] == "us"


def test_a_channel_given_with_the_upload_replaces_the_saved_one(upload: Upload) -> None:
    upload(GENERIC_ACD, channel="voice", date_order="us")
    chat = upload(GENERIC_ACD_NEXT_WEEK, channel="chat")
    assert _summary(chat)["channels"] == ["chat"]
    mapping = _summary(chat)["mapping"]
    assert isinstance(mapping, dict)
    assert mapping["date_order"] == "us"


def test_a_saved_mapping_belongs_to_its_team(
    client: TestClient, make_team: Callable[..., TeamCredentials], upload: Upload
) -> None:
    upload(GENERIC_ACD, channel="voice", date_order="us")
    other = make_team("billing")
    refused = client.post(
        "/v1/history",
        headers=other.headers,
        files={"file": ("acd.csv", GENERIC_ACD_NEXT_WEEK.encode(), "text/csv")},
    )
    assert refused.status_code == 422
    assert "no channel column" in refused.json()["detail"]
    assert client.get("/v1/history/mappings", headers=other.headers).json() == []


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, "give the channel of the whole file"),
        ({"channel": "voice", "volume_column": "Calls Offered"}, "Calls Offered"),
        ({"channel": "voice", "channel_column": "Queue"}, "not both"),
        ({"channel": "voice", "date_order": "month_first"}, "date_order"),
    ],
    ids=["no-channel", "missing-column", "two-channel-sources", "bad-date-order"],
)
def test_a_report_the_mapping_cannot_read_is_refused_naming_why_and_nothing_is_saved(
    client: TestClient, team: TeamCredentials, fields: dict[str, str], problem: str
) -> None:
    refused = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("acd.csv", GENERIC_ACD.encode(), "text/csv")},
        data=fields,
    )
    assert refused.status_code == 422
    assert problem in refused.json()["detail"]
    assert client.get("/v1/history/mappings", headers=team.headers).json() == []


@pytest.mark.parametrize(
    ("export", "notes"),
    [
        (
            ZENDESK_TICKETS,
            ["'Phone call (inbound)' -> voice", "'Web form' -> email", "'twiter'"],
        ),
        (FRESHDESK_TICKETS, ["'Portal' -> email", "'Feedback Widget' -> email"]),
    ],
    ids=["zendesk", "freshdesk"],
)
def test_help_desk_ticket_exports_read_their_channel_labels_and_flag_unknown_ones(
    upload: Upload, export: str, notes: list[str]
) -> None:
    body = upload(export, interval_minutes="30")
    summary = _summary(body)
    assert summary["source_format"] == "per_contact"
    assert {"voice", "email"} <= set(summary["channels"])
    warnings = " ".join(summary["warnings"])
    for note in notes:
        assert note in warnings
    assert summary["mapping_source"] is None
