"""Benchmark of the week simulation (issue #15): speed, and what it finds in our schedules.

1. The sample week (``make plan`` writes ``out/sample-week/``): per channel the Erlang
   projection, the simulated service level with its 95% interval, the intervals where they
   disagree by more than the interval and the reasons visible, and the largest
   disagreements; the same with lognormal handle times (``--aht-cv``, default 1.5).
2. A 24/7 benchmark week: the seeded curve of ``benchmarks.schedule_optimizer`` as voice
   volume (100,000 contacts, AHT 300 s, 80% in 20 s, mean patience 180 s, 30% shrinkage),
   staffed by ``requirements`` and scheduled by ``solve_schedule`` with that benchmark's
   rules; then the same comparison and the speed figure: 20 replications of the week.
3. With ``--ciw`` (the ``bench`` extra installs ciw): one replication of the same voice week
   in ciw 3 (``PoissonIntervals`` arrivals, the schedule's servers per minute as a
   non-preemptive ``Schedule``, exponential reneging), for the engine choice.

Run: ``python -m benchmarks.simulation [--plan-dir out/sample-week] [--replications 20]
[--time-limit-seconds 60] [--ciw]``. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from api.cli.scheduling import read_requirements
from benchmarks.schedule_optimizer import INTERVAL_MINUTES, RULES, WEEK_START, requirement_curve
from scheduler.shifts import SolverOptions, rules_from_dict, solve_schedule
from scheduler.simulation import (
    REASONS,
    SimulationOptions,
    SimulationResult,
    channel_comparison,
    compare_with_projection,
    plan_simulation,
    projected_coverage,
    simulate_replication,
    summarise,
)
from scheduler.staffing import Targets, requirements

CONTACTS = 100_000
AHT_SECONDS = 300.0
BENCH_TARGETS = Targets.from_dict(
    {
        "channels": {
            "voice": {
                "service_level": 0.8,
                "answer_seconds": 20,
                "patience_seconds": 180,
                "max_occupancy": 0.85,
                "shrinkage": 0.3,
            }
        }
    }
)


def benchmark_workload(seed: int = 74) -> pd.DataFrame:
    """A 24/7 week of voice: the optimizer benchmark's curve, 100,000 contacts in all."""
    curve = requirement_curve(10_000, seed=seed)  # fine-grained: the rounding vanishes
    starts = pd.date_range(WEEK_START, periods=curve.size, freq=f"{INTERVAL_MINUTES}min")
    return pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "volume": curve / curve.sum() * CONTACTS,
            "aht_seconds": AHT_SECONDS,
        }
    )


def timed_simulation(
    schedule: pd.DataFrame, workload: pd.DataFrame, targets: Targets, options: SimulationOptions
) -> tuple[SimulationResult, float]:
    """Simulate and return the wall time of the replications (one process)."""
    plan = plan_simulation(schedule, workload, targets, options)
    started = time.perf_counter()
    runs = [simulate_replication(plan, number) for number in range(options.replications)]
    elapsed = time.perf_counter() - started
    return summarise(plan, runs), elapsed


def report(
    title: str,
    schedule: pd.DataFrame,
    workload: pd.DataFrame,
    targets: Targets,
    result: SimulationResult,
    worst: int = 5,
) -> None:
    """Print the per-channel comparison and the largest disagreements."""
    coverage = projected_coverage(schedule, workload, targets)
    models = dict(zip(result.week["channel"], result.week["model"], strict=True))
    table = compare_with_projection(result.intervals, coverage, models)
    channels = channel_comparison(table, result.week)
    print(f"\n{title} ({result.replications} replications)")
    print(
        f"  {'channel':<8} {'projected':>9} {'simulated [95% CI]':>26} {'ASA s':>7} "
        f"{'abandon':>8} {'occupancy':>9}  intervals outside the CI (reasons)"
    )
    week = {str(r["channel"]): r for r in result.week.to_dict("records")}
    for row in channels.to_dict("records"):
        name = str(row["channel"])
        reasons = ", ".join(f"{reason} {row[reason]}" for reason in REASONS if row[reason])
        print(
            f"  {name:<8} {row['projected_service_level']:>9.2%} "
            f"{row['service_level']:>9.2%} [{row['service_level_low']:.2%}, "
            f"{row['service_level_high']:.2%}] {week[name]['asa_seconds']:>7.1f} "
            f"{week[name]['abandon_rate']:>8.2%} "
            f"{week[name]['occupancy']:>9.2%}  "
            f"{row['intervals_disagreeing']} of {row['intervals_with_contacts']} ({reasons})"
        )
    outside = table[table["disagrees"]].copy()
    outside["gap"] = outside["service_level"] - outside["projected_service_level"]
    outside = outside.reindex(outside["gap"].abs().sort_values(ascending=False).index)
    for row in outside.head(worst).to_dict("records"):
        print(
            f"    {pd.Timestamp(row['interval_start']):%a %H:%M} {row['channel']!s:<6} projected "
            f"{row['projected_service_level']:.1%}, simulated {row['service_level']:.1%} "
            f"[{row['service_level_low']:.1%}, {row['service_level_high']:.1%}], "
            f"{float(row['offered']):.0f} contacts, on the floor {row['on_floor']:.1f} "
            f"(fewest {row['on_floor_min']:.0f}), waiting at start "
            f"{row['waiting_at_start']:.1f}: {row['reason']}"
        )


def sample_week(plan_dir: Path, replications: int, aht_cv: float) -> None:
    """The comparison on ``make plan``'s week, with exponential and lognormal handle times."""
    schedule_path, forecast_path = plan_dir / "schedule.csv", plan_dir / "forecast.csv"
    if not schedule_path.exists() or not forecast_path.exists():
        print(f"\nsample week: {plan_dir} has no schedule.csv/forecast.csv; run `make plan`")
        return
    schedule = pd.read_csv(schedule_path, dtype=str, keep_default_na=False)
    workload = read_requirements(forecast_path, "America/New_York")
    with Path("data/sample/targets.toml").open("rb") as handle:
        targets = Targets.from_dict(tomllib.load(handle))
    contacts = workload["volume"].sum()
    for cv in (None, aht_cv):
        options = SimulationOptions(replications=replications, aht_cv=cv)
        result, seconds = timed_simulation(schedule, workload, targets, options)
        spread = "exponential handle times" if cv is None else f"lognormal handle times, CV {cv}"
        report(
            f"sample week ({plan_dir}, {contacts:,.0f} contacts, {spread}; {seconds:.1f} s)",
            schedule,
            workload,
            targets,
            result,
        )


def ciw_replication(schedule: pd.DataFrame, workload: pd.DataFrame) -> str:
    """One replication of the voice week in ciw, timed; or why it could not run."""
    try:
        import ciw
    except ImportError as error:
        return f"ciw not installed ({error}); pip install -e '.[bench]'"
    plan = plan_simulation(schedule, workload, BENCH_TARGETS, SimulationOptions(replications=2))
    voice = plan.channels[0]
    length = plan.interval_seconds
    servers = voice.servers
    changes = np.flatnonzero(np.diff(servers)) + 1
    levels = servers[np.concatenate(([0], changes))].astype(int).tolist()
    ends = (np.append(changes, servers.size) * 60.0).tolist()
    network = ciw.create_network(
        arrival_distributions=[
            ciw.dists.PoissonIntervals(
                rates=(voice.volume / length).tolist(),
                endpoints=[(i + 1) * length for i in range(voice.volume.size)],
                max_sample_date=servers.size * 60.0,
            )
        ],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT_SECONDS)],
        number_of_servers=[
            ciw.Schedule(numbers_of_servers=levels, shift_end_dates=ends, preemption=False)
        ],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / 180)],
    )
    ciw.seed(0)
    simulation = ciw.Simulation(network)
    started = time.perf_counter()
    simulation.simulate_until_max_time(servers.size * 60.0)
    seconds = time.perf_counter() - started
    records = simulation.get_all_records()
    return (
        f"ciw {ciw.__version__}: one replication, {len(records):,} records, "
        f"{len(changes):,} server changes: {seconds:.1f} s; x20 = {20 * seconds:.0f} s on one core"
    )


def benchmark_week(replications: int, time_limit_seconds: float, with_ciw: bool) -> None:
    """Schedule the 24/7 week, then simulate it and time the replications."""
    workload = benchmark_workload()
    needed = requirements(workload, BENCH_TARGETS)
    rules = rules_from_dict(RULES)
    started = time.perf_counter()
    result = solve_schedule(
        needed, rules, options=SolverOptions(time_limit_seconds=time_limit_seconds, workers=8)
    )
    print(
        f"\n24/7 benchmark week: {workload['volume'].sum():,.0f} voice contacts, peak "
        f"{needed['scheduled_agents'].max()} scheduled agents; schedule "
        f"{result.summary.paid_hours:.1f} paid h in {time.perf_counter() - started:.0f} s"
    )
    schedule = result.shifts.assign(
        start=[stamp.isoformat() for stamp in result.shifts["start"]],
        end=[stamp.isoformat() for stamp in result.shifts["end"]],
    )
    options = SimulationOptions(replications=replications)
    simulated, seconds = timed_simulation(schedule, workload, BENCH_TARGETS, options)
    offered = simulated.week["offered"].iloc[0]
    print(
        f"speed: {replications} replications x {offered:,.0f} contacts = "
        f"{replications * offered:,.0f} contacts in {seconds:.1f} s on one core "
        f"({replications * offered / seconds:,.0f} contacts/s; target: 20 x 100,000 in 60 s)"
    )
    report("24/7 benchmark week", schedule, workload, BENCH_TARGETS, simulated)
    if with_ciw:
        print(ciw_replication(schedule, workload))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-dir", type=Path, default=Path("out/sample-week"))
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--aht-cv", type=float, default=1.5)
    parser.add_argument("--time-limit-seconds", type=float, default=60.0)
    parser.add_argument("--ciw", action="store_true", help="also time one replication in ciw")
    parser.add_argument("--skip-benchmark-week", action="store_true")
    args = parser.parse_args()
    sample_week(args.plan_dir, args.replications, args.aht_cv)
    if not args.skip_benchmark_week:
        benchmark_week(args.replications, args.time_limit_seconds, args.ciw)


if __name__ == "__main__":
    main()
