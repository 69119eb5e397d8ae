"""What every optimizer stage shares: solver options, progress reports, and the heartbeat
that keeps reports flowing (and stops the solver) while a solver runs.

The progress callback is the one channel back to the caller. It is called with the best
known incumbent and bound as the stages go, and at least every :data:`HEARTBEAT_SECONDS`
while a solver runs; if it raises (a cancelled job, say), the running solver is told to stop
at once and the exception is raised from the stage once the solver has returned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Literal

from ortools.sat.python import cp_model

from scheduler.shifts.formulation import COST_SCALE

Stage = Literal["bound", "counts", "roster", "breaks", "tours", "evaluation"]
HEARTBEAT_SECONDS: Final = 0.5


@dataclass(frozen=True)
class Progress:
    """A progress report: objective values in paid-hour equivalents."""

    stage: Stage
    incumbent: float | None
    best_bound: float | None
    elapsed_seconds: float


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class SolverOptions:
    """Solver options: wall-clock limit, relative gap, seed and CP-SAT workers.

    ``deterministic_seconds`` replaces the wall-clock limit by work limits that do not depend
    on the machine's load (CP-SAT's deterministic time, a node limit for the MIP solver), so
    that runs repeat exactly (tests use it).
    """

    time_limit_seconds: float = 60.0
    relative_gap: float = 0.005
    seed: int = 0
    workers: int = 8
    deterministic_seconds: float | None = None

    def configure(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Set ``solver``'s parameters for a stage given ``seconds`` of the budget."""
        parameters = solver.parameters
        parameters.random_seed = self.seed
        parameters.num_workers = max(1, self.workers)
        parameters.relative_gap_limit = self.relative_gap
        if self.deterministic_seconds is not None:
            parameters.max_deterministic_time = max(0.05, seconds)
            parameters.interleave_search = parameters.num_workers > 1
        else:
            parameters.max_time_in_seconds = max(0.1, seconds)


class Heartbeat:
    """A context manager that reports progress every :data:`HEARTBEAT_SECONDS` from a
    background thread while the block runs, and calls ``interrupt`` if the callback raises.

    ``incumbent`` and ``best_bound`` may be updated by the stage as it learns better values.
    The callback's exception is raised when the block ends (replacing any error the
    interrupted solver caused).
    """

    def __init__(
        self,
        progress: ProgressCallback | None,
        stage: Stage,
        started: float,
        interrupt: Callable[[], object] = lambda: None,
        *,
        incumbent: float | None = None,
        best_bound: float | None = None,
    ) -> None:
        self.progress = progress
        self.stage: Stage = stage
        self.started = started
        self.interrupt = interrupt
        self.incumbent = incumbent
        self.best_bound = best_bound
        self._done = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._beat, daemon=True)

    @property
    def stopped(self) -> bool:
        """Whether the callback has raised: a stage running several solves one after the other
        must not start another."""
        return self._error is not None

    def report(self, incumbent: float | None = None, best_bound: float | None = None) -> None:
        """Record better values and report them now (from the calling thread)."""
        if incumbent is not None:
            self.incumbent = incumbent
        if best_bound is not None:
            self.best_bound = best_bound
        self._send()

    def _send(self) -> None:
        if self.progress is None or self._error is not None:
            return
        try:
            self.progress(
                Progress(
                    self.stage,
                    self.incumbent,
                    self.best_bound,
                    time.monotonic() - self.started,
                )
            )
        except BaseException as error:
            self._error = error
            self.interrupt()

    def _beat(self) -> None:
        while not self._done.wait(HEARTBEAT_SECONDS):
            self._send()

    def __enter__(self) -> Heartbeat:
        if self.progress is not None:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
        if self._error is not None:
            raise self._error


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, beat: Heartbeat) -> None:
        super().__init__()
        self._beat = beat

    def on_solution_callback(self) -> None:
        self._beat.report(self.objective_value / COST_SCALE, self.best_objective_bound / COST_SCALE)


def solve_model(
    model: cp_model.CpModel,
    *,
    options: SolverOptions,
    seconds: float,
    stage: Stage,
    progress: ProgressCallback | None,
    started: float,
    report_solutions: bool = True,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Solve ``model`` within ``seconds`` of the budget, reporting each incumbent (unless
    ``report_solutions`` is false: a feasibility model's objective means nothing to the
    caller; the heartbeat still runs)."""
    solver = cp_model.CpSolver()
    options.configure(solver, seconds)
    with Heartbeat(progress, stage, started, solver.stop_search) as beat:
        status = solver.solve(model, _Reporter(beat) if report_solutions else None)
    return solver, status
