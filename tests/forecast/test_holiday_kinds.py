"""Holidays learned across holidays: own effect, pooled effect of the kind, calendar prior,
and sane combinations with the week (a team with a Friday-Saturday weekend, open 24/7)."""

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast.backtest import backtest
from forecast.baselines import WeekdayAverage
from forecast.calendar import Calendar, SpecialDay, day_types, holiday_key, parse_special_days
from forecast.daygrid import ChannelHistory, channel_histories
from forecast.effects import SpecialDayEffects
from forecast.forecaster import forecast_channel
from forecast.holiday_kinds import KIND_NAMES, KindEffect, KindName, Observation, WeekRoles
from forecast.topdown import TopDown
from tests.forecast.histories import Pattern, hourly_profile, synthetic_history

START = "2025-01-06"  # a Monday
HORIZON = pd.date_range("2025-03-30", periods=7, freq="D")  # Sunday..Saturday after 12 weeks
# Monday..Sunday: Sunday-Thursday work, Friday the short day, Saturday the rest day.
WEEK = (1.0, 1.0, 1.0, 1.0, 0.45, 0.15, 1.1)
ALL_DAY = (0, 24)
MORNING = [0.0] * 8 + [1.0] * 4 + [0.0] * 12


def _holiday(date: str, name: str) -> SpecialDay:
    return SpecialDay(dt.date.fromisoformat(date), name, "holiday")


def _channel(
    calendar: Calendar,
    factors: dict[str, float],
    shapes: dict[str, list[float]] | None = None,
    week: tuple[float, ...] = WEEK,
) -> ChannelHistory:
    pattern = Pattern(
        weekday_weights=week,
        open_hours=ALL_DAY,
        day_factors={dt.date.fromisoformat(day): factor for day, factor in factors.items()},
        day_shapes={dt.date.fromisoformat(day): shape for day, shape in (shapes or {}).items()},
    )
    history = synthetic_history(START, 84, pattern=pattern)
    return channel_histories(history, calendar, horizon_end=dt.date(2025, 4, 30))["voice"]


def _daily(channel: ChannelHistory, model: WeekdayAverage | TopDown | None = None) -> pd.Series:
    forecast = (model or WeekdayAverage()).predict(channel, HORIZON)
    return pd.Series(forecast.sum(axis=1), index=HORIZON)


# Past holidays on working days (Mon, Tue, Wed, Sun), each a different name, at 30% of a
# normal working day (twice a Saturday), open in the morning only.
PAST = {"2025-01-21": "Tu", "2025-02-05": "We", "2025-02-17": "Mo", "2025-03-02": "Su"}


def _pooled_calendar(*future: SpecialDay) -> Calendar:
    return Calendar(special_days=(*(_holiday(d, n) for d, n in PAST.items()), *future))


def _pooled_factors() -> dict[str, float]:
    return {day: 0.3 / WEEK[dt.date.fromisoformat(day).weekday()] for day in PAST}


def test_a_holiday_seen_before_takes_its_own_effect() -> None:
    calendar = _pooled_calendar(_holiday("2025-04-02", "Tu"))
    daily = _daily(_channel(calendar, _pooled_factors() | {"2025-01-21": 0.8}))
    assert daily["2025-04-02"] == pytest.approx(800.0, rel=0.03)  # its own 80%, not the pool's


@pytest.mark.parametrize(
    "model", [WeekdayAverage(), TopDown()], ids=["weekday_average", "top_down"]
)
def test_an_unseen_holiday_takes_the_pooled_level_and_shape_of_the_other_holidays(
    model: WeekdayAverage | TopDown,
) -> None:
    calendar = _pooled_calendar(_holiday("2025-04-02", "New"))
    channel = _channel(calendar, _pooled_factors(), dict.fromkeys(PAST, MORNING))
    forecast = model.predict(channel, HORIZON)
    wednesday = forecast[HORIZON.get_loc(pd.Timestamp("2025-04-02"))]
    assert wednesday.sum() == pytest.approx(300.0, rel=0.05)
    # The pooled morning-only shape (20 pseudo-contacts per slot pull it toward the reference).
    assert wednesday[8:12].sum() / wednesday.sum() > 0.8
    effect = SpecialDayEffects.learn(channel).kinds["holiday"]
    assert effect.count == 4
    assert effect.weight > 0.9


def test_without_any_holiday_in_the_history_a_holiday_is_forecast_like_the_rest_day() -> None:
    calendar = Calendar(special_days=(_holiday("2025-04-01", "New"),))
    channel = _channel(calendar, {})
    forecast = WeekdayAverage().predict(channel, HORIZON)
    tuesday = forecast[HORIZON.get_loc(pd.Timestamp("2025-04-01"))]
    saturday = forecast[HORIZON.get_loc(pd.Timestamp("2025-04-05"))]
    assert tuesday.sum() == pytest.approx(150.0, rel=0.03)  # a Saturday (the rest day)
    np.testing.assert_allclose(tuesday / tuesday.sum(), saturday / saturday.sum(), atol=1e-9)


def test_without_any_eve_in_the_history_an_eve_takes_the_short_day_before_an_evening_rest() -> None:
    calendar = Calendar(special_days=(_holiday("2025-04-02", "New"),))
    daily = _daily(_channel(calendar, {}, _dusk_to_dusk_shapes()))
    assert daily["2025-04-01"] == pytest.approx(450.0, rel=0.03)  # a Friday (the short day)
    # A weekend whose days keep the same hours is two days off, not an eve's model.
    assert _daily(_channel(calendar, {}))["2025-04-01"] == pytest.approx(1000.0, rel=0.03)


# A Gulf team before 2022: Friday the rest day, Saturday the short day after it.
GULF_WEEK = (1.0, 1.0, 1.0, 1.0, 0.15, 0.45, 1.1)


@pytest.mark.parametrize(
    ("week", "short_before_rest"),
    [(WEEK, 4), (GULF_WEEK, None), ((1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.4), 5)],
    ids=["israel", "gulf", "us_24_7"],
)
def test_an_eve_looks_like_the_short_day_only_where_that_day_leads_into_an_evening_rest(
    week: tuple[float, ...], short_before_rest: int | None
) -> None:
    roles = WeekRoles.of(1000 * np.asarray(week), frozenset(range(7)))
    assert roles.short_before_rest == short_before_rest
    assert roles.prior_weekday("eve") is None  # two days off: an eve is a normal day
    evening = replace(roles, evening_rest=True)
    assert evening.eve_day == evening.prior_weekday("eve") == short_before_rest


def test_the_rest_day_starts_the_evening_before_only_where_it_opens_after_the_short_day() -> None:
    calendar = Calendar()
    sabbath = SpecialDayEffects.learn(_channel(calendar, {}, _dusk_to_dusk_shapes())).roles
    same_hours = SpecialDayEffects.learn(_channel(calendar, {})).roles
    # Saturday mornings, Sundays closed with a flat trickle (Brazil): Sunday never opens.
    closed_sunday = {
        day.isoformat(): MORNING if day.weekday() == 5 else [1.0] * 24
        for day in pd.date_range(START, periods=84, freq="D").date
        if day.weekday() in (5, 6)
    }
    trickle = SpecialDayEffects.learn(
        _channel(calendar, {}, closed_sunday, week=(1.0, 1.0, 1.0, 1.0, 1.0, 0.45, 0.05))
    ).roles
    assert (sabbath.evening_rest, sabbath.eve_day) == (True, 4)
    assert (same_hours.evening_rest, same_hours.eve_day) == (False, None)
    assert (trickle.short_before_rest, trickle.evening_rest) == (5, False)


def test_a_gulf_team_forecasts_an_eve_like_a_normal_day_and_cuts_no_hours_before_its_weekend() -> (
    None
):
    calendar = Calendar(
        special_days=(_holiday("2025-04-02", "New"), _holiday("2025-04-03", "Next"))
    )
    # Saturdays (the short day, after the Friday rest day) open in the morning only.
    saturdays = {
        day.isoformat(): MORNING
        for day in pd.date_range(START, periods=84, freq="D").date
        if day.weekday() == 5
    }
    channel = _channel(calendar, {}, saturdays, week=GULF_WEEK)
    daily = _daily(channel)
    assert daily["2025-04-01"] == pytest.approx(1000.0, rel=0.03)  # a Tuesday, not a Saturday
    # Thursday's holiday runs into the Friday rest day: like a Friday, whole, as Wednesday's.
    assert daily["2025-04-03"] == pytest.approx(150.0, rel=0.03)
    result = forecast_channel(channel.before(HORIZON[0]), HORIZON, model="weekday_average")
    flags = {flag.date.isoformat(): flag.assumption for flag in result.unseen_holidays}
    assert "no short day leads into the rest day" in flags["2025-04-03"]
    assert "only those" not in flags["2025-04-03"]


def test_one_holiday_only_moves_the_prior_part_way_and_many_consistent_ones_replace_it() -> None:
    roles = WeekRoles.of(1000 * np.asarray(WEEK), frozenset(range(7)))
    one = SpecialDayEffects.learn(
        _channel(Calendar(special_days=(_holiday("2025-01-21", "Tu"),)), {"2025-01-21": 0.3})
    ).kinds["holiday"]
    many = SpecialDayEffects.learn(_channel(_pooled_calendar(), _pooled_factors())).kinds["holiday"]
    prior = 150.0 / 1000.0
    assert prior < one.multiplier(2, roles) < 0.3  # between the prior and the one day seen
    assert many.multiplier(2, roles) == pytest.approx(0.3, rel=0.03)


def test_a_holiday_on_the_rest_day_is_never_forecast_above_a_normal_rest_day() -> None:
    # Past holidays ran at 60% of a working day: four times a Saturday.
    calendar = _pooled_calendar(_holiday("2025-04-05", "New"))
    factors = {day: 0.6 / WEEK[dt.date.fromisoformat(day).weekday()] for day in PAST}
    daily = _daily(_channel(calendar, factors))
    assert daily["2025-04-05"] <= 150.0 * 1.001
    assert daily["2025-04-05"] == pytest.approx(150.0, rel=0.03)


def test_a_holiday_next_to_the_weekend_stays_between_the_rest_day_and_a_normal_day() -> None:
    # Sunday follows the Friday-Saturday weekend: a holiday then makes a three-day weekend.
    calendar = Calendar(special_days=(_holiday("2025-03-30", "New"),))
    daily = _daily(_channel(calendar, {}))
    assert 150.0 * 0.97 <= daily["2025-03-30"] <= 1100.0


def test_an_eve_on_the_short_day_is_never_below_the_quieter_of_the_two() -> None:
    # Past eves (the days before the past holidays) ran at 30% of their own weekday; a
    # Friday eve must not be cut to 30% of a Friday on top of Friday being short.
    calendar = _pooled_calendar(_holiday("2025-04-05", "New"))
    eves = {(dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat(): 0.3 for day in PAST}
    channel = _channel(calendar, eves)
    daily = _daily(channel)
    effects = SpecialDayEffects.learn(channel)
    on_workday = effects.kinds["eve"].multiplier(effects.roles.workday, effects.roles) * 1000.0
    assert daily["2025-04-04"] >= min(450.0, on_workday) * 0.97
    assert daily["2025-04-04"] <= 450.0 * 1.03


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_closure_like_kind_is_never_above_a_normal_day_and_never_below_the_quieter_of_the_two(
    kind: KindName,
) -> None:
    roles = WeekRoles.of(1000 * np.asarray(WEEK), frozenset(range(7)))
    assert (roles.rest, roles.short) == (5, 4)
    for log_ratio in np.linspace(-3, 3, 13):
        for reference in (None, roles.prior_weekday(kind)):
            effect = KindEffect(kind, 5, reference, roles.prior_weekday(kind), log_ratio, 1.0, None)
            on_workday = effect.multiplier(roles.workday, roles) * roles.level(roles.workday)
            for weekday in range(7):
                level = effect.multiplier(weekday, roles) * roles.level(weekday)
                assert level <= roles.level(weekday) * (1 + 1e-9)
                if weekday in (roles.rest, roles.short):
                    assert level >= min(roles.level(weekday), on_workday) * (1 - 1e-9)


def test_a_team_closed_at_weekends_takes_its_quietest_open_weekday_as_the_prior() -> None:
    roles = WeekRoles.of(
        np.asarray([1200.0, 1000, 1000, 1000, 900, np.nan, np.nan]), frozenset(range(5))
    )
    assert (roles.rest, roles.rest_is_open, roles.short) == (4, False, None)
    assert "the quietest open weekday" in roles.describe(roles.rest)


def test_optional_holidays_and_half_days_come_from_the_holidays_package() -> None:
    israel = day_types(Calendar(country="IL"), pd.date_range("2025-04-12", "2025-04-20"))
    assert list(israel.loc[pd.Timestamp("2025-04-13"), ["day_type", "optional"]]) == [
        "holiday",
        False,
    ]
    assert list(israel.loc[pd.Timestamp("2025-04-15"), ["day_type", "optional"]]) == [
        "holiday",
        True,
    ]
    assert israel.loc["2025-04-12", "day_type"] == "eve"  # Erev Pesach
    estonia = day_types(Calendar(country="EE"), pd.date_range("2025-12-22", "2025-12-24"))
    assert estonia.loc["2025-12-23", "day_type"] == "eve"  # a shortened pre-holiday day


def test_a_team_can_mark_its_own_eves() -> None:
    (day,) = parse_special_days("date,name,kind\n2026-12-30,Stock-take,eve\n")
    assert day.kind == "eve"
    types = day_types(Calendar(special_days=(day,)), pd.date_range("2026-12-29", "2026-12-31"))
    assert types.loc["2026-12-30", "day_type"] == "eve"


def test_the_forecast_flags_a_holiday_it_has_never_seen_with_the_assumption_used() -> None:
    calendar = Calendar(
        special_days=(
            _holiday("2025-01-21", "Old"),
            _holiday("2025-04-01", "New"),
            _holiday("2025-04-02", "Old"),
        )
    )
    channel = _channel(calendar, {"2025-01-21": 0.3})
    result = forecast_channel(channel.before(HORIZON[0]), HORIZON, model="weekday_average")
    (flag,) = result.unseen_holidays  # "Old" was seen in January: not flagged
    assert (flag.date, flag.name) == (dt.date(2025, 4, 1), "New")
    assert "like a typical Saturday (the rest day)" in flag.assumption
    assert any("'New' on 2025-04-01: not seen" in note for note in result.notes)


def test_the_backtest_reports_wape_by_day_type_and_flags_the_holidays_it_had_never_seen() -> None:
    calendar = Calendar(special_days=(_holiday("2025-03-19", "New"),))
    history = synthetic_history(
        START,
        84,
        pattern=Pattern(
            weekday_weights=WEEK, open_hours=ALL_DAY, day_factors={dt.date(2025, 3, 19): 0.15}
        ),
    )
    report = backtest(
        history, calendar=calendar, model="weekday_average", horizon_days=7, origins=3
    )
    (channel,) = report.channels
    ours = channel.results[0]
    assert ours.days_by_day_type["holiday"] == 1
    assert ours.wape_by_day_type["holiday"] == pytest.approx(0.0, abs=0.05)  # like a Saturday
    assert ours.wape_by_day_type["normal"] == pytest.approx(0.0, abs=0.05)
    plain = channel.results[2]  # the 4-weekday mean, blind to holidays
    plain_holiday = plain.wape_by_day_type["holiday"]
    assert plain_holiday is not None
    assert plain_holiday > 1.0
    (flag,) = channel.unseen_holidays
    assert (flag.date, flag.name) == (dt.date(2025, 3, 19), "New")
    assert "prior: like a typical Saturday (the rest day)" in flag.assumption
    assert flag.actual == pytest.approx(150.0, rel=0.01)
    assert flag.forecast == pytest.approx(150.0, rel=0.05)


def test_the_days_between_two_holidays_take_the_pooled_effect_of_such_days() -> None:
    pairs = [
        ("2025-01-14", "2025-01-21"),
        ("2025-02-11", "2025-02-18"),
        ("2025-03-27", "2025-04-03"),
    ]
    calendar = Calendar(
        special_days=tuple(
            _holiday(day, f"H{index}{side}")
            for index, pair in enumerate(pairs)
            for side, day in enumerate(pair)
        )
    )
    between = [f"2025-01-{day}" for day in (16, 17, 18, 19)] + [
        f"2025-02-{day}" for day in (13, 14, 15, 16)
    ]
    channel = _channel(calendar, dict.fromkeys(between, 0.7))
    assert channel.day_info.loc[pd.Timestamp("2025-03-31"), "between"]
    assert not channel.day_info.loc[pd.Timestamp("2025-03-28"), "between"]  # the day after
    daily = _daily(channel)
    assert daily["2025-03-31"] == pytest.approx(700.0, rel=0.05)  # a Monday at 70%
    assert daily["2025-04-01"] == pytest.approx(700.0, rel=0.05)


def test_the_plain_days_between_christmas_and_new_year_are_days_between_two_holidays() -> None:
    types = day_types(Calendar(country="US"), pd.date_range("2026-12-23", "2027-01-02"))
    flagged = [day.day for day in types.index[types["between"]]]
    assert flagged == [27, 28, 29, 30]  # the 26th is the day after Christmas, the 31st its eve


EVENING = [0.0] * 19 + [1.0] * 5


def _dusk_to_dusk_shapes() -> dict[str, list[float]]:
    """Fridays open in the morning only, Saturdays in the evening only: a day of rest that
    runs from dusk to dusk (an Israeli bank)."""
    first = dt.date.fromisoformat(START)
    days = [first + dt.timedelta(days=offset) for offset in range(84)]
    return {
        day.isoformat(): MORNING if day.weekday() == 4 else EVENING
        for day in days
        if day.weekday() in (4, 5)
    }


@pytest.mark.parametrize(
    "model", [WeekdayAverage(), TopDown()], ids=["weekday_average", "top_down"]
)
def test_a_holiday_running_into_the_rest_day_keeps_only_the_short_days_hours_until_one_is_seen(
    model: WeekdayAverage | TopDown,
) -> None:
    calendar = Calendar(special_days=(_holiday("2025-04-04", "New"),))  # a Friday
    dusk = _channel(calendar, {}, _dusk_to_dusk_shapes())
    same_hours = _channel(calendar, {})
    # Saturday opens in the evening, Friday closes at noon: nothing is left of the day.
    assert _daily(dusk, model)["2025-04-04"] < 1.0
    # A weekend whose days keep the same hours: the plain prior, like the rest day.
    assert _daily(same_hours, model)["2025-04-04"] == pytest.approx(150.0, rel=0.03)
    result = forecast_channel(dusk.before(HORIZON[0]), HORIZON, model="weekday_average")
    (flag,) = result.unseen_holidays
    assert "runs into another day of rest" in flag.assumption
    assert "x0.00 of a normal day" in flag.assumption


def test_a_holiday_running_into_the_rest_day_keeps_the_rest_days_night_trickle() -> None:
    # A voice response unit answers all night: 1% of a Saturday's weight in every hour.
    trickle = [0.01] * 24
    shapes = {
        day: (
            [max(a, b) for a, b in zip(shape, trickle, strict=True)] if shape is EVENING else shape
        )
        for day, shape in _dusk_to_dusk_shapes().items()
    }
    calendar = Calendar(special_days=(_holiday("2025-04-04", "New"),))  # a Friday
    forecast = WeekdayAverage().predict(_channel(calendar, {}, shapes), HORIZON)
    friday = forecast[HORIZON.get_loc(pd.Timestamp("2025-04-04"))]
    saturday = forecast[HORIZON.get_loc(pd.Timestamp("2025-04-05"))]
    night = np.asarray(EVENING) == 0  # the hours a Saturday is closed
    np.testing.assert_allclose(friday[night], saturday[night], rtol=1e-6)
    assert friday[~night].sum() == pytest.approx(0.0, abs=1e-6)  # its evening is cut
    # Once one such holiday was seen (an all-day trickle), its level is the kind's, and the
    # rest day's evening is still cut.
    calendar = Calendar(special_days=(_holiday("2025-02-14", "Old"), _holiday("2025-04-04", "New")))
    seen = _channel(calendar, {"2025-02-14": 0.02 / WEEK[4]}, shapes | {"2025-02-14": trickle})
    assert SpecialDayEffects.learn(seen).kinds["holiday_eve"].count == 1
    friday = WeekdayAverage().predict(seen, HORIZON)[HORIZON.get_loc(pd.Timestamp("2025-04-04"))]
    # 2% of a working day like the one seen (20 contacts), shrunk a little toward the prior.
    assert friday.sum() == pytest.approx(20.0, rel=0.2)
    assert friday[~night].sum() == pytest.approx(0.0, abs=1e-6)


def test_one_holiday_running_into_the_rest_day_moves_the_cut_prior_not_the_whole_rest_day() -> None:
    roles = WeekRoles.of(1000 * np.asarray(WEEK), frozenset(range(7)))
    # One such holiday seen at 30% of a Saturday; the prior keeps 10% of a Saturday.
    seen = Observation(
        own_ratio=0.3 * 150.0 / 1000.0,
        reference_ratio=0.3,
        own_profile=np.full(24, 1 / 24),
        reference_profile=np.full(24, 1 / 24),
        shares=np.full(24, 1 / 24),
        own_level=1000.0,
        reference_level=150.0,
    )
    unseen = KindEffect.learn("holiday_eve", [], roles, prior_share=0.1)
    once = KindEffect.learn("holiday_eve", [seen], roles, prior_share=0.1)
    assert unseen.multiplier(2, roles) == pytest.approx(0.1 * 150.0 / 1000.0)
    # Positive-part James-Stein toward the cut prior: the one day is log(3) away from it,
    # with the variance of a single day, 0.25.
    weight = 1.0 - 0.25 / math.log(3.0) ** 2
    assert once.weight == pytest.approx(weight)
    assert once.multiplier(2, roles) == pytest.approx(0.015 * 3.0**weight)


def test_the_prior_of_a_holiday_running_into_the_rest_day_is_the_rest_days_share_it_keeps() -> None:
    # Saturdays: a trickle of 0.01 in each of 19 closed hours, 1.0 in each of 5 evening hours;
    # Fridays open 08-12. Such a holiday keeps the night (0.19 of 5.19), not the evening.
    trickle = [0.01] * 24
    shapes = {
        day: [max(a, b) for a, b in zip(shape, trickle, strict=True)] if shape is EVENING else shape
        for day, shape in _dusk_to_dusk_shapes().items()
    }
    effects = SpecialDayEffects.learn(_channel(Calendar(), {}, shapes))
    assert effects.kinds["holiday_eve"].prior_share == pytest.approx(0.19 / 5.19)
    assert effects.kinds["holiday"].prior_share == 1.0


def test_a_holiday_running_into_the_rest_day_is_pooled_with_its_own_kind_once_one_was_seen() -> (
    None
):
    calendar = Calendar(
        special_days=(_holiday("2025-02-14", "Old"), _holiday("2025-04-04", "New"))  # Fridays
    )
    channel = _channel(calendar, {"2025-02-14": 0.02})  # 9 contacts: closed all day
    effects = SpecialDayEffects.learn(channel)
    assert effects.kinds["holiday_eve"].count == 1
    assert effects.kinds["holiday"].count == 1  # it counts among the holidays too
    assert _daily(channel)["2025-04-04"] == pytest.approx(9.0, abs=3.0)


def test_an_optional_holiday_that_is_also_an_eve_takes_the_quieter_of_the_two() -> None:
    effects = SpecialDayEffects.learn(_channel(Calendar(), {}, _dusk_to_dusk_shapes()))
    tuesday = pd.Timestamp("2025-04-01")

    def adjust(before_holiday: bool) -> tuple[float, int]:
        adjustment = effects.adjustment(
            tuesday,
            "holiday",
            "Chol HaMoed",
            math.nan,
            neighbour_ratios=True,
            optional=True,
            before_holiday=before_holiday,
        )
        return adjustment.multiplier, adjustment.profile_weekday

    alone, eve = adjust(False), adjust(True)
    assert alone[0] == pytest.approx(1.0)  # an optional holiday: a normal day
    assert alone[1] == 1
    assert eve[0] == pytest.approx(0.45, rel=0.03)  # also an eve: like the short day
    assert eve[1] == 4


def test_a_day_after_on_the_rest_day_is_no_catch_up_day() -> None:
    calendar = Calendar(
        special_days=(
            _holiday("2025-01-24", "A"),  # a Friday: its day after is a Saturday
            _holiday("2025-02-12", "B"),
            _holiday("2025-03-05", "C"),
        )
    )
    factors = {"2025-01-25": 2.0, "2025-02-13": 1.2, "2025-03-06": 1.2}
    channel = _channel(calendar, factors)
    assert channel.day_info.loc[pd.Timestamp("2025-01-25"), "day_type"] == "day_after"
    effects = SpecialDayEffects.learn(channel)
    assert effects.neighbour_ratios["day_after"] == pytest.approx(1.2, rel=0.03)
    saturday = effects.adjustment(
        pd.Timestamp("2025-04-05"), "day_after", "D", math.nan, neighbour_ratios=True
    )
    assert saturday.multiplier == 1.0
    assert saturday.shape is None


def test_the_calendar_marks_the_days_before_a_holiday() -> None:
    israel = day_types(Calendar(country="IL"), pd.date_range("1999-09-10", "1999-09-13"))
    # Rosh Hashanah on Saturday and Sunday: the Saturday is also the eve of the Sunday.
    assert israel["before_holiday"].to_dict() == {
        pd.Timestamp("1999-09-10"): True,
        pd.Timestamp("1999-09-11"): True,
        pd.Timestamp("1999-09-12"): False,
        pd.Timestamp("1999-09-13"): False,
    }
    assert list(israel["day_type"]) == ["eve", "holiday", "holiday", "day_after"]


@pytest.mark.parametrize("volume", [100.0, 100_000.0])
def test_a_holiday_seen_before_redraws_the_intraday_curve_only_as_far_as_its_contacts_show(
    volume: float,
) -> None:
    past = ("2025-01-21", "2025-02-11")  # the same holiday twice, on Tuesdays, at full volume
    pattern = Pattern(
        daily_volume=volume,
        weekday_weights=WEEK,
        open_hours=ALL_DAY,
        day_shapes={dt.date.fromisoformat(day): MORNING for day in past},
    )
    history = synthetic_history(START, 84, pattern=pattern)
    calendar = Calendar(special_days=tuple(_holiday(day, "Audit") for day in past))
    channel = channel_histories(history, calendar, horizon_end=dt.date(2025, 4, 30))["voice"]
    shape = SpecialDayEffects.learn(channel).named_shapes[holiday_key("Audit")]
    # Both days had a quarter of their contacts in each of four morning hours.
    seen = 0.25 / hourly_profile(pattern)[8:12]
    shrunk = 1 + 2 / 3 * (seen - 1)  # n / (n + 1) for two days
    if volume > 1000:
        np.testing.assert_allclose(shape[8:12], shrunk, rtol=0.01)
    else:  # 20 pseudo-contacts of "no change" per slot hold it back
        assert (shape[8:12] > 1.0).all()
        assert (shape[8:12] - 1 < 0.75 * (shrunk - 1)).all()


def test_where_counts_come_in_bursts_a_shape_needs_more_contacts_to_be_believed() -> None:
    pattern = Pattern(daily_volume=2000.0, weekday_weights=WEEK, open_hours=ALL_DAY, noise=True)
    history = synthetic_history(START, 84, pattern=pattern)
    expected = synthetic_history(START, 84, pattern=replace(pattern, noise=False))
    rng = np.random.default_rng(5)
    bursts = expected.frame["volume"] * rng.lognormal(-0.045, 0.3, len(expected.frame))
    bursty = replace(history, frame=history.frame.assign(volume=rng.poisson(bursts)))
    prior = {}
    for name, data in (("poisson", history), ("bursty", bursty)):
        channel = channel_histories(data, Calendar(), horizon_end=dt.date(2025, 4, 30))["voice"]
        prior[name] = SpecialDayEffects.learn(channel).prior_contacts
    assert prior["poisson"] == pytest.approx(20.0, rel=0.3)
    # Variance lambda + (0.3 lambda)^2 at 20-150 contacts an hour: several times Poisson.
    assert prior["bursty"] > 3 * prior["poisson"]


def _observation(shares: list[float]) -> Observation:
    flat = np.full(4, 0.25)
    return Observation(
        own_ratio=0.2,
        reference_ratio=1.0,
        own_profile=flat,
        reference_profile=flat,
        shares=np.asarray(shares),
        own_level=5000.0,
        reference_level=1000.0,
    )


def test_a_pooled_shape_measured_on_its_own_weekdays_leans_toward_the_priors_hours() -> None:
    roles = WeekRoles.of(1000 * np.asarray(WEEK), frozenset(range(7)))
    rest_day = np.asarray([0.7, 0.1, 0.1, 0.1])
    # Quiet holidays (10 contacts each) busiest in the rest day's busy hour, at the same share
    # of their own weekday but at scattered shares of the rest day: measured on their weekdays.
    busy = 0.6
    days = [
        replace(
            _observation([busy, *[(1 - busy) / 3] * 3]),
            own_ratio=0.01,
            own_level=1000.0,
            reference_ratio=ratio,
            reference_level=10.0 / ratio,
            reference_profile=rest_day,
        )
        for ratio in (0.2, 1.0, 5.0)
    ]
    effect = KindEffect.learn("holiday", days, roles)
    assert effect.reference is None
    assert effect.shape is not None
    # 20 pseudo-contacts of the prior's shape (0.7 / 0.25 = 2.8 in the first slot) against
    # their 3 x 10 x 0.6 contacts where a flat own profile expected 3 x 10 x 0.25: near the
    # prior's 2.8, not near their own weekday's 1.0 (the old target gave 38 / 27.5 = 1.38).
    assert effect.shape[0] == pytest.approx((18.0 + 20.0 * 2.8) / (7.5 + 20.0), rel=0.02)


def test_a_pooled_shape_is_kept_only_where_it_predicts_each_day_from_the_others() -> None:
    roles = WeekRoles.of(1000 * np.asarray(WEEK), frozenset(range(7)))
    alike = [_observation([0.7, 0.1, 0.1, 0.1]) for _ in range(3)]
    kept = KindEffect.learn("holiday", alike, roles)
    assert kept.shape is not None
    assert kept.shape[0] > 1.5  # busy first slot, seen on every day
    # Each day busy in a different slot: the others' shape only misleads, so none is used.
    scattered = [_observation(list(np.roll([0.7, 0.1, 0.1, 0.1], k))) for k in range(3)]
    assert KindEffect.learn("holiday", scattered, roles).shape is None
    # One day cannot be checked against another: the reference profile stays.
    assert KindEffect.learn("holiday", alike[:1], roles).shape is None
