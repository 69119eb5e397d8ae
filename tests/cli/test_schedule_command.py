"""``staffcast schedule``: the contract files it writes, its words for how the week meets its
targets channel by channel, and bad rules reported without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner, Result

from api.cli import app
from scheduler.staffing import Targets, requirements
from tests.scheduler.shifts import weeks
from tests.scheduler.shifts.weeks import COVERAGE_COLUMNS

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
RULES_WITH_LUNCH = """
[shifts]
lengths_hours = [4, 8]
start_step_minutes = 60
[[shifts.breaks]]
minutes = 60
after_hours = [3, 4]
paid = false
min_shift_hours = 8
[week]
days_per_agent = 2
consecutive_days_off = 0
min_hours = 0
max_hours = 40
min_rest_hours = 11
"""
AGENTS = "agent_id,name,skills\nA1,Ada,voice\n"


def _schedule(tmp_path: Path, table: pd.DataFrame, rules: str, *options: str) -> Result:
    """``staffcast schedule`` on ``table`` and ``rules`` written to ``tmp_path``."""
    table = table.assign(interval_start=[stamp.isoformat() for stamp in table["interval_start"]])
    table.to_csv(tmp_path / "requirements.csv", index=False)
    (tmp_path / "rules.toml").write_text(rules)
    arguments = ["schedule", str(tmp_path / "requirements.csv")]
    return CliRunner().invoke(app, [*arguments, "--rules", str(tmp_path / "rules.toml"), *options])


def _busy_monday() -> pd.DataFrame:
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
    return requirements(workload, targets, 60)


def _run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    """One agent on the busy Monday: the week falls short of its target."""
    (tmp_path / "agents.csv").write_text(AGENTS)
    result = _schedule(
        tmp_path,
        _busy_monday(),
        RULES,
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
    )
    return result.exit_code, result.output


def test_the_schedule_command_writes_the_contract_files(tmp_path: Path) -> None:
    needs = weeks.requirements([("voice", day, "08:00", "16:00", 1) for day in range(7)])
    result = _schedule(
        tmp_path,
        needs,
        RULES_WITH_LUNCH,
        "-o",
        str(tmp_path / "out" / "schedule.csv"),
        "--coverage",
        str(tmp_path / "out" / "coverage.csv"),
        "--time-limit-seconds",
        "5",
        "--workers",
        "1",
        "--json",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert {
        "status",
        "paid_hours",
        "lower_bound_hours",
        "gap_percent",
        "headcount",
        "shortfall_agent_hours",
        "intervals_below_target",
        "projected_service_level",
        "solve_seconds",
    } <= set(summary)
    schedule = pd.read_csv(tmp_path / "out" / "schedule.csv")
    assert list(schedule.columns) == ["agent_id", "channel", "start", "end", "paid_hours", "breaks"]
    assert schedule["start"].str.endswith("+02:00").all()
    assert summary["shortfall_agent_hours"] == 0
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv")
    assert list(coverage.columns) == COVERAGE_COLUMNS
    assert np.isclose(coverage["required"].sum(), 56)


def test_the_schedule_command_reports_bad_rules_without_a_traceback(tmp_path: Path) -> None:
    needs = weeks.requirements([("voice", 0, "08:00", "16:00", 1)])
    bad_rules = "[shifts]\nlengths_hours = [0]\n"
    result = _schedule(tmp_path, needs, bad_rules, "-o", str(tmp_path / "schedule.csv"))
    assert result.exit_code == 2
    assert "shifts.lengths_hours: 0 must be above 0" in result.output


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
