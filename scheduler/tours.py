"""Weekly tours by column generation: every planned shift belongs to a legal agent week.

A *tour* is one agent's week: a shift on each working day of a day pattern, each shift on one
channel the agent may serve and inside their availability, at least the minimum rest between
any two shifts (across the week's end too: the schedule repeats), and paid hours within the
contract. Agents with the same skills, contract, availability and wishes form a *group*; open
positions are one group without a size.

**Master LP** (solved with GLOP, columns added as they are priced):

* ``tour[k]`` — agents working tour ``k`` (cost: its paid hours, plus the preferred-start cost);
* ``y[s, j, o]`` — of the agents on template ``s``, how many take break ``j`` at option ``o``
  (Aykin's implicit breaks, as in :mod:`scheduler.formulation`);
* ``short[c, t, m]``, ``over[c, t]``, ``absorb[c, t]`` — missing agents (convex costs),
  agents above the requirement, idle live agents doing deferred work.

Rows: coverage ``tours on the floor - breaks - over + short (+ absorbed) = required``; break
links ``sum_o y[s, j, o] = agents on s`` (added with the first tour that uses ``s``); one row
per named group (its agents each work one tour); optional caps on paid hours and headcount.

**Pricing** (per group, exact): a tour's reduced cost is a sum over its shifts of the shift's
cost less the coverage duals it earns, plus, per break, the cheapest place for it under the
duals (the break-link dual when that row exists). The best tour of each day pattern is a
shortest path over the pattern's working days with the paid time as the resource: for each
shift of a day, the best predecessor among the previous day's shifts that end at least the
rest before it starts — a running minimum over the previous shifts sorted by end time,
vectorised over the paid-time states (:func:`best_tours`).

The LP optimum over all tours is a lower bound on any schedule (of this objective); while
columns still price out, the Lagrangian bound ``LP + sum_g U_g * min(0, best reduced cost of g)``
(``U_g`` the most tours group ``g`` can hold) is one. **Integer tours**: SCIP on the generated
columns (price-and-branch), hinted with the LP rounded up where it helps.

Literature: Mehrotra, Murphy & Trick (2000); Brusco & Jacobs (implicit tours); Restrepo,
Gendron & Rousseau (2016) branch-and-price for personalised tour scheduling.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from scheduler.errors import SchedulerError
from scheduler.shifts import BoolArray, IntArray, Templates

FloatArray = npt.NDArray[np.float64]
REDUCED_COST_TOLERANCE: Final = 1e-6
"""A priced tour enters the master when its reduced cost is below minus this (paid hours)."""
INFEASIBLE: Final = math.inf
DIVE_SHARE: Final = 0.2
"""At most this share of the LP's fractional agents is rounded up in one diving step."""
DIVE_ROUND_UP: Final = 0.5
DEFICIT_VALUE: Final = 100.0
"""Value (paid hours) of covering one short agent-interval in :func:`improve`: above any
week's cost, so a replacement covers every gap it can before it saves hours."""
DIVE_STOP_SHARE: Final = 0.2
"""Open positions: the dive stops once the LP's fractional agents are this share of all; the
rest is filled week by week (:func:`fill`), which measured as good and several times faster
than diving to the end."""
DIVE_ROUNDS: Final = 2
"""Pricing rounds after each diving step."""
ROOT_TOURS_PER_PATTERN: Final = 5
"""Tours priced per day pattern and group in each round (the cheapest, ending differently)."""
DIVE_POOL: Final = 1500
"""Most tours kept in the master while diving (the LP's time grows with them)."""
"""Tours at least this far to the next whole agent are rounded up together."""
STABILIZATION_DELTA: Final = 0.02
"""Half-width of the box around the starting coverage duals (paid hours per agent-interval)."""


@dataclass(frozen=True)
class TourGroup:
    """Agents (or open positions) that can work the same tours.

    Attributes:
        skills: channel indexes the group may serve.
        patterns: allowed weekly day patterns, shape (patterns, 7).
        available: per interval of the week, whether the group may be at work then.
        min_paid_minutes, max_paid_minutes: paid time in the week.
        size: agents in the group, each of whom works exactly one tour; ``None`` for open
            positions (as many as the schedule needs).
        preferred_start_minute: preferred local start, a soft wish.
        members: the caller's indexes of the group's agents.
    """

    skills: frozenset[int]
    patterns: BoolArray
    available: BoolArray
    min_paid_minutes: int
    max_paid_minutes: int
    size: int | None = None
    preferred_start_minute: int | None = None
    members: tuple[int, ...] = ()


@dataclass(frozen=True)
class Tour:
    """One week of one group: the templates worked, in time order, and the break option
    taken for each break of each of them."""

    group: int
    shifts: tuple[int, ...]
    breaks: tuple[int, ...] = ()


def eligible_templates(group: TourGroup, templates: Templates) -> IntArray:
    """Templates the group may work: its skills, inside its availability, on a pattern day."""
    skill = np.isin(templates.channel, sorted(group.skills))
    doubled = np.concatenate([group.available, group.available]).astype(np.int64)
    prefix = np.concatenate([[0], np.cumsum(doubled)])
    inside = prefix[templates.start + templates.length] - prefix[templates.start] == (
        templates.length
    )
    days = np.asarray(group.patterns.any(axis=0))[templates.day]
    return np.flatnonzero(skill & inside & days).astype(np.int64)


@dataclass
class _Layer:
    """One working day of the shortest-path: its shifts, their best values per paid state,
    and the predecessor (index into the previous layer's shifts) of each."""

    shifts: IntArray
    value: FloatArray
    parent: IntArray


def _chain(pattern: BoolArray) -> list[int]:
    """Working days in cyclic order, starting after a day off (or at day 0 with none)."""
    off = np.flatnonzero(~pattern)
    first = (int(off[-1]) + 1) % 7 if len(off) else 0
    return [(first + step) % 7 for step in range(7) if pattern[(first + step) % 7]]


def best_tours(
    group: TourGroup,
    templates: Templates,
    eligible: IntArray,
    value: FloatArray,
    *,
    rest_intervals: int,
    week_size: int,
    paid_unit: int,
    per_pattern: int = 1,
) -> list[tuple[float, tuple[int, ...]]]:
    """The cheapest legal tours of each day pattern under per-template ``value``.

    Args:
        group: the group whose tours are priced.
        templates: all templates.
        eligible: the templates the group may work (:func:`eligible_templates`).
        value: per template, the cost of one agent working it (reduced cost terms).
        rest_intervals: least rest between the end of one shift and the start of the next.
        week_size: intervals in the week.
        paid_unit: minutes per paid-time state (divides every template's paid minutes).

        per_pattern: how many tours per pattern (the cheapest ending in distinct last shifts).

    Returns:
        (cost, templates in day order) of the tours found, cheapest first.
    """
    low = math.ceil(group.min_paid_minutes / paid_unit - 1e-9)
    high = math.floor(group.max_paid_minutes / paid_unit + 1e-9)
    by_day = [eligible[templates.day[eligible] == day] for day in range(7)]
    found: list[tuple[float, tuple[int, ...]]] = []
    for pattern in group.patterns:
        chain = _chain(pattern)
        if not chain:
            continue
        found += _best_in_chain(
            chain,
            by_day,
            templates,
            value,
            rest_intervals,
            week_size,
            paid_unit,
            low,
            high,
            per_pattern,
        )
    found.sort(key=lambda item: item[0])
    return found


def _best_in_chain(
    chain: list[int],
    by_day: list[IntArray],
    templates: Templates,
    value: FloatArray,
    rest: int,
    size: int,
    unit: int,
    low: int,
    high: int,
    per_pattern: int,
) -> list[tuple[float, tuple[int, ...]]]:
    """Shortest paths over the chain's days; the week wrap (last day to the first one, a week
    later) is checked exactly by splitting the first day's shifts by start when needed."""
    first_day = chain[0]
    first = by_day[chain[0]]
    last = by_day[chain[-1]]
    if any(not len(by_day[day]) for day in chain):
        return []
    shift_of_week = size * (templates.day[last] < first_day)
    last_end = templates.start[last] + shift_of_week + templates.length[last]
    first_start = templates.start[first]
    if len(chain) == 1 or int(last_end.max()) + rest <= int(first_start.min()) + size:
        return _shortest_path(
            chain, by_day, templates, value, rest, size, unit, low, high, None, per_pattern
        )
    # The wrap binds: solve once per first-day start, the last day limited to shifts ending
    # early enough before it (a week later).
    found: list[tuple[float, tuple[int, ...]]] = []
    for start in np.unique(first_start).tolist():
        limit = int(start) + size - rest
        found += _shortest_path(
            chain, by_day, templates, value, rest, size, unit, low, high, (int(start), limit), 1
        )
    found.sort(key=lambda item: item[0])
    return found[:per_pattern]


def _extend(
    previous: _Layer,
    templates: Templates,
    start: IntArray,
    paid: IntArray,
    own: FloatArray,
    rest: int,
    size: int,
    first_day: int,
) -> tuple[FloatArray, IntArray]:
    """One day further: each shift's best value per paid state, over the previous day's
    shifts that end at least ``rest`` before it starts (a running minimum over them sorted by
    end), and that predecessor."""
    states = previous.value.shape[1]
    prev_start = templates.start[previous.shifts] + size * (
        templates.day[previous.shifts] < first_day
    )
    prev_end = prev_start + templates.length[previous.shifts]
    order = np.argsort(prev_end, kind="stable")
    sorted_end = prev_end[order]
    running = np.minimum.accumulate(previous.value[order], axis=0)
    # Index (in sorted order) of the best predecessor at each prefix and state.
    rows = np.arange(len(order))[:, None]
    best_row = np.maximum.accumulate(np.where(previous.value[order] <= running, rows, 0), axis=0)
    reach = np.searchsorted(sorted_end, start - rest, side="right") - 1
    valid = reach >= 0
    index = np.arange(states)[None, :] - paid[:, None]
    usable = valid[:, None] & (index >= 0)
    safe_reach = np.where(valid, reach, 0)[:, None]
    safe_index = np.clip(index, 0, None)
    table = np.where(usable, running[safe_reach, safe_index] + own[:, None], INFEASIBLE)
    parent = np.where(usable, order[best_row[safe_reach, safe_index]], -1)
    return np.asarray(table, dtype=np.float64), np.asarray(parent, dtype=np.int64)


def _shortest_path(
    chain: list[int],
    by_day: list[IntArray],
    templates: Templates,
    value: FloatArray,
    rest: int,
    size: int,
    unit: int,
    low: int,
    high: int,
    wrap: tuple[int, int] | None,
    per_pattern: int,
) -> list[tuple[float, tuple[int, ...]]]:
    first_day = chain[0]
    states = high + 1
    layers: list[_Layer] = []
    for position, day in enumerate(chain):
        shifts = by_day[day]
        start = templates.start[shifts] + size * (templates.day[shifts] < first_day)
        end = start + templates.length[shifts]
        if wrap is not None and position == 0:
            shifts = shifts[start == wrap[0]]
            start = templates.start[shifts] + size * (templates.day[shifts] < first_day)
        if wrap is not None and position == len(chain) - 1:
            keep = end <= wrap[1]
            shifts, start = shifts[keep], start[keep]
        if not len(shifts):
            return []
        paid = templates.paid_minutes[shifts] // unit
        own = value[shifts]
        table = np.full((len(shifts), states), INFEASIBLE)
        parent = np.full((len(shifts), states), -1, dtype=np.int64)
        if position == 0:
            ok = paid <= high
            table[np.flatnonzero(ok), paid[ok]] = own[ok]
        else:
            table, parent = _extend(layers[-1], templates, start, paid, own, rest, size, first_day)
        layers.append(_Layer(shifts, table, parent))
    final = layers[-1].value[:, low : high + 1]
    per_shift = final.min(axis=1)
    ranked = [int(row) for row in np.argsort(per_shift, kind="stable")[:per_pattern]]
    found: list[tuple[float, tuple[int, ...]]] = []
    for last_row in ranked:
        if not np.isfinite(per_shift[last_row]):
            break
        row = last_row
        state = low + int(np.argmin(final[row]))
        cost = float(per_shift[row])
        picked: list[int] = []
        for layer in reversed(layers):
            shift = int(layer.shifts[row])
            picked.append(shift)
            previous_row = int(layer.parent[row, state])
            state -= int(templates.paid_minutes[shift] // unit)
            row = previous_row
        found.append((cost, tuple(sorted(picked, key=lambda s: int(templates.start[s])))))
    return found


@dataclass(frozen=True)
class Shortfall:
    """Costs of missing agents: ``cost[c, t, m]`` for the (m+1)-th missing agent of channel
    ``c`` in interval ``t`` (paid-hour equivalents, non-decreasing in m); the last segment
    applies to every further missing agent."""

    cost: FloatArray


@dataclass
class _Column:
    cost: float
    upper: float
    rows: list[int]
    values: list[float]
    integer: bool
    lower: float = 0.0


class TourMaster:
    """The master LP over the tours generated so far, grown column by column.

    Rows never change after construction (coverage, one per named group, the caps), so GLOP
    starts each solve from the previous basis.
    """

    def __init__(
        self,
        templates: Templates,
        required: FloatArray,
        groups: Sequence[TourGroup],
        shortfall: Shortfall,
        *,
        deferred: tuple[bool, ...],
        interval_minutes: int,
        paid_hour_cost: float,
        start_minutes: IntArray,
        preferred_start_cost_per_hour: float,
        unplaced_cost: float,
        max_paid_hours: float | None = None,
        max_headcount: int | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.cancel = cancel or threading.Event()
        self.config = {
            "cancel": self.cancel,
            "templates": templates,
            "required": required,
            "groups": groups,
            "shortfall": shortfall,
            "deferred": deferred,
            "interval_minutes": interval_minutes,
            "paid_hour_cost": paid_hour_cost,
            "start_minutes": start_minutes,
            "preferred_start_cost_per_hour": preferred_start_cost_per_hour,
            "unplaced_cost": unplaced_cost,
            "max_paid_hours": max_paid_hours,
            "max_headcount": max_headcount,
        }
        self.templates = templates
        self.groups = list(groups)
        channels, size = required.shape
        self.size = size
        self.channels = channels
        self.need = np.ceil(np.maximum(required, 0.0) - 1e-9)
        self.interval_hours = interval_minutes / 60
        self.paid_hour_cost = paid_hour_cost
        self.preferences = [
            _preference(group, start_minutes, preferred_start_cost_per_hour) for group in groups
        ]
        self.solver = _solver("GLOP")
        # Warm starts need the rows unchanged and no presolve in between.
        self.solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        self.rows_lower: list[float] = []
        self.rows_upper: list[float] = []
        self.constraints: list[pywraplp.Constraint] = []
        self.columns: list[_Column] = []
        self.variables: list[pywraplp.Variable] = []
        self.kinds: list[str] = []
        self.tours: list[Tour] = []
        self.tour_columns: list[int] = []
        self.tour_keys: set[tuple[int, tuple[int, ...], tuple[int, ...]]] = set()
        self.cover_rows = np.array(
            [self._row(float(n), float(n)) for n in self.need.ravel()], dtype=np.int64
        )
        # Named agents with contracted hours each work one tour; without, at most one.
        self.group_rows: list[int | None] = [
            self._row(float(g.size) if g.min_paid_minutes > 0 else 0.0, float(g.size))
            if g.size is not None
            else None
            for g in self.groups
        ]
        self.paid_row = (
            self._row(-math.inf, max_paid_hours * 60) if max_paid_hours is not None else None
        )
        self.head_row = (
            self._row(-math.inf, float(max_headcount)) if max_headcount is not None else None
        )
        self.objective = self.solver.Objective()
        self.objective.SetMinimization()
        self.shortfall = shortfall
        self._shortfall_columns(shortfall)
        self._over_columns(deferred)
        self.unplaced_columns = {
            index: self._column(
                "unplaced",
                unplaced_cost,
                [row],
                [1.0],
                upper=float(self.groups[index].size or 0),
                integer=True,
            )
            for index, row in enumerate(self.group_rows)
            if row is not None and self.groups[index].min_paid_minutes > 0
        }
        options_of: dict[tuple[int, int], list[int]] = {}
        for option, (owner, number) in enumerate(
            zip(templates.option_template.tolist(), templates.option_break.tolist(), strict=True)
        ):
            options_of.setdefault((owner, number), []).append(option)
        self.breaks_of: dict[int, list[int]] = {}
        for owner, number in sorted(options_of):
            self.breaks_of.setdefault(owner, []).append(number)
        self.options_of = options_of

    # -- building ------------------------------------------------------------------------

    def _row(self, lower: float, upper: float) -> int:
        infinity = self.solver.infinity()
        low = lower if math.isfinite(lower) else -infinity
        high = upper if math.isfinite(upper) else infinity
        self.constraints.append(self.solver.RowConstraint(low, high, ""))
        self.rows_lower.append(lower)
        self.rows_upper.append(upper)
        return len(self.constraints) - 1

    def _column(
        self,
        kind: str,
        cost: float,
        rows: list[int],
        values: list[float],
        *,
        upper: float = math.inf,
        integer: bool = False,
    ) -> int:
        infinity = self.solver.infinity()
        variable = self.solver.NumVar(0.0, upper if math.isfinite(upper) else infinity, "")
        for row, value in zip(rows, values, strict=True):
            self.constraints[row].SetCoefficient(variable, value)
        if cost:
            self.objective.SetCoefficient(variable, cost)
        self.variables.append(variable)
        self.columns.append(_Column(cost, upper, rows, values, integer))
        self.kinds.append(kind)
        return len(self.columns) - 1

    def _shortfall_columns(self, shortfall: Shortfall) -> None:
        segments = shortfall.cost.shape[2]
        self.short_columns: list[tuple[int, int]] = []
        for cell in np.flatnonzero(self.need.ravel() > 0).tolist():
            channel, position = divmod(cell, self.size)
            need = int(self.need[channel, position])
            for segment in range(min(segments, need)):
                last = segment == min(segments, need) - 1
                column = self._column(
                    "short",
                    float(shortfall.cost[channel, position, segment]) * self.interval_hours,
                    [int(self.cover_rows[cell])],
                    [1.0],
                    upper=float(need - segment) if last else 1.0,
                    integer=True,
                )
                self.short_columns.append((cell, column))

    def _over_columns(self, deferred: tuple[bool, ...]) -> None:
        live = [c for c in range(self.channels) if not deferred[c]]
        target = deferred.index(True) if any(deferred) and live else None
        self.live_channels = live
        self.deferred_target = target
        for cell in range(self.channels * self.size):
            channel, position = divmod(cell, self.size)
            if target is not None and channel in live:
                # Idle agents of a live channel may do the deferred channel's work.
                self._column(
                    "absorb",
                    0.0,
                    [
                        int(self.cover_rows[cell]),
                        int(self.cover_rows[target * self.size + position]),
                    ],
                    [-1.0, 1.0],
                )
            self._column("over", 0.0, [int(self.cover_rows[cell])], [-1.0])

    def cells(self, tour: Tour) -> tuple[IntArray, FloatArray]:
        """Coverage cells of one agent on ``tour`` and the agent-equivalents in each."""
        templates = self.templates
        cells: list[IntArray] = []
        signs: list[FloatArray] = []
        for template in tour.shifts:
            channel = int(templates.channel[template])
            start = int(templates.start[template])
            span = (start + np.arange(int(templates.length[template]))) % self.size
            cells.append(channel * self.size + span)
            signs.append(np.ones(len(span)))
        for option in tour.breaks:
            owner = int(templates.option_template[option])
            channel = int(templates.channel[owner])
            first = int(templates.start[owner]) + int(templates.option_offset[option])
            span = (first + np.arange(int(templates.option_length[option]))) % self.size
            cells.append(channel * self.size + span)
            signs.append(-np.ones(len(span)))
        flat = np.concatenate(cells)
        weight = np.concatenate(signs)
        unique, inverse = np.unique(flat, return_inverse=True)
        return unique.astype(np.int64), np.bincount(inverse, weights=weight).astype(np.float64)

    def shortfall_cost(self, short: FloatArray) -> float:
        """Cost of whole missing agents ``short[c, t]`` under the convex shortfall costs."""
        costs = self.shortfall.cost
        segments = costs.shape[2]
        missing = np.ceil(short - 1e-9).astype(np.int64)
        total = 0.0
        for channel, position in zip(*np.nonzero(missing), strict=True):
            count = int(missing[channel, position])
            per = costs[channel, position]
            total += float(per[: min(count, segments)].sum())
            total += max(0, count - segments) * float(per[-1])
        return total * self.interval_hours

    def tour_cost(self, tour: Tour) -> float:
        """Paid hours and preferred-start cost of one agent on ``tour``."""
        shifts = list(tour.shifts)
        paid = float(self.templates.paid_minutes[shifts].sum()) / 60
        return paid * self.paid_hour_cost + float(self.preferences[tour.group][shifts].sum())

    def add_tour(self, tour: Tour) -> bool:
        """Add ``tour`` as a column (False if it is there already)."""
        key = (tour.group, tour.shifts, tour.breaks)
        if key in self.tour_keys:
            return False
        self.tour_keys.add(key)
        cells, weight = self.cells(tour)
        keep = weight != 0
        rows = self.cover_rows[cells[keep]].tolist()
        values = weight[keep].tolist()
        group = self.groups[tour.group]
        group_row = self.group_rows[tour.group]
        if group_row is not None:
            rows.append(group_row)
            values.append(1.0)
        if self.paid_row is not None:
            rows.append(self.paid_row)
            values.append(float(self.templates.paid_minutes[list(tour.shifts)].sum()))
        if self.head_row is not None:
            rows.append(self.head_row)
            values.append(1.0)
        column = self._column(
            "tour",
            self.tour_cost(tour),
            rows,
            values,
            upper=float(group.size) if group.size is not None else math.inf,
            integer=True,
        )
        self.tours.append(tour)
        self.tour_columns.append(column)
        return True

    # -- solving -------------------------------------------------------------------------

    def solve_lp(self, *, dual: bool = False) -> float:
        """Solve the master LP; its objective. ``dual`` uses the dual simplex (after bounds
        were tightened, the old basis stays dual feasible)."""
        self.solver.SetSolverSpecificParametersAsString(
            "use_preprocessing: false" + (" use_dual_simplex: true" if dual else "")
        )
        if self.cancel.is_set():
            raise SchedulerError("the tour search was cancelled")
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise SchedulerError(f"the tour master LP could not be solved (GLOP status {status})")
        return float(self.objective.Value())

    def interrupt(self) -> None:
        """Stop a running LP solve from another thread, and every later one (of this master
        and of the smaller ones made from it)."""
        self.cancel.set()
        self.solver.InterruptSolve()

    def duals(self) -> FloatArray:
        """Row duals of the last LP solve."""
        return np.array([constraint.dual_value() for constraint in self.constraints])

    def values(self) -> FloatArray:
        """Column values of the last LP solve."""
        return np.array([variable.solution_value() for variable in self.variables])

    def restricted(self, keep: Sequence[int], lower: FloatArray) -> TourMaster:
        """A new master with only the tours ``keep`` (indexes into :attr:`tours`), each
        with its lower bound from ``lower``: a smaller LP that solves faster."""
        smaller = TourMaster(**self.config)  # type: ignore[arg-type]
        for index in keep:
            smaller.add_tour(self.tours[index])
            if lower[index] > 0:
                smaller.set_lower(smaller.tour_columns[-1], float(lower[index]))
        return smaller

    def reduced_costs(self) -> FloatArray:
        """Reduced cost of every tour column in the last LP solve."""
        return np.array([self.variables[c].reduced_cost() for c in self.tour_columns])

    def set_lower(self, column: int, lower: float) -> None:
        """Fix a column's lower bound (for diving)."""
        self.variables[column].SetLb(lower)
        self.columns[column].lower = lower

    def stabilize(self, center: FloatArray, delta: float) -> None:
        """Keep the coverage duals at most ``center + delta`` (one side of du Merle's box; the
        free overstaffing column keeps them non-negative): artificial columns sell coverage
        at that price. ``delta = inf`` removes them."""
        if not hasattr(self, "_box"):
            self._box = [
                self._column("box", 0.0, [row], [1.0], upper=0.0)
                for row in self.cover_rows.tolist()
            ]
        infinity = self.solver.infinity()
        usable = math.isfinite(delta)
        for column, price in zip(self._box, center.tolist(), strict=True):
            cost = max(price, 0.0) + delta if usable else 0.0
            self.variables[column].SetUb(infinity if usable else 0.0)
            self.objective.SetCoefficient(self.variables[column], cost)
            self.columns[column].cost = cost
            self.columns[column].upper = math.inf if usable else 0.0

    def box_in_use(self) -> bool:
        """Whether the last LP solution uses the stabilisation box."""
        if not hasattr(self, "_box"):
            return False
        return any(self.variables[c].solution_value() > 1e-7 for c in self._box)

    def template_values(self, duals: FloatArray, group: int) -> tuple[FloatArray, IntArray]:
        """Per template, the reduced-cost term of one agent of ``group`` working it with each
        break at its cheapest option under the duals; and those options (``-1`` padded),
        shape (templates, breaks)."""
        templates = self.templates
        cover = duals[self.cover_rows]
        size = self.size
        earned = _cyclic_sums(cover, templates.channel, templates.start, templates.length, size)
        owner = templates.option_template
        option_cost = _cyclic_sums(
            cover,
            templates.channel[owner],
            templates.start[owner] + templates.option_offset,
            templates.option_length,
            size,
        )
        break_value = np.zeros(templates.count)
        most = int(templates.option_break.max(initial=-1)) + 1
        chosen = np.full((templates.count, most), -1, dtype=np.int64)
        if len(owner):
            pair = owner * most + templates.option_break
            # Cheapest option per (template, break): sort by pair then cost, take the first.
            order = np.lexsort((option_cost, pair))
            first = np.flatnonzero(np.r_[True, pair[order][1:] != pair[order][:-1]])
            best = order[first]
            break_value += np.bincount(
                owner[best], weights=option_cost[best], minlength=templates.count
            )
            chosen[owner[best], templates.option_break[best]] = best
        cost = templates.paid_minutes / 60 * self.paid_hour_cost + self.preferences[group]
        if self.paid_row is not None:
            cost = cost - duals[self.paid_row] * templates.paid_minutes
        return np.asarray(cost - earned + break_value, dtype=np.float64), chosen

    def group_dual(self, duals: FloatArray, group: int) -> float:
        """The dual of the group's row plus the headcount cap's (what one tour earns)."""
        row = self.group_rows[group]
        value = float(duals[row]) if row is not None else 0.0
        if self.head_row is not None:
            value += float(duals[self.head_row])
        return value


def _preference(group: TourGroup, start_minutes: IntArray, cost_per_hour: float) -> FloatArray:
    """Per template, the cost of ``group``'s distance from its preferred start."""
    if group.preferred_start_minute is None or cost_per_hour <= 0:
        return np.zeros(len(start_minutes))
    distance = np.abs(start_minutes - group.preferred_start_minute)
    return np.asarray(np.minimum(distance, 1440 - distance) / 60 * cost_per_hour, dtype=np.float64)


def _cyclic_sums(
    cover: FloatArray, channel: IntArray, start: IntArray, length: IntArray, size: int
) -> FloatArray:
    """Sum of ``cover[channel * size + (start + i) % size]`` for i < length, per entry."""
    per_channel = cover.reshape(-1, size)
    doubled = np.concatenate([per_channel, per_channel], axis=1)
    prefix = np.concatenate([np.zeros((len(per_channel), 1)), np.cumsum(doubled, axis=1)], axis=1)
    begin = np.asarray(start) % size
    return np.asarray(prefix[channel, begin + length] - prefix[channel, begin], dtype=np.float64)


def _solver(name: str) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:  # pragma: no cover - GLOP and SCIP ship with every ortools wheel
        raise SchedulerError(f"the {name} solver is not available in this ortools build")
    return solver


def generate_tours(
    master: TourMaster,
    *,
    rest_intervals: int,
    paid_unit: int,
    deadline: float,
    bound_tours: Callable[[int, float], float],
    on_round: Callable[[float, float], None] | None = None,
    per_pattern: int = 20,
    center: FloatArray | None = None,
    max_rounds: int = 1_000_000,
    dual: bool = False,
) -> tuple[float, float, bool, int]:
    """Column generation until no tour prices out or ``deadline`` (monotonic clock) passes.

    Args:
        master: the master, seeded with at least one tour per group when possible.
        rest_intervals: least rest between shifts.
        paid_unit: minutes per paid-time state of the pricing.
        deadline: when to stop pricing.
        bound_tours: ``(group, incumbent objective) -> most tours the group can hold``.
        on_round: called with (LP objective, best bound) after each round.

    Returns:
        (LP objective, best Lagrangian bound, converged, rounds).
    """
    eligible = [eligible_templates(group, master.templates) for group in master.groups]
    best_bound = -math.inf
    rounds = 0
    delta = STABILIZATION_DELTA
    if center is not None:
        master.stabilize(center, delta)
    objective = master.solve_lp(dual=dual)
    while True:
        rounds += 1
        duals = master.duals()
        added = 0
        lagrangian = objective
        for index, group in enumerate(master.groups):
            value, chosen = master.template_values(duals, index)
            found = best_tours(
                group,
                master.templates,
                eligible[index],
                value,
                rest_intervals=rest_intervals,
                week_size=master.size,
                paid_unit=paid_unit,
                per_pattern=per_pattern,
            )
            earned = master.group_dual(duals, index)
            reduced = [(cost - earned, shifts) for cost, shifts in found]
            if reduced:
                lowest = min(cost for cost, _ in reduced)
                if lowest < 0:
                    lagrangian += bound_tours(index, objective) * lowest
            for cost, shifts in reduced:
                options = chosen[list(shifts)].ravel()
                tour = Tour(index, shifts, tuple(sorted(options[options >= 0].tolist())))
                if cost < -REDUCED_COST_TOLERANCE and master.add_tour(tour):
                    added += 1
        stabilised = center is not None and math.isfinite(delta)
        if not stabilised:
            best_bound = max(best_bound, lagrangian)
        if on_round is not None:
            on_round(objective, best_bound)
        if not added and stabilised:
            # Converged inside the box: widen it (and drop it once it no longer binds).
            delta = math.inf if not master.box_in_use() or delta > 1.0 else delta * 4
            master.stabilize(center, delta)  # type: ignore[arg-type]
        elif not added:
            return objective, max(best_bound, objective), True, rounds
        objective = master.solve_lp()
        if time.monotonic() >= deadline or rounds >= max_rounds:
            return objective, best_bound, False, rounds


def dive(
    master: TourMaster,
    price: Callable[[TourMaster], None],
    *,
    deadline: float,
    on_step: Callable[[float], None] | None = None,
    stop_share: float = 0.0,
) -> tuple[TourMaster, bool]:
    """Round the master LP to whole tours by diving: fix every tour's whole part, round up
    the tours closest to the next whole agent, re-solve (pricing new tours for what the
    fixings leave uncovered), until the LP's tours are whole. The pool is cut to the tours
    in use (or nearly) whenever it grows past :data:`DIVE_POOL` so that each LP stays quick.

    Returns:
        The master of the last LP and whether its tours are whole (False when the deadline
        stopped the dive; the caller rounds the rest up).
    """
    lower = np.zeros(len(master.tour_columns))
    while True:
        price(master)
        tours = master.values()[master.tour_columns]
        lower = np.concatenate([lower, np.zeros(len(tours) - len(lower))])
        fraction = tours - np.floor(tours + 1e-6)
        open_ = np.flatnonzero(fraction > 1e-6)
        if on_step is not None:
            on_step(float(master.objective.Value()))
        if not len(open_):
            return master, True
        if time.monotonic() >= deadline or fraction[open_].sum() <= stop_share * tours.sum():
            return master, False
        reduced = master.reduced_costs() if len(master.tours) > DIVE_POOL else None
        raise_to = np.maximum(lower, np.floor(tours + 1e-6))
        ranked = open_[np.argsort(-fraction[open_], kind="stable")]
        budget = max(1, math.ceil(DIVE_SHARE * float(fraction[open_].sum())))
        chosen = [int(k) for k in ranked[:budget] if fraction[k] >= DIVE_ROUND_UP] or [
            int(ranked[0])
        ]
        raise_to[chosen] = np.ceil(tours[chosen] - 1e-6)
        for index in np.flatnonzero(raise_to > lower).tolist():
            master.set_lower(master.tour_columns[index], float(raise_to[index]))
        lower = raise_to
        if reduced is not None:
            keep = np.flatnonzero((tours > 1e-9) | (lower > 0))
            rest = np.setdiff1d(np.argsort(reduced, kind="stable"), keep, assume_unique=False)
            spare = max(0, DIVE_POOL // 2 - len(keep))
            chosen_pool = np.concatenate([keep, rest[:spare]]).astype(np.int64)
            master = master.restricted(chosen_pool.tolist(), lower)
            lower = lower[chosen_pool]
            master.solve_lp()


@dataclass(frozen=True)
class TourBudget:
    """When each phase of :func:`plan_tours` stops (monotonic clock), or, for runs that
    must repeat exactly, how many pricing rounds the root may take (deadlines then infinite)."""

    boxed_until: float
    root_until: float
    dive_until: float
    improve_until: float
    root_rounds: int = 1_000_000


@dataclass(frozen=True)
class TourPlan:
    """Whole tours for the week.

    Attributes:
        tours: the tours worked; ``counts[k]`` agents work tour ``k`` (all positive).
        counts: agents per tour.
        unplaced: per group, named agents left without a tour.
        short: whole agents missing per channel and interval.
        objective: tour costs plus shortfall costs of the plan (paid-hour equivalents).
        bound: a lower bound on that objective from the tour LP (``-inf`` if none).
        converged: whether pricing proved the root LP optimal over all tours.
        complete: whether the dive reached whole tours by itself (else the time limit
            stopped it and the rest was rounded up).
        rounds: pricing rounds at the root.
    """

    tours: list[Tour]
    counts: IntArray
    unplaced: IntArray
    short: FloatArray
    objective: float
    bound: float
    converged: bool
    complete: bool
    rounds: int


def plan_tours(
    master: TourMaster,
    *,
    rest_intervals: int,
    center: FloatArray | None,
    budget: TourBudget,
    bound_tours: Callable[[int, float], float],
    on_progress: Callable[[float | None, float | None], None] | None = None,
) -> TourPlan:
    """Column generation at the root (inside a box around ``center``, then free), a dive
    with pricing to whole tours, and a rounding of what is left if time runs out."""
    unit = int(np.gcd.reduce(master.templates.paid_minutes)) if master.templates.count else 1
    bound = -math.inf

    def report(objective: float, lagrangian: float) -> None:
        nonlocal bound
        bound = max(bound, lagrangian)
        if on_progress is not None:
            on_progress(None, bound if bound > 0 else None)

    rounds = 0
    converged = False
    if center is not None:
        _, _, _, rounds = generate_tours(
            master,
            rest_intervals=rest_intervals,
            paid_unit=unit,
            deadline=budget.boxed_until,
            bound_tours=bound_tours,
            on_round=report,
            per_pattern=ROOT_TOURS_PER_PATTERN,
            center=center,
            max_rounds=budget.root_rounds // 2,
        )
        master.stabilize(center, math.inf)
    _, _, converged, more = generate_tours(
        master,
        rest_intervals=rest_intervals,
        paid_unit=unit,
        deadline=budget.root_until,
        bound_tours=bound_tours,
        on_round=report,
        per_pattern=ROOT_TOURS_PER_PATTERN,
        max_rounds=max(1, budget.root_rounds - rounds),
    )
    rounds += more

    def price(current: TourMaster) -> None:
        generate_tours(
            current,
            rest_intervals=rest_intervals,
            paid_unit=unit,
            deadline=-math.inf,
            bound_tours=bound_tours,
            per_pattern=ROOT_TOURS_PER_PATTERN,
            max_rounds=DIVE_ROUNDS,
            dual=True,
        )

    def step(objective: float) -> None:
        if on_progress is not None:
            on_progress(objective, bound if bound > 0 else None)

    named = any(group.size is not None for group in master.groups)
    final, complete = dive(
        master,
        price,
        deadline=budget.dive_until,
        on_step=step,
        stop_share=0.0 if named else DIVE_STOP_SHARE,
    )
    values = final.values()[final.tour_columns]
    counts = np.floor(values + 1e-6).astype(np.int64)
    copies = [
        tour for tour, count in zip(final.tours, counts.tolist(), strict=True) for _ in range(count)
    ]
    copies = fill(final, copies, rest_intervals=rest_intervals, deadline=math.inf)
    better = improve(final, copies, rest_intervals=rest_intervals, deadline=budget.improve_until)
    for tour in better:
        final.add_tour(tour)
    index = {(t.group, t.shifts, t.breaks): k for k, t in enumerate(final.tours)}
    whole = np.zeros(len(final.tours), dtype=np.int64)
    for tour in better:
        whole[index[(tour.group, tour.shifts, tour.breaks)]] += 1
    return _plan(final, whole, bound, converged, complete or not named, rounds)


def _plan(
    master: TourMaster,
    counts: IntArray,
    bound: float,
    converged: bool,
    complete: bool,
    rounds: int,
) -> TourPlan:
    cover = np.zeros(master.channels * master.size)
    for count, tour in zip(counts.tolist(), master.tours, strict=True):
        if count:
            where, weight = master.cells(tour)
            np.add.at(cover, where, count * weight)
    _absorb(cover, master)
    short = np.maximum(master.need.ravel() - cover, 0.0).reshape(master.channels, master.size)
    placed = np.zeros(len(master.groups), dtype=np.int64)
    np.add.at(placed, [tour.group for tour in master.tours], counts)
    sizes = np.array(
        [(group.size or 0) if group.min_paid_minutes > 0 else 0 for group in master.groups],
        dtype=np.int64,
    )
    unplaced = np.maximum(sizes - placed, 0)
    objective = float(
        sum(c * master.tour_cost(t) for c, t in zip(counts.tolist(), master.tours, strict=True))
    ) + master.shortfall_cost(short)
    used = np.flatnonzero(counts > 0)
    return TourPlan(
        tours=[master.tours[k] for k in used.tolist()],
        counts=counts[used],
        unplaced=unplaced,
        short=short,
        objective=objective,
        bound=bound,
        converged=converged,
        complete=complete,
        rounds=rounds,
    )


def _absorb(cover: FloatArray, master: TourMaster) -> None:
    """Idle agents of live channels take deferred work, as the master's absorb columns do."""
    if master.deferred_target is None:
        return
    size = master.size
    need = master.need.ravel()
    target = master.deferred_target
    for channel in master.live_channels:
        idle = np.maximum(
            cover[channel * size : (channel + 1) * size]
            - need[channel * size : (channel + 1) * size],
            0.0,
        )
        cover[target * size : (target + 1) * size] += idle


def improve(
    master: TourMaster,
    tours: list[Tour],
    *,
    rest_intervals: int,
    deadline: float,
    max_passes: int = 1_000,
) -> list[Tour]:
    """Local search on whole tours: each agent's week in turn is replaced by the cheapest
    legal week of their group that still covers every interval the others leave short (or
    dropped, for an open position nobody needs), until a pass changes nothing.

    The replacement is exact (the same shortest path as the pricing), with the coverage
    cells the others leave short priced at :data:`DEFICIT_VALUE` each.
    """
    unit = int(np.gcd.reduce(master.templates.paid_minutes)) if master.templates.count else 1
    eligible = [eligible_templates(group, master.templates) for group in master.groups]
    need = master.need.ravel()
    cover = np.zeros(len(need))
    cells = [master.cells(tour) for tour in tours]
    for where, weight in cells:
        np.add.at(cover, where, weight)
    duals = np.zeros(len(master.constraints))
    current = list(tours)
    for _ in range(max_passes):
        changed = False
        order = np.argsort([-master.tour_cost(t) for t in current], kind="stable")
        for index in order.tolist():
            if time.monotonic() >= deadline:
                return current
            tour = current[index]
            where, weight = cells[index]
            np.add.at(cover, where, -weight)
            deficit = np.maximum(need - _covered(cover, master), 0.0)
            before = np.maximum(need - _covered_with(cover, where, weight, master), 0.0)
            group = master.groups[tour.group]
            if not deficit.any() and _optional(group):
                current[index] = Tour(tour.group, (), ())
                cells[index] = (np.zeros(0, dtype=np.int64), np.zeros(0))
                changed = True
                continue
            duals[master.cover_rows] = DEFICIT_VALUE * np.minimum(deficit, 1.0)
            value, chosen = master.template_values(duals, tour.group)
            found = best_tours(
                group,
                master.templates,
                eligible[tour.group],
                value,
                rest_intervals=rest_intervals,
                week_size=master.size,
                paid_unit=unit,
            )
            replaced = False
            if found:
                _, shifts = found[0]
                options = chosen[list(shifts)].ravel()
                candidate = Tour(tour.group, shifts, tuple(sorted(options[options >= 0].tolist())))
                new_where, new_weight = master.cells(candidate)
                after = np.maximum(need - _covered_with(cover, new_where, new_weight, master), 0.0)
                better = master.tour_cost(candidate) < master.tour_cost(tour) - 1e-9
                if after.sum() < before.sum() - 1e-9 or (
                    after.sum() <= before.sum() + 1e-9 and better
                ):
                    current[index], cells[index] = candidate, (new_where, new_weight)
                    replaced = changed = True
            where, weight = cells[index]
            np.add.at(cover, where, weight)
            del replaced
        if not changed:
            break
    return [tour for tour in current if tour.shifts]


def _optional(group: TourGroup) -> bool:
    """Open positions, and named agents without contracted hours, need not work."""
    return group.size is None or group.min_paid_minutes == 0


def _covered(cover: FloatArray, master: TourMaster) -> FloatArray:
    result = cover.copy()
    _absorb(result, master)
    return result


def _covered_with(
    cover: FloatArray, where: IntArray, weight: FloatArray, master: TourMaster
) -> FloatArray:
    result = cover.copy()
    np.add.at(result, where, weight)
    _absorb(result, master)
    return result


def fill(
    master: TourMaster, tours: list[Tour], *, rest_intervals: int, deadline: float
) -> list[Tour]:
    """Add weeks, one at a time, each the cheapest legal week covering the most of what is
    still short: first for every named agent still without one (whether or not anything is
    short), then open positions until nothing is short that a week can cover."""
    unit = int(np.gcd.reduce(master.templates.paid_minutes)) if master.templates.count else 1
    need = master.need.ravel()
    cover = np.zeros(len(need))
    for tour in tours:
        where, weight = master.cells(tour)
        np.add.at(cover, where, weight)
    duals = np.zeros(len(master.constraints))
    result = list(tours)
    placed = np.bincount([t.group for t in tours], minlength=len(master.groups))
    waiting = {
        k: int(group.size) - int(placed[k])
        for k, group in enumerate(master.groups)
        if group.size is not None and group.min_paid_minutes > 0 and group.size > placed[k]
    }
    open_groups = [
        k
        for k, group in enumerate(master.groups)
        if _optional(group) and (group.size is None or group.size > placed[k])
    ]
    eligible = {
        k: eligible_templates(master.groups[k], master.templates) for k in [*open_groups, *waiting]
    }
    while (open_groups or waiting) and time.monotonic() < deadline:
        deficit = np.maximum(need - _covered(cover, master), 0.0)
        if not deficit.any() and not waiting:
            break
        duals[master.cover_rows] = DEFICIT_VALUE * np.minimum(deficit, 1.0)
        best: tuple[float, Tour] | None = None
        for group in list(waiting) or open_groups:
            value, chosen = master.template_values(duals, group)
            found = best_tours(
                master.groups[group],
                master.templates,
                eligible[group],
                value,
                rest_intervals=rest_intervals,
                week_size=master.size,
                paid_unit=unit,
            )
            if found and (best is None or found[0][0] < best[0]):
                options = chosen[list(found[0][1])].ravel()
                best = (
                    found[0][0],
                    Tour(group, found[0][1], tuple(sorted(options[options >= 0].tolist()))),
                )
        if best is None:
            if waiting:  # no legal week at all for these agents
                waiting.clear()
                continue
            break
        where, weight = master.cells(best[1])
        after = np.maximum(need - _covered_with(cover, where, weight, master), 0.0)
        group = best[1].group
        if group in waiting:
            waiting[group] -= 1
            if not waiting[group]:
                del waiting[group]
        elif best[0] >= 0 or after.sum() >= deficit.sum() - 1e-9:
            break
        else:
            placed[group] += 1
            size = master.groups[group].size
            if size is not None and placed[group] >= size:
                open_groups.remove(group)
        np.add.at(cover, where, weight)
        result.append(best[1])
    return result
