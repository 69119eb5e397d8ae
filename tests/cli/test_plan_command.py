"""``staffcast plan``: the whole pipeline on a small generated history."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from api.cli import app

RULES = """
interval_minutes = 30
[shifts]
lengths_hours = [8]
start_step_minutes = 60
[week]
days_per_agent = 5
consecutive_days_off = 2
min_hours = 0
max_hours = 40
min_rest_hours = 11
"""
TARGETS = """
[channels.voice]
service_level = 0.8
answer_seconds = 20
shrinkage = 0.2
"""


def _history(path: Path) -> None:
    rng = np.random.default_rng(5)
    starts = pd.date_range("2026-10-05", "2026-12-06 23:30", freq="30min")
    hour = starts.hour.to_numpy()
    open_hours = (hour >= 8) & (hour < 18)
    volume = np.where(open_hours, rng.poisson(20, starts.size), 0)
    pd.DataFrame(
        {
            "interval_start": starts.strftime("%Y-%m-%dT%H:%M"),
            "channel": "voice",
            "volume": volume,
            "aht_seconds": np.where(volume > 0, 240.0, np.nan),
        }
    ).to_csv(path, index=False)


def test_plan_writes_every_file_of_the_week(tmp_path: Path) -> None:
    _history(tmp_path / "history.csv")
    (tmp_path / "rules.toml").write_text(RULES)
    (tmp_path / "targets.toml").write_text(TARGETS)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        app,
        [
            "plan",
            str(tmp_path / "history.csv"),
            "--week-start",
            "2026-12-07",
            "--targets",
            str(tmp_path / "targets.toml"),
            "--rules",
            str(tmp_path / "rules.toml"),
            "--timezone",
            "America/New_York",
            "--out",
            str(out),
            "--time-limit-seconds",
            "10",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("forecast.csv", "requirements.csv", "schedule.csv", "coverage.csv"):
        assert (out / name).stat().st_size > 0
    for chart in ("coverage.html", "forecast.html"):
        page = (out / chart).read_text()
        assert "Plotly.newPlot" in page
        assert '<script src="http' not in page  # works offline: plotly.js is inlined
        assert len(page) > 1_000_000
    summary = json.loads((out / "summary.json").read_text())
    assert summary["week_start"] == "2026-12-07"
    assert summary["headcount"] > 0
    assert summary["paid_hours"] >= summary["lower_bound_hours"] > 0
    assert summary["service_level_targets"] == {"voice": 0.8}
    assert "projected service level over the week: voice " in result.output
    assert "(target 80.0%, " in result.output
    for warning in summary["warnings"]:
        assert f"warning: {warning}" in " ".join(result.output.split())
    coverage = pd.read_csv(out / "coverage.csv")
    assert coverage["interval_start"].iloc[0].startswith("2026-12-07T00:00:00-05:00")


def test_plan_refuses_a_week_that_does_not_start_on_monday(tmp_path: Path) -> None:
    _history(tmp_path / "history.csv")
    (tmp_path / "rules.toml").write_text(RULES)
    (tmp_path / "targets.toml").write_text(TARGETS)
    result = CliRunner().invoke(
        app,
        [
            "plan",
            str(tmp_path / "history.csv"),
            "--week-start",
            "2026-12-08",
            "--targets",
            str(tmp_path / "targets.toml"),
            "--rules",
            str(tmp_path / "rules.toml"),
            "--out",
            str(tmp_path / "plan"),
        ],
    )
    assert result.exit_code == 2
    assert "is a Tuesday" in result.output
