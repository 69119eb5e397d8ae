"""One interval's staffing, as ``staffcast erlang`` and ``POST /v1/staffing/erlang`` report it:
the agents a live channel needs for a target (or the KPIs of a given number of agents),
with the KPIs they reach and which targets one agent fewer would miss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scheduler.errors import InvalidWorkloadError
from scheduler.staffing.live import (
    live_kpis,
    offered_load,
    required_agents,
    scheduled_agents,
    unmet_targets,
)
from scheduler.staffing.targets import ChannelTarget, QueueModel


@dataclass(frozen=True)
class IntervalStaffing:
    """Staffing of one interval of a live channel.

    Attributes:
        model: ``erlang_c``, or ``erlang_a`` when the target gives a mean patience.
        load_erlangs: offered load, ``volume x AHT / interval length``.
        agents: agents on the floor (required for the target, or as given).
        scheduled_agents: agents to schedule so that ``agents`` remain after shrinkage.
        service_level: share answered within the target's answer time.
        asa_seconds: average speed of answer; ``None`` when unbounded (too few agents).
        occupancy: share of agent time busy with contacts.
        p_wait: probability that a contact waits.
        p_abandon: probability that a contact abandons (Erlang A only, else ``None``).
        unmet_targets: targets these agents miss (empty when all are met).
        one_fewer_misses: targets one agent fewer would miss (``None`` for a what-if).
    """

    model: QueueModel
    load_erlangs: float
    agents: int
    scheduled_agents: int
    service_level: float
    asa_seconds: float | None
    occupancy: float
    p_wait: float
    p_abandon: float | None
    unmet_targets: tuple[str, ...]
    one_fewer_misses: tuple[str, ...] | None


def interval_staffing(
    volume: float,
    aht_seconds: float,
    interval_minutes: int,
    target: ChannelTarget,
    agents: int | None = None,
) -> IntervalStaffing:
    """Agents needed in one interval for ``target``, or the KPIs of ``agents`` (what-if).

    Raises:
        InvalidWorkloadError: a negative or non-finite volume, a non-positive AHT or interval,
            or negative agents.
        InvalidTargetsError: a deferred-work target (use the requirements of a whole day).
    """
    if volume < 0 or not math.isfinite(volume):
        raise InvalidWorkloadError(f"volume {volume:g} must be a count of contacts, 0 or more")
    if aht_seconds <= 0 or not math.isfinite(aht_seconds):
        raise InvalidWorkloadError(
            f"aht_seconds {aht_seconds:g} must be a positive number of seconds"
        )
    if interval_minutes <= 0:
        raise InvalidWorkloadError(f"interval_minutes {interval_minutes} must be positive")
    if agents is not None and agents < 0:
        raise InvalidWorkloadError(f"agents {agents} must be 0 or more")
    volumes, ahts = np.array([float(volume)]), np.array([float(aht_seconds)])
    load = offered_load(volumes, ahts, interval_minutes)
    floor = (
        agents
        if agents is not None
        else int(required_agents(volumes, ahts, interval_minutes, target)[0])
    )
    kpis = live_kpis(np.array([floor]), load, ahts, target)
    one_fewer = None
    if agents is None and floor > 0:
        fewer = live_kpis(np.array([floor - 1]), load, ahts, target)
        one_fewer = tuple(unmet_targets(fewer, target))
    asa = float(kpis.asa_seconds[0])
    return IntervalStaffing(
        model=target.model,
        load_erlangs=float(load[0]),
        agents=floor,
        scheduled_agents=int(scheduled_agents(np.array([floor]), target.shrinkage)[0]),
        service_level=float(kpis.service_level[0]),
        asa_seconds=asa if math.isfinite(asa) else None,
        occupancy=float(kpis.occupancy[0]),
        p_wait=float(kpis.p_wait[0]),
        p_abandon=float(kpis.p_abandon[0]) if target.model == "erlang_a" else None,
        unmet_targets=tuple(unmet_targets(kpis, target)),
        one_fewer_misses=one_fewer,
    )
