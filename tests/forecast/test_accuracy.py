"""Accuracy metrics, band calibration, AHT, and the backtest report."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from forecast.accuracy import accuracy
from forecast.aht import forecast_aht
from forecast.backtest import backtest
from forecast.calendar import Calendar, SpecialDay
from forecast.daygrid import channel_histories
from forecast.intervals import calibrate_band
from tests.forecast.histories import Pattern, synthetic_history


def _records() -> pd.DataFrame:
    # Two days of two intervals each; day 2 is a holiday.
    return pd.DataFrame(
        {
            "origin": pd.Timestamp("2025-03-03"),
            "date": pd.to_datetime(["2025-03-03"] * 2 + ["2025-03-04"] * 2),
            "horizon_day": [1, 1, 2, 2],
            "day_type": ["normal", "normal", "holiday", "holiday"],
            "actual": [100.0, 50.0, 20.0, 30.0],
            "forecast": [110.0, 40.0, 30.0, 30.0],
            "seasonal_naive": [80.0, 70.0, 60.0, 50.0],
            "low": [90.0, 45.0, 25.0, 20.0],
            "high": [120.0, 60.0, 40.0, 40.0],
        }
    )


def test_wape_mase_bias_and_coverage_match_hand_computed_values() -> None:
    result = accuracy(_records(), "forecast", band_columns=("low", "high"))
    assert result.wape_interval == pytest.approx((10 + 10 + 10 + 0) / 200)
    assert result.wape_interval_by_week == pytest.approx((0.15,))
    assert result.wape_daily == pytest.approx((0 + 10) / 200)
    assert result.mase == pytest.approx(30 / (20 + 20 + 40 + 20))
    assert result.bias == pytest.approx(210 / 200 - 1)
    assert result.bias_by_day_type["normal"] == pytest.approx(0.0)
    assert result.bias_by_day_type["holiday"] == pytest.approx(60 / 50 - 1)
    assert result.bias_by_day_type["eve"] is None
    assert result.days_by_day_type == {
        "normal": 1,
        "holiday": 1,
        "eve": 0,
        "day_after": 0,
        "event": 0,
    }
    assert result.coverage == pytest.approx(3 / 4)  # 20 is below the band [25, 40]


def test_the_band_covers_about_80_percent_of_errors_like_the_backtest() -> None:
    rng = np.random.default_rng(1)
    forecast = rng.uniform(5, 200, 4000)
    horizon = rng.integers(1, 15, 4000)
    actual = rng.poisson(forecast * np.exp(rng.normal(0, 0.1, 4000))).astype(float)
    calibration = calibrate_band(forecast[:2000], actual[:2000], horizon[:2000])
    assert calibration.method == "backtest"
    low, high = calibration.band(forecast[2000:], horizon[2000:])
    inside = (low <= actual[2000:]) & (actual[2000:] <= high)
    assert inside.mean() == pytest.approx(0.8, abs=0.03)
    assert (low <= forecast[2000:]).all()
    assert (forecast[2000:] <= high).all()


def test_too_few_backtest_errors_fall_back_to_a_poisson_band() -> None:
    calibration = calibrate_band(np.array([10.0] * 5), np.array([12.0] * 5), np.ones(5, np.int64))
    assert calibration.method == "poisson"
    low, high = calibration.band(np.array([100.0, 0.0]), np.array([1, 1]))
    assert low[0] == pytest.approx(87.0)  # Poisson(100) 10th percentile
    assert high[0] == pytest.approx(113.0)
    assert low[1] == high[1] == 0.0


def test_aht_is_the_volume_weighted_mean_of_the_same_slot_of_the_week() -> None:
    history = synthetic_history("2025-01-06", 14, pattern=Pattern(daily_volume=240.0))
    frame = history.frame.copy()
    monday_nine = frame["interval_start"].dt.hour.eq(9) & frame["interval_start"].dt.day_of_week.eq(
        0
    )
    first_week = frame["interval_start"] < pd.Timestamp("2025-01-13", tz="UTC")
    frame.loc[monday_nine & first_week, ["volume", "aht_seconds"]] = [10.0, 100.0]
    frame.loc[monday_nine & ~first_week, ["volume", "aht_seconds"]] = [30.0, 200.0]
    channel = channel_histories(
        type(history)(frame, 60, "UTC"), Calendar(), horizon_end=dt.date(2025, 1, 26)
    )["voice"]
    days = pd.date_range("2025-01-20", periods=2, freq="D")
    aht = forecast_aht(channel, days, prior_contacts=0.0)
    assert aht[0, 9] == pytest.approx((10 * 100 + 30 * 200) / 40)
    assert aht[1, 9] == pytest.approx(300.0)
    shrunk = forecast_aht(channel, days, prior_contacts=40.0)
    assert 175.0 < shrunk[0, 9] < 300.0


def test_a_history_without_handle_time_gives_an_unknown_aht() -> None:
    history = synthetic_history("2025-01-06", 14, pattern=Pattern(aht_seconds=np.nan))
    channel = channel_histories(history, Calendar())["voice"]
    assert np.isnan(forecast_aht(channel, pd.date_range("2025-01-20", periods=1))).all()


def test_the_backtest_report_compares_the_forecast_with_the_baselines() -> None:
    holidays = ("2025-02-12", "2025-03-12")
    factors = {dt.date.fromisoformat(day): 0.2 for day in holidays}
    history = synthetic_history(
        "2025-01-06", 84, pattern=Pattern(noise=True, day_factors=factors), seed=5
    )
    calendar = Calendar(
        special_days=tuple(
            SpecialDay(dt.date.fromisoformat(day), "Founders day", "holiday") for day in holidays
        )
    )
    progress: list[tuple[int, int]] = []
    report = backtest(
        history,
        calendar=calendar,
        horizon_days=7,
        origins=3,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert progress == [(1, 3), (2, 3), (3, 3)]
    (channel,) = report.channels
    assert channel.origins == (dt.date(2025, 3, 10), dt.date(2025, 3, 17), dt.date(2025, 3, 24))
    assert [result.model for result in channel.results] == [
        "auto",
        "seasonal_naive",
        "weekday_average_plain",
    ]
    auto, naive, plain = channel.results
    assert naive.mase == pytest.approx(1.0)
    assert auto.days_by_day_type["holiday"] == 1
    # Learned from one noisy past occurrence (200 contacts): right within Poisson noise.
    assert auto.bias_by_day_type["holiday"] == pytest.approx(0.0, abs=0.25)
    assert (
        naive.bias_by_day_type["holiday"] or 0.0
    ) > 2.0  # last week's normal Wednesday: 5x too high
    assert auto.coverage is not None
    assert plain.coverage is None
    encoded = json.loads(json.dumps(report.to_dict()))
    assert encoded["channels"][0]["results"][0]["model"] == "auto"
