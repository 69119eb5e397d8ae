"""How long history import takes: a year of 15-minute data for 10 queues (~350,000 rows).

Run: ``.venv/bin/python -m benchmarks.history_parse``

The files are generated in memory (Poisson volumes, every interval written, naive local times
in America/New_York so both clock changes of the year are crossed) in two layouts: the
canonical CSV and a Genesys Cloud export (UTC, handle time as a total). The figure is the
wall time of :func:`forecast.parse_history` on the CSV text, best of three runs.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from forecast import parse_history

QUEUES = 10
DAYS = 365
TIMEZONE = "America/New_York"
RUNS = 3


def _year_of_intervals() -> pd.DataFrame:
    first = pd.Timestamp("2025-01-01", tz=TIMEZONE)
    end = first + pd.DateOffset(days=DAYS)  # calendar days: 23- and 25-hour ones included
    utc = pd.date_range(first, end, freq="15min", inclusive="left").tz_convert("UTC")
    rng = np.random.default_rng(1)
    frames = []
    for queue in range(QUEUES):
        hours = utc.tz_convert(TIMEZONE).hour
        rate = 2 + 30 * np.exp(-0.5 * ((np.asarray(hours) - 13) / 3.5) ** 2)
        volume = rng.poisson(rate)
        frames.append(
            pd.DataFrame(
                {
                    "utc": utc,
                    "channel": f"queue {queue}",
                    "volume": volume,
                    "aht_seconds": np.round(rng.normal(300, 30, size=volume.size), 1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _canonical(rows: pd.DataFrame) -> str:
    local = pd.DatetimeIndex(rows["utc"]).tz_convert(TIMEZONE).strftime("%Y-%m-%dT%H:%M")
    table = rows.assign(interval_start=local)[
        ["interval_start", "channel", "volume", "aht_seconds"]
    ]
    return table.to_csv(index=False, lineterminator="\n")


def _genesys(rows: pd.DataFrame) -> str:
    table = pd.DataFrame(
        {
            "Interval Start UTC Date": pd.DatetimeIndex(rows["utc"]).strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"
            ),
            "Queue": rows["channel"],
            "Media Type": "Voice",
            "Offered": rows["volume"],
            "Interactions Handled": rows["volume"],
            "Total Handle Time (Seconds)": np.round(rows["volume"] * rows["aht_seconds"]),
        }
    )
    return table.to_csv(index=False, lineterminator="\n")


def _time(name: str, content: str, rows: int) -> None:
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        history = parse_history(content, timezone=TIMEZONE)
        best = min(best, time.perf_counter() - started)
    print(
        f"{name:<10} {rows:>8,} rows  {len(content) / 1e6:6.1f} MB  {best:6.2f} s  "
        f"{rows / best:>10,.0f} rows/s  -> {len(history.frame):,} grid rows, "
        f"{len(history.summary.channels)} channel(s)"
    )


def main() -> None:
    """Print the parse time of each layout."""
    rows = _year_of_intervals()
    print(f"history import: {QUEUES} queues x {DAYS} days of 15-minute intervals, best of {RUNS}")
    _time("canonical", _canonical(rows), len(rows))
    _time("genesys", _genesys(rows), len(rows))


if __name__ == "__main__":
    main()
