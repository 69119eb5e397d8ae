"""Staffing math (Erlang B/C/A, concurrency, deferred work) and the weekly shift optimizer.

Pure: numpy, pandas and OR-Tools in and out; no files, clock, network, HTTP, storage or
plotting. The table it takes from the forecaster is described in :mod:`scheduler.workload`.
"""

from scheduler.errors import (
    InfeasibleScheduleError,
    InvalidRulesError,
    InvalidTargetsError,
    InvalidWorkloadError,
    SchedulerError,
)
from scheduler.workload import interval_minutes_of, validate_workload

__all__ = [
    "InfeasibleScheduleError",
    "InvalidRulesError",
    "InvalidTargetsError",
    "InvalidWorkloadError",
    "SchedulerError",
    "interval_minutes_of",
    "validate_workload",
]
