"""Intraday profiles: pooled, smoothed and recency-weighted where a backtest says so."""

import datetime as dt

import numpy as np
import pytest

from forecast.calendar import Calendar
from forecast.daygrid import ChannelHistory, channel_histories
from forecast.effects import SpecialDayEffects, shares_of
from forecast.profiles import (
    PROFILE_METHODS,
    ProfileMethod,
    build_profiles,
    choose_profile_methods,
)
from forecast.topdown import TopDown
from tests.forecast.histories import Pattern, hourly_profile, synthetic_history

WEEK = (1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.3)


def _channel(daily_volume: float, noise: bool) -> ChannelHistory:
    pattern = Pattern(daily_volume=daily_volume, weekday_weights=WEEK, noise=noise)
    history = synthetic_history("2025-01-06", 112, pattern=pattern, interval_minutes=30, seed=3)
    return channel_histories(history, Calendar())["voice"]


def _inputs(channel: ChannelHistory) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    shares = shares_of(channel.volume)
    has_volume = np.nansum(channel.volume, axis=1) > 0
    return shares, channel.weekdays, has_volume, has_volume


def _truth() -> np.ndarray:
    return np.repeat(hourly_profile(Pattern()), 2) / 2


@pytest.mark.parametrize("method", PROFILE_METHODS)
def test_every_profile_sums_to_one_and_stays_zero_where_the_team_is_closed(
    method: ProfileMethod,
) -> None:
    channel = _channel(300.0, noise=True)
    roles = SpecialDayEffects.learn(channel).roles
    profiles = build_profiles(*_inputs(channel), roles, method)
    np.testing.assert_allclose(profiles.sum(axis=1), 1.0)
    closed = _truth() == 0
    assert (profiles[:, closed] == 0).all()


def test_at_low_volume_pooling_and_smoothing_come_closer_to_the_true_shape() -> None:
    channel = _channel(150.0, noise=True)
    roles = SpecialDayEffects.learn(channel).roles
    inputs = _inputs(channel)
    error = {
        method: float(np.abs(build_profiles(*inputs, roles, method)[:5] - _truth()).sum())
        for method in PROFILE_METHODS
    }
    assert error["pooled_smooth"] < 0.9 * error["recent_mean"]
    assert error["weighted"] < error["recent_mean"]  # sixteen weeks are more than eight


def test_the_backtest_picks_a_sharper_profile_at_low_volume_and_the_plain_one_without_noise() -> (
    None
):
    noisy = _channel(150.0, noise=True)
    exact = _channel(150.0, noise=False)
    for channel, expected in (
        (noisy, {"pooled", "pooled_smooth", "weighted_smooth"}),
        (exact, {"recent_mean"}),
    ):
        roles = SpecialDayEffects.learn(channel).roles
        shares, weekdays, usable, fallback = _inputs(channel)
        chosen = choose_profile_methods(shares, channel.volume, weekdays, usable, fallback, roles)
        assert chosen[0] in expected  # Monday, a working day


def test_the_top_down_model_can_be_held_to_one_profile_method() -> None:
    channel = _channel(150.0, noise=True)
    effects = SpecialDayEffects.learn(channel)
    plain = TopDown(profile_method="recent_mean").profiles(channel, effects)
    chosen = TopDown().profiles(channel, effects)
    assert float(np.abs(chosen[:5] - _truth()).sum()) < float(np.abs(plain[:5] - _truth()).sum())


def test_a_weekday_whose_shape_moves_week_by_week_gets_the_latest_weeks_profile() -> None:
    # Saturdays open later every week (a team reopening at dusk); the other days stay put.
    start = dt.date(2025, 1, 6)
    saturdays = [start + dt.timedelta(days=5 + 7 * week) for week in range(16)]
    shapes = {
        day: [1.0 if 8 + week // 2 <= hour < 11 + week // 2 else 0.0 for hour in range(24)]
        for week, day in enumerate(saturdays)
    }
    pattern = Pattern(daily_volume=2000.0, weekday_weights=WEEK, day_shapes=shapes, noise=True)
    history = synthetic_history("2025-01-06", 112, pattern=pattern, interval_minutes=30, seed=3)
    channel = channel_histories(history, Calendar())["voice"]
    roles = SpecialDayEffects.learn(channel).roles
    assert roles.short == 5  # a group of its own
    shares, weekdays, usable, fallback = _inputs(channel)
    methods = choose_profile_methods(shares, channel.volume, weekdays, usable, fallback, roles)
    assert methods[5].startswith("latest")
    assert not methods[0].startswith("latest")  # the working days keep the longer average
    chosen = TopDown().profiles(channel, SpecialDayEffects.learn(channel))
    held = TopDown(profile_method="weighted").profiles(channel, SpecialDayEffects.learn(channel))
    latest = np.asarray(shapes[saturdays[-1]]).repeat(2) / 6
    assert np.abs(chosen[5] - latest).sum() < 0.5 * np.abs(held[5] - latest).sum()
