"""The weekly shift optimizer: shifts, breaks and named agents' weeks that meet a requirements
table at the least paid hours.

Modules, in the order a solve uses them: :mod:`.rules` and :mod:`.agents` (the inputs),
:mod:`.templates` (the shifts the rules allow), :mod:`.formulation` (one function per rule),
:mod:`.bound` (the LP bound), :mod:`.counts` (how many of each shift), :mod:`.tours`,
:mod:`.roster` and :mod:`.breaks` (whose week, which break), :mod:`.evaluation`,
:mod:`.explain` and :mod:`.summary` (what the schedule achieves and why it falls short),
:mod:`.solving` (options, progress) and :mod:`.optimizer` (the stages in order). It may use the
staffing math (:mod:`scheduler.staffing`), never the reverse.

The names below load their modules on first use, so importing the package does not import
OR-Tools.
"""

from typing import TYPE_CHECKING

from scheduler.lazy import lazy_exports

if TYPE_CHECKING:
    from scheduler.shifts.agents import AGENT_COLUMNS, Agent, agents_from_frame
    from scheduler.shifts.evaluation import channel_service_levels, schedule_coverage
    from scheduler.shifts.optimizer import ScheduleResult, solve_schedule
    from scheduler.shifts.rules import Rules, Weights, rules_from_dict
    from scheduler.shifts.solving import Progress, SolverOptions
    from scheduler.shifts.summary import ScheduleSummary, schedule_summary

_EXPORTS = {
    "AGENT_COLUMNS": "agents",
    "Agent": "agents",
    "agents_from_frame": "agents",
    "channel_service_levels": "evaluation",
    "schedule_coverage": "evaluation",
    "ScheduleResult": "optimizer",
    "solve_schedule": "optimizer",
    "Rules": "rules",
    "Weights": "rules",
    "rules_from_dict": "rules",
    "Progress": "solving",
    "SolverOptions": "solving",
    "ScheduleSummary": "summary",
    "schedule_summary": "summary",
}

__all__ = [
    "AGENT_COLUMNS",
    "Agent",
    "Progress",
    "Rules",
    "ScheduleResult",
    "ScheduleSummary",
    "SolverOptions",
    "Weights",
    "agents_from_frame",
    "channel_service_levels",
    "rules_from_dict",
    "schedule_coverage",
    "schedule_summary",
    "solve_schedule",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
