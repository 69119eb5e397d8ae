"""From a schedule, a workload and the targets to what the event loop needs per channel:
arrival rates and handle times per interval, servers per minute, the business clock.

Checks on the way, each error naming the row, field and value: the workload must be one
local week, the schedule's shifts must start inside that week, every channel needs a target,
and the simulation options must make sense (a negative CV of handle times is an error).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.errors import SchedulerError
from scheduler.shifts.agents import Agent
from scheduler.shifts.evaluation import parse_breaks, presence
from scheduler.shifts.templates import Week, week_of
from scheduler.staffing.hours import OperatingHours
from scheduler.staffing.targets import ChannelTarget, QueueModel, Targets
from scheduler.staffing.workload import (
    AHT_SECONDS,
    CHANNEL,
    INTERVAL_START,
    VOLUME,
    validate_workload,
)

SCHEDULE_REQUIRED: Final = ("channel", "start", "end")
_ROUNDING: Final = 1e-9
VolumeColumn = Literal["volume", "volume_high"]


class InvalidSimulationError(SchedulerError):
    """The schedule, workload or options handed to the simulation do not fit together."""


@dataclass(frozen=True)
class SimulationOptions:
    """How to simulate.

    Attributes:
        replications: independent runs of the week (at least 2, for a confidence interval).
        seed: the base seed; replication ``r`` of channel ``c`` draws from ``(seed, r, c)``.
        aht_cv: coefficient of variation of handle times: ``None`` for exponential (CV 1),
            else lognormal with this CV (0: every contact takes exactly the AHT).
        volume_column: simulate the forecast's ``volume`` or its upper band ``volume_high``.
        warmup_hours: the end of the (cyclic) week simulated before it starts, so that the
            week begins with the queues and backlog it would really inherit.
    """

    replications: int = 20
    seed: int = 0
    aht_cv: float | None = None
    volume_column: VolumeColumn = "volume"
    warmup_hours: float = 24.0

    def __post_init__(self) -> None:
        if isinstance(self.replications, bool) or not isinstance(self.replications, int):
            raise InvalidSimulationError(
                f"option `replications`: {self.replications!r} is not a whole number"
            )
        if self.replications < 2:
            raise InvalidSimulationError(
                f"option `replications`: {self.replications} is too few; a confidence "
                "interval needs at least 2 (20 is the default)"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise InvalidSimulationError(
                f"option `seed`: {self.seed!r} must be a whole number >= 0"
            )
        if self.aht_cv is not None and not (math.isfinite(self.aht_cv) and self.aht_cv >= 0):
            raise InvalidSimulationError(
                f"option `aht_cv`: {self.aht_cv:g} must be a finite number >= 0 (the standard "
                "deviation of handle times over their mean, e.g. 1.2; leave it out for "
                "exponential handle times)"
            )
        if self.volume_column not in ("volume", "volume_high"):
            raise InvalidSimulationError(
                f"option `volume_column`: {self.volume_column!r} must be volume or volume_high"
            )
        if not (math.isfinite(self.warmup_hours) and 0 <= self.warmup_hours <= 168):
            raise InvalidSimulationError(
                f"option `warmup_hours`: {self.warmup_hours:g} must be between 0 and 168"
            )


@dataclass(frozen=True)
class ChannelPlan:
    """One channel of the week, ready for the event loop.

    Attributes:
        channel: the channel name.
        model: ``erlang_c`` (nobody abandons), ``erlang_a`` (exponential patience) or
            ``deferred`` (a backlog worked in business hours).
        volume: expected contacts per interval of the week.
        aht_seconds: mean handle time per interval (1 where nothing arrives).
        on_floor: agents on the floor per minute of the week, after shrinkage.
        servers: servers per minute (agents x concurrency; zero outside business hours for
            deferred work).
        concurrency: servers per agent (chats at once).
        answer_seconds: the service-level threshold of a live channel.
        patience_seconds: mean patience (Erlang A), else ``None``.
        response_seconds: deferred work: the response target in business seconds.
        business_minutes: deferred work: open minutes elapsed at each minute of the week
            (length ``minutes + 1``); the response clock.
        able_share: live channels: per minute, the share of the agents on the floor who may
            take the deferred channel's work when idle (1 for open positions).
    """

    channel: str
    model: QueueModel
    volume: FloatArray
    aht_seconds: FloatArray
    on_floor: FloatArray
    servers: IntArray
    concurrency: int
    answer_seconds: float
    patience_seconds: float | None
    response_seconds: float | None
    business_minutes: FloatArray
    able_share: FloatArray


@dataclass(frozen=True)
class SimulationPlan:
    """Everything a replication needs, checked (see :func:`plan_simulation`)."""

    week: Week
    channels: tuple[ChannelPlan, ...]
    options: SimulationOptions
    blended: str | None
    """The deferred channel that idle agents of the live channels work on (the first one)."""

    @property
    def interval_seconds(self) -> float:
        """Length of one interval."""
        return self.week.interval_minutes * 60.0

    @property
    def week_minutes(self) -> int:
        """Minutes in the week (a week with a daylight-saving change has 60 more or less)."""
        return self.week.size * self.week.interval_minutes


def _schedule_times(schedule: pd.DataFrame, week: Week) -> pd.DataFrame:
    """Starts and ends as UTC timestamps; every shift must start inside the week."""
    missing = [column for column in SCHEDULE_REQUIRED if column not in schedule.columns]
    if missing:
        raise InvalidSimulationError(
            f"the schedule is missing the column(s) {', '.join(f'`{c}`' for c in missing)}; "
            "give the SCHEDULE.csv that `staffcast schedule` writes"
        )
    table = schedule.reset_index(drop=True).copy()
    if "breaks" not in table.columns:
        table["breaks"] = ""
    table["breaks"] = table["breaks"].fillna("").astype(str)
    first, end = pd.Timestamp(week.starts[0]), week.end()
    for column in ("start", "end"):
        raw = table[column]
        parsed = pd.to_datetime(raw.astype(str), utc=True, errors="coerce", format="ISO8601")
        bad = np.flatnonzero(parsed.isna().to_numpy())
        if bad.size:
            row = int(bad[0])
            raise InvalidSimulationError(
                f"schedule row {row + 2}, column `{column}`: {raw.iloc[row]!r} is not an "
                "ISO 8601 time with a UTC offset"
            )
        table[column] = parsed
    for row, (start, stop) in enumerate(zip(table["start"], table["end"], strict=True)):
        if stop <= start:
            raise InvalidSimulationError(
                f"schedule row {row + 2}, column `end`: {stop.isoformat()} is not after the "
                f"start {start.isoformat()}"
            )
        if not first <= start < end:
            zone = week.starts.tz
            raise InvalidSimulationError(
                f"schedule row {row + 2}, column `start`: "
                f"{start.tz_convert(zone).isoformat()} is outside the workload's week "
                f"({first.isoformat()} to {end.isoformat()}); simulate a schedule with the "
                "workload of its own week"
            )
    for row, text in enumerate(table["breaks"].tolist()):
        try:
            parse_breaks(text)
        except ValueError:
            raise InvalidSimulationError(
                f"schedule row {row + 2}, column `breaks`: {text!r} is not a list of "
                "START/END;START/END ISO 8601 times"
            ) from None
    table["channel"] = table["channel"].astype(str).str.strip().str.lower()
    return table


def _business_minutes(is_open: BoolArray, interval_minutes: int) -> FloatArray:
    per_minute = np.repeat(is_open.astype(np.float64), interval_minutes)
    return np.concatenate(([0.0], np.cumsum(per_minute)))


def plan_simulation(
    schedule: pd.DataFrame,
    workload: pd.DataFrame,
    targets: Targets,
    options: SimulationOptions | None = None,
    agents: Sequence[Agent] | None = None,
) -> SimulationPlan:
    """Check and prepare a simulation of ``schedule`` against ``workload``.

    Args:
        schedule: one row per shift: ``channel``, ``start``, ``end`` (ISO 8601 with offset or
            timestamps) and ``breaks`` (``START/END;...``), as ``staffcast schedule`` writes.
        workload: the week's workload (:mod:`scheduler.staffing.workload`), timezone-aware,
            one local week from midnight to midnight.
        targets: the service targets; every channel of the workload and schedule needs one.
        options: replications, seed, handle-time distribution, volume column, warm-up.
        agents: named agents, to know who may take deferred work when idle; agents not
            listed (open positions) may, as in the coverage projection.

    Raises:
        InvalidSimulationError: the schedule is for another week, a column or option is bad.
        InvalidWorkloadError: the workload breaks its contract or is not one week.
        InvalidTargetsError: a channel has no target.
    """
    options = options or SimulationOptions()
    table = validate_workload(workload)
    if options.volume_column != VOLUME:
        if options.volume_column not in table.columns:
            raise InvalidSimulationError(
                f"option `volume_column`: the workload has no `{options.volume_column}` "
                "column; forecasts with a prediction band carry volume_high"
            )
        table[VOLUME] = table[options.volume_column].fillna(table[VOLUME])
    week = week_of(table[INTERVAL_START])
    shifts = _schedule_times(schedule, week)
    workload_channels = sorted(table[CHANNEL].unique().tolist())
    for row, channel in enumerate(shifts["channel"].tolist()):
        if channel not in workload_channels:
            raise InvalidSimulationError(
                f"schedule row {row + 2}, column `channel`: {channel!r} has no workload "
                f"(the workload's channels: {', '.join(workload_channels)})"
            )
    models = {channel: targets.for_channel(channel).model for channel in workload_channels}
    blended = next((c for c in workload_channels if models[c] == "deferred"), None)
    skills: Mapping[str, frozenset[str]] = {a.agent_id: a.skills for a in agents or ()}
    plans = [
        _channel_plan(channel, targets.for_channel(channel), table, shifts, week, blended, skills)
        for channel in workload_channels
    ]
    return SimulationPlan(week=week, channels=tuple(plans), options=options, blended=blended)


def _channel_plan(
    channel: str,
    target: ChannelTarget,
    table: pd.DataFrame,
    shifts: pd.DataFrame,
    week: Week,
    blended: str | None,
    skills: Mapping[str, frozenset[str]],
) -> ChannelPlan:
    """One channel's arrivals, handle times and servers per minute of the week; for a live
    channel next to a deferred one (``blended``), the share of its agents who may take it."""
    origin = pd.Timestamp(week.starts[0])
    week_minutes = week.size * week.interval_minutes
    rows = table[table[CHANNEL] == channel].set_index(INTERVAL_START)
    rows = rows.reindex(week.starts)
    volume = rows[VOLUME].fillna(0.0).to_numpy(dtype=np.float64)
    aht = rows[AHT_SECONDS].to_numpy(dtype=np.float64, na_value=np.nan)
    aht = np.where((volume > 0) & np.isfinite(aht) & (aht > 0), aht, 1.0)
    own = shifts[shifts["channel"] == channel]
    present = presence(own, origin, week_minutes)
    able_share = np.ones(week_minutes)
    if blended is not None and skills and "agent_id" in own.columns:
        able = own["agent_id"].astype(str).map(lambda a: blended in skills.get(a, {blended}))
        able_present = presence(own[able.to_numpy(dtype=bool)], origin, week_minutes)
        able_share = np.divide(able_present, present, out=np.zeros(week_minutes), where=present > 0)
    on_floor = np.floor(present * (1.0 - target.shrinkage) + _ROUNDING)
    servers = on_floor.astype(np.int64) * target.concurrency
    is_open = (target.hours or OperatingHours.always()).is_open(
        pd.Series(week.starts, dtype=week.starts.dtype)
    )
    if target.model == "deferred":
        servers = servers * np.repeat(is_open, week.interval_minutes)
    return ChannelPlan(
        channel=channel,
        model=target.model,
        volume=volume,
        aht_seconds=aht,
        on_floor=on_floor,
        servers=servers,
        concurrency=target.concurrency,
        answer_seconds=target.answer_seconds or 0.0,
        patience_seconds=target.patience_seconds,
        response_seconds=None if target.response_hours is None else target.response_hours * 3600.0,
        business_minutes=_business_minutes(is_open, week.interval_minutes),
        able_share=able_share,
    )
