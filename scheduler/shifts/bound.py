"""The count model in OR-Tools' linear solvers: the LP relaxation (GLOP), a valid lower bound
(the "physical limit"), and the integer program (SCIP) for the count stage.

Any schedule that obeys the rules is a feasible point of the count model, so no schedule can
cost less than the LP optimum; with the shortfall of each interval capped at what a schedule
reached, the LP gives the least paid hours with which that coverage (or better) is possible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from ortools.linear_solver import pywraplp

from scheduler.arrays import BoolArray, FloatArray
from scheduler.errors import SchedulerError
from scheduler.shifts.formulation import Program

INTEGER_BLOCKS: Final = ("x", "y", "w", "short")
"""Columns that count agents (shifts, breaks, day patterns, missing agents)."""
MIP_NODES_PER_SECOND: Final = 40
"""Branch-and-bound nodes per second of a deterministic budget (about the rate measured on
the benchmark weeks on one core)."""


@dataclass(frozen=True)
class LpSolution:
    """An optimal LP solution: objective (paid-hour equivalents), values, reduced costs."""

    objective: float
    values: FloatArray
    reduced_costs: FloatArray
    paid_hours: float


@dataclass(frozen=True)
class MipSolution:
    """The integer program's best solution (None when it found none) and its bound."""

    values: FloatArray | None
    objective: float
    best_bound: float
    status: str


def _load(
    solver: pywraplp.Solver, program: Program, integer: BoolArray | None = None
) -> list[pywraplp.Variable]:
    """Add ``program``'s columns (integer where ``integer``), rows and costs to ``solver``."""
    infinity = solver.infinity()

    def finite(value: float) -> float:
        return value if np.isfinite(value) else (infinity if value > 0 else -infinity)

    flags = integer if integer is not None else np.zeros(program.columns, dtype=bool)
    variables = [
        solver.Var(finite(low), finite(high), bool(flag), "")
        for low, high, flag in zip(program.lower, program.upper, flags.tolist(), strict=True)
    ]
    matrix = program.matrix
    for row in range(matrix.shape[0]):
        constraint = solver.RowConstraint(
            finite(program.row_lower[row]), finite(program.row_upper[row]), ""
        )
        begin, end = matrix.indptr[row], matrix.indptr[row + 1]
        for column, value in zip(
            matrix.indices[begin:end].tolist(), matrix.data[begin:end].tolist(), strict=True
        ):
            constraint.SetCoefficient(variables[column], value)
    _minimise(solver, variables, program.cost)
    return variables


def _minimise(
    solver: pywraplp.Solver, variables: list[pywraplp.Variable], cost: FloatArray
) -> None:
    """Make ``cost @ variables`` the (only) objective, minimised."""
    objective = solver.Objective()
    objective.Clear()
    for column in np.flatnonzero(cost).tolist():
        objective.SetCoefficient(variables[column], float(cost[column]))
    objective.SetMinimization()


def _create(name: str) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:  # pragma: no cover - GLOP and SCIP ship with every ortools wheel
        raise SchedulerError(f"the {name} solver is not available in this ortools build")
    return solver


class LinearRelaxation:
    """The LP relaxation of a :class:`~scheduler.shifts.formulation.Program`, kept to re-solve."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._solver = _create("GLOP")
        self._variables = _load(self._solver, program)

    def interrupt(self) -> None:
        """Stop a running :meth:`solve` (from another thread); it then raises."""
        self._solver.InterruptSolve()

    def solve(self) -> LpSolution:
        """Solve to optimality.

        Raises:
            SchedulerError: if GLOP does not reach an optimal solution (the model is always
                feasible, so this means a numerical failure or an interrupt).
        """
        status = self._solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise SchedulerError(f"the LP bound could not be computed (GLOP status {status})")
        values = np.array([variable.solution_value() for variable in self._variables])
        reduced = np.array([variable.reduced_cost() for variable in self._variables])
        return LpSolution(
            objective=float(self._solver.Objective().Value()),
            values=values,
            reduced_costs=reduced,
            paid_hours=self.program.paid_hours(values),
        )

    def set_bounds(self, column: int, lower: float, upper: float) -> None:
        """Change one column's bounds (for diving); the next :meth:`solve` warm-starts."""
        self._variables[column].SetBounds(lower, upper)

    def min_paid_hours(self, shortfall: FloatArray) -> float | None:
        """Least paid hours with at most ``shortfall[c * T + t]`` agents missing per interval.

        Overstaffing and deferred absorption cost nothing here: the question is only how many
        paid hours that coverage needs. ``None`` if no solution of this program reaches that
        coverage (a roster outside its aggregate rules). Solved in a fresh GLOP model: warm
        starts after these bound changes were measured to end ABNORMAL.
        """
        program = self.program
        fresh = LinearRelaxation(program)
        short = program.blocks["short"]
        cap = np.ceil(shortfall[program.short_cell] - 1e-9) - program.short_segment
        last = program.short_segment == program.short_segment.max(initial=0)
        upper = np.where(last, np.maximum(cap, 0.0), np.clip(cap, 0.0, 1.0))
        for offset, bound in enumerate(upper.tolist()):
            fresh.set_bounds(short.start + offset, 0.0, bound)
        paid_only = np.zeros(program.columns)
        paid_only[program.blocks["x"]] = program.templates.paid_minutes / 60
        _minimise(fresh._solver, fresh._variables, paid_only)
        try:
            return fresh.solve().objective
        except SchedulerError:
            return None


class IntegerProgram:
    """The count model as an integer program for SCIP (LP-based branch and cut).

    The count stage solves one day's shifts at a time with it (the other days fixed), where
    SCIP's LP-guided heuristics (RENS at the root) find the day's best shifts in seconds; on
    the whole week restricted to the LP support it stalls, and CP-SAT further still (benchmark
    weeks of ``benchmarks/schedule_optimizer.py``). :meth:`interrupt` stops a running
    :meth:`solve` from another thread; the best solution so far is kept.
    """

    def __init__(self, program: Program) -> None:
        self.program = program
        integer = np.zeros(program.columns, dtype=bool)
        for name in INTEGER_BLOCKS:
            integer[program.blocks[name]] = True
        self._integer = integer
        self._solver = _create("SCIP")
        self._variables = _load(self._solver, program, integer)

    def interrupt(self) -> None:
        """Stop a running :meth:`solve` (from another thread)."""
        self._solver.InterruptSolve()

    def solve(
        self,
        *,
        hint: FloatArray | None,
        seconds: float,
        relative_gap: float,
        seed: int,
        deterministic_seconds: float | None = None,
    ) -> MipSolution:
        """Search for ``seconds`` from the ``hint`` solution.

        With ``deterministic_seconds`` the search stops after a node budget worth that many
        seconds instead, and the wall-clock limit (three times that) is only a safeguard.
        """
        solver = self._solver
        settings = [f"randomization/randomseedshift = {max(0, seed)}"]
        if deterministic_seconds is not None:
            nodes = max(1, math.ceil(MIP_NODES_PER_SECOND * deterministic_seconds))
            settings.append(f"limits/nodes = {nodes}")
            seconds = 3 * deterministic_seconds
        solver.SetSolverSpecificParametersAsString("\n".join(settings))
        solver.SetTimeLimit(max(100, round(1000 * seconds)))
        if hint is not None:
            solver.SetHint(self._variables, [float(value) for value in hint])
        parameters = pywraplp.MPSolverParameters()
        parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, relative_gap)
        status = solver.Solve(parameters)
        objective = solver.Objective()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return MipSolution(None, math.inf, objective.BestBound(), _STATUS.get(status, "none"))
        values = np.array([variable.solution_value() for variable in self._variables])
        values[self._integer] = np.round(values[self._integer])
        return MipSolution(values, objective.Value(), objective.BestBound(), _STATUS[status])


_STATUS: Final = {
    pywraplp.Solver.OPTIMAL: "optimal",
    pywraplp.Solver.FEASIBLE: "feasible",
    pywraplp.Solver.INFEASIBLE: "infeasible",
    pywraplp.Solver.NOT_SOLVED: "none",
}
