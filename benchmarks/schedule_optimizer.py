"""Benchmark of the weekly shift optimizer (issue #12), side by side with the previous design.

Weeks of 7 x 96 fifteen-minute intervals, each solved by the current optimizer and — in a
separate process, from the same inputs — by the optimizer of an earlier commit
(``--baseline-ref``, default the last commit of the two-stage count + roster design):

* ``issue 24/7``: one voice channel from Erlang C at 80/20 (two daily peaks, weekends at 55%,
  peak about 45 agents), shifts of 6/8/9/10 h every 15 min, a paid 15-min break after
  1.5-3 h and an unpaid 30-min lunch after 3.5-5.5 h, 5 days with 2 off in a row, 30-40 h,
  11 h rest, open positions (the week the issue reports);
* ``peak 25 / 74 / 185``: generated requirement curves (shifts of 4-10 h), open positions;
* ``4x10``: four 10-hour days a week (38 paid hours), open positions;
* ``part-timers``: a named roster, a third of it on 20-30 h contracts;
* ``named 250``: 250 named agents with recurring unavailability and a day of time off;
* ``two channels``: voice and chat, mixed skills, part-timers, weekday windows of
  unavailability and approved time off, about 25% more contracted hours than needed.

Each row prints paid hours, the bound and the gap the optimizer reports, the shortfall (% of
required agent-hours), the projected service level of the worst channel against its target,
unassigned shifts, rule violations found by the independent checker
(``tests/scheduler/shifts/checker.py``) and wall seconds.

Run: ``python -m benchmarks.schedule_optimizer [--time-limit-seconds 60] [--cases ...]
[--baseline-ref REF | --no-baseline]``. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

INTERVAL_MINUTES = 15
PER_DAY = 1440 // INTERVAL_MINUTES
WEEK_START = pd.Timestamp("2026-06-01", tz="Europe/Berlin")
BASELINE_REF = "5e0d5bb"
"""The last commit of the two-stage design (count stage, then roster)."""
BREAKS = [
    {"minutes": 15, "after_hours": [1.5, 3.0], "paid": True},
    {"minutes": 30, "after_hours": [3.5, 5.5], "paid": False, "min_shift_hours": 6},
]


def _rules(lengths: list[float], **week: float) -> dict[str, Any]:
    base: dict[str, float] = {
        "days_per_agent": 5,
        "consecutive_days_off": 2,
        "min_hours": 30,
        "max_hours": 40,
        "min_rest_hours": 11,
    }
    base.update(week)
    return {
        "interval_minutes": INTERVAL_MINUTES,
        "shifts": {"lengths_hours": lengths, "start_step_minutes": 15, "breaks": BREAKS},
        "week": base,
    }


def requirement_curve(peak: int, seed: int, weekend: float = 0.6) -> np.ndarray:
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
        days.append(shape / shape.max() * (1.0 if day < 5 else weekend))
    curve = np.concatenate(days) * rng.normal(1.0, 0.05, 7 * PER_DAY)
    scaled = curve / curve.max() * peak
    return np.asarray(np.clip(np.round(scaled), 0, None))


def requirements_table(required: np.ndarray, channel: str = "voice") -> pd.DataFrame:
    starts = pd.date_range(WEEK_START, periods=len(required), freq=f"{INTERVAL_MINUTES}min")
    return pd.DataFrame(
        {"interval_start": starts, "channel": channel, "scheduled_agents": required}
    )


def erlang_week(peak_calls: float, seed: int) -> pd.DataFrame:
    """Requirements from Erlang C at 80% in 20 s for a voice week (the issue's week)."""
    from scheduler.staffing import Targets, requirements

    shape = requirement_curve(100, seed, weekend=0.55) / 100
    starts = pd.date_range(WEEK_START, periods=len(shape), freq=f"{INTERVAL_MINUTES}min")
    workload = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "volume": np.round(shape * peak_calls, 1),
            "aht_seconds": 300.0,
        }
    )
    targets = Targets.from_dict(
        {"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.0}}}
    )
    return requirements(workload, targets)


def named_roster(count: int, seed: int, part_time_share: float = 0.0) -> pd.DataFrame:
    """Named voice agents: recurring unavailability, a day of time off for some."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        part = rng.random() < part_time_share
        rows.append(
            {
                "agent_id": f"A{number:03d}",
                "name": f"Agent {number}",
                "skills": "voice",
                "min_hours": 20 if part else "",
                "max_hours": 30 if part else "",
                "unavailable": rng.choice(["", "", "", "sun", "sat", "mon-fri 00:00-06:00"]),
                "time_off": "2026-06-03" if number % 25 == 0 else "",
                "preferred_start": "",
            }
        )
    return pd.DataFrame(rows)


def two_channel_roster(count: int, seed: int) -> pd.DataFrame:
    """Voice and chat agents (a third with both skills), part-timers, windows and time off."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        part = number % 5 == 0
        rows.append(
            {
                "agent_id": f"B{number:03d}",
                "name": f"Agent {number}",
                "skills": ["voice", "chat", "voice|chat"][number % 3],
                "min_hours": 20 if part else "",
                "max_hours": 30 if part else "",
                "unavailable": rng.choice(["", "", "sat-sun", "mon-fri 00:00-07:00", "wed"]),
                "time_off": "2026-06-04/2026-06-05" if number % 17 == 0 else "",
                "preferred_start": "",
            }
        )
    return pd.DataFrame(rows)


RULES = _rules([4, 6, 8, 9, 10])
"""The rules of the generated peaks (shifts of 4-10 h)."""

Case = Callable[[], tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]]


def _issue_week() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]:
    return erlang_week(118.0, seed=45), _rules([6, 8, 9, 10]), None


def _peak(peak: int) -> Case:
    def case() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]:
        return (
            requirements_table(requirement_curve(peak, seed=peak)),
            _rules([4, 6, 8, 9, 10]),
            None,
        )

    return case


def _four_tens() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]:
    rules = _rules([10], days_per_agent=4, consecutive_days_off=3, min_hours=38, max_hours=38)
    return requirements_table(requirement_curve(40, seed=4)), rules, None


def _part_timers() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]:
    return (
        requirements_table(requirement_curve(40, seed=11)),
        _rules([4, 6, 8, 9, 10], min_hours=30, max_hours=40),
        named_roster(90, seed=3, part_time_share=0.33),
    )


def _named_250() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]:
    return (
        requirements_table(requirement_curve(160, seed=7)),
        _rules([4, 6, 8, 9, 10]),
        named_roster(250, seed=1),
    )


def _two_channels() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None]:
    voice = requirements_table(requirement_curve(24, seed=21), "voice")
    chat = requirements_table(requirement_curve(14, seed=22), "chat")
    return (
        pd.concat([voice, chat], ignore_index=True),
        _rules([4, 6, 8, 9, 10]),
        (two_channel_roster(110, seed=5)),
    )


CASES: dict[str, Case] = {
    "issue-24/7": _issue_week,
    "peak-25": _peak(25),
    "peak-74": _peak(74),
    "peak-185": _peak(185),
    "4x10": _four_tens,
    "part-timers": _part_timers,
    "named-250": _named_250,
    "two-channels": _two_channels,
}


def run_case(name: str, seconds: float, workers: int) -> dict[str, Any]:
    """Solve one case with whatever ``scheduler`` is importable; the figures as a dict."""
    from scheduler.shifts import SolverOptions, agents_from_frame, rules_from_dict, solve_schedule
    from tests.scheduler.shifts.checker import check_schedule

    table, rules_dict, roster = CASES[name]()
    agents = agents_from_frame(roster) if roster is not None else None
    started = time.monotonic()
    result = solve_schedule(
        table,
        rules_from_dict(rules_dict),
        agents,
        options=SolverOptions(time_limit_seconds=seconds, workers=workers),
    )
    wall = time.monotonic() - started
    summary = result.summary
    required_hours = float(table["scheduled_agents"].sum()) * INTERVAL_MINUTES / 60
    violations = check_schedule(result.shifts, rules_dict, WEEK_START.to_pydatetime(), roster)
    levels = summary.service_level_by_channel
    targets = getattr(summary, "service_level_targets", {}) or {}
    return {
        "paid": summary.paid_hours,
        "bound": summary.lower_bound_hours,
        "gap": summary.gap_percent,
        "short_percent": 100 * summary.shortfall_agent_hours / max(required_hours, 1e-9),
        "sl": {channel: levels[channel] for channel in sorted(levels)},
        "targets": dict(targets),
        "unassigned": summary.unassigned_shift_share,
        "violations": len(violations),
        "heads": summary.headcount,
        "wall": wall,
        "warnings": len(summary.warnings),
    }


def _baseline(name: str, seconds: float, workers: int, tree: Path) -> dict[str, Any] | str:
    """Run the case in a process whose ``scheduler`` is the baseline commit's."""
    code = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]];"
        "from benchmarks.schedule_optimizer import run_case;"
        "print(json.dumps(run_case(sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))))"
    )
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code, str(tree), str(repo), name, str(seconds), str(workers)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tree,
    )
    if done.returncode:
        return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}"
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _row(label: str, name: str, figures: dict[str, Any] | str) -> str:
    if isinstance(figures, str):
        return f"{name:<13} {label:<9} {figures}"
    worst = min(
        (
            (level - figures["targets"].get(channel, 0.0), channel, level)
            for channel, level in figures["sl"].items()
        ),
        default=(0.0, "-", float("nan")),
    )
    target = figures["targets"].get(worst[1])
    sl = f"{worst[1]} {100 * worst[2]:.1f}%" + (f"/{100 * target:.0f}" if target else "")
    return (
        f"{name:<13} {label:<9} {figures['paid']:>9.1f} {figures['bound']:>9.1f} "
        f"{figures['gap']:>6.2f} {figures['short_percent']:>7.2f} {sl:>18} "
        f"{figures['unassigned']:>8.2%} {figures['violations']:>5} {figures['heads']:>5} "
        f"{figures['wall']:>6.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit-seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(
        f"{'case':<13} {'design':<9} {'paid h':>9} {'bound':>9} {'gap %':>6} {'short %':>7} "
        f"{'worst SL/target':>18} {'unassign':>8} {'viol':>5} {'heads':>5} {'wall s':>6}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        if not args.no_baseline:
            archive = subprocess.run(
                ["git", "archive", args.baseline_ref, "scheduler"],
                capture_output=True,
                check=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        for name in args.cases:
            current = run_case(name, args.time_limit_seconds, args.workers)
            print(_row("tours", name, current), flush=True)
            if not args.no_baseline:
                previous = _baseline(name, args.time_limit_seconds, args.workers, tree)
                print(_row(args.baseline_ref[:9], name, previous), flush=True)


if __name__ == "__main__":
    main()
