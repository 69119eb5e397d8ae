"""The count stage on its own: whole shift counts that satisfy every row of the count model,
and shifts with break positions converted to templates with fixed breaks without loss."""

from __future__ import annotations

import numpy as np

from scheduler.shifts import SolverOptions, rules_from_dict
from scheduler.shifts.bound import LinearRelaxation
from scheduler.shifts.counts import dive, explicit_counts, explicit_selection, solve_counts
from scheduler.shifts.formulation import Program, build_program
from scheduler.shifts.templates import Templates, shift_templates, week_of
from tests.scheduler.shifts.weeks import requirements, rules_with

RULES = rules_from_dict(
    rules_with(
        shifts={
            "lengths_hours": [4, 8],
            "start_step_minutes": 30,
            "breaks": [{"minutes": 30, "after_hours": [2, 4], "paid": False}],
        },
        week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 20, "max_hours": 40},
    )
)


def week_program() -> tuple[Program, Templates]:
    """A week of half-hour intervals with uneven needs, as the open-positions count model."""
    needs = requirements(
        [("voice", day, "07:00", "19:00", 3 if day < 5 else 1) for day in range(7)]
        + [("voice", day, "10:00", "14:30", 2) for day in range(5)]
        + [("voice", day, "16:30", "18:00", 1) for day in range(0, 7, 2)],
        interval_minutes=30,
    )
    week = week_of(needs["interval_start"])
    templates = shift_templates(week, RULES, ("voice",))
    required = needs["scheduled_agents"].to_numpy(dtype=float).reshape(1, -1)

    return build_program(
        templates, required, RULES, interval_minutes=30, deferred=(False,), rest_intervals=22
    ), templates


def rows_hold(program: Program, values: np.ndarray) -> bool:
    activity = program.matrix @ values
    return bool(
        (activity >= program.row_lower - 1e-6).all()
        and (activity <= program.row_upper + 1e-6).all()
        and (values >= program.lower - 1e-6).all()
        and (values <= program.upper + 1e-6).all()
    )


def test_the_count_stage_returns_whole_counts_that_satisfy_every_row_and_beat_the_dive() -> None:
    program, _ = week_program()

    def rebuild(subset: Templates) -> Program:
        return build_program(
            subset,
            program.row_lower[program.coverage_rows].reshape(1, -1),
            RULES,
            interval_minutes=30,
            deferred=(False,),
            rest_intervals=22,
        )

    lp = LinearRelaxation(program).solve()
    found = solve_counts(
        program, lp, rebuild, SolverOptions(workers=1, deterministic_seconds=4.0), 4.0
    )
    values = found.vector
    counted = np.concatenate([values[found.program.blocks[name]] for name in ("x", "y", "w")])
    assert np.allclose(counted, np.round(counted))
    assert rows_hold(found.program, values)
    objective = float(values @ found.program.cost)
    assert objective >= lp.objective - 1e-6
    explicit = rebuild(explicit_selection(program, lp).templates(program.templates))
    relaxation = LinearRelaxation(explicit)
    dived = dive(explicit, relaxation, relaxation.solve())
    assert objective <= float(dived @ explicit.cost) + 1e-6


def test_shifts_with_break_positions_become_fixed_break_templates_with_the_same_counts() -> None:
    _, templates = week_program()
    rng = np.random.default_rng(4)
    shifts = np.zeros(templates.count)
    breaks = np.zeros(len(templates.option_template))
    for template in rng.choice(templates.count, size=40, replace=False).tolist():
        shifts[template] = rng.integers(1, 4)
        for number in np.unique(templates.option_break[templates.option_template == template]):
            options = np.flatnonzero(
                (templates.option_template == template) & (templates.option_break == number)
            )
            # Split the shift's agents over its break positions at random.
            split = rng.multinomial(int(shifts[template]), np.ones(len(options)) / len(options))
            breaks[options] = split
    selection, amounts = explicit_counts(templates, shifts, breaks)
    back_shifts, back_breaks = selection.full_counts(amounts, templates)
    assert np.array_equal(back_shifts, shifts)
    assert np.array_equal(back_breaks, breaks)
    # Each fixed-break template carries one option per break of its shift.
    explicit = selection.templates(templates)
    per_template = np.bincount(explicit.option_template, minlength=explicit.count)
    owners_breaks = [
        len(np.unique(templates.option_break[templates.option_template == owner]))
        for owner in selection.owners.tolist()
    ]
    assert per_template.tolist() == owners_breaks
