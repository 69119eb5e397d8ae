"""Errors raised by the scheduler package.

Hierarchy::

    SchedulerError                 base of everything this package raises on bad input
    ├── InvalidWorkloadError       a workload/requirements table cell is missing or wrong
    ├── InvalidTargetsError        a service target is out of range or names an unknown channel
    ├── InvalidRulesError          a scheduling rule is malformed (issue #4)
    ├── InvalidAgentsError         a row of the named-agents table is wrong
    └── InfeasibleScheduleError    the rules cannot be met; says why in a manager's words

Every message names the field (and row, for tables) and the offending value, and says how to
fix it. ``errors`` holds one line per problem when a table has several.
"""

from __future__ import annotations

from typing import Final, TypeVar


class SchedulerError(ValueError):
    """Base class: bad input to the scheduler package."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors: list[str] = errors if errors is not None else [message]


class InvalidWorkloadError(SchedulerError):
    """A workload or requirements table has a bad row, column or value."""


class InvalidTargetsError(SchedulerError):
    """A service target is out of range, or targets name a channel that is not known."""


class InvalidRulesError(SchedulerError):
    """A scheduling rule is malformed or out of range."""


class InvalidAgentsError(SchedulerError):
    """A row of the named-agents table has a bad column or value."""


class InfeasibleScheduleError(SchedulerError):
    """No schedule can satisfy the rules; the message explains which rule blocks it."""


MAX_REPORTED_ERRORS: Final = 50
"""A table's problems beyond this many are counted, not listed."""

_Error = TypeVar("_Error", bound=SchedulerError)


def table_problems(error: type[_Error], table: str, problems: list[str]) -> _Error:
    """One error for all the problems of a table: ``"<table> has N problem(s): <first>
    (and M more)"``, listing the first :data:`MAX_REPORTED_ERRORS` in ``errors``.

    Args:
        error: the error class to build.
        table: the table, as the message begins (``"the workload"``).
        problems: one line per problem, at least one.
    """
    shown = problems[:MAX_REPORTED_ERRORS]
    more = len(problems) - len(shown)
    suffix = f" (and {more} more)" if more else ""
    return error(f"{table} has {len(problems)} problem(s): {shown[0]}{suffix}", shown)
