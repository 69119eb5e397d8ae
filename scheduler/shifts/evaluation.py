"""Coverage of any schedule (also one a manager edited): required against scheduled agents.

``scheduled`` counts the agents of a channel at work and not on a break, in agent-equivalents
(an agent present for half an interval counts 0.5). The week is cyclic, as in the optimizer:
a shift that runs past the end of the week covers the first intervals of the same week.
Deferred channels (``model == "deferred"``) also receive idle agents of live channels: an
agent of a live channel above that channel's requirement may do deferred work in the same
interval, if they hold the deferred skill (open positions are taken as cross-trained).
The projected service level per interval comes from the queueing engine
(``scheduler.staffing.projected_kpis``), injectable for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd

from scheduler.arrays import FloatArray, IntArray
from scheduler.errors import InvalidWorkloadError
from scheduler.shifts.agents import Agent
from scheduler.staffing.required import projected_kpis

KpiFunction = Callable[[pd.DataFrame, FloatArray], pd.DataFrame]
"""``(requirements, present agents per row) -> frame with a service_level column``."""
COVERAGE_COLUMNS: Final = (
    "interval_start",
    "channel",
    "required",
    "scheduled",
    "shortfall",
    "projected_service_level",
)
SCHEDULE_COLUMNS: Final = ("agent_id", "channel", "start", "end", "paid_hours", "breaks")


def normalise_requirements(requirements: pd.DataFrame) -> pd.DataFrame:
    """Requirements sorted by channel and interval, channels lower-case, starts tz-aware.

    Raises:
        InvalidWorkloadError: if a needed column is missing or a start has no UTC offset.
    """
    missing = [
        column
        for column in ("interval_start", "channel", "scheduled_agents")
        if column not in requirements.columns
    ]
    if missing:
        raise InvalidWorkloadError(
            f"the requirements are missing the column(s) {', '.join(missing)}; give the table "
            "that `staffcast requirements` writes"
        )
    table = requirements.copy()
    starts = table["interval_start"]
    if not isinstance(starts.dtype, pd.DatetimeTZDtype):
        raise InvalidWorkloadError(
            "interval_start must be timezone-aware timestamps (ISO 8601 with a UTC offset)"
        )
    table["channel"] = table["channel"].astype(str).str.strip().str.lower()
    needed = pd.to_numeric(table["scheduled_agents"], errors="coerce")
    bad = np.flatnonzero((needed.isna() | (needed < 0)).to_numpy())
    if len(bad):
        raise InvalidWorkloadError(
            f"row {int(bad[0]) + 2}, column `scheduled_agents`: "
            f"{table['scheduled_agents'].iloc[bad[0]]!r} must be a number of agents >= 0"
        )
    table["scheduled_agents"] = needed.astype(float)
    return table.sort_values(["channel", "interval_start"], kind="stable").reset_index(drop=True)


def parse_breaks(text: object) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """``START/END;START/END`` (ISO 8601) as pairs of timestamps."""
    if not isinstance(text, str) or not text.strip():
        return []
    pairs = []
    for item in text.split(";"):
        start, _, end = item.strip().partition("/")
        pairs.append((pd.Timestamp(start), pd.Timestamp(end)))
    return pairs


def _minute_offsets(stamps: pd.Series[pd.Timestamp], origin: pd.Timestamp) -> IntArray:
    seconds = (pd.to_datetime(stamps, utc=True) - origin.tz_convert("UTC")).dt.total_seconds()
    return np.round(seconds.to_numpy(dtype=float) / 60).astype(np.int64)


def presence(shifts: pd.DataFrame, origin: pd.Timestamp, week_minutes: int) -> FloatArray:
    """Per minute of the (cyclic) week, how many of ``shifts`` are at work and not on a break."""
    delta = np.zeros(week_minutes + 1)
    spans: list[tuple[int, int, int]] = []
    starts = _minute_offsets(shifts["start"], origin)
    ends = _minute_offsets(shifts["end"], origin)
    spans.extend((int(a), int(b), 1) for a, b in zip(starts, ends, strict=True))
    for text in shifts["breaks"].tolist():
        for break_start, break_end in parse_breaks(text):
            frame = pd.Series([break_start, break_end])
            offsets = _minute_offsets(frame, origin)
            spans.append((int(offsets[0]), int(offsets[1]), -1))
    for begin, end, sign in spans:
        length = end - begin
        if length <= 0:
            continue
        first = begin % week_minutes
        for piece_start, piece_end in _cyclic_pieces(first, length, week_minutes):
            delta[piece_start] += sign
            delta[piece_end] -= sign
    return np.cumsum(delta)[:week_minutes]


def _cyclic_pieces(first: int, length: int, week_minutes: int) -> list[tuple[int, int]]:
    pieces = []
    remaining, position = min(length, week_minutes), first
    while remaining > 0:
        piece = min(remaining, week_minutes - position)
        pieces.append((position, position + piece))
        remaining -= piece
        position = 0
    return pieces


def schedule_coverage(
    schedule: pd.DataFrame,
    requirements: pd.DataFrame,
    *,
    agents: Sequence[Agent] | None = None,
    kpis: KpiFunction | None = None,
) -> pd.DataFrame:
    """Coverage per interval and channel of ``schedule`` against ``requirements``.

    Args:
        schedule: one row per shift with ``agent_id``, ``channel``, ``start``, ``end`` and
            ``breaks`` (``START/END;...``); starts and ends are timestamps or ISO strings.
        requirements: the requirements table (``scheduled_agents`` is what must be present).
        agents: named agents, to know who may absorb deferred work (others may).
        kpis: the projected-KPI function; defaults to the queueing engine's.

    Returns:
        One row per requirement row: ``interval_start``, ``channel``, ``required``,
        ``scheduled``, ``shortfall``, ``projected_service_level``.
    """
    table = normalise_requirements(requirements)
    starts = pd.DatetimeIndex(table["interval_start"].unique()).sort_values()
    interval_minutes = round((starts[1] - starts[0]).total_seconds() / 60)
    origin = pd.Timestamp(starts[0])
    size = len(starts)
    week_minutes = size * interval_minutes
    position = (
        np.round(
            (pd.DatetimeIndex(table["interval_start"]) - origin).total_seconds().to_numpy() / 60
        ).astype(np.int64)
        // interval_minutes
    )
    deferred = (
        table.groupby("channel")["model"].first().eq("deferred").to_dict()
        if "model" in table.columns
        else {}
    )
    skills: Mapping[str, frozenset[str]] = {a.agent_id: a.skills for a in agents or ()}
    frame = schedule.assign(channel=schedule["channel"].astype(str).str.lower())
    present: dict[str, FloatArray] = {}
    for channel in table["channel"].unique().tolist():
        minutes = presence(frame[frame["channel"] == channel], origin, week_minutes)
        present[channel] = minutes.reshape(size, interval_minutes).mean(axis=1)
    required = {channel: np.zeros(size) for channel in table["channel"].unique().tolist()}
    for channel, group in table.groupby("channel"):
        required[str(channel)][position[group.index.to_numpy()]] = group["scheduled_agents"]
    targets = [channel for channel, is_deferred in deferred.items() if is_deferred]
    if targets:  # one deferred queue absorbs idle time (as in the optimizer)
        target = targets[0]
        able_agents = frame["agent_id"].map(lambda agent: target in skills.get(agent, {target}))
        absorbed = np.zeros(size)
        for channel, on_floor in present.items():
            if deferred.get(channel):
                continue
            idle = np.maximum(on_floor - required[channel], 0.0)
            able = frame[(frame["channel"] == channel) & able_agents]
            capable = presence(able, origin, week_minutes).reshape(size, -1).mean(axis=1)
            absorbed += np.minimum(idle, capable)
        present[str(target)] = present[str(target)] + absorbed
    scheduled = np.array(
        [present[c][p] for c, p in zip(table["channel"].tolist(), position.tolist(), strict=True)]
    )
    coverage = pd.DataFrame(
        {
            "interval_start": table["interval_start"],
            "channel": table["channel"],
            "required": table["scheduled_agents"],
            "scheduled": np.round(scheduled, 6),
            "shortfall": np.round(np.maximum(table["scheduled_agents"] - scheduled, 0.0), 6),
        }
    )
    projected = (kpis or projected_kpis)(table, scheduled)
    coverage["projected_service_level"] = projected["service_level"].to_numpy(dtype=float)
    return coverage


def channel_service_levels(coverage: pd.DataFrame, requirements: pd.DataFrame) -> dict[str, float]:
    """Projected service level per channel over the week: the interval values weighted by
    volume (plain mean if the requirements carry no volume)."""
    table = normalise_requirements(requirements)
    weights = (
        pd.to_numeric(table["volume"], errors="coerce").fillna(0.0).to_numpy()
        if "volume" in table.columns
        else np.ones(len(table))
    )
    result: dict[str, float] = {}
    levels = coverage["projected_service_level"].to_numpy(dtype=float)
    for channel in sorted(table["channel"].unique().tolist()):
        rows = (table["channel"] == channel).to_numpy() & ~np.isnan(levels)
        weight = weights[rows]
        if not rows.any():
            result[channel] = float("nan")
        elif weight.sum() > 0:
            result[channel] = float(np.average(levels[rows], weights=weight))
        else:
            result[channel] = float(levels[rows].mean())
    return result
