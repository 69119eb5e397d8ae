"""Contact-volume and handle-time forecasting: history import, holidays, models, backtests.

Pure: pandas and statsmodels in and out; no files, clock, network, HTTP, storage or plotting.
"""

from forecast.accuracy import Accuracy
from forecast.backtest import AccuracyReport, ChannelAccuracy, FlaggedHoliday, backtest
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
    "backtest",
    "day_types",
    "forecast_workload",
    "parse_history",
    "parse_special_days",
]
