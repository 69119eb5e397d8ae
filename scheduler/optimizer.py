"""The weekly shift optimizer: requirements and rules in, a schedule and its coverage out.

Stages (see ``shared/notes/scheduling.md`` for the measurements behind them):

1. **Bound** — the LP relaxation of the shift-count model over every allowed shift (aggregate
   day patterns and weekly hours), solved with GLOP: a valid lower bound, and coverage duals
   that start the tour search near its answer.
2. **Tours** — whole agent weeks by column generation (:mod:`scheduler.tours`): a master LP
   over tours priced per group of identical agents by dynamic programming over the week, then
   a dive with pricing to whole tours. Every shift belongs to a legal week by construction.
3. **Evaluation** — coverage and projected service level (:mod:`scheduler.evaluation`), and
   a summary that says every way the week falls short of its targets.

Meeting the requirements is the default: a missing agent costs
:data:`SHORTFALL_COST_PER_AGENT_HOUR` paid hours, so the optimizer falls short only where the
rules or the staff leave no other way. With ``[budget]`` caps in the rules, the shortfall is
priced from the queueing model instead (contacts answered late per missing agent), so the
service level is as high as the budget allows.

Each shift serves one channel. Idle agents of live channels may absorb deferred (email) work
in the same interval. The week is cyclic (the schedule is assumed to repeat, so Sunday's
shifts are what precedes Monday for rest and for coverage after midnight).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.agents import Agent, availability, hour_limits
from scheduler.bound import LinearRelaxation
from scheduler.errors import SchedulerError
from scheduler.evaluation import KpiFunction, normalise_requirements, schedule_coverage
from scheduler.explain import check_agents, check_rules, coverage_warnings
from scheduler.formulation import FloatArray, Program, build_program
from scheduler.rules import Rules, Weights
from scheduler.shifts import (
    Templates,
    Week,
    agent_patterns,
    day_patterns,
    shift_templates,
    week_of,
)
from scheduler.solving import Heartbeat, ProgressCallback, SolverOptions
from scheduler.summary import ScheduleSummary, schedule_summary
from scheduler.tours import (
    Shortfall,
    Tour,
    TourBudget,
    TourGroup,
    TourMaster,
    TourPlan,
    eligible_templates,
    plan_tours,
)

__all__ = ["ScheduleResult", "ScheduleSummary", "solve_schedule"]  # the summary re-exported

SHORTFALL_COST_PER_AGENT_HOUR = 1000.0
"""Paid-hour equivalents per missing agent-hour when no budget caps are set: far above what
any tour costs, so that coverage is given up only where no legal week can provide it."""
SHORTFALL_SEGMENTS = (1.0, 2.0, 4.0, 8.0)
"""Multipliers of the shortfall cost for the 1st, 2nd, ... missing agent of an interval
(convex: a short week spreads its misses instead of emptying one interval)."""
UNPLACED_COST = 1e5
"""Cost of a named agent without a tour (the master's artificial column; never chosen while
any legal tour exists)."""
SHARES = (0.3, 0.45, 0.75, 0.92)
"""Shares of the time left after the bound at which the boxed root, the free root, the dive
and the local search stop; the rest is for evaluation."""
DETERMINISTIC_ROUNDS_PER_SECOND = 4
"""Root pricing rounds per second of a deterministic budget (runs that must repeat exactly)."""


@dataclass(frozen=True)
class ScheduleResult:
    """The schedule (one row per shift), its coverage per interval, and the summary."""

    shifts: pd.DataFrame
    coverage: pd.DataFrame
    summary: ScheduleSummary


@dataclass(frozen=True)
class _Problem:
    table: pd.DataFrame
    week: Week
    channels: tuple[str, ...]
    required: FloatArray
    deferred: tuple[bool, ...]


def _problem(requirements: pd.DataFrame) -> _Problem:
    table = normalise_requirements(requirements)
    week = week_of(table["interval_start"])
    channels = tuple(sorted(table["channel"].unique().tolist()))
    required = np.zeros((len(channels), week.size))
    positions = pd.Index(week.starts).get_indexer(pd.DatetimeIndex(table["interval_start"]))
    for index, channel in enumerate(channels):
        rows = (table["channel"] == channel).to_numpy()
        required[index, positions[rows]] = table["scheduled_agents"].to_numpy()[rows]
    models = table.groupby("channel")["model"].first().to_dict() if "model" in table.columns else {}
    deferred = tuple(models.get(channel) == "deferred" for channel in channels)
    return _Problem(table, week, channels, required, deferred)


def _groups(
    agents: Sequence[Agent] | None, rules: Rules, week: Week, channels: tuple[str, ...]
) -> list[TourGroup]:
    """Open positions (one group of any size, all skills) or the named agents grouped by
    everything that decides their legal weeks (skills, days, availability, hours, wishes)."""
    if agents is None:
        return [
            TourGroup(
                skills=frozenset(range(len(channels))),
                patterns=day_patterns(rules.week.days_per_agent, rules.week.consecutive_days_off),
                available=np.ones(week.size, dtype=bool),
                min_paid_minutes=math.ceil(rules.week.min_hours * 60 - 1e-9),
                max_paid_minutes=math.floor(rules.week.max_hours * 60 + 1e-9),
            )
        ]
    members: dict[tuple[object, ...], list[int]] = {}
    shapes: dict[tuple[object, ...], TourGroup] = {}
    for index, agent in enumerate(agents):
        free = availability(agent, week)
        free_days = sum(1 << day for day in range(7) if free[week.day == day].any())
        patterns = agent_patterns(
            rules.week.days_per_agent, rules.week.consecutive_days_off, free_days
        )
        low, high = hour_limits(agent, rules, int(patterns.sum(axis=1).max(initial=0)))
        group = TourGroup(
            skills=frozenset(channels.index(s) for s in agent.skills if s in channels),
            patterns=patterns,
            available=free,
            min_paid_minutes=math.ceil(low * 60 - 1e-9),
            max_paid_minutes=math.floor(high * 60 + 1e-9),
            preferred_start_minute=agent.preferred_start_minute,
        )
        key = (
            group.skills,
            patterns.tobytes(),
            free.tobytes(),
            group.min_paid_minutes,
            group.max_paid_minutes,
            group.preferred_start_minute,
        )
        shapes.setdefault(key, group)
        members.setdefault(key, []).append(index)
    return [
        dataclasses.replace(shapes[key], size=len(indexes), members=tuple(indexes))
        for key, indexes in members.items()
    ]


def _bound_program(
    templates: Templates,
    problem: _Problem,
    rules: Rules,
    groups: Sequence[TourGroup],
    named: bool,
    rest: int,
    costs: Shortfall,
) -> Program:
    """The aggregate count model (a relaxation of the tours) under the tour objective."""
    weights = Weights(
        paid_hour=rules.weights.paid_hour,
        overstaff_agent_hour=0.0,
        shortfall_agent_hour=tuple(float(c) for c in costs.cost.min(axis=(0, 1))),
        preferred_start_hour=0.0,
    )
    bound_rules = dataclasses.replace(rules, weights=weights)
    extra: dict[str, object] = {"rest_intervals": rest}
    if named:
        pooled: dict[tuple[bool, ...], int] = {}
        for group in groups:
            for pattern in group.patterns:
                key = tuple(bool(day) for day in pattern)
                pooled[key] = pooled.get(key, 0) + (group.size or 0)
        extra.update(
            patterns=np.array(sorted(pooled), dtype=bool).reshape(-1, 7),
            pattern_limit=np.array([pooled[key] for key in sorted(pooled)], dtype=np.int64),
            hours_range=(
                min(g.min_paid_minutes for g in groups) / 60,
                max(g.max_paid_minutes for g in groups) / 60,
            ),
            headcount_limit=sum(g.size or 0 for g in groups),
        )
    return build_program(
        templates,
        problem.required,
        bound_rules,
        interval_minutes=problem.week.interval_minutes,
        deferred=problem.deferred,
        **extra,  # type: ignore[arg-type]
    )


def _middle_breaks(templates: Templates) -> Templates:
    """The templates with each break only at the middle of its window."""
    pair = templates.option_template * 64 + templates.option_break
    order = np.argsort(pair, kind="stable")
    _, first, count = np.unique(pair[order], return_index=True, return_counts=True)
    chosen = np.sort(order[first + count // 2])
    return templates.select(np.arange(templates.count), chosen, templates.option_template[chosen])


def _shortfall(problem: _Problem, rules: Rules, kpis: KpiFunction | None) -> Shortfall:
    """Costs per missing agent: fixed and high by default; with budget caps, the contacts a
    missing agent leaves unanswered in time (queueing model), scaled to the same level."""
    channels, size = problem.required.shape
    segments = np.array(SHORTFALL_SEGMENTS)
    base = np.full((channels, size, len(segments)), SHORTFALL_COST_PER_AGENT_HOUR) * segments
    if not rules.budget.capped:
        return Shortfall(base)
    lost = _late_contacts(problem, len(segments), kpis)
    if lost is None:
        return Shortfall(base)
    reference = float(np.nanmean(np.where(lost[..., 0] > 0, lost[..., 0], np.nan)))
    if not math.isfinite(reference) or reference <= 0:
        return Shortfall(base)
    scaled = SHORTFALL_COST_PER_AGENT_HOUR * np.maximum(lost / reference, 0.01)
    # Convex in the missing agents, as the LP needs.
    return Shortfall(np.maximum.accumulate(np.nan_to_num(scaled, nan=1.0), axis=2))


def _late_contacts(problem: _Problem, segments: int, kpis: KpiFunction | None) -> FloatArray | None:
    """Per channel, interval and m, the contacts answered late because of the m-th missing
    agent (from the projected service level with 0, 1, ... agents missing); ``None`` when the
    requirements carry no volume or targets to project from."""
    from scheduler.staffing import projected_kpis

    table = problem.table
    if "volume" not in table.columns:
        return None
    project = kpis or projected_kpis
    required = table["scheduled_agents"].to_numpy(dtype=float)
    volume = pd.to_numeric(table["volume"], errors="coerce").fillna(0.0).to_numpy()
    levels = []
    for missing in range(segments + 1):
        present = np.maximum(np.ceil(required - 1e-9) - missing, 0.0)
        level = project(table, present)["service_level"].to_numpy(dtype=float)
        if np.isnan(level).all():
            return None
        levels.append(np.nan_to_num(level, nan=0.0))
    stacked = np.stack(levels, axis=1)
    loss = np.maximum(stacked[:, :-1] - stacked[:, 1:], 0.0) * volume[:, None]
    result = np.zeros((len(problem.channels), problem.week.size, segments))
    positions = pd.Index(problem.week.starts).get_indexer(pd.DatetimeIndex(table["interval_start"]))
    cells = np.array([problem.channels.index(c) for c in table["channel"]])
    result[cells, positions] = loss
    return result


def solve_schedule(
    requirements: pd.DataFrame,
    rules: Rules,
    agents: Sequence[Agent] | None = None,
    *,
    options: SolverOptions | None = None,
    progress: ProgressCallback | None = None,
    kpis: KpiFunction | None = None,
) -> ScheduleResult:
    """Build the week's schedule.

    Args:
        requirements: the table ``staffcast requirements`` writes (``scheduled_agents`` per
            interval and channel must be present and not on a break; one week, tz-aware).
        rules: the scheduling rules (:func:`scheduler.rules.rules_from_dict`).
        agents: named agents; without them the schedule is for open positions ``open-N``.
        options: time limit, relative gap, seed, workers (``SolverOptions()`` by default).
        progress: called with the best bound and incumbent as the solvers work.
        kpis: the projected-KPI function (defaults to the queueing engine's).

    Raises:
        InvalidWorkloadError: if the requirements do not cover one week.
        InvalidRulesError: if the rules do not fit the interval grid.
        InfeasibleScheduleError: if the rules or an agent's limits make any schedule
            impossible; the message says which rule, in words.
    """
    options = options or SolverOptions()
    started = time.monotonic()
    problem = _problem(requirements)
    week = problem.week
    check_rules(rules)
    templates = shift_templates(week, rules, problem.channels)
    named = list(agents) if agents is not None else None
    if named is not None:
        check_agents(named, rules, week, templates)
    warnings = coverage_warnings(problem.required, week, templates, named)
    groups = _groups(named, rules, week, problem.channels)
    workable = np.zeros(templates.count, dtype=bool)
    for group in groups:
        workable[eligible_templates(group, templates)] = True
    templates = templates.subset(np.flatnonzero(workable))
    rest = math.ceil(rules.week.min_rest_hours * 60 / week.interval_minutes - 1e-9)
    costs = _shortfall(problem, rules, kpis)
    program = _bound_program(templates, problem, rules, groups, named is not None, rest, costs)
    # The bound LP (every break position) runs beside the search; a smaller LP with each break
    # at the middle of its window gives the coverage duals the search starts from.
    relaxation = LinearRelaxation(program)
    pool = ThreadPoolExecutor(max_workers=1)
    bound_lp = pool.submit(relaxation.solve)
    with Heartbeat(progress, "bound", started) as beat:
        centre_program = _bound_program(
            _middle_breaks(templates), problem, rules, groups, named is not None, rest, costs
        )
        centre = LinearRelaxation(centre_program)
        beat.interrupt = centre.interrupt
        centre.solve()
    center = centre.row_duals()[centre_program.coverage_rows]
    master = TourMaster(
        templates,
        problem.required,
        groups,
        costs,
        deferred=problem.deferred,
        interval_minutes=week.interval_minutes,
        paid_hour_cost=rules.weights.paid_hour,
        start_minutes=week.minute[templates.start],
        preferred_start_cost_per_hour=rules.weights.preferred_start_hour,
        unplaced_cost=UNPLACED_COST,
        max_paid_hours=rules.budget.max_paid_hours,
        max_headcount=rules.budget.max_headcount,
    )
    budget = _budget(options, started)
    shortest = float(templates.paid_minutes.min(initial=60)) / 60 * rules.weights.paid_hour
    days = rules.week.days_per_agent
    with Heartbeat(progress, "tours", started, master.interrupt) as beat:

        def most_tours(group: int, incumbent: float) -> float:
            size = groups[group].size
            return float(size) if size is not None else incumbent / max(1e-9, shortest * days)

        plan = plan_tours(
            master,
            rest_intervals=rest,
            center=center,
            budget=budget,
            bound_tours=most_tours,
            on_progress=beat.report,
        )
    with Heartbeat(progress, "bound", started, relaxation.interrupt):
        if options.deterministic_seconds is None:
            wait([bound_lp], timeout=max(0.0, budget.improve_until - time.monotonic()))
            if not bound_lp.done():
                relaxation.interrupt()
        try:
            lp_bound = bound_lp.result().objective
        except SchedulerError:
            lp_bound = -math.inf
        pool.shutdown()
    bound = max(lp_bound, plan.bound)
    shifts = _shifts_frame(plan, templates, groups, named, week)
    with Heartbeat(progress, "evaluation", started, best_bound=bound):
        coverage = schedule_coverage(shifts, problem.table, agents=named, kpis=kpis)
    return ScheduleResult(
        shifts,
        coverage,
        _summary(
            plan,
            problem,
            coverage,
            shifts,
            bound=bound,
            lp_bound=lp_bound,
            options=options,
            warnings=warnings,
            groups=groups,
            named=named,
            started=started,
            time_limit_reached=not (plan.converged and plan.complete),
        ),
    )


def _budget(options: SolverOptions, started: float) -> TourBudget:
    if options.deterministic_seconds is not None:
        rounds = max(2, math.ceil(DETERMINISTIC_ROUNDS_PER_SECOND * options.deterministic_seconds))
        return TourBudget(math.inf, math.inf, math.inf, math.inf, root_rounds=rounds)
    now = time.monotonic()
    left = max(0.0, options.time_limit_seconds - (now - started))
    boxed, root, dive, improve = (now + share * left for share in SHARES)
    return TourBudget(boxed, root, dive, improve)


def _shifts_frame(
    plan: TourPlan,
    templates: Templates,
    groups: Sequence[TourGroup],
    named: Sequence[Agent] | None,
    week: Week,
) -> pd.DataFrame:
    """One row per shift: the plan's tours handed to the group's agents (or open positions
    ``open-N`` numbered by first start)."""
    people: list[tuple[str, Tour]] = []
    if named is not None:
        waiting = {index: list(group.members) for index, group in enumerate(groups)}
        for tour, count in zip(plan.tours, plan.counts.tolist(), strict=True):
            for _ in range(count):
                people.append((named[waiting[tour.group].pop(0)].agent_id, tour))
    else:
        copies = [
            tour
            for tour, count in zip(plan.tours, plan.counts.tolist(), strict=True)
            for _ in range(count)
        ]
        copies.sort(key=lambda tour: (int(templates.start[tour.shifts[0]]), tour.shifts))
        width = max(1, len(str(len(copies))))
        people = [(f"open-{number:0{width}d}", tour) for number, tour in enumerate(copies, start=1)]
    minutes = week.interval_minutes
    rows = []
    for agent_id, tour in people:
        for template in tour.shifts:
            start = pd.Timestamp(week.starts[int(templates.start[template])])
            end = start + pd.Timedelta(minutes=int(templates.length[template]) * minutes)
            pieces = []
            for option in tour.breaks:
                if int(templates.option_template[option]) != template:
                    continue
                begin = start + pd.Timedelta(minutes=int(templates.option_offset[option]) * minutes)
                finish = begin + pd.Timedelta(
                    minutes=int(templates.option_length[option]) * minutes
                )
                pieces.append(f"{begin.isoformat()}/{finish.isoformat()}")
            rows.append(
                {
                    "agent_id": agent_id,
                    "channel": templates.channels[int(templates.channel[template])],
                    "start": start,
                    "end": end,
                    "paid_hours": round(float(templates.paid_minutes[template]) / 60, 4),
                    "breaks": ";".join(pieces),
                }
            )
    frame = pd.DataFrame(
        rows, columns=["agent_id", "channel", "start", "end", "paid_hours", "breaks"]
    )
    return frame.sort_values(["agent_id", "start"], kind="stable").reset_index(drop=True)


def _summary(
    plan: TourPlan,
    problem: _Problem,
    coverage: pd.DataFrame,
    shifts: pd.DataFrame,
    *,
    bound: float,
    lp_bound: float,
    options: SolverOptions,
    warnings: list[str],
    groups: Sequence[TourGroup],
    named: Sequence[Agent] | None,
    started: float,
    time_limit_reached: bool,
) -> ScheduleSummary:
    idle = (
        [
            named[member].agent_id
            for group, missing in zip(groups, plan.unplaced.tolist(), strict=True)
            for member in group.members[len(group.members) - missing :]
        ]
        if named is not None
        else []
    )
    return schedule_summary(
        shifts=shifts,
        coverage=coverage,
        requirements=problem.table,
        bound_hours=bound if math.isfinite(bound) else None,
        full_coverage_bound_hours=lp_bound if math.isfinite(lp_bound) else None,
        relative_gap=options.relative_gap,
        planned_shifts=len(shifts),
        unassigned_shifts=0,
        time_limit_reached=time_limit_reached,
        idle_agents=idle,
        coverage_warnings=warnings,
        solve_seconds=time.monotonic() - started,
        objective_hours=plan.objective,
    )
