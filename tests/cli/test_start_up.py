"""The command line imports heavy libraries only in the commands that use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
import typer

import api.cli
from api.cli import COMMAND_MODULES, MODULES_WITH_SERVICE, application
from api.cli.forecasting import ModelName
from forecast.selection import ModelName as ForecasterModelName

HEAVY = ("pandas", "statsmodels", "ortools", "scipy", "plotly", "sqlalchemy", "pyarrow")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}; import sys; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_loading_the_command_line_for_help_imports_no_heavy_library() -> None:
    assert _loaded_after("import api.cli") == []
    assert (
        _loaded_after(
            "from typer.main import get_command; import api.cli; get_command(api.cli.app)"
        )
        == []
    )


def test_staffcast_help_imports_neither_pandas_nor_statsmodels() -> None:
    """``staffcast --help`` and each command's help, as a user runs them (issue #14)."""
    for arguments in (["--help"], ["requirements", "--help"], ["history", "summary", "--help"]):
        command = (
            "from typer.testing import CliRunner; import api.cli; "
            f"result = CliRunner().invoke(api.cli.app, {arguments!r}); "
            "assert result.exit_code == 0, result.output"
        )
        assert _loaded_after(command) == [], arguments


def test_the_input_limits_load_without_pandas_or_statsmodels() -> None:
    """The command line reads :mod:`forecast.limits`; ``forecast`` resolves its other names
    lazily, so the limits cost no heavy import."""
    assert _loaded_after("import forecast.limits, forecast.errors") == []
    assert "statsmodels" in _loaded_after("from forecast import forecast_workload")


def test_the_erlang_command_imports_no_heavy_library() -> None:
    """``staffcast erlang`` (Erlang C) runs on numpy alone: no scipy, pandas or OR-Tools."""
    command = (
        "from typer.testing import CliRunner; import api.cli; "
        "result = CliRunner().invoke(api.cli.app, ['erlang', '--volume', '100', "
        "'--aht-seconds', '180', '--service-level', '0.8', '--answer-seconds', '20']); "
        "assert result.exit_code == 0, result.output"
    )
    assert _loaded_after(command) == []


def test_staffing_a_clean_workload_file_imports_neither_pandas_nor_scipy_nor_ortools(
    tmp_path: Path,
) -> None:
    """The numpy and Arrow path of ``staffcast requirements``; a bad file after it still gets
    the pandas path and its message (pyarrow finds pandas again)."""
    clean, bad = tmp_path / "clean.csv", tmp_path / "bad.csv"
    header = "interval_start,channel,volume,aht_seconds\n"
    clean.write_text(
        header + "2026-12-07T09:00:00Z,voice,4,300\n2026-12-07T09:15:00Z,voice,9,300\n"
    )
    bad.write_text(header + "2026-12-07T09:00:00Z,voice,4,300\n2026-12-07T09:15:00Z,voice,-9,300\n")
    flags = "'--service-level', '0.8', '--answer-seconds', '20'"
    run = (
        "from typer.testing import CliRunner; import api.cli; "
        f"result = CliRunner().invoke(api.cli.app, ['requirements', {str(clean)!r}, '-o', "
        f"{str(tmp_path / 'out.csv')!r}, {flags}]); "
        "assert result.exit_code == 0, result.output"
    )
    assert [name for name in _loaded_after(run) if name != "pyarrow"] == []
    run_bad = run.replace(repr(str(clean)), repr(str(bad))).replace(
        "result.exit_code == 0", "result.exit_code == 2 and 'is negative' in result.output"
    )
    assert "pandas" in _loaded_after(run_bad)


def test_the_model_option_offers_exactly_the_forecasters_models() -> None:
    assert get_args(ModelName) == get_args(ForecasterModelName)


def _names(application: typer.Typer) -> set[str]:
    commands = {command.name for command in application.registered_commands}
    return {
        str(name) for name in commands | {group.name for group in application.registered_groups}
    }


def test_each_command_is_registered_by_the_module_the_command_table_names() -> None:
    for module in MODULES_WITH_SERVICE:
        expected = {command for command, owner in COMMAND_MODULES.items() if owner == module}
        assert _names(application([module])) == expected, module
    assert _names(api.cli.app) == set(COMMAND_MODULES)


def _main_run(arguments: list[str], probe: str, environment: dict[str, str] | None = None) -> str:
    """What ``probe`` prints after ``staffcast ARGUMENTS`` ran in a new process (which a
    short run ends with ``sys.exit`` here, not ``os._exit``, for the probe to run)."""
    code = (
        f"import sys, os; sys.argv = ['staffcast', *{arguments!r}]; import api.cli\n"
        "api.cli._end_now = sys.exit\n"
        "try:\n    api.cli.main()\nexcept SystemExit as stop:\n    assert not stop.code\n"
        f"print('|'); {probe}"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return result.stdout.rpartition("|")[2].strip()


ERLANG = ["erlang", "--volume", "100", "--aht-seconds", "180", "--service-level", "0.8"]


def test_a_command_loads_only_the_module_that_registers_it() -> None:
    others = [f"api.cli.{module}" for module in MODULES_WITH_SERVICE if module != "staffing"]
    loaded = _main_run(
        [*ERLANG, "--answer-seconds", "20"],
        f"print(' '.join(m for m in {others!r} if m in sys.modules))",
    )
    assert loaded == ""
    assert _main_run(["plan", "--help"], "print('api.cli.plan' in sys.modules)") == "True"


def test_short_runs_start_openblas_with_one_thread_unless_told_and_collect_no_garbage() -> None:
    probe = "import gc; print(os.environ.get('OPENBLAS_NUM_THREADS'), gc.isenabled())"
    unset = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    erlang = [*ERLANG, "--answer-seconds", "20"]
    assert _main_run(erlang, probe, unset) == "1 False"
    assert _main_run(["--help"], probe, unset) == "1 False"
    assert _main_run(erlang, probe, {**unset, "OPENBLAS_NUM_THREADS": "2"}) == "2 False"
    assert _main_run(["plan", "--help"], probe, unset) == "None True"


def _console_script(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``staffcast ARGUMENTS`` as the console script runs it (``api.cli.main``)."""
    code = f"import sys; from api.cli import main; sys.argv = ['staffcast', *{arguments!r}]; main()"
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)


def test_a_short_run_ends_with_its_status_and_all_its_output(tmp_path: Path) -> None:
    """The short runs (``erlang``, ``requirements``, the help) skip the interpreter's teardown
    at the end: their output and exit status are those of a normal exit."""
    done = _console_script(
        "erlang", "--volume", "100", "--aht-seconds", "180", "--service-level", "0.8",
        "--answer-seconds", "20",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Offered load" in done.stdout
    assert "P(wait)" in done.stdout

    missing = _console_script("requirements", str(tmp_path / "none.csv"), "-o", "x.csv")
    assert missing.returncode == 2
    assert "no such file" in missing.stderr

    unknown = _console_script("erlang", "--volume", "many")
    assert unknown.returncode == 2
    assert "many" in unknown.stderr

    assert _console_script("--help").stdout.startswith("Usage: staffcast")


def _ended_now(code: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """A process that writes to stdout without flushing (its stdout buffered, whatever
    ``PYTHONUNBUFFERED`` says here), then ends with ``_end_now(code)``."""
    program = f"import sys, api.cli; sys.stdout.write('unflushed'); api.cli._end_now({code})"
    buffered = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", program], check=False, stdout=stdout, stderr=subprocess.PIPE,
        text=True, env=buffered,
    )  # fmt: skip


def test_the_quick_end_flushes_the_output_and_keeps_sys_exits_status_and_message() -> None:
    for code, status, stderr in (("None", 0, ""), ("3", 3, ""), ("'no way'", 1, "no way\n")):
        ended = _ended_now(code)
        assert (ended.stdout, ended.returncode, ended.stderr) == ("unflushed", status, stderr)


def test_output_the_quick_end_cannot_write_makes_a_success_a_failure() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full to write to")
    with Path("/dev/full").open("w") as full:
        assert _ended_now("None", stdout=full.fileno()).returncode == api.cli.EXIT_OUTPUT_LOST
        assert _ended_now("2", stdout=full.fileno()).returncode == 2
