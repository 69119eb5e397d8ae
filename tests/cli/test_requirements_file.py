"""``staffcast requirements`` on a clean CSV (numpy and Arrow, once per distinct tuple) writes
the same bytes as the pandas path, and leaves every other file to the pandas path."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli import requirements_file as requirements_file_module
from api.cli.requirements_file import COLUMNS, requirements_file
from api.csv_writing import DirectWriter, _set_direct
from api.tables import write_table_file
from scheduler.staffing import Targets, requirements
from scheduler.staffing.required import TARGET_COLUMNS

runner = CliRunner()

TARGETS = """
[channels.voice]
service_level = 0.8
answer_seconds = 20
max_occupancy = 0.85
shrinkage = 0.3

[channels.chat]
service_level = 0.75
answer_seconds = 60
concurrency = 2
shrinkage = 0.25

[channels.callback]
asa_seconds = 30
patience_seconds = 240
max_abandon = 0.05
"""


def _workload(seed: int = 1, weeks: int = 3) -> pd.DataFrame:
    """Three channels in shuffled order, channel names as people type them, repeated and
    fractional volumes, AHT missing where nothing was offered."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-10-26", periods=weeks * 7 * 96, freq="15min")
    frames = []
    for name, peak, aht in ((" Voice", 60, 300), ("chat ", 25, 480), ("CALLBACK", 8, 400)):
        volume = rng.poisson(peak * rng.uniform(0, 1, starts.size)).astype(float)
        volume[::7] += 0.5
        handle = rng.normal(aht, aht * 0.05, starts.size).round(1)
        handle[volume == 0] = np.nan
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts.strftime("%Y-%m-%dT%H:%M:%S"),
                    "channel": name,
                    "volume": volume,
                    "aht_seconds": handle,
                    "note": "exported",
                }
            )
        )
    workload = pd.concat(frames, ignore_index=True)
    return workload.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _takes_direct_writes(folder: Path) -> bool:
    """Whether the file system of ``folder`` takes ``O_DIRECT`` (ext4 does, and tmpfs since
    Linux 6.6; macOS has no such flag)."""
    with (folder / "probe").open("wb") as probe:
        return _set_direct(probe.fileno(), on=True)


def _through_pandas(
    source: Path, targets: Targets, timezone: str, interval_minutes: int | None
) -> bytes:
    table = pd.read_csv(source)
    result = requirements(table, targets, interval_minutes, timezone)
    target = source.with_name("pandas.csv")
    write_table_file(result, target, significant_digits=6)
    return target.read_bytes()


@pytest.mark.parametrize(
    ("timezone", "interval_minutes", "aware"),
    [("America/New_York", 15, False), ("UTC", None, True), ("Europe/Berlin", None, True)],
)
def test_a_clean_workload_gives_the_same_bytes_as_the_pandas_path(
    tmp_path: Path, timezone: str, interval_minutes: int | None, aware: bool
) -> None:
    workload = _workload()
    if aware:  # written with their offsets, as the forecast command writes them
        local = pd.to_datetime(workload["interval_start"]).dt.tz_localize(
            "America/New_York", ambiguous="NaT", nonexistent="NaT"
        )
        workload = workload[local.notna()].copy()
        text = local.dropna().dt.strftime("%Y-%m-%dT%H:%M:%S%z")
        workload["interval_start"] = text.str[:-2] + ":" + text.str[-2:]
    else:  # naive local times: the repeated autumn hour is not in a naive file
        workload = workload[~workload["interval_start"].str.startswith("2026-11-01T01")]
    source = tmp_path / "workload.csv"
    workload.to_csv(source, index=False)
    (tmp_path / "targets.toml").write_text(TARGETS)
    targets = Targets.from_dict(tomllib.loads(TARGETS))

    summary = requirements_file(
        source, tmp_path / "fast.csv", lambda _: targets, interval_minutes, timezone
    )

    assert summary is not None
    assert summary.rows == len(workload)
    assert summary.channels == 3
    fast = (tmp_path / "fast.csv").read_bytes()
    assert fast == _through_pandas(source, targets, timezone, interval_minutes)
    written = pd.read_csv(io.BytesIO(fast))
    assert int(written["scheduled_agents"].max()) == summary.peak_scheduled_agents
    assert written["target_asa_seconds"].notna().sum() == (written["channel"] == "callback").sum()


def test_a_workload_already_in_output_order_gives_the_same_bytes_as_the_pandas_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Channel by channel, each in time order (as the forecast command writes a workload):
    the rows keep their order, with no sort."""
    orders: list[object] = []

    def in_output_order(starts: np.ndarray, channel: np.ndarray) -> object:
        ordered = original(starts, channel)
        orders.append(None if ordered is None else ordered[0])
        return ordered

    original = requirements_file_module._in_output_order
    monkeypatch.setattr(requirements_file_module, "_in_output_order", in_output_order)
    workload = _workload(weeks=1)
    workload["name"] = workload["channel"].str.strip().str.lower()
    workload = workload.sort_values(["name", "interval_start"]).drop(columns="name")
    source = tmp_path / "workload.csv"
    workload.to_csv(source, index=False)
    targets = Targets.from_dict(tomllib.loads(TARGETS))

    summary = requirements_file(source, tmp_path / "fast.csv", lambda _: targets, 15, "UTC")

    assert summary is not None
    assert orders == [slice(None)]
    assert (tmp_path / "fast.csv").read_bytes() == _through_pandas(source, targets, "UTC", 15)


def test_a_large_output_skips_the_page_cache_and_keeps_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From ``_DIRECT_WRITE_ROWS`` rows on, the file is written with ``O_DIRECT`` (here from
    the first row): the same bytes, through a buffer many times smaller than the file."""
    written: list[bool] = []

    class Spy(DirectWriter):
        def __init__(self, stream: BinaryIO) -> None:
            super().__init__(stream, buffer_bytes=16_384)
            written.append(self.direct)  # when it starts (closing turns O_DIRECT off)

    monkeypatch.setattr(requirements_file_module, "_DIRECT_WRITE_ROWS", 1)
    monkeypatch.setattr(requirements_file_module, "DirectWriter", Spy)
    source = tmp_path / "workload.csv"
    _workload(weeks=2).to_csv(source, index=False)
    targets = Targets.from_dict(tomllib.loads(TARGETS))

    summary = requirements_file(source, tmp_path / "fast.csv", lambda _: targets, 15, "UTC")

    assert summary is not None
    assert written == [_takes_direct_writes(tmp_path)]
    fast = (tmp_path / "fast.csv").read_bytes()
    assert len(fast) > 20 * 16_384
    assert fast == _through_pandas(source, targets, "UTC", 15)


def test_an_interval_twice_in_a_workload_in_output_order_is_left_to_the_pandas_path(
    tmp_path: Path,
) -> None:
    workload = _workload(weeks=1)
    workload["name"] = workload["channel"].str.strip().str.lower()
    workload = workload.sort_values(["name", "interval_start"]).drop(columns="name")
    workload = pd.concat([workload.iloc[:10], workload.iloc[9:]])  # row 10 twice, in order
    source = tmp_path / "workload.csv"
    workload.to_csv(source, index=False)
    targets = Targets.from_dict(tomllib.loads(TARGETS))

    assert requirements_file(source, tmp_path / "fast.csv", lambda _: targets, 15, "UTC") is None
    assert not (tmp_path / "fast.csv").exists()


def test_the_command_takes_its_targets_from_the_flags_for_each_channel(tmp_path: Path) -> None:
    source = tmp_path / "workload.csv"
    _workload(seed=2, weeks=1).to_csv(source, index=False)
    result = runner.invoke(
        app,
        [
            "requirements",
            str(source),
            "-o",
            str(tmp_path / "fast.csv"),
            "--service-level",
            "0.9",
            "--answer-seconds",
            "15",
            "--timezone",
            "Asia/Tokyo",
        ],
    )
    assert result.exit_code == 0, result.output
    flags = Targets.from_dict(
        {
            "channels": {
                name: {"service_level": 0.9, "answer_seconds": 15.0}
                for name in ("voice", "chat", "callback")
            }
        }
    )
    expected = _through_pandas(source, flags, "Asia/Tokyo", None)
    assert (tmp_path / "fast.csv").read_bytes() == expected
    assert "3 channel(s)" in result.output


def test_the_written_columns_are_those_of_the_staffing_table() -> None:
    assert COLUMNS[-len(TARGET_COLUMNS) :] == TARGET_COLUMNS


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda w: w.assign(volume=w["volume"].astype(object).where(w.index != 5, "many")), "text"),
        (lambda w: w.assign(volume=w["volume"].where(w.index != 9, -1.0)), "negative volume"),
        (lambda w: w.assign(volume=w["volume"].where(w.index != 9, 1e308)), "over the limit"),
        (lambda w: pd.concat([w, w.iloc[[3]]]), "an interval twice"),
        (lambda w: w.assign(channel=w["channel"].where(w.index != 4, "x" * 101)), "long name"),
        (lambda w: w.assign(channel=w["channel"].where(w.index != 4, "true")), "not text"),
        (lambda w: w.assign(channel=w["channel"].where(w.index != 4, "")), "empty name"),
        (lambda w: w.assign(channel=w["channel"].where(w.index != 4, "vo\x00ice")), "NUL byte"),
        (lambda w: w.assign(channel=w["channel"].where(w.index != 4, "vo\tice")), "tab"),
        (lambda w: w.assign(volume_high=w["volume"] * 1.2), "quantile columns"),
        (lambda w: w.assign(interval_start=w["interval_start"] + ".5"), "fractional seconds"),
    ],
)
def test_any_file_the_validation_might_refuse_is_left_to_the_pandas_path(
    tmp_path: Path, change: object, why: str
) -> None:
    source = tmp_path / "workload.csv"
    changed = change(_workload(seed=3, weeks=1))  # type: ignore[operator]
    changed.to_csv(source, index=False)
    targets = Targets.from_dict(tomllib.loads(TARGETS))
    output = tmp_path / "fast.csv"

    assert requirements_file(source, output, lambda _: targets, 15, "UTC") is None, why
    assert not output.exists()


def test_deferred_work_and_business_hours_are_left_to_the_pandas_path(tmp_path: Path) -> None:
    source = tmp_path / "workload.csv"
    _workload(seed=4, weeks=1).to_csv(source, index=False)
    deferred = TARGETS.replace(
        "asa_seconds = 30\npatience_seconds = 240\nmax_abandon = 0.05",
        "response_share = 0.9\nresponse_hours = 4\nhours = { mon-fri = '08:00-18:00' }",
    )
    targets = Targets.from_dict(tomllib.loads(deferred))
    assert requirements_file(source, tmp_path / "o.csv", lambda _: targets, 15, "UTC") is None


@pytest.mark.parametrize("timezone", ["Europe/Berlin", "UTC"])
def test_a_clean_workload_to_parquet_holds_what_the_pandas_path_writes(
    tmp_path: Path, timezone: str
) -> None:
    """The Arrow path writes Parquet from the same staffing: same types, values and nulls
    (NaN where a KPI does not apply, a target no channel sets as a null column)."""
    from pyarrow import parquet

    workload = _workload(seed=5, weeks=1)
    source = tmp_path / "workload.csv"
    workload.to_csv(source, index=False)
    targets = Targets.from_dict(tomllib.loads(TARGETS))
    fast = tmp_path / "fast.parquet"

    summary = requirements_file(source, fast, lambda _: targets, 15, timezone)

    assert summary is not None
    assert summary.rows == len(workload)
    slow = tmp_path / "pandas.parquet"
    write_table_file(requirements(pd.read_csv(source), targets, 15, timezone), slow)
    ours, theirs = parquet.read_table(fast), parquet.read_table(slow)
    assert ours.schema == theirs.schema
    assert ours.equals(theirs)
    pd.testing.assert_frame_equal(pd.read_parquet(fast), pd.read_parquet(slow))
    assert int(ours["scheduled_agents"].to_numpy().max()) == summary.peak_scheduled_agents


def test_instants_past_what_nanoseconds_hold_leave_parquet_to_the_pandas_path(
    tmp_path: Path,
) -> None:
    source = tmp_path / "workload.csv"
    header = "interval_start,channel,volume,aht_seconds\n"
    source.write_text(
        header + "2300-01-01T09:00:00Z,voice,4,300\n2300-01-01T09:15:00Z,voice,9,300\n"
    )
    targets = Targets.from_dict(tomllib.loads(TARGETS))
    output = tmp_path / "fast.parquet"

    assert requirements_file(source, output, lambda _: targets, 15, "UTC") is None
    assert not output.exists()
    assert requirements_file(source, tmp_path / "fast.csv", lambda _: targets, 15, "UTC")
