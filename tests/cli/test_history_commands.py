"""`staffcast history summary` prints what was understood, or every problem, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.forecast.history_inputs import csv_text
from tests.forecast.hostile_files import HOSTILE_FILES, HostileFile

runner = CliRunner()


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(csv_text("interval_start,channel,volume,aht_seconds", *rows))
    return path


def test_the_summary_names_format_channels_interval_and_warnings(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "2026-11-01T01:00,Voice,4,300",
        "2026-11-01T01:15,voice,5,300",
        "2026-11-01T01:15,chat,2,600",
    )
    result = runner.invoke(app, ["history", "summary", str(path), "--timezone", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert "canonical" in result.stdout
    assert "chat, voice" in result.stdout
    assert "2026-11-01 00:00 EDT" in result.stdout
    assert "split evenly" in result.stdout


def test_the_summary_as_json_round_trips(tmp_path: Path) -> None:
    path = _write(tmp_path, "2026-12-07T09:00,voice,4,300", "2026-12-07T09:30,voice,5,300")
    result = runner.invoke(
        app, ["history", "summary", str(path), "--interval-minutes", "60", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["channels"] == ["voice"]
    assert summary["interval_minutes"] == 60
    assert summary["source_interval_minutes"] == 30
    assert summary["first_interval"] == "2026-12-07T00:00:00+00:00"


def test_a_bad_file_exits_with_code_2_and_lists_each_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "2026-12-07T09:00,voice,-4,300", "tomorrow,voice,5,300")
    result = runner.invoke(app, ["history", "summary", str(path)])
    assert result.exit_code == 2
    assert "row 2, column `volume`: '-4' is negative" in result.stderr
    assert "row 3, column `interval_start`: 'tomorrow'" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=lambda hostile: hostile.name)
def test_a_hostile_file_exits_with_code_2_naming_row_column_value_and_limit(
    tmp_path: Path, hostile: HostileFile
) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(hostile.content)
    result = runner.invoke(app, ["history", "summary", str(path)])
    assert result.exit_code == 2, result.output[:300]
    assert hostile.expected in " ".join(result.stderr.split()), result.stderr[:300]
    assert len(result.stderr) < 4_000


def test_running_out_of_memory_exits_with_code_2_and_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("forecast.parse_history", exhausted)
    path = _write(tmp_path, "2026-12-07T09:00,voice,4,300")
    result = runner.invoke(app, ["history", "summary", str(path)])
    assert result.exit_code == 2
    assert "needs more memory than this machine has" in result.stderr
