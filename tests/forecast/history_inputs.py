"""Small history files built in code for the history-import tests."""

from __future__ import annotations

import pandas as pd


def csv_text(header: str, *rows: str) -> str:
    """A CSV file from a header line and data lines."""
    return "\n".join([header, *rows]) + "\n"


def weekly_intervals(
    weeks: int,
    *,
    start: str = "2026-01-05",  # a Monday
    open_hour: int = 9,
    close_hour: int = 17,
    weekdays_only: bool = True,
    volume: float = 10.0,
    channel: str = "voice",
) -> pd.DataFrame:
    """Canonical rows (naive local strings) for the open intervals of ``weeks`` weeks, as a
    phone system exports them: nothing outside opening hours."""
    starts = pd.date_range(start, periods=weeks * 7 * 96, freq="15min")
    hour = starts.hour
    keep = (hour >= open_hour) & (hour < close_hour)
    if weekdays_only:
        keep &= starts.day_of_week < 5
    kept = starts[keep]
    return pd.DataFrame(
        {
            "interval_start": kept.strftime("%Y-%m-%dT%H:%M"),
            "channel": channel,
            "volume": volume,
            "aht_seconds": 300.0,
        }
    )


def to_csv(rows: pd.DataFrame) -> str:
    """The rows as canonical CSV text."""
    return rows.to_csv(index=False, lineterminator="\n")
