"""Errors raised by the forecast package.

Hierarchy::

    ForecastError               base of everything this package raises on bad input
    ├── InvalidHistoryError     a history file is rejected; ``errors`` lists each row problem
    ├── InvalidCalendarError    a special-days file or holiday option is wrong
    └── InsufficientHistoryError  too little history for the requested forecast or model

Messages name the row (1-based, as a spreadsheet shows it, header = row 1), the column and the
value, and say how to fix it.
"""

from __future__ import annotations


class ForecastError(ValueError):
    """Base class: bad input to the forecast package."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors: list[str] = errors if errors is not None else [message]


class InvalidHistoryError(ForecastError):
    """A history export cannot be imported; nothing of it is kept."""


class InvalidCalendarError(ForecastError):
    """A holiday or special-day input is malformed."""


class InsufficientHistoryError(ForecastError):
    """The history is too short (or too sparse) for the requested model or forecast."""
