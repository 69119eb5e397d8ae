"""Whole weeks: the exact best week against brute force, and the repair's promises (fill
covers what a week can, improve never costs more or leaves more short, trim keeps the caps)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from scheduler.shifts import rules_from_dict
from scheduler.shifts.templates import Templates, Week, day_patterns, shift_templates, week_of
from scheduler.shifts.tours import (
    Tour,
    TourGroup,
    TourSpace,
    best_tours,
    eligible_templates,
    fill,
    improve,
    trim,
)
from tests.scheduler.shifts.weeks import WEEK_START

RULES = rules_from_dict(
    {
        "shifts": {"lengths_hours": [6, 10], "start_step_minutes": 240, "breaks": []},
        "week": {"days_per_agent": 3, "consecutive_days_off": 2, "min_rest_hours": 11},
    }
)


def _week() -> tuple[Week, Templates]:
    starts = pd.date_range(WEEK_START, periods=168, freq="60min")
    week = week_of(pd.Series(starts))
    return week, shift_templates(week, RULES, ("voice",))


def _legal(tour: tuple[int, ...], templates: Templates, rest: int, size: int) -> bool:
    starts = [int(templates.start[s]) for s in tour]
    ends = [s + int(templates.length[t]) for s, t in zip(starts, tour, strict=True)]
    order = np.argsort(starts)
    spans = [(starts[k], ends[k]) for k in order]
    spans += [(a + size, b + size) for a, b in spans]
    return all(later[0] - earlier[1] >= rest for earlier, later in itertools.pairwise(spans))


def _open_positions(min_hours: int, max_hours: int) -> TourGroup:
    """Open voice positions on three days a week with two off in a row, any time of day."""
    return TourGroup(
        skills=frozenset({0}),
        patterns=day_patterns(3, 2),
        available=np.ones(168, dtype=bool),
        min_paid_minutes=min_hours * 60,
        max_paid_minutes=max_hours * 60,
    )


def test_the_best_week_is_the_cheapest_legal_week_found_by_brute_force() -> None:
    _, templates = _week()
    rng = np.random.default_rng(3)
    value = rng.normal(0.0, 5.0, templates.count)
    group = _open_positions(20, 26)
    eligible = eligible_templates(group, templates)
    found = best_tours(
        group,
        templates,
        eligible,
        value,
        rest_intervals=11,
        week_size=168,
        paid_unit=60,
    )
    best = min(cost for cost, _ in found)
    brute = np.inf
    for pattern in group.patterns:
        days = [int(day) for day in np.flatnonzero(pattern)]
        choices = [eligible[templates.day[eligible] == day] for day in days]
        for tour in itertools.product(*choices):
            paid = int(templates.paid_minutes[list(tour)].sum())
            if 20 * 60 <= paid <= 26 * 60 and _legal(tour, templates, 11, 168):
                brute = min(brute, float(value[list(tour)].sum()))
    assert best == brute


def _space(required: np.ndarray, max_paid_hours: float | None = None) -> TourSpace:
    week, templates = _week()
    group = _open_positions(18, 30)
    return TourSpace(
        templates,
        required,
        [group],
        deferred=(False,),
        paid_hour_cost=1.0,
        start_minutes=week.minute[templates.start],
        preferred_start_cost_per_hour=0.0,
        max_paid_hours=max_paid_hours,
    )


def _short(space: TourSpace, tours: list[Tour]) -> float:
    cover = np.zeros(len(space.need))
    for tour in tours:
        where, weight = space.cells(tour)
        np.add.at(cover, where, weight)
    return float(np.maximum(space.need - cover, 0.0).sum())


def _required() -> np.ndarray:
    required = np.zeros((1, 168))
    for day in range(7):
        required[0, day * 24 + 8 : day * 24 + 18] = 2 if day < 5 else 1
    return required


def test_filling_an_empty_week_covers_every_interval_a_week_can_reach() -> None:
    space = _space(_required())
    tours = fill(space, [], rest_intervals=11, deadline=float("inf"))
    assert tours
    assert _short(space, tours) == 0


def test_improving_never_costs_more_and_never_leaves_more_short() -> None:
    space = _space(_required())
    tours = fill(space, [], rest_intervals=11, deadline=float("inf"))
    before = (_short(space, tours), sum(space.tour_cost(t) for t in tours))
    better = [
        t for t in improve(space, tours, rest_intervals=11, deadline=float("inf")) if t.shifts
    ]
    after = (_short(space, better), sum(space.tour_cost(t) for t in better))
    assert after[0] <= before[0]
    assert after[1] <= before[1]


def test_trimming_keeps_the_paid_hours_cap() -> None:
    space = _space(_required(), max_paid_hours=60)
    uncapped = fill(_space(_required()), [], rest_intervals=11, deadline=float("inf"))
    kept = trim(space, uncapped)
    assert space.paid_minutes(kept) <= 60 * 60
    assert len(kept) < len(uncapped)
