"""The summary of a schedule: what a manager reads first, and every way it misses the targets.

:func:`schedule_summary` is the last step of the optimizer (and may judge any schedule whose
coverage was computed with :func:`scheduler.shifts.evaluation.schedule_coverage`). It is honest in
three ways:

* **one bound** — ``lower_bound_hours`` is the bound the caller proved for the problem it
  solved, and ``gap_percent`` compares the schedule's objective with that same number;
* **every miss in words** — ``warnings`` names each channel whose projected service level over
  the week is below its target (live channels against ``target_service_level``, deferred ones
  against ``response_share``), each channel with intervals short of the requirement, shifts
  left unassigned, a time limit that stopped the search early, and agents left without a legal
  week;
* **every channel counted** — ``intervals_below_target`` judges deferred channels by their own
  target, like live ones.

``status`` is ``optimal`` only when the gap is within the relative gap asked for and there is
nothing to warn about; otherwise ``feasible``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scheduler.arrays import BoolArray, FloatArray
from scheduler.shifts.evaluation import channel_service_levels, normalise_requirements
from scheduler.shifts.explain import ServiceTarget, service_warnings, shortfall_warnings
from scheduler.shifts.templates import week_of

__all__ = [
    "ScheduleSummary",
    "intervals_below_target",
    "schedule_summary",
    "service_targets",
]

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ScheduleSummary:
    """What a manager reads first.

    Attributes:
        status: ``optimal`` when the schedule's objective is within the relative gap of the
            bound and nothing misses a target; ``feasible`` otherwise.
        paid_hours: paid hours of the schedule.
        lower_bound_hours: the bound: least paid hours any legal schedule of the problem
            solved needs to cover what can be covered (the LP relaxation of the count model,
            every requirement met by default); NaN when unknown.
        gap_percent: how far the schedule's objective is above that bound (NaN when unknown).
        full_coverage_bound_hours: least paid hours any legal schedule needs to cover every
            requirement (LP bound; NaN when some requirement cannot be covered at all).
        headcount: agents (or open positions) with at least one shift.
        shortfall_agent_hours: agent-hours missing against the requirements.
        intervals_below_target: interval rows, of every channel, whose projected service
            level is below their channel's target (rows with a shortfall when nothing is
            projected).
        service_level_by_channel: projected service level per channel over the week.
        solve_seconds: wall time of the whole run.
        unassigned_shift_share: share of the planned shifts nobody took.
        warnings: every way the schedule misses the targets, in words.
        service_level_targets: each channel's target share (service level of a live channel,
            response share of a deferred one); channels without a target are absent.
    """

    status: str
    paid_hours: float
    lower_bound_hours: float
    gap_percent: float
    full_coverage_bound_hours: float
    headcount: int
    shortfall_agent_hours: float
    intervals_below_target: int
    service_level_by_channel: dict[str, float]
    solve_seconds: float
    unassigned_shift_share: float
    warnings: tuple[str, ...] = field(default=())
    service_level_targets: dict[str, float] = field(default_factory=dict)


def _column(table: pd.DataFrame, name: str) -> FloatArray:
    if name not in table.columns:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float)


def _is_deferred(table: pd.DataFrame) -> BoolArray:
    if "model" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return (table["model"].astype(str) == "deferred").to_numpy()


def _row_targets(table: pd.DataFrame) -> FloatArray:
    """Each requirement row's target share: response share if deferred, else service level."""
    return np.where(
        _is_deferred(table),
        _column(table, "response_share"),
        _column(table, "target_service_level"),
    )


def service_targets(requirements: pd.DataFrame) -> dict[str, ServiceTarget]:
    """Each channel's service target, read from the requirements' target columns.

    A live channel's target is ``target_service_level`` answered within ``answer_seconds``; a
    deferred channel's (``model == "deferred"``) is ``response_share`` answered within
    ``response_hours``. Channels without a target value are left out.
    """
    table = normalise_requirements(requirements)
    shares = _row_targets(table)
    deferred = _is_deferred(table)
    within = np.where(
        deferred, 3600 * _column(table, "response_hours"), _column(table, "answer_seconds")
    )
    result: dict[str, ServiceTarget] = {}
    for channel in sorted(table["channel"].unique().tolist()):
        rows = np.flatnonzero((table["channel"] == channel).to_numpy() & ~np.isnan(shares))
        if rows.size:
            first = int(rows[0])
            result[str(channel)] = ServiceTarget(
                float(shares[first]), bool(deferred[first]), float(within[first])
            )
    return result


def _aligned(coverage: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """``coverage`` in the order of the normalised requirements ``table``."""
    keys = table[["interval_start", "channel"]].assign(_row=np.arange(len(table)))
    frame = coverage.assign(channel=coverage["channel"].astype(str).str.lower())
    merged = keys.merge(frame, on=["interval_start", "channel"], how="left", validate="1:1")
    return merged.sort_values("_row").reset_index(drop=True)


def intervals_below_target(coverage: pd.DataFrame, requirements: pd.DataFrame) -> int:
    """Interval rows whose projected service level is below their channel's target.

    Live rows are judged against ``target_service_level``; deferred rows against
    ``response_share`` (the share of the interval's contacts answered within the response
    time), and only where contacts arrive (``volume > 0``; ``open`` when there is no volume).
    Rows without a projection or a target are not judged. When nothing at all is projected
    (requirements without target columns), the rows with a shortfall are counted instead.
    """
    table = normalise_requirements(requirements)
    rows = _aligned(coverage, table)
    levels = _column(rows, "projected_service_level")
    if np.isnan(levels).all():
        return int((_column(rows, "shortfall") > _TOLERANCE).sum())
    targets = _row_targets(table)
    judged = ~np.isnan(levels) & ~np.isnan(targets)
    if "volume" in table.columns:
        arriving = np.nan_to_num(_column(table, "volume")) > 0
    elif "open" in table.columns:
        arriving = table["open"].astype(str).str.strip().str.lower().isin(["true", "1"]).to_numpy()
    else:
        arriving = np.ones(len(table), dtype=bool)
    judged &= ~_is_deferred(table) | arriving
    return int((levels[judged] < targets[judged] - _TOLERANCE).sum())


def _shortfall_grid(
    coverage: pd.DataFrame, table: pd.DataFrame, channels: Sequence[str]
) -> tuple[FloatArray, int]:
    """Missing agents per channel and interval of the week, and the interval length."""
    week = week_of(table["interval_start"])
    rows = _aligned(coverage, table)
    grid = np.zeros((len(channels), week.size))
    positions = pd.Index(week.starts).get_indexer(pd.DatetimeIndex(rows["interval_start"]))
    cells = np.array([channels.index(str(c)) for c in rows["channel"]], dtype=np.int64)
    grid[cells, positions] = np.nan_to_num(_column(rows, "shortfall"))
    return grid, week.interval_minutes


def _gap_percent(objective: float, bound: float) -> float:
    if math.isnan(bound) or math.isnan(objective):
        return math.nan
    if bound <= 0:
        return 0.0 if objective <= _TOLERANCE else math.nan
    return max(100 * (objective - bound) / bound, 0.0)


def solve_warnings(
    *,
    unassigned_shifts: int,
    planned_shifts: int,
    stopped_early: bool,
    gap: float,
    relative_gap: float,
    idle_agents: Sequence[str],
) -> list[str]:
    """What the solve itself left undone, in words: planned shifts nobody took, a time limit
    that stopped the search outside the gap asked for, named agents without a legal week."""
    warnings = []
    if unassigned_shifts > 0:
        warnings.append(
            f"{unassigned_shifts} of {planned_shifts} planned shifts could not be given to any "
            "agent within the rules, so the schedule is short where they were planned"
        )
    if stopped_early:
        reached = (
            f"at {gap:.1f}% above the bound"
            if not math.isnan(gap)
            else "before the bound was known"
        )
        warnings.append(
            f"the time limit stopped the search {reached} (asked: within "
            f"{100 * relative_gap:g}%); a longer time limit may find a cheaper schedule"
        )
    warnings += [
        f"agent {agent_id} could not be given a legal week (days, hours, rest and "
        "availability together); check their contract and availability"
        for agent_id in idle_agents
    ]
    return warnings


def _rounded_or_nan(hours: float | None) -> float:
    return math.nan if hours is None else round(hours, 4)


def schedule_summary(
    *,
    shifts: pd.DataFrame,
    coverage: pd.DataFrame,
    requirements: pd.DataFrame,
    bound_hours: float | None,
    full_coverage_bound_hours: float | None,
    relative_gap: float,
    planned_shifts: int,
    unassigned_shifts: int,
    time_limit_reached: bool,
    idle_agents: Sequence[str],
    coverage_warnings: Sequence[str],
    solve_seconds: float,
    objective_hours: float | None = None,
) -> ScheduleSummary:
    """The summary of a finished schedule; its ``warnings`` list every way the schedule
    misses the targets.

    Args:
        shifts: the schedule, one row per shift (``agent_id``, ``paid_hours``, ...).
        coverage: its coverage (:func:`scheduler.shifts.evaluation.schedule_coverage`).
        requirements: the requirements table it was built for (with the target columns
            ``staffcast requirements`` writes, to judge the service level).
        bound_hours: the bound of the problem solved (paid-hour equivalents; None if unknown).
        full_coverage_bound_hours: least paid hours to cover every requirement (None if some
            requirement cannot be covered at all).
        relative_gap: the gap asked for (0.005 = 0.5%).
        planned_shifts: shifts the solver planned.
        unassigned_shifts: of those, how many no agent took (0 when every planned shift
            belongs to a legal agent week).
        time_limit_reached: whether the time limit stopped the search before it had proved
            the gap.
        idle_agents: named agents left without a legal week.
        coverage_warnings: what the checks before solving found no shift or agent can cover
            (:func:`scheduler.shifts.explain.coverage_warnings`).
        solve_seconds: wall time of the run.
        objective_hours: the schedule's objective in the bound's units; its paid hours when
            None (the objective of a problem without penalties).
    """
    table = normalise_requirements(requirements)
    channels = sorted(str(channel) for channel in table["channel"].unique().tolist())
    paid = float(pd.to_numeric(shifts["paid_hours"]).sum()) if len(shifts) else 0.0
    objective = paid if objective_hours is None else objective_hours
    bound = math.nan if bound_hours is None else float(bound_hours)
    gap = _gap_percent(objective, bound)
    levels = channel_service_levels(_aligned(coverage, table), table)
    targets = service_targets(table)
    short, interval_minutes = _shortfall_grid(coverage, table, channels)

    warnings = [
        *coverage_warnings,
        *service_warnings(levels, targets),
        *shortfall_warnings(short, week_of(table["interval_start"]), channels),
    ]
    within_gap = not math.isnan(gap) and gap <= 100 * relative_gap + _TOLERANCE
    warnings += solve_warnings(
        unassigned_shifts=unassigned_shifts,
        planned_shifts=planned_shifts,
        stopped_early=time_limit_reached and not within_gap,
        gap=gap,
        relative_gap=relative_gap,
        idle_agents=idle_agents,
    )
    return ScheduleSummary(
        status="optimal" if within_gap and not warnings else "feasible",
        paid_hours=round(paid, 4),
        lower_bound_hours=round(bound, 4),
        gap_percent=round(gap, 3),
        full_coverage_bound_hours=_rounded_or_nan(full_coverage_bound_hours),
        headcount=int(shifts["agent_id"].nunique()) if len(shifts) else 0,
        shortfall_agent_hours=round(float(short.sum()) * interval_minutes / 60, 4),
        intervals_below_target=intervals_below_target(coverage, table),
        service_level_by_channel=levels,
        solve_seconds=round(solve_seconds, 3),
        unassigned_shift_share=unassigned_shifts / max(1, planned_shifts),
        warnings=tuple(warnings),
        service_level_targets={channel: target.share for channel, target in targets.items()},
    )
