"""One replication of the week: draw the contacts, run the event loop per channel, and sum
what happened per interval.

Timeline: seconds from the week's first interval. The last ``warmup_hours`` of the (cyclic)
week run first, at negative times, so the week starts with the queue and backlog it would
really inherit; servers then follow the schedule for one more week after the end, so that
work arriving late on Sunday is finished (and judged) as it would be. Only contacts arriving
inside the week are counted; busy time is counted inside the week whoever it serves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.simulation.inputs import ChannelPlan, SimulationPlan
from scheduler.simulation.kernel import serve


@dataclass(frozen=True)
class ChannelTotals:
    """What happened in one channel during one replication, per interval of the week.

    Attributes:
        offered: contacts that arrived.
        answered: contacts served (started; for deferred work, finished at some point).
        in_target: contacts answered within the target (live: wait <= answer_seconds;
            deferred: finished within the response time in business hours).
        wait_seconds: total wait of the answered contacts.
        abandoned: contacts that hung up before being served.
        busy_seconds: server-seconds spent handling contacts inside the interval.
        server_seconds: server-seconds scheduled (on the floor) inside the interval.
        waiting_at_start: contacts waiting when the interval began.
    """

    offered: FloatArray
    answered: FloatArray
    in_target: FloatArray
    wait_seconds: FloatArray
    abandoned: FloatArray
    busy_seconds: FloatArray
    server_seconds: FloatArray
    waiting_at_start: FloatArray


def _server_steps(plan: SimulationPlan, servers: IntArray) -> tuple[FloatArray, IntArray]:
    """Change points of the server count over warm-up, week and one week after (cyclic)."""
    minutes = plan.week_minutes
    warmup = min(round(plan.options.warmup_hours * 60), minutes)
    extended = np.concatenate((servers[minutes - warmup :], servers, servers))
    changes = np.flatnonzero(np.diff(extended)) + 1
    points = np.concatenate(([0], changes))
    times = (points - warmup).astype(np.float64) * 60.0
    return times, extended[points].astype(np.int64)


def _arrivals(
    plan: SimulationPlan, channel: ChannelPlan, rng: np.random.Generator
) -> tuple[FloatArray, IntArray, BoolArray]:
    """Poisson arrivals per interval (non-homogeneous over the week), uniform inside each;
    the warm-up repeats the end of the week. Returns the times in order, each contact's
    interval of the week, and whether it arrived inside the week (not in the warm-up)."""
    size = plan.week.size
    length = plan.interval_seconds
    warmup = min(math.ceil(plan.options.warmup_hours * 3600 / length - 1e-9), size)
    index = np.concatenate((np.arange(size - warmup, size), np.arange(size)))
    offset = np.concatenate((np.arange(-warmup, 0), np.arange(size))) * length
    counts = rng.poisson(channel.volume[index])
    labels = np.repeat(index, counts)
    times = np.repeat(offset, counts) + rng.random(labels.size) * length
    order = np.argsort(times, kind="stable")
    inside = np.repeat(offset >= 0, counts)[order]
    return times[order], labels[order], inside


def _handle_times(aht: FloatArray, cv: float | None, rng: np.random.Generator) -> FloatArray:
    """Exponential (``cv`` None) or lognormal with mean ``aht`` and the given CV."""
    if cv is None:
        return rng.exponential(aht)
    if cv == 0:
        return aht.copy()
    sigma = math.sqrt(math.log1p(cv * cv))
    return np.asarray(rng.lognormal(np.log(aht) - sigma * sigma / 2, sigma), dtype=np.float64)


def _integral_per_interval(
    starts: FloatArray, ends: FloatArray, boundaries: FloatArray
) -> FloatArray:
    """Time covered by the spans ``[start, end)`` inside each pair of boundaries."""
    first, last = np.sort(starts), np.sort(ends)
    prefix_first = np.concatenate(([0.0], np.cumsum(first)))
    prefix_last = np.concatenate(([0.0], np.cumsum(last)))
    began = np.searchsorted(first, boundaries)
    ended = np.searchsorted(last, boundaries)
    covered = (boundaries * began - prefix_first[began]) - (boundaries * ended - prefix_last[ended])
    return np.asarray(np.diff(covered), dtype=np.float64)


def _business_at(channel: ChannelPlan, seconds: FloatArray, week_minutes: int) -> FloatArray:
    """Open minutes elapsed at ``seconds`` from the week's start (cyclic over weeks)."""
    minutes = seconds / 60.0
    weeks = np.floor(minutes / week_minutes)
    inside = minutes - weeks * week_minutes
    grid = np.arange(week_minutes + 1, dtype=np.float64)
    per_week = channel.business_minutes[-1]
    return np.asarray(
        np.interp(inside, grid, channel.business_minutes) + weeks * per_week, dtype=np.float64
    )


def _sum(
    labels: IntArray, mask: BoolArray, size: int, weights: FloatArray | None = None
) -> FloatArray:
    chosen = labels[mask]
    return np.bincount(
        chosen, weights=None if weights is None else weights[mask], minlength=size
    ).astype(np.float64)


@dataclass(frozen=True)
class _Served:
    """A channel's replication: its totals and the agents it left idle, per minute."""

    totals: ChannelTotals
    idle_able_agents: FloatArray


def simulate_channel(
    plan: SimulationPlan,
    channel: ChannelPlan,
    rng: np.random.Generator,
    helpers: IntArray | None = None,
) -> _Served:
    """One replication of one channel (see the module docstring); ``helpers`` are idle
    agents of the live channels who work this (deferred) channel's backlog, per minute."""
    size = plan.week.size
    servers = channel.servers if helpers is None else channel.servers + helpers
    times, labels, counted = _arrivals(plan, channel, rng)
    handle = _handle_times(channel.aht_seconds[labels], plan.options.aht_cv, rng)
    if channel.patience_seconds is None:
        deadlines = np.full(times.size, np.inf)
    else:
        deadlines = times + rng.exponential(channel.patience_seconds, times.size)
    change_times, steps = _server_steps(plan, servers)
    starts = serve(times, handle, deadlines, change_times, steps, rng)
    answered = ~np.isnan(starts)
    waits = np.where(answered, starts - times, 0.0)
    if channel.response_seconds is not None:
        finished = np.where(answered, starts + handle, times)
        elapsed = _business_at(channel, finished, plan.week_minutes) - _business_at(
            channel, times, plan.week_minutes
        )
        in_target = answered & (elapsed * 60.0 <= channel.response_seconds + 1e-6)
    else:
        in_target = answered & (waits <= channel.answer_seconds)
    abandoned = ~answered & np.isfinite(deadlines)
    boundaries = np.arange(size + 1, dtype=np.float64) * plan.interval_seconds
    busy = _integral_per_interval(starts[answered], (starts + handle)[answered], boundaries)
    per_minute = servers.astype(np.float64) * 60.0
    server_seconds = per_minute.reshape(size, -1).sum(axis=1)
    leaves = np.where(answered, starts, np.where(abandoned, deadlines, np.inf))
    arrived_before = np.searchsorted(times, boundaries[:-1], side="left")
    left_before = np.searchsorted(np.sort(leaves), boundaries[:-1], side="right")
    minute_marks = np.arange(plan.week_minutes + 1, dtype=np.float64) * 60.0
    busy_servers = (
        _integral_per_interval(starts[answered], (starts + handle)[answered], minute_marks) / 60.0
    )
    idle_servers = np.maximum(servers - busy_servers, 0.0)
    idle_agents = np.floor(idle_servers / channel.concurrency + 1e-9)
    totals = ChannelTotals(
        offered=_sum(labels, counted, size),
        answered=_sum(labels, counted & answered, size),
        in_target=_sum(labels, counted & in_target, size),
        wait_seconds=_sum(labels, counted & answered, size, waits),
        abandoned=_sum(labels, counted & abandoned, size),
        busy_seconds=busy,
        server_seconds=server_seconds,
        waiting_at_start=(arrived_before - left_before).astype(np.float64),
    )
    return _Served(totals, np.floor(idle_agents * channel.able_share + 1e-9))


def simulate_replication(plan: SimulationPlan, replication: int) -> tuple[ChannelTotals, ...]:
    """Replication number ``replication`` of every channel, from its own fixed seed.

    Live channels run first; the agents they leave idle (minute by minute, those who hold
    the skill) then help the deferred channel named by ``plan.blended``, as the coverage
    projection assumes. This is a one-way approximation: taking an email does not delay the
    agent's next call here, where a real blended agent would be held for the email's
    handle time.
    """
    results: dict[int, ChannelTotals] = {}
    idle = np.zeros(plan.week_minutes)
    order = sorted(range(len(plan.channels)), key=lambda n: plan.channels[n].model == "deferred")
    for number in order:
        channel = plan.channels[number]
        rng = np.random.default_rng([plan.options.seed, replication, number])
        helpers = None
        if channel.channel == plan.blended:
            open_minutes = np.diff(channel.business_minutes) > 0
            helpers = np.where(open_minutes, idle, 0.0).astype(np.int64)
        served = simulate_channel(plan, channel, rng, helpers)
        if channel.model != "deferred":
            idle += served.idle_able_agents
        results[number] = served.totals
    return tuple(results[number] for number in range(len(plan.channels)))
