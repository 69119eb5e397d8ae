"""A bad file is rejected whole, with every problem named by row, column and value."""

from __future__ import annotations

import pytest

from forecast import InvalidHistoryError, parse_history
from tests.forecast.history_inputs import csv_text

BAD_FILE = csv_text(
    "interval_start,channel,volume,aht_seconds",
    "2026-12-07T09:00,voice,10,300",
    "07/12/2026 09:15,voice,10,300",
    "2026-12-07T09:30,voice,-3,300",
    "2026-12-07T09:45,voice,many,300",
    "2026-12-07T10:00,,4,300",
    "2026-12-07T10:15,chat,4,abc",
    "",
    "2026-12-07T10:30,chat,,200",
)


def test_every_bad_cell_is_listed_with_its_row_column_and_value() -> None:
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(BAD_FILE)
    assert caught.value.errors == [
        "row 3, column `interval_start`: '07/12/2026 09:15' is not an ISO 8601 date and time; "
        "write it like 2026-12-07T09:00 (local time) or 2026-12-07T14:00Z / "
        "2026-12-07T09:00-05:00",
        "row 4, column `volume`: '-3' is negative; volume (contacts) cannot be below zero",
        "row 5, column `volume`: 'many' is not a number; write volume (contacts) as a plain "
        "number like 12 or 12.5",
        "row 6, column `channel`: is empty; name the channel (voice, chat, email or your "
        "queue's name)",
        "row 7, column `aht_seconds`: 'abc' is not a number; write aht_seconds as a plain number "
        "like 12 or 12.5",
        "row 9, column `volume`: is empty; write 0 for an interval without contacts, or leave "
        "the row out where data is missing",
    ]
    assert str(caught.value).startswith(
        "the history file was rejected with 6 problem(s); nothing was imported. First: row 3"
    )


def test_the_list_of_problems_stops_at_the_limit_but_counts_them_all() -> None:
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(BAD_FILE, max_errors=2)
    assert [line[:6] for line in caught.value.errors[:2]] == ["row 3,", "row 4,"]
    assert caught.value.errors[2] == "... and 4 more problem(s) not listed"
    assert "6 problem(s)" in str(caught.value)


def test_one_bad_row_among_many_good_ones_rejects_the_whole_file() -> None:
    good = [
        f"2026-12-07T{hour:02d}:{minute:02d},voice,5"
        for hour in range(24)
        for minute in (0, 15, 30, 45)
    ]
    rows = [*good[:50], "2026-12-07T12:40,voice,5", *good[50:]]
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(csv_text("interval_start,channel,volume", *rows))
    assert caught.value.errors == [
        "row 52, column `interval_start`: '2026-12-07T12:40' is not on the 15-minute grid of "
        "this file; intervals start every 15 minutes from midnight"
    ]


def test_a_start_that_is_not_on_a_whole_minute_is_named() -> None:
    with pytest.raises(InvalidHistoryError, match=r"row 3, .*'2026-12-07T09:15:30' does not"):
        parse_history(
            csv_text(
                "interval_start,channel,volume",
                "2026-12-07T09:00,voice,5",
                "2026-12-07T09:15:30,voice,5",
            )
        )


def test_vendor_files_name_their_own_columns_in_errors() -> None:
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(
            csv_text(
                "Interval Start UTC Date,Media Type,Offered,Total Handle Time (Seconds)",
                "2026-12-07T14:00:00Z,Voice,ten,100",
                "2026-12-07T14:15:00Z,Voice,3,-100",
            )
        )
    assert [error.split(":")[0] for error in caught.value.errors] == [
        "row 2, column `Offered`",
        "row 3, column `Total Handle Time (Seconds)`",
    ]


def test_an_unknown_timezone_is_refused_with_an_example_of_a_valid_one() -> None:
    with pytest.raises(InvalidHistoryError, match=r"unknown timezone 'Eastern'.*America/New_York"):
        parse_history(
            csv_text("interval_start,channel,volume", "2026-12-07T09:00,voice,1"),
            timezone="Eastern",
        )


def test_a_row_with_more_cells_than_the_header_is_refused() -> None:
    with pytest.raises(InvalidHistoryError, match="not valid CSV"):
        parse_history(
            csv_text(
                "interval_start,channel,volume",
                "2026-12-07T09:00,voice,1",
                "2026-12-07T09:15,voice,1,2",
            )
        )
