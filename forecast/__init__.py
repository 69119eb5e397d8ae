"""Contact-volume and handle-time forecasting: history import, holidays, models, backtests.

Pure: pandas and statsmodels in and out; no files, clock, network, HTTP, storage or plotting.

The names below load their modules on first use (PEP 562), so that importing a light module
such as :mod:`forecast.limits` or :mod:`forecast.errors` does not load statsmodels: the
command line reads them and must start in well under a second. ``scheduler`` does the same
with :func:`scheduler.lazy.lazy_exports`; that helper is not shared because the two packages
never import each other. The backtest function is imported from :mod:`forecast.backtest`: a
lazily exported name cannot share its module's name (importing the module would replace it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forecast.accuracy import Accuracy
    from forecast.backtest import AccuracyReport, ChannelAccuracy, FlaggedHoliday
    from forecast.calendar import Calendar, SpecialDay, day_types, parse_special_days
    from forecast.column_mapping import ColumnMapping, DateOrder
    from forecast.effects import UnseenHoliday
    from forecast.errors import (
        ForecastError,
        InsufficientHistoryError,
        InvalidCalendarError,
        InvalidHistoryError,
    )
    from forecast.forecaster import ChannelForecast, WorkloadForecast, forecast_workload
    from forecast.history import History, HistorySummary, parse_history
    from forecast.selection import MODEL_NAMES, ModelName

_EXPORTS = {
    "Accuracy": "accuracy",
    "AccuracyReport": "backtest",
    "ChannelAccuracy": "backtest",
    "FlaggedHoliday": "backtest",
    "Calendar": "calendar",
    "SpecialDay": "calendar",
    "day_types": "calendar",
    "parse_special_days": "calendar",
    "ColumnMapping": "column_mapping",
    "DateOrder": "column_mapping",
    "UnseenHoliday": "effects",
    "ForecastError": "errors",
    "InsufficientHistoryError": "errors",
    "InvalidCalendarError": "errors",
    "InvalidHistoryError": "errors",
    "ChannelForecast": "forecaster",
    "WorkloadForecast": "forecaster",
    "forecast_workload": "forecaster",
    "History": "history",
    "HistorySummary": "history",
    "parse_history": "history",
    "MODEL_NAMES": "selection",
    "ModelName": "selection",
}

__all__ = [
    "MODEL_NAMES",
    "Accuracy",
    "AccuracyReport",
    "Calendar",
    "ChannelAccuracy",
    "ChannelForecast",
    "ColumnMapping",
    "DateOrder",
    "FlaggedHoliday",
    "ForecastError",
    "History",
    "HistorySummary",
    "InsufficientHistoryError",
    "InvalidCalendarError",
    "InvalidHistoryError",
    "ModelName",
    "SpecialDay",
    "UnseenHoliday",
    "WorkloadForecast",
    "day_types",
    "forecast_workload",
    "parse_history",
    "parse_special_days",
]


def __getattr__(name: str) -> object:
    """Import the module that defines the public name ``name`` and return the name."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
