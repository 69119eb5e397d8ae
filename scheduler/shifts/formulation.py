"""The shift-count model as one sparse linear program, shared by the LP bound and CP-SAT.

Columns (all integer in CP-SAT, continuous in the LP relaxation):

* ``x[s]`` — agents working template ``s``;
* ``y[o]`` — of those, how many take break option ``o`` (Aykin 1996: per template, each
  break's options sum to ``x[s]``);
* ``w[j]`` — agents on weekly day pattern ``j`` (5 on / 2 consecutive off, ...): the shifts
  starting on a day equal the agents whose pattern works that day, and the paid hours lie
  between ``min_hours`` and ``max_hours`` times the headcount (aggregate weekly-hours rows);
* ``short[c, t, m]`` — the m-th missing agent of channel ``c`` in interval ``t`` (at most one
  agent per segment but the last; costs increase with m, so the penalty is convex);
* ``over[c, t]`` — agents on the floor above the requirement;
* ``absorb[c, t]`` — idle agents of live channel ``c`` doing deferred (email) work in ``t``.

Coverage rows: ``on_floor[c, t] - over[c, t] + sum_m short[c, t, m] (+ absorbed) = required``,
where ``on_floor`` counts the agents of channel ``c`` whose shift covers ``t`` minus those on a
break in ``t``. Each shift serves one channel.

Costs are in paid-hour equivalents; :data:`COST_SCALE` turns them into CP-SAT integers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import sparse

from scheduler.shifts.rules import Rules
from scheduler.shifts.templates import IntArray, Templates, day_patterns

FloatArray = npt.NDArray[np.float64]
COST_SCALE: Final = 600
"""Integer objective units per paid-hour equivalent (0.1 agent-minute)."""
INFINITY: Final = math.inf


@dataclass(frozen=True)
class Program:
    """A sparse program: minimise ``cost @ x`` subject to
    ``row_lower <= matrix @ x <= row_upper`` and ``lower <= x <= upper``.

    ``blocks`` names the column ranges (``x``, ``y``, ``w``, ``short``, ``over``, ``absorb``);
    ``short_cell`` and ``over_cell`` give the (channel, interval) of those columns.
    """

    cost: FloatArray
    lower: FloatArray
    upper: FloatArray
    matrix: Any  # scipy.sparse.csr_matrix (untyped library)
    row_lower: FloatArray
    row_upper: FloatArray
    blocks: Mapping[str, slice]
    templates: Templates
    patterns: npt.NDArray[np.bool_]
    short_cell: IntArray
    short_segment: IntArray
    over_cell: IntArray
    coverage_rows: IntArray

    @property
    def columns(self) -> int:
        """Number of columns."""
        return len(self.cost)

    def headcount(self, values: FloatArray) -> float:
        """Agents on day patterns in a solution vector (0 without patterns)."""
        return float(values[self.blocks["w"]].sum())

    def paid_hours(self, values: FloatArray) -> float:
        """Paid hours of a solution vector."""
        return float(values[self.blocks["x"]] @ self.templates.paid_minutes) / 60


def required_counts(required: FloatArray) -> IntArray:
    """Whole agents to cover: requirements rounded up (tolerating float noise)."""
    return np.ceil(np.maximum(required, 0.0) - 1e-9).astype(np.int64)


class _Builder:
    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.values: list[FloatArray] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def add(self, row: IntArray, col: IntArray, value: FloatArray | float) -> None:
        self.rows.append(np.asarray(row, dtype=np.int64))
        self.cols.append(np.asarray(col, dtype=np.int64))
        self.values.append(np.broadcast_to(np.asarray(value, dtype=np.float64), len(col)).copy())

    def new_rows(self, count: int, lower: float, upper: float) -> IntArray:
        first = len(self.row_lower)
        self.row_lower.extend([lower] * count)
        self.row_upper.extend([upper] * count)
        return np.arange(first, first + count, dtype=np.int64)


def build_program(  # noqa: PLR0912, PLR0915 - the whole formulation in one place, block by block
    templates: Templates,
    required: FloatArray,
    rules: Rules,
    *,
    interval_minutes: int,
    deferred: tuple[bool, ...],
    with_patterns: bool = True,
    headcount_limit: int | None = None,
    headcount_floor: int = 0,
    paid_hours_floor: float = 0.0,
    day_capacity: Mapping[tuple[frozenset[int], int], int] | None = None,
    rest_intervals: int | None = None,
    patterns: npt.NDArray[np.bool_] | None = None,
    pattern_limit: IntArray | None = None,
    hours_range: tuple[float, float] | None = None,
    shortfall_costs: FloatArray | None = None,
    max_paid_hours: float | None = None,
    max_headcount: int | None = None,
) -> Program:
    """Build the count model over ``templates`` for ``required[c, t]`` agents.

    Args:
        templates: the candidate shifts.
        required: agents to cover per channel (row) and interval (column).
        rules: week rules (patterns, hours) and weights.
        interval_minutes: length of one interval.
        deferred: per channel, whether its work is deferred (may absorb idle live agents).
        with_patterns: add day-pattern and aggregate weekly-hours rows (the open-positions
            and bound model); the roster stage models each agent's week itself.
        headcount_limit: at most this many agents (named agents).
        headcount_floor: at least this many agents (named agents whose contracts have
            minimum hours: each works a week).
        paid_hours_floor: at least this many paid hours in all (the sum of those agents'
            contracted minimums).
        day_capacity: at most this many shifts of a set of channels on a day index.
        rest_intervals: with day patterns, add the rest rows of :func:`_add_rest_rows`.
        patterns: the day patterns (default: ``days_per_agent`` on with the consecutive days
            off); named agents pass the union of theirs.
        pattern_limit: at most this many agents per pattern (named agents who may work it).
        hours_range: weekly paid hours per agent (default: the rules' min and max).
        shortfall_costs: per channel, interval and segment, the cost of a missing agent-hour
            (default: the rules' ``weights.shortfall_agent_hour`` everywhere).
        max_paid_hours: at most this many paid hours in the week (a budget cap).
        max_headcount: at most this many agents on day patterns (a budget cap).
    """
    channels, size = required.shape
    weights = rules.weights
    interval_hours = interval_minutes / 60
    need = required_counts(required)
    n_x, n_y = templates.count, len(templates.option_template)
    if not with_patterns:
        patterns = np.zeros((0, 7), dtype=bool)
    elif patterns is None:
        patterns = day_patterns(rules.week.days_per_agent, rules.week.consecutive_days_off)
    low_hours, high_hours = hours_range or (rules.week.min_hours, rules.week.max_hours)
    n_w = len(patterns)
    cells = np.flatnonzero(need.ravel() > 0)
    segments = (
        len(weights.shortfall_agent_hour) if shortfall_costs is None else shortfall_costs.shape[2]
    )
    short_cell = np.repeat(cells, segments)
    short_segment = np.tile(np.arange(segments), len(cells))
    n_short = len(short_cell)
    live = [c for c in range(channels) if not deferred[c]]
    absorbing = any(deferred) and bool(live)
    over_cell = np.arange(channels * size)
    absorb_cell = np.array([c * size + t for c in live for t in range(size)], dtype=np.int64)
    n_absorb = len(absorb_cell) if absorbing else 0
    offsets = np.cumsum([0, n_x, n_y, n_w, n_short, channels * size, n_absorb])
    blocks = {
        name: slice(int(offsets[i]), int(offsets[i + 1]))
        for i, name in enumerate(("x", "y", "w", "short", "over", "absorb"))
    }
    total = int(offsets[-1])
    peak = need.max(axis=1, initial=0)
    # Day patterns can force more agents than the peak onto a shift (a day's demand below
    # the agents whose pattern works that day), hence the slack above the peak.
    x_upper = (2 * peak[templates.channel] + 2).astype(np.float64)
    lower = np.zeros(total)
    upper = np.full(total, INFINITY)
    upper[blocks["x"]] = x_upper
    upper[blocks["y"]] = x_upper[templates.option_template]
    if pattern_limit is not None and with_patterns:
        upper[blocks["w"]] = pattern_limit
    short_upper = np.where(
        short_segment < segments - 1, 1.0, need.ravel()[short_cell] - (segments - 1)
    )
    upper[blocks["short"]] = np.maximum(short_upper, 0.0)
    cost = np.zeros(total)
    cost[blocks["x"]] = templates.paid_minutes / 60 * weights.paid_hour
    if shortfall_costs is None:
        cost[blocks["short"]] = (
            np.array(weights.shortfall_agent_hour)[short_segment] * interval_hours
        )
    else:
        per_cell = shortfall_costs.reshape(channels * size, segments)
        cost[blocks["short"]] = per_cell[short_cell, short_segment] * interval_hours
    cost[blocks["over"]] = weights.overstaff_agent_hour * interval_hours
    cost[blocks["absorb"]] = -weights.overstaff_agent_hour * interval_hours
    builder = _Builder()
    coverage = builder.new_rows(channels * size, 0.0, 0.0)
    builder.row_lower[: channels * size] = need.ravel().astype(float).tolist()
    builder.row_upper[: channels * size] = need.ravel().astype(float).tolist()
    # Shifts on the floor over their whole length ...
    member = np.repeat(np.arange(n_x), templates.length)
    step = np.arange(len(member)) - np.repeat(
        np.cumsum(templates.length) - templates.length, templates.length
    )
    position = (templates.start[member] + step) % size
    builder.add(coverage[templates.channel[member] * size + position], member, 1.0)
    # ... less those on a break.
    option_member = np.repeat(np.arange(n_y), templates.option_length)
    option_step = np.arange(len(option_member)) - np.repeat(
        np.cumsum(templates.option_length) - templates.option_length, templates.option_length
    )
    owner = templates.option_template[option_member]
    option_position = (
        templates.start[owner] + templates.option_offset[option_member] + option_step
    ) % size
    builder.add(
        coverage[templates.channel[owner] * size + option_position],
        blocks["y"].start + option_member,
        -1.0,
    )
    builder.add(coverage[short_cell], blocks["short"].start + np.arange(n_short), 1.0)
    builder.add(coverage[over_cell], blocks["over"].start + np.arange(channels * size), -1.0)
    if absorbing:
        # Idle live agents absorb the first deferred channel's work (one deferred queue).
        target = deferred.index(True)
        builder.add(
            coverage[target * size + absorb_cell % size],
            blocks["absorb"].start + np.arange(n_absorb),
            1.0,
        )
        limit = builder.new_rows(n_absorb, -INFINITY, 0.0)
        builder.add(limit, blocks["absorb"].start + np.arange(n_absorb), 1.0)
        builder.add(limit, blocks["over"].start + absorb_cell, -1.0)
    # Each break of a template is placed exactly once per agent on it.
    pairs = templates.option_template * 64 + templates.option_break
    unique_pairs, pair_index = np.unique(pairs, return_inverse=True)
    link = builder.new_rows(len(unique_pairs), 0.0, 0.0)
    builder.add(link[pair_index], blocks["y"].start + np.arange(n_y), 1.0)
    builder.add(link, unique_pairs // 64, -1.0)
    paid = templates.paid_minutes.astype(np.float64)
    if with_patterns:
        day_rows = builder.new_rows(7, 0.0, 0.0)
        builder.add(day_rows[templates.day], np.arange(n_x), 1.0)
        pattern_index, pattern_day = np.nonzero(patterns)
        builder.add(day_rows[pattern_day], blocks["w"].start + pattern_index, -1.0)
        hours_rows = builder.new_rows(2, -INFINITY, 0.0)
        builder.row_lower[hours_rows[1]] = 0.0
        builder.row_upper[hours_rows[1]] = INFINITY
        for row, hours in zip(hours_rows, (high_hours, low_hours), strict=True):
            builder.add(np.full(n_x, row), np.arange(n_x), paid)
            builder.add(np.full(n_w, row), blocks["w"].start + np.arange(n_w), -hours * 60)
        if rest_intervals is not None:
            _add_rest_rows(
                builder,
                templates,
                patterns,
                w_start=blocks["w"].start,
                rest_intervals=rest_intervals,
                size=size,
            )
        if headcount_limit is not None:
            head = builder.new_rows(1, float(headcount_floor), float(headcount_limit))
            builder.add(np.full(n_w, head[0]), blocks["w"].start + np.arange(n_w), 1.0)
    if paid_hours_floor > 0:
        floor = builder.new_rows(1, paid_hours_floor * 60, INFINITY)
        builder.add(np.full(n_x, floor[0]), np.arange(n_x), paid)
    if max_paid_hours is not None:
        cap = builder.new_rows(1, -INFINITY, max_paid_hours * 60)
        builder.add(np.full(n_x, cap[0]), np.arange(n_x), paid)
    if max_headcount is not None and with_patterns:
        heads = builder.new_rows(1, -INFINITY, float(max_headcount))
        builder.add(np.full(n_w, heads[0]), blocks["w"].start + np.arange(n_w), 1.0)
    for (channel_set, day), capacity in (day_capacity or {}).items():
        chosen = np.flatnonzero(
            np.isin(templates.channel, list(channel_set)) & (templates.day == day)
        )
        row = builder.new_rows(1, -INFINITY, float(capacity))
        builder.add(np.full(len(chosen), row[0]), chosen, 1.0)
    matrix = sparse.csr_matrix(
        (
            np.concatenate(builder.values),
            (np.concatenate(builder.rows), np.concatenate(builder.cols)),
        ),
        shape=(len(builder.row_lower), total),
    )
    matrix.sum_duplicates()
    return Program(
        cost=cost,
        lower=lower,
        upper=upper,
        matrix=matrix,
        row_lower=np.array(builder.row_lower),
        row_upper=np.array(builder.row_upper),
        blocks=blocks,
        templates=templates,
        patterns=patterns,
        short_cell=short_cell,
        short_segment=short_segment,
        over_cell=over_cell,
        coverage_rows=coverage,
    )


def _add_rest_rows(
    builder: _Builder,
    templates: Templates,
    patterns: npt.NDArray[np.bool_],
    *,
    w_start: int,
    rest_intervals: int,
    size: int,
) -> None:
    """Rest between consecutive days, in aggregate (a necessary condition).

    For days d, d+1 and every hour tau: the agents whose pattern works both days need, each,
    a day-d shift ending by tau or a day-(d+1) shift starting at tau + rest or later, so
    ``sum_j w[j] (j works d and d+1) <= #(d ends <= tau) + #(d+1 starts >= tau + rest)``.
    Without these rows the counts often cannot be handed out without breaking the rest rule.
    """
    hour = max(1, size // (7 * 24))
    end = templates.start + templates.length
    for day in range(7):
        later = (day + 1) % 7
        first = np.flatnonzero(templates.day == day)
        second = np.flatnonzero(templates.day == later)
        if not len(first) or not len(second):
            continue
        wrap = size if later == 0 else 0
        both = np.flatnonzero(patterns[:, day] & patterns[:, later])
        second_start = templates.start[second] + wrap
        for tau in range(int(end[first].min()), int(end[first].max()), hour):
            enders = first[end[first] <= tau]
            starters = second[second_start >= tau + rest_intervals]
            if len(enders) + len(starters) >= len(first) + len(second):
                continue
            row = builder.new_rows(1, -INFINITY, 0.0)[0]
            builder.add(np.full(len(both), row), w_start + both, 1.0)
            builder.add(np.full(len(enders), row), enders, -1.0)
            builder.add(np.full(len(starters), row), starters, -1.0)
