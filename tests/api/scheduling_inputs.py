"""Small, fast inputs for the schedule tests: history, targets, rules and a roster."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TARGETS: dict[str, Any] = {
    "channels": {"voice": {"service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.2}}
}
RULES: dict[str, Any] = {
    "shifts": {"lengths_hours": [8], "start_step_minutes": 60},
    "week": {"days_per_agent": 5, "consecutive_days_off": 2, "min_hours": 0, "max_hours": 40},
    "hours": {"voice": {"mon-fri": "08:00-18:00"}},
}
ROSTER_CSV = (
    "agent_id,name,skills,min_hours,max_hours,unavailable,time_off,preferred_start\n"
    "A1,Ana,voice,,,,,08:00\n"
    "A2,Ben,voice,,,sun,,\n"
    "A3,Chloe,voice,,,,,10:00\n"
)


def history_csv(weeks: int = 3, minutes: int = 60, peak: float = 40.0) -> str:
    """Voice history from Monday 2026-02-02, open 08:00-18:00 on weekdays (seeded)."""
    starts = pd.date_range("2026-02-02", periods=weeks * 7 * 1440 // minutes, freq=f"{minutes}min")
    hours = np.asarray(starts.hour) + np.asarray(starts.minute) / 60
    open_ = (np.asarray(starts.day_of_week) < 5) & (hours >= 8) & (hours < 18)
    rng = np.random.default_rng(11)
    rate = np.where(open_, peak * np.exp(-0.5 * ((hours - 13) / 3) ** 2), 0.0)
    volumes = rng.poisson(rate * minutes / 60)
    rows = [
        f"{start:%Y-%m-%dT%H:%M},voice,{volume},240"
        for start, volume in zip(starts, volumes, strict=True)
    ]
    return "interval_start,channel,volume,aht_seconds\n" + "\n".join(rows) + "\n"
