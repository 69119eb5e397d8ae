"""Holidays, special days and day types."""

import datetime as dt

import pandas as pd
import pytest

from forecast.calendar import Calendar, SpecialDay, day_types, holiday_key, parse_special_days
from forecast.errors import InvalidCalendarError

WEEKDAYS = frozenset(range(5))


def _types(calendar: Calendar, first: str, last: str, open_weekdays: frozenset[int]) -> pd.Series:
    return day_types(calendar, pd.date_range(first, last), open_weekdays)["day_type"]


def test_a_special_days_file_is_read_with_optional_multipliers() -> None:
    days = parse_special_days(
        "date,name,kind,multiplier\n"
        "2026-11-27,Black Friday sale,event,1.8\n"
        "2026-03-02,Office move,closed,\n"
        "2026-05-04,Founders day,Holiday,\n"
    )
    assert days == (
        SpecialDay(dt.date(2026, 3, 2), "Office move", "closed"),
        SpecialDay(dt.date(2026, 5, 4), "Founders day", "holiday"),
        SpecialDay(dt.date(2026, 11, 27), "Black Friday sale", "event", 1.8),
    )


def test_a_special_days_file_without_the_multiplier_column_is_accepted() -> None:
    assert parse_special_days(b"date,name,kind\n2026-03-02,Office move,closed\n") == (
        SpecialDay(dt.date(2026, 3, 2), "Office move", "closed"),
    )


def test_every_bad_special_day_row_is_reported_with_row_column_and_value() -> None:
    with pytest.raises(InvalidCalendarError) as caught:
        parse_special_days(
            "date,name,kind,multiplier\n"
            "27/11/2026,Sale,event,1.5\n"
            "2026-11-28,,event,\n"
            "2026-11-29,Launch,party,\n"
            "2026-11-30,Outage,event,-2\n"
            "2026-12-01,Move,closed,0.5\n"
            "2026-12-02,Launch,event,2\n"
            "2026-12-02,Launch again,event,2\n"
        )
    errors = caught.value.errors
    assert errors == [
        "row 2, column `date`: '27/11/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27",
        "row 3, column `name`: is empty; name the day",
        "row 4, column `kind`: 'party' is not one of closed, holiday, eve, event",
        "row 5, column `multiplier`: '-2' is not a non-negative number; write e.g. 1.5 for 50% "
        "more contacts than normal",
        "row 6, column `multiplier`: '0.5' given for a closed day; leave it empty (closed days "
        "have no contacts)",
        "row 8, column `date`: 2026-12-02 is already listed in row 7; keep one row per date",
    ]


def test_a_special_days_file_without_a_kind_column_is_rejected() -> None:
    with pytest.raises(InvalidCalendarError, match="lacks the column"):
        parse_special_days("date,name\n2026-12-02,Launch\n")


def test_an_unknown_country_or_subdivision_is_rejected_with_a_hint() -> None:
    with pytest.raises(InvalidCalendarError, match="ISO 3166-1"):
        Calendar(country="XX")
    with pytest.raises(InvalidCalendarError, match="subdivision 'ZZ'"):
        Calendar(country="US", subdivision="ZZ")
    with pytest.raises(InvalidCalendarError, match="without a country"):
        Calendar(subdivision="CA")


def test_thanksgiving_has_an_eve_and_a_day_after() -> None:
    types = _types(Calendar(country="US"), "2026-11-24", "2026-11-30", WEEKDAYS)
    assert types.to_dict() == {
        pd.Timestamp("2026-11-24"): "normal",
        pd.Timestamp("2026-11-25"): "eve",
        pd.Timestamp("2026-11-26"): "holiday",
        pd.Timestamp("2026-11-27"): "day_after",
        pd.Timestamp("2026-11-28"): "normal",
        pd.Timestamp("2026-11-29"): "normal",
        pd.Timestamp("2026-11-30"): "normal",
    }


def test_a_monday_holiday_of_a_weekday_team_has_its_eve_on_friday() -> None:
    types = _types(Calendar(country="US"), "2026-09-03", "2026-09-09", WEEKDAYS)
    assert types[pd.Timestamp("2026-09-04")] == "eve"  # Friday
    assert types[pd.Timestamp("2026-09-07")] == "holiday"  # Labor Day
    assert types[pd.Timestamp("2026-09-08")] == "day_after"
    seven_day = _types(Calendar(country="US"), "2026-09-03", "2026-09-09", frozenset(range(7)))
    assert seven_day[pd.Timestamp("2026-09-06")] == "eve"  # Sunday for a 24/7 team


def test_a_holiday_on_a_day_the_team_never_works_displaces_nothing() -> None:
    # 2026-07-04 is a Saturday; the observed holiday is Friday 07-03.
    types = _types(Calendar(country="US"), "2026-07-01", "2026-07-07", WEEKDAYS)
    assert types[pd.Timestamp("2026-07-02")] == "eve"
    assert types[pd.Timestamp("2026-07-03")] == "holiday"
    assert types[pd.Timestamp("2026-07-04")] == "holiday"
    assert types[pd.Timestamp("2026-07-06")] == "day_after"
    assert types[pd.Timestamp("2026-07-07")] == "normal"


def test_user_special_days_override_public_holidays_and_closures_have_a_day_after() -> None:
    calendar = Calendar(
        country="US",
        special_days=(
            SpecialDay(dt.date(2026, 11, 26), "Thanksgiving Day", "event", 0.2),
            SpecialDay(dt.date(2026, 3, 4), "Office move", "closed"),
        ),
    )
    table = day_types(calendar, pd.date_range("2026-03-03", "2026-03-05"), WEEKDAYS)
    assert table["day_type"].to_list() == ["eve", "closed", "day_after"]
    assert table["multiplier"].iloc[1] == 0.0
    assert table["name"].iloc[2] == "Office move"
    november = day_types(calendar, [dt.date(2026, 11, 26)], WEEKDAYS)
    assert november["day_type"].iloc[0] == "event"
    assert november["multiplier"].iloc[0] == 0.2


def test_an_observed_holiday_shares_the_effect_of_the_holiday() -> None:
    assert holiday_key("Independence Day (observed)") == holiday_key("Independence Day")


def test_days_near_a_holiday_know_which_holiday_and_how_far() -> None:
    table = day_types(Calendar(country="US"), pd.date_range("2026-11-19", "2026-12-03"), WEEKDAYS)
    windows = dict(
        zip(table.index, zip(table["window"], table["offset"], strict=True), strict=True)
    )
    assert windows[pd.Timestamp("2026-11-23")] == ("thanksgiving day", -3)
    assert windows[pd.Timestamp("2026-11-26")] == ("", 0)  # the holiday itself
    assert windows[pd.Timestamp("2026-11-30")] == ("thanksgiving day", 4)
    assert windows[pd.Timestamp("2026-12-03")] == ("", 0)
    year_end = day_types(Calendar(country="US"), pd.date_range("2025-12-28", "2025-12-29"))
    assert year_end["window"].to_list() == ["christmas day", "new year's day"]
