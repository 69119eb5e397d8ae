"""``staffcast forecast`` and ``staffcast backtest`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.files import read_table
from forecast.forecaster import WORKLOAD_COLUMNS
from scheduler.staffing import validate_workload
from tests.forecast.histories import Pattern, synthetic_history

runner = CliRunner()


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    history = synthetic_history(
        "2025-01-06",
        42,
        channels=("voice", "chat"),
        pattern=Pattern(noise=True),
        timezone="America/New_York",
    )
    frame = history.frame.copy()
    frame["interval_start"] = frame["interval_start"].map(lambda stamp: stamp.isoformat())
    path = tmp_path_factory.mktemp("history") / "history.csv"
    frame.to_csv(path, index=False)
    return path


def test_forecast_writes_a_workload_that_staffing_accepts(
    history_csv: Path, tmp_path: Path
) -> None:
    output = tmp_path / "forecast.csv"
    options = [
        "--start",
        "2025-02-17",
        "--days",
        "7",
        "--timezone",
        "America/New_York",
        "--country",
        "US",
    ]
    result = runner.invoke(app, ["forecast", str(history_csv), *options, "-o", str(output)])
    assert result.exit_code == 0, result.output
    printed = " ".join(result.output.split())
    assert 'holiday "Washington\'s Birthday" on 2025-02-17: not seen' in printed
    table = read_table(output)
    assert tuple(table.columns) == WORKLOAD_COLUMNS
    assert table["interval_start"].iloc[0] == "2025-02-17T00:00:00-05:00"
    workload = validate_workload(table, timezone="America/New_York")
    assert len(workload) == 2 * 7 * 24


def test_forecast_then_requirements_runs_end_to_end(history_csv: Path, tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    first = runner.invoke(
        app, ["forecast", str(history_csv), "--start", "2025-02-17", "-o", str(forecast)]
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        app,
        [
            "requirements",
            str(forecast),
            "--service-level",
            "0.8",
            "--answer-seconds",
            "20",
            "-o",
            str(tmp_path / "requirements.csv"),
        ],
    )
    assert second.exit_code == 0, second.output


def test_backtest_prints_the_report_as_json(history_csv: Path) -> None:
    result = runner.invoke(
        app,
        ["backtest", str(history_csv), "--days", "7", "--origins", "2", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [channel["channel"] for channel in report["channels"]] == ["chat", "voice"]
    first = report["channels"][0]["results"][0]
    assert first["model"] == "auto"
    assert set(first) >= {"wape_interval", "wape_daily", "mase", "bias", "coverage"}


def test_backtest_prints_a_table_by_default(history_csv: Path) -> None:
    result = runner.invoke(app, ["backtest", str(history_csv), "--days", "7", "--origins", "1"])
    assert result.exit_code == 0, result.output
    assert "WAPE interval, week 1" in result.output
    assert "seasonal naive" in result.output


def test_backtest_shows_wape_by_day_type_and_flags_a_holiday_never_seen_before(
    history_csv: Path, tmp_path: Path
) -> None:
    special = tmp_path / "special.csv"
    special.write_text("date,name,kind\n2025-02-12,Founders day,holiday\n")
    options = ["--days", "7", "--origins", "1", "--special-days", str(special)]
    result = runner.invoke(app, ["backtest", str(history_csv), *options])
    assert result.exit_code == 0, result.output
    assert "WAPE interval, holiday (1 d)" in result.output
    text = " ".join(result.output.split())  # the console wraps long lines
    assert text.count("flag: ") == 2  # one per channel
    assert "flag: chat: 'Founders day' on 2025-02-12 (origin 2025-02-11) was never seen" in text
    assert "prior: like a typical Sunday (the rest day)" in text
    json_result = runner.invoke(app, ["backtest", str(history_csv), *options, "--json"])
    [flag] = json.loads(json_result.stdout)["channels"][0]["unseen_holidays"]
    assert (flag["date"], flag["name"]) == ("2025-02-12", "Founders day")


def test_a_bad_special_days_file_is_a_clear_error_not_a_traceback(
    history_csv: Path, tmp_path: Path
) -> None:
    special = tmp_path / "special.csv"
    special.write_text("date,name,kind\n2025-02-18,Launch,party\n")
    options = ["--start", "2025-02-17", "--special-days", str(special)]
    result = runner.invoke(
        app, ["forecast", str(history_csv), *options, "-o", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 2
    assert (
        "row 2, column `kind`: 'party' is not one of closed, holiday, eve, event" in result.output
    )
    assert not (tmp_path / "out.csv").exists()


def test_a_history_without_handle_time_needs_a_default_aht(tmp_path: Path) -> None:
    history = synthetic_history("2025-01-06", 21, pattern=Pattern(aht_seconds=float("nan")))
    frame = history.frame.drop(columns="aht_seconds")
    frame["interval_start"] = frame["interval_start"].map(lambda stamp: stamp.isoformat())
    path = tmp_path / "history.csv"
    frame.to_csv(path, index=False)
    output = tmp_path / "forecast.csv"
    refused = runner.invoke(
        app, ["forecast", str(path), "--start", "2025-01-27", "-o", str(output)]
    )
    assert refused.exit_code == 2
    assert "no handle time for channel(s) voice" in refused.output
    accepted = runner.invoke(
        app,
        [
            "forecast",
            str(path),
            "--start",
            "2025-01-27",
            "--default-aht-seconds",
            "240",
            "-o",
            str(output),
        ],
    )
    assert accepted.exit_code == 0, accepted.output
    forecast = pd.read_csv(output)
    assert forecast.loc[forecast["volume"] > 0, "aht_seconds"].eq(240).all()


def test_too_short_a_history_is_refused_with_a_reason(tmp_path: Path) -> None:
    history = synthetic_history("2025-01-06", 5)
    frame = history.frame.copy()
    frame["interval_start"] = frame["interval_start"].map(lambda stamp: stamp.isoformat())
    path = tmp_path / "history.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(
        app, ["forecast", str(path), "--start", "2025-01-11", "-o", str(tmp_path / "f.csv")]
    )
    assert result.exit_code == 2
    assert "at least 7 days" in result.output
