"""The command line imports heavy libraries only in the commands that use them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import get_args

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
