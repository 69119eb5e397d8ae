"""Contact-volume and handle-time forecasting: history import, holidays, models, backtests.

Pure: pandas and statsmodels in and out; no files, clock, network, HTTP, storage or plotting.
"""

from forecast.errors import ForecastError, InvalidCalendarError, InvalidHistoryError
from forecast.history import History, HistorySummary, parse_history

__all__ = [
    "ForecastError",
    "History",
    "HistorySummary",
    "InvalidCalendarError",
    "InvalidHistoryError",
    "parse_history",
]
