"""Each export format is recognised by its headers and read into the canonical grid."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from forecast import InvalidHistoryError, parse_history
from forecast.history import History
from tests.forecast.history_inputs import csv_text

NEW_YORK = "America/New_York"


def _at(history: History, local: str, channel: str) -> pd.Series:
    """The grid row of one channel at a local wall time."""
    frame = history.frame
    start = pd.Timestamp(local).tz_localize(history.timezone)
    found = frame[(frame["interval_start"] == start) & (frame["channel"] == channel)]
    assert len(found) == 1
    return found.iloc[0]


def test_a_canonical_file_becomes_a_complete_grid_in_the_team_timezone() -> None:
    history = parse_history(
        csv_text(
            "interval_start,channel,volume,aht_seconds",
            "2026-12-07T09:00,voice,10,300",
            "2026-12-07T09:15,voice,12,310",
            "2026-12-07T09:00,chat,4,",
        ),
        timezone=NEW_YORK,
    )
    frame = history.frame
    assert list(frame.columns) == ["interval_start", "channel", "volume", "aht_seconds"]
    assert str(frame["interval_start"].dt.tz) == NEW_YORK
    assert history.summary.source_format == "canonical"
    assert history.summary.channels == ("chat", "voice")
    assert len(frame) == 2 * 96  # every interval of the covered day, for each channel
    assert frame.equals(frame.sort_values(["channel", "interval_start"]))
    assert _at(history, "2026-12-07 09:15", "voice")["volume"] == 12
    assert _at(history, "2026-12-07 09:15", "voice")["aht_seconds"] == 310
    assert pd.isna(_at(history, "2026-12-07 09:00", "chat")["aht_seconds"])
    assert history.summary.first_interval == pd.Timestamp("2026-12-07 00:00", tz=NEW_YORK)
    assert history.summary.last_interval == pd.Timestamp("2026-12-07 23:45", tz=NEW_YORK)


def test_timestamps_with_an_offset_are_converted_to_the_team_timezone() -> None:
    history = parse_history(
        csv_text(
            "interval_start,channel,volume",
            "2026-12-07T14:00Z,voice,5",
            "2026-12-07T09:15:00-05:00,voice,6",
            "2026-12-07 15:30:00+00:00,voice,7",
        ),
        timezone=NEW_YORK,
    )
    assert _at(history, "2026-12-07 09:00", "voice")["volume"] == 5
    assert _at(history, "2026-12-07 09:15", "voice")["volume"] == 6
    assert _at(history, "2026-12-07 10:30", "voice")["volume"] == 7


def test_channel_names_are_matched_case_insensitively_with_aliases() -> None:
    history = parse_history(
        csv_text(
            "interval_start,channel,volume",
            "2026-12-07T09:00,VOICE,1",
            "2026-12-07T09:15,Voice,2",
            "2026-12-07T09:30,phone,3",
            "2026-12-07T09:45,call,4",
            "2026-12-07T09:00,Messaging,5",
            "2026-12-07T09:15,message,6",
            "2026-12-07T09:00,E-mail,7",
            "2026-12-07T09:00,  Billing   Team ,8",
        )
    )
    assert history.summary.channels == ("billing team", "chat", "email", "voice")
    totals = history.frame.groupby("channel")["volume"].sum()
    assert totals.to_dict() == {"billing team": 8, "chat": 11, "email": 7, "voice": 10}


def test_queues_of_one_channel_are_summed_with_volume_weighted_handle_time() -> None:
    history = parse_history(
        csv_text(
            "interval_start,channel,queue,volume,aht_seconds",
            "2026-12-07T09:00,voice,Billing,10,300",
            "2026-12-07T09:00,voice,Sales,30,100",
        )
    )
    row = _at(history, "2026-12-07 09:00", "voice")
    assert row["volume"] == 40
    assert row["aht_seconds"] == pytest.approx((10 * 300 + 30 * 100) / 40)
    assert any("Billing, Sales" in warning for warning in history.summary.warnings)


def test_a_handle_time_total_gives_the_average_per_contact() -> None:
    history = parse_history(
        csv_text(
            "interval_start,channel,volume,handle_seconds_total",
            "2026-12-07T09:00,chat,4,2000",
        )
    )
    assert _at(history, "2026-12-07 09:00", "chat")["aht_seconds"] == 500


def test_a_file_with_both_an_average_and_a_total_handle_time_is_rejected() -> None:
    with pytest.raises(InvalidHistoryError, match="keep one of them"):
        parse_history(
            csv_text(
                "interval_start,channel,volume,aht_seconds,handle_seconds_total",
                "2026-12-07T09:00,chat,4,500,2000",
            )
        )


def test_a_genesys_export_is_read_in_utc_with_handle_time_over_handled_contacts() -> None:
    history = parse_history(
        csv_text(
            "Interval Start UTC Date,Queue,Media Type,Skill Set,Offered,Interactions Handled,"
            "Total Handle Time (Seconds)",
            "2026-12-07T14:00:00.000Z,Support,Voice,,12,10,3000",
            "2026-12-07T14:00:00.000Z,Billing,Voice,,8,5,2500",
            "2026-12-07T14:15:00,Support,Message,,3,3,1800",
            "2026-12-07T14:30:00.000Z,Support,Email,,,,",
        ),
        timezone=NEW_YORK,
    )
    assert history.summary.source_format == "genesys"
    voice = _at(history, "2026-12-07 09:00", "voice")
    assert voice["volume"] == 20
    assert voice["aht_seconds"] == pytest.approx((3000 + 2500) / 15)
    assert _at(history, "2026-12-07 09:15", "chat")["aht_seconds"] == 600
    assert _at(history, "2026-12-07 09:30", "email")["volume"] == 0  # empty Offered = none


def test_an_amazon_connect_export_keeps_its_30_minute_intervals() -> None:
    history = parse_history(
        csv_text(
            "QueueName,QueueId,ChannelType,TimeStamp,IntervalDuration,IncomingContactVolume,"
            "AverageHandleTime,ContactsHandled",
            "Support,q-1,VOICE,2026-12-07T14:00:00Z,30mins,20,240,18",
            "Priority,q-2,VOICE,2026-12-07T14:00:00Z,30mins,5,600,2",
            "Support,q-1,CHAT,2026-12-07T14:30:00Z,30mins,7,420,7",
        ),
        timezone=NEW_YORK,
    )
    summary = history.summary
    assert summary.source_format == "amazon_connect"
    assert (summary.source_interval_minutes, summary.interval_minutes) == (30, 30)
    assert len(history.frame) == 2 * 48
    voice = _at(history, "2026-12-07 09:00", "voice")
    assert voice["volume"] == 25
    assert voice["aht_seconds"] == pytest.approx((240 * 18 + 600 * 2) / 20)


def test_an_amazon_connect_daily_export_is_rejected_as_too_coarse() -> None:
    with pytest.raises(InvalidHistoryError, match="daily rows"):
        parse_history(
            csv_text(
                "QueueName,ChannelType,TimeStamp,IntervalDuration,IncomingContactVolume",
                "Support,VOICE,2026-12-07T00:00:00Z,daily,2000",
            )
        )


def test_a_per_contact_export_is_counted_into_15_minute_intervals() -> None:
    history = parse_history(
        csv_text(
            "Id,Created at,Channel,Handle time,Subject",
            "1,2026-12-07 09:01:10,Email,100,Refund",
            "2,2026-12-07 09:07:00,email,300,Login",
            "3,2026-12-07 09:16:59,Chat,,Hello",
        ),
        timezone=NEW_YORK,
    )
    summary = history.summary
    assert summary.source_format == "per_contact"
    assert summary.source_interval_minutes is None
    assert summary.interval_minutes == 15
    email = _at(history, "2026-12-07 09:00", "email")
    assert email["volume"] == 2
    assert email["aht_seconds"] == 200
    chat = _at(history, "2026-12-07 09:15", "chat")
    assert chat["volume"] == 1
    assert pd.isna(chat["aht_seconds"])
    assert _at(history, "2026-12-07 10:00", "chat")["volume"] == 0  # no contacts, not missing


def test_a_per_contact_export_with_lower_case_headers_and_a_repeated_id_keeps_the_last() -> None:
    history = parse_history(
        csv_text(
            "ticket_id,created_at,channel",
            "7,2026-12-07T09:01:00Z,email",
            "7,2026-12-07T09:01:00Z,email",
            "8,2026-12-07T09:02:00Z,email",
        ),
        interval_minutes=60,
    )
    assert history.summary.duplicates == 1
    assert history.frame["volume"].sum() == 2
    assert history.interval_minutes == 60


def test_files_are_read_from_bytes_and_binary_files_with_a_byte_order_mark() -> None:
    content = "\ufeffinterval_start;channel;volume;aht_seconds\n2026-12-07T09:00;voice;3;200,5\n"
    from_file = parse_history(io.BytesIO(content.encode("utf-8")))
    from_text = parse_history(io.StringIO(content))
    for history in (from_file, from_text):
        assert _at(history, "2026-12-07 09:00", "voice")["aht_seconds"] == 200.5


def test_unknown_headers_are_rejected_saying_what_each_format_expects() -> None:
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(csv_text("start,channel,volume", "2026-12-07T09:00,voice,3"))
    message = str(caught.value)
    assert "'start'" in message
    assert "needs interval_start" in message
    for expected in ("Interval Start UTC Date", "IncomingContactVolume", "Created at"):
        assert expected in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("interval_start,channel,volume\n", "no data rows"),
        ("interval_start,channel,volume\n2026-12-07T09:00,voice,3,4\n", "not valid CSV"),
    ],
)
def test_empty_and_malformed_files_are_rejected_with_a_clear_message(
    content: str, expected: str
) -> None:
    with pytest.raises(InvalidHistoryError, match=expected):
        parse_history(content)
