"""``staffcast schedule`` says in words how the week meets its targets, channel by channel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from api.cli import app
from scheduler.staffing import Targets, requirements

RULES = """
[shifts]
lengths_hours = [8]
start_step_minutes = 60
[week]
days_per_agent = 1
consecutive_days_off = 0
min_hours = 0
max_hours = 40
min_rest_hours = 11
"""
AGENTS = "agent_id,name,skills\nA1,Ada,voice\n"


def _requirements_file(path: Path) -> None:
    """Voice on Monday 08:00-16:00, about six agents at 80% in 20 s: more than one agent."""
    starts = pd.date_range("2026-06-01", periods=168, freq="60min", tz="Europe/Berlin")
    busy = (starts.day_of_week == 0) & (starts.hour >= 8) & (starts.hour < 16)
    workload = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "volume": np.where(busy, 40.0, 0.0),
            "aht_seconds": 300.0,
        }
    )
    targets = Targets.from_dict(
        {"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20}}}
    )
    table = requirements(workload, targets, 60)
    table["interval_start"] = [stamp.isoformat() for stamp in table["interval_start"]]
    table.to_csv(path, index=False)


def _run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    _requirements_file(tmp_path / "requirements.csv")
    (tmp_path / "rules.toml").write_text(RULES)
    (tmp_path / "agents.csv").write_text(AGENTS)
    result = CliRunner().invoke(
        app,
        [
            "schedule",
            str(tmp_path / "requirements.csv"),
            "--rules",
            str(tmp_path / "rules.toml"),
            "--agents",
            str(tmp_path / "agents.csv"),
            "-o",
            str(tmp_path / "schedule.csv"),
            "--time-limit-seconds",
            "2",
            "--deterministic",
            "--workers",
            "1",
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_the_human_output_gives_each_channels_service_level_against_its_target(
    tmp_path: Path,
) -> None:
    code, output = _run(tmp_path)
    assert code == 0, output
    line = next(row for row in output.splitlines() if "projected service level" in row)
    assert line.startswith("projected service level over the week: voice ")
    assert line.endswith("(target 80.0%, below)")
    assert "status: feasible" in output


def test_the_human_output_prints_every_warning_in_words(tmp_path: Path) -> None:
    code, output = _run(tmp_path)
    assert code == 0, output
    words = " ".join(output.split())
    assert "warning: voice: " in words
    assert "below the 80.0% target" in words
    assert "intervals are short of the required agents" in words
    assert "on Monday 08:00-16:00" in words


def test_the_json_summary_keeps_its_keys_and_adds_the_targets(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["service_level_targets"] == {"voice": 0.8}
    assert summary["projected_service_level"]["voice"] < 0.8
    assert summary["intervals_below_target"] == 8
    assert summary["status"] == "feasible"
    assert len(summary["warnings"]) == 2
