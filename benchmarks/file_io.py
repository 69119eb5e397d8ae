"""File I/O end to end: ``staffcast requirements`` on 1,051,200 rows against pyworkforce, and
the start-up time of the command line, in one run.

(a) Ten years of 15-minute intervals for 3 channels (1,051,200 rows, the same generator as
    ``benchmarks.queueing_speed``) written as a workload CSV. ``staffcast requirements`` runs
    on it as a user would (a new process: start-up, reading, validation, the staffing math,
    writing the CSV, the median of 5 runs; then writing Parquet, once). A clean CSV is
    staffed once per distinct (channel, volume, AHT) tuple (api/cli/requirements_file.py);
    the number of distinct tuples is printed, since the speed depends on it. The baseline
    does the same work with pyworkforce 0.5.1: read the CSV with pandas, call
    ``ErlangC.required_positions`` per interval (Erlang C, 80% in 20 s, occupancy cap 0.85,
    30% shrinkage, as the targets file says), write the agents per interval as CSV.
    ``--baseline-rows N`` times pyworkforce on the first N rows only and scales the loop to
    the whole file (said so in the output).
(b) ``staffcast --help`` and ``staffcast erlang ...``: the median of 7 runs each.

The project's modules are byte-compiled first, as ``pip install`` compiles an installed
package's (and ``make install``, ``make run`` and ``make test`` the editable one's): where
``PYTHONDONTWRITEBYTECODE`` is set, nothing else saves them, and every run would compile them
from source.

Run: ``.venv/bin/python -m benchmarks.file_io [--baseline-rows N]`` (pyworkforce comes with
``pip install -e '.[bench]'``). Prints the load average next to the figures.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

INTERVAL_MINUTES = 15
YEARS = 10
SEED = 2026
TARGETS_TOML = "\n".join(
    f"[channels.{channel}]\nservice_level = 0.8\nanswer_seconds = 20\n"
    "max_occupancy = 0.85\nshrinkage = 0.3\n"
    for channel in ("voice", "chat", "email")
)
STAFFCAST = str(Path(sys.executable).parent / "staffcast")
CSV_RUNS = 5


def workload_csv(path: Path) -> tuple[int, int]:
    """Write the benchmark's workload to ``path``; returns its number of rows and of distinct
    (channel, volume, AHT) tuples."""
    rng = np.random.default_rng(SEED)
    starts = pd.date_range(
        "2016-01-04", periods=YEARS * 365 * 96, freq="15min", tz="America/New_York"
    )
    hour = (starts.hour + starts.minute / 60).to_numpy()
    weekday = starts.day_of_week.to_numpy()
    shape = np.exp(-(((hour - 11.5) / 3.2) ** 2)) + 0.7 * np.exp(-(((hour - 15.5) / 2.5) ** 2))
    text = pd.Series(starts.strftime("%Y-%m-%dT%H:%M:%S%z"))
    text = text.str[:-2] + ":" + text.str[-2:]
    frames = []
    for channel, peak, aht in (("voice", 140, 300), ("chat", 90, 480), ("email", 50, 420)):
        mean = peak * shape * np.where(weekday >= 5, 0.5, 1.0) + 0.5
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": text,
                    "channel": channel,
                    "volume": rng.poisson(mean).astype(float),
                    "aht_seconds": rng.normal(aht, aht * 0.05, len(starts)).round(1),
                }
            )
        )
    workload = pd.concat(frames, ignore_index=True)
    workload.to_csv(path, index=False)
    distinct = len(workload.drop_duplicates(["channel", "volume", "aht_seconds"]))
    return len(workload), distinct


def timed_with_cpu(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system, all threads) seconds of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pyworkforce_end_to_end(
    source: Path, output: Path, rows: int | None
) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds for pyworkforce to read, staff per interval and write, and
    the rows looped over; with ``rows``, the loop runs on that many rows and its time is
    scaled to the whole file."""
    from pyworkforce.queuing import ErlangC

    cpu_started = time.process_time()
    started = time.perf_counter()
    workload = pd.read_csv(source)
    read_seconds = time.perf_counter() - started
    volume = workload["volume"].to_numpy()
    aht = workload["aht_seconds"].to_numpy()
    looped = len(workload) if rows is None else min(rows, len(workload))
    positions = np.zeros(len(workload), dtype=np.int64)
    started = time.perf_counter()
    for row in range(looped):
        if volume[row] <= 0:
            continue
        positions[row] = ErlangC(
            transactions=volume[row],
            aht=aht[row] / 60,
            asa=20 / 60,
            interval=INTERVAL_MINUTES,
            shrinkage=0.3,
        ).required_positions(service_level=0.8, max_occupancy=0.85)["positions"]
    loop_seconds = (time.perf_counter() - started) * len(workload) / looped
    loop_cpu = time.process_time() - cpu_started
    started = time.perf_counter()
    workload.assign(scheduled_agents=positions).to_csv(output, index=False)
    write_seconds = time.perf_counter() - started
    cpu = (time.process_time() - cpu_started - loop_cpu) + loop_cpu * len(workload) / looped
    return read_seconds + loop_seconds + write_seconds, cpu, looped


def agreement(work: Path) -> str:
    """How many intervals both give the same scheduled agents (matched by instant and
    channel: staffcast's file is sorted by channel, pyworkforce's is in input order)."""
    columns = ["interval_start", "channel", "scheduled_agents"]
    ours = pd.read_csv(work / "requirements.csv", usecols=columns)
    theirs = pd.read_csv(work / "pyworkforce.csv", usecols=columns)
    for table in (ours, theirs):
        table["interval_start"] = pd.to_datetime(table["interval_start"], utc=True)
    both = ours.merge(theirs, on=["interval_start", "channel"], suffixes=("", "_pyworkforce"))
    same = int((both["scheduled_agents"] == both["scheduled_agents_pyworkforce"]).sum())
    higher = int((both["scheduled_agents_pyworkforce"] > both["scheduled_agents"]).sum())
    return (
        f"{same:,} of {len(both):,} (pyworkforce higher in {higher:,}: float rounding of "
        "agents / (1 - shrinkage), see benchmarks.queueing_speed)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-rows", type=int, default=None)
    arguments = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start")
    for package in ("api", "forecast", "scheduler"):
        compileall.compile_dir(Path(__file__).parents[1] / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="staffcast-io-") as folder:
        work = Path(folder)
        rows, distinct = workload_csv(work / "workload.csv")
        (work / "targets.toml").write_text(TARGETS_TOML)
        size = (work / "workload.csv").stat().st_size / 1e6
        print(
            f"(a) workload: {rows:,} rows ({YEARS} years x 15 min x 3 channels), {size:.0f} MB, "
            f"{distinct:,} distinct (channel, volume, AHT) tuples"
        )
        base = [STAFFCAST, "requirements", str(work / "workload.csv")]
        base += ["--targets", str(work / "targets.toml"), "--interval-minutes", "15"]
        os.sync()  # the workload just written reaches the disk before the timed runs
        csv_runs = sorted(
            timed_with_cpu([*base, "-o", str(work / f"requirements{run}.csv")])
            for run in range(CSV_RUNS)
        )
        csv_seconds, csv_cpu = csv_runs[CSV_RUNS // 2]  # the median run by wall time
        load_after_csv = os.getloadavg()[0]
        (work / "requirements1.csv").rename(work / "requirements.csv")
        parquet_seconds, parquet_cpu = timed_with_cpu(
            [*base, "-o", str(work / "requirements.parquet")]
        )
        print(f"{'':4}{'':41}{'wall':>8}  {'CPU':>8}")
        print(
            f"    staffcast requirements -> CSV            {csv_seconds:8.2f}  {csv_cpu:8.2f} s"
            f" (median of {CSV_RUNS}; walls {', '.join(f'{wall:.2f}' for wall, _ in csv_runs)}; "
            f"load {load_after_csv:.1f})"
        )
        print(
            f"    staffcast requirements -> Parquet        {parquet_seconds:8.2f}  "
            f"{parquet_cpu:8.2f} s (load {os.getloadavg()[0]:.1f})"
        )
        try:
            baseline, baseline_cpu, looped = pyworkforce_end_to_end(
                work / "workload.csv", work / "pyworkforce.csv", arguments.baseline_rows
            )
        except ImportError:
            print("    pyworkforce: not installed (pip install -e '.[bench]')")
        else:
            scaled = "" if looped == rows else f" (loop timed on {looped:,} rows, scaled)"
            print(
                f"    pyworkforce 0.5.1 read + loop + write    {baseline:8.2f}  "
                f"{baseline_cpu:8.2f} s{scaled} (load {os.getloadavg()[0]:.1f})"
            )
            print(
                f"    speed-up, wall: CSV / Parquet            {baseline / csv_seconds:7.1f}x "
                f"/ {baseline / parquet_seconds:.1f}x   (target >= 30x)"
            )
            print(
                f"    speed-up, CPU:  CSV / Parquet            {baseline_cpu / csv_cpu:7.1f}x "
                f"/ {baseline_cpu / parquet_cpu:.1f}x"
            )
            if looped == rows:
                print(f"    scheduled agents identical               {agreement(work)}")
    erlang = [STAFFCAST, "erlang", "--volume", "100", "--aht-seconds", "180"]
    erlang += ["--service-level", "0.8", "--answer-seconds", "20"]
    for name, command in (
        ("staffcast --help", [STAFFCAST, "--help"]),
        ("staffcast erlang", erlang),
    ):
        runs = [timed_with_cpu(command) for _ in range(7)]
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        print(
            f"(b) {name:<38} {statistics.median(walls):8.3f} s median of 7 "
            f"(min {min(walls):.3f}; CPU median {statistics.median(cpus):.3f} s; "
            f"target <= 0.5 s; load {os.getloadavg()[0]:.1f})"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
