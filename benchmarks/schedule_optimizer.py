"""Benchmark of the weekly shift optimizer (issue #4).

A 24/7 week of 7 x 96 fifteen-minute intervals, shifts of 4-10 h starting every 15 minutes,
a paid 15-minute break and an unpaid 30-minute lunch (shifts of 6 h or more), 5 days on with
2 consecutive days off, 30-40 paid hours and 11 h of rest. Requirement curves are generated
(seeded): a morning and an afternoon peak, a lighter evening, quiet nights, weekends at 60%,
multiplicative noise. For each peak (25, 74, 185 agents) it prints paid hours, the LP bound,
the gap and seconds, and the same for pyworkforce's ``MinRequiredResources`` (per-day shift
types with the break at a fixed place, no midnight crossing, no weekly rules). A 250-agent
named roster shows the share of shift instances the roster stage leaves unassigned.

Run: ``python -m benchmarks.schedule_optimizer [--time-limit-seconds 60] [--workers 8]
[--shortfall-weight 100]`` (a high shortfall weight makes coverage effectively hard, as
pyworkforce's is, for a comparison at equal coverage).
Timings depend on the machine's load; the figures quoted in the README were taken on a
2-core machine shared with other work.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from scheduler import SolverOptions, agents_from_frame, rules_from_dict, solve_schedule

INTERVAL_MINUTES = 15
PER_DAY = 1440 // INTERVAL_MINUTES
WEEK_START = pd.Timestamp("2026-06-01", tz="Europe/Berlin")
LENGTHS_HOURS = (4, 6, 8, 9, 10)
RULES = {
    "interval_minutes": INTERVAL_MINUTES,
    "shifts": {
        "lengths_hours": list(LENGTHS_HOURS),
        "start_step_minutes": 15,
        "breaks": [
            {"minutes": 15, "after_hours": [1.5, 3.0], "paid": True},
            {"minutes": 30, "after_hours": [3.5, 5.5], "paid": False, "min_shift_hours": 6},
        ],
    },
    "week": {
        "days_per_agent": 5,
        "consecutive_days_off": 2,
        "min_hours": 30,
        "max_hours": 40,
        "min_rest_hours": 11,
    },
}


def requirement_curve(peak: int, seed: int) -> np.ndarray:
    """Agents required per 15-minute interval over a week, peaking at ``peak``."""
    rng = np.random.default_rng(seed)
    hours = np.arange(PER_DAY) * INTERVAL_MINUTES / 60
    days = []
    for day in range(7):
        shape = (
            0.06
            + 0.85 * np.exp(-(((hours - 10.5) / 2.3) ** 2))
            + 0.7 * np.exp(-(((hours - 15.0) / 2.6) ** 2))
            + 0.3 * np.exp(-(((hours - 20.0) / 2.0) ** 2))
        )
        days.append(shape / shape.max() * (1.0 if day < 5 else 0.6))
    curve = np.concatenate(days) * rng.normal(1.0, 0.05, 7 * PER_DAY)
    scaled = curve / curve.max() * peak
    return np.asarray(np.clip(np.round(scaled), 0, None))


def requirements_table(required: np.ndarray) -> pd.DataFrame:
    starts = pd.date_range(WEEK_START, periods=len(required), freq=f"{INTERVAL_MINUTES}min")
    return pd.DataFrame(
        {"interval_start": starts, "channel": "voice", "scheduled_agents": required}
    )


def pyworkforce_paid_hours(required: np.ndarray, seconds: float, workers: int) -> str:
    """Paid hours of pyworkforce's MinRequiredResources on the same week, or why not."""
    try:
        from pyworkforce.scheduling import MinRequiredResources
    except ImportError as error:  # the `bench` extra is not installed
        return f"not installed ({error})"
    shifts: dict[str, list[int]] = {}
    paid: dict[str, float] = {}
    step = 2  # starts every 30 minutes keep its model at a size it solves
    for length in LENGTHS_HOURS:
        span = length * 60 // INTERVAL_MINUTES
        for start in range(0, PER_DAY - span + 1, step):
            cover = [0] * PER_DAY
            cover[start : start + span] = [1] * span
            # One fixed place per break: the middle of its window (pyworkforce has no breaks).
            break_start = start + (90 + 180) // 2 // INTERVAL_MINUTES
            cover[break_start] = 0
            unpaid = 0.0
            if length >= 6:
                lunch = start + (210 + 330) // 2 // INTERVAL_MINUTES
                cover[lunch : lunch + 2] = [0, 0]
                unpaid = 0.5
            name = f"{length}h@{start}"
            shifts[name] = cover
            paid[name] = length - unpaid
    matrix = required.reshape(7, PER_DAY).astype(int).tolist()
    scheduler = MinRequiredResources(
        num_days=7,
        periods=PER_DAY,
        shifts_coverage=shifts,
        required_resources=matrix,
        max_period_concurrency=int(required.max() * 3),
        max_shift_concurrency=int(required.max()),
        max_search_time=seconds,
        num_search_workers=workers,
    )
    started = time.monotonic()
    try:
        solution = scheduler.solve()
    except Exception as error:
        return f"failed: {type(error).__name__}: {error}"
    elapsed = time.monotonic() - started
    if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
        return f"no solution ({solution['status']}) in {elapsed:.0f} s"
    hours = sum(row["resources"] * paid[row["shift"]] for row in solution["resources_shifts"])
    return f"{hours:8.1f} h  ({solution['status'].lower()}, {elapsed:.0f} s)"


def roster_agents(count: int, seed: int) -> pd.DataFrame:
    """A named roster: some part-timers, recurring unavailability and a few days off."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        unavailable = rng.choice(["", "", "", "sun", "sat", "mon-fri 00:00-06:00"])
        rows.append(
            {
                "agent_id": f"A{number:03d}",
                "name": f"Agent {number}",
                "skills": "voice",
                "min_hours": "",
                "max_hours": "",
                "unavailable": unavailable,
                "time_off": "2026-06-03" if number % 25 == 0 else "",
                "preferred_start": "",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit-seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--peaks", type=int, nargs="*", default=[25, 74, 185])
    parser.add_argument("--roster-agents", type=int, default=250)
    parser.add_argument("--skip-pyworkforce", action="store_true")
    parser.add_argument(
        "--shortfall-weight",
        type=float,
        help="cost of each missing agent-hour (paid-hour equivalents), e.g. 100 to make "
        "coverage as good as hard, like pyworkforce's (default: the rules' defaults)",
    )
    args = parser.parse_args()
    rules = rules_from_dict(
        RULES
        if args.shortfall_weight is None
        else {**RULES, "weights": {"shortfall_agent_hour": [args.shortfall_weight]}}
    )
    options = SolverOptions(time_limit_seconds=args.time_limit_seconds, workers=args.workers)
    print(
        f"{'peak':>5} {'paid h':>9} {'LP bound':>9} {'gap %':>6} {'full-cover LP':>13} "
        f"{'short agent-h':>13} "
        f"{'heads':>5} {'unassigned':>10} {'seconds':>7}   pyworkforce MinRequiredResources"
    )
    for peak in args.peaks:
        required = requirement_curve(peak, seed=peak)
        result = solve_schedule(requirements_table(required), rules, options=options)
        summary = result.summary
        baseline = (
            "skipped"
            if args.skip_pyworkforce
            else pyworkforce_paid_hours(required, args.time_limit_seconds, args.workers)
        )
        print(
            f"{peak:>5} {summary.paid_hours:>9.1f} {summary.lower_bound_hours:>9.1f} "
            f"{summary.gap_percent:>6.2f} {summary.full_coverage_bound_hours:>13.1f} "
            f"{summary.shortfall_agent_hours:>13.2f} "
            f"{summary.headcount:>5} {summary.unassigned_shift_share:>10.2%} "
            f"{summary.solve_seconds:>7.1f}   {baseline}",
            flush=True,
        )
    if args.roster_agents:
        agents = agents_from_frame(roster_agents(args.roster_agents, seed=1))
        peak = round(args.roster_agents * 0.64)
        required = requirement_curve(peak, seed=7)
        result = solve_schedule(requirements_table(required), rules, agents, options=options)
        summary = result.summary
        print(
            f"named roster: {args.roster_agents} agents, peak {peak}: "
            f"{summary.unassigned_shift_share:.2%} of shift instances unassigned, "
            f"{summary.headcount} agents scheduled, paid {summary.paid_hours:.1f} h, "
            f"shortfall {summary.shortfall_agent_hours:.1f} agent-h, "
            f"gap {summary.gap_percent:.2f}%, {summary.solve_seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
