"""``staffcast erlang`` and ``staffcast requirements`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()
HUNDRED_CALLS = ["erlang", "--volume", "100", "--aht-seconds", "180"]
"""``staffcast erlang`` for 100 contacts of 180 s (the known example), before its targets."""
EIGHTY_IN_TWENTY = ["--service-level", "0.8", "--answer-seconds", "20"]


def test_erlang_prints_the_known_example_as_json() -> None:
    shrunk = ["--interval-minutes", "30", "--shrinkage", "0.3"]
    result = runner.invoke(app, [*HUNDRED_CALLS, *EIGHTY_IN_TWENTY, *shrunk, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["agents"] == 14
    assert report["scheduled_agents"] == 20
    assert round(report["service_level"], 6) == 0.888350
    assert report["one_fewer_misses"] == ["service_level"]


def test_erlang_what_if_reports_the_kpis_of_the_given_agents() -> None:
    impatient = ["--patience-seconds", "300", "--agents", "14"]
    result = runner.invoke(app, [*HUNDRED_CALLS, *EIGHTY_IN_TWENTY, *impatient, "--json"])
    report = json.loads(result.output)
    assert report["model"] == "erlang_a"
    assert round(report["p_abandon"], 6) == 0.013984


def test_erlang_rejects_a_service_level_outside_zero_one_without_a_traceback() -> None:
    result = runner.invoke(app, [*HUNDRED_CALLS, "--service-level", "80", "--answer-seconds", "20"])
    assert result.exit_code == 2
    assert "--service-level: 80 is outside 0<x<1" in result.output
    assert "Traceback" not in result.output


def test_a_target_option_outside_the_declared_bounds_is_refused_naming_option_and_range(
    tmp_path: Path,
) -> None:
    """The command line enforces the bounds the API does (one declaration): an answer time
    beyond a day is exit 2 in both commands, not a schedule for an impossible target."""
    workload = tmp_path / "workload.csv"
    workload.write_text(
        "interval_start,channel,volume,aht_seconds\n2026-12-07T09:00,voice,10,300\n"
    )
    too_long = ["--service-level", "0.8", "--answer-seconds", "100000"]
    erlang = runner.invoke(app, ["erlang", "--volume", "10", "--aht-seconds", "300", *too_long])
    required = runner.invoke(
        app, ["requirements", str(workload), "-o", str(tmp_path / "out.csv"), *too_long]
    )
    for result in (erlang, required):
        assert result.exit_code == 2
        assert "--answer-seconds: 100000 is outside 0<x<=86400" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_requirements_writes_a_csv_with_agents_and_kpis(tmp_path: Path) -> None:
    workload = tmp_path / "workload.csv"
    workload.write_text(
        "interval_start,channel,volume,aht_seconds\n"
        "2026-12-07T09:00:00-05:00,voice,100,180\n"
        "2026-12-07T09:30:00-05:00,voice,120,180\n"
        "2026-12-07T09:00:00-05:00,Chat,40,400\n"
        "2026-12-07T09:30:00-05:00,chat,0,\n"
    )
    targets = tmp_path / "targets.toml"
    targets.write_text(
        "[channels.voice]\nservice_level = 0.8\nanswer_seconds = 20\nshrinkage = 0.3\n"
        "[channels.chat]\nservice_level = 0.8\nanswer_seconds = 60\nconcurrency = 2\n"
    )
    output = tmp_path / "out" / "requirements.csv"
    result = runner.invoke(
        app, ["requirements", str(workload), "--targets", str(targets), "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(output)
    for column in ("agents", "scheduled_agents", "service_level", "asa_seconds", "occupancy"):
        assert column in table.columns
    voice = table[table["channel"] == "voice"]
    assert list(voice["agents"]) == [14, 16]
    assert voice["interval_start"].iloc[0] == "2026-12-07T14:00:00+00:00"


def test_requirements_with_single_target_flags_and_a_bad_row(tmp_path: Path) -> None:
    workload = tmp_path / "workload.csv"
    workload.write_text(
        "interval_start,channel,volume,aht_seconds\n"
        "2026-12-07T09:00:00Z,voice,100,180\n"
        "2026-12-07T09:30:00Z,voice,-3,180\n"
    )
    output = tmp_path / "requirements.csv"
    result = runner.invoke(
        app,
        [
            "requirements",
            str(workload),
            "--service-level",
            "0.8",
            "--answer-seconds",
            "20",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 2
    assert "row 3, column `volume`: -3 is negative" in result.output
    assert not output.exists()


def test_requirements_names_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["requirements", str(tmp_path / "nope.csv"), "--asa-seconds", "30", "-o", "x.csv"],
    )
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_requirements_writes_parquet_and_formula_safe_csv(tmp_path: Path) -> None:
    workload = tmp_path / "workload.csv"
    workload.write_text(
        "interval_start,channel,volume,aht_seconds\n"
        "2026-12-07T09:00:00+00:00,=2+5*cmd,100,180\n"
        "2026-12-07T09:30:00+00:00,=2+5*cmd,80,180\n"
    )
    flags = ["--service-level", "0.8", "--answer-seconds", "20"]
    for name in ("out.csv", "out.parquet"):
        result = CliRunner().invoke(
            app, ["requirements", str(workload), "-o", str(tmp_path / name), *flags]
        )
        assert result.exit_code == 0, result.output
    text = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert set(text["channel"]) == {"'=2+5*cmd"}
    table = pd.read_parquet(tmp_path / "out.parquet")
    assert set(table["channel"]) == {"=2+5*cmd"}
    assert str(table["interval_start"].dt.tz) == "UTC"
    assert table["agents"].tolist() == text["agents"].astype(int).tolist()


def test_a_bad_number_deep_in_a_large_workload_is_named_by_its_row(tmp_path: Path) -> None:
    # Past Arrow's first block (1 MB), where it guesses the column's type from.
    starts = pd.date_range("2026-12-07", periods=40_000, freq="15min", tz="UTC")
    rows = [f"{stamp.isoformat()},voice,10,180" for stamp in starts]
    rows[35_000] = rows[35_000].replace(",10,", ",many,")
    workload = tmp_path / "workload.csv"
    workload.write_text("interval_start,channel,volume,aht_seconds\n" + "\n".join(rows) + "\n")
    flags = ["--service-level", "0.8", "--answer-seconds", "20"]
    result = CliRunner().invoke(
        app, ["requirements", str(workload), "-o", str(tmp_path / "out.csv"), *flags]
    )
    assert result.exit_code == 2, result.output
    assert "row 35002" in result.stderr
    assert "many" in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "2026-12-07T09:30:00+00:00,voice,1e308,180",
            "row 3, column `volume`: '1e+308' is above the limit of 100,000 contacts",
        ),
        (
            "2026-12-07T09:30:00+00:00,voice,80,1e308",
            "row 3, column `aht_seconds`: '1e+308' is outside the limits of 1 to 86,400 seconds",
        ),
        (
            f"2026-12-07T09:30:00+00:00,{'x' * 2_000_000},80,180",
            "row 3, column `channel`: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (2,000,000 "
            "characters) is longer than the limit of 100 characters",
        ),
        (
            '2026-12-07T09:30:00+00:00,"voi\x07ce",80,180',
            "row 3, column `channel`: 'voi\\x07ce' holds a control character (a line break, tab "
            "or NUL byte); a channel name is one line of printable text",
        ),
        (
            '2026-12-07T09:30:00+00:00,"voi\nce",80,180',
            "row 3, column `channel`: 'voi\\nce' holds a control character",
        ),
    ],
)
def test_a_hostile_workload_exits_with_code_2_naming_row_column_value_and_limit(
    tmp_path: Path, row: str, expected: str
) -> None:
    workload = tmp_path / "workload.csv"
    workload.write_text(
        "interval_start,channel,volume,aht_seconds\n"
        f"2026-12-07T09:00:00+00:00,voice,100,180\n{row}\n"
    )
    flags = ["--service-level", "0.8", "--answer-seconds", "20", "--interval-minutes", "30"]
    result = CliRunner().invoke(
        app, ["requirements", str(workload), "-o", str(tmp_path / "out.csv"), *flags]
    )
    assert result.exit_code == 2, result.output[:300]
    assert expected in " ".join(result.stderr.split()), result.stderr[:300]
    assert len(result.stderr) < 4_000


@pytest.mark.parametrize(
    ("first_row", "shown"),
    [
        # Naive, New York time: UTC is in year 10000, which pandas could not localize (a
        # traceback before).
        ("9999-12-31T23:45:00,voice,3,300", "'9999-12-31T23:45:00'"),
        # With offsets, read by Arrow as instants: written out as year 1 (accepted before).
        ("0001-01-01T00:00:00Z,voice,3,300", "'0001-01-01T00:00:00Z'"),
        ("9999-12-31T23:45:00-05:00,voice,3,300", "'10000-01-01T04:45:00Z'"),
    ],
)
def test_a_workload_instant_outside_the_years_1000_to_9999_is_refused_by_row(
    tmp_path: Path, first_row: str, shown: str
) -> None:
    workload = tmp_path / "workload.csv"
    workload.write_text(
        f"interval_start,channel,volume,aht_seconds\n{first_row}\n"
        "2026-12-07T09:00:00-05:00,voice,4,300\n2026-12-07T09:15:00-05:00,voice,5,300\n"
    )
    flags = ["--service-level", "0.8", "--answer-seconds", "20", "--interval-minutes", "15"]
    result = CliRunner().invoke(
        app,
        ["requirements", str(workload), "-o", str(tmp_path / "out.csv"), *flags,
         "--timezone", "America/New_York"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output[-500:]
    assert (
        f"row 2, column `interval_start`: {shown} is outside 1000-01-02 to 9999-12-30 (UTC)"
        in " ".join(result.stderr.split())
    ), result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_requirements_names_an_unknown_timezone_instead_of_a_traceback(tmp_path: Path) -> None:
    workload = tmp_path / "workload.csv"
    workload.write_text(
        "interval_start,channel,volume,aht_seconds\n2026-12-07T09:00:00Z,voice,4,300\n"
        "2026-12-07T09:15:00Z,voice,5,300\n"
    )
    result = runner.invoke(
        app,
        ["requirements", str(workload), "-o", str(tmp_path / "out.csv"), "--timezone", "Mars/Base"],
    )
    assert result.exit_code == 2
    assert "'Mars/Base' is not an IANA timezone name" in result.output
