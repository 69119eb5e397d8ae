"""Staffing math (Erlang B/C/A, concurrency, deferred work) and the weekly shift optimizer.

Pure: numpy, pandas and OR-Tools in and out; no files, clock, network, HTTP, storage or
plotting. The table it takes from the forecaster is described in :mod:`scheduler.workload`.
"""

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
