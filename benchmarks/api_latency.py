"""Latency of the service on loopback: the main read endpoints under 20 concurrent clients,
and the time to upload and store a year of 15-minute history for 3 channels.

Run: ``.venv/bin/python -m benchmarks.api_latency [--requests 2000] [--database-url URL]``

Starts ``staffcast serve`` (one uvicorn process) on a free port of 127.0.0.1 with a fresh
SQLite database in a temporary folder (or the given database URL, e.g. a throwaway
PostgreSQL database), creates a team and a key, then:

1. uploads a generated year of 15-minute history for voice, chat and email (105,120 rows,
   every interval written, naive local times in America/New_York) and times the request
   (HTTP, parsing, storing, committing); then uploads it again (every interval replaced);
2. runs 20 asyncio clients that share ``--requests`` GETs, round-robin over the read
   endpoints, and prints p50/p95/max per endpoint and overall.

Targets (issue 5): p95 under 100 ms for the reads, the year's upload under 5 s. The server
stops by itself at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.migrate import upgrade_database
from api.storage.teams import create_team, issue_key

TIMEZONE = "America/New_York"
CHANNELS = ("voice", "chat", "email")
CLIENTS = 20
STARTUP_SECONDS = 30.0


def year_of_history() -> str:
    """A year of 15-minute intervals for 3 channels as canonical CSV text (seeded)."""
    first = pd.Timestamp("2025-01-01", tz=TIMEZONE)
    utc = pd.date_range(first, first + pd.DateOffset(years=1), freq="15min", inclusive="left")
    local = utc.tz_convert(TIMEZONE)
    hours = np.asarray(local.hour) + np.asarray(local.minute) / 60
    rng = np.random.default_rng(5)
    frames = []
    for scale, channel in zip((40, 25, 15), CHANNELS, strict=True):
        rate = scale * np.exp(-0.5 * ((hours - 13) / 3.5) ** 2)
        volume = rng.poisson(rate)
        aht = np.where(volume > 0, np.round(rng.normal(300, 30, size=volume.size), 1), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": local.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "channel": channel,
                    "volume": volume,
                    "aht_seconds": aht,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).to_csv(index=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_key(settings: ServiceSettings) -> str:
    database = Database(settings.resolved_database_url())
    upgrade_database(database)
    with database.session(write=True) as session:
        token = issue_key(session, create_team(session, "bench", timezone=TIMEZONE)).token
        session.commit()
    database.dispose()
    return token


def wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not become ready in time")


def time_upload(
    base_url: str, headers: dict[str, str], content: str
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = httpx.post(
        f"{base_url}/v1/history",
        headers=headers,
        files={"file": ("year.csv", content.encode(), "text/csv")},
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


async def run_reads(
    base_url: str, headers: dict[str, str], paths: list[str], total: int
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {path: [] for path in paths}
    counter = iter(range(total))

    async def client_loop(client: httpx.AsyncClient) -> None:
        for number in counter:
            path = paths[number % len(paths)]
            started = time.perf_counter()
            response = await client.get(path)
            timings[path].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} -> {response.status_code}: {response.text[:200]}")

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=30
    ) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))
    return timings


def percentile_ms(values: list[float], share: float) -> float:
    return float(np.percentile(np.array(values), share)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="GETs in total")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="staffcast-bench-") as data_dir:
        settings = ServiceSettings(data_dir=Path(data_dir), database_url=arguments.database_url)
        token = make_key(settings)
        headers = {"Authorization": f"Bearer {token}"}
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        environment = {**os.environ, "STAFFCAST_DATA_DIR": data_dir}
        if arguments.database_url:
            environment["STAFFCAST_DATABASE_URL"] = arguments.database_url
        command = [str(Path(sys.executable).parent / "staffcast"), "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until_up(base_url, server)
            backend = httpx.get(f"{base_url}/readyz").json()["database"]
            content = year_of_history()
            rows = content.count("\n") - 1
            print(f"database: {backend}; {CLIENTS} concurrent clients on loopback")
            first, body = time_upload(base_url, headers, content)
            print(
                f"upload of a year of 15-minute history, {len(CHANNELS)} channels "
                f"({rows:,} rows, {len(content) / 1e6:.1f} MB): {first:.2f} s "
                f"({body['rows_added']:,} added)"
            )
            again, body = time_upload(base_url, headers, content)
            print(f"same upload again: {again:.2f} s ({body['rows_replaced']:,} replaced)")
            paths = [
                "/v1/team",
                "/v1/settings",
                "/v1/history/summary",
                "/v1/history/uploads",
                "/v1/jobs",
                "/v1/history.csv?start=2025-06-02T00:00&end=2025-06-03T00:00",
            ]
            started = time.perf_counter()
            timings = asyncio.run(run_reads(base_url, headers, paths, arguments.requests))
            wall = time.perf_counter() - started
            print(f"{arguments.requests} GETs in {wall:.1f} s ({arguments.requests / wall:.0f}/s)")
            print(f"{'endpoint':<64} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
            everything: list[float] = []
            for path, values in timings.items():
                everything += values
                print(
                    f"{path:<64} {percentile_ms(values, 50):8.1f} "
                    f"{percentile_ms(values, 95):8.1f} {max(values) * 1000:8.1f}"
                )
            print(
                f"{'all reads':<64} {percentile_ms(everything, 50):8.1f} "
                f"{percentile_ms(everything, 95):8.1f} {max(everything) * 1000:8.1f}"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
