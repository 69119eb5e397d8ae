"""Integer shift counts by price-and-branch on the LP support.

A MIP solver on all ~55,000 columns of a 24/7 week stalls at the root; restricted to the
shifts the LP uses, with their breaks fixed as the LP places them, an LP dive gives a first
schedule in a second or two and SCIP improves it (see :class:`scheduler.bound.IntegerProgram`
for why SCIP rather than CP-SAT here). The restricted optimum is still a valid schedule: the
LP bound over all columns tells how far from the best possible it can be.

The CP-SAT helpers (:func:`cp_from_program`) serve the roster and break stages, whose models
add per-agent logic to the same coverage rows.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from ortools.sat.python import cp_model

from scheduler.bound import IntegerProgram, LinearRelaxation, LpSolution
from scheduler.formulation import COST_SCALE, FloatArray, Program
from scheduler.shifts import BoolArray, Templates
from scheduler.solving import Heartbeat, ProgressCallback, SolverOptions

BIG: Final = 10**7


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
            value = (
                math.ceil(values[column]) if fraction[column] > 0.3 else math.floor(values[column])
            )
            lower[column] = upper[column] = value
            relaxation.set_bounds(column, value, value)
        else:
            raise_up = loose[fraction[loose] >= 0.6]
            if not len(raise_up):
                raise_up = loose[[int(np.argmax(fraction[loose]))]]
            for column in raise_up.tolist():
                lower[column] = math.ceil(values[column])
                relaxation.set_bounds(column, lower[column], upper[column])
        values = relaxation.solve().values
    return np.round(values)


def explicit_templates(program: Program, lp: LpSolution, max_combinations: int = 27) -> Templates:
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
    option_owner = np.repeat(np.arange(len(owners)), [len(c) for c in chosen_options])
    flat = np.array([option for c in chosen_options for option in c], dtype=np.int64)
    return templates.select(np.array(owners, dtype=np.int64), flat, option_owner)


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
    objective: float
    best_bound: float
    method: str


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
    """Integer shift counts by price-and-branch on the LP support.

    The LP support becomes explicit shifts-with-breaks (:func:`explicit_templates`, rebuilt
    into a program by ``rebuild``); an LP dive gives a first schedule and SCIP searches the
    same columns from it for the rest of ``seconds``. The better one is kept.
    """
    stage_started = time.monotonic()
    started = started if started is not None else stage_started
    explicit = rebuild(explicit_templates(program, lp))
    relaxation = LinearRelaxation(explicit)
    with Heartbeat(
        progress, "counts", started, relaxation.interrupt, best_bound=lp.objective
    ) as beat:
        dived = dive(explicit, relaxation, relaxation.solve())
        dived_objective = float(dived @ explicit.cost)
        beat.report(incumbent=dived_objective)
        mip = IntegerProgram(explicit)
        beat.interrupt = mip.interrupt
        found = mip.solve(
            hint=dived,
            seconds=seconds - (time.monotonic() - stage_started),
            relative_gap=options.relative_gap,
            seed=options.seed,
            deterministic_seconds=(seconds if options.deterministic_seconds is not None else None),
        )
        bound = max(lp.objective, found.best_bound)
        if found.values is not None and found.objective < dived_objective - 1e-9:
            beat.report(incumbent=found.objective, best_bound=bound)
            return CountSolution(
                explicit, found.values, found.objective, bound, f"SCIP {found.status}"
            )
    return CountSolution(explicit, dived, dived_objective, bound, "LP dive")
