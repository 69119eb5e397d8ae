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
from scipy import sparse

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.shifts.rules import Rules
from scheduler.shifts.templates import Templates, day_patterns, rest_kept

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
    patterns: BoolArray
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


class RowBuilder:
    """The rows of a sparse program as they are added: entries and row bounds."""

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

    def matrix(self, columns: int) -> Any:
        """The rows added so far as a CSR matrix with ``columns`` columns, duplicates summed."""
        matrix = sparse.csr_matrix(
            (
                np.concatenate(self.values),
                (np.concatenate(self.rows), np.concatenate(self.cols)),
            ),
            shape=(len(self.row_lower), columns),
        )
        matrix.sum_duplicates()
        return matrix

    def new_rows(self, count: int, lower: float, upper: float) -> IntArray:
        first = len(self.row_lower)
        self.row_lower.extend([lower] * count)
        self.row_upper.extend([upper] * count)
        return np.arange(first, first + count, dtype=np.int64)


@dataclass(frozen=True)
class Columns:
    """Where each block of columns lies, and the (channel, interval) of the cell columns.

    Attributes:
        blocks: column ranges by name (``x``, ``y``, ``w``, ``short``, ``over``, ``absorb``).
        need: whole agents to cover per channel and interval.
        short_cell, short_segment: per ``short`` column, its cell (channel * size + interval)
            and which missing agent of the cell it is.
        over_cell: per ``over`` column, its cell.
        absorb_cell: per ``absorb`` column, the cell of the live channel whose idle agents
            take deferred work (empty when nothing is absorbed).
    """

    blocks: Mapping[str, slice]
    need: IntArray
    short_cell: IntArray
    short_segment: IntArray
    over_cell: IntArray
    absorb_cell: IntArray

    @property
    def total(self) -> int:
        """Number of columns."""
        return int(self.blocks["absorb"].stop)

    def indexes(self, name: str) -> IntArray:
        """The column indexes of block ``name``."""
        block = self.blocks[name]
        return np.arange(block.start, block.stop, dtype=np.int64)


@dataclass(frozen=True)
class NamedAgents:
    """The named agents' weeks as the count model relaxes them, pooled over all agents.

    Attributes:
        patterns: the union of their day patterns.
        pattern_limit: per pattern, at most as many agents as may work it.
        hours_range: weekly paid hours per agent (the least minimum, the most maximum).
        headcount_limit: at most this many agents (all of them).
        headcount_floor: at least this many (those whose contracts have minimum hours: each
            works a week).
        paid_hours_floor: at least this many paid hours in all (their contracted minimums).
        day_capacity: at most this many shifts of a set of channels on a day index (the
            agents with one of those skills who may work that day).
    """

    patterns: BoolArray
    pattern_limit: IntArray
    hours_range: tuple[float, float]
    headcount_limit: int
    headcount_floor: int
    paid_hours_floor: float
    day_capacity: Mapping[tuple[frozenset[int], int], int]


def build_program(
    templates: Templates,
    required: FloatArray,
    rules: Rules,
    *,
    interval_minutes: int,
    deferred: tuple[bool, ...],
    with_patterns: bool = True,
    named: NamedAgents | None = None,
    rest_intervals: int | None = None,
    shortfall_costs: FloatArray | None = None,
    max_paid_hours: float | None = None,
    max_headcount: int | None = None,
) -> Program:
    """Build the count model over ``templates`` for ``required[c, t]`` agents: the columns
    and their costs, then one function per rule, each adding its rows.

    Args:
        templates: the candidate shifts.
        required: agents to cover per channel (row) and interval (column).
        rules: week rules (patterns, hours) and weights.
        interval_minutes: length of one interval.
        deferred: per channel, whether its work is deferred (may absorb idle live agents).
        with_patterns: add day-pattern and aggregate weekly-hours rows (the open-positions
            and bound model); the roster stage models each agent's week itself.
        named: the named agents' pooled weeks (default: open positions on the rules' day
            patterns and hours).
        rest_intervals: with day patterns, add the rest rows of :func:`add_rest_between_days`.
        shortfall_costs: per channel, interval and segment, the cost of a missing agent-hour
            (default: the rules' ``weights.shortfall_agent_hour`` everywhere).
        max_paid_hours: at most this many paid hours in the week (a budget cap).
        max_headcount: at most this many agents on day patterns (a budget cap).
    """
    if not with_patterns:
        patterns = np.zeros((0, 7), dtype=bool)
    elif named is not None:
        patterns = named.patterns
    else:
        patterns = day_patterns(rules.week.days_per_agent, rules.week.consecutive_days_off)
    segments = (
        len(rules.weights.shortfall_agent_hour)
        if shortfall_costs is None
        else shortfall_costs.shape[2]
    )
    columns = lay_out_columns(templates, required, deferred, len(patterns), segments)
    pattern_limit = named.pattern_limit if named is not None and with_patterns else None
    lower, upper = column_bounds(templates, columns, pattern_limit, segments)
    cost = column_costs(templates, columns, rules, interval_minutes / 60, shortfall_costs)
    size = required.shape[1]
    builder = RowBuilder()
    coverage = add_coverage(builder, templates, columns, size)
    add_absorbed_deferred_work(builder, coverage, columns, deferred, size)
    add_each_break_once(builder, templates, columns)
    if with_patterns:
        _add_week_rules(builder, templates, patterns, columns, rules, named, rest_intervals)
    add_paid_hours_floor(builder, templates, named.paid_hours_floor if named is not None else 0.0)
    add_budget(
        builder, templates, columns, max_paid_hours, max_headcount if with_patterns else None
    )
    add_day_capacity(builder, templates, named.day_capacity if named is not None else {})
    return Program(
        cost=cost,
        lower=lower,
        upper=upper,
        matrix=builder.matrix(columns.total),
        row_lower=np.array(builder.row_lower),
        row_upper=np.array(builder.row_upper),
        blocks=columns.blocks,
        templates=templates,
        patterns=patterns,
        short_cell=columns.short_cell,
        short_segment=columns.short_segment,
        over_cell=columns.over_cell,
        coverage_rows=coverage,
    )


def _add_week_rules(
    builder: RowBuilder,
    templates: Templates,
    patterns: BoolArray,
    columns: Columns,
    rules: Rules,
    named: NamedAgents | None,
    rest_intervals: int | None,
) -> None:
    """The rules of agents' weeks on day patterns: days per week, weekly hours, the rest
    between days (when ``rest_intervals`` is given) and the named agents' headcount."""
    size = columns.need.shape[1]
    add_days_per_week(builder, templates, patterns, columns)
    low_hours, high_hours = (
        named.hours_range if named is not None else (rules.week.min_hours, rules.week.max_hours)
    )
    add_weekly_hours(builder, templates, columns, low_hours, high_hours)
    if rest_intervals is not None:
        add_rest_between_days(
            builder,
            templates,
            patterns,
            w_start=columns.blocks["w"].start,
            rest_intervals=rest_intervals,
            size=size,
        )
    if named is not None:
        add_headcount(builder, columns, named.headcount_floor, named.headcount_limit)


def lay_out_columns(
    templates: Templates,
    required: FloatArray,
    deferred: tuple[bool, ...],
    pattern_count: int,
    segments: int,
) -> Columns:
    """The columns: shifts, break options, day patterns, then per cell that needs agents one
    ``short`` column per segment, per cell an ``over`` column, and per live cell an ``absorb``
    column when some channel is deferred."""
    channels, size = required.shape
    need = required_counts(required)
    cells = np.flatnonzero(need.ravel() > 0)
    short_cell = np.repeat(cells, segments)
    live = [c for c in range(channels) if not deferred[c]]
    absorbing = any(deferred) and bool(live)
    absorb_cell = np.array([c * size + t for c in live for t in range(size)], dtype=np.int64)
    if not absorbing:
        absorb_cell = absorb_cell[:0]
    sizes = (
        templates.count,
        len(templates.option_template),
        pattern_count,
        len(short_cell),
        channels * size,
        len(absorb_cell),
    )
    offsets = np.cumsum([0, *sizes])
    blocks = {
        name: slice(int(offsets[i]), int(offsets[i + 1]))
        for i, name in enumerate(("x", "y", "w", "short", "over", "absorb"))
    }
    return Columns(
        blocks=blocks,
        need=need,
        short_cell=short_cell,
        short_segment=np.tile(np.arange(segments), len(cells)),
        over_cell=np.arange(channels * size),
        absorb_cell=absorb_cell,
    )


def column_bounds(
    templates: Templates, columns: Columns, pattern_limit: IntArray | None, segments: int
) -> tuple[FloatArray, FloatArray]:
    """Lower (all zero) and upper bounds: shifts up to twice the channel's peak and two more
    (day patterns can force agents beyond a day's demand), a break option up to its shift,
    agents per pattern up to ``pattern_limit``, one missing agent per segment but the last."""
    need = columns.need
    blocks = columns.blocks
    peak = need.max(axis=1, initial=0)
    x_upper = (2 * peak[templates.channel] + 2).astype(np.float64)
    lower = np.zeros(columns.total)
    upper = np.full(columns.total, INFINITY)
    upper[blocks["x"]] = x_upper
    upper[blocks["y"]] = x_upper[templates.option_template]
    if pattern_limit is not None:
        upper[blocks["w"]] = pattern_limit
    short_upper = np.where(
        columns.short_segment < segments - 1,
        1.0,
        need.ravel()[columns.short_cell] - (segments - 1),
    )
    upper[blocks["short"]] = np.maximum(short_upper, 0.0)
    return lower, upper


def column_costs(
    templates: Templates,
    columns: Columns,
    rules: Rules,
    interval_hours: float,
    shortfall_costs: FloatArray | None,
) -> FloatArray:
    """Paid hours of each shift, each missing agent-hour at its segment's cost, each agent-hour
    over the requirement, and the same back for idle live agents doing deferred work."""
    weights = rules.weights
    blocks = columns.blocks
    cost = np.zeros(columns.total)
    cost[blocks["x"]] = templates.paid_minutes / 60 * weights.paid_hour
    if shortfall_costs is None:
        per_segment = np.array(weights.shortfall_agent_hour)[columns.short_segment]
        cost[blocks["short"]] = per_segment * interval_hours
    else:
        channels, size, segments = shortfall_costs.shape
        per_cell = shortfall_costs.reshape(channels * size, segments)
        cost[blocks["short"]] = per_cell[columns.short_cell, columns.short_segment] * interval_hours
    cost[blocks["over"]] = weights.overstaff_agent_hour * interval_hours
    cost[blocks["absorb"]] = -weights.overstaff_agent_hour * interval_hours
    return cost


def add_coverage(
    builder: RowBuilder, templates: Templates, columns: Columns, size: int
) -> IntArray:
    """Per channel and interval: agents on the floor (shifts covering it, less those on a
    break in it), less those over, plus those missing, equal the agents required.

    Returns:
        The coverage rows, cell by cell (channel * size + interval).
    """
    need = columns.need.ravel().astype(float)
    first = len(builder.row_lower)
    coverage = builder.new_rows(len(need), 0.0, 0.0)
    builder.row_lower[first:] = need.tolist()
    builder.row_upper[first:] = need.tolist()
    # Shifts on the floor over their whole length ...
    member = np.repeat(np.arange(templates.count), templates.length)
    step = np.arange(len(member)) - np.repeat(
        np.cumsum(templates.length) - templates.length, templates.length
    )
    position = (templates.start[member] + step) % size
    builder.add(coverage[templates.channel[member] * size + position], member, 1.0)
    # ... less those on a break.
    option_member = np.repeat(np.arange(len(templates.option_template)), templates.option_length)
    option_step = np.arange(len(option_member)) - np.repeat(
        np.cumsum(templates.option_length) - templates.option_length, templates.option_length
    )
    owner = templates.option_template[option_member]
    option_position = (
        templates.start[owner] + templates.option_offset[option_member] + option_step
    ) % size
    builder.add(
        coverage[templates.channel[owner] * size + option_position],
        columns.blocks["y"].start + option_member,
        -1.0,
    )
    builder.add(coverage[columns.short_cell], columns.indexes("short"), 1.0)
    builder.add(coverage[columns.over_cell], columns.indexes("over"), -1.0)
    return coverage


def add_absorbed_deferred_work(
    builder: RowBuilder, coverage: IntArray, columns: Columns, deferred: tuple[bool, ...], size: int
) -> None:
    """Idle agents of a live channel (its ``over``) may work the first deferred channel's
    queue in the same interval: each ``absorb`` column counts there and at most matches the
    live cell's ``over`` (one deferred queue)."""
    absorb = columns.indexes("absorb")
    if not len(absorb):
        return
    target = deferred.index(True)
    builder.add(coverage[target * size + columns.absorb_cell % size], absorb, 1.0)
    limit = builder.new_rows(len(absorb), -INFINITY, 0.0)
    builder.add(limit, absorb, 1.0)
    builder.add(limit, columns.blocks["over"].start + columns.absorb_cell, -1.0)


def add_each_break_once(builder: RowBuilder, templates: Templates, columns: Columns) -> None:
    """Each break of a template is placed exactly once per agent on it (Aykin 1996): per
    template and break, the options taken sum to the agents on the template."""
    pairs = templates.option_template * 64 + templates.option_break
    unique_pairs, pair_index = np.unique(pairs, return_inverse=True)
    link = builder.new_rows(len(unique_pairs), 0.0, 0.0)
    builder.add(link[pair_index], columns.indexes("y"), 1.0)
    builder.add(link, unique_pairs // 64, -1.0)


def add_days_per_week(
    builder: RowBuilder, templates: Templates, patterns: BoolArray, columns: Columns
) -> None:
    """The shifts starting on each day equal the agents whose day pattern works that day."""
    day_rows = builder.new_rows(7, 0.0, 0.0)
    builder.add(day_rows[templates.day], np.arange(templates.count), 1.0)
    pattern_index, pattern_day = np.nonzero(patterns)
    builder.add(day_rows[pattern_day], columns.blocks["w"].start + pattern_index, -1.0)


def add_weekly_hours(
    builder: RowBuilder, templates: Templates, columns: Columns, low_hours: float, high_hours: float
) -> None:
    """All paid hours lie between ``low_hours`` and ``high_hours`` times the agents on day
    patterns (the weekly hours of each agent, in aggregate)."""
    pattern_columns = columns.indexes("w")
    hours_rows = builder.new_rows(2, -INFINITY, 0.0)
    builder.row_lower[hours_rows[1]] = 0.0
    builder.row_upper[hours_rows[1]] = INFINITY
    for row, hours in zip(hours_rows, (high_hours, low_hours), strict=True):
        _add_paid_hours_row(builder, templates, int(row))
        builder.add(np.full(len(pattern_columns), row), pattern_columns, -hours * 60)


def add_headcount(builder: RowBuilder, columns: Columns, floor: int, limit: int) -> None:
    """Between ``floor`` and ``limit`` agents on day patterns (the named agents)."""
    pattern_columns = columns.indexes("w")
    head = builder.new_rows(1, float(floor), float(limit))
    builder.add(np.full(len(pattern_columns), head[0]), pattern_columns, 1.0)


def add_paid_hours_floor(builder: RowBuilder, templates: Templates, floor_hours: float) -> None:
    """At least ``floor_hours`` paid hours in all (nothing when it is 0)."""
    if floor_hours > 0:
        floor = builder.new_rows(1, floor_hours * 60, INFINITY)
        _add_paid_hours_row(builder, templates, int(floor[0]))


def add_budget(
    builder: RowBuilder,
    templates: Templates,
    columns: Columns,
    max_paid_hours: float | None,
    max_headcount: int | None,
) -> None:
    """The budget caps: at most ``max_paid_hours`` paid hours and ``max_headcount`` agents on
    day patterns in the week (each only when given)."""
    if max_paid_hours is not None:
        cap = builder.new_rows(1, -INFINITY, max_paid_hours * 60)
        _add_paid_hours_row(builder, templates, int(cap[0]))
    if max_headcount is not None:
        pattern_columns = columns.indexes("w")
        heads = builder.new_rows(1, -INFINITY, float(max_headcount))
        builder.add(np.full(len(pattern_columns), heads[0]), pattern_columns, 1.0)


def add_day_capacity(
    builder: RowBuilder, templates: Templates, capacity: Mapping[tuple[frozenset[int], int], int]
) -> None:
    """At most ``capacity[channels, day]`` shifts of those channels start on that day (the
    named agents who have a skill among them and may work that day)."""
    for (channel_set, day), limit in capacity.items():
        chosen = np.flatnonzero(
            np.isin(templates.channel, list(channel_set)) & (templates.day == day)
        )
        row = builder.new_rows(1, -INFINITY, float(limit))
        builder.add(np.full(len(chosen), row[0]), chosen, 1.0)


def _add_paid_hours_row(builder: RowBuilder, templates: Templates, row: int) -> None:
    """Every shift's paid minutes in ``row``."""
    paid = templates.paid_minutes.astype(np.float64)
    builder.add(np.full(templates.count, row), np.arange(templates.count), paid)


def add_rest_between_days(
    builder: RowBuilder,
    templates: Templates,
    patterns: BoolArray,
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
            starters = second[rest_kept(tau, second_start, rest_intervals)]
            if len(enders) + len(starters) >= len(first) + len(second):
                continue
            row = builder.new_rows(1, -INFINITY, 0.0)[0]
            builder.add(np.full(len(both), row), w_start + both, 1.0)
            builder.add(np.full(len(enders), row), enders, -1.0)
            builder.add(np.full(len(starters), row), starters, -1.0)
