"""One small test per rule of the count model (:mod:`scheduler.shifts.formulation`), each on
four hand-made shifts of an hourly week: the rows a rule adds hold for a plan that keeps the
rule and fail for one that breaks it."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from scheduler.shifts.formulation import (
    Columns,
    RowBuilder,
    add_absorbed_deferred_work,
    add_budget,
    add_coverage,
    add_day_capacity,
    add_days_per_week,
    add_each_break_once,
    add_headcount,
    add_paid_hours_floor,
    add_rest_between_days,
    add_weekly_hours,
    lay_out_columns,
)
from scheduler.shifts.templates import Templates

SIZE = 168  # hourly intervals, Monday 00:00 first
MON_09, MON_20, TUE_06, TUE_10 = range(4)
# Two day patterns: Monday and Tuesday, or Monday alone.
PATTERNS = np.array([[1, 1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0]], dtype=bool)


def _templates() -> Templates:
    """Voice shifts of 8 hours: Mon 09:00 (an unpaid hour's break at 12:00 or 13:00), Mon
    20:00, Tue 06:00 and Tue 10:00."""
    return Templates(
        channels=("email", "voice"),
        channel=np.array([1, 1, 1, 1]),
        start=np.array([9, 20, 30, 34]),
        length=np.array([8, 8, 8, 8]),
        day=np.array([0, 0, 1, 1]),
        paid_minutes=np.array([420, 480, 480, 480]),
        option_template=np.array([MON_09, MON_09]),
        option_break=np.array([0, 0]),
        option_offset=np.array([3, 4]),
        option_length=np.array([1, 1]),
        option_paid=np.array([False, False]),
    )


def _columns(need_voice: int = 0, deferred: tuple[bool, ...] = (False, False)) -> Columns:
    required = np.zeros((2, SIZE))
    required[1, 9:17] = need_voice
    return lay_out_columns(_templates(), required, deferred, len(PATTERNS), segments=1)


def _plan(columns: Columns, **blocks: Mapping[int, float]) -> npt.NDArray[np.float64]:
    values = np.zeros(columns.total)
    for name, entries in blocks.items():
        for index, value in entries.items():
            values[columns.blocks[name].start + index] = value
    return values


def _holds(builder: RowBuilder, columns: Columns, values: npt.NDArray[np.float64]) -> bool:
    activity = builder.matrix(columns.total) @ values
    lower, upper = np.array(builder.row_lower), np.array(builder.row_upper)
    return bool(((activity >= lower - 1e-9) & (activity <= upper + 1e-9)).all())


def test_coverage_counts_the_agents_on_the_floor_less_those_on_a_break() -> None:
    columns, builder = _columns(need_voice=2), RowBuilder()
    rows = add_coverage(builder, _templates(), columns, SIZE)
    plan = _plan(columns, x={MON_09: 2}, y={0: 1, 1: 1})
    floor = (builder.matrix(columns.total) @ plan)[rows].reshape(2, SIZE)[1]
    assert floor[9:17].tolist() == [2, 2, 2, 1, 1, 2, 2, 2]
    assert floor.sum() == 14
    assert not _holds(builder, columns, plan)  # 12:00 and 13:00 are one agent short
    short_noon = {int(np.flatnonzero(columns.short_cell == SIZE + hour)[0]): 1 for hour in (12, 13)}
    assert _holds(builder, columns, np.add(plan, _plan(columns, short=short_noon)))


def test_idle_live_agents_absorb_deferred_work_up_to_their_idle_count() -> None:
    required = np.zeros((2, SIZE))
    required[0, 10] = 1  # one email agent needed Monday 10:00; voice needs nobody
    columns = lay_out_columns(_templates(), required, (True, False), len(PATTERNS), 1)
    builder = RowBuilder()
    rows = add_coverage(builder, _templates(), columns, SIZE)
    add_absorbed_deferred_work(builder, rows, columns, (True, False), SIZE)
    idle_voice = {SIZE + 10: 1}  # the voice agent on Monday 09:00 is over at 10:00
    absorbed = {int(np.flatnonzero(columns.absorb_cell == SIZE + 10)[0]): 1}
    over = _plan(
        columns,
        x={MON_09: 1},
        y={0: 1},
        over=idle_voice | {SIZE + h: 1 for h in (9, 11, 13, 14, 15, 16)},
    )
    assert _holds(builder, columns, np.add(over, _plan(columns, absorb=absorbed)))
    assert not _holds(builder, columns, over)  # the email cell is uncovered without it


def test_each_break_of_a_shift_is_placed_once_per_agent_on_it() -> None:
    columns, builder = _columns(), RowBuilder()
    add_each_break_once(builder, _templates(), columns)
    assert _holds(builder, columns, _plan(columns, x={MON_09: 3}, y={0: 1, 1: 2}))
    assert not _holds(builder, columns, _plan(columns, x={MON_09: 3}, y={0: 1, 1: 1}))


def test_the_shifts_of_a_day_are_the_agents_whose_pattern_works_it() -> None:
    columns, builder = _columns(), RowBuilder()
    add_days_per_week(builder, _templates(), PATTERNS, columns)
    assert _holds(builder, columns, _plan(columns, x={MON_09: 2, TUE_10: 1}, w={0: 1, 1: 1}))
    assert not _holds(builder, columns, _plan(columns, x={MON_09: 2}, w={0: 1, 1: 1}))


def test_paid_hours_lie_between_the_weekly_minimum_and_maximum_per_agent() -> None:
    columns, builder = _columns(), RowBuilder()
    add_weekly_hours(builder, _templates(), columns, low_hours=10, high_hours=15)
    two_days = _plan(columns, x={MON_09: 1, TUE_10: 1}, w={0: 1})  # 15 paid hours
    assert _holds(builder, columns, two_days)
    assert not _holds(builder, columns, _plan(columns, x={MON_09: 1}, w={0: 1}))  # 7 < 10
    assert not _holds(builder, columns, _plan(columns, x={MON_20: 1, TUE_10: 1}, w={0: 1}))


def test_an_agent_working_two_days_needs_the_rest_between_them() -> None:
    columns, builder = _columns(), RowBuilder()
    add_rest_between_days(
        builder,
        _templates(),
        PATTERNS,
        w_start=columns.blocks["w"].start,
        rest_intervals=11,
        size=SIZE,
    )
    rested = _plan(columns, x={MON_09: 1, TUE_06: 1}, w={0: 1})  # 17:00 to 06:00: 13 h
    tired = _plan(columns, x={MON_20: 1, TUE_06: 1}, w={0: 1})  # 04:00 to 06:00: 2 h
    assert _holds(builder, columns, rested)
    assert not _holds(builder, columns, tired)


def test_the_headcount_stays_between_its_floor_and_limit() -> None:
    columns, builder = _columns(), RowBuilder()
    add_headcount(builder, columns, floor=1, limit=2)
    assert _holds(builder, columns, _plan(columns, w={0: 1, 1: 1}))
    assert not _holds(builder, columns, _plan(columns, w={0: 2, 1: 1}))
    assert not _holds(builder, columns, _plan(columns))


def test_the_paid_hours_floor_binds_only_when_given() -> None:
    columns, builder = _columns(), RowBuilder()
    add_paid_hours_floor(builder, _templates(), 0.0)
    assert builder.row_lower == []
    add_paid_hours_floor(builder, _templates(), 8.0)
    assert _holds(builder, columns, _plan(columns, x={MON_20: 1}))
    assert not _holds(builder, columns, _plan(columns, x={MON_09: 1}))  # 7 paid hours


def test_the_budget_caps_paid_hours_and_headcount() -> None:
    columns, builder = _columns(), RowBuilder()
    add_budget(builder, _templates(), columns, max_paid_hours=15.0, max_headcount=1)
    assert _holds(builder, columns, _plan(columns, x={MON_09: 1, TUE_10: 1}, w={0: 1}))
    assert not _holds(builder, columns, _plan(columns, x={MON_20: 1, TUE_10: 1}, w={0: 1}))
    assert not _holds(builder, columns, _plan(columns, w={0: 1, 1: 1}))


def test_a_day_carries_at_most_the_shifts_its_agents_can_work() -> None:
    columns, builder = _columns(), RowBuilder()
    add_day_capacity(builder, _templates(), {(frozenset({1}), 0): 1, (frozenset({0}), 0): 0})
    assert _holds(builder, columns, _plan(columns, x={MON_09: 1, TUE_06: 3}))
    assert not _holds(builder, columns, _plan(columns, x={MON_09: 1, MON_20: 1}))
