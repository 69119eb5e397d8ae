"""Interval aggregation, daylight saving time, closed hours, gaps, duplicates and outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import InvalidHistoryError, parse_history
from forecast.history import History, HistoryGap
from tests.forecast.history_inputs import csv_text, to_csv, weekly_intervals

NEW_YORK = "America/New_York"


def _volume_at(history: History, instant: str, channel: str = "email") -> float:
    """Volume of the interval starting at an instant given with its offset."""
    frame = history.frame
    start = pd.Timestamp(instant)
    found = frame.loc[(frame["interval_start"] == start) & (frame["channel"] == channel)]
    assert len(found) == 1, f"no single interval at {instant}"
    return float(found["volume"].iloc[0])


def _regular(minutes: int, hours: int = 2) -> str:
    starts = pd.date_range("2026-12-07 09:00", periods=hours * 60 // minutes, freq=f"{minutes}min")
    rows = pd.DataFrame(
        {
            "interval_start": starts.strftime("%Y-%m-%dT%H:%M"),
            "channel": "voice",
            "volume": np.arange(len(starts)) + 1.0,
            "aht_seconds": np.where(np.arange(len(starts)) % 2 == 0, 100.0, 400.0),
        }
    )
    return to_csv(rows)


def test_five_minute_data_is_summed_into_15_minute_intervals_with_weighted_handle_time() -> None:
    history = parse_history(_regular(5))
    assert (history.summary.source_interval_minutes, history.interval_minutes) == (5, 15)
    # 09:00 holds 09:00, 09:05, 09:10: volumes 1, 2, 3 with AHT 100, 400, 100.
    assert _volume_at(history, "2026-12-07T09:00Z", "voice") == 6
    row = history.frame.loc[history.frame["interval_start"] == pd.Timestamp("2026-12-07T09:00Z")]
    assert row["aht_seconds"].iloc[0] == pytest.approx((1 * 100 + 2 * 400 + 3 * 100) / 6)
    assert history.frame["volume"].sum() == sum(range(1, 25))


def test_six_minute_data_goes_to_30_minutes_because_it_does_not_divide_15() -> None:
    history = parse_history(_regular(6))
    assert (history.summary.source_interval_minutes, history.interval_minutes) == (6, 30)
    assert _volume_at(history, "2026-12-07T09:00Z", "voice") == sum(range(1, 6))


def test_ten_minute_data_summed_into_15_minutes_is_refused_with_the_intervals_that_fit() -> None:
    with pytest.raises(InvalidHistoryError, match=r"not a whole fraction.*30 or 60"):
        parse_history(_regular(10), interval_minutes=15)


def test_15_minute_data_can_be_planned_in_hours() -> None:
    history = parse_history(_regular(15), interval_minutes=60)
    assert history.interval_minutes == 60
    assert len(history.frame) == 24
    assert _volume_at(history, "2026-12-07T10:00Z", "voice") == 5 + 6 + 7 + 8


def test_data_coarser_than_the_requested_interval_is_an_error_that_says_what_to_ask_for() -> None:
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(_regular(30), interval_minutes=15)
    assert "30 minutes long, coarser than the requested 15-minute" in str(caught.value)
    assert "interval_minutes 30 or 60" in str(caught.value)


def test_daily_totals_across_a_clock_change_are_recognised_and_refused() -> None:
    days = pd.date_range("2026-03-01", "2026-03-15").strftime("%Y-%m-%d")
    content = csv_text("interval_start,channel,volume", *(f"{day},voice,900" for day in days))
    with pytest.raises(InvalidHistoryError, match="daily rows"):
        parse_history(content, timezone=NEW_YORK)


def test_an_unsupported_planning_interval_is_refused() -> None:
    with pytest.raises(InvalidHistoryError, match="15, 30 or 60"):
        parse_history(_regular(15), interval_minutes=20)


def _fall_back_rows(*rows: str) -> str:
    """Email rows on 2026-11-01, when New York repeats 01:00-01:59."""
    return csv_text("interval_start,channel,volume", *rows)


def test_a_repeated_local_hour_listed_twice_is_read_in_file_order_without_double_counting() -> None:
    history = parse_history(
        _fall_back_rows(
            "2026-11-01T00:45,email,9",
            "2026-11-01T01:00,email,1",
            "2026-11-01T01:15,email,2",
            "2026-11-01T01:30,email,3",
            "2026-11-01T01:45,email,4",
            "2026-11-01T01:00,email,10",
            "2026-11-01T01:15,email,20",
            "2026-11-01T01:30,email,30",
            "2026-11-01T01:45,email,40",
            "2026-11-01T02:00,email,5",
        ),
        timezone=NEW_YORK,
    )
    assert _volume_at(history, "2026-11-01T01:00-04:00") == 1  # daylight time, first
    assert _volume_at(history, "2026-11-01T01:45-04:00") == 4
    assert _volume_at(history, "2026-11-01T01:00-05:00") == 10  # standard time, second
    assert _volume_at(history, "2026-11-01T01:45-05:00") == 40
    assert history.frame["volume"].sum() == 9 + 10 + 100 + 5
    assert len(history.frame) == 100  # a 25-hour day
    assert history.summary.duplicates == 0
    warnings = " ".join(history.summary.warnings)
    assert "2026-11-01 (repeated 01:00-01:59 EDT, then EST)" in warnings
    assert "2026-11-01 has 25 hours" in warnings


def test_a_repeated_local_hour_listed_once_is_split_evenly_between_both_hours() -> None:
    history = parse_history(_fall_back_rows("2026-11-01T01:30,email,10"), timezone=NEW_YORK)
    assert _volume_at(history, "2026-11-01T01:30-04:00") == 5
    assert _volume_at(history, "2026-11-01T01:30-05:00") == 5
    assert "split evenly" in " ".join(history.summary.warnings)


def test_per_contact_times_in_a_repeated_hour_are_placed_by_the_files_time_order() -> None:
    history = parse_history(
        csv_text(
            "Created at,Channel",
            "2026-11-01 00:50:00,email",
            "2026-11-01 01:10:00,email",
            "2026-11-01 01:40:00,email",
            "2026-11-01 01:05:00,email",  # the clock stepped back: the second 01:00 hour
            "2026-11-01 01:35:00,email",
            "2026-11-01 01:50:00,email",
            "2026-11-01 02:10:00,email",
        ),
        timezone=NEW_YORK,
    )
    assert _volume_at(history, "2026-11-01T01:00-04:00") == 1
    assert _volume_at(history, "2026-11-01T01:30-04:00") == 1
    assert _volume_at(history, "2026-11-01T01:00-05:00") == 1
    assert _volume_at(history, "2026-11-01T01:30-05:00") == 1
    assert _volume_at(history, "2026-11-01T01:45-05:00") == 1
    assert history.frame["volume"].sum() == 7


def test_a_skipped_local_hour_drops_empty_rows_and_rejects_rows_with_contacts() -> None:
    rows = [
        "2026-03-08T01:45,email,3",
        "2026-03-08T02:00,email,0",
        "2026-03-08T02:15,email,0",
        "2026-03-08T03:00,email,4",
    ]
    history = parse_history(_fall_back_rows(*rows), timezone=NEW_YORK)
    assert len(history.frame) == 92  # a 23-hour day
    assert history.frame["volume"].sum() == 7
    warnings = " ".join(history.summary.warnings)
    assert "2 row(s) with no contacts at local times that do not exist" in warnings
    assert "2026-03-08 has 23 hours" in warnings

    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(_fall_back_rows(*rows, "2026-03-08T02:30,email,5"), timezone=NEW_YORK)
    assert caught.value.errors == [
        "row 6, column `interval_start`: '2026-03-08T02:30' does not exist in America/New_York "
        "(the clocks jump forward over it); write the time with its UTC offset or export in UTC"
    ]


def test_a_naive_utc_export_has_no_daylight_saving_trouble() -> None:
    history = parse_history(
        csv_text(
            "Interval Start UTC Date,Media Type,Offered",
            "2026-11-01T05:00:00,Email,1",
            "2026-11-01T06:00:00,Email,2",
        ),
        timezone=NEW_YORK,
    )
    assert _volume_at(history, "2026-11-01T01:00-04:00") == 1
    assert _volume_at(history, "2026-11-01T01:00-05:00") == 2


def test_absent_intervals_are_closed_where_usually_quiet_and_missing_where_usually_busy() -> None:
    rows = weekly_intervals(4)  # Monday to Friday, 09:00-17:00, nothing exported at night
    lost = rows["interval_start"].between("2026-01-21T13:00", "2026-01-21T14:45")
    history = parse_history(to_csv(rows[~lost]), timezone=NEW_YORK)
    frame = history.frame
    summary = history.summary
    assert len(frame) == 26 * 96  # from the first Monday to the last Friday with rows
    assert summary.gaps == (
        HistoryGap(
            pd.Timestamp("2026-01-21 13:00", tz=NEW_YORK),
            pd.Timestamp("2026-01-21 15:00", tz=NEW_YORK),
            "voice",
        ),
    )
    assert frame["volume"].isna().sum() == 8
    open_intervals = 20 * 32
    assert summary.closed_intervals == 26 * 96 - open_intervals
    night = frame["interval_start"] == pd.Timestamp("2026-01-21 03:00", tz=NEW_YORK)
    assert frame.loc[night, "volume"].iloc[0] == 0
    assert "8 interval(s) of missing data in 1 span(s)" in " ".join(summary.warnings)


def test_explicit_zeros_in_a_usually_busy_interval_stay_zeros() -> None:
    rows = weekly_intervals(3)
    rows.loc[rows["interval_start"] == "2026-01-14T10:00", "volume"] = 0
    history = parse_history(to_csv(rows), timezone=NEW_YORK)
    assert _volume_at(history, "2026-01-14T10:00-05:00", "voice") == 0
    assert history.summary.gaps == ()


def test_a_channel_that_starts_later_is_missing_before_its_first_day() -> None:
    voice = weekly_intervals(2)
    chat = weekly_intervals(1, start="2026-01-12", channel="chat")
    history = parse_history(to_csv(pd.concat([voice, chat])), timezone=NEW_YORK)
    chat_frame = history.frame[history.frame["channel"] == "chat"]
    first_week = chat_frame["interval_start"] < pd.Timestamp("2026-01-12", tz=NEW_YORK)
    assert chat_frame.loc[first_week, "volume"].isna().all()
    assert not chat_frame.loc[~first_week, "volume"].isna().any()
    assert (
        HistoryGap(
            pd.Timestamp("2026-01-05", tz=NEW_YORK), pd.Timestamp("2026-01-12", tz=NEW_YORK), "chat"
        )
        in history.summary.gaps
    )


def test_a_day_without_any_rows_is_missing_data_and_the_summary_says_how_to_mark_closure() -> None:
    rows = weekly_intervals(3, weekdays_only=False)
    rows = rows[~rows["interval_start"].str.startswith("2026-01-14")]
    history = parse_history(to_csv(rows), timezone=NEW_YORK)
    assert "no rows at all on 2026-01-14" in " ".join(history.summary.warnings)


def test_duplicate_rows_are_counted_and_the_last_one_wins() -> None:
    history = parse_history(
        csv_text(
            "interval_start,channel,volume",
            "2026-12-07T09:00,voice,1",
            "2026-12-07T09:15,voice,2",
            "2026-12-07T09:00,Voice,3",
            "2026-12-07T09:00Z,phone,4",
        )
    )
    assert history.summary.duplicates == 2
    assert _volume_at(history, "2026-12-07T09:00Z", "voice") == 4
    assert "2 row(s) repeated an interval" in " ".join(history.summary.warnings)


def test_unusual_days_and_intervals_are_reported_as_outliers_and_left_unchanged() -> None:
    rows = weekly_intervals(9, weekdays_only=False, open_hour=8, close_hour=20, volume=40)
    rng = np.random.default_rng(7)
    rows["volume"] = rng.poisson(40, size=len(rows)).astype(float)
    launch_day = rows["interval_start"].str.startswith("2026-02-03")
    rows.loc[launch_day, "volume"] *= 3
    spike = rows["interval_start"] == "2026-02-18T15:00"
    rows.loc[spike, "volume"] = 400
    history = parse_history(to_csv(rows), timezone=NEW_YORK)
    outliers = history.summary.outliers
    assert [(o.start, o.value) for o in outliers] == [
        (pd.Timestamp("2026-02-03", tz=NEW_YORK), rows.loc[launch_day, "volume"].sum()),
        (pd.Timestamp("2026-02-18 15:00", tz=NEW_YORK), 400),
    ]
    assert "above the median" in outliers[0].why
    assert "same weekday" in outliers[0].why
    assert "same interval of the week" in outliers[1].why
    assert _volume_at(history, "2026-02-18T15:00-05:00", "voice") == 400
