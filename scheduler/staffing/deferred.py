"""Deferred work (email, tickets): staffing for "X% answered within R business hours".

Not an Erlang formula per interval: a fluid backlog model over the horizon.

* Work arrives as ``volume x aht_seconds`` agent-seconds per interval. Work that arrives while
  closed joins the backlog at the next opening; the response clock runs in business hours only
  (``open`` intervals), so an item arriving in open interval ``i`` is due by the end of open
  interval ``i + H - 1`` with ``H = R / interval length`` (conservative: as if it arrived at
  the start of its interval).
* Agents work the backlog first in, first out, each giving ``interval_seconds x
  max_occupancy`` agent-seconds per open interval. Under FIFO, "X% of interval i within R"
  means cumulative work done by its due time covers all earlier work plus X of interval i's.
* Requirement: at each open interval the least rate that meets every deadline of the work
  already in the system, spread evenly up to each deadline (``max_e (due(e) - done) /
  (e - now + 1)``, the look-ahead of the Yao-Demers-Shenker minimum-speed schedule, limited to
  work that has arrived), rounded up to whole agents. It meets every deadline by construction
  and avoids the spikes of "staff exactly what falls due".

The same model evaluates any staffing (:func:`deferred_service`): the share of each interval's
contacts answered within R.

A horizon of whole weeks is treated as a repeating week (``cyclic=True``): Friday evening's
backlog is due on Monday and Monday starts with the weekend's mail, as in steady state. The
model then runs over three copies of the week and reports the middle one. Otherwise work whose
due time falls after the horizon is not judged (service level NaN) and puts no demand on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scheduler.arrays import BoolArray, FloatArray, IntArray

_EPSILON = 1e-9


@dataclass(frozen=True)
class _OpenTimeline:
    """The horizon compressed to open intervals: arrivals are credited to the next opening."""

    open_index: IntArray  # position of each open interval in the full horizon
    work: FloatArray  # agent-seconds arriving per open interval (closed arrivals folded in)
    before: FloatArray  # cumulative work that arrived before each open interval
    due: FloatArray  # work that must be done by the end of each open interval
    horizon: int  # H: open intervals in the response time


def _timeline(
    work: FloatArray, is_open: BoolArray, interval_minutes: int, share: float, hours: float
) -> _OpenTimeline:
    open_index = np.flatnonzero(is_open)
    # Each interval's work joins the first open interval at or after it (none: after horizon).
    target = np.searchsorted(open_index, np.arange(work.size), side="left")
    credited: FloatArray = np.asarray(
        np.bincount(target, weights=work, minlength=open_index.size + 1)[: open_index.size],
        dtype=np.float64,
    )
    before = np.concatenate(([0.0], np.cumsum(credited)[:-1])).astype(np.float64)
    horizon = max(1, math.ceil(hours * 60 / interval_minutes - _EPSILON))
    # Work of open interval i: all earlier work plus `share` of its own is due by i + H - 1.
    due_of_arrival = before + share * credited
    due = np.zeros(open_index.size)
    if open_index.size >= horizon:
        due[horizon - 1 :] = due_of_arrival[: open_index.size - horizon + 1]
    return _OpenTimeline(open_index, credited, before, np.maximum.accumulate(due), horizon)


def _tripled(*arrays: npt.NDArray[np.generic]) -> list[npt.NDArray[np.generic]]:
    return [np.concatenate((array, array, array)) for array in arrays]


def _middle(array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    size = array.size // 3
    return array[size : 2 * size]


def deferred_requirements(
    volume: FloatArray,
    aht_seconds: FloatArray,
    is_open: BoolArray,
    *,
    interval_minutes: int,
    response_share: float,
    response_hours: float,
    max_occupancy: float = 1.0,
    cyclic: bool = False,
) -> IntArray:
    """Agents required per interval so that ``response_share`` of the work is answered within
    ``response_hours`` business hours (closed intervals need none).

    Args:
        volume: contacts arriving per interval (the whole horizon, in time order).
        aht_seconds: handle time per contact, per interval (ignored where volume is 0).
        is_open: business hours: whether agents work and the response clock runs.
        interval_minutes: interval length.
        response_share: share of contacts to answer within the response time, in (0, 1].
        response_hours: the response time in business hours.
        max_occupancy: share of an agent's time that goes to the backlog.
        cyclic: the horizon is a repeating week (see the module docstring).
    """
    work = np.where(volume > 0, volume * np.nan_to_num(aht_seconds), 0.0)
    if cyclic:
        work, is_open = _tripled(work, is_open)  # type: ignore[assignment]
    line = _timeline(work, is_open, interval_minutes, response_share, response_hours)
    capacity = interval_minutes * 60 * max_occupancy
    agents = np.zeros(work.size, dtype=np.int64)
    done = 0.0
    steps = np.arange(1, line.horizon + 1, dtype=np.float64)
    for position, index in enumerate(line.open_index):
        # The look-ahead only reaches deadlines of work that has already arrived.
        upcoming = line.due[position : position + line.horizon] - done
        rate = float(np.max(upcoming / steps[: upcoming.size], initial=0.0))
        needed = math.ceil(rate / capacity - _EPSILON) if rate > 0 else 0
        agents[index] = needed
        available = line.before[position] + line.work[position] - done
        done += min(needed * capacity, available)
    return _middle(agents) if cyclic else agents  # type: ignore[return-value]


def deferred_service(
    volume: FloatArray,
    aht_seconds: FloatArray,
    is_open: BoolArray,
    agents: npt.ArrayLike,
    *,
    interval_minutes: int,
    response_hours: float,
    max_occupancy: float = 1.0,
    cyclic: bool = False,
    surrounding_agents: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Share of each interval's contacts answered within the response time, and occupancy,
    for a given number of agents working the backlog in each interval.

        surrounding_agents: with ``cyclic``, the staffing of the weeks before and after
            (default: the same as ``agents``). Judging a schedule, pass the required staffing:
            the week is then judged from the backlog a well-staffed week leaves, rather than
            from the steady state of repeating it, in which any weekly deficit piles up
            without end and every contact is late.

    Returns:
        ``(service_level, occupancy)`` per interval; service level is NaN where nothing
        arrives, occupancy NaN where no one works.
    """
    work = np.where(volume > 0, volume * np.nan_to_num(aht_seconds), 0.0)
    staffed: FloatArray = np.asarray(agents, dtype=np.float64)
    if cyclic:
        around = staffed if surrounding_agents is None else np.asarray(surrounding_agents, float)
        work, is_open = _tripled(work, is_open)  # type: ignore[assignment]
        staffed = np.concatenate((around, staffed, around))
    line = _timeline(work, is_open, interval_minutes, 1.0, response_hours)
    capacity = staffed[line.open_index] * (interval_minutes * 60 * max_occupancy)
    arrived = line.before + line.work
    done = np.zeros(line.open_index.size)
    total = 0.0
    for position in range(line.open_index.size):  # FIFO fluid: done = min(cap, backlog)
        total += min(capacity[position], arrived[position] - total)
        done[position] = total
    # Share of open interval i's work finished by its deadline i + H - 1 (not judged when the
    # deadline lies beyond the horizon).
    deadline = np.arange(line.open_index.size) + line.horizon - 1
    judged = deadline < done.size
    with np.errstate(divide="ignore", invalid="ignore"):
        share_open = np.clip(
            (done[np.minimum(deadline, done.size - 1)] - line.before) / line.work, 0.0, 1.0
        )
        share_open[~judged] = np.nan
        worked = np.diff(np.concatenate(([0.0], done)))
        occupancy_open = worked / capacity * max_occupancy
    # Every interval inherits the share of the open interval its work is credited to.
    credited_to = np.searchsorted(line.open_index, np.arange(work.size), side="left")
    inside = credited_to < line.open_index.size
    service = np.full(work.size, np.nan)
    service[inside] = share_open[credited_to[inside]]
    service[work <= 0] = np.nan
    occupancy = np.full(work.size, np.nan)
    occupancy[line.open_index] = occupancy_open
    if cyclic:
        return _middle(service), _middle(occupancy)  # type: ignore[return-value]
    return service, occupancy
