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

from scheduler.arrays import IntArray
from scheduler.shifts.counts import complete_solution, cp_from_program
from scheduler.shifts.formulation import Program
from scheduler.shifts.solving import ProgressCallback, SolverOptions, solve_model
from scheduler.shifts.templates import Templates


def template_index(templates: Templates) -> dict[tuple[int, int, int], int]:
    """Template index by (channel, start, length)."""
    return {
        (int(c), int(s), int(n)): index
        for index, (c, s, n) in enumerate(
            zip(templates.channel, templates.start, templates.length, strict=True)
        )
    }


def option_index(templates: Templates) -> dict[tuple[int, int, int], int]:
    """Break option index by (template, break number, offset from the shift start)."""
    return {
        (int(t), int(b), int(o)): index
        for index, (t, b, o) in enumerate(
            zip(
                templates.option_template,
                templates.option_break,
                templates.option_offset,
                strict=True,
            )
        )
    }


def place_breaks(
    templates: Templates,
    counts: IntArray,
    planned: IntArray,
    build: Callable[[Templates], Program],
    *,
    options: SolverOptions,
    seconds: float,
    progress: ProgressCallback | None = None,
    started: float | None = None,
) -> dict[int, list[list[tuple[int, int]]]]:
    """Break positions for ``counts[s]`` agents on each template ``s``.

    Args:
        templates: all templates, with every break option.
        counts: agents per template.
        planned: agents per break option as the earlier stages placed them: the complete
            hint, and the answer if CP-SAT finds nothing better in time.
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
    option_used = renumbered_options(templates, used)
    hinted_y = planned[option_used].astype(np.float64)
    hint = complete_solution(
        program, counts[used].astype(np.float64), hinted_y, np.zeros(len(program.patterns))
    )
    for column, variable in variables.items():
        model.add_hint(variable, round(hint[column]))
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
    else:  # nothing within the limit: keep the breaks where the earlier stages put them
        placed = hinted_y.astype(np.int64)
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


def renumbered_options(templates: Templates, used: IntArray) -> IntArray:
    """Indexes (into ``templates``' options) of the options of ``templates.subset(used)``,
    in that subset's order."""
    renumber = np.full(templates.count, -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return np.flatnonzero(renumber[templates.option_template] >= 0)


def planned_options(
    templates: Templates, assignments: list[int], explicit: Templates, chosen: list[int]
) -> IntArray:
    """Agents per option of ``templates`` when agent k works template ``assignments[k]`` with
    the fixed breaks of ``explicit`` template ``chosen[k]``."""
    lookup = option_index(templates)
    owners: dict[int, list[int]] = {}
    for option, owner in enumerate(explicit.option_template.tolist()):
        owners.setdefault(owner, []).append(option)
    planned = np.zeros(len(templates.option_template), dtype=np.int64)
    for template, candidate in zip(assignments, chosen, strict=True):
        for option in owners.get(candidate, []):
            key = (
                template,
                int(explicit.option_break[option]),
                int(explicit.option_offset[option]),
            )
            if key in lookup:
                planned[lookup[key]] += 1
    return planned
