"""The weekly shift optimizer: requirements and rules in, a schedule and its coverage out.

Stages (see ``shared/notes/scheduling.md`` for the measurements behind them):

1. **Bound** — the LP relaxation of the count model over every allowed shift, solved with
   GLOP: no schedule can cost less (the "physical limit").
2. **Counts** — how many agents work each shift: an LP dive, then fix-and-optimize by day
   (:mod:`scheduler.shifts.counts`).
3. **Roster** — named agents (or open positions ``open-N``, one per recommended hire) take
   those shifts under every per-agent rule (:mod:`scheduler.shifts.roster`).
4. **Breaks** — re-placed for the shifts as assigned (:mod:`scheduler.shifts.breaks`).
5. **Repair by whole weeks** (:mod:`scheduler.shifts.tours`) — the roster's weeks become tours; what
   it could not hand out is dropped, what is then short is filled week by week, and each week
   is replaced by a cheaper legal one that still covers (or dropped).
6. **Evaluation** — coverage, projected service level and the summary
   (:mod:`scheduler.shifts.summary`); the gap is the paid hours against the bound LP's.

The bound LP runs beside the stages when a short time limit cannot wait for it. Missing
agents cost far more than any week unless ``[budget]`` caps are set (then the queueing model
prices them), so the requirements are met wherever the rules and the staff allow.

Each shift serves one channel. Idle agents of live channels may absorb deferred (email) work
in the same interval. The week is cyclic (the schedule is assumed to repeat, so Sunday's
shifts are what precedes Monday for rest and for coverage after midnight).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.arrays import FloatArray
from scheduler.errors import SchedulerError
from scheduler.shifts.agents import Agent, availability, hour_limits
from scheduler.shifts.bound import LinearRelaxation, LpSolution
from scheduler.shifts.breaks import option_index, place_breaks, planned_options, template_index
from scheduler.shifts.counts import CountSolution, solve_counts
from scheduler.shifts.evaluation import (
    SCHEDULE_COLUMNS,
    KpiFunction,
    normalise_requirements,
    schedule_coverage,
)
from scheduler.shifts.explain import check_agents, check_rules, coverage_warnings
from scheduler.shifts.formulation import NamedAgents, Program, build_program
from scheduler.shifts.roster import Roster, RosterAgent, RosterTerms, eligible, solve_roster
from scheduler.shifts.rules import Rules
from scheduler.shifts.solving import Heartbeat, ProgressCallback, SolverOptions
from scheduler.shifts.summary import ScheduleSummary, schedule_summary
from scheduler.shifts.templates import (
    Templates,
    Week,
    agent_patterns,
    concatenate,
    day_fillers,
    day_patterns,
    shift_templates,
    week_of,
)
from scheduler.shifts.tours import Tour, TourGroup, TourSpace, fill, improve, shrink, trim
from scheduler.staffing.required import projected_kpis

__all__ = ["ScheduleResult", "solve_schedule"]

COUNTS_SHARE = (0.3, 0.95)
"""Least and most share of the time left after the bound for the count stage; within these,
it leaves the roster :data:`ROSTER_SECONDS_PER_AGENT` per agent or position."""
ROSTER_SECONDS_PER_AGENT = 0.03
"""The roster's exact partition, as a repair of the greedy (most agents keep their weeks),
took 0.02-1.4 s for 46-306 open positions on the benchmark weeks; solved whole it took 1-2 s
for 46, 4-13 s for 125 and 17-22 s for 306 (2-core machine). A fixed count share of 0.6 left
no time for it at 306 positions, while 0.5 cost the smaller weeks 0.1-0.5 points of gap."""
OPEN_SPARE_SHARE = 0.05
"""Spare open positions (any day pattern) beyond one per planned pattern slot."""
ROSTER_SHARE = 0.75
"""Share of the time left after the count stage for the roster; breaks get the rest."""
BOUND_SHARE = 0.3
"""Share of the time limit the search waits for the bound LP before it starts from a smaller
LP (the bound LP then goes on beside it, until the evaluation)."""
REPAIR_SHARE = 0.2
"""Share of the time limit kept back from the count and roster stages for the repair by whole
weeks (:mod:`scheduler.shifts.tours`) and the evaluation."""
EVALUATION_SHARE = 0.06
"""Share of the time limit kept for the evaluation at the very end."""
SHORTFALL_COST_PER_AGENT_HOUR = 1000.0
"""Paid-hour equivalents per missing agent-hour when no budget caps are set: far above what
any week costs, so that coverage is given up only where no legal week can provide it."""
SHORTFALL_SEGMENTS = (1.0, 2.0, 4.0, 8.0)
"""Multipliers of the shortfall cost for the 1st, 2nd, ... missing agent of an interval
(convex: a short week spreads its misses instead of emptying one interval)."""
TIME_LIMIT_USED = 0.9
"""A run that took this share of its time limit or more is taken as stopped by it."""


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


def _roster_agents(
    agents: Sequence[Agent], rules: Rules, week: Week, channels: tuple[str, ...]
) -> list[RosterAgent]:
    result = []
    for agent in agents:
        free = availability(agent, week)
        free_days = sum(1 << day for day in range(7) if free[week.day == day].any())
        patterns = agent_patterns(
            rules.week.days_per_agent, rules.week.consecutive_days_off, free_days
        )
        low, high = _paid_minutes(
            *hour_limits(agent, rules, int(patterns.sum(axis=1).max(initial=0)))
        )
        result.append(
            RosterAgent(
                agent_id=agent.agent_id,
                skills=frozenset(channels.index(s) for s in agent.skills if s in channels),
                patterns=patterns,
                available=free,
                min_paid_minutes=low,
                max_paid_minutes=high,
                preferred_start_minute=agent.preferred_start_minute,
                must_work=True,
            )
        )
    return result


def _open_positions(
    counts: FloatArray, program: Program, rules: Rules, week: Week, channels: tuple[str, ...]
) -> list[RosterAgent]:
    """Positions to fill: one per agent of each day pattern the count stage chose, plus a few
    spares with any pattern so that the roster can rebalance."""
    patterns = program.patterns
    w = np.round(counts[program.blocks["w"]]).astype(int)
    total = int(w.sum())
    spare = max(2, math.ceil(OPEN_SPARE_SHARE * total))
    everything = frozenset(range(len(channels)))
    free = np.ones(week.size, dtype=bool)
    low, high = _paid_minutes(rules.week.min_hours, rules.week.max_hours)
    positions = [
        RosterAgent("", everything, patterns[[j]], free, low, high)
        for j in range(len(patterns))
        for _ in range(int(w[j]))
    ]
    positions += [RosterAgent("", everything, patterns, free, low, high) for _ in range(spare)]
    return positions


def _day_capacity(
    agents: Sequence[RosterAgent], channels: tuple[str, ...]
) -> dict[tuple[frozenset[int], int], int]:
    capacity: dict[tuple[frozenset[int], int], int] = {}
    for size in range(1, len(channels) + 1):
        for subset in itertools.combinations(range(len(channels)), size):
            chosen = frozenset(subset)
            for day in range(7):
                capacity[chosen, day] = sum(
                    1 for agent in agents if agent.skills & chosen and agent.patterns[:, day].any()
                )
    return capacity


def _shift_row(
    agent_id: str,
    template: int,
    breaks: list[tuple[int, int]],
    templates: Templates,
    week: Week,
) -> dict[str, object]:
    """One schedule row: ``breaks`` as (offset, length) in intervals from the shift start."""
    minutes = week.interval_minutes
    start = pd.Timestamp(week.starts[int(templates.start[template])])
    pieces = []
    for offset, length in sorted(breaks):
        begin = start + pd.Timedelta(minutes=offset * minutes)
        finish = begin + pd.Timedelta(minutes=length * minutes)
        pieces.append(f"{begin.isoformat()}/{finish.isoformat()}")
    return {
        "agent_id": agent_id,
        "channel": templates.channels[int(templates.channel[template])],
        "start": start,
        "end": start + pd.Timedelta(minutes=int(templates.length[template]) * minutes),
        "paid_hours": round(float(templates.paid_minutes[template]) / 60, 4),
        "breaks": ";".join(pieces),
    }


def _schedule_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    return frame.sort_values(["agent_id", "start"], kind="stable").reset_index(drop=True)


def solve_schedule(
    requirements: pd.DataFrame,
    rules: Rules,
    agents: Sequence[Agent] | None = None,
    *,
    options: SolverOptions | None = None,
    progress: ProgressCallback | None = None,
    kpis: KpiFunction | None = None,
) -> ScheduleResult:
    """Build the week's schedule: the stages of the module docstring, in order.

    Args:
        requirements: the table ``staffcast requirements`` writes (``scheduled_agents`` per
            interval and channel must be present and not on a break; one week, tz-aware).
        rules: the scheduling rules (:func:`scheduler.shifts.rules.rules_from_dict`).
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
    run = _prepare(requirements, rules, agents, options or SolverOptions(), progress, kpis)
    model = _count_model(run)
    bound = _BoundStage.start(run, model)
    counts = _count_stage(run, model, bound)
    people, candidates, roster = _roster_stage(run, model, counts)
    break_seconds = run.remaining(1.0)  # before the tour space is built, as the stages ran
    space = _tour_space(run, model.templates)
    weeks, owners = _roster_weeks(
        templates=model.templates,
        candidates=candidates,
        assignments=roster.assignments,
        people=people,
        space=space,
        named=run.named,
        options=run.options,
        seconds=break_seconds,
        progress=run.progress,
        started=run.started,
        build=run.build,
    )
    shifts = _repair_by_weeks(run, space, weeks, owners)
    return _evaluate(run, shifts, people, bound.finish(run))


@dataclass(frozen=True)
class _Run:
    """One solve's inputs as the stages use them: the problem, the rules with the objective's
    weights, the shortfall costs, the rest in intervals, the named agents and the clock."""

    problem: _Problem
    rules: Rules
    costs: FloatArray
    templates: Templates
    named: list[Agent] | None
    roster_agents: list[RosterAgent] | None
    warnings: list[str]
    rest: int
    options: SolverOptions
    progress: ProgressCallback | None
    kpis: KpiFunction | None
    started: float

    def build(self, subset: Templates, with_patterns: bool = True, **extra: object) -> Program:
        """The count program over ``subset`` with this solve's requirements and costs."""
        return build_program(
            subset,
            self.problem.required,
            self.rules,
            interval_minutes=self.problem.week.interval_minutes,
            deferred=self.problem.deferred,
            with_patterns=with_patterns,
            shortfall_costs=self.costs,
            max_paid_hours=self.rules.budget.max_paid_hours if with_patterns else None,
            max_headcount=self.rules.budget.max_headcount if with_patterns else None,
            **extra,  # type: ignore[arg-type]
        )

    def remaining(self, share: float) -> float:
        """Seconds for a stage: ``share`` of what is left, keeping back what the bounds and
        the evaluation at the end will need."""
        options = self.options
        if options.deterministic_seconds is not None:
            return (options.deterministic_seconds or options.time_limit_seconds) * share
        reserve = REPAIR_SHARE * options.time_limit_seconds
        left = options.time_limit_seconds - reserve - (time.monotonic() - self.started)
        return max(0.5, left * share)


def _prepare(
    requirements: pd.DataFrame,
    rules: Rules,
    agents: Sequence[Agent] | None,
    options: SolverOptions,
    progress: ProgressCallback | None,
    kpis: KpiFunction | None,
) -> _Run:
    """Check the inputs, build every shift the rules allow and the objective's costs."""
    started = time.monotonic()
    problem = _problem(requirements)
    week = problem.week
    check_rules(rules)
    templates = shift_templates(week, rules, problem.channels)
    named = list(agents) if agents is not None else None
    if named is not None:
        check_agents(named, rules, week, templates)
    warnings = coverage_warnings(problem.required, week, templates, named)
    objective_rules, costs = _objective(rules, problem, kpis)
    rest = math.ceil(objective_rules.week.min_rest_hours * 60 / week.interval_minutes - 1e-9)
    roster_agents = (
        _roster_agents(named, objective_rules, week, problem.channels)
        if named is not None
        else None
    )
    return _Run(
        problem=problem,
        rules=objective_rules,
        costs=costs,
        templates=templates,
        named=named,
        roster_agents=roster_agents,
        warnings=warnings,
        rest=rest,
        options=options,
        progress=progress,
        kpis=kpis,
        started=started,
    )


@dataclass(frozen=True)
class _CountModel:
    """The count model of the solve: its templates (for named agents, only the shifts some
    agent could work), its program, and how to rebuild it over a subset of templates."""

    templates: Templates
    program: Program
    rebuild: Callable[[Templates], Program]


def _count_model(run: _Run) -> _CountModel:
    """Open positions: the rules' day patterns. Named agents: only shifts some agent could
    work, their own day patterns pooled (at most as many agents on a pattern as may work it),
    their hours, headcount and day capacity: a relaxation of their weeks in whole weeks."""
    roster_agents = run.roster_agents
    if roster_agents is None:

        def rebuild_open(subset: Templates) -> Program:
            return run.build(subset, rest_intervals=run.rest)

        return _CountModel(run.templates, run.build(run.templates), rebuild_open)
    workable = np.zeros(run.templates.count, dtype=bool)
    for agent in roster_agents:
        workable |= eligible(agent, run.templates)
    templates = run.templates.subset(np.flatnonzero(workable))
    capacity = _day_capacity(roster_agents, run.problem.channels)
    pooled: dict[tuple[bool, ...], int] = {}
    for agent in roster_agents:
        for pattern in agent.patterns:
            key = tuple(bool(day) for day in pattern)
            pooled[key] = pooled.get(key, 0) + 1
    union = np.array(sorted(pooled), dtype=bool).reshape(-1, 7)
    limits = np.array([pooled[key] for key in sorted(pooled)], dtype=np.int64)
    hours = (
        min(agent.min_paid_minutes for agent in roster_agents) / 60,
        max(agent.max_paid_minutes for agent in roster_agents) / 60,
    )

    named = NamedAgents(
        patterns=union,
        pattern_limit=limits,
        hours_range=hours,
        headcount_limit=len(roster_agents),
        headcount_floor=sum(1 for agent in roster_agents if agent.min_paid_minutes > 0),
        paid_hours_floor=sum(agent.min_paid_minutes for agent in roster_agents) / 60,
        day_capacity=capacity,
    )

    def rebuild_named(subset: Templates) -> Program:
        return run.build(subset, named=named, rest_intervals=run.rest)

    return _CountModel(templates, rebuild_named(templates), rebuild_named)


@dataclass
class _BoundStage:
    """The bound LP over every break position, and the LP the search starts from: the same
    one if it was solved in time, else the LP with each break at the middle of its window
    (a tenth of the size) while the full one goes on beside the search."""

    relaxation: LinearRelaxation
    pool: ThreadPoolExecutor
    full: Future[LpSolution]
    program: Program
    lp: LpSolution

    @classmethod
    def start(cls, run: _Run, model: _CountModel) -> _BoundStage:
        """Start the bound LP and wait for it as long as :data:`BOUND_SHARE` allows."""
        relaxation = LinearRelaxation(model.program)
        pool = ThreadPoolExecutor(max_workers=1)
        full = pool.submit(relaxation.solve)
        deterministic = run.options.deterministic_seconds is not None
        with Heartbeat(run.progress, "bound", run.started, relaxation.interrupt) as beat:
            timeout = None if deterministic else _left(run.options, run.started, BOUND_SHARE)
            wait([full], timeout=timeout)
            program = model.program
            if full.done():
                lp = full.result()
                beat.report(best_bound=lp.paid_hours * run.rules.weights.paid_hour)
            else:
                middle = _middle_breaks(model.templates)
                # Open positions start from the middle-break LP without the rest rows.
                program = (
                    model.rebuild(middle) if run.roster_agents is not None else run.build(middle)
                )
                lp = LinearRelaxation(program).solve()
        return cls(relaxation, pool, full, program, lp)

    def finish(self, run: _Run) -> float | None:
        """The bound in paid-hour cost, waiting until the evaluation must start; ``None`` if
        the LP did not finish. Shortfall costs far more than any week, so the LP covers all
        it can and its paid hours are the least any legal schedule with that coverage needs."""
        deterministic = run.options.deterministic_seconds is not None
        with Heartbeat(run.progress, "bound", run.started, self.relaxation.interrupt):
            timeout = (
                None if deterministic else _left(run.options, run.started, 1 - EVALUATION_SHARE)
            )
            wait([self.full], timeout=timeout)
            if not self.full.done():
                self.relaxation.interrupt()
            try:
                bound: float | None = self.full.result().paid_hours * run.rules.weights.paid_hour
            except SchedulerError:
                bound = None
            self.pool.shutdown()
        return bound


def _count_stage(run: _Run, model: _CountModel, bound: _BoundStage) -> CountSolution:
    """Whole shift counts, leaving the roster :data:`ROSTER_SECONDS_PER_AGENT` per agent
    within the :data:`COUNTS_SHARE` of the time left."""
    people_count = (
        len(run.roster_agents)
        if run.roster_agents is not None
        else math.ceil(bound.program.headcount(bound.lp.values) * (1 + OPEN_SPARE_SHARE))
    )
    seconds = min(
        max(
            run.remaining(1.0) - ROSTER_SECONDS_PER_AGENT * people_count,
            run.remaining(COUNTS_SHARE[0]),
        ),
        run.remaining(COUNTS_SHARE[1]),
    )
    return solve_counts(
        bound.program,
        bound.lp,
        model.rebuild,
        run.options,
        seconds,
        progress=run.progress,
        started=run.started,
    )


def _roster_stage(
    run: _Run, model: _CountModel, counts: CountSolution
) -> tuple[list[RosterAgent], Templates, Roster]:
    """Hand the counted shifts to the agents (or to open positions, one per planned pattern
    slot and a few spares). Every shift of the count solution (and, per day, one shift over
    the most demand) is a candidate: the roster may need shifts beyond the counts to complete
    legal weeks.

    Returns:
        The people, the candidate templates and who works which of them.
    """
    rules, week, program = run.rules, run.problem.week, counts.program
    candidates = concatenate(program.templates, day_fillers(model.templates, run.problem.required))
    planned = np.zeros(candidates.count, dtype=np.int64)
    planned[: program.templates.count] = np.round(counts.vector[program.blocks["x"]]).astype(
        np.int64
    )
    people = (
        run.roster_agents
        if run.roster_agents is not None
        else _open_positions(counts.vector, program, rules, week, run.problem.channels)
    )
    roster = solve_roster(
        candidates,
        planned,
        lambda subset: run.build(subset, with_patterns=False),
        people,
        RosterTerms(
            rest_intervals=run.rest,
            minute_of_position=week.minute,
            preferred_start_weight=rules.weights.preferred_start_hour,
            unused_agent_cost=(rules.weights.shortfall_agent_hour[0] * rules.week.min_hours),
        ),
        pattern_slots=(
            (program.patterns, np.round(counts.vector[program.blocks["w"]]).astype(np.int64))
            if run.roster_agents is not None
            else None  # open positions are made one per planned pattern
        ),
        options=run.options,
        seconds=run.remaining(ROSTER_SHARE),
        progress=run.progress,
        started=run.started,
    )
    return people, candidates, roster


def _tour_space(run: _Run, templates: Templates) -> TourSpace:
    """The legal weeks of each group of agents (or of open positions) over ``templates``."""
    rules, week = run.rules, run.problem.week
    return TourSpace(
        templates,
        run.problem.required,
        _groups(run.roster_agents, rules, week, run.problem.channels),
        deferred=run.problem.deferred,
        paid_hour_cost=rules.weights.paid_hour,
        start_minutes=week.minute[templates.start],
        preferred_start_cost_per_hour=rules.weights.preferred_start_hour,
        max_paid_hours=rules.budget.max_paid_hours,
        max_headcount=rules.budget.max_headcount,
    )


def _repair_by_weeks(
    run: _Run, space: TourSpace, weeks: list[Tour], owners: list[str | None]
) -> pd.DataFrame:
    """Fill what is short with whole weeks, trim and improve them week by week, then shrink;
    the schedule as one row per shift."""
    with Heartbeat(run.progress, "tours", run.started):
        deadline = (
            math.inf
            if run.options.deterministic_seconds is not None
            else run.started + (1 - EVALUATION_SHARE) * run.options.time_limit_seconds
        )
        weeks = fill(space, weeks, rest_intervals=run.rest, deadline=math.inf)
        weeks = improve(space, trim(space, weeks), rest_intervals=run.rest, deadline=deadline)
        weeks = shrink(space, weeks, rest_intervals=run.rest, deadline=deadline)
        return _frame_of(weeks, owners, space, run.problem.week, run.named)


def _evaluate(
    run: _Run, shifts: pd.DataFrame, people: list[RosterAgent], bound: float | None
) -> ScheduleResult:
    """Coverage and projected service of the schedule, and its summary against the bound."""
    options, rules = run.options, run.rules
    with Heartbeat(run.progress, "evaluation", run.started, best_bound=bound):
        coverage = schedule_coverage(shifts, run.problem.table, agents=run.named, kpis=run.kpis)
    placed = set(shifts["agent_id"])
    idle = [agent.agent_id for agent in people if agent.must_work and agent.agent_id not in placed]
    summary = schedule_summary(
        shifts=shifts,
        coverage=coverage,
        requirements=run.problem.table,
        bound_hours=bound,
        full_coverage_bound_hours=bound if not rules.budget.capped else None,
        relative_gap=options.relative_gap,
        planned_shifts=len(shifts),
        # Every shift of the result belongs to a legal week (what the roster could not hand
        # out was dropped and the gap refilled with whole weeks): none is left unassigned.
        unassigned_shifts=0,
        time_limit_reached=bound is None
        or (
            options.deterministic_seconds is None
            and time.monotonic() - run.started >= TIME_LIMIT_USED * options.time_limit_seconds
        ),
        idle_agents=idle,
        coverage_warnings=run.warnings,
        solve_seconds=time.monotonic() - run.started,
        objective_hours=float(shifts["paid_hours"].sum()) * rules.weights.paid_hour,
    )
    return ScheduleResult(shifts, coverage, summary)


def _groups(
    agents: Sequence[RosterAgent] | None, rules: Rules, week: Week, channels: tuple[str, ...]
) -> list[TourGroup]:
    """Open positions (one group of any size, all skills) or the named agents grouped by
    everything that decides their legal weeks (skills, days, availability, hours, wishes)."""
    if agents is None:
        low, high = _paid_minutes(rules.week.min_hours, rules.week.max_hours)
        return [
            TourGroup(
                skills=frozenset(range(len(channels))),
                patterns=day_patterns(rules.week.days_per_agent, rules.week.consecutive_days_off),
                available=np.ones(week.size, dtype=bool),
                min_paid_minutes=low,
                max_paid_minutes=high,
            )
        ]
    members: dict[tuple[object, ...], list[int]] = {}
    shapes: dict[tuple[object, ...], TourGroup] = {}
    for index, agent in enumerate(agents):
        group = TourGroup(
            skills=agent.skills,
            patterns=agent.patterns,
            available=agent.available,
            min_paid_minutes=agent.min_paid_minutes,
            max_paid_minutes=agent.max_paid_minutes,
            preferred_start_minute=agent.preferred_start_minute,
        )
        key = (
            group.skills,
            agent.patterns.tobytes(),
            agent.available.tobytes(),
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


def _paid_minutes(low_hours: float, high_hours: float) -> tuple[int, int]:
    """Weekly paid hours as whole minutes inside them (tolerating float noise)."""
    return math.ceil(low_hours * 60 - 1e-9), math.floor(high_hours * 60 + 1e-9)


def _late_contacts(problem: _Problem, segments: int, kpis: KpiFunction | None) -> FloatArray | None:
    """Per channel, interval and m, the contacts answered late because of the m-th missing
    agent (from the projected service level with 0, 1, ... agents missing); ``None`` when the
    requirements carry no volume or targets to project from."""
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


def _left(options: SolverOptions, started: float, share: float) -> float:
    """Seconds until ``share`` of the time limit has passed."""
    return max(0.0, share * options.time_limit_seconds - (time.monotonic() - started))


def _middle_breaks(templates: Templates) -> Templates:
    """The templates with each break only at the middle of its window."""
    pair = templates.option_template * 64 + templates.option_break
    order = np.argsort(pair, kind="stable")
    _, first, count = np.unique(pair[order], return_index=True, return_counts=True)
    chosen = np.sort(order[first + count // 2])
    return templates.select(np.arange(templates.count), chosen, templates.option_template[chosen])


def _objective(
    rules: Rules, problem: _Problem, kpis: KpiFunction | None
) -> tuple[Rules, FloatArray]:
    """The rules the stages optimise with, and the cost of each missing agent per channel,
    interval and segment: fixed and high by default (coverage first), or, with budget caps,
    the contacts a missing agent leaves unanswered in time (queueing model) at the same
    scale. Overstaffing costs nothing: the objective is paid hours plus shortfall."""
    channels, size = problem.required.shape
    segments = np.array(SHORTFALL_SEGMENTS)
    costs = np.broadcast_to(
        SHORTFALL_COST_PER_AGENT_HOUR * segments, (channels, size, len(segments))
    )
    costs = np.array(costs, dtype=np.float64)
    lost = _late_contacts(problem, len(segments), kpis) if rules.budget.capped else None
    if lost is not None:
        positive = lost[..., 0][lost[..., 0] > 0]
        if len(positive):
            scaled = SHORTFALL_COST_PER_AGENT_HOUR * np.maximum(lost / positive.mean(), 0.01)
            costs = np.maximum.accumulate(scaled, axis=2)
    weights = dataclasses.replace(
        rules.weights,
        overstaff_agent_hour=0.0,
        shortfall_agent_hour=tuple(float(c) for c in costs.min(axis=(0, 1))),
    )
    return dataclasses.replace(rules, weights=weights), costs


def _frame_of(
    weeks: list[Tour],
    owners: list[str | None],
    space: TourSpace,
    week: Week,
    named: Sequence[Agent] | None,
) -> pd.DataFrame:
    """One row per shift of ``weeks``: named agents keep their weeks; weeks added for a group
    go to its agents without one; open positions are numbered ``open-N`` by first start."""
    templates = space.templates
    people: list[tuple[str, Tour]] = []
    if named is not None:
        taken = {owner for owner in owners if owner is not None}
        free = {
            number: [named[m].agent_id for m in group.members if named[m].agent_id not in taken]
            for number, group in enumerate(space.groups)
        }
        for position, tour in enumerate(weeks):
            owner = owners[position] if position < len(owners) else None
            if owner is None and tour.shifts:
                owner = free[tour.group].pop(0)
            if owner is not None and tour.shifts:
                people.append((owner, tour))
    else:
        copies = sorted(
            (tour for tour in weeks if tour.shifts),
            key=lambda tour: (int(templates.start[tour.shifts[0]]), tour.shifts),
        )
        width = max(1, len(str(len(copies))))
        people = [(f"open-{n:0{width}d}", tour) for n, tour in enumerate(copies, start=1)]
    rows = [
        _shift_row(
            agent_id,
            template,
            [
                (int(templates.option_offset[o]), int(templates.option_length[o]))
                for o in tour.breaks
                if int(templates.option_template[o]) == template
            ],
            templates,
            week,
        )
        for agent_id, tour in people
        for template in tour.shifts
    ]
    return _schedule_frame(rows)


def _roster_weeks(
    *,
    templates: Templates,
    candidates: Templates,
    assignments: list[tuple[int, int]],
    people: list[RosterAgent],
    space: TourSpace,
    named: Sequence[Agent] | None,
    options: SolverOptions,
    seconds: float,
    progress: ProgressCallback | None,
    started: float,
    build: Callable[..., Program],
) -> tuple[list[Tour], list[str | None]]:
    """The roster's weeks on the full templates with their breaks placed, as tours, and their
    owners (named agents' ids; ``None`` for open positions, which are numbered at the end).

    Weeks come in the order of their owners' ids, open positions by first start."""
    lookup = template_index(templates)
    full = [
        lookup[
            (
                int(candidates.channel[template]),
                int(candidates.start[template]),
                int(candidates.length[template]),
            )
        ]
        for _, template in assignments
    ]
    counts = np.bincount(full, minlength=templates.count).astype(np.int64)
    planned = planned_options(templates, full, candidates, [t for _, t in assignments])
    placed = place_breaks(
        templates,
        counts,
        planned,
        lambda subset: build(subset, with_patterns=False),
        options=options,
        seconds=seconds,
        progress=progress,
        started=started,
    )
    option_of = option_index(templates)
    taken: dict[int, int] = {}
    shifts_of: dict[int, list[tuple[int, list[int]]]] = {}
    for (agent, _), template in zip(assignments, full, strict=True):
        slot = taken.get(template, 0)
        taken[template] = slot + 1
        slots = placed.get(template, [])
        pieces = slots[slot] if slot < len(slots) else []
        breaks = [option_of[(template, number, offset)] for number, offset in pieces]
        shifts_of.setdefault(agent, []).append((template, breaks))
    group_of: dict[str, int] = {}
    if named is not None:
        for number, members in enumerate(space.groups):
            for member in members.members:
                group_of[named[member].agent_id] = number
        order = sorted(shifts_of, key=lambda agent: people[agent].agent_id)
    else:
        first_start = {
            agent: min(int(templates.start[t]) for t, _ in shifts)
            for agent, shifts in shifts_of.items()
        }
        order = sorted(shifts_of, key=lambda agent: (first_start[agent], agent))
    weeks: list[Tour] = []
    owners: list[str | None] = []
    for agent in order:
        shifts = sorted(shifts_of[agent], key=lambda item: int(templates.start[item[0]]))
        options_taken = sorted(option for _, breaks in shifts for option in breaks)
        agent_id = people[agent].agent_id
        weeks.append(
            Tour(group_of.get(agent_id, 0), tuple(t for t, _ in shifts), tuple(options_taken))
        )
        owners.append(agent_id if named is not None else None)
    return weeks, owners
