"""Staffing math: agents required per interval from a workload and its service targets.

Modules: :mod:`.queueing` (Erlang B/C/A), :mod:`.live` (agents for voice and chat),
:mod:`.deferred` (the email backlog), :mod:`.required` (the requirements table of a
workload), :mod:`.interval` (one interval, for ``staffcast erlang``), :mod:`.targets` and
:mod:`.hours` (service targets and opening hours), :mod:`.workload` (the table the forecaster
hands over). It never imports the shift optimizer (import-linter checks).

The names below load their modules on first use, so ``staffcast erlang`` imports neither
pandas nor OR-Tools.
"""

from typing import TYPE_CHECKING

from scheduler.lazy import lazy_exports

if TYPE_CHECKING:
    from scheduler.staffing.interval import IntervalStaffing, interval_staffing
    from scheduler.staffing.live import live_kpis, offered_load, required_agents, scheduled_agents
    from scheduler.staffing.required import projected_kpis, requirements
    from scheduler.staffing.targets import ChannelTarget, Targets
    from scheduler.staffing.workload import (
        AHT_SECONDS,
        CHANNEL,
        INTERVAL_START,
        OPTIONAL_COLUMNS,
        REQUIRED_COLUMNS,
        VOLUME,
        interval_minutes_of,
        validate_workload,
    )

_EXPORTS = {
    "IntervalStaffing": "interval",
    "interval_staffing": "interval",
    "live_kpis": "live",
    "offered_load": "live",
    "required_agents": "live",
    "scheduled_agents": "live",
    "projected_kpis": "required",
    "requirements": "required",
    "ChannelTarget": "targets",
    "Targets": "targets",
    "AHT_SECONDS": "workload",
    "CHANNEL": "workload",
    "INTERVAL_START": "workload",
    "OPTIONAL_COLUMNS": "workload",
    "REQUIRED_COLUMNS": "workload",
    "VOLUME": "workload",
    "interval_minutes_of": "workload",
    "validate_workload": "workload",
}

__all__ = [
    "AHT_SECONDS",
    "CHANNEL",
    "INTERVAL_START",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "VOLUME",
    "ChannelTarget",
    "IntervalStaffing",
    "Targets",
    "interval_minutes_of",
    "interval_staffing",
    "live_kpis",
    "offered_load",
    "projected_kpis",
    "required_agents",
    "requirements",
    "scheduled_agents",
    "validate_workload",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
