"""The simulated week next to the Erlang projection: where do they disagree, and why?

An interval *disagrees* when the projected service level (Erlang C / A or the backlog model
on the interval's average staffing, :func:`scheduler.shifts.evaluation.schedule_coverage`) lies
outside the simulated 95% confidence interval. The reason given is the first that the
simulation shows, in this order:

* ``spill-over``: contacts were already waiting when the interval began (on average at
  least one), so the interval inherits the queue of the one before; Erlang starts each
  interval empty and in steady state.
* ``breaks``: fewer agents were on the floor in some minute than on average (breaks, shift
  starts or ends inside the interval); Erlang sees only the average.
* ``staffing change``: the number on the floor differs from the interval before, and the
  queue needs longer than the interval to settle (a handle time of ten minutes against a
  15-minute interval): the interval starts from the previous staffing's state, not from
  the steady state Erlang assumes (cuts look better than projected, additions worse).
* ``few contacts``: fewer than 10 contacts arrive; a steady state is never reached and one
  contact moves the service level by 10 points.
* ``deferred backlog``: for deferred work the projection is a fluid model over the day.
* ``other``: none of the above is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from scheduler.shifts.agents import Agent
from scheduler.shifts.evaluation import schedule_coverage
from scheduler.simulation.inputs import VolumeColumn
from scheduler.staffing.required import requirements
from scheduler.staffing.targets import Targets

SPILL_CONTACTS: Final = 1.0
FEW_CONTACTS: Final = 10.0
INTERVAL_COLUMNS: Final = (
    "interval_start",
    "channel",
    "offered",
    "projected_service_level",
    "service_level",
    "service_level_low",
    "service_level_high",
    "asa_seconds",
    "asa_seconds_low",
    "asa_seconds_high",
    "abandon_rate",
    "abandon_rate_low",
    "abandon_rate_high",
    "occupancy",
    "occupancy_low",
    "occupancy_high",
    "on_floor",
    "on_floor_min",
    "waiting_at_start",
    "disagrees",
    "reason",
)
"""The columns of SIMULATION.csv: the simulated intervals next to the projection."""
REASONS: Final = (
    "spill-over",
    "breaks",
    "staffing change",
    "few contacts",
    "deferred backlog",
    "other",
)


def projected_coverage(
    schedule: pd.DataFrame,
    workload: pd.DataFrame,
    targets: Targets,
    agents: Sequence[Agent] | None = None,
    volume_column: VolumeColumn = "volume",
) -> pd.DataFrame:
    """The schedule's coverage with the Erlang projection, for the same workload and targets
    the simulation uses (requirements recomputed from them)."""
    needed = requirements(workload, targets, volume_column=volume_column)
    return schedule_coverage(schedule, needed, agents=agents)


def compare_with_projection(
    intervals: pd.DataFrame, coverage: pd.DataFrame, models: dict[str, str]
) -> pd.DataFrame:
    """The simulated intervals with the projection, a ``disagrees`` flag and a ``reason``.

    Args:
        intervals: :attr:`SimulationResult.intervals`.
        coverage: the schedule's coverage (``interval_start``, ``channel``,
            ``projected_service_level``).
        models: the queueing model per channel (``erlang_c``, ``erlang_a``, ``deferred``).

    Returns:
        ``intervals`` plus ``projected_service_level``, ``disagrees`` and ``reason`` (empty
        where they agree, or where nothing arrives).
    """
    projected = coverage[["interval_start", "channel", "projected_service_level"]]
    table = intervals.merge(projected, on=["interval_start", "channel"], how="left")
    level = table["projected_service_level"].to_numpy(dtype=float)
    low = table["service_level_low"].to_numpy(dtype=float)
    high = table["service_level_high"].to_numpy(dtype=float)
    known = np.isfinite(level) & np.isfinite(low) & np.isfinite(high)
    disagrees = known & ((level < low - 1e-9) | (level > high + 1e-9))
    deferred = table["channel"].map(lambda channel: models.get(channel) == "deferred")
    before = table.groupby("channel")["on_floor"].shift(1)
    changed = (before.notna() & ((table["on_floor"] - before).abs() > 1e-9)).to_numpy()
    conditions = [
        table["waiting_at_start"].to_numpy(dtype=float) >= SPILL_CONTACTS,
        (table["on_floor_min"] < table["on_floor"] - 1e-9).to_numpy(),
        changed,
        (table["offered"] < FEW_CONTACTS).to_numpy(),
        deferred.to_numpy(dtype=bool),
    ]
    reason = np.select(conditions, list(REASONS[:-1]), default=REASONS[-1])
    table["disagrees"] = disagrees
    table["reason"] = np.where(disagrees, reason, "")
    return table


def channel_comparison(table: pd.DataFrame, week: pd.DataFrame) -> pd.DataFrame:
    """Per channel: projected service level (volume-weighted), simulated with its interval,
    how many intervals disagree, and how many of those for each reason."""
    rows = []
    for channel, group in table.groupby("channel", sort=True):
        weights = group["offered"].to_numpy(dtype=float)
        levels = group["projected_service_level"].to_numpy(dtype=float)
        usable = np.isfinite(levels) & (weights > 0)
        projected = (
            float(np.average(levels[usable], weights=weights[usable]))
            if usable.any()
            else float("nan")
        )
        simulated = week[week["channel"] == channel].iloc[0]
        reasons = group.loc[group["disagrees"], "reason"].value_counts()
        rows.append(
            {
                "channel": channel,
                "projected_service_level": projected,
                "service_level": float(simulated["service_level"]),
                "service_level_low": float(simulated["service_level_low"]),
                "service_level_high": float(simulated["service_level_high"]),
                "intervals_with_contacts": int((weights > 0).sum()),
                "intervals_disagreeing": int(group["disagrees"].sum()),
                **{reason: int(reasons.get(reason, 0)) for reason in REASONS},
            }
        )
    return pd.DataFrame(rows)
