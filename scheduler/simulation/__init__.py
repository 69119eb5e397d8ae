"""Discrete-event simulation of a schedule's week: does it really meet the service level?

Erlang formulas assume a steady state inside each interval, independent intervals,
exponential handle times and no breaks. This simulates the week instead, contact by contact:

* Arrivals: a non-homogeneous Poisson process at the workload's volume per interval
  (optionally its upper band ``volume_high``), uniform inside each interval.
* Handle times: exponential with the interval's AHT, or lognormal with a given coefficient
  of variation (``aht_cv``). A contact keeps the AHT of the interval it arrived in.
* Agents: the schedule's shifts per channel minus their breaks, minute by minute, less
  shrinkage as in the projection (``floor(present x (1 - shrinkage))`` on the floor). When
  a break or a shift end comes, the leavers are drawn among busy and idle agents alike, and
  a leaver's contact in progress is finished first (the agent leaves late); nobody is
  interrupted.
* Live channels are first come, first served. Contacts abandon after an exponential
  patience where the target gives ``patience_seconds``. Chat with ``concurrency`` k is k
  servers per agent (as in the staffing math, AHT being per chat at that concurrency).
* Deferred work (email) is a FIFO backlog worked only by the email shifts and only in the
  channel's business hours; a contact is in target when it is finished within
  ``response_hours`` of business time. Unlike the coverage projection, idle voice and chat
  agents do not take emails here.
* The week is cyclic, as in the optimizer: its last ``warmup_hours`` run first so Monday
  inherits Sunday's queues and backlog, and the schedule keeps repeating after the end.
* ``replications`` independent runs with fixed seeds (``(seed, replication, channel)``), so
  the same input always gives the same numbers; per interval, day and week the KPIs are
  means over replications with 95% confidence intervals (:mod:`.summary`).

Why not a simulation library. ``ciw`` (3.2.7), the first candidate, was measured on a week
of 100,000 voice contacts with interval arrival rates (``PoissonIntervals``), the schedule's
servers per minute as a non-preemptive ``Schedule`` and exponential reneging
(``python -m benchmarks.simulation --ciw``, and a probe with a break-heavy schedule of 8,252
server changes): 4.5-8.5 s per replication on the optimizer's benchmark week (about 550
changes; three runs, the machine shared and loaded differently) and 9.1 s on the break-heavy
one: 91-182 s for 20 replications on one core, 46-91 s on two at best, against a budget of
60 s, before a second or third channel.
Its profile (cProfile, the break-heavy week): ``Node.update_next_end_service_with_server``
(a scan over all servers), ``Node.update_next_renege_time`` (a scan over all waiting
customers) and ``Node.choose_next_customer`` take most of the time: every event costs
O(servers + queue). It also lacks what we need next to that: the handle time of the interval
a contact arrived in, leavers drawn at random among busy and idle agents, and email served by
the live channels' idle agents within business hours. Our queue needs less than a general
network: one node per channel, first come first served, a server count as a step function.
:mod:`.kernel` is that event loop (a heap of completions, lazy abandonment at the queue's
head, O(log servers) per event), with arrivals, handle times and the accounting vectorised
in numpy: 20 x 100,000 contacts in 2.3-3.7 s on one core. It is checked against Erlang C
and Erlang A in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from scheduler.shifts.agents import Agent
from scheduler.simulation.compare import (
    INTERVAL_COLUMNS,
    REASONS,
    channel_comparison,
    compare_with_projection,
    projected_coverage,
)
from scheduler.simulation.inputs import (
    ChannelPlan,
    InvalidSimulationError,
    SimulationOptions,
    SimulationPlan,
    plan_simulation,
)
from scheduler.simulation.replication import ChannelTotals, simulate_replication
from scheduler.simulation.summary import KPIS, day_table, interval_table, week_table
from scheduler.staffing.targets import Targets

ReplicationProgress = Callable[[int, int], None]
"""``(replications done, replications in all)``; raising from it stops the simulation."""


@dataclass(frozen=True)
class SimulationResult:
    """The simulated week.

    Attributes:
        intervals: per channel and interval: ``offered`` (mean contacts) and per KPI
            (``service_level``, ``asa_seconds``, ``abandon_rate``, ``occupancy``) the mean
            with ``_low`` / ``_high`` 95% bounds; ``on_floor`` (agents, mean over the
            interval's minutes), ``on_floor_min`` (the fewest in any minute: breaks and
            shift changes inside the interval) and ``waiting_at_start`` (mean contacts
            already waiting when the interval began: spill-over).
        days: the same KPIs per channel and local date.
        week: the same KPIs per channel over the whole week, with the queueing ``model``.
        replications: how many runs the figures rest on.
    """

    intervals: pd.DataFrame
    days: pd.DataFrame
    week: pd.DataFrame
    replications: int


def summarise(
    plan: SimulationPlan, replications: list[tuple[ChannelTotals, ...]]
) -> SimulationResult:
    """Turn the replications' totals into KPI tables with confidence intervals."""
    return SimulationResult(
        intervals=interval_table(plan, replications),
        days=day_table(plan, replications),
        week=week_table(plan, replications),
        replications=len(replications),
    )


def simulate_week(
    schedule: pd.DataFrame,
    workload: pd.DataFrame,
    targets: Targets,
    options: SimulationOptions | None = None,
    progress: ReplicationProgress | None = None,
    agents: Sequence[Agent] | None = None,
) -> SimulationResult:
    """Simulate ``schedule`` against the ``workload`` it was built for.

    Args:
        schedule: the shifts (``channel``, ``start``, ``end``, ``breaks``).
        workload: one local week of volume and AHT per channel and interval.
        targets: service targets per channel.
        options: replications, seed, handle-time CV, volume column, warm-up.
        progress: called after each replication.
        agents: named agents (their skills say who may take deferred work when idle).

    Raises:
        InvalidSimulationError, InvalidWorkloadError, InvalidTargetsError: bad input, with
            the row, field and value.
    """
    plan = plan_simulation(schedule, workload, targets, options, agents)
    runs: list[tuple[ChannelTotals, ...]] = []
    total = plan.options.replications
    for replication in range(total):
        runs.append(simulate_replication(plan, replication))
        if progress is not None:
            progress(replication + 1, total)
    return summarise(plan, runs)


__all__ = [
    "INTERVAL_COLUMNS",
    "KPIS",
    "REASONS",
    "ChannelPlan",
    "ChannelTotals",
    "InvalidSimulationError",
    "ReplicationProgress",
    "SimulationOptions",
    "SimulationPlan",
    "SimulationResult",
    "channel_comparison",
    "compare_with_projection",
    "plan_simulation",
    "projected_coverage",
    "simulate_replication",
    "simulate_week",
    "summarise",
]
