"""The rest rule, stated once (:func:`scheduler.shifts.templates.rest_kept`), and read the same
by the roster's mask, its CP-SAT rows and the arrays of the week search."""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from scheduler.shifts.roster import rest_mask
from scheduler.shifts.templates import Templates, rest_kept

REST = 11  # hourly intervals


def test_a_start_exactly_the_rest_after_the_end_keeps_it_and_one_interval_less_does_not() -> None:
    ends = np.array([17, 17, 20])
    starts = np.array([28, 27, 30])
    assert rest_kept(ends, starts, REST).tolist() == [True, False, False]


def test_cp_sat_reads_the_same_rule_as_a_constraint() -> None:
    model = cp_model.CpModel()
    end = model.new_int_var(17, 17, "end")
    start = model.new_int_var(0, 40, "start")
    model.add(rest_kept(end, start, REST))
    model.minimize(start)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.value(start) == 28


def test_the_rest_holds_across_the_week_s_end_where_the_schedule_repeats() -> None:
    size = 168
    templates = Templates(
        channels=("voice",),
        channel=np.zeros(4, dtype=np.int64),
        start=np.array([6 * 24 + 20, 2, 6, 16]),  # Sunday 20:00, Monday 02:00, 06:00, 16:00
        length=np.array([8, 8, 8, 8]),
        day=np.array([6, 0, 0, 0]),
        paid_minutes=np.array([480, 480, 480, 480]),
        option_template=np.zeros(0, dtype=np.int64),
        option_break=np.zeros(0, dtype=np.int64),
        option_offset=np.zeros(0, dtype=np.int64),
        option_length=np.zeros(0, dtype=np.int64),
        option_paid=np.zeros(0, dtype=bool),
    )
    # After Sunday 20:00-04:00, Monday 02:00 overlaps and 06:00 leaves 2 hours; 16:00 leaves 12.
    assert rest_mask(templates, np.array([1, 2, 3]), [0], REST, size).tolist() == [
        False,
        False,
        True,
    ]
    assert rest_mask(templates, np.array([0]), [], REST, size).tolist() == [True]
