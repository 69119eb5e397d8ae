"""``POST /v1/history`` with a column mapping: the exports support teams already have, read
through the API, and the mapping saved per team so the next upload of the same columns needs
none. Every export below is written as the tool writes it (its headers, date and clock
formats, separators); the mapping given is what the page's mapping form sends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import TeamCredentials

GENERIC_ACD = """\
"Date","Interval","Offered","Handled","AHT"
"12/07/2026","9:00 AM","42","40","312"
"12/07/2026","9:30 AM","50","45","300"
"12/07/2026","12:00 PM","10","10","280"
"12/07/2026","1:30 PM","7","7","200"
"""
GENERIC_ACD_NEXT_WEEK = """\
"Date","Interval","Offered","Handled","AHT"
"12/14/2026","9:00 AM","39","39","305"
"12/14/2026","9:30 AM","44","41","298"
"""
GENESYS_QUEUE_PERFORMANCE = """\
Queue Name,Interval Start,Interval End,Offer,Answered,Avg Handle (sec)
Support,12/7/26 8:00 AM,12/7/26 8:30 AM,12,12,400
Support,12/7/26 8:30 AM,12/7/26 9:00 AM,20,18,410
Support,12/8/26 8:00 AM,12/8/26 8:30 AM,15,15,390
"""
AMAZON_CONNECT_QUEUE_REPORT = """\
Queue,StartInterval,EndInterval,Contacts queued,Contacts handled,Average handle time
BasicQueue,2026-12-07 09:00,2026-12-07 09:15,9,9,250
BasicQueue,2026-12-07 09:15,2026-12-07 09:30,11,10,260
BasicQueue,2026-12-07 09:30,2026-12-07 09:45,0,0,
"""
FIVE9_INTERVAL = """\
DATE,HALF HOUR,SKILL,CALLS,HANDLED,AVG HANDLE TIME
2026/12/07,14:00,Billing,30,28,0:05:30
2026/12/07,14:30,Billing,25,25,0:04:00
"""
TALKDESK_INTERVAL = """\
Date;Hour;Inbound Calls;Answered Calls;Avg Handle Time (s)
07/12/2026;13:00 - 14:00;60;58;295,5
14/12/2026;13:00 - 14:00;55;55;301
"""
INTERCOM_CONVERSATIONS = """\
Date,Hour,New conversations,Closed conversations,Median handling time
2026-12-07,09:00,14,12,0:06:10
2026-12-07,10:00,18,18,0:05:40
2026-12-07,11:00,11,10,0:07:05
"""
ZENDESK_TICKETS = """\
Id,Created at,Channel,Handle time
101,2026-11-30 09:05,Phone call (inbound),240
102,2026-11-30 09:12,Web form,600
103,2026-11-30 09:40,Chat,300
104,2026-11-30 10:10,Phone call (inbound),180
"""
FRESHDESK_TICKETS = """\
Id,Created at,Channel
1,2026-11-30 09:01,Portal
2,2026-11-30 09:20,Feedback Widget
3,2026-11-30 09:31,Phone
4,2026-11-30 10:45,Email
"""

Upload = Callable[..., dict[str, object]]


@pytest.fixture
def upload(client: TestClient, team: TeamCredentials) -> Upload:
    """POST a file with form fields; the 201 body (any other status fails the test)."""

    def send(text: str, name: str = "export.csv", **fields: str) -> dict[str, object]:
        response = client.post(
            "/v1/history",
            headers=team.headers,
            files={"file": (name, text.encode(), "text/csv")},
            data=fields,
        )
        assert response.status_code == 201, response.text
        body: dict[str, object] = response.json()
        return body

    return send


def _summary(body: dict[str, object]) -> dict[str, object]:
    summary = body["summary"]
    assert isinstance(summary, dict)
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


def test_a_report_without_a_channel_is_refused_and_nothing_is_saved(
    client: TestClient, team: TeamCredentials
) -> None:
    refused = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("acd.csv", GENERIC_ACD.encode(), "text/csv")},
    )
    assert refused.status_code == 422
    assert refused.json()["type"] == "/problems/invalid-history"
    assert "give the channel of the whole file" in refused.json()["detail"]
    assert client.get("/v1/history/mappings", headers=team.headers).json() == []


def test_a_mapped_column_missing_from_the_file_is_named(
    client: TestClient, team: TeamCredentials
) -> None:
    refused = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("acd.csv", GENERIC_ACD.encode(), "text/csv")},
        data={"channel": "voice", "volume_column": "Calls Offered"},
    )
    assert refused.status_code == 422
    assert "Calls Offered" in refused.json()["detail"]


def test_a_channel_and_a_channel_column_together_are_refused(
    client: TestClient, team: TeamCredentials
) -> None:
    refused = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("acd.csv", GENERIC_ACD.encode(), "text/csv")},
        data={"channel": "voice", "channel_column": "Queue"},
    )
    assert refused.status_code == 422
    assert "not both" in refused.json()["detail"]


def test_a_bad_date_order_is_refused_by_the_request_check(
    client: TestClient, team: TeamCredentials
) -> None:
    refused = client.post(
        "/v1/history",
        headers=team.headers,
        files={"file": ("acd.csv", GENERIC_ACD.encode(), "text/csv")},
        data={"channel": "voice", "date_order": "month_first"},
    )
    assert refused.status_code == 422
    assert "date_order" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("export", "notes"),
    [
        (ZENDESK_TICKETS, ["'Phone call (inbound)' -> voice", "'Web form' -> email"]),
        (FRESHDESK_TICKETS, ["'Portal' -> email", "'Feedback Widget' -> email"]),
    ],
    ids=["zendesk", "freshdesk"],
)
def test_help_desk_ticket_exports_read_their_channel_labels_as_channels_and_say_so(
    upload: Upload, export: str, notes: list[str]
) -> None:
    body = upload(export, interval_minutes="30")
    summary = _summary(body)
    assert summary["source_format"] == "per_contact"
    assert set(summary["channels"]) <= {"voice", "chat", "email"}  # type: ignore[arg-type]
    warnings = " ".join(summary["warnings"])  # type: ignore[arg-type]
    for note in notes:
        assert note in warnings
    assert summary["mapping_source"] is None
