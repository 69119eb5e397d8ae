"""The whole forecast: workload table, contract with the scheduler, determinism, DST, horizon."""

import datetime as dt
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast.calendar import Calendar
from forecast.errors import ForecastError
from forecast.forecaster import WORKLOAD_COLUMNS, forecast_workload
from scheduler.staffing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, validate_workload
from tests.forecast.histories import Pattern, synthetic_history

HISTORY = synthetic_history(
    "2025-01-06", 70, channels=("voice", "email"), pattern=Pattern(noise=True), seed=3
)


def test_the_forecast_is_a_valid_workload_for_the_scheduler() -> None:
    result = forecast_workload(
        HISTORY, start=dt.date(2025, 3, 17), days=7, calendar=Calendar(country="US")
    )
    workload = result.workload
    assert tuple(workload.columns) == WORKLOAD_COLUMNS
    assert set(WORKLOAD_COLUMNS) == {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}
    validated = validate_workload(workload)
    assert len(validated) == 2 * 7 * 24
    assert (workload["volume_low"] <= workload["volume"]).all()
    assert (workload["volume"] <= workload["volume_high"]).all()
    assert workload.loc[workload["volume"] > 0, "aht_seconds"].eq(300.0).all()


def test_the_same_history_gives_the_same_forecast() -> None:
    first = forecast_workload(HISTORY, start=dt.date(2025, 3, 10), days=7)
    second = forecast_workload(HISTORY, start=dt.date(2025, 3, 10), days=7)
    pd.testing.assert_frame_equal(first.workload, second.workload)
    assert [c.model for c in first.channels] == [c.model for c in second.channels]


def test_history_on_or_after_the_start_is_ignored() -> None:
    start = dt.date(2025, 3, 3)
    truncated = type(HISTORY)(
        HISTORY.frame[HISTORY.frame["interval_start"] < pd.Timestamp(start, tz="UTC")],
        HISTORY.interval_minutes,
        HISTORY.timezone,
    )
    full = forecast_workload(HISTORY, start=start, days=7)
    cut = forecast_workload(truncated, start=start, days=7)
    pd.testing.assert_frame_equal(full.workload, cut.workload)


def test_a_gap_between_the_history_and_the_start_is_bridged() -> None:
    result = forecast_workload(HISTORY, start=dt.date(2025, 3, 31), days=3)
    assert result.workload["interval_start"].min() == pd.Timestamp("2025-03-31", tz="UTC")
    assert result.workload.groupby("channel")["volume"].sum().gt(0).all()


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.date(1, 1, 1), "the forecast start 0001-01-01 is not after the history's first day"),
        (dt.date(2025, 1, 6), "the forecast start 2025-01-06 is not after the history's first"),
        (dt.date(9999, 12, 31), "the forecast start 9999-12-31 is 2,912,733 days after"),
        (dt.date(2026, 3, 18), "the forecast start 2026-03-18 is 367 days after"),
    ],
)
def test_a_start_without_history_before_it_or_over_a_year_after_it_is_refused(
    start: dt.date, expected: str
) -> None:
    with pytest.raises(ForecastError, match="^" + re.escape(expected)):
        forecast_workload(HISTORY, start=start, days=7)
    assert len(forecast_workload(HISTORY, start=dt.date(2026, 3, 17), days=1).workload) == 2 * 24


def test_the_forecast_follows_daylight_saving_time_in_the_team_timezone() -> None:
    history = synthetic_history(
        "2025-01-06", 56, pattern=Pattern(open_hours=(0, 24)), timezone="America/New_York"
    )
    # 2025-03-09 has 23 hours in New York; 2025-11-02 has 25.
    spring = forecast_workload(history, start=dt.date(2025, 3, 8), days=2).workload
    assert spring["interval_start"].dt.date.value_counts().sort_index().to_list() == [24, 23]
    sunday = spring[spring["interval_start"].dt.day == 9]
    assert not (sunday["interval_start"].dt.hour == 2).any()
    autumn_history = synthetic_history(
        "2025-09-01", 56, pattern=Pattern(open_hours=(0, 24)), timezone="America/New_York"
    )
    autumn = forecast_workload(autumn_history, start=dt.date(2025, 11, 2), days=1).workload
    assert len(autumn) == 25
    repeated = autumn[autumn["interval_start"].dt.hour == 1]
    assert len(repeated) == 2
    first, second = repeated["volume"]
    assert first == second  # both real 01:00 hours get the 01:00 rate
    assert autumn["interval_start"].is_unique


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    history_days=st.integers(min_value=8, max_value=45),
    horizon_days=st.integers(min_value=1, max_value=10),
    gap_days=st.integers(min_value=0, max_value=3),
    daily_volume=st.floats(min_value=0.0, max_value=5000.0),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_forecasts_are_non_negative_and_cover_the_horizon(
    history_days: int, horizon_days: int, gap_days: int, daily_volume: float, seed: int
) -> None:
    history = synthetic_history(
        "2025-02-03",
        history_days,
        channels=("chat", "voice"),
        pattern=Pattern(daily_volume=daily_volume, noise=True),
        seed=seed,
    )
    start = dt.date(2025, 2, 3) + dt.timedelta(days=history_days + gap_days)
    workload = forecast_workload(
        history, start=start, days=horizon_days, calendar=Calendar(country="US")
    ).workload
    expected = pd.date_range(start, periods=24 * horizon_days, freq="h", tz="UTC")
    for _, rows in workload.groupby("channel"):
        assert rows["interval_start"].to_list() == expected.to_list()
    numbers = workload[["volume", "volume_low", "volume_high"]].to_numpy()
    assert np.isfinite(numbers).all()
    assert (numbers >= 0).all()
    assert (workload["volume_low"] <= workload["volume"]).all()
    assert (workload["volume"] <= workload["volume_high"]).all()


def test_an_outage_in_the_history_is_left_out_of_the_forecast_and_named() -> None:
    pattern = Pattern(weekday_weights=(1.0, 1.0, 1.0, 1.0, 0.9, 0.3, 0.0))
    clean = synthetic_history("2025-01-06", 84, pattern=pattern)
    frame = clean.frame.copy()
    outage = frame["interval_start"].dt.date == dt.date(2025, 3, 19)  # a Wednesday
    frame.loc[outage, "volume"] *= 0.05
    broken = replace(clean, frame=frame)
    forecasts = [
        forecast_workload(history, start=dt.date(2025, 3, 31), days=7, calendar=Calendar())
        for history in (clean, broken)
    ]
    np.testing.assert_allclose(
        forecasts[1].workload["volume"].to_numpy(),
        forecasts[0].workload["volume"].to_numpy(),
        rtol=1e-6,
    )
    (channel,) = forecasts[1].channels
    assert any("left out of the fit" in note and "2025-03-19" in note for note in channel.notes)
