"""Options that commands share: `plan` carries its parts' options, help reads at 80 columns,
`forecast` reports the AHT it wrote, and `history summary` knows the holidays."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pytest
import typer
import typer.main
from typer.testing import CliRunner

from api.cli import app
from api.cli.options import HistoryOptions, with_option_groups
from tests.cli.test_plan_command import RULES, TARGETS

runner = CliRunner()


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and sub-command (typer vendors its own click: duck-typed)."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(path) or "staffcast" for path, _ in COMMANDS]
)
def test_every_help_fits_80_columns_with_every_option_name_whole(
    path: tuple[str, ...], command: Any
) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "<bool>" not in text
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines()), text
    words = set(re.findall(r"[-\w.|]+", text))
    for parameter in command.params:
        if parameter.param_type_name == "option":
            for name in (*parameter.opts, *parameter.secondary_opts):
                assert name in words, f"{name} is cut or missing in:\n{text}"
            metavar = parameter.metavar
            assert metavar is None or len(metavar) <= 12, f"{name}: long metavar {metavar}"


def _history_without_aht(path: Path, *, holidays_quiet: bool = False) -> None:
    rng = np.random.default_rng(5)
    starts = pd.date_range("2026-10-05", "2027-01-31 23:30", freq="30min")
    hour = starts.hour.to_numpy()
    volume = np.where((hour >= 8) & (hour < 18), rng.poisson(20, starts.size), 0)
    if holidays_quiet:
        closed = starts.normalize().isin(pd.to_datetime(["2026-12-25", "2027-01-01"]))
        volume = np.where(closed, 0, volume)
    pd.DataFrame(
        {
            "interval_start": starts.strftime("%Y-%m-%dT%H:%M"),
            "channel": "voice",
            "volume": volume,
        }
    ).to_csv(path, index=False)


def test_plan_takes_the_options_of_forecast_requirements_and_schedule(tmp_path: Path) -> None:
    _history_without_aht(tmp_path / "history.csv")
    (tmp_path / "rules.toml").write_text(RULES)
    (tmp_path / "targets.toml").write_text(TARGETS)
    out = tmp_path / "plan"
    result = runner.invoke(
        app,
        [
            "plan",
            str(tmp_path / "history.csv"),
            *("--week-start", "2026-12-07"),
            *("--targets", str(tmp_path / "targets.toml")),
            *("--rules", str(tmp_path / "rules.toml")),
            *("--out", str(out)),
            *("--default-aht-seconds", "400"),
            *("--volume-column", "volume_high"),
            *("--gap-percent", "2"),
            "--deterministic",
            *("--time-limit-seconds", "5", "--workers", "1"),
        ],
    )
    assert result.exit_code == 0, result.output
    forecast = pd.read_csv(out / "forecast.csv")
    assert forecast.loc[forecast["volume"] > 0, "aht_seconds"].eq(400).all()
    requirements = pd.read_csv(out / "requirements.csv")
    staffed = requirements.groupby("channel")["volume"].max()
    assert staffed["voice"] == pytest.approx(forecast["volume_high"].max())


@pytest.mark.parametrize("seconds", ["-5", "0.5", "86401", "nan"])
def test_plan_refuses_a_default_aht_outside_the_upload_limits(tmp_path: Path, seconds: str) -> None:
    _history_without_aht(tmp_path / "history.csv")
    (tmp_path / "rules.toml").write_text(RULES)
    (tmp_path / "targets.toml").write_text(TARGETS)
    result = runner.invoke(
        app,
        [
            "plan",
            str(tmp_path / "history.csv"),
            *("--week-start", "2026-12-07"),
            *("--targets", str(tmp_path / "targets.toml")),
            *("--rules", str(tmp_path / "rules.toml")),
            *("--out", str(tmp_path / "plan")),
            *("--default-aht-seconds", seconds),
        ],
    )
    assert result.exit_code == 2
    assert (
        f"--default-aht-seconds {float(seconds):g} must be a number of seconds from 1 to 86400"
        in (" ".join(result.output.split()))
    )


def test_forecast_prints_the_default_aht_it_wrote_not_zero(tmp_path: Path) -> None:
    _history_without_aht(tmp_path / "history.csv")
    result = runner.invoke(
        app,
        [
            "forecast",
            str(tmp_path / "history.csv"),
            *("--start", "2026-12-07", "--days", "7"),
            *("--default-aht-seconds", "400"),
            *("-o", str(tmp_path / "forecast.csv")),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    voice = next(line for line in result.output.splitlines() if "voice" in line)
    cells = [cell.strip() for cell in re.split(r"[│┃|]", voice) if cell.strip()]
    assert cells[-1] == "400"


def test_history_summary_lists_holidays_as_expected_days_not_outliers(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    _history_without_aht(path, holidays_quiet=True)
    plain = runner.invoke(app, ["history", "summary", str(path), "--json"])
    assert plain.exit_code == 0, plain.output
    flagged = {o["start"][:10] for o in json.loads(plain.output)["outliers"]}
    assert {"2026-12-25", "2027-01-01"} <= flagged
    special = tmp_path / "special.csv"
    special.write_text("date,name,kind,multiplier\n2027-01-01,Team day,closed,\n")
    with_calendar = runner.invoke(
        app,
        ["history", "summary", str(path), "--country", "US", "--special-days", str(special)],
        terminal_width=200,
    )
    assert with_calendar.exit_code == 0, with_calendar.output
    as_json = runner.invoke(app, ["history", "summary", str(path), "--country", "us", "--json"])
    document = json.loads(as_json.output)
    assert {o["start"][:10] for o in document["outliers"]}.isdisjoint({"2026-12-25", "2027-01-01"})
    expected = {o["start"][:10]: o["why"] for o in document["special_day_outliers"]}
    assert expected["2026-12-25"].startswith("holiday (Christmas Day)")
    assert "Special days (expected, not outliers)" in with_calendar.output
    assert "closed (Team day)" in with_calendar.output


@dataclasses.dataclass(frozen=True)
class Pair:
    """A group of two options, for :func:`with_option_groups`."""

    left: Annotated[int, typer.Option(help="Left.")] = 1
    right: Annotated[int, typer.Option(help="Right.")] = 2


def test_an_option_group_is_one_parameter_in_code_and_its_fields_on_the_command_line() -> None:
    seen: list[tuple[str, Pair]] = []

    @with_option_groups
    def command(name: str, *, pair: Pair) -> None:
        seen.append((name, pair))

    little = typer.Typer()
    little.command()(command)
    result = runner.invoke(little, ["x", "--right", "5"])
    assert result.exit_code == 0, result.output
    assert seen == [("x", Pair(left=1, right=5))]


def test_without_a_timezone_naive_times_keep_the_countrys_clock_and_with_one_they_do_not() -> None:
    assert HistoryOptions(country="IL").calendar().clock_zone == "Asia/Jerusalem"
    assert HistoryOptions(country="IL").zone == "UTC"
    # A zone given, UTC included, is taken at its word; a country of several clocks has none.
    assert HistoryOptions(country="IL", timezone="UTC").calendar().clock_zone is None
    assert HistoryOptions(country="US").calendar().clock_zone is None
