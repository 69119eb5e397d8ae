"""The roster stage on its own: day patterns matched to agents, and the exact partition of the
planned shift instances among positions."""

from __future__ import annotations

import numpy as np

from scheduler.shifts import SolverOptions, rules_from_dict
from scheduler.shifts.roster import RosterAgent, eligible, exact_partition, match_patterns
from scheduler.shifts.templates import Templates, shift_templates, week_of
from tests.scheduler.shifts.weeks import requirements, rules_with

MON_FRI = np.array([[1, 1, 1, 1, 1, 0, 0]], dtype=bool)
WED_SUN = np.array([[0, 0, 1, 1, 1, 1, 1]], dtype=bool)
REST_INTERVALS = 11  # one-hour intervals
OPTIONS = SolverOptions(workers=1, deterministic_seconds=2.0)


def position(patterns: np.ndarray, low_hours: int = 0, high_hours: int = 168) -> RosterAgent:
    return RosterAgent(
        "", frozenset({0}), patterns, np.ones(168, dtype=bool), 60 * low_hours, 60 * high_hours
    )


def eight_hour_templates() -> Templates:
    """Eight-hour voice shifts starting on every hour of a week of one-hour intervals."""
    needs = requirements([("voice", day, "00:00", "23:00", 1) for day in range(7)])
    week = week_of(needs["interval_start"].drop_duplicates())
    return shift_templates(week, rules_from_dict(rules_with()), ("voice",))


def partition(
    agents: list[RosterAgent],
    templates: Templates,
    counts: np.ndarray,
    hint: list[tuple[int, int]],
) -> list[tuple[int, int]] | None:
    """The exact partition on the one-hour week with an 11-hour rest."""
    return exact_partition(
        agents,
        templates,
        counts,
        [eligible(agent, templates) for agent in agents],
        rest_intervals=REST_INTERVALS,
        week_size=168,
        hint=hint,
        options=OPTIONS,
        seconds=5.0,
    )


def template_at(templates: Templates, day: int, hour: int) -> int:
    return int(np.flatnonzero(templates.start == day * 24 + hour)[0])


def test_each_agent_gets_a_pattern_it_may_work_and_each_pattern_keeps_its_count() -> None:
    patterns = np.concatenate([MON_FRI, WED_SUN])
    agents = [position(patterns), position(MON_FRI)]
    matched = match_patterns(agents, patterns, np.array([1, 1]))
    # The flexible agent must take the other pattern, or the weekday agent would go without.
    assert matched[0].patterns.tolist() == WED_SUN.tolist()
    assert matched[1].patterns.tolist() == MON_FRI.tolist()


def test_agents_left_without_a_slot_keep_all_their_patterns() -> None:
    patterns = np.concatenate([MON_FRI, WED_SUN])
    agents = [position(patterns), position(patterns)]
    matched = match_patterns(agents, patterns, np.array([1, 0]))
    assert [len(agent.patterns) for agent in matched] == [1, 2]
    assert matched[0].patterns.tolist() == MON_FRI.tolist()


def test_the_exact_partition_keeps_early_and_late_shifts_apart_for_the_rest_rule() -> None:
    templates = eight_hour_templates()
    counts = np.zeros(templates.count, dtype=np.int64)
    for day in range(5):
        counts[template_at(templates, day, 6)] = 1  # 06:00-14:00
        counts[template_at(templates, day, 14)] = 1  # 14:00-22:00
    agents = [position(MON_FRI, 40, 40), position(MON_FRI, 40, 40)]
    # A hint that breaks the rest rule (late on Monday, early on Tuesday) must not matter.
    hint = [(0, template_at(templates, 0, 14)), (0, template_at(templates, 1, 6))]
    found = partition(agents, templates, counts, hint=hint)
    assert found is not None
    assert sorted(template for _, template in found) == sorted(np.flatnonzero(counts).tolist())
    for agent in range(2):
        starts = sorted(int(templates.start[t]) for a, t in found if a == agent)
        assert len(starts) == 5
        hours = {start % 24 for start in starts}
        assert len(hours) == 1, f"agent {agent} switches between early and late: {starts}"


def test_the_exact_partition_gives_up_when_the_rest_rule_makes_it_impossible() -> None:
    templates = eight_hour_templates()
    counts = np.zeros(templates.count, dtype=np.int64)
    for day in range(5):
        # Late on even days, early on odd days: one agent cannot rest 11 h in between.
        counts[template_at(templates, day, 14 if day % 2 == 0 else 6)] = 1
    agents = [position(MON_FRI)]
    found = partition(agents, templates, counts, hint=[])
    assert found is None


def test_the_exact_partition_needs_the_pattern_days_to_match_the_instances() -> None:
    templates = eight_hour_templates()
    counts = np.zeros(templates.count, dtype=np.int64)
    counts[template_at(templates, 5, 9)] = 1  # a Saturday shift nobody's pattern works
    agents = [position(MON_FRI)]
    found = partition(agents, templates, counts, hint=[])
    assert found is None


def test_the_exact_partition_repairs_a_nearly_complete_hint_and_keeps_the_rest_of_it() -> None:
    templates = eight_hour_templates()
    counts = np.zeros(templates.count, dtype=np.int64)
    early = [template_at(templates, day, 6) for day in range(5)]
    late = [template_at(templates, day, 14) for day in range(5)]
    counts[early] = 3
    counts[late] = 3
    agents = [position(MON_FRI, 40, 40) for _ in range(6)]
    # Five legal weeks given; the sixth position and a late shift each day are left over.
    hint = [(agent, t) for agent in range(3) for t in early]
    hint += [(agent, t) for agent in (3, 4) for t in late]
    found = partition(agents, templates, counts, hint=hint)
    assert found is not None
    assert np.array_equal(np.bincount([t for _, t in found], minlength=templates.count), counts)
    assert sorted(t for agent, t in found if agent == 5) == sorted(late)
    assert set(hint) <= set(found)
