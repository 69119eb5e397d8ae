"""Named-agent assignment: hand the shifts of the count solution to agents (or open positions).

The count stage plans shift instances per template and agents per day pattern; the roster
gives each instance to an agent under every per-agent rule: at most one shift a day, a weekly
day pattern from the agent's allowed ones, paid hours within the contract, the minimum rest
between any two shifts (also across the week boundary, where the schedule is assumed to
repeat), skills and availability. Three steps, each cheap enough to try in turn (see
:func:`solve_roster`): a day-by-day greedy on the matched patterns with an exact per-day
repair, an exact partition by CP-SAT (a tight feasibility model that is solved in seconds
where the greedy leaves a few instances over), and a CP-SAT model with the coverage rows of
the count model that starts from a complete, feasible greedy assignment (see
``shared/notes/scheduling.md``: a partial hint leaves many more shifts unassigned).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Final

import numpy as np
from ortools.sat.python import cp_model
from scipy import optimize

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.calendar import MINUTES_PER_DAY, clock_distance
from scheduler.shifts.counts import complete_solution, cp_from_program
from scheduler.shifts.formulation import COST_SCALE, Program
from scheduler.shifts.solving import ProgressCallback, SolverOptions, solve_model
from scheduler.shifts.templates import Templates, rest_kept, workable

FORBIDDEN: Final = 1e9
GREEDY_REWARD: Final = 1e6
"""What taking a shift instance earns in the greedy: far above any of its small costs."""
PARTITION_SHARE: Final = 0.8
"""Share of the roster's time for the exact partition when the greedy leaves some over (all
of it when the CP-SAT roster would be too large to run after it)."""
MAX_ROSTER_PAIRS: Final = 50_000
"""Largest number of (agent, planned template) pairs for the CP-SAT roster model: above it
(125 open positions at peak 74, the 250-agent benchmark roster) CP-SAT was measured not to
improve on the greedy, often not even returning it, in the seconds a 60 s run leaves."""


@dataclass(frozen=True)
class RosterAgent:
    """One agent (or open position) as the roster model sees it.

    Attributes:
        agent_id: the id printed in the schedule.
        skills: channel indexes the agent may serve.
        patterns: allowed weekly day patterns, shape (patterns, 7).
        available: per interval of the week, whether the agent may work then.
        min_paid_minutes, max_paid_minutes: paid time in the week, if the agent works.
        preferred_start_minute: preferred local start (minute of the day), if any.
        must_work: a named agent: leaving them without shifts is penalised.
    """

    agent_id: str
    skills: frozenset[int]
    patterns: BoolArray
    available: BoolArray
    min_paid_minutes: int
    max_paid_minutes: int
    preferred_start_minute: int | None = None
    must_work: bool = False


@dataclass(frozen=True)
class RosterTerms:
    """What the roster keeps besides the shifts: the rest, the clock and the costs.

    Attributes:
        rest_intervals: minimum rest between two shifts of an agent, in intervals.
        minute_of_position: local minute of the day of every interval of the week.
        preferred_start_weight: cost per hour between preferred and actual start.
        unused_agent_cost: cost (paid-hour equivalents) of a must-work agent left idle.
    """

    rest_intervals: int
    minute_of_position: IntArray
    preferred_start_weight: float
    unused_agent_cost: float


@dataclass(frozen=True)
class Roster:
    """Who works which template: ``assignments`` rows of (agent index, template index), and
    which step of :func:`solve_roster` produced them."""

    assignments: list[tuple[int, int]]
    method: str


def eligible(agent: RosterAgent, templates: Templates) -> BoolArray:
    """Templates ``agent`` may work: its skills, inside its availability, on a pattern day."""
    return workable(templates, agent.skills, agent.available, agent.patterns)


def rest_gaps(rest_intervals: int, templates: Templates, day_intervals: int) -> int:
    """How many days ahead two shifts can still be closer than the minimum rest."""
    longest = int(templates.length.max(initial=0))
    return max(1, 1 + math.ceil(max(0, rest_intervals + longest - day_intervals) / day_intervals))


def _preference_cost(agent: RosterAgent, minutes: IntArray, weight_per_hour: float) -> IntArray:
    if agent.preferred_start_minute is None or weight_per_hour <= 0:
        return np.zeros(len(minutes), dtype=np.int64)
    distance = clock_distance(minutes, agent.preferred_start_minute)
    return np.asarray(np.round(distance / 60 * weight_per_hour * COST_SCALE), dtype=np.int64)


def greedy_roster(
    agents: list[RosterAgent],
    templates: Templates,
    counts: IntArray,
    allowed: list[BoolArray],
    *,
    rest_intervals: int,
    minute_of_position: IntArray,
) -> list[tuple[int, int]]:
    """A complete, feasible assignment, one day at a time.

    Each day is an assignment problem (agents x that day's shift instances plus a day off per
    agent), solved exactly with the Hungarian method: taking an instance earns a large reward;
    breaking rest, hours or the day pattern is forbidden; starting near the agent's previous
    start and keeping the paid hours on track for the contract cost a little. Agents whose
    week still ends outside their rules are left without shifts, so the result is feasible.
    """
    weeks = _GreedyWeeks(agents, templates, rest_intervals, len(minute_of_position))
    for day in range(7):
        instances = [
            template
            for template in np.flatnonzero((templates.day == day) & (counts > 0)).tolist()
            for _ in range(int(counts[template]))
        ]
        cost = _day_costs(weeks, day, instances, counts, allowed, minute_of_position)
        rows, columns = optimize.linear_sum_assignment(cost)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            if cost[row, column] >= FORBIDDEN:
                continue
            if column < len(instances):
                weeks.work[row].append(instances[column])
                weeks.paid[row] += float(templates.paid_minutes[instances[column]])
            else:
                weeks.off_days[row].add(day)
    work = weeks.work
    _reassign_days(
        agents,
        templates,
        counts,
        allowed,
        work,
        rest_intervals=rest_intervals,
        week_size=weeks.week_size,
    )
    taken = np.bincount([t for shifts in work for t in shifts], minlength=templates.count).astype(
        np.int64
    )
    assignments: list[tuple[int, int]] = []
    for agent_index, agent in enumerate(agents):
        if work[agent_index] and not _legal_week(agent, templates, work[agent_index]):
            _complete_week(
                agent_index,
                agent,
                templates=templates,
                left=counts - taken,
                allowed=allowed,
                work=work,
                rest_ok=weeks.rest_ok,
            )
        if work[agent_index] and _legal_week(agent, templates, work[agent_index]):
            assignments.extend((agent_index, template) for template in work[agent_index])
    return assignments


class _GreedyWeeks:
    """The greedy's weeks so far: each agent's shifts, paid minutes and days off."""

    def __init__(
        self, agents: list[RosterAgent], templates: Templates, rest_intervals: int, week_size: int
    ) -> None:
        self.agents = agents
        self.templates = templates
        self.rest_intervals = rest_intervals
        self.week_size = week_size
        self.work: list[list[int]] = [[] for _ in agents]
        self.paid = np.zeros(len(agents))
        self.off_days: list[set[int]] = [set() for _ in agents]
        paid_lengths = np.unique(templates.paid_minutes)
        self.shortest = float(paid_lengths.min(initial=0))
        self.longest = float(paid_lengths.max(initial=0))

    def rest_ok(self, agent: int, template: int) -> bool:
        """Whether ``template`` keeps the rest to every shift the agent has."""
        return bool(self.resting(agent, np.array([template]))[0])

    def resting(self, agent: int, candidates: IntArray) -> BoolArray:
        """Which ``candidates`` keep the rest to every shift the agent has."""
        return rest_mask(
            self.templates, candidates, self.work[agent], self.rest_intervals, self.week_size
        )

    def patterns_left(self, agent: int, day: int, working: bool) -> BoolArray:
        """The agent's patterns that agree with its days so far and work ``day`` or not."""
        patterns = self.agents[agent].patterns
        keep = patterns[:, day] == working
        for other in self.work[agent]:
            keep &= patterns[:, int(self.templates.day[other])]
        for other_day in self.off_days[agent]:
            keep &= ~patterns[:, other_day]
        return np.asarray(keep, dtype=bool)


def _day_costs(
    weeks: _GreedyWeeks,
    day: int,
    instances: list[int],
    counts: IntArray,
    allowed: list[BoolArray],
    minute_of_position: IntArray,
) -> FloatArray:
    """The day's assignment costs: agents by the day's instances, then a day off per agent
    (its own column); :data:`FORBIDDEN` where the rules do not allow it."""
    templates = weeks.templates
    agents = weeks.agents
    cost = np.full((len(agents), len(instances) + len(agents)), FORBIDDEN)
    later = (templates.day > day) & (counts > 0)
    later_mean = (
        float(np.average(templates.paid_minutes[later], weights=counts[later]))
        if later.any()
        else 0.0
    )
    for agent_index, agent in enumerate(agents):
        # An open position with no shift yet may stay off for good (an unused spare); a
        # named agent's day off costs more the more days off they already had, so days
        # off spread over the agents instead of piling up before the weekend.
        if (not weeks.work[agent_index] and not agent.must_work) or weeks.patterns_left(
            agent_index, day, False
        ).any():
            cost[agent_index, len(instances) + agent_index] = (
                2e4 * len(weeks.off_days[agent_index]) if agent.must_work else 0.0
            )
        working = weeks.patterns_left(agent_index, day, True)
        if not working.any():
            continue
        worked = len(weeks.work[agent_index])
        days_left = int(agent.patterns[working].sum(axis=1).max()) - worked - 1
        previous = [int(minute_of_position[templates.start[t]]) for t in weeks.work[agent_index]]
        anchor = agent.preferred_start_minute
        if anchor is None and previous:
            anchor = previous[-1]
        resting = weeks.resting(agent_index, np.array(instances, dtype=np.int64))
        for column, template in enumerate(instances):
            if allowed[agent_index][template] and resting[column]:
                cost[agent_index, column] = _shift_cost(
                    agent,
                    float(templates.paid_minutes[template]),
                    int(minute_of_position[templates.start[template]]),
                    paid=float(weeks.paid[agent_index]),
                    worked=worked,
                    days_left=days_left,
                    anchor=anchor,
                    later_mean=later_mean,
                    paid_range=(weeks.shortest, weeks.longest),
                )
    return cost


def _shift_cost(
    agent: RosterAgent,
    shift_paid: float,
    start: int,
    *,
    paid: float,
    worked: int,
    days_left: int,
    anchor: int | None,
    later_mean: float,
    paid_range: tuple[float, float],
) -> float:
    """The cost of one shift for an agent in the greedy: :data:`FORBIDDEN` if the agent's
    hours could then no longer end inside the contract, else a large reward less the drift
    from its anchor start, the strain on the hours still to work and the distance from the
    agent's contract per working day (part-timers get the short shifts, so nobody runs out of
    hours before their last day); a named agent's shift earns more."""
    shortest, longest = paid_range
    total = paid + shift_paid
    if total + days_left * shortest > agent.max_paid_minutes or (
        total + days_left * longest < agent.min_paid_minutes
    ):
        return FORBIDDEN
    drift = abs(start - anchor) if anchor is not None else 0
    drift = min(drift, MINUTES_PER_DAY - drift)
    hours = 0.0
    if days_left > 0:
        need = (agent.min_paid_minutes - total) / days_left
        room = (agent.max_paid_minutes - total) / days_left
        hours = max(0.0, need - later_mean) + max(0.0, later_mean - room)
    per_day = (agent.min_paid_minutes + agent.max_paid_minutes) / 2 / (days_left + worked + 1)
    fit = abs(shift_paid - per_day)
    return -GREEDY_REWARD + drift / 7.5 + 3 * hours + fit - (1e4 if agent.must_work else 0.0)


def rest_mask(
    templates: Templates,
    candidates: IntArray,
    shifts: list[int],
    rest_intervals: int,
    week_size: int,
) -> BoolArray:
    """Which ``candidates`` keep the minimum rest to every one of ``shifts`` (also across the
    week boundary, where the schedule repeats)."""
    start = templates.start[candidates].astype(np.int64)
    end = start + templates.length[candidates]
    ok = np.ones(len(candidates), dtype=bool)
    for other in shifts:
        other_start = int(templates.start[other])
        other_end = other_start + int(templates.length[other])
        for shift in (-week_size, 0, week_size):
            ok &= rest_kept(other_end, start + shift, rest_intervals) | rest_kept(
                end + shift, other_start, rest_intervals
            )
    return ok


def _target_days(agent: RosterAgent, templates: Templates, shifts: list[int]) -> BoolArray | None:
    """The days of the allowed pattern that completes ``shifts`` with the fewest additions."""
    worked = np.zeros(7, dtype=bool)
    worked[templates.day[shifts]] = True
    fits = [pattern for pattern in agent.patterns if not (worked & ~pattern).any()]
    if not shifts or not fits:
        return None
    return np.asarray(min(fits, key=lambda pattern: int(pattern.sum())), dtype=bool)


def _reassign_days(
    agents: list[RosterAgent],
    templates: Templates,
    counts: IntArray,
    allowed: list[BoolArray],
    work: list[list[int]],
    *,
    rest_intervals: int,
    week_size: int,
    rounds: int = 3,
) -> None:
    """Fix and optimise, one day at a time: with every other day's shifts held, hand out the
    day's shift instances again by an exact assignment (Hungarian method).

    The day-by-day greedy cannot see the days after the one it fills (the rest before the
    next shift, the rest across the week boundary, the hours still to reach); here they are
    all known, so instances the greedy had to leave over find an agent. Each agent keeps the
    days of its pattern; a day's re-assignment is kept only if it gives out at least as many
    instances as before, so nothing is lost. ``work`` is changed in place.
    """
    targets = [_target_days(agent, templates, work[index]) for index, agent in enumerate(agents)]
    paid_minutes = templates.paid_minutes.astype(np.float64)
    shortest, longest = float(paid_minutes.min(initial=0)), float(paid_minutes.max(initial=0))
    for _ in range(rounds):
        changed = False
        for day in range(7):
            day_templates = np.flatnonzero((templates.day == day) & (counts > 0))
            instances = np.repeat(day_templates, counts[day_templates])
            members = [a for a, days in enumerate(targets) if days is not None and days[day]]
            if not len(instances) or not members:
                continue
            before = sum(1 for a in members for t in work[a] if templates.day[t] == day)
            cost = np.full((len(members), len(instances) + len(members)), FORBIDDEN)
            cost[np.arange(len(members)), len(instances) + np.arange(len(members))] = 0.0
            for row, agent_index in enumerate(members):
                agent = agents[agent_index]
                others = [t for t in work[agent_index] if templates.day[t] != day]
                current = [t for t in work[agent_index] if templates.day[t] == day]
                ok = allowed[agent_index][day_templates] & rest_mask(
                    templates, day_templates, others, rest_intervals, week_size
                )
                days = targets[agent_index]
                missing = int(days.sum()) - len(others) - 1 if days is not None else 0
                total = paid_minutes[others].sum() + paid_minutes[day_templates]
                ok &= total + missing * shortest <= agent.max_paid_minutes
                ok &= total + missing * longest >= agent.min_paid_minutes
                # Reward an instance; a little more for keeping the current one (stability)
                # and for ending the week inside the contract.
                legal = (total >= agent.min_paid_minutes) & (total <= agent.max_paid_minutes)
                reward = -1e6 - np.where(np.isin(day_templates, current), 1.0, 0.0)
                reward -= np.where(legal & (missing == 0), 10.0, 0.0)
                value = np.where(ok, reward, FORBIDDEN)
                cost[row, : len(instances)] = value[np.searchsorted(day_templates, instances)]
            rows, columns = optimize.linear_sum_assignment(cost)
            picked = [
                (members[row], int(instances[column]))
                for row, column in zip(rows.tolist(), columns.tolist(), strict=True)
                if column < len(instances) and cost[row, column] < FORBIDDEN
            ]
            if len(picked) < before:
                continue
            for agent_index in members:
                work[agent_index] = [t for t in work[agent_index] if templates.day[t] != day]
            for agent_index, template in picked:
                work[agent_index].append(template)
            changed = changed or len(picked) > before
        if not changed:
            return


def match_patterns(
    agents: list[RosterAgent], patterns: BoolArray, slots: IntArray
) -> list[RosterAgent]:
    """Give each agent one of the count stage's day patterns, ``slots[j]`` agents on
    ``patterns[j]``, by a maximum matching (Hungarian method) of agents to the patterns they
    may work; agents left over keep all of theirs.

    The count stage plans whole weeks on pooled patterns; a roster that lets each agent pick
    its days one day at a time leaves some days short and others long (measured on the
    benchmark's 250-agent roster: 35 instances unassigned and 27 added without the matching,
    4 and 1 with it).
    """
    copies = np.repeat(np.arange(len(patterns)), slots)
    if not len(copies) or not agents:
        return list(agents)
    fits = np.array(
        [
            [(own == pattern).all(axis=1).any() for pattern in patterns]
            for own in (agent.patterns for agent in agents)
        ],
        dtype=bool,
    ).reshape(len(agents), len(patterns))
    cost = np.where(fits[:, copies], 0.0, 1.0)
    rows, columns = optimize.linear_sum_assignment(cost)
    matched = list(agents)
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        if cost[row, column] == 0.0:
            matched[row] = replace(agents[row], patterns=patterns[[copies[column]]])
    return matched


def exact_partition(
    agents: list[RosterAgent],
    templates: Templates,
    counts: IntArray,
    allowed: list[BoolArray],
    *,
    rest_intervals: int,
    week_size: int,
    hint: list[tuple[int, int]],
    options: SolverOptions,
    seconds: float,
    progress: ProgressCallback | None = None,
    started: float | None = None,
) -> list[tuple[int, int]] | None:
    """Every planned shift instance to an agent with a single day pattern, each working
    exactly its pattern's days within its hours and rest, or ``None`` if CP-SAT finds no such
    partition in ``seconds`` (or the pattern days do not add up to the instances per day).

    A tight feasibility model (every count is an equality). It is first solved as a repair of
    the ``hint``: the agents whose hinted weeks are legal and far from the instances left over
    keep them, and only the others (a growing share of them, see :data:`REPAIR_SHARES`) are
    handed out again; the last attempt frees everyone.
    """
    started_here = time.monotonic()
    fixed = [index for index, agent in enumerate(agents) if len(agent.patterns) == 1]
    if any(agent.must_work and len(agent.patterns) != 1 for agent in agents):
        return None  # a named agent outside the partition would be left idle
    days = np.array([agents[index].patterns[0] for index in fixed], dtype=bool).reshape(-1, 7)
    per_day = np.bincount(templates.day, weights=counts, minlength=7)
    if not fixed or not np.array_equal(days.sum(axis=0), per_day):
        return None
    weeks: dict[int, list[int]] = {index: [] for index in fixed}
    for agent_index, template in hint:
        if agent_index in weeks:
            weeks[agent_index].append(template)
    distance = _repair_distance(agents, templates, counts, weeks)
    order = sorted(fixed, key=lambda index: distance[index])
    for share in REPAIR_SHARES:
        left = seconds - (time.monotonic() - started_here)
        if left <= 0:
            return None
        free = order[: max(1, math.ceil(share * len(order)))] if share < 1 else order
        held = [index for index in fixed if index not in set(free)]
        remaining = counts - np.bincount(
            [t for index in held for t in weeks[index]], minlength=templates.count
        )
        found = _partition_model(
            [(index, agents[index]) for index in free],
            templates,
            remaining,
            allowed,
            rest_intervals=rest_intervals,
            week_size=week_size,
            hint=weeks,
            options=options,
            seconds=left if share == 1 else min(left, left * share * 2),
            progress=progress,
            started=started if started is not None else started_here,
        )
        if found is not None:
            return found + [(index, t) for index in held for t in weeks[index]]
    return None


REPAIR_SHARES: Final = (0.1, 0.3, 1.0)
"""Shares of the agents freed in turn by :func:`exact_partition`'s repair (each attempt may
take twice its share of the time left; the last one all of it)."""


def _repair_distance(
    agents: list[RosterAgent],
    templates: Templates,
    counts: IntArray,
    weeks: dict[int, list[int]],
) -> dict[int, float]:
    """How far each agent's hinted week is from being kept as it is: 0 (must be freed) if it
    is illegal or takes more of a template than planned, else the least distance in intervals
    between one of its shifts and a left-over instance on the same day."""
    taken = np.bincount([t for week in weeks.values() for t in week], minlength=templates.count)
    over = taken > counts
    short = np.flatnonzero(taken < counts)
    result: dict[int, float] = {}
    for index, week in weeks.items():
        if not week or not _legal_week(agents[index], templates, week) or over[week].any():
            result[index] = 0.0
            continue
        gaps = [
            abs(int(templates.start[t]) - int(templates.start[other]))
            for t in week
            for other in short.tolist()
            if templates.day[other] == templates.day[t]
        ]
        result[index] = float(min(gaps, default=10**9)) + 1.0
    return result


def _partition_model(
    members: list[tuple[int, RosterAgent]],
    templates: Templates,
    counts: IntArray,
    allowed: list[BoolArray],
    *,
    rest_intervals: int,
    week_size: int,
    hint: dict[int, list[int]],
    options: SolverOptions,
    seconds: float,
    progress: ProgressCallback | None,
    started: float,
) -> list[tuple[int, int]] | None:
    """The exact partition of ``counts`` among ``members`` (see :func:`exact_partition`)."""
    if (counts < 0).any():
        return None
    model = cp_model.CpModel()
    gaps = rest_gaps(rest_intervals, templates, round(week_size / 7))
    planned = counts > 0
    per_template: dict[int, list[cp_model.IntVar]] = {}
    choice: dict[tuple[int, int], cp_model.IntVar] = {}
    for agent_index, agent in members:
        by_day: list[list[int]] = [[] for _ in range(7)]
        hinted = set(hint.get(agent_index, []))
        for template in np.flatnonzero(allowed[agent_index] & planned).tolist():
            variable = model.new_bool_var("")
            model.add_hint(variable, template in hinted)
            choice[agent_index, template] = variable
            per_template.setdefault(template, []).append(variable)
            by_day[int(templates.day[template])].append(template)
        for day in np.flatnonzero(agent.patterns[0]).tolist():
            model.add_exactly_one(choice[agent_index, t] for t in by_day[day])
        paid = sum(
            int(templates.paid_minutes[t]) * choice[agent_index, t] for d in by_day for t in d
        )
        model.add_linear_constraint(paid, agent.min_paid_minutes, agent.max_paid_minutes)
        _add_rest_rows(
            model,
            {t: choice[agent_index, t] for d in by_day for t in d},
            by_day,
            templates,
            rest_intervals=rest_intervals,
            week_size=week_size,
            gaps=gaps,
        )
    for template in np.flatnonzero(planned).tolist():
        model.add(sum(per_template.get(template, [])) == int(counts[template]))
    solver, status = solve_model(
        model,
        options=options,
        seconds=seconds,
        stage="roster",
        progress=progress,
        started=started,
        report_solutions=False,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [key for key, variable in choice.items() if solver.value(variable)]


def _add_rest_rows(
    model: cp_model.CpModel,
    choice: dict[int, cp_model.IntVar],
    by_day: list[list[int]],
    templates: Templates,
    *,
    rest_intervals: int,
    week_size: int,
    gaps: int,
    on: list[cp_model.IntVar] | None = None,
) -> None:
    """One agent's minimum rest between its shifts on any two days at most ``gaps`` apart
    (across the week boundary too), enforced when both days are worked (``on``; always if
    ``None``)."""
    for day in range(7):
        for gap in range(1, gaps + 1):
            later = (day + gap) % 7
            wrap = week_size if day + gap >= 7 else 0
            if not by_day[day] or not by_day[later] or later == day:
                continue
            end = sum(
                int(templates.start[t] + templates.length[t]) * choice[t] for t in by_day[day]
            )
            begin = sum(int(templates.start[t] + wrap) * choice[t] for t in by_day[later])
            constraint = model.add(rest_kept(end, begin, rest_intervals))
            if on is not None:
                constraint.only_enforce_if([on[day], on[later]])


def _legal_week(agent: RosterAgent, templates: Templates, shifts: list[int]) -> bool:
    days = [False] * 7
    for template in shifts:
        days[int(templates.day[template])] = True
    paid = float(templates.paid_minutes[shifts].sum())
    pattern_ok = any([bool(v) for v in pattern] == days for pattern in agent.patterns)
    return pattern_ok and agent.min_paid_minutes <= paid <= agent.max_paid_minutes


def _complete_week(
    agent_index: int,
    agent: RosterAgent,
    *,
    templates: Templates,
    left: IntArray,
    allowed: list[BoolArray],
    work: list[list[int]],
    rest_ok: Callable[[int, int], bool],
) -> None:
    """Fill the missing days of an agent's pattern with legal shifts (left-over instances
    first, then any candidate) so the days already given are not lost; unchanged if none fit."""
    shifts = work[agent_index]
    worked = {int(templates.day[t]) for t in shifts}
    for pattern in agent.patterns:
        days = {day for day in range(7) if pattern[day]}
        if not worked <= days:
            continue
        added: list[int] = []
        missing = sorted(days - worked)
        shortest = float(templates.paid_minutes.min(initial=0))
        longest = float(templates.paid_minutes.max(initial=0))
        for position, day in enumerate(missing):
            options = np.flatnonzero((templates.day == day) & allowed[agent_index])
            options = options[np.lexsort((-templates.paid_minutes[options], -left[options]))]
            after = len(missing) - position - 1
            for template in options.tolist():
                paid = float(templates.paid_minutes[shifts + added + [template]].sum())
                if paid + after * shortest > agent.max_paid_minutes or (
                    paid + after * longest < agent.min_paid_minutes
                ):
                    continue
                work[agent_index] = shifts + added
                if rest_ok(agent_index, template):
                    added.append(template)
                    break
            work[agent_index] = shifts
        if len(added) == len(days - worked) and _legal_week(agent, templates, shifts + added):
            work[agent_index] = shifts + added
            return


def solve_roster(
    candidates: Templates,
    counts: IntArray,
    build: Callable[[Templates], Program],
    agents: list[RosterAgent],
    terms: RosterTerms,
    *,
    pattern_slots: tuple[BoolArray, IntArray] | None = None,
    options: SolverOptions,
    seconds: float,
    progress: ProgressCallback | None = None,
    started: float | None = None,
) -> Roster:
    """Assign agents to candidate templates.

    In order, stopping at the first that hands out every planned instance (and gives every
    named agent a week): the greedy (:func:`greedy_roster`) on the count stage's day patterns
    (:func:`match_patterns`); the exact partition (:func:`exact_partition`); CP-SAT over the
    templates the count stage chose or the greedy used, with coverage in its objective and
    every agent free to take any of its own patterns (:func:`_cp_sat_roster`).

    Args:
        candidates: the templates agents may work (breaks fixed).
        counts: shift counts per candidate from the count stage (the greedy's targets).
        build: builds the count model (without day patterns) over a subset of templates.
        agents: the agents or open positions.
        terms: the rest, the clock of the week and the wish and idle costs.
        pattern_slots: the count stage's day patterns and how many agents work each.
        options: CP-SAT options; ``seconds`` of the budget for this stage.
        progress: receives each incumbent.
        started: the clock value the progress reports count from.
    """
    started_here = time.monotonic()
    started = started if started is not None else started_here
    # The greedy and the partition keep the planned days; CP-SAT may use any of an agent's.
    planned_agents = match_patterns(agents, *pattern_slots) if pattern_slots else agents
    allowed = [eligible(agent, candidates) for agent in planned_agents]
    hand_out = partial(
        greedy_roster,
        templates=candidates,
        counts=counts,
        rest_intervals=terms.rest_intervals,
        minute_of_position=terms.minute_of_position,
    )
    greedy = hand_out(planned_agents, allowed=allowed)
    if _shortcomings(agents, counts, greedy) == (0, 0):
        return Roster(greedy, "greedy")
    fallback = sum(int((may & (counts > 0)).sum()) for may in allowed) <= MAX_ROSTER_PAIRS
    exact = exact_partition(
        planned_agents,
        candidates,
        counts,
        allowed,
        rest_intervals=terms.rest_intervals,
        week_size=len(terms.minute_of_position),
        hint=greedy,
        options=options,
        seconds=seconds * (PARTITION_SHARE if fallback else 1.0),
        progress=progress,
        started=started,
    )
    if exact is not None:
        return Roster(exact, "CP-SAT exact partition")
    if not fallback:
        return Roster(greedy, "greedy (too large for CP-SAT)")
    if pattern_slots is not None:  # the planned days may leave agents without a legal week
        free = hand_out(agents, allowed=[eligible(agent, candidates) for agent in agents])
        greedy = min(greedy, free, key=lambda found: _shortcomings(agents, counts, found))
    return _cp_sat_roster(
        candidates,
        counts,
        build,
        agents,
        greedy,
        terms,
        options=options,
        seconds=seconds - (time.monotonic() - started_here),
        progress=progress,
        started=started,
    )


def _shortcomings(
    agents: list[RosterAgent], counts: IntArray, assignments: list[tuple[int, int]]
) -> tuple[int, int]:
    """Named agents left idle, then instances missing or added against the counts."""
    taken = np.bincount([t for _, t in assignments], minlength=len(counts))
    working = {agent for agent, _ in assignments}
    idle = sum(1 for i, agent in enumerate(agents) if agent.must_work and i not in working)
    return idle, int(np.abs(taken - counts).sum())


@dataclass
class _RosterModel:
    """The CP-SAT roster model as it is built: per (agent, template) a 0/1 choice, the choices
    of each template, the objective's extra terms and each agent's (works, days on, pattern)
    flags."""

    model: cp_model.CpModel
    templates: Templates
    choice: dict[tuple[int, int], cp_model.IntVar]
    per_template: list[list[cp_model.IntVar]]
    extra_terms: list[tuple[cp_model.IntVar, int]]
    flags: list[tuple[cp_model.IntVar, list[cp_model.IntVar], list[cp_model.IntVar]]]


def _cp_sat_roster(
    candidates: Templates,
    counts: IntArray,
    build: Callable[[Templates], Program],
    agents: list[RosterAgent],
    greedy: list[tuple[int, int]],
    terms: RosterTerms,
    *,
    options: SolverOptions,
    seconds: float,
    progress: ProgressCallback | None,
    started: float,
) -> Roster:
    """CP-SAT over the templates the count stage chose or the greedy used, with the count
    model's coverage in the objective, every agent free to take any of its own patterns, and
    the greedy's assignment as a complete hint (it is kept if CP-SAT finds nothing)."""
    useful = np.flatnonzero(
        (counts > 0) | (np.bincount([t for _, t in greedy], minlength=candidates.count) > 0)
    )
    renumber = {int(template): index for index, template in enumerate(useful.tolist())}
    hint = [(agent, renumber[template]) for agent, template in greedy]
    program = build(candidates.subset(useful))
    templates = program.templates
    roster = _RosterModel(
        cp_model.CpModel(), templates, {}, [[] for _ in range(templates.count)], [], []
    )
    minutes = terms.minute_of_position[templates.start]
    week_size = len(terms.minute_of_position)
    gaps = rest_gaps(terms.rest_intervals, templates, round(week_size / 7))
    for index, agent in enumerate(agents):
        members = np.flatnonzero(eligible(agent, templates))  # over the subset
        preference = _preference_cost(agent, minutes[members], terms.preferred_start_weight)
        _add_agent_week(
            roster,
            index,
            agent,
            members,
            preference,
            unused_agent_cost=terms.unused_agent_cost,
            rest_intervals=terms.rest_intervals,
            week_size=week_size,
            gaps=gaps,
        )
    # Idle must-work agents cost through a bonus for working (no constant in the objective).
    model, variables = cp_from_program(
        program, np.ones(program.columns, dtype=bool), roster.model, roster.extra_terms
    )
    x_start = program.blocks["x"].start
    for template in range(templates.count):
        model.add(variables[x_start + template] == sum(roster.per_template[template]))
    _add_hint(
        model,
        program=program,
        variables=variables,
        choice=roster.choice,
        flags=roster.flags,
        assignments=hint,
        agents=agents,
        templates=templates,
    )
    solver, status = solve_model(
        model,
        options=options,
        seconds=seconds,
        stage="roster",
        progress=progress,
        started=started,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Roster(greedy, f"greedy ({status.name})")
    assignments = [
        (agent, int(useful[template]))
        for (agent, template), variable in roster.choice.items()
        if solver.value(variable)
    ]
    return Roster(assignments, f"CP-SAT {status.name}")


def _add_agent_week(
    roster: _RosterModel,
    index: int,
    agent: RosterAgent,
    members: IntArray,
    preference: IntArray,
    *,
    unused_agent_cost: float,
    rest_intervals: int,
    week_size: int,
    gaps: int,
) -> None:
    """One agent's week in the CP-SAT roster: a choice per template it may work (costing its
    distance from the preferred start), at most one shift a day, the days of one of its
    patterns if it works at all, its paid hours and the rest; a must-work agent earns a bonus
    for working."""
    model, templates, choice = roster.model, roster.templates, roster.choice
    used = model.new_bool_var("")
    by_day: list[list[int]] = [[] for _ in range(7)]
    for template, cost in zip(members.tolist(), preference.tolist(), strict=True):
        variable = model.new_bool_var("")
        choice[index, template] = variable
        roster.per_template[template].append(variable)
        by_day[int(templates.day[template])].append(template)
        if cost:
            roster.extra_terms.append((variable, cost))
    on = []
    for day in range(7):
        flag = model.new_bool_var("")
        model.add(sum(choice[index, t] for t in by_day[day]) == flag)
        on.append(flag)
    pattern_flags = [model.new_bool_var("") for _ in agent.patterns]
    model.add(sum(pattern_flags) == used)
    for day in range(7):
        model.add(
            on[day]
            == sum(
                flag
                for flag, pattern in zip(pattern_flags, agent.patterns, strict=True)
                if pattern[day]
            )
        )
    roster.flags.append((used, on, pattern_flags))
    paid = sum(int(templates.paid_minutes[t]) * choice[index, t] for t in members.tolist())
    model.add(paid >= agent.min_paid_minutes * used)
    model.add(paid <= agent.max_paid_minutes * used)
    if agent.must_work and unused_agent_cost > 0:
        roster.extra_terms.append((used, -round(unused_agent_cost * COST_SCALE)))
    _add_rest_rows(
        model,
        {t: choice[index, t] for t in members.tolist()},
        by_day,
        templates,
        rest_intervals=rest_intervals,
        week_size=week_size,
        gaps=gaps,
        on=on,
    )


def _add_hint(
    model: cp_model.CpModel,
    *,
    program: Program,
    variables: dict[int, cp_model.IntVar],
    choice: dict[tuple[int, int], cp_model.IntVar],
    flags: list[tuple[cp_model.IntVar, list[cp_model.IntVar], list[cp_model.IntVar]]],
    assignments: list[tuple[int, int]],
    agents: list[RosterAgent],
    templates: Templates,
) -> None:
    """Hint every variable: the greedy assignment, each agent's days and pattern, and the
    coverage columns it implies."""
    taken = set(assignments)
    for key, variable in choice.items():
        model.add_hint(variable, int(key in taken))
    for index, (used, on, pattern_flags) in enumerate(flags):
        days = [False] * 7
        for agent, template in assignments:
            if agent == index:
                days[int(templates.day[template])] = True
        model.add_hint(used, int(any(days)))
        for day, flag in enumerate(on):
            model.add_hint(flag, int(days[day]))
        matched = False
        for flag, pattern in zip(pattern_flags, agents[index].patterns, strict=True):
            hit = any(days) and not matched and [bool(v) for v in pattern] == days
            matched = matched or hit
            model.add_hint(flag, int(hit))
    x = np.bincount([t for _, t in assignments], minlength=templates.count).astype(np.float64)
    y = x[templates.option_template]
    values = complete_solution(program, x, y, np.zeros(len(program.patterns)))
    for column, variable in variables.items():
        model.add_hint(variable, round(values[column]))
