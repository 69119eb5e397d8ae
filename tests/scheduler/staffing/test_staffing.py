"""Required agents, shrinkage, concurrency and the requirements table."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.errors import InvalidTargetsError, InvalidWorkloadError
from scheduler.staffing import (
    ChannelTarget,
    Targets,
    projected_kpis,
    queueing,
    required_agents,
    requirements,
    scheduled_agents,
)
from tests.scheduler.staffing import reference


def _voice(**fields: float) -> ChannelTarget:
    values: dict[str, float] = {"service_level": 0.8, "answer_seconds": 20.0}
    values.update(fields)
    return ChannelTarget(channel="voice", **values)  # type: ignore[arg-type]


def _reference_agents(load: float, aht: float, target: ChannelTarget) -> int:
    """Least N by scanning the 40-digit reference upwards."""
    servers = 0
    while True:
        servers += 1
        if target.patience_seconds is None:
            kpis = reference.erlang_c_kpis(servers, load, aht, target.answer_seconds or 0.0)
        else:
            kpis = reference.erlang_a_kpis(
                servers, load, aht, target.patience_seconds, target.answer_seconds or 0.0
            )
        ok = target.service_level is None or kpis.service_level >= target.service_level
        ok = ok and (target.asa_seconds is None or kpis.asa_seconds <= target.asa_seconds)
        ok = ok and (target.max_abandon is None or kpis.p_abandon <= target.max_abandon)
        if target.max_occupancy is not None and target.patience_seconds is None:
            ok = ok and mpmath.mpf(load) / servers <= target.max_occupancy
        if ok:
            return servers


def _required(volume: float, aht: float, target: ChannelTarget, minutes: int = 30) -> int:
    return int(required_agents(np.array([volume]), np.array([aht]), minutes, target)[0])


def test_the_known_staffing_examples() -> None:
    assert _required(100, 180, _voice()) == 14
    assert _required(100, 180, _voice(max_occupancy=0.70)) == 15
    assert list(scheduled_agents(np.array([14, 15, 21]), 0.30)) == [20, 22, 30]


@pytest.mark.parametrize("seed", range(12))
def test_erlang_c_requirements_are_the_least_agents_of_the_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    volume, aht = float(rng.uniform(1, 600)), float(rng.uniform(60, 600))
    target = _voice(
        service_level=float(rng.uniform(0.5, 0.98)),
        answer_seconds=float(rng.uniform(5, 60)),
        asa_seconds=float(rng.uniform(5, 60)),
        max_occupancy=float(rng.uniform(0.7, 0.95)),
    )
    load = volume * aht / 1800
    assert _required(volume, aht, target) == _reference_agents(load, aht, target)


@pytest.mark.parametrize("seed", range(4))
def test_erlang_a_requirements_are_the_least_agents_of_the_reference(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    volume, aht = float(rng.uniform(5, 50)), float(rng.uniform(60, 300))
    target = _voice(
        service_level=float(rng.uniform(0.6, 0.9)),
        answer_seconds=float(rng.uniform(10, 40)),
        patience_seconds=float(rng.uniform(60, 400)),
        max_abandon=float(rng.uniform(0.02, 0.1)),
    )
    load = volume * aht / 1800
    assert _required(volume, aht, target) == _reference_agents(load, aht, target)


def test_chat_concurrency_counts_agents_not_slots() -> None:
    chat = ChannelTarget(channel="chat", service_level=0.8, answer_seconds=60.0, concurrency=3)
    agents = _required(300, 600, chat)
    slots = queueing.erlang_c(agents * 3, 300 * 600 / 1800, 600, 60)
    fewer = queueing.erlang_c((agents - 1) * 3, 300 * 600 / 1800, 600, 60)
    assert float(slots.service_level) >= 0.8 > float(fewer.service_level)


def test_abandonment_lets_fewer_agents_meet_the_same_service_level() -> None:
    patient = _required(400, 240, _voice())
    impatient = _required(400, 240, _voice(patience_seconds=120.0))
    assert impatient < patient


def test_a_huge_load_is_staffed_exactly_and_quickly() -> None:
    target = _voice(service_level=0.9, answer_seconds=20.0)
    agents = _required(50_000 * 1800 / 180, 180, target)
    at = queueing.erlang_c(agents, 50_000.0, 180, 20)
    below = queueing.erlang_c(agents - 1, 50_000.0, 180, 20)
    assert float(at.service_level) >= 0.9 > float(below.service_level)


@settings(max_examples=60, deadline=None)
@given(
    volume=st.floats(0, 2_000),
    extra=st.floats(0, 500),
    aht=st.floats(20, 1_200),
    level=st.floats(0.3, 0.99),
    answer=st.floats(1, 120),
    patience=st.one_of(st.none(), st.floats(10, 900)),
)
def test_more_volume_never_needs_fewer_agents(
    volume: float, extra: float, aht: float, level: float, answer: float, patience: float | None
) -> None:
    target = _voice(service_level=level, answer_seconds=answer)
    if patience is not None:
        target = _voice(service_level=level, answer_seconds=answer, patience_seconds=patience)
    agents = required_agents(np.array([volume, volume + extra]), np.array([aht, aht]), 30, target)
    assert agents[1] >= agents[0]


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.01, 3_000),
    aht=st.floats(20, 1_200),
    answer=st.floats(1, 120),
    patience=st.floats(10, 900),
)
def test_service_level_never_falls_as_agents_are_added(
    load: float, aht: float, answer: float, patience: float
) -> None:
    servers = np.arange(max(0, math.floor(load) - 30), math.floor(load) + 60)
    erlang_c = queueing.erlang_c(servers, load, aht, answer).service_level
    erlang_a = queueing.erlang_a(servers, load, aht, patience, answer).service_level
    assert np.all(np.diff(erlang_c) >= -1e-12)
    assert np.all(np.diff(erlang_a) >= -1e-12)


@settings(max_examples=200, deadline=None)
@given(agents=st.integers(0, 100_000), low=st.floats(0, 0.95), more=st.floats(0, 0.04))
def test_shrinkage_never_lowers_the_count(agents: int, low: float, more: float) -> None:
    fewer, most = scheduled_agents(np.array([agents, agents]), low)[0], 0
    most = int(scheduled_agents(np.array([agents]), low + more)[0])
    assert agents <= fewer <= most
    assert fewer * (1 - low) >= agents - 1e-6 * max(1, agents)


def _workload(channel: str, volumes: list[float], aht: float = 300.0) -> pd.DataFrame:
    starts = pd.date_range("2026-12-07", periods=len(volumes), freq="30min", tz="UTC")
    return pd.DataFrame(
        {"interval_start": starts, "channel": channel, "volume": volumes, "aht_seconds": aht}
    )


def test_the_requirements_table_carries_kpis_and_target_parameters() -> None:
    targets = Targets.from_dict(
        {"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.3}}}
    )
    table = requirements(_workload("voice", [100, 0, 50]), targets)
    assert list(table["agents"]) == [
        _required(100, 300, _voice()),
        0,
        _required(50, 300, _voice()),
    ]
    exact = Fraction(int(table["agents"].iloc[0])) / (1 - Fraction("0.3"))
    assert table.loc[0, "scheduled_agents"] == math.ceil(exact)
    assert (table["model"] == "erlang_c").all()
    assert table["service_level"].iloc[0] >= 0.8
    assert math.isnan(table["p_abandon"].iloc[0])


def test_projected_kpis_agree_with_the_requirements_at_the_required_staffing() -> None:
    targets = Targets.from_dict(
        {
            "channels": {
                "voice": {
                    "service_level": 0.8,
                    "answer_seconds": 20,
                    "patience_seconds": 200,
                    "shrinkage": 0.25,
                },
                "email": {"response_share": 0.9, "response_hours": 2},
            }
        }
    )
    workload = pd.concat([_workload("voice", [80, 120, 60]), _workload("email", [30, 5, 40])])
    table = requirements(workload, targets)
    projected = projected_kpis(table, table["scheduled_agents"].to_numpy(dtype=float))
    pd.testing.assert_series_equal(
        projected["service_level"], table["service_level"], check_names=False
    )
    short = projected_kpis(table, np.maximum(table["scheduled_agents"].to_numpy() - 2, 0))
    voice = table["channel"] == "voice"
    assert (short.loc[voice, "service_level"] < table.loc[voice, "service_level"]).all()


def test_a_channel_without_a_target_is_named() -> None:
    targets = Targets.from_dict({"channels": {"voice": {"asa_seconds": 30}}})
    with pytest.raises(InvalidTargetsError, match=r"'chat' has no service target.*voice"):
        requirements(_workload("chat", [10, 20]), targets)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"service_level": 1.5, "answer_seconds": 20}, r"`service_level`: 1.5 must be between"),
        ({"service_level": 0.8}, r"`answer_seconds`.*missing"),
        ({"service_level": "high", "answer_seconds": 20}, r"`service_level`: 'high' is not a num"),
        ({"asa_seconds": 20, "shrinkage": 1.0}, r"`shrinkage`: 1.0 must be in \[0, 1\)"),
        ({"asa_seconds": 20, "concurrency": 0}, r"`concurrency`: 0 must be a whole number"),
        ({"asa_seconds": 20, "max_abandon": 0.05}, r"`max_abandon`.*needs `patience_seconds`"),
        ({"asa_seconds": 20, "sla": 0.8}, r"`sla`.*not a known field"),
        ({"shrinkage": 0.3}, r"is missing: give a service level"),
        ({"response_hours": 4}, r"`response_share`.*missing"),
        ({"response_hours": 4, "response_share": 0.9, "hours": {"mon-fri": "9-5"}}, r"'9-5'"),
    ],
)
def test_bad_targets_name_the_field_and_value(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidTargetsError, match=message):
        Targets.from_dict({"channels": {"voice": fields}})


def test_projected_kpis_need_one_count_per_row() -> None:
    targets = Targets.from_dict({"channels": {"voice": {"asa_seconds": 30}}})
    table = requirements(_workload("voice", [10, 20]), targets)
    with pytest.raises(InvalidWorkloadError, match="3 values for 2 requirement rows"):
        projected_kpis(table, [1.0, 2.0, 3.0])


def test_staffing_for_the_upper_quantile_needs_at_least_as_many_agents() -> None:
    targets = Targets.from_dict({"channels": {"voice": {"asa_seconds": 30}}})
    workload = _workload("voice", [50, 80]).assign(volume_high=[70, 110])
    mean = requirements(workload, targets)
    cautious = requirements(workload, targets, volume_column="volume_high")
    assert (cautious["agents"] >= mean["agents"]).all()
    assert list(cautious["volume"]) == [70, 110]
    with pytest.raises(InvalidWorkloadError, match="no `volume_low` column"):
        requirements(workload, targets, volume_column="volume_low")


def test_projected_kpis_read_business_hours_back_from_a_csv_round_trip() -> None:
    targets = Targets.from_dict(
        {
            "channels": {
                "email": {
                    "response_share": 0.9,
                    "response_hours": 2,
                    "hours": {"mon-sun": "08:00-18:00"},
                }
            }
        }
    )
    starts = pd.date_range("2026-12-07", periods=7 * 48, freq="30min", tz="UTC")
    workload = pd.DataFrame(
        {"interval_start": starts, "channel": "email", "volume": 10.0, "aht_seconds": 300.0}
    )
    table = requirements(workload, targets)
    text = table.astype({"open": str, "interval_start": str})
    projected = projected_kpis(text, table["scheduled_agents"].to_numpy(dtype=float))
    np.testing.assert_allclose(projected["service_level"], table["service_level"])
