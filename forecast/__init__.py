"""Contact-volume and handle-time forecasting: history import, holidays, models, backtests.

Pure: pandas and statsmodels in and out; no files, clock, network, HTTP, storage or plotting.
"""

from forecast.errors import ForecastError, InvalidCalendarError, InvalidHistoryError

__all__ = ["ForecastError", "InvalidCalendarError", "InvalidHistoryError"]
