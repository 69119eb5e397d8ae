"""Models learn known effects from small synthetic histories."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecast.baselines import SeasonalNaive, WeekdayAverage
from forecast.calendar import Calendar, SpecialDay
from forecast.daygrid import ChannelHistory, channel_histories
from forecast.effects import SpecialDayEffects
from forecast.errors import InsufficientHistoryError
from forecast.forecaster import forecast_channel
from forecast.selection import VolumeModel
from forecast.topdown import TopDown
from tests.forecast.histories import Pattern, hourly_profile, synthetic_history

START = "2025-01-06"  # a Monday
HORIZON = pd.date_range("2025-03-31", periods=7, freq="D")  # the week after 12 weeks
CALENDAR_MODELS: list[VolumeModel] = [TopDown(), WeekdayAverage()]


def _channel(
    pattern: Pattern, calendar: Calendar, days: int = 84, start: str = START
) -> ChannelHistory:
    history = synthetic_history(start, days, pattern=pattern)
    end = (pd.Timestamp(start) + pd.Timedelta(days=days + 30)).date()
    return channel_histories(history, calendar, horizon_end=end)["voice"]


def _holiday(date: str, name: str = "Founders day") -> SpecialDay:
    return SpecialDay(dt.date.fromisoformat(date), name, "holiday")


def _daily(model: VolumeModel, channel: ChannelHistory) -> pd.Series:
    forecast = model.predict(channel, HORIZON)
    return pd.Series(forecast.sum(axis=1), index=HORIZON)


@pytest.mark.parametrize("model", CALENDAR_MODELS, ids=lambda m: m.name)
def test_a_holiday_that_halved_volume_before_is_forecast_at_half(model: VolumeModel) -> None:
    calendar = Calendar(special_days=(_holiday("2025-03-05"), _holiday("2025-04-02")))
    pattern = Pattern(day_factors={dt.date(2025, 3, 5): 0.5})
    daily = _daily(model, _channel(pattern, calendar))
    assert daily["2025-04-02"] == pytest.approx(500.0, rel=0.03)  # a Wednesday, weight 1
    # Its eve: seen once at a normal level, pulled toward the prior (the 500 of a Saturday,
    # the short day) by one eve's worth of evidence only.
    assert 0.6 * 1000 < daily["2025-04-01"] < 1000.0 * 1.03


@pytest.mark.parametrize("model", CALENDAR_MODELS, ids=lambda m: m.name)
def test_a_catch_up_after_holidays_is_learned(model: VolumeModel) -> None:
    closures = ["2025-01-22", "2025-02-12", "2025-03-12", "2025-04-02"]
    calendar = Calendar(special_days=tuple(_holiday(day, f"Day {day}") for day in closures))
    lifted = {dt.date.fromisoformat(day) + dt.timedelta(days=1): 1.3 for day in closures[:3]}
    factors = {dt.date.fromisoformat(day): 0.0 for day in closures[:3]} | lifted
    daily = _daily(model, _channel(Pattern(day_factors=factors), calendar))
    assert daily["2025-04-03"] == pytest.approx(1300.0, rel=0.05)  # Thursday after, weight 1


@pytest.mark.parametrize("model", CALENDAR_MODELS, ids=lambda m: m.name)
def test_an_unseen_holiday_is_forecast_like_the_quietest_open_weekday(model: VolumeModel) -> None:
    calendar = Calendar(special_days=(_holiday("2025-04-02", "New holiday"),))
    daily = _daily(model, _channel(Pattern(), calendar))
    assert daily["2025-04-02"] == pytest.approx(400.0, rel=0.03)  # Sunday weight 0.4


def test_a_holiday_changes_the_intraday_shape_not_only_the_total() -> None:
    morning = [0.0] * 8 + [3.0, 3.0, 3.0, 1.0] + [0.0] * 12  # open 08:00-12:00 only
    calendar = Calendar(
        special_days=(
            _holiday("2025-02-05", "Half day"),
            _holiday("2025-03-05", "Half day"),
            _holiday("2025-04-02", "Half day"),
        )
    )
    shapes = {dt.date(2025, 2, 5): morning, dt.date(2025, 3, 5): morning}
    channel = _channel(Pattern(day_shapes=shapes), calendar)
    forecast = TopDown().predict(channel, HORIZON)
    holiday, normal = forecast[2], forecast[1]
    usual_morning_share = hourly_profile(Pattern())[8:12].sum()
    assert normal[8:12].sum() / normal.sum() == pytest.approx(usual_morning_share)
    # Two past occurrences move the shape two thirds of the way (shrunk by n / (n + 1)).
    assert holiday[8:12].sum() / holiday.sum() > 2 * usual_morning_share
    assert holiday.sum() == pytest.approx(1000.0, rel=0.03)


@pytest.mark.parametrize(
    "model", [*CALENDAR_MODELS, SeasonalNaive(), WeekdayAverage(calendar_aware=False)]
)
def test_closed_days_are_zero_and_events_take_their_multiplier(model: VolumeModel) -> None:
    calendar = Calendar(
        special_days=(
            SpecialDay(dt.date(2025, 4, 1), "Office move", "closed"),
            SpecialDay(dt.date(2025, 4, 3), "Launch", "event", 2.0),
        )
    )
    daily = _daily(model, _channel(Pattern(), calendar))
    assert daily["2025-04-01"] == 0.0
    assert daily["2025-04-03"] == pytest.approx(2000.0, rel=0.03)


@pytest.mark.parametrize("model", CALENDAR_MODELS, ids=lambda m: m.name)
def test_gaps_in_the_history_are_skipped(model: VolumeModel) -> None:
    missing = [dt.date(2025, 3, 17) + dt.timedelta(days=k) for k in range(7)]
    daily = _daily(model, _channel(Pattern(missing_days=missing), Calendar()))
    expected = [1200, 1000, 1000, 1000, 900, 500, 400]
    assert daily.to_numpy() == pytest.approx(expected, rel=0.03)


def test_weekdays_a_team_never_works_are_forecast_closed() -> None:
    pattern = Pattern(weekday_weights=(1.2, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0), noise=True)
    channel = _channel(pattern, Calendar(country="US"))
    result = forecast_channel(channel, HORIZON)
    assert channel.open_weekdays == frozenset(range(5))
    assert result.volume[5:].sum() == 0.0
    assert result.volume_high[5:].sum() == 0.0
    assert (result.volume[:5].sum(axis=1) > 700).all()


def test_seasonal_naive_repeats_the_last_week_slot_by_slot() -> None:
    channel = _channel(Pattern(noise=True), Calendar())
    forecast = SeasonalNaive().predict(channel, HORIZON)
    np.testing.assert_array_equal(forecast, channel.volume[-7:])


def test_two_weeks_of_history_fall_back_to_simple_methods() -> None:
    channel = _channel(Pattern(noise=True), Calendar(), days=14, start="2025-03-17")
    result = forecast_channel(channel, HORIZON)
    assert result.model in ("seasonal_naive", "weekday_average")
    assert set(result.selection_wape) == {"seasonal_naive", "weekday_average"}
    with pytest.raises(InsufficientHistoryError, match="top_down model needs at least 21 days"):
        forecast_channel(channel, HORIZON, model="top_down")


def test_less_than_a_week_of_history_is_refused() -> None:
    channel = _channel(Pattern(), Calendar(), days=5, start="2025-03-26")
    with pytest.raises(InsufficientHistoryError, match="at least 7 days"):
        forecast_channel(channel, HORIZON)


def test_automatic_selection_prefers_the_model_that_backtests_best() -> None:
    # Exact weekly repetition: the seasonal naive is perfect, so nothing can beat it.
    channel = _channel(Pattern(), Calendar())
    result = forecast_channel(channel, HORIZON)
    assert result.selection_wape["seasonal_naive"] == pytest.approx(0.0, abs=1e-9)
    assert result.model == "seasonal_naive"


@pytest.mark.parametrize("model", CALENDAR_MODELS, ids=lambda m: m.name)
def test_a_day_of_a_holiday_week_is_forecast_as_it_was_the_year_before(
    model: VolumeModel,
) -> None:
    # Like email in Thanksgiving week: the Monday two days before the holiday ran at half.
    calendar = Calendar(special_days=(_holiday("2025-01-15"), _holiday("2025-04-02")))
    pattern = Pattern(day_factors={dt.date(2025, 1, 13): 0.5, dt.date(2025, 1, 15): 0.0})
    daily = _daily(model, _channel(pattern, calendar))
    assert daily["2025-03-31"] == pytest.approx(0.5 * 1200, rel=0.03)  # Monday, weight 1.2
    assert daily["2025-04-02"] == pytest.approx(0.0, abs=1.0)  # closed last time


def test_holiday_window_days_that_only_look_odd_by_chance_are_left_alone() -> None:
    calendar = Calendar(special_days=(_holiday("2025-01-15"), _holiday("2025-04-02")))
    pattern = Pattern(noise=True, day_factors={dt.date(2025, 1, 13): 0.5})
    channel = _channel(pattern, calendar)
    effects = SpecialDayEffects.learn(channel)
    assert set(effects.window_ratios) == {("founders day", -2)}
    assert effects.window_ratios["founders day", -2] == pytest.approx(0.5, rel=0.05)
    assert not effects.ordinary[channel.days.get_loc(pd.Timestamp("2025-01-13"))]
