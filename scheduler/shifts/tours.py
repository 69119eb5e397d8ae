"""Whole agent weeks (*tours*): the exact best legal week of a group, and a local search that
repairs and improves a schedule one week at a time.

A tour is one agent's week: a shift on each working day of a day pattern, each shift on one
channel the agent may serve and inside their availability, at least the minimum rest between
any two shifts (across the week's end too: the schedule repeats), and paid hours within the
contract. Agents with the same skills, contract, availability and wishes form a *group*; open
positions are one group without a size.

**Best week** (:func:`best_tours`, exact): given a value per template (what one agent working
it costs, less what its coverage is worth, each break at its cheapest place), the cheapest
legal week of each day pattern is a shortest path over the pattern's working days with the
paid time as the resource: for each shift of a day, the best predecessor among the previous
day's shifts that end at least the rest before it starts — a running minimum over the previous
shifts sorted by end time, vectorised over the paid-time states. It is the pricing problem of
column generation over tours (Mehrotra, Murphy & Trick 2000; Restrepo, Gendron & Rousseau
2016).

**Repair and improve** (:func:`fill`, :func:`improve`): the roster's weeks are tours already;
what the roster could not hand out is dropped, and weeks are added, each the cheapest one
covering the most of what is still short (:func:`fill`); then each week in turn is replaced
by the cheapest legal week of its group that covers everything the others leave short, or
dropped when nobody needs it (:func:`improve`). Budget caps (paid hours, headcount) hold
throughout.

Measured (``shared/notes/scheduling.md``): column generation with a dive to whole tours as the
whole optimizer reached 5-15% above the bound in 60 s on the benchmark weeks, against 1-2% for
the count and roster stages with this repair, which is therefore what the optimizer runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.calendar import clock_distance
from scheduler.shifts.templates import Templates, rest_kept, workable

INFEASIBLE: Final = math.inf
DEFICIT_VALUE: Final = 100.0
"""Value (paid hours) of covering one short agent-interval when a week is chosen: above any
week's cost, so a week covers every gap it can before it saves hours."""


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
    mask = workable(templates, group.skills, group.available, group.patterns)
    return np.flatnonzero(mask).astype(np.int64)


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


@dataclass(frozen=True)
class _Search:
    """One group's shortest-path search: its templates by start day, their values, and the
    rest and paid-time limits (paid time in states of ``unit`` minutes)."""

    templates: Templates
    value: FloatArray
    by_day: list[IntArray]
    rest: int
    size: int
    unit: int
    low: int
    high: int

    def unrolled_start(self, shifts: IntArray, first_day: int) -> IntArray:
        """Start positions counted from ``first_day`` (days before it fall a week later)."""
        days = self.templates.day[shifts]
        return np.asarray(self.templates.start[shifts] + self.size * (days < first_day))


def best_tours(
    group: TourGroup,
    templates: Templates,
    eligible: IntArray,
    value: FloatArray,
    *,
    rest_intervals: int,
    week_size: int,
    paid_unit: int,
) -> list[tuple[float, tuple[int, ...]]]:
    """The cheapest legal tour of each day pattern under per-template ``value``.

    Args:
        group: the group whose tours are priced.
        templates: all templates.
        eligible: the templates the group may work (:func:`eligible_templates`).
        value: per template, the cost of one agent working it.
        rest_intervals: least rest between the end of one shift and the start of the next.
        week_size: intervals in the week.
        paid_unit: minutes per paid-time state (divides every template's paid minutes).

    Returns:
        (cost, templates in time order) per pattern that has a legal tour, cheapest first.
    """
    search = _Search(
        templates=templates,
        value=value,
        by_day=[eligible[templates.day[eligible] == day] for day in range(7)],
        rest=rest_intervals,
        size=week_size,
        unit=paid_unit,
        low=math.ceil(group.min_paid_minutes / paid_unit - 1e-9),
        high=math.floor(group.max_paid_minutes / paid_unit + 1e-9),
    )
    found = [
        best
        for best in (_best_in_chain(search, _chain(pattern)) for pattern in group.patterns)
        if best is not None
    ]
    return sorted(found, key=lambda item: item[0])


def _best_in_chain(search: _Search, chain: list[int]) -> tuple[float, tuple[int, ...]] | None:
    """The shortest path over the chain's days; the week wrap (last day to the first one, a
    week later) is checked exactly by splitting the first day's shifts by start when needed."""
    if not chain or any(not len(search.by_day[day]) for day in chain):
        return None
    first, last = search.by_day[chain[0]], search.by_day[chain[-1]]
    last_end = search.unrolled_start(last, chain[0]) + search.templates.length[last]
    first_start = search.templates.start[first]
    first_again = int(first_start.min()) + search.size  # the earliest start a week later
    if len(chain) == 1 or rest_kept(last_end.max(), first_again, search.rest):
        return _shortest_path(search, chain, None)
    # The wrap binds: solve once per first-day start, the last day limited to shifts ending
    # early enough before it (a week later).
    found = [_shortest_path(search, chain, start) for start in np.unique(first_start).tolist()]
    return min((best for best in found if best is not None), default=None, key=lambda b: b[0])


def _extend(
    search: _Search,
    previous: _Layer,
    start: IntArray,
    paid: IntArray,
    own: FloatArray,
    first_day: int,
) -> tuple[FloatArray, IntArray]:
    """One day further: each shift's best value per paid state, over the previous day's
    shifts that end at least the rest before it starts (a running minimum over them sorted by
    end), and that predecessor."""
    states = previous.value.shape[1]
    prev_end = (
        search.unrolled_start(previous.shifts, first_day) + search.templates.length[previous.shifts]
    )
    order = np.argsort(prev_end, kind="stable")
    running = np.minimum.accumulate(previous.value[order], axis=0)
    # Index (in sorted order) of the best predecessor at each prefix and state.
    rows = np.arange(len(order))[:, None]
    best_row = np.maximum.accumulate(np.where(previous.value[order] <= running, rows, 0), axis=0)
    # The last predecessor that keeps the rest (:func:`rest_kept`: an end at most the rest
    # before the start), found in the ends sorted.
    reach = np.searchsorted(prev_end[order], start - search.rest, side="right") - 1
    valid = reach >= 0
    index = np.arange(states)[None, :] - paid[:, None]
    usable = valid[:, None] & (index >= 0)
    safe_reach = np.where(valid, reach, 0)[:, None]
    safe_index = np.clip(index, 0, None)
    table = np.where(usable, running[safe_reach, safe_index] + own[:, None], INFEASIBLE)
    parent = np.where(usable, order[best_row[safe_reach, safe_index]], -1)
    return np.asarray(table, dtype=np.float64), np.asarray(parent, dtype=np.int64)


def _shortest_path(
    search: _Search, chain: list[int], wrap: int | None
) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest path over ``chain``; with ``wrap``, the first day's shifts start there and
    the last day's leave the rest before it a week later."""
    templates, first_day = search.templates, chain[0]
    layers: list[_Layer] = []
    for position, day in enumerate(chain):
        shifts = search.by_day[day]
        start = search.unrolled_start(shifts, first_day)
        if wrap is not None and position == 0:
            shifts, start = shifts[start == wrap], start[start == wrap]
        if wrap is not None and position == len(chain) - 1:
            keep = rest_kept(start + templates.length[shifts], wrap + search.size, search.rest)
            shifts, start = shifts[keep], start[keep]
        if not len(shifts):
            return None
        paid = templates.paid_minutes[shifts] // search.unit
        own = search.value[shifts]
        if position == 0:
            table = np.full((len(shifts), search.high + 1), INFEASIBLE)
            parent = np.full((len(shifts), search.high + 1), -1, dtype=np.int64)
            ok = paid <= search.high
            table[np.flatnonzero(ok), paid[ok]] = own[ok]
        else:
            table, parent = _extend(search, layers[-1], start, paid, own, first_day)
        layers.append(_Layer(shifts, table, parent))
    final = layers[-1].value[:, search.low : search.high + 1]
    if not np.isfinite(final).any():
        return None
    row, state = divmod(int(np.argmin(final)), final.shape[1])
    cost = float(final[row, state])
    state += search.low
    picked: list[int] = []
    for layer in reversed(layers):
        shift = int(layer.shifts[row])
        picked.append(shift)
        row = int(layer.parent[row, state])
        state -= int(templates.paid_minutes[shift] // search.unit)
    return cost, tuple(sorted(picked, key=lambda s: int(templates.start[s])))


class TourSpace:
    """Everything the week search needs about the problem: templates, coverage cells, costs,
    groups and the budget caps."""

    def __init__(
        self,
        templates: Templates,
        required: FloatArray,
        groups: Sequence[TourGroup],
        *,
        deferred: tuple[bool, ...],
        paid_hour_cost: float,
        start_minutes: IntArray,
        preferred_start_cost_per_hour: float,
        max_paid_hours: float | None = None,
        max_headcount: int | None = None,
    ) -> None:
        self.templates = templates
        self.groups = list(groups)
        self.channels, self.size = required.shape
        self.need = np.ceil(np.maximum(required, 0.0) - 1e-9).ravel()
        self.paid_hour_cost = paid_hour_cost
        self.preferences = [
            _preference(group, start_minutes, preferred_start_cost_per_hour) for group in groups
        ]
        self.max_paid_minutes = math.inf if max_paid_hours is None else max_paid_hours * 60
        self.max_headcount = math.inf if max_headcount is None else max_headcount
        self.live_channels = [c for c in range(self.channels) if not deferred[c]]
        self.deferred_target = (
            deferred.index(True) if any(deferred) and self.live_channels else None
        )
        self.eligible = [eligible_templates(group, templates) for group in self.groups]
        self.paid_unit = int(np.gcd.reduce(templates.paid_minutes)) if templates.count else 1

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

    def paid_minutes(self, tours: Sequence[Tour]) -> float:
        """Paid minutes of ``tours`` together."""
        return float(sum(int(self.templates.paid_minutes[list(t.shifts)].sum()) for t in tours))

    def tour_cost(self, tour: Tour) -> float:
        """Paid hours and preferred-start cost of one agent on ``tour``."""
        shifts = list(tour.shifts)
        paid = float(self.templates.paid_minutes[shifts].sum()) / 60
        return paid * self.paid_hour_cost + float(self.preferences[tour.group][shifts].sum())

    def template_values(self, cell_value: FloatArray, group: int) -> tuple[FloatArray, IntArray]:
        """Per template, what one agent of ``group`` working it costs less the ``cell_value``
        of the coverage cells it covers, each break at its cheapest option; and those options
        (``-1`` padded), shape (templates, breaks)."""
        templates = self.templates
        cover = cell_value
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
        return np.asarray(cost - earned + break_value, dtype=np.float64), chosen

    def best_week(
        self, group: int, cell_value: FloatArray, rest_intervals: int
    ) -> tuple[float, Tour] | None:
        """The cheapest legal week of ``group`` less the ``cell_value`` of what it covers,
        each break at its cheapest place; ``None`` when the group has no legal week."""
        value, chosen = self.template_values(cell_value, group)
        found = best_tours(
            self.groups[group],
            self.templates,
            self.eligible[group],
            value,
            rest_intervals=rest_intervals,
            week_size=self.size,
            paid_unit=self.paid_unit,
        )
        if not found:
            return None
        cost, shifts = found[0]
        options = chosen[list(shifts)].ravel()
        return cost, Tour(group, shifts, tuple(sorted(options[options >= 0].tolist())))


def _preference(group: TourGroup, start_minutes: IntArray, cost_per_hour: float) -> FloatArray:
    """Per template, the cost of ``group``'s distance from its preferred start."""
    if group.preferred_start_minute is None or cost_per_hour <= 0:
        return np.zeros(len(start_minutes))
    distance = clock_distance(start_minutes, group.preferred_start_minute)
    return np.asarray(distance / 60 * cost_per_hour, dtype=np.float64)


def _cyclic_sums(
    cover: FloatArray, channel: IntArray, start: IntArray, length: IntArray, size: int
) -> FloatArray:
    """Sum of ``cover[channel * size + (start + i) % size]`` for i < length, per entry."""
    per_channel = cover.reshape(-1, size)
    doubled = np.concatenate([per_channel, per_channel], axis=1)
    prefix = np.concatenate([np.zeros((len(per_channel), 1)), np.cumsum(doubled, axis=1)], axis=1)
    begin = np.asarray(start) % size
    return np.asarray(prefix[channel, begin + length] - prefix[channel, begin], dtype=np.float64)


def _absorb(cover: FloatArray, space: TourSpace) -> None:
    """Idle agents of live channels take deferred work (as the count model's absorb columns
    and the evaluation do)."""
    if space.deferred_target is None:
        return
    size = space.size
    need = space.need.ravel()
    target = space.deferred_target
    for channel in space.live_channels:
        idle = np.maximum(
            cover[channel * size : (channel + 1) * size]
            - need[channel * size : (channel + 1) * size],
            0.0,
        )
        cover[target * size : (target + 1) * size] += idle


def improve(
    space: TourSpace,
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
    need = space.need
    cover = _cover(space, tours)
    cells = [space.cells(tour) for tour in tours]
    current = list(tours)
    for _ in range(max_passes):
        changed = False
        order = np.argsort([-space.tour_cost(t) for t in current], kind="stable")
        for index in order.tolist():
            if time.monotonic() >= deadline:
                return current
            tour = current[index]
            where, weight = cells[index]
            np.add.at(cover, where, -weight)
            deficit = np.maximum(need - _covered(cover, space), 0.0)
            before = np.maximum(need - _covered_with(cover, where, weight, space), 0.0)
            group = space.groups[tour.group]
            if not deficit.any() and _optional(group):
                current[index] = Tour(tour.group, (), ())
                cells[index] = (np.zeros(0, dtype=np.int64), np.zeros(0))
                changed = True
                continue
            found = space.best_week(
                tour.group, DEFICIT_VALUE * np.minimum(deficit, 1.0), rest_intervals
            )
            if found:
                candidate = found[1]
                new_where, new_weight = space.cells(candidate)
                after = np.maximum(need - _covered_with(cover, new_where, new_weight, space), 0.0)
                cheaper = space.tour_cost(candidate) < space.tour_cost(tour) - 1e-9
                gains = after.sum() < before.sum() - 1e-9 or (
                    after.sum() <= before.sum() + 1e-9 and cheaper
                )
                if gains and _within_budget(space, current, tour, candidate):
                    current[index], cells[index] = candidate, (new_where, new_weight)
                    changed = True
            where, weight = cells[index]
            np.add.at(cover, where, weight)
        if not changed:
            break
    return current


def _within_budget(space: TourSpace, current: list[Tour], old: Tour, new: Tour) -> bool:
    """Whether replacing ``old`` by ``new`` keeps the paid hours within the cap (or, where the
    weeks are over it already, does not add to them)."""
    if not math.isfinite(space.max_paid_minutes):
        return True
    total = space.paid_minutes(current)
    paid = total - space.paid_minutes([old]) + space.paid_minutes([new])
    return paid <= max(space.max_paid_minutes, total) + 1e-6


def _optional(group: TourGroup) -> bool:
    """Open positions, and named agents without contracted hours, need not work."""
    return group.size is None or group.min_paid_minutes == 0


def _covered(cover: FloatArray, space: TourSpace) -> FloatArray:
    result = cover.copy()
    _absorb(result, space)
    return result


def _covered_with(
    cover: FloatArray, where: IntArray, weight: FloatArray, space: TourSpace
) -> FloatArray:
    result = cover.copy()
    np.add.at(result, where, weight)
    _absorb(result, space)
    return result


def fill(
    space: TourSpace, tours: list[Tour], *, rest_intervals: int, deadline: float
) -> list[Tour]:
    """Add weeks, one at a time, each the cheapest legal week covering the most of what is
    still short: first for every named agent still without one (whether or not anything is
    short), then open positions until nothing is short that a week can cover."""

    need = space.need.ravel()
    cover = _cover(space, tours)
    result = list(tours)
    placed = np.bincount([t.group for t in tours], minlength=len(space.groups))
    waiting = {
        k: int(group.size) - int(placed[k])
        for k, group in enumerate(space.groups)
        if group.size is not None and group.min_paid_minutes > 0 and group.size > placed[k]
    }
    open_groups = [
        k
        for k, group in enumerate(space.groups)
        if _optional(group) and (group.size is None or group.size > placed[k])
    ]
    while (open_groups or waiting) and time.monotonic() < deadline:
        deficit = np.maximum(need - _covered(cover, space), 0.0)
        if not deficit.any() and not waiting:
            break
        worth = DEFICIT_VALUE * np.minimum(deficit, 1.0)
        weeks = [
            space.best_week(group, worth, rest_intervals) for group in list(waiting) or open_groups
        ]
        best = min((week for week in weeks if week is not None), default=None, key=lambda w: w[0])
        if best is None:
            if waiting:  # no legal week at all for these agents
                waiting.clear()
                continue
            break
        where, weight = space.cells(best[1])
        after = np.maximum(need - _covered_with(cover, where, weight, space), 0.0)
        group = best[1].group
        over_budget = (
            space.paid_minutes([*result, best[1]]) > space.max_paid_minutes + 1e-6
            or len(result) + 1 > space.max_headcount
        )
        if over_budget and group not in waiting:
            break
        if group in waiting:
            waiting[group] -= 1
            if not waiting[group]:
                del waiting[group]
        elif best[0] >= 0 or after.sum() >= deficit.sum() - 1e-9:
            break
        else:
            placed[group] += 1
            size = space.groups[group].size
            if size is not None and placed[group] >= size:
                open_groups.remove(group)
        np.add.at(cover, where, weight)
        result.append(best[1])
    return result


def _cover(space: TourSpace, tours: Sequence[Tour]) -> FloatArray:
    """Agents on the floor per coverage cell for ``tours`` (breaks taken off)."""
    cover = np.zeros(len(space.need))
    for tour in tours:
        where, weight = space.cells(tour)
        np.add.at(cover, where, weight)
    return cover


def _short(space: TourSpace, tours: Sequence[Tour]) -> float:
    """Agent-intervals short with ``tours`` (deferred work absorbed)."""
    return float(np.maximum(space.need - _covered(_cover(space, tours), space), 0.0).sum())


def _least_needed(space: TourSpace, tours: list[Tour]) -> int | None:
    """The optional week whose loss leaves the least more short (``None``: none is optional)."""
    cover = _cover(space, tours)
    base = np.maximum(space.need - _covered(cover, space), 0.0).sum()
    losses = []
    for tour in tours:
        if not _optional(space.groups[tour.group]):
            losses.append(math.inf)
            continue
        where, weight = space.cells(tour)
        after = _covered_with(cover, where, -weight, space)
        losses.append(float(np.maximum(space.need - after, 0.0).sum() - base))
    if not np.isfinite(min(losses, default=math.inf)):
        return None
    return int(np.argmin(losses))


def trim(space: TourSpace, tours: list[Tour]) -> list[Tour]:
    """Within the budget caps: while the weeks pay more hours or employ more agents than the
    caps allow, drop the optional week whose loss leaves the least more short."""
    current = [tour for tour in tours if tour.shifts]
    while (
        space.paid_minutes(current) > space.max_paid_minutes + 1e-6
        or len(current) > space.max_headcount
    ):
        index = _least_needed(space, current)
        if index is None:
            break
        current.pop(index)
    return current


def shrink(
    space: TourSpace, tours: list[Tour], *, rest_intervals: int, deadline: float
) -> list[Tour]:
    """One week fewer, while it works: drop the optional week whose loss leaves the least
    short, let :func:`improve` move the other weeks to cover the gap, and keep the result if
    nothing is left more short than before (else stop)."""
    current = [tour for tour in tours if tour.shifts]
    missing = _short(space, current)
    while time.monotonic() < deadline:
        index = _least_needed(space, current)
        if index is None:
            break
        trial = [
            tour
            for tour in improve(
                space,
                current[:index] + current[index + 1 :],
                rest_intervals=rest_intervals,
                deadline=deadline,
            )
            if tour.shifts
        ]
        if _short(space, trial) > missing + 1e-9:
            break
        current = trial
    return current
