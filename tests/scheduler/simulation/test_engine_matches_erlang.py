"""The engine against the formulas it must reproduce where they hold exactly.

With a constant number of agents, no breaks, Poisson arrivals and exponential handle times
(and patience), a week is a long run of M/M/N (Erlang C) or M/M/N+M (Erlang A): the
simulated week's service level, ASA and abandonment must contain the formulas' values in
their 95% confidence intervals, on a grid from light load to near saturation. And the
engine must see the difference one agent makes: the formula's value for N agents lies
outside the interval simulated with N - 1.

Handle times are scaled with the load so that each week has about 8,000 contacts (30,000
at 95 erlangs, where one agent of a hundred is a small change); the formulas are invariant
under that scaling and the tests stay quick. The service-level threshold is a tenth of the
AHT. Near saturation the queue forgets its start slowly, so
those cases warm up for three days of the cyclic week instead of one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from scheduler.simulation import SimulationOptions, simulate_week
from scheduler.staffing import Targets
from scheduler.staffing.queueing import QueueKpis, erlang_a, erlang_c
from tests.scheduler.simulation.weeks import WEEK_SECONDS, constant_workload, round_the_clock

CONTACTS_PER_WEEK = 8_000
REPLICATIONS = 20


def _targets(aht: float, patience: float | None) -> Targets:
    voice: dict[str, object] = {"service_level": 0.8, "answer_seconds": aht / 10}
    if patience is not None:
        voice["patience_seconds"] = patience
    return Targets.from_dict({"channels": {"voice": voice}})


def _contacts(load: float) -> int:
    return 30_000 if load > 50 else CONTACTS_PER_WEEK


def _simulated(
    load: float, agents: int, patience_share: float | None, warmup: float
) -> tuple[pd.Series[Any], float, float | None]:
    aht = load * WEEK_SECONDS / _contacts(load)
    patience = None if patience_share is None else patience_share * aht
    result = simulate_week(
        round_the_clock(agents),
        constant_workload(load, aht),
        _targets(aht, patience),
        SimulationOptions(replications=REPLICATIONS, seed=0, warmup_hours=warmup),
    )
    return result.week.iloc[0], aht, patience


def _formula(load: float, agents: int, aht: float, patience: float | None) -> QueueKpis:
    if patience is None:
        return erlang_c(agents, load, aht, aht / 10)
    return erlang_a(agents, load, aht, patience, aht / 10)


def _inside(week: pd.Series[Any], kpi: str, value: float) -> bool:
    return bool(week[f"{kpi}_low"] <= value <= week[f"{kpi}_high"])


ERLANG_C_GRID = [
    pytest.param(2.0, 4, 24.0, id="light: 2 erlangs, 4 agents"),
    pytest.param(10.0, 12, 24.0, id="medium: 10 erlangs, 12 agents"),
    pytest.param(40.0, 43, 24.0, id="heavy: 40 erlangs, 43 agents"),
    pytest.param(95.0, 100, 72.0, id="near saturation: 95 erlangs, 100 agents"),
]
ERLANG_A_GRID = [
    pytest.param(2.0, 3, 24.0, id="light: 2 erlangs, 3 agents"),
    pytest.param(10.0, 10, 24.0, id="medium: 10 erlangs, 10 agents"),
    pytest.param(40.0, 40, 24.0, id="heavy: 40 erlangs, 40 agents"),
    pytest.param(95.0, 93, 24.0, id="past saturation: 95 erlangs, 93 agents"),
]


@pytest.mark.parametrize(("load", "agents", "warmup"), ERLANG_C_GRID)
def test_constant_staffing_without_abandonment_matches_erlang_c(
    load: float, agents: int, warmup: float
) -> None:
    week, aht, _ = _simulated(load, agents, None, warmup)
    expected = _formula(load, agents, aht, None)
    assert _inside(week, "service_level", float(expected.service_level))
    assert _inside(week, "asa_seconds", float(expected.asa_seconds))
    assert _inside(week, "occupancy", float(expected.occupancy))
    assert week["abandon_rate"] == 0.0
    assert week["offered"] == pytest.approx(_contacts(load), rel=0.03)


@pytest.mark.parametrize(("load", "agents", "warmup"), ERLANG_A_GRID)
def test_constant_staffing_with_patience_matches_erlang_a(
    load: float, agents: int, warmup: float
) -> None:
    week, aht, patience = _simulated(load, agents, 1.0, warmup)
    expected = _formula(load, agents, aht, patience)
    assert _inside(week, "service_level", float(expected.service_level))
    assert _inside(week, "asa_seconds", float(expected.asa_seconds))
    assert _inside(week, "abandon_rate", float(expected.p_abandon))


@pytest.mark.parametrize(("load", "agents", "warmup"), ERLANG_C_GRID)
def test_one_agent_fewer_is_detected_against_erlang_c(
    load: float, agents: int, warmup: float
) -> None:
    week, aht, _ = _simulated(load, agents - 1, None, warmup)
    right = float(_formula(load, agents, aht, None).service_level)
    assert week["service_level_high"] < right


@pytest.mark.parametrize(("load", "agents", "warmup"), ERLANG_A_GRID)
def test_one_agent_fewer_is_detected_against_erlang_a(
    load: float, agents: int, warmup: float
) -> None:
    week, aht, patience = _simulated(load, agents - 1, 1.0, warmup)
    expected = _formula(load, agents, aht, patience)
    assert week["service_level_high"] < float(expected.service_level)
    assert week["abandon_rate_low"] > float(expected.p_abandon)
