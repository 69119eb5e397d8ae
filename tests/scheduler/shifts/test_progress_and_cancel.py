"""Progress reports and cancellation: a callback that raises stops the running solver."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from scheduler.shifts import Progress, SolverOptions, counts, rules_from_dict, solve_schedule
from scheduler.shifts.solving import Heartbeat
from tests.scheduler.shifts.weeks import fake_kpis, requirements, rules_with


class CancelledError(Exception):
    """What a caller's callback raises to cancel."""


def test_the_heartbeat_interrupts_a_blocked_solver_when_the_callback_raises() -> None:
    interrupted = threading.Event()
    reports: list[Progress] = []

    def progress(report: Progress) -> None:
        reports.append(report)
        raise CancelledError

    with pytest.raises(CancelledError), Heartbeat(progress, "counts", 0.0, interrupted.set):
        # A stand-in for a solver that runs until told to stop (never longer than 60 s).
        assert interrupted.wait(60)
    assert len(reports) == 1
    assert reports[0].stage == "counts"


def test_the_heartbeat_reports_what_the_stage_learned_and_raises_nothing_without_errors() -> None:
    reports: list[Progress] = []
    with Heartbeat(reports.append, "roster", 0.0, best_bound=10.0) as beat:
        beat.report(incumbent=12.0)
    assert reports[-1].incumbent == 12.0
    assert reports[-1].best_bound == 10.0


def test_cancelling_in_the_count_stage_stops_the_run_before_the_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needs = requirements([("voice", day, "06:00", "23:00", 6 + day % 4) for day in range(7)], 15)
    rules = rules_from_dict(
        rules_with(
            shifts={"lengths_hours": [4, 6, 8, 10], "start_step_minutes": 15, "breaks": []},
            week={"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 20},
        )
    )
    stages: list[str] = []
    day_searches: list[str] = []
    improve_day = counts._improve_day

    def counted(*args: Any, **kwargs: Any) -> Any:
        day_searches.append(stages[-1])
        return improve_day(*args, **kwargs)

    monkeypatch.setattr(counts, "_improve_day", counted)

    def progress(report: Progress) -> None:
        stages.append(report.stage)
        if report.stage == "counts":
            raise CancelledError

    with pytest.raises(CancelledError):
        solve_schedule(
            needs,
            rules,
            options=SolverOptions(time_limit_seconds=600, workers=1),
            progress=progress,
            kpis=fake_kpis,
        )
    assert stages[-1] == "counts"
    assert "roster" not in stages
    # The first counts report raises: no day is searched after it (each would be a new solve).
    assert day_searches == []
