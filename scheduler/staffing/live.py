"""Agents one live channel needs per interval: Erlang C (or Erlang A with a mean patience),
chat concurrency as servers per agent, and the KPIs of a given staffing. numpy only, so that
``staffcast erlang`` loads quickly; :mod:`scheduler.staffing.required` applies these to whole
tables.

The search is exact and vectorised: Erlang C steps up from the stability bound with the
Erlang B recursion (all intervals at once); Erlang A bisects on agents, whose KPIs are
monotone in the number of agents.
"""

from __future__ import annotations

import numpy as np

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.errors import InvalidTargetsError
from scheduler.staffing import queueing
from scheduler.staffing.queueing import QueueKpis
from scheduler.staffing.targets import ChannelTarget

_RELATIVE_ROUNDING = 1e-9
_MAX_AGENTS = 10_000_000


def exact_ceil(values: FloatArray) -> IntArray:
    """``ceil`` that ignores float noise: 30.000000000000004 is 30 (relative 1e-9)."""
    nearest = np.round(values)
    close = np.abs(values - nearest) <= _RELATIVE_ROUNDING * np.maximum(1.0, np.abs(values))
    return np.where(close, nearest, np.ceil(values)).astype(np.int64)


def scheduled_agents(agents: IntArray, shrinkage: float) -> IntArray:
    """Agents to schedule so that ``agents`` remain after shrinkage (rounded up, exactly)."""
    return exact_ceil(np.asarray(agents, dtype=np.float64) / (1.0 - shrinkage))


def offered_load(volume: FloatArray, aht_seconds: FloatArray, interval_minutes: int) -> FloatArray:
    """Offered load in erlangs: ``volume x AHT / interval length``."""
    return np.where(volume > 0, volume * np.nan_to_num(aht_seconds) / (interval_minutes * 60), 0.0)


def live_kpis(
    agents: IntArray | FloatArray,
    load: FloatArray,
    aht_seconds: FloatArray,
    target: ChannelTarget,
) -> QueueKpis:
    """KPIs of a live channel with ``agents`` on the floor (concurrency included)."""
    servers = np.asarray(agents, dtype=np.float64) * target.concurrency
    aht = np.where(aht_seconds > 0, aht_seconds, 1.0)
    answer = target.answer_seconds if target.answer_seconds is not None else 0.0
    if target.patience_seconds is not None:
        return queueing.erlang_a(servers, load, aht, target.patience_seconds, answer)
    return queueing.erlang_c(servers, load, aht, answer)


def unmet_targets(kpis: QueueKpis, target: ChannelTarget) -> list[str]:
    """Names of the targets a single interval's KPIs miss (empty when all are met)."""
    checks = {
        "service_level": target.service_level is not None
        and kpis.service_level.item() < target.service_level,
        "asa_seconds": target.asa_seconds is not None
        and kpis.asa_seconds.item() > target.asa_seconds,
        "max_abandon": target.max_abandon is not None
        and kpis.p_abandon.item() > target.max_abandon,
        "max_occupancy": target.max_occupancy is not None
        and kpis.occupancy.item() > target.max_occupancy,
    }
    return [name for name, missed in checks.items() if missed]


def _meets(kpis: QueueKpis, target: ChannelTarget) -> BoolArray:
    ok = np.ones(kpis.p_wait.shape, dtype=bool)
    if target.service_level is not None:
        ok &= kpis.service_level >= target.service_level
    if target.asa_seconds is not None:
        ok &= kpis.asa_seconds <= target.asa_seconds
    if target.max_abandon is not None:
        ok &= kpis.p_abandon <= target.max_abandon
    if target.max_occupancy is not None:
        ok &= kpis.occupancy <= target.max_occupancy
    return ok


def _erlang_c_agents(load: FloatArray, aht: FloatArray, target: ChannelTarget) -> IntArray:
    """Least agents meeting the target under Erlang C: step up from the stability bound."""
    k = target.concurrency
    agents = np.floor(load / k).astype(np.int64) + 1  # k N > A
    if target.max_occupancy is not None:
        agents = np.maximum(agents, exact_ceil(load / (k * target.max_occupancy)))
    agents[load <= 0] = 0
    servers = (agents * k).astype(np.float64)
    blocking = queueing.erlang_b(servers, load)
    answer = target.answer_seconds or 0.0
    active = np.flatnonzero(load > 0)
    while active.size:
        n, a, b, h = servers[active], load[active], blocking[active], aht[active]
        p_wait = queueing.erlang_c_from_b(b, n, a)
        ok = np.ones(active.size, dtype=bool)
        if target.service_level is not None:
            ok &= 1.0 - p_wait * np.exp(-(n - a) * answer / h) >= target.service_level
        if target.asa_seconds is not None:
            ok &= p_wait * h / (n - a) <= target.asa_seconds
        active = active[~ok]
        if active.size and agents[active].max() > _MAX_AGENTS:
            raise InvalidTargetsError(
                f"targets for channel {target.channel!r} need more than {_MAX_AGENTS} agents"
            )
        for _ in range(k):  # one more agent = k more servers
            servers[active] += 1.0
            blocking[active] = queueing.erlang_b_step(
                blocking[active], servers[active], load[active]
            )
        agents[active] += 1
    return agents


def _erlang_a_agents(load: FloatArray, aht: FloatArray, target: ChannelTarget) -> IntArray:
    """Least agents meeting the target under Erlang A: bisection (KPIs monotone in agents)."""
    low = np.zeros(load.size, dtype=np.int64)  # fails the target (unless load is 0)
    high = np.maximum(1, np.ceil(load / target.concurrency)).astype(np.int64)
    pending = np.flatnonzero(load > 0)
    while pending.size:  # double until the target is met
        ok = _meets(live_kpis(high[pending], load[pending], aht[pending], target), target)
        low[pending[~ok]] = high[pending[~ok]]
        high[pending[~ok]] *= 2
        pending = pending[~ok]
        if pending.size and high[pending].max() > _MAX_AGENTS:
            raise InvalidTargetsError(
                f"targets for channel {target.channel!r} need more than {_MAX_AGENTS} agents"
            )
    active = np.flatnonzero((load > 0) & (high - low > 1))
    while active.size:
        middle = (low[active] + high[active]) // 2
        ok = _meets(live_kpis(middle, load[active], aht[active], target), target)
        high[active[ok]] = middle[ok]
        low[active[~ok]] = middle[~ok]
        active = active[high[active] - low[active] > 1]
    return np.where(load > 0, high, 0)


def required_agents(
    volume: FloatArray, aht_seconds: FloatArray, interval_minutes: int, target: ChannelTarget
) -> IntArray:
    """Least agents on the floor per interval that meet a live channel's target."""
    if target.model == "deferred":
        raise InvalidTargetsError(
            f"channel {target.channel!r} is deferred work; use deferred_requirements"
        )
    load = offered_load(volume, aht_seconds, interval_minutes)
    aht = np.where(np.nan_to_num(aht_seconds) > 0, aht_seconds, 1.0)
    if target.model == "erlang_a":
        return _erlang_a_agents(load, aht, target)
    return _erlang_c_agents(load, aht, target)
