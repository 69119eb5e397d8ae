"""Small weeks to simulate: a constant workload and a schedule of agents at work all week."""

from __future__ import annotations

import pandas as pd

WEEK_START = pd.Timestamp("2026-06-01", tz="UTC")
WEEK_SECONDS = 7 * 24 * 3600


def constant_workload(
    load: float, aht_seconds: float, channel: str = "voice", interval_minutes: int = 60
) -> pd.DataFrame:
    """A week of ``load`` erlangs in every interval."""
    starts = pd.date_range(
        WEEK_START, periods=7 * 1440 // interval_minutes, freq=f"{interval_minutes}min"
    )
    volume = load * interval_minutes * 60 / aht_seconds
    return pd.DataFrame(
        {"interval_start": starts, "channel": channel, "volume": volume, "aht_seconds": aht_seconds}
    )


def round_the_clock(agents: int, channel: str = "voice") -> pd.DataFrame:
    """``agents`` shifts that cover the whole week without a break."""
    end = WEEK_START + pd.Timedelta(days=7)
    return pd.DataFrame(
        {
            "agent_id": [f"A{number}" for number in range(agents)],
            "channel": channel,
            "start": WEEK_START.isoformat(),
            "end": end.isoformat(),
            "paid_hours": 168.0,
            "breaks": "",
        }
    )
