"""The queueing kernels against an independent 40-digit reference and published values."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from scheduler.staffing import queueing
from tests.scheduler.staffing import reference

RTOL = 1e-9


def _close(value: float, expected: mpmath.mpf, rtol: float = RTOL) -> bool:
    if mpmath.isinf(expected):
        return math.isinf(value)
    return abs(value - float(expected)) <= rtol * max(abs(float(expected)), 1e-300)


def _grid(seed: int, size: int, max_load: float) -> list[tuple[int, float, float, float]]:
    """Seeded (servers, load, aht, answer) cases spanning light to heavy traffic."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(size):
        load = float(np.exp(rng.uniform(np.log(0.01), np.log(max_load))))
        slack = int(rng.integers(0, 4 + int(3 * math.sqrt(load))))
        servers = max(1, math.floor(load) + 1 + slack - int(rng.integers(0, 2)))
        aht = float(rng.uniform(30, 900))
        answer = float(rng.uniform(5, 120))
        cases.append((servers, load, aht, answer))
    return cases


@pytest.mark.parametrize(("servers", "load", "aht", "answer"), _grid(7, 60, 400.0))
def test_erlang_b_and_c_match_the_reference(
    servers: int, load: float, aht: float, answer: float
) -> None:
    kpis = queueing.erlang_c(servers, load, aht, answer)
    expected = reference.erlang_c_kpis(servers, load, aht, answer)
    assert _close(float(queueing.erlang_b(servers, load)), reference.erlang_b(servers, load))
    assert _close(float(kpis.p_wait), expected.p_wait)
    assert _close(float(kpis.service_level), expected.service_level)
    assert _close(float(kpis.asa_seconds), expected.asa_seconds)


@pytest.mark.parametrize(
    ("servers", "load"), [(40_000, 39_500.0), (50_400, 50_000.0), (3, 0.01), (1, 0.5)]
)
def test_erlang_c_is_exact_at_the_extremes_of_load(servers: int, load: float) -> None:
    kpis = queueing.erlang_c(servers, load, 180.0, 20.0)
    expected = reference.erlang_c_kpis(servers, load, 180.0, 20.0)
    assert _close(float(kpis.p_wait), expected.p_wait)
    assert _close(float(kpis.service_level), expected.service_level)


def test_erlang_b_is_finite_far_into_overload() -> None:
    blocking = queueing.erlang_b([1_000, 40_000, 49_999], [50_000.0] * 3)
    assert np.all(np.isfinite(blocking))
    assert _close(float(blocking[1]), reference.erlang_b(40_000, 50_000.0), 1e-9)


@pytest.mark.parametrize(
    ("servers", "load"),
    [(1, 1e-6), (500, 0.3), (2_000, 1_000.0), (4_990, 5_000.0), (5_200, 5_000.0), (60, 59.9)],
)
def test_erlang_b_matches_the_reference_far_above_near_and_below_the_load(
    servers: int, load: float
) -> None:
    assert _close(float(queueing.erlang_b(servers, load)), reference.erlang_b(servers, load))


def test_erlang_b_agrees_with_the_poisson_ratio_it_replaces() -> None:
    """The earlier kernel, ``P(X = N) / P(X <= N)`` from scipy's log-gamma and incomplete
    gamma function, on 20,000 seeded cases of the staffing search's range (it drifts to
    2e-11 at thousands of erlangs, where the new one matches the mpmath reference)."""
    from scipy import special

    rng = np.random.default_rng(3)
    load = np.exp(rng.uniform(np.log(0.01), np.log(2_000.0), 20_000))
    servers = np.maximum(1.0, np.floor(load) + rng.integers(-5, 30, load.size))
    earlier = np.exp(
        special.xlogy(servers, load)
        - load
        - special.gammaln(servers + 1.0)
        - np.log(special.pdtr(servers, load))
    )
    np.testing.assert_allclose(queueing.erlang_b(servers, load), earlier, rtol=1e-10)


def test_each_erlang_b_value_is_the_same_alone_as_in_any_array() -> None:
    rng = np.random.default_rng(5)
    load = np.exp(rng.uniform(np.log(0.05), np.log(900.0), 3_000))
    servers = np.floor(load) + rng.integers(-3, 40, load.size).clip(-int(load.min()), None)
    servers = np.maximum(servers, 1.0)
    together = queueing.erlang_b(servers, load)
    subset = rng.choice(load.size, 300, replace=False)
    assert np.array_equal(queueing.erlang_b(servers[subset], load[subset]), together[subset])
    for i in subset[:20]:
        assert float(queueing.erlang_b(servers[i], load[i])) == together[i]


def _erlang_a_grid(seed: int, size: int) -> list[tuple[int, float, float, float, float]]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(size):
        load = float(rng.uniform(0.05, 12.0))
        servers = int(rng.integers(max(1, int(load) - 3), int(load) + 6))
        aht = float(rng.uniform(60, 600))
        patience = float(rng.uniform(0.3, 3.0)) * aht
        answer = float(rng.uniform(5, 90))
        cases.append((servers, load, aht, patience, answer))
    return cases


@pytest.mark.parametrize(("servers", "load", "aht", "patience", "answer"), _erlang_a_grid(11, 30))
def test_erlang_a_matches_the_birth_death_reference(
    servers: int, load: float, aht: float, patience: float, answer: float
) -> None:
    kpis = queueing.erlang_a(servers, load, aht, patience, answer)
    expected = reference.erlang_a_kpis(servers, load, aht, patience, answer)
    assert _close(float(kpis.p_wait), expected.p_wait)
    assert _close(float(kpis.p_abandon), expected.p_abandon)
    assert _close(float(kpis.service_level), expected.service_level)
    assert _close(float(kpis.asa_seconds), expected.asa_seconds)


def test_known_values_from_the_notes() -> None:
    kpis = queueing.erlang_c(14, 10.0, 180, 20)
    assert float(kpis.p_wait) == pytest.approx(0.174132, abs=5e-7)
    assert float(kpis.service_level) == pytest.approx(0.888350, abs=5e-7)
    assert float(kpis.asa_seconds) == pytest.approx(7.836, abs=5e-4)
    assert float(kpis.occupancy) == pytest.approx(0.714, abs=5e-4)
    kpis = queueing.erlang_c(55, 360 * 240 / 1800, 240, 15)
    assert float(kpis.p_wait) == pytest.approx(0.238701, abs=5e-7)
    assert float(kpis.asa_seconds) == pytest.approx(8.184, abs=5e-4)
    assert float(kpis.service_level) == pytest.approx(0.845883, abs=5e-7)
    assert float(queueing.erlang_c(25, 20.0, 1, 1).p_wait) == pytest.approx(0.209103, abs=5e-7)
    assert float(queueing.erlang_c(3, 2.0, 1, 1).p_wait) == pytest.approx(4 / 9, rel=1e-12)
    kpis = queueing.erlang_a(14, 10.0, 180, 300, 20)
    assert float(kpis.p_wait) == pytest.approx(0.14526, abs=5e-6)
    assert float(kpis.p_abandon) == pytest.approx(0.013984, abs=5e-7)


def test_erlang_a_becomes_erlang_c_as_patience_grows() -> None:
    erlang_a = queueing.erlang_a(14, 10.0, 180, 1e12, 20)
    erlang_c = queueing.erlang_c(14, 10.0, 180, 20)
    assert float(erlang_a.service_level) == pytest.approx(float(erlang_c.service_level), rel=1e-8)


def test_erlang_a_stays_finite_from_no_agents_to_deep_overload() -> None:
    servers = np.array([0, 1, 100, 40_000, 49_000, 50_000, 52_000])
    kpis = queueing.erlang_a(servers, 50_000.0, 180.0, 180.0, 20.0)
    for values in (kpis.p_wait, kpis.p_abandon, kpis.service_level, kpis.occupancy):
        assert np.all(np.isfinite(values))
        assert np.all((values >= 0) & (values <= 1))
    assert np.all(np.diff(kpis.service_level) >= 0)
    assert np.all(np.diff(kpis.p_abandon) <= 0)


def test_no_load_means_no_waiting() -> None:
    for kpis in (queueing.erlang_c(2, 0.0, 60, 20), queueing.erlang_a(2, 0.0, 60, 60, 20)):
        assert float(kpis.p_wait) == 0.0
        assert float(kpis.service_level) == 1.0


def test_each_erlang_a_value_is_the_same_alone_as_in_any_array() -> None:
    """A few elements take the per-element path, many the vectorised loop: same bits,
    from no load and no agents to an overload whose terms need rescaling."""
    rng = np.random.default_rng(13)
    load = np.exp(rng.uniform(np.log(0.05), np.log(600.0), 400))
    load[:3] = [0.0, 0.0, 50_000.0]
    servers = np.maximum(np.floor(load) + rng.integers(-20, 30, load.size), 0.0)
    servers[:3] = [0.0, 3.0, 40_000.0]
    aht = rng.uniform(60, 600, load.size)
    patience = aht * rng.uniform(0.2, 3.0, load.size)
    together = queueing.erlang_a(servers, load, aht, patience, 20.0)
    for start in range(0, 40, 5):
        part = slice(start, start + 5)
        alone = queueing.erlang_a(servers[part], load[part], aht[part], patience[part], 20.0)
        for name in ("p_wait", "p_abandon", "service_level", "asa_seconds", "occupancy"):
            assert np.array_equal(getattr(alone, name), getattr(together, name)[part]), name
