"""``staffcast simulate`` as a user runs it: files in, a comparison out, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.scheduler.simulation.weeks import constant_workload, round_the_clock

runner = CliRunner()

TARGETS = """
[channels.voice]
service_level = 0.8
answer_seconds = 20
patience_seconds = 120
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    workload = constant_workload(5.0, 240.0)
    workload["interval_start"] = [stamp.isoformat() for stamp in workload["interval_start"]]
    paths = {
        "workload": tmp_path / "forecast.csv",
        "schedule": tmp_path / "schedule.csv",
        "targets": tmp_path / "targets.toml",
    }
    workload.to_csv(paths["workload"], index=False)
    round_the_clock(7).to_csv(paths["schedule"], index=False)
    paths["targets"].write_text(TARGETS)
    return paths


def _run(files: dict[str, Path], *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        [
            "simulate",
            str(files["schedule"]),
            "--workload",
            str(files["workload"]),
            "--targets",
            str(files["targets"]),
            "--replications",
            "3",
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_simulate_writes_each_interval_next_to_the_projection(
    files: dict[str, Path], tmp_path: Path
) -> None:
    output = tmp_path / "simulation.csv"
    code, text = _run(files, "-o", str(output))
    assert code == 0, text
    assert "voice    simulated" in text
    table = pd.read_csv(output)
    assert len(table) == 168
    assert {"projected_service_level", "service_level_low", "disagrees", "reason"} <= set(
        table.columns
    )
    # 7 agents, 5 erlangs, mean patience 120 s: the projection is the same in every hour,
    # and the simulation's hourly intervals hold it nearly everywhere.
    levels = table["projected_service_level"].to_numpy()
    assert (levels == levels[0]).all()
    assert table["disagrees"].mean() < 0.2


def test_simulate_json_gives_the_week_the_days_and_the_projection(
    files: dict[str, Path],
) -> None:
    code, text = _run(files, "--json", "--seed", "3")
    assert code == 0, text
    report = json.loads(text)
    voice = report["channels"]["voice"]
    assert report["replications"] == 3
    assert report["seed"] == 3
    assert voice["model"] == "erlang_a"
    assert voice["service_level_low"] <= voice["service_level"] <= voice["service_level_high"]
    assert voice["service_level_low"] <= voice["projected_service_level"]
    assert voice["projected_service_level"] <= voice["service_level_high"]
    assert len(report["days"]) == 7


def test_a_negative_aht_cv_exits_with_a_message_naming_the_option(
    files: dict[str, Path],
) -> None:
    code, text = _run(files, "--aht-cv", "-0.5")
    assert code == 2
    assert "option `aht_cv`: -0.5 must be a finite number >= 0" in text


def test_a_schedule_for_another_week_exits_with_the_row_and_value(
    files: dict[str, Path],
) -> None:
    schedule = pd.read_csv(files["schedule"])
    schedule["start"] = "2026-06-08T00:00:00+00:00"
    schedule["end"] = "2026-06-15T00:00:00+00:00"
    schedule.to_csv(files["schedule"], index=False)
    code, text = _run(files)
    assert code == 2
    assert "schedule row 2, column `start`: 2026-06-08T00:00:00+00:00 is outside" in text


def test_a_channel_without_targets_exits_naming_the_channel(files: dict[str, Path]) -> None:
    files["targets"].write_text(TARGETS.replace("voice", "chat"))
    code, text = _run(files)
    assert code == 2
    assert "channel 'voice' has no service target" in text
