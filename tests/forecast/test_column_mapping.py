"""Interval reports read through a column mapping: real-looking exports, bad cells named."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast import ColumnMapping, InvalidHistoryError, parse_history

ZONE = "America/New_York"

GENERIC_ACD = """\
"Date","Interval","Offered","Handled","AHT"
"12/07/2026","9:00 AM","42","40","312"
"12/07/2026","9:30 AM","50","45","300"
"12/07/2026","12:00 PM","10","10","280"
"12/07/2026","1:30 PM","7","7","200"
"12/14/2026","9:00 AM","39","39","305"
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


def _nonzero(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["volume"] > 0].reset_index(drop=True)


def _starts(frame: pd.DataFrame) -> list[str]:
    return [f"{stamp:%Y-%m-%d %H:%M}" for stamp in frame["interval_start"]]


def test_a_generic_acd_report_with_us_dates_and_a_12_hour_clock_is_read_by_its_headers() -> None:
    history = parse_history(GENERIC_ACD, timezone=ZONE, mapping=ColumnMapping(channel="voice"))
    rows = _nonzero(history.frame)
    assert _starts(rows) == [
        "2026-12-07 09:00", "2026-12-07 09:30", "2026-12-07 12:00", "2026-12-07 13:30",
        "2026-12-14 09:00",
    ]  # fmt: skip
    assert rows["volume"].tolist() == [42, 50, 10, 7, 39]
    assert rows["aht_seconds"].tolist() == [312, 300, 280, 200, 305]
    assert set(history.frame["channel"]) == {"voice"}
    assert history.summary.source_format == "interval_report"
    assert history.summary.mapping == ColumnMapping(
        date_column="Date", time_column="Interval", volume_column="Offered",
        handled_column="Handled", aht_column="AHT", channel="voice", date_order="us",
    )  # fmt: skip


def test_a_genesys_queue_export_with_date_and_time_in_one_column_is_read() -> None:
    history = parse_history(
        GENESYS_QUEUE_PERFORMANCE,
        timezone=ZONE,
        mapping=ColumnMapping(channel="voice", date_order="us"),
    )
    rows = _nonzero(history.frame)
    assert _starts(rows) == ["2026-12-07 08:00", "2026-12-07 08:30", "2026-12-08 08:00"]
    assert rows["volume"].tolist() == [12, 20, 15]
    assert rows["aht_seconds"].tolist() == [400, 410, 390]
    assert history.summary.mapping is not None
    assert history.summary.mapping.date_column == "Interval Start"
    assert history.summary.mapping.time_column is None


def test_an_amazon_connect_queue_report_in_15_minute_intervals_is_read() -> None:
    history = parse_history(
        AMAZON_CONNECT_QUEUE_REPORT, timezone=ZONE, mapping=ColumnMapping(channel="chat")
    )
    assert history.summary.source_interval_minutes == 15
    rows = _nonzero(history.frame)
    assert _starts(rows) == ["2026-12-07 09:00", "2026-12-07 09:15"]
    assert rows["volume"].tolist() == [9, 11]
    assert rows["aht_seconds"].tolist() == [250, 260]
    assert set(history.frame["channel"]) == {"chat"}


def test_a_five9_report_with_iso_slashed_dates_and_clock_handle_times_is_read() -> None:
    history = parse_history(FIVE9_INTERVAL, timezone=ZONE, mapping=ColumnMapping(channel="Phone"))
    rows = _nonzero(history.frame)
    assert _starts(rows) == ["2026-12-07 14:00", "2026-12-07 14:30"]
    assert rows["volume"].tolist() == [30, 25]
    assert rows["aht_seconds"].tolist() == [330, 240]
    assert set(history.frame["channel"]) == {"voice"}
    assert history.summary.mapping is not None
    assert history.summary.mapping.date_order == "iso"


def test_a_talkdesk_report_with_day_first_dates_and_hour_ranges_is_read() -> None:
    history = parse_history(
        TALKDESK_INTERVAL, timezone="Europe/Lisbon", mapping=ColumnMapping(channel="voice")
    )
    rows = _nonzero(history.frame)
    assert _starts(rows) == ["2026-12-07 13:00", "2026-12-14 13:00"]
    assert rows["volume"].tolist() == [60, 55]
    assert rows["aht_seconds"].tolist() == [295.5, 301]
    assert history.summary.interval_minutes == 60
    assert history.summary.mapping is not None
    assert history.summary.mapping.date_order == "day_first"


def test_explicit_columns_override_the_usual_names() -> None:
    report = "Day,Slot,Presented,Talk\n2026-12-07,09:00,5,100\n2026-12-07,09:30,6,110\n"
    mapping = ColumnMapping(
        time_column="Slot", volume_column="Presented", aht_column="Talk", channel="email"
    )
    rows = _nonzero(parse_history(report, timezone=ZONE, mapping=mapping).frame)
    assert rows["volume"].tolist() == [5, 6]
    assert rows["aht_seconds"].tolist() == [100, 110]


def test_a_bad_time_names_its_row_column_and_value() -> None:
    report = GENERIC_ACD.replace('"1:30 PM"', '"13:30 PM"')
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(report, timezone=ZONE, mapping=ColumnMapping(channel="voice"))
    assert caught.value.errors[0].startswith("row 5, column `Interval`: '13:30 PM' is not a time")


def test_a_bad_date_names_its_row_column_and_value() -> None:
    report = GENERIC_ACD.replace('"12/07/2026","12:00 PM"', '"12/45/2026","12:00 PM"')
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(report, timezone=ZONE, mapping=ColumnMapping(channel="voice"))
    assert caught.value.errors[0].startswith("row 4, column `Date`: '12/45/2026' is not a date")


def test_dates_that_read_both_ways_need_the_date_order() -> None:
    report = GENERIC_ACD.replace("12/07/2026", "03/04/2026").replace("12/14/2026", "03/11/2026")
    with pytest.raises(InvalidHistoryError, match=r"row 2, column `Date`: '03/04/2026'.*ambig"):
        parse_history(report, timezone=ZONE, mapping=ColumnMapping(channel="voice"))
    mapping = ColumnMapping(channel="voice", date_order="day_first")
    rows = _nonzero(parse_history(report, timezone=ZONE, mapping=mapping).frame)
    assert _starts(rows)[0] == "2026-04-03 09:00"


def test_a_report_without_a_channel_asks_for_one() -> None:
    with pytest.raises(InvalidHistoryError, match="--channel"):
        parse_history(GENERIC_ACD, timezone=ZONE)


def test_a_mapped_column_missing_from_the_file_is_named() -> None:
    with pytest.raises(InvalidHistoryError, match="'Calls Offered', which is not a column"):
        parse_history(
            GENERIC_ACD,
            timezone=ZONE,
            mapping=ColumnMapping(volume_column="Calls Offered", channel="voice"),
        )


def test_a_saved_mapping_reads_a_report_but_not_a_known_export() -> None:
    saved = ColumnMapping(channel="voice", date_order="us")
    assert parse_history(GENERIC_ACD, timezone=ZONE, saved_mapping=saved).summary.mapping
    canonical = "interval_start,channel,volume\n2026-12-07T09:00,chat,4\n"
    summary = parse_history(canonical, timezone=ZONE, saved_mapping=saved).summary
    assert (summary.source_format, summary.mapping) == ("canonical", None)


def test_a_channel_option_on_an_export_with_channels_is_refused() -> None:
    canonical = "interval_start,channel,volume\n2026-12-07T09:00,chat,4\n"
    with pytest.raises(InvalidHistoryError, match="leave them out"):
        parse_history(canonical, timezone=ZONE, mapping=ColumnMapping(channel="voice"))


def test_a_mapping_round_trips_through_a_dict_and_rejects_both_channel_sources() -> None:
    mapping = ColumnMapping(date_column="Date", channel="voice", date_order="us")
    assert ColumnMapping.from_dict(mapping.to_dict()) == mapping
    with pytest.raises(ValueError, match="not both"):
        ColumnMapping(channel="voice", channel_column="Media")
    with pytest.raises(ValueError, match="date_order"):
        ColumnMapping.from_dict({"date_order": "mdy"})
