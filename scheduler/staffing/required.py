"""Agents required per interval: the queueing models applied to a workload and its targets.

* Live channels (voice, chat): the least whole number of agents whose Erlang C (or Erlang A,
  when a mean patience is given) KPIs meet every target of the channel — service level,
  ASA, abandonment and occupancy; the most restrictive wins. Chat concurrency ``k`` makes
  each agent ``k`` servers of an M/M/(kN) queue with the per-chat handle time at that
  concurrency.
* Deferred channels (email): the backlog model of :mod:`scheduler.staffing.deferred`.
* ``scheduled_agents = ceil(agents / (1 - shrinkage))``, rounded exactly (21 agents at 30%
  shrinkage is 30, not 31).

The search is exact and vectorised: Erlang C steps up from the stability bound with the
Erlang B recursion (all intervals at once); Erlang A bisects on agents, whose KPIs are
monotone in the number of agents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from scheduler.arrays import BoolArray, FloatArray
from scheduler.calendar import MINUTES_PER_DAY
from scheduler.errors import InvalidWorkloadError
from scheduler.staffing.deferred import deferred_requirements, deferred_service
from scheduler.staffing.hours import OperatingHours
from scheduler.staffing.live import (
    live_kpis,
    offered_load,
    required_agents,
    scheduled_agents,
)
from scheduler.staffing.targets import ChannelTarget, Targets
from scheduler.staffing.workload import (
    AHT_SECONDS,
    CHANNEL,
    INTERVAL_START,
    VOLUME,
    interval_minutes_of,
    validate_workload,
)

_RELATIVE_ROUNDING = 1e-9

KPI_COLUMNS = ("service_level", "asa_seconds", "occupancy", "p_wait", "p_abandon")
TARGET_COLUMNS = (
    "model",
    "target_service_level",
    "answer_seconds",
    "target_asa_seconds",
    "patience_seconds",
    "max_abandon",
    "max_occupancy",
    "shrinkage",
    "concurrency",
    "response_share",
    "response_hours",
    "open",
)


@dataclass(frozen=True)
class _ChannelRows:
    """One channel's rows of a workload, as arrays."""

    starts: pd.Series[pd.Timestamp]
    volume: FloatArray
    aht: FloatArray


def _channel_rows(frame: pd.DataFrame) -> _ChannelRows:
    return _ChannelRows(
        starts=frame[INTERVAL_START],
        volume=frame[VOLUME].to_numpy(dtype=np.float64),
        aht=frame[AHT_SECONDS].to_numpy(dtype=np.float64, na_value=np.nan),
    )


def _is_open(target: ChannelTarget, starts: pd.Series[pd.Timestamp]) -> BoolArray:
    return (target.hours or OperatingHours.always()).is_open(starts)


def _whole_weeks(starts: pd.Series[pd.Timestamp], interval_minutes: int) -> bool:
    """Whether the rows are a gap-free horizon of whole weeks (a repeating week)."""
    instants = starts.to_numpy(dtype="datetime64[ns]")
    step = np.timedelta64(interval_minutes, "m")
    span = len(instants) * step
    return bool(
        len(instants) > 0
        and span % np.timedelta64(7, "D") == np.timedelta64(0, "ns")
        and np.all(np.diff(instants) == step)
    )


def _channel_requirements(
    frame: pd.DataFrame, target: ChannelTarget, interval_minutes: int
) -> pd.DataFrame:
    rows = _channel_rows(frame)
    is_open = _is_open(target, rows.starts)
    if target.model == "deferred":
        assert target.response_share is not None
        assert target.response_hours is not None
        occupancy_cap = target.max_occupancy or 1.0
        agents = deferred_requirements(
            rows.volume,
            rows.aht,
            is_open,
            interval_minutes=interval_minutes,
            response_share=target.response_share,
            response_hours=target.response_hours,
            max_occupancy=occupancy_cap,
            cyclic=_whole_weeks(rows.starts, interval_minutes),
        )
    else:
        agents = required_agents(rows.volume, rows.aht, interval_minutes, target)
    result = frame.copy()
    result["agents"] = agents
    result["scheduled_agents"] = scheduled_agents(agents, target.shrinkage)
    kpis = _kpi_frame(rows, agents.astype(np.float64), target, interval_minutes, is_open)
    for column in KPI_COLUMNS:
        result[column] = kpis[column]
    result["model"] = target.model
    result["target_service_level"] = target.service_level
    result["answer_seconds"] = target.answer_seconds
    result["target_asa_seconds"] = target.asa_seconds
    result["patience_seconds"] = target.patience_seconds
    result["max_abandon"] = target.max_abandon
    result["max_occupancy"] = target.max_occupancy
    result["shrinkage"] = target.shrinkage
    result["concurrency"] = target.concurrency
    result["response_share"] = target.response_share
    result["response_hours"] = target.response_hours
    result["open"] = is_open
    return result


def _kpi_frame(
    rows: _ChannelRows,
    agents: FloatArray,
    target: ChannelTarget,
    interval_minutes: int,
    is_open: BoolArray,
    required: FloatArray | None = None,
) -> dict[str, FloatArray]:
    if target.model == "deferred":
        assert target.response_hours is not None
        service, occupancy = deferred_service(
            rows.volume,
            rows.aht,
            is_open,
            agents,
            interval_minutes=interval_minutes,
            response_hours=target.response_hours,
            max_occupancy=target.max_occupancy or 1.0,
            cyclic=_whole_weeks(rows.starts, interval_minutes),
            surrounding_agents=required,
        )
        missing = np.full(agents.size, np.nan)
        return {
            "service_level": service,
            "asa_seconds": missing,
            "occupancy": occupancy,
            "p_wait": missing,
            "p_abandon": missing,
        }
    load = offered_load(rows.volume, rows.aht, interval_minutes)
    kpis = live_kpis(agents, load, rows.aht, target)
    p_abandon = kpis.p_abandon if target.model == "erlang_a" else np.full(agents.size, np.nan)
    return {
        "service_level": kpis.service_level,
        "asa_seconds": kpis.asa_seconds,
        "occupancy": kpis.occupancy,
        "p_wait": kpis.p_wait,
        "p_abandon": p_abandon,
    }


def requirements(
    workload: pd.DataFrame,
    targets: Targets,
    interval_minutes: int | None = None,
    timezone: str | None = None,
    volume_column: Literal["volume", "volume_low", "volume_high"] = VOLUME,
) -> pd.DataFrame:
    """Agents required per interval and channel, with the KPIs they achieve.

    Args:
        workload: the workload table (see :mod:`scheduler.staffing.workload`).
        targets: service targets; every channel of the workload needs one.
        interval_minutes: interval length; inferred from the timestamps when ``None``.
        timezone: the team's timezone, in which business hours are read: naive timestamps
            are local to it, aware ones converted to it. ``None`` keeps the zone of a
            timezone-aware column and reads text timestamps as UTC.
        volume_column: staff for this column of the workload, e.g. ``volume_high`` (the
            upper prediction quantile) for a cautious plan; it replaces ``volume``.

    Returns:
        The workload's columns plus ``agents`` (on the floor), ``scheduled_agents`` (after
        shrinkage), the KPIs (``service_level``, ``asa_seconds``, ``occupancy``, ``p_wait``,
        ``p_abandon``) and the target parameters of each row (:data:`TARGET_COLUMNS`).
    """
    workload = validate_workload(workload, timezone)
    if volume_column != VOLUME:
        if volume_column not in workload.columns:
            raise InvalidWorkloadError(
                f"the workload has no `{volume_column}` column to staff for; "
                "forecasts with prediction intervals carry volume_low and volume_high"
            )
        workload[VOLUME] = workload[volume_column].fillna(workload[VOLUME])
    if interval_minutes is None:
        interval_minutes = interval_minutes_of(workload[INTERVAL_START])
    if interval_minutes <= 0 or MINUTES_PER_DAY % interval_minutes:
        raise InvalidWorkloadError(
            f"interval_minutes {interval_minutes} must divide a day, e.g. 15, 30 or 60"
        )
    parts = [
        _channel_requirements(frame, targets.for_channel(str(channel)), interval_minutes)
        for channel, frame in workload.groupby(CHANNEL, sort=True)
    ]
    return pd.concat(parts, ignore_index=True)


def _flags(column: pd.Series[Any]) -> BoolArray:
    """A boolean column that may have been through a CSV file ("True"/"False" text)."""
    if column.dtype == bool:
        return column.to_numpy(dtype=bool)
    text = column.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "yes"]).to_numpy(dtype=bool)


def _target_of(row: pd.Series[Any]) -> ChannelTarget:
    """Rebuild a channel target from the parameter columns of a requirements row."""

    def value(column: str) -> float | None:
        raw = row[column]
        return None if raw is None or pd.isna(raw) else float(raw)

    deferred = row["model"] == "deferred"
    return ChannelTarget(
        channel=str(row[CHANNEL]),
        service_level=None if deferred else value("target_service_level"),
        answer_seconds=None if deferred else value("answer_seconds"),
        asa_seconds=value("target_asa_seconds"),
        patience_seconds=value("patience_seconds"),
        max_abandon=value("max_abandon"),
        max_occupancy=value("max_occupancy"),
        shrinkage=value("shrinkage") or 0.0,
        concurrency=int(value("concurrency") or 1),
        response_share=value("response_share"),
        response_hours=value("response_hours"),
    )


def projected_kpis(
    requirements_table: pd.DataFrame, present: Iterable[float] | FloatArray
) -> pd.DataFrame:
    """KPIs each interval is projected to reach with ``present`` agents scheduled.

    ``present`` counts agents scheduled and not on break, per row of the requirements table
    (as written by :func:`requirements`); shrinkage takes its share, so ``floor(present x
    (1 - shrinkage))`` agents handle contacts. Deferred channels are evaluated with the
    backlog model over each channel's rows in time order, within business hours (``open``),
    the weeks around a whole-week horizon being staffed as required (``agents``).
    A table without the target parameter columns (one not written by :func:`requirements`)
    has nothing to project from: its KPIs are NaN.

    Returns:
        A frame aligned with ``requirements_table``: ``service_level``, ``asa_seconds``,
        ``occupancy``, ``p_wait``, ``p_abandon``.
    """
    table = requirements_table.reset_index(drop=True)
    counts = np.asarray(
        list(present) if not isinstance(present, np.ndarray) else present, dtype=np.float64
    )
    if counts.shape != (len(table),):
        raise InvalidWorkloadError(
            f"present agents: {counts.size} values for {len(table)} requirement rows"
        )
    result = pd.DataFrame(index=table.index, columns=list(KPI_COLUMNS), dtype=np.float64)
    if not set(TARGET_COLUMNS) <= set(table.columns):
        return result
    if not isinstance(table[INTERVAL_START].dtype, pd.DatetimeTZDtype):
        table[INTERVAL_START] = pd.to_datetime(table[INTERVAL_START], utc=True, format="ISO8601")
    interval_minutes = interval_minutes_of(table[INTERVAL_START])
    for _, unsorted in table.groupby(CHANNEL, sort=False):
        frame = unsorted.sort_values(INTERVAL_START)
        target = _target_of(frame.iloc[0])
        on_floor = np.floor(counts[frame.index] * (1.0 - target.shrinkage) + _RELATIVE_ROUNDING)
        rows = _channel_rows(frame)
        is_open = _flags(frame["open"])
        required = frame["agents"].to_numpy(dtype=np.float64) if "agents" in frame else None
        kpis = _kpi_frame(rows, on_floor, target, interval_minutes, is_open, required)
        for column in KPI_COLUMNS:
            result.loc[frame.index, column] = kpis[column]
    return result
