"""Latency of the service on loopback: the main read endpoints under 20 concurrent clients,
and the time to upload and store a year of 15-minute history for 3 channels.

Run: ``.venv/bin/python -m benchmarks.api_latency [--requests 4000] [--rounds 1]
[--workers 1] [--database-url URL] [--data-dir DIR]`` (needs the ``bench`` extra:
``pip install -e '.[bench]'`` for aiohttp). With ``--data-dir``, the prepared data (steps 1
and 2) is kept there and a later run with the same folder only measures the reads (3 and 4);
``--rounds`` repeats step 4 on the same server, one line per round, to show the spread.

Starts ``staffcast serve`` (``--workers`` uvicorn processes, default 1) on a free port of
127.0.0.1 with a fresh SQLite database in a temporary folder (or the given database URL, e.g. a
throwaway PostgreSQL database), creates a team and a key, then:

1. uploads a generated year of 15-minute history for voice, chat and email (105,120 rows,
   every interval written, naive local times in America/New_York) and times the request
   (HTTP, parsing, storing, committing); then uploads it again (every interval replaced);
2. sets the sample's targets and rules (``data/sample/``), runs a week's forecast and a
   schedule for open positions (10 s optimizer limit) so their results can be read;
3. reads every endpoint once (the server builds each route on its first request), then one
   client alone reads each endpoint 30 times: the server's own time per request, no queueing;
4. runs 20 clients at once, each with its own keep-alive connection like a browser tab, that
   share ``--requests`` GETs round-robin over the read endpoints, and prints p50/p95/max per
   endpoint and overall, the requests per second, and the CPU time per request spent by the
   clients and by the server. ``/healthz`` (no database, no key) is in the mix as the floor:
   what the clients, the HTTP stack and the machine cost by themselves. The downloads
   (``history.csv``, ``forecast.csv``, ``coverage.csv``, ``shifts.csv``) and the page's three
   figure requests (POSTs of the tables it downloaded) are in the mix; "all /v1 reads" are
   the ``/v1`` paths, the figures are listed on their own lines;
5. prints the SQLite file's size (with its write-ahead log) before the concurrent phase, after
   it, and after uploading every hostile file of ``tests/forecast/hostile_files.py`` (each
   must be a 422): reads and refused files must leave it as it was.

Each request is timed from sending it to the last byte of its body, as a browser sees it; the
bodies are not compressed (a browser would ask for gzip; on loopback it would only add
work). The clients are aiohttp, whose per-request cost is small next to the server's (the CPU
line says how small), so that the 2 cores measure the server rather than the harness.

Targets: p95 under 100 ms for every ``/v1`` read at 20 clients (issues 5 and 14, the latter
with the CSV downloads and the figure routes in the mix), the year's upload under 5 s, and
the database file as large after the load and the hostile files as before. The server stops
by itself at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import numpy as np
import pandas as pd

from api.settings import SQLITE_FILE_NAME, ServiceSettings
from api.storage.database import Database
from api.storage.migrate import upgrade_database
from api.storage.teams import create_team, issue_key
from tests.forecast.hostile_files import HOSTILE_FILES

TIMEZONE = "America/New_York"
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"
CHANNELS = ("voice", "chat", "email")
CLIENTS = 20
SINGLE_CLIENT_ROUNDS = 30
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


def settings_documents() -> dict[str, Any]:
    """The sample team's targets and rules, as ``PATCH /v1/settings`` takes them."""
    return {
        name: tomllib.loads((SAMPLE_DIR / f"{name}.toml").read_text())
        for name in ("targets", "rules")
    }


def finished_job(base_url: str, headers: dict[str, str], path: str, body: dict[str, Any]) -> int:
    """POST a job, wait for it, return its id (exits if it fails)."""
    response = httpx.post(f"{base_url}{path}", headers=headers, json=body, timeout=30)
    response.raise_for_status()
    job_id = int(response.json()["id"])
    while True:
        job = httpx.get(f"{base_url}/v1/jobs/{job_id}", headers=headers, timeout=30).json()
        if job["status"] == "done":
            return job_id
        if job["status"] in {"failed", "cancelled"}:
            raise SystemExit(f"{path} job {job_id} {job['status']}: {job['reason']}")
        time.sleep(0.5)


async def run_reads(
    base_url: str,
    headers: dict[str, str],
    paths: list[str],
    total: int,
    clients: int,
    bodies: dict[str, bytes] | None = None,
) -> dict[str, list[float]]:
    """``clients`` concurrent clients, one keep-alive connection each, share ``total``
    requests round-robin over ``paths``; returns the seconds each request took, by path. A
    path in ``bodies`` is POSTed with its body (the page's figure requests), others are GETs."""
    timings: dict[str, list[float]] = {path: [] for path in paths}
    counter = iter(range(total))
    posted = bodies or {}

    async def client_loop() -> None:
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(
            base_url, headers=headers, connector=connector, auto_decompress=False
        ) as session:
            for number in counter:
                path = paths[number % len(paths)]
                started = time.perf_counter()
                if path in posted:
                    request = session.post(
                        path, data=posted[path], headers={"Content-Type": "text/csv"}
                    )
                else:
                    request = session.get(path)
                async with request as response:
                    body = await response.read()
                    timings[path].append(time.perf_counter() - started)
                    if response.status != 200:
                        raise SystemExit(f"{path} -> {response.status}: {body[:200]!r}")

    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return timings


def single_client_ms(
    base_url: str, headers: dict[str, str], paths: list[str], bodies: dict[str, bytes]
) -> dict[str, float]:
    """Median milliseconds per path, one client alone (after one warm-up request each)."""
    medians: dict[str, float] = {}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:

        def send(path: str) -> None:
            if path in bodies:
                client.post(path, content=bodies[path]).raise_for_status()
            else:
                client.get(path).raise_for_status()

        for path in paths:
            send(path)  # warm-up: the route is built on first use
            took = []
            for _ in range(SINGLE_CLIENT_ROUNDS):
                started = time.perf_counter()
                send(path)
                took.append(time.perf_counter() - started)
            medians[path] = float(np.median(took)) * 1000
    return medians


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process and its children (Linux ``/proc``); ``None``
    elsewhere."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    own = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) or 0.0 for child in children)


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def percentile_ms(values: list[float], share: float) -> float:
    return float(np.percentile(np.array(values), share)) * 1000


def prepare(base_url: str, headers: dict[str, str]) -> tuple[int, int]:
    """Steps 1 and 2: upload the year twice, set targets and rules, run a forecast and a
    schedule; returns their ids."""
    content = year_of_history()
    rows = content.count("\n") - 1
    first, body = time_upload(base_url, headers, content)
    print(
        f"upload of a year of 15-minute history, {len(CHANNELS)} channels "
        f"({rows:,} rows, {len(content) / 1e6:.1f} MB): {first:.2f} s "
        f"({body['rows_added']:,} added)"
    )
    again, body = time_upload(base_url, headers, content)
    print(f"same upload again: {again:.2f} s ({body['rows_replaced']:,} replaced)")
    httpx.patch(
        f"{base_url}/v1/settings", headers=headers, json=settings_documents()
    ).raise_for_status()
    started = time.perf_counter()
    forecast = finished_job(
        base_url, headers, "/v1/forecasts", {"start": "2026-01-05", "accuracy": False}
    )
    print(f"forecast job (a week, 3 channels): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    schedule = finished_job(
        base_url,
        headers,
        "/v1/schedules",
        {
            "week_start": "2026-01-05",
            "forecast_id": forecast,
            "use_agents": False,
            "time_limit_seconds": 10,
        },
    )
    print(f"schedule job (open positions, 10 s limit): {time.perf_counter() - started:.1f} s")
    return forecast, schedule


def read_paths(forecast: int, schedule: int) -> list[str]:
    """The benchmark's mix of reads."""
    return [
        "/healthz",  # no database, no key: the floor of this harness on this machine
        "/v1/team",
        "/v1/settings",
        "/v1/history/summary",
        "/v1/history/uploads",
        "/v1/jobs",
        f"/v1/jobs/{schedule}",
        "/v1/history.csv?start=2025-06-02T00:00&end=2025-06-03T00:00",
        f"/v1/forecasts/{forecast}",
        f"/v1/forecasts/{forecast}/forecast.csv",
        f"/v1/schedules/{schedule}",
        f"/v1/schedules/{schedule}/coverage",
        f"/v1/schedules/{schedule}/coverage.csv",
        f"/v1/schedules/{schedule}/shifts.csv",
        *FIGURES,
    ]


# The page's figure requests: each posts a table it downloaded from /v1.
FIGURES = ("/app/figures/coverage", "/app/figures/forecast", "/app/figures/timeline")


def figure_bodies(
    base_url: str, headers: dict[str, str], forecast: int, schedule: int
) -> dict[str, bytes]:
    """The tables the page posts to draw its figures, as it downloads them."""
    sources = {
        "/app/figures/coverage": f"/v1/schedules/{schedule}/coverage.csv",
        "/app/figures/forecast": f"/v1/forecasts/{forecast}/forecast.csv",
        "/app/figures/timeline": f"/v1/schedules/{schedule}/shifts.csv",
    }
    bodies = {}
    for figure, source in sources.items():
        response = httpx.get(f"{base_url}{source}", headers=headers, timeout=30)
        response.raise_for_status()
        bodies[figure] = response.content
    return bodies


def database_bytes(data_dir: Path, database_url: str | None) -> int | None:
    """The SQLite file and its write-ahead log in bytes (None on a database server)."""
    if database_url:
        return None
    path = data_dir / SQLITE_FILE_NAME
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def size_verdict(before: int, after_load: int | None, after_hostile: int | None) -> str:
    """The done-when check of issue 14 in words: the database as large after as before."""
    grown = [
        f"{name} grew it by {size - before:,} bytes"
        for name, size in (("the load", after_load), ("the hostile files", after_hostile))
        if size is not None and size != before
    ]
    if grown:
        return "database size: NOT the same (" + "; ".join(grown) + ")"
    return "database size: the same after the load and the hostile files"


def hostile_run(base_url: str, headers: dict[str, str]) -> str:
    """Upload every hostile file of the tests; all must be refused with a 422."""
    statuses: list[int | str] = []
    for hostile in HOSTILE_FILES:
        try:
            response = httpx.post(
                f"{base_url}/v1/history",
                headers=headers,
                files={"file": ("hostile.csv", hostile.content.encode(), "text/csv")},
                timeout=120,
            )
        except httpx.TimeoutException:
            statuses.append(f"no answer in 120 s ({hostile.name})")
        else:
            statuses.append(response.status_code)
    return f"{len(statuses)} hostile uploads -> {sorted(set(map(str, statuses)))}"


def measure_reads(
    base_url: str,
    headers: dict[str, str],
    paths: list[str],
    arguments: argparse.Namespace,
    server_pid: int,
    bodies: dict[str, bytes],
) -> None:
    """Steps 3 and 4, the concurrent phase ``--rounds`` times; prints one line per round and
    the endpoints' figures over all rounds."""
    alone = single_client_ms(base_url, headers, paths, bodies)
    total = arguments.requests
    pooled: dict[str, list[float]] = {path: [] for path in paths}
    for round_number in range(1, arguments.rounds + 1):
        client_cpu, server_cpu = own_cpu_seconds(), cpu_seconds(server_pid)
        started = time.perf_counter()
        timings = asyncio.run(run_reads(base_url, headers, paths, total, arguments.clients, bodies))
        wall = time.perf_counter() - started
        client_cpu = own_cpu_seconds() - client_cpu
        server_after = cpu_seconds(server_pid)
        reads = [
            value for path, values in timings.items() if path.startswith("/v1") for value in values
        ]
        line = (
            f"round {round_number}: {total} GETs by {arguments.clients} concurrent clients in "
            f"{wall:.1f} s ({total / wall:.0f}/s), /v1 reads p50 {percentile_ms(reads, 50):.1f} "
            f"p95 {percentile_ms(reads, 95):.1f} ms; CPU per request: clients "
            f"{client_cpu / total * 1000:.2f} ms"
        )
        if server_cpu is not None and server_after is not None:
            line += f", server {(server_after - server_cpu) / total * 1000:.2f} ms"
        print(f"{line}; load average {os.getloadavg()[0]:.1f}")
        for path, values in timings.items():
            pooled[path] += values
    rounds = f" (all {arguments.rounds} rounds)" if arguments.rounds > 1 else ""
    print(f"{'endpoint' + rounds:<62} {'alone':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    everything: list[float] = []
    for path, values in pooled.items():
        if path.startswith("/v1"):
            everything += values
        print(
            f"{path:<62} {alone[path]:7.1f} {percentile_ms(values, 50):7.1f} "
            f"{percentile_ms(values, 95):7.1f} {max(values) * 1000:7.1f}"
        )
    print(
        f"{'all /v1 reads':<62} {'':>7} {percentile_ms(everything, 50):7.1f} "
        f"{percentile_ms(everything, 95):7.1f} {max(everything) * 1000:7.1f}"
    )


def parsed_arguments() -> argparse.Namespace:
    """The command line of this script."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="GETs per round")
    parser.add_argument("--rounds", type=int, default=1, help="concurrent phases, one server")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help="leave the page's figure POSTs out of the mix (a server where they write-lock)",
    )
    parser.add_argument(
        "--no-hostile", action="store_true", help="leave out the hostile-file uploads"
    )
    parser.add_argument(
        "--staffcast",
        default=str(Path(sys.executable).parent / "staffcast"),
        help="the staffcast command that serves (another checkout's, for a paired run)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the prepared data here; a later run with it measures the reads only "
        "(default: a temporary folder, prepared every time)",
    )
    return parser.parse_args()


def started_server(
    arguments: argparse.Namespace, data_dir: Path, port: int
) -> subprocess.Popen[bytes]:
    """``staffcast serve`` on ``port`` with the data folder (and database) to measure."""
    environment = {**os.environ, "STAFFCAST_DATA_DIR": str(data_dir)}
    if arguments.database_url:
        environment["STAFFCAST_DATABASE_URL"] = arguments.database_url
    command = [arguments.staffcast, "serve", "--port", str(port)]
    command += ["--workers", str(arguments.workers)]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    """End the server, killing it if it is still busy with a request after 30 s."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def prepared_data(
    base_url: str,
    headers: dict[str, str],
    data_dir: Path,
    earlier: dict[str, Any] | None,
    arguments: argparse.Namespace,
) -> dict[str, Any]:
    """Steps 1 and 2 (or what an earlier run with this data folder prepared): the key, and
    the forecast and schedule whose results are read."""
    if earlier is not None:
        print(f"reusing the data prepared in {data_dir}")
        return earlier
    forecast, schedule = prepare(base_url, headers)
    prepared = {
        "database_url": arguments.database_url,
        "token": headers["Authorization"].removeprefix("Bearer "),
        "forecast": forecast,
        "schedule": schedule,
    }
    (data_dir / "bench.json").write_text(json.dumps(prepared))
    return prepared


def reads_and_hostile_files(
    base_url: str,
    headers: dict[str, str],
    data_dir: Path,
    prepared: dict[str, Any],
    arguments: argparse.Namespace,
    server_pid: int,
) -> None:
    """Steps 3 to 5: the reads alone and under load, then the hostile files, with the
    database's size before and after."""
    paths = read_paths(prepared["forecast"], prepared["schedule"])
    if arguments.no_figures:
        paths = [path for path in paths if path not in FIGURES]
    bodies = figure_bodies(base_url, headers, prepared["forecast"], prepared["schedule"])
    size_before = database_bytes(data_dir, arguments.database_url)
    measure_reads(base_url, headers, paths, arguments, server_pid, bodies)
    size_after_load = database_bytes(data_dir, arguments.database_url)
    hostile = "no hostile uploads" if arguments.no_hostile else hostile_run(base_url, headers)
    size_after_hostile = database_bytes(data_dir, arguments.database_url)
    if size_before is None:
        print(hostile)
        return
    print(
        f"database file + WAL: {size_before:,} bytes before the load, "
        f"{size_after_load:,} after it, {size_after_hostile:,} after {hostile}"
    )
    print(size_verdict(size_before, size_after_load, size_after_hostile))


def main() -> None:
    arguments = parsed_arguments()
    with tempfile.TemporaryDirectory(prefix="staffcast-bench-") as temporary:
        data_dir = arguments.data_dir or Path(temporary)
        data_dir.mkdir(parents=True, exist_ok=True)
        prepared_file = data_dir / "bench.json"
        earlier = json.loads(prepared_file.read_text()) if prepared_file.exists() else None
        if earlier is not None and earlier["database_url"] != arguments.database_url:
            raise SystemExit(f"{data_dir} was prepared for another database: use a new folder")
        settings = ServiceSettings(data_dir=data_dir, database_url=arguments.database_url)
        headers = {"Authorization": f"Bearer {earlier['token'] if earlier else make_key(settings)}"}
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = started_server(arguments, data_dir, port)
        try:
            wait_until_up(base_url, server)
            backend = httpx.get(f"{base_url}/readyz").json()["database"]
            print(
                f"database: {backend}; {arguments.workers} server process(es); "
                f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start"
            )
            prepared = prepared_data(base_url, headers, data_dir, earlier, arguments)
            reads_and_hostile_files(base_url, headers, data_dir, prepared, arguments, server.pid)
        finally:
            stop(server)


if __name__ == "__main__":
    main()
