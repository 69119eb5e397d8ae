"""Integer shift counts: an LP dive on the LP support, then fix-and-optimize by day.

A MIP solver on all ~55,000 columns of a 24/7 week stalls at the root, and restricted to the
shifts the LP uses (with their breaks fixed as the LP places them) it stalls 1.5-4% above the
bound. What works (measured, see ``shared/notes/scheduling.md``): round the LP on its support
by diving, then re-optimise one day at a time over every template of that day with the other
days fixed, where SCIP finds the day's best shifts in a few seconds. The result is a valid
schedule; the LP bound over all columns tells how far from the best possible it can be.

The CP-SAT helpers (:func:`cp_from_program`) serve the roster and break stages, whose models
add per-agent logic to the same coverage rows.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
from ortools.sat.python import cp_model

from scheduler.arrays import BoolArray, FloatArray, IntArray
from scheduler.errors import SchedulerError
from scheduler.shifts.bound import IntegerProgram, LinearRelaxation, LpSolution
from scheduler.shifts.formulation import COST_SCALE, Program
from scheduler.shifts.solving import Heartbeat, ProgressCallback, SolverOptions
from scheduler.shifts.templates import Templates

BIG: Final = 10**7
DAY_SEARCH_SECONDS: Final = 5.0
"""Most seconds one day's re-optimisation may take (measured: 1-5 s at peak 74)."""
MIN_DAY_SEARCH_SECONDS: Final = 1.0
"""Below this many seconds left, another day is not started."""
DAY_ROUNDS: Final = 2
"""Rounds over the seven days in a deterministic run (its budget is split over them)."""


def integer_cost(cost: FloatArray) -> list[int]:
    """Costs in CP-SAT integer units."""
    return [round(value) for value in (cost * COST_SCALE).tolist()]


def cp_from_program(
    program: Program,
    keep: BoolArray,
    model: cp_model.CpModel | None = None,
    extra_objective: list[tuple[cp_model.IntVar, int]] | None = None,
) -> tuple[cp_model.CpModel, dict[int, cp_model.IntVar]]:
    """The program restricted to the columns in ``keep`` as a CP-SAT model (other columns 0).

    ``extra_objective`` terms (variable, integer cost) are added to the program's costs.

    Returns:
        The model (objective set) and its variables by column index.
    """
    model = model or cp_model.CpModel()
    variables: dict[int, cp_model.IntVar] = {}
    for column in np.flatnonzero(keep).tolist():
        upper = program.upper[column]
        high = BIG if not math.isfinite(upper) else math.floor(upper + 1e-9)
        variables[column] = model.new_int_var(math.ceil(program.lower[column] - 1e-9), high, "")
    matrix = program.matrix
    for row in range(matrix.shape[0]):
        begin, end = matrix.indptr[row], matrix.indptr[row + 1]
        terms = [
            (variables[column], round(value))
            for column, value in zip(
                matrix.indices[begin:end].tolist(), matrix.data[begin:end].tolist(), strict=True
            )
            if column in variables
        ]
        if not terms:
            continue
        expression = cp_model.LinearExpr.weighted_sum(
            [term[0] for term in terms], [term[1] for term in terms]
        )
        low, high = program.row_lower[row], program.row_upper[row]
        if low == high:
            model.add(expression == round(low))
            continue
        if math.isfinite(low):
            model.add(expression >= math.ceil(low - 1e-9))
        if math.isfinite(high):
            model.add(expression <= math.floor(high + 1e-9))
    costs = integer_cost(program.cost)
    terms = [(variables[column], costs[column]) for column in variables if costs[column]]
    terms.extend(extra_objective or [])
    model.minimize(
        cp_model.LinearExpr.weighted_sum([term[0] for term in terms], [term[1] for term in terms])
    )
    return model, variables


def coverage_incidence(program: Program) -> tuple[Any, Any]:
    """Sparse incidence of coverage cells (channel x interval) by templates and by break
    options: ``on_floor = shifts @ x - breaks @ y``."""
    matrix = program.matrix[program.coverage_rows]
    return matrix[:, program.blocks["x"]].tocsc(), (-matrix[:, program.blocks["y"]]).tocsc()


def complete_solution(program: Program, x: FloatArray, y: FloatArray, w: FloatArray) -> FloatArray:
    """The full column vector for shift counts ``x``, break counts ``y`` and patterns ``w``:
    shortfall segments filled in order, overstaffing exact, nothing absorbed."""
    shifts, breaks = coverage_incidence(program)
    surplus = shifts @ x - breaks @ y - program.row_lower[program.coverage_rows]
    missing = np.maximum(-surplus, 0.0)[program.short_cell] - program.short_segment
    last = program.short_segment == program.short_segment.max(initial=0)
    values = np.zeros(program.columns)
    values[program.blocks["x"]] = x
    values[program.blocks["y"]] = y
    values[program.blocks["w"]] = w
    values[program.blocks["short"]] = np.where(
        last, np.maximum(missing, 0.0), np.clip(missing, 0.0, 1.0)
    )
    values[program.blocks["over"]] = np.maximum(surplus, 0.0)
    return values


def dive(program: Program, relaxation: LinearRelaxation, lp: LpSolution) -> FloatArray:
    """An integer solution by LP diving: round the day patterns one at a time (the most
    fractional first), then raise the shift counts the LP wants most, re-solving the LP after
    each step; the shifts' break columns and the slack columns follow the LP."""
    integer = np.zeros(program.columns, dtype=bool)
    integer[program.blocks["x"]] = True
    integer[program.blocks["w"]] = True
    patterns = program.blocks["w"]
    lower = program.lower.copy()
    upper = program.upper.copy()
    values = lp.values
    for _ in range(program.columns):
        fraction = values - np.floor(values)
        loose = np.flatnonzero(
            integer & (lower < upper) & (fraction > 1e-6) & (fraction < 1 - 1e-6)
        )
        if not len(loose):
            break
        in_patterns = loose[(loose >= patterns.start) & (loose < patterns.stop)]
        if len(in_patterns):
            column = int(in_patterns[np.argmax(fraction[in_patterns])])
            up = fraction[column] > 0.3
            chosen = [column]
        else:
            raise_up = loose[fraction[loose] >= 0.6]
            if not len(raise_up):
                raise_up = loose[[int(np.argmax(fraction[loose]))]]
            chosen, up = raise_up.tolist(), True
        values = _round(relaxation, chosen, values, lower, upper, up=up, fix=len(in_patterns) > 0)
    return np.round(values)


def _round(
    relaxation: LinearRelaxation,
    columns: list[int],
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    *,
    up: bool,
    fix: bool,
) -> FloatArray:
    """Round ``columns`` (up, or down) and re-solve; where rounding up leaves no solution (a
    budget cap binds), round them down instead."""
    for direction in (up, False) if up else (False,):
        for column in columns:
            value = math.ceil(values[column]) if direction else math.floor(values[column])
            if direction:
                lower[column] = value
                upper[column] = value if fix else upper[column]
            else:
                upper[column] = value
                lower[column] = min(lower[column], value)
            relaxation.set_bounds(column, lower[column], upper[column])
        try:
            return relaxation.solve().values
        except SchedulerError:
            if not direction:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def explicit_selection(
    program: Program, lp: LpSolution, max_combinations: int = 27
) -> ExplicitSelection:
    """Shifts with their breaks fixed, from the LP support (Dantzig's explicit formulation).

    For every template the LP uses, each break may go to any position the LP gives it; the
    combinations of those positions (at most ``max_combinations`` per template, else the
    combinations that decompose the LP's split) become templates with one option per break.
    Restricted to these columns CP-SAT meets only covering rows, which it solves well; the
    Aykin form, where each shift's break counts must add up, stalls it far from the bound.
    """
    templates = program.templates
    x_lp = lp.values[program.blocks["x"]]
    y_lp = lp.values[program.blocks["y"]]
    chosen_options: list[list[int]] = []
    owners: list[int] = []
    by_template: dict[int, dict[int, list[int]]] = {}
    for option, (owner, number) in enumerate(
        zip(templates.option_template.tolist(), templates.option_break.tolist(), strict=True)
    ):
        by_template.setdefault(owner, {}).setdefault(number, []).append(option)
    for owner in np.flatnonzero(x_lp > 1e-6).tolist():
        breaks = by_template.get(owner, {})
        used: list[list[int]] = []
        for options in breaks.values():
            positive = [option for option in options if y_lp[option] > 1e-6]
            used.append(positive or [options[len(options) // 2]])
        combinations = list(itertools.product(*used)) if used else [()]
        if len(combinations) > max_combinations:
            combinations = _decomposition(used, y_lp)
        for combination in combinations:
            owners.append(owner)
            chosen_options.append(list(combination))
    return ExplicitSelection.of(owners, chosen_options)


@dataclass(frozen=True)
class ExplicitSelection:
    """Templates with their breaks fixed, as indexes into a program's templates: explicit
    template ``k`` is ``owners[k]`` with the break options ``options[option_owner == k]``."""

    owners: IntArray
    options: IntArray
    option_owner: IntArray

    @staticmethod
    def of(owners: list[int], chosen: list[list[int]]) -> ExplicitSelection:
        """The selection of templates ``owners`` with break options ``chosen[k]`` each."""
        return ExplicitSelection(
            np.array(owners, dtype=np.int64),
            np.array([option for c in chosen for option in c], dtype=np.int64),
            np.repeat(np.arange(len(owners)), [len(c) for c in chosen]).astype(np.int64),
        )

    def templates(self, templates: Templates) -> Templates:
        """The selected templates, each carrying only its chosen break options."""
        return templates.select(self.owners, self.options, self.option_owner)

    def full_counts(self, x: FloatArray, templates: Templates) -> tuple[FloatArray, FloatArray]:
        """Shift and break-option counts over the program's templates for explicit ``x``."""
        shifts = np.bincount(self.owners, weights=x, minlength=templates.count)
        breaks = np.bincount(
            self.options, weights=x[self.option_owner], minlength=len(templates.option_template)
        )
        return shifts.astype(np.float64), breaks.astype(np.float64)


def explicit_counts(
    templates: Templates, x: FloatArray, y: FloatArray
) -> tuple[ExplicitSelection, FloatArray]:
    """Integer shift counts ``x`` with break-option counts ``y`` (Aykin form) as templates with
    fixed breaks and their counts: each shift's agents split over its break positions in order."""
    by_template: dict[int, dict[int, list[int]]] = {}
    for option in np.flatnonzero(y > 0.5).tolist():
        owner = int(templates.option_template[option])
        number = int(templates.option_break[option])
        by_template.setdefault(owner, {}).setdefault(number, []).append(option)
    owners: list[int] = []
    chosen: list[list[int]] = []
    amounts: list[float] = []
    for owner in np.flatnonzero(x > 0.5).tolist():
        breaks = list(by_template.get(owner, {}).values())
        remaining = [[round(y[option]) for option in options] for options in breaks]
        position = [0] * len(breaks)
        left = round(x[owner])
        while left > 0 and all(p < len(r) for r, p in zip(remaining, position, strict=True)):
            amount = min([left] + [r[p] for r, p in zip(remaining, position, strict=True)])
            owners.append(owner)
            chosen.append([options[p] for options, p in zip(breaks, position, strict=True)])
            amounts.append(float(amount))
            left -= amount
            for k in range(len(breaks)):
                remaining[k][position[k]] -= amount
                if remaining[k][position[k]] == 0:
                    position[k] += 1
    return ExplicitSelection.of(owners, chosen), np.array(amounts)


def _decomposition(used: list[list[int]], y_lp: FloatArray) -> list[tuple[int, ...]]:
    """Combinations that split the LP's break counts (north-west corner rule over breaks)."""
    remaining = [[float(y_lp[option]) for option in options] for options in used]
    position = [0] * len(used)
    combinations: list[tuple[int, ...]] = []
    while all(p < len(options) for p, options in zip(position, used, strict=True)):
        combinations.append(tuple(used[k][position[k]] for k in range(len(used))))
        amount = min(remaining[k][position[k]] for k in range(len(used)))
        for k in range(len(used)):
            remaining[k][position[k]] -= amount
            if remaining[k][position[k]] <= 1e-9:
                position[k] += 1
    return combinations


@dataclass(frozen=True)
class CountSolution:
    """Integer shift counts over ``program`` (whose templates carry fixed breaks)."""

    program: Program
    vector: FloatArray


def solve_counts(
    program: Program,
    lp: LpSolution,
    rebuild: Callable[[Templates], Program],
    options: SolverOptions,
    seconds: float,
    *,
    progress: ProgressCallback | None = None,
    started: float | None = None,
) -> CountSolution:
    """Integer shift counts: an LP dive on the LP support, then fix-and-optimize by day.

    The LP support becomes explicit shifts-with-breaks (:func:`explicit_selection`, rebuilt
    into a program by ``rebuild``) and an LP dive rounds it to a first schedule. Then, one day
    at a time and round after round while ``seconds`` last, every shift of that day may change
    (any template of the full program starting that day, its breaks in any window position)
    while the other days' shifts stay fixed (the day patterns may change where the fixed days
    allow, e.g. one working day a week): the day's LP is solved and SCIP searches the integer
    points around it (RENS: shift counts the LP makes whole are kept, the others may go to the
    nearest whole numbers; the incumbent's stay allowed).

    Measured on the benchmark week at peak 74 (see ``shared/notes/scheduling.md``): SCIP on
    the LP support alone stalls 1.6% above the LP bound; a round of the seven days from the
    dive reaches 0.55%, two rounds 0.37%.
    """
    stage_started = time.monotonic()
    started = started if started is not None else stage_started
    deterministic = options.deterministic_seconds is not None
    selection = explicit_selection(program, lp)
    explicit = rebuild(selection.templates(program.templates))
    relaxation = LinearRelaxation(explicit)
    with Heartbeat(
        progress, "counts", started, relaxation.interrupt, best_bound=lp.objective
    ) as beat:
        dived = dive(explicit, relaxation, relaxation.solve())
        objective = float(dived @ explicit.cost)
        beat.report(incumbent=objective)
        shifts, breaks = selection.full_counts(dived[explicit.blocks["x"]], program.templates)
        patterns = dived[explicit.blocks["w"]]
        days = DAY_ROUNDS * 7 if deterministic else 10**6
        unchanged = 0
        for step in range(days):
            left = seconds - (time.monotonic() - stage_started)
            if (
                beat.stopped
                or unchanged >= 7
                or (not deterministic and left < MIN_DAY_SEARCH_SECONDS)
            ):
                break
            found = _improve_day(
                program,
                rebuild,
                step % 7,
                shifts,
                breaks,
                patterns,
                beat=beat,
                options=options,
                seconds=(seconds / days if deterministic else min(DAY_SEARCH_SECONDS, left)),
            )
            if found is None or found[0] > objective - 1e-6:
                unchanged += 1
                continue
            objective, shifts, breaks, patterns = found
            unchanged = 0
            beat.report(incumbent=objective)
    chosen, amounts = explicit_counts(program.templates, shifts, breaks)
    final = rebuild(chosen.templates(program.templates))
    vector = complete_solution(final, amounts, amounts[final.templates.option_template], patterns)
    return CountSolution(final, vector)


def _improve_day(
    program: Program,
    rebuild: Callable[[Templates], Program],
    day: int,
    shifts: FloatArray,
    breaks: FloatArray,
    patterns: FloatArray,
    *,
    beat: Heartbeat,
    options: SolverOptions,
    seconds: float,
) -> tuple[float, FloatArray, FloatArray, FloatArray] | None:
    """Re-optimise ``day``'s shifts with the other days' fixed (see :func:`solve_counts`): the
    new objective, shift and break-option counts over ``program``'s templates and day-pattern
    counts, or ``None``."""
    templates = program.templates
    keep = np.flatnonzero((templates.day == day) | (shifts > 0.5))
    sub = rebuild(templates.subset(keep))
    selected = np.zeros(templates.count, dtype=bool)
    selected[keep] = True
    option_keep = np.flatnonzero(selected[templates.option_template])
    x_block = sub.blocks["x"]
    fixed = x_block.start + np.flatnonzero(sub.templates.day != day)
    free = x_block.start + np.flatnonzero(sub.templates.day == day)
    lower, upper = sub.lower.copy(), sub.upper.copy()
    lower[fixed] = upper[fixed] = shifts[keep][sub.templates.day != day]
    incumbent = complete_solution(sub, shifts[keep], breaks[option_keep], patterns)
    relaxation = LinearRelaxation(replace(sub, lower=lower, upper=upper))
    beat.interrupt = relaxation.interrupt
    try:
        relaxed = relaxation.solve().values[free]
    except SchedulerError:
        return None
    current = incumbent[free]
    lower[free] = np.minimum(np.floor(relaxed + 1e-6), current)
    upper[free] = np.maximum(np.ceil(relaxed - 1e-6), current)
    mip = IntegerProgram(replace(sub, lower=lower, upper=upper))
    beat.interrupt = mip.interrupt
    found = mip.solve(
        hint=incumbent,
        seconds=seconds,
        relative_gap=0.0,
        seed=options.seed,
        deterministic_seconds=seconds if options.deterministic_seconds is not None else None,
    )
    if found.values is None:
        return None
    new_shifts, new_breaks = shifts.copy(), breaks.copy()
    new_shifts[keep] = found.values[x_block]
    new_breaks[option_keep] = found.values[sub.blocks["y"]]
    return found.objective, new_shifts, new_breaks, found.values[sub.blocks["w"]]
