"""Break placement with the shifts fixed.

Given how many agents work each (channel, start, length), choose where each of their breaks
goes (Aykin's break options) to minimise the convex shortfall and overstaffing costs. Break
windows are ordered and disjoint, so any agent on a shift can take any of that shift's break
positions; the counts are then handed out to the agents on the shift in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from ortools.sat.python import cp_model

from scheduler.counts import ProgressCallback, SolverOptions, cp_from_program, solve_model
from scheduler.formulation import Program
from scheduler.shifts import IntArray, Templates

BreakPlan = dict[int, list[tuple[int, int]]]
"""Per template index: one (break number, offset in intervals) list entry per placed break,
repeated for each agent on the template in order (agent i takes entries i, i+n, ...)."""


def template_index(templates: Templates) -> dict[tuple[int, int, int], int]:
    """Template index by (channel, start, length)."""
    return {
        (int(c), int(s), int(n)): index
        for index, (c, s, n) in enumerate(
            zip(templates.channel, templates.start, templates.length, strict=True)
        )
    }


def place_breaks(
    templates: Templates,
    counts: IntArray,
    build: Callable[[Templates], Program],
    options: SolverOptions,
    seconds: float,
    *,
    progress: ProgressCallback | None = None,
    started: float | None = None,
) -> dict[int, list[list[tuple[int, int]]]]:
    """Break positions for ``counts[s]`` agents on each template ``s``.

    Args:
        templates: all templates, with every break option.
        counts: agents per template.
        build: builds the count program (without day patterns) over a subset of templates.
        options: CP-SAT options; ``seconds`` of the budget for this stage.
        progress: receives each incumbent.
        started: the clock value the progress reports count from.

    Returns:
        Per used template index, one list of (break number, offset) per agent on it.
    """
    used = np.flatnonzero(counts > 0)
    result: dict[int, list[list[tuple[int, int]]]] = {
        int(template): [[] for _ in range(int(counts[template]))] for template in used
    }
    if not len(used):
        return result
    subset = templates.subset(used)
    program = build(subset)
    x = program.blocks["x"]
    lower = program.lower.copy()
    upper = program.upper.copy()
    lower[x] = upper[x] = counts[used]
    program = replace(program, lower=lower, upper=upper)
    model, variables = cp_from_program(program, np.ones(program.columns, dtype=bool))
    solver, status = solve_model(
        model,
        options=options,
        seconds=seconds,
        stage="breaks",
        progress=progress,
        started=started or time.monotonic(),
    )
    y = program.blocks["y"]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        placed = np.array([solver.value(variables[y.start + o]) for o in range(y.stop - y.start)])
    else:  # no placement within the limit: first option of each break
        placed = np.zeros(y.stop - y.start, dtype=np.int64)
        firsts = np.unique(subset.option_template * 64 + subset.option_break, return_index=True)[1]
        placed[firsts] = counts[used][subset.option_template[firsts]]
    for option in np.flatnonzero(placed).tolist():
        template = int(used[subset.option_template[option]])
        agents = result[template]
        number = int(subset.option_break[option])
        offset = int(subset.option_offset[option])
        for _ in range(int(placed[option])):
            target = min(
                (agent for agent in agents if all(b != number for b, _ in agent)),
                key=len,
            )
            target.append((number, offset))
    for agents in result.values():
        for agent in agents:
            agent.sort()
    return result
