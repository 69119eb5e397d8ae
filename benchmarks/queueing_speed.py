"""Staffing-math speed and agreement: staffcast against pyworkforce, in one run.

(a) Erlang C requirements for a year of 15-minute intervals for 3 channels (105,120 rows):
    staffcast's vectorised search against pyworkforce's ``ErlangC.required_positions`` called
    per interval, with the agent counts compared row by row.
(b) Erlang A requirements for one week (672 intervals). pyworkforce 0.5.1 (what pip installs
    on Python 3.11) has no Erlang A, so the same-run baseline is staffcast's own kernel called
    one interval at a time (the per-interval pattern), and the over-staffing of a search that
    starts at ceil(load) (as pyworkforce's development branch does) is shown on the same week.

Run: ``.venv/bin/python -m benchmarks.queueing_speed`` (install pyworkforce with
``pip install -e '.[bench]'``; without it part (a) prints staffcast's figures only).
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pandas as pd

from scheduler.staffing import (
    ChannelTarget,
    Targets,
    required_agents,
    requirements,
    scheduled_agents,
)

INTERVAL_MINUTES = 15
SEED = 2026


def _year_workload(rng: np.random.Generator) -> pd.DataFrame:
    starts = pd.date_range("2025-01-06", periods=365 * 96, freq="15min", tz="America/New_York")
    hour = (starts.hour + starts.minute / 60).to_numpy()
    weekday = starts.day_of_week.to_numpy()
    shape = np.exp(-(((hour - 11.5) / 3.2) ** 2)) + 0.7 * np.exp(-(((hour - 15.5) / 2.5) ** 2))
    frames = []
    for channel, peak, aht in (("voice", 140, 300), ("chat", 90, 480), ("email", 50, 420)):
        mean = peak * shape * np.where(weekday >= 5, 0.5, 1.0) + 0.5
        volume = rng.poisson(mean).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "channel": channel,
                    "volume": volume,
                    "aht_seconds": rng.normal(aht, aht * 0.05, volume.size).round(1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _seconds(function: object, repeat: int = 3) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def erlang_c_year() -> None:
    rng = np.random.default_rng(SEED)
    workload = _year_workload(rng)
    target = {"service_level": 0.8, "answer_seconds": 20, "max_occupancy": 0.85, "shrinkage": 0.3}
    targets = Targets.from_dict({"channels": dict.fromkeys(("voice", "chat", "email"), target)})
    voice = targets.channels["voice"]
    volume = workload["volume"].to_numpy()
    aht = workload["aht_seconds"].to_numpy()
    kernel = _seconds(lambda: required_agents(volume, aht, INTERVAL_MINUTES, voice))
    table_seconds = _seconds(lambda: requirements(workload, targets, INTERVAL_MINUTES))
    agents = required_agents(volume, aht, INTERVAL_MINUTES, voice)
    scheduled = scheduled_agents(agents, 0.3)
    print(
        f"(a) Erlang C, {len(workload):,} intervals (a year of 15-min x 3 channels); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"    staffcast kernel (required_agents)      {kernel:8.3f} s")
    print(f"    staffcast requirements() whole table    {table_seconds:8.3f} s")
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("    pyworkforce: not installed (pip install -e '.[bench]')")
        return
    raw = np.zeros(len(workload), dtype=np.int64)
    positions = np.zeros(len(workload), dtype=np.int64)
    start = time.perf_counter()
    for row, (v, h) in enumerate(zip(volume, aht, strict=True)):
        if v <= 0:
            continue
        result = ErlangC(
            transactions=v, aht=h / 60, asa=20 / 60, interval=INTERVAL_MINUTES, shrinkage=0.3
        ).required_positions(service_level=0.8, max_occupancy=0.85)
        raw[row], positions[row] = result["raw_positions"], result["positions"]
    baseline = time.perf_counter() - start
    print(f"    pyworkforce 0.5.1 per-interval loop     {baseline:8.3f} s")
    print(
        f"    speed-up (kernel / whole table)         {baseline / kernel:8.0f}x / "
        f"{baseline / table_seconds:.0f}x"
    )
    same = int((raw == agents).sum())
    print(f"    agents on the floor identical           {same:,} of {len(raw):,}")
    load = volume * aht / (INTERVAL_MINUTES * 60)
    at_cap = (raw == agents + 1) & np.isclose(load / np.maximum(agents, 1), 0.85, rtol=1e-12)
    print(
        f"    ... of the {len(raw) - same} others, {int(at_cap.sum())} are pyworkforce +1 where "
        "occupancy is exactly the 0.85 cap (float rounding)"
    )
    diff = positions - scheduled
    print(
        f"    scheduled (after 30% shrinkage) identical {int((diff == 0).sum()):,}; "
        f"pyworkforce higher in {int((diff > 0).sum()):,} (float rounding, e.g. 21/0.7 -> 31)"
    )


def erlang_a_week() -> None:
    rng = np.random.default_rng(SEED + 1)
    starts = pd.date_range("2026-12-07", periods=7 * 96, freq="15min", tz="UTC")
    hour = (starts.hour + starts.minute / 60).to_numpy()
    volume = rng.poisson(400 * np.exp(-(((hour - 13) / 4) ** 2)) + 5).astype(float)
    aht = np.full(volume.size, 240.0)
    target = ChannelTarget(
        channel="voice",
        service_level=0.8,
        answer_seconds=20.0,
        patience_seconds=120.0,
        max_abandon=0.05,
    )
    vectorised = _seconds(lambda: required_agents(volume, aht, INTERVAL_MINUTES, target))
    start = time.perf_counter()
    one_by_one = [
        int(required_agents(volume[i : i + 1], aht[i : i + 1], INTERVAL_MINUTES, target)[0])
        for i in range(volume.size)
    ]
    per_interval = time.perf_counter() - start
    agents = required_agents(volume, aht, INTERVAL_MINUTES, target)
    assert list(agents) == one_by_one
    load = volume * aht / (INTERVAL_MINUTES * 60)
    from_load = np.maximum(agents, np.ceil(load).astype(np.int64))
    print(
        f"(b) Erlang A, {volume.size} intervals (one week, patience 120 s, AHT 240 s); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"    staffcast vectorised                    {vectorised:8.3f} s")
    print(f"    staffcast kernel one interval at a time {per_interval:8.3f} s")
    print("    pyworkforce 0.5.1                       has no Erlang A (PyPI release)")
    print(
        "    notes/queueing.md: pyworkforce Erlang A ~ 85 ms/interval = ~57 s/week "
        f"(not this run) -> {57.0 / vectorised:,.0f}x"
    )
    print(
        f"    a search starting at ceil(load) staffs {int(from_load.sum()):,} agent-intervals "
        f"where {int(agents.sum()):,} suffice (+{(from_load.sum() / agents.sum() - 1):.1%})"
    )


if __name__ == "__main__":
    erlang_c_year()
    erlang_a_week()
