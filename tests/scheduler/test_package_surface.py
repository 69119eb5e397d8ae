"""The scheduler's subpackages hand out their public names lazily and nothing else."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ("scheduler.staffing", "scheduler.shifts")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_of_a_subpackage_resolves_to_one_of_its_modules(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        defined_in = getattr(value, "__module__", None)
        assert defined_in is None or defined_in.startswith(f"{package}."), (name, defined_in)


@pytest.mark.parametrize("package", PACKAGES)
def test_an_unknown_name_of_a_subpackage_is_an_attribute_error(package: str) -> None:
    with pytest.raises(AttributeError, match="no attribute 'solve_everything'"):
        _ = importlib.import_module(package).solve_everything


def test_importing_the_subpackages_loads_neither_pandas_nor_or_tools() -> None:
    probe = (
        "import scheduler.staffing, scheduler.shifts, sys; "
        "print(' '.join(m for m in ('pandas', 'ortools') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []


def test_the_erlang_command_runs_without_pandas_or_or_tools() -> None:
    probe = (
        "import sys; from typer.testing import CliRunner; import api.cli; "
        "result = CliRunner().invoke(api.cli.app, ['erlang', '--volume', '100', "
        "'--aht-seconds', '240', '--service-level', '0.8', '--answer-seconds', '20']); "
        "assert result.exit_code == 0, result.output; "
        "print(' '.join(m for m in ('pandas', 'ortools') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []
