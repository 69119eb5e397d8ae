"""Staffing math (Erlang B/C/A, concurrency, deferred work) and the weekly shift optimizer.

Pure: numpy, pandas and OR-Tools in and out; no files, clock, network, HTTP, storage or
plotting. The table it takes from the forecaster is described in :mod:`scheduler.workload`.

The names below load their modules on first use (PEP 562), so that a command needing only the
queueing math does not import the optimizer and OR-Tools.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.agents import Agent, agents_from_frame
    from scheduler.errors import (
        InfeasibleScheduleError,
        InvalidAgentsError,
        InvalidRulesError,
        InvalidTargetsError,
        InvalidWorkloadError,
        SchedulerError,
    )
    from scheduler.evaluation import channel_service_levels, schedule_coverage
    from scheduler.optimizer import ScheduleResult, solve_schedule
    from scheduler.rules import Rules, Weights, rules_from_dict
    from scheduler.solving import Progress, SolverOptions
    from scheduler.summary import ScheduleSummary, schedule_summary
    from scheduler.workload import interval_minutes_of, validate_workload

_EXPORTS = {
    "Agent": "scheduler.agents",
    "agents_from_frame": "scheduler.agents",
    "InfeasibleScheduleError": "scheduler.errors",
    "InvalidAgentsError": "scheduler.errors",
    "InvalidRulesError": "scheduler.errors",
    "InvalidTargetsError": "scheduler.errors",
    "InvalidWorkloadError": "scheduler.errors",
    "SchedulerError": "scheduler.errors",
    "channel_service_levels": "scheduler.evaluation",
    "schedule_coverage": "scheduler.evaluation",
    "ScheduleResult": "scheduler.optimizer",
    "solve_schedule": "scheduler.optimizer",
    "Rules": "scheduler.rules",
    "Weights": "scheduler.rules",
    "rules_from_dict": "scheduler.rules",
    "Progress": "scheduler.solving",
    "SolverOptions": "scheduler.solving",
    "ScheduleSummary": "scheduler.summary",
    "schedule_summary": "scheduler.summary",
    "interval_minutes_of": "scheduler.workload",
    "validate_workload": "scheduler.workload",
}

__all__ = [
    "Agent",
    "InfeasibleScheduleError",
    "InvalidAgentsError",
    "InvalidRulesError",
    "InvalidTargetsError",
    "InvalidWorkloadError",
    "Progress",
    "Rules",
    "ScheduleResult",
    "ScheduleSummary",
    "SchedulerError",
    "SolverOptions",
    "Weights",
    "agents_from_frame",
    "channel_service_levels",
    "interval_minutes_of",
    "rules_from_dict",
    "schedule_coverage",
    "schedule_summary",
    "solve_schedule",
    "validate_workload",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
