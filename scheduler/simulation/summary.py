"""From the replications' totals to KPIs with 95% confidence intervals.

Each replication gives one value of each KPI per interval (or per day, or per week): service
level = contacts answered within the target / contacts offered (abandoned contacts count
against it, as in :mod:`scheduler.staffing.queueing`), ASA = mean wait of answered contacts,
abandonment = abandoned / offered, occupancy = busy server time / server time on the floor
(capped at 1: an agent finishing a contact after their shift or into a break is busy beyond
the scheduled time). The estimate is the mean over replications and its 95% confidence
interval ``mean +- t(0.975, R - 1) s / sqrt(R)`` (Student's t over independent replications;
replications in which nothing arrived are left out of that KPI). For the two shares
(service level, abandonment) the interval is widened to at least the Wilson score interval
of the pooled counts: when every replication answers every contact in time, the spread over
replications is zero, but 40 contacts in all do not prove a service level of exactly 100%.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

import numpy as np
import pandas as pd
from scipy import stats

from scheduler.arrays import FloatArray
from scheduler.simulation.inputs import ChannelPlan, SimulationPlan
from scheduler.simulation.replication import ChannelTotals

KPIS: Final = ("service_level", "asa_seconds", "abandon_rate", "occupancy")


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """Element-wise ratio, NaN where the denominator is zero (no warnings)."""
    result = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result


def _estimate(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Mean over replications (axis 0) and the half-width of its 95% interval."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    filled = np.where(finite, values, 0.0)
    total = filled.sum(axis=0)
    mean = _ratio(total, count.astype(np.float64))
    deviation = np.where(finite, values - mean, 0.0)
    variance = _ratio((deviation**2).sum(axis=0), (count - 1).astype(np.float64))
    quantile = np.full(count.shape, np.nan)
    usable = count >= 2
    quantile[usable] = stats.t.ppf(0.975, count[usable] - 1)
    half = quantile * np.sqrt(variance) / np.sqrt(np.maximum(count, 1))
    return mean, np.where(count >= 2, half, np.nan)


def kpi_samples(
    totals: Sequence[ChannelTotals], groups: np.ndarray, count: int
) -> dict[str, FloatArray]:
    """Per replication (rows) and group (columns, by ``groups`` of the intervals), each KPI."""

    def summed(field: str) -> FloatArray:
        return np.stack(
            [np.bincount(groups, weights=getattr(t, field), minlength=count) for t in totals]
        )

    offered, answered = summed("offered"), summed("answered")
    return {
        "offered": offered,
        "in_target": summed("in_target"),
        "abandoned": summed("abandoned"),
        "service_level": _ratio(summed("in_target"), offered),
        "asa_seconds": _ratio(summed("wait_seconds"), answered),
        "abandon_rate": _ratio(summed("abandoned"), offered),
        "occupancy": np.minimum(_ratio(summed("busy_seconds"), summed("server_seconds")), 1.0),
    }


def _wilson(successes: FloatArray, trials: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The 95% Wilson score interval of a share (NaN where there are no trials)."""
    z = 1.959963984540054
    share = _ratio(successes, trials)
    n = np.where(trials > 0, trials, np.nan)
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return centre - half, centre + half


_POOLED = {"service_level": "in_target", "abandon_rate": "abandoned"}


def kpi_columns(samples: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """``offered`` (mean) and, per KPI, the mean with ``_low`` and ``_high`` bounds."""
    columns: dict[str, FloatArray] = {"offered": samples["offered"].mean(axis=0)}
    trials = samples["offered"].sum(axis=0)
    for kpi in KPIS:
        mean, half = _estimate(samples[kpi])
        low, high = mean - half, mean + half
        if kpi in _POOLED:
            wilson_low, wilson_high = _wilson(samples[_POOLED[kpi]].sum(axis=0), trials)
            low = np.fmin(low, wilson_low)
            high = np.fmax(high, wilson_high)
        if kpi != "asa_seconds":  # shares: the interval stays within [0, 1]
            low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
        else:
            low = np.maximum(low, 0.0)
        columns[kpi] = mean
        columns[f"{kpi}_low"] = low
        columns[f"{kpi}_high"] = high
    return columns


def _kpis_by_channel(
    plan: SimulationPlan,
    replications: Sequence[Sequence[ChannelTotals]],
    groups: np.ndarray,
    count: int,
) -> Iterator[tuple[ChannelPlan, list[ChannelTotals], dict[str, FloatArray]]]:
    """Each channel of the plan with its totals from every replication and its KPI columns
    over ``count`` groups (``groups``: each interval's group)."""
    for number, channel in enumerate(plan.channels):
        totals = [replication[number] for replication in replications]
        yield channel, totals, kpi_columns(kpi_samples(totals, groups, count))


def interval_table(
    plan: SimulationPlan, replications: Sequence[Sequence[ChannelTotals]]
) -> pd.DataFrame:
    """One row per channel and interval of the week."""
    size = plan.week.size
    parts = []
    for channel, totals, kpis in _kpis_by_channel(plan, replications, np.arange(size), size):
        minutes = channel.on_floor.reshape(size, -1)
        waiting = np.stack([t.waiting_at_start for t in totals]).mean(axis=0)
        parts.append(
            pd.DataFrame(
                {
                    "interval_start": plan.week.starts,
                    "channel": channel.channel,
                    **kpis,
                    "on_floor": minutes.mean(axis=1),
                    "on_floor_min": minutes.min(axis=1),
                    "waiting_at_start": waiting,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def day_table(
    plan: SimulationPlan, replications: Sequence[Sequence[ChannelTotals]]
) -> pd.DataFrame:
    """One row per channel and local day of the week."""
    parts = [
        pd.DataFrame({"date": list(plan.week.dates), "channel": channel.channel, **kpis})
        for channel, _, kpis in _kpis_by_channel(plan, replications, plan.week.day, 7)
    ]
    return pd.concat(parts, ignore_index=True)


def week_table(
    plan: SimulationPlan, replications: Sequence[Sequence[ChannelTotals]]
) -> pd.DataFrame:
    """One row per channel: the whole week."""
    whole_week = np.zeros(plan.week.size, dtype=np.int64)
    return pd.DataFrame(
        [
            {
                "channel": channel.channel,
                "model": channel.model,
                **{name: float(values[0]) for name, values in kpis.items()},
            }
            for channel, _, kpis in _kpis_by_channel(plan, replications, whole_week, 1)
        ]
    )
