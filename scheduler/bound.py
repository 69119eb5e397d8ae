"""The LP relaxation of the count model: a valid lower bound (the "physical limit").

Solved with GLOP through ``ortools.linear_solver``. Any schedule that obeys the rules is a
feasible point of the count model, so no schedule can cost less than the LP optimum; with the
shortfall of each interval capped at what a schedule reached, the LP gives the least paid hours
with which that coverage (or better) is possible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from scheduler.errors import SchedulerError
from scheduler.formulation import FloatArray, Program


@dataclass(frozen=True)
class LpSolution:
    """An optimal LP solution: objective (paid-hour equivalents), values, reduced costs."""

    objective: float
    values: FloatArray
    reduced_costs: FloatArray
    paid_hours: float


class LinearRelaxation:
    """The LP relaxation of a :class:`~scheduler.formulation.Program`, kept for re-solving."""

    def __init__(self, program: Program) -> None:
        self.program = program
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with every ortools wheel
            raise SchedulerError("the GLOP linear solver is not available in this ortools build")
        self._solver = solver
        infinity = solver.infinity()

        def finite(value: float) -> float:
            return value if np.isfinite(value) else (infinity if value > 0 else -infinity)

        self._variables = [
            solver.NumVar(finite(low), finite(high), "")
            for low, high in zip(program.lower, program.upper, strict=True)
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
                constraint.SetCoefficient(self._variables[column], value)
        self._set_objective(program.cost)

    def _set_objective(self, cost: FloatArray) -> None:
        objective = self._solver.Objective()
        objective.Clear()
        for column in np.flatnonzero(cost).tolist():
            objective.SetCoefficient(self._variables[column], float(cost[column]))
        objective.SetMinimization()

    def solve(self) -> LpSolution:
        """Solve to optimality.

        Raises:
            SchedulerError: if GLOP does not reach an optimal solution (the model is always
                feasible, so this means a numerical failure).
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
        fresh._set_objective(paid_only)
        try:
            return fresh.solve().objective
        except SchedulerError:
            return None
