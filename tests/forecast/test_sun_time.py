"""Days whose hours follow the sun: a rest day (and a holiday) that reopens at dusk keeps its
sunset hour across a clock change; days open by the clock stay on the clock."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast.calendar import Calendar, SpecialDay
from forecast.daygrid import ChannelHistory, channel_histories
from forecast.forecaster import forecast_channel
from forecast.selection import ModelName
from forecast.sun_time import SunTime, on_clock_time, on_standard_time
from tests.forecast.histories import Pattern, synthetic_history

TIMEZONE = "Asia/Jerusalem"  # summer time from 2025-03-28; it ended on 2024-10-27
# Monday..Sunday: Sunday-Thursday work, Friday the short day, Saturday the rest day.
WEEK = (1.0, 1.0, 1.0, 1.0, 0.45, 0.15, 1.1)
AFTER_THE_CHANGE = pd.date_range("2025-03-30", periods=7, freq="D")  # Sunday..Saturday


def _summer(day: pd.Timestamp) -> bool:
    offset = (day + pd.Timedelta(hours=12)).tz_localize(TIMEZONE).utcoffset()
    return offset == dt.timedelta(hours=3)


def _evening(open_hour: int) -> list[float]:
    return [0.0] * open_hour + [1.0] * (24 - open_hour)


def _gradual(peak_hour: int) -> list[float]:
    """Busy all day, most around ``peak_hour``: no hour where contacts jump."""
    return [0.3 + float(np.exp(-(((hour - peak_hour) / 4) ** 2))) for hour in range(24)]


def _channel(
    start: str,
    end: str,
    *,
    standard_opening: dict[pd.Timestamp, int] | None = None,
    clock_opening: int | None = None,
    gradual: bool = False,
    calendar: Calendar | None = None,
    read_as_utc: bool = False,
) -> ChannelHistory:
    """Saturdays open from ``standard_opening[day]`` on standard time (dusk: one hour later
    on a summer-time clock) or from ``clock_opening`` on the clock; other days 07-24.
    ``read_as_utc``: the export's wall-clock times read as UTC (no zone given)."""
    days = pd.date_range(start, end, freq="D")
    shapes = {}
    for day in days[days.day_of_week == 5]:
        if gradual:
            shapes[day.date()] = _gradual(14 + _summer(day))
        elif clock_opening is not None:
            shapes[day.date()] = _evening(clock_opening)
        else:
            standard = (standard_opening or {}).get(day, 18)
            shapes[day.date()] = _evening(standard + _summer(day))
    pattern = Pattern(weekday_weights=WEEK, open_hours=(7, 24), day_shapes=shapes)
    history = synthetic_history(start, len(days), pattern=pattern, timezone=TIMEZONE)
    if read_as_utc:
        local = history.frame["interval_start"].dt.tz_convert(TIMEZONE).dt.tz_localize(None)
        frame = history.frame.assign(interval_start=local.dt.tz_localize("UTC"))
        history = replace(history, frame=frame, timezone="UTC")
    return channel_histories(history, calendar or Calendar(), horizon_end=dt.date(2025, 4, 30))[
        "voice"
    ]


def _row(channel: ChannelHistory, day: str, model: ModelName = "auto") -> np.ndarray:
    forecast = forecast_channel(channel, AFTER_THE_CHANGE, model=model)
    return forecast.volume[AFTER_THE_CHANGE.get_loc(pd.Timestamp(day))]


def test_a_rest_day_reopening_at_dusk_opens_an_hour_later_on_the_clock_in_summer_time() -> None:
    # Winter history that holds the autumn change: Saturdays open at 18:00 standard time.
    channel = _channel("2024-10-06", "2025-03-29")
    assert SunTime.of(channel).weekdays == frozenset({5})
    saturday = _row(channel, "2025-04-05")
    assert saturday[18] == pytest.approx(0.0, abs=1e-6)  # 18:00 on a summer clock is before dusk
    assert saturday[19] > 0.1 * saturday.sum()


def test_wall_clock_times_read_as_utc_follow_the_sun_by_the_countrys_clock() -> None:
    # No zone given: the times are read as UTC, but they are Israel's clock, summer time and
    # all; the country's single zone tells when the clock jumped.
    israel = Calendar(country="IL", clock_zone=TIMEZONE)
    channel = _channel("2024-10-06", "2025-03-29", calendar=israel, read_as_utc=True)
    assert SunTime.of(channel).weekdays == frozenset({5})
    saturday = _row(channel, "2025-04-05")
    assert saturday[18] == pytest.approx(0.0, abs=1e-6)
    assert saturday[19] > 0.1 * saturday.sum()


def test_times_that_are_truly_utc_are_not_moved_by_the_countrys_summer_time() -> None:
    israel = Calendar(country="IL", clock_zone=TIMEZONE)
    # An export in real UTC across the change: the Saturday opening stays at 18:00 UTC, and
    # the clock's jump, seen not to be in the data, moves nothing.
    steady = _channel(
        "2024-10-06", "2025-03-29", clock_opening=18, calendar=israel, read_as_utc=True
    )
    assert SunTime.of(steady).weekdays == frozenset()
    saturday = _row(steady, "2025-04-05")
    assert saturday[17] == pytest.approx(0.0, abs=1e-6)
    assert saturday[18] > 0.1 * saturday.sum()


def test_working_days_open_by_the_clock_stay_on_the_clock() -> None:
    channel = _channel("2024-10-06", "2025-03-29")
    sunday = _row(channel, "2025-03-30")
    assert sunday[6] == pytest.approx(0.0, abs=1e-6)
    assert sunday[7] > 0


@pytest.mark.parametrize("model", ["top_down", "weekday_average"])
def test_an_unseen_holiday_reopens_at_dusk_when_the_rest_days_evenings_do(model: ModelName) -> None:
    holiday = SpecialDay(dt.date(2025, 4, 2), "New", "holiday")
    channel = _channel("2024-10-06", "2025-03-29", calendar=Calendar(special_days=(holiday,)))
    wednesday = _row(channel, "2025-04-02", model)
    assert wednesday[18] == pytest.approx(0.0, abs=1e-6)
    assert wednesday[19:].sum() == pytest.approx(wednesday.sum(), rel=1e-6)
    saturday = _row(channel, "2025-04-05", model)
    np.testing.assert_allclose(wednesday / wednesday.sum(), saturday / saturday.sum(), atol=1e-6)


def test_without_a_clock_change_seen_an_opening_moving_with_the_season_follows_the_sun() -> None:
    saturdays = pd.date_range("2025-01-04", "2025-03-29", freq="7D")
    drifting = {
        day: 16 + (2 * position) // len(saturdays) for position, day in enumerate(saturdays)
    }
    channel = _channel("2025-01-05", "2025-03-29", standard_opening=drifting)
    assert SunTime.of(channel).weekdays == frozenset({5})
    saturday = _row(channel, "2025-04-05")
    assert saturday[:18].sum() == pytest.approx(0.0, abs=1e-6)  # 17:00 standard is 18:00 now
    assert saturday[18] > 0.1 * saturday.sum()


def test_a_rest_day_open_by_the_clock_is_not_moved() -> None:
    channel = _channel("2024-10-06", "2025-03-29", clock_opening=18)
    assert SunTime.of(channel).weekdays == frozenset()
    saturday = _row(channel, "2025-04-05")
    assert saturday[17] == pytest.approx(0.0, abs=1e-6)
    assert saturday[18] > 0.1 * saturday.sum()


def test_a_rest_day_that_fills_up_gradually_stays_on_the_clock_even_if_its_peak_moves() -> None:
    # Its busiest hour moves with standard time, but it has no opening the sun could set:
    # nowhere do its contacts even double from one hour to the next.
    channel = _channel("2024-10-06", "2025-03-29", gradual=True)
    assert SunTime.of(channel).weekdays == frozenset()


def test_back_on_the_clock_the_first_hour_keeps_the_nights_level_and_the_day_its_total() -> None:
    standard = np.asarray([[1.0, 1.0, 0.0, 0.0, 5.0, 9.0], [1.0, 1.0, 0.0, 0.0, 5.0, 9.0]])
    clock = on_clock_time(standard, np.asarray([1, 0]))
    np.testing.assert_allclose(clock.sum(axis=1), standard.sum(axis=1))
    # Moved one slot later; slot 0 keeps the night's 1 (not the evening's 9), then rescaled.
    np.testing.assert_allclose(clock[0], np.asarray([1.0, 1.0, 1.0, 0.0, 0.0, 5.0]) * 16 / 8)
    np.testing.assert_allclose(clock[1], standard[1])
    np.testing.assert_allclose(
        on_standard_time(on_standard_time(standard, np.asarray([2, 0])), np.asarray([-2, 0])),
        standard,
    )
