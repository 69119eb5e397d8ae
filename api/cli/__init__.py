"""The ``staffcast`` command line: one module per command, registered here.

A command's module is imported only when that command runs: ``staffcast erlang`` builds an
application with the staffing module's commands alone, so it neither imports the forecasting,
scheduling or service modules nor turns their dozens of options into parameters. ``app``, with
every command (``staffcast --help``, an unknown command, the tests), is built on first use.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterable
from typing import Final

import typer

# The modules in the order their commands are listed by ``staffcast --help``.
MODULES: Final = ("staffing", "history", "forecasting", "scheduling", "simulation", "plan")
MODULES_WITH_SERVICE: Final = (*MODULES, "service")
# Each command name (or command group) and the module that registers it.
COMMAND_MODULES: Final = {
    "erlang": "staffing",
    "requirements": "staffing",
    "history": "history",
    "forecast": "forecasting",
    "backtest": "forecasting",
    "schedule": "scheduling",
    "simulate": "simulation",
    "plan": "plan",
    "serve": "service",
    "demo": "service",
    "db": "service",
    "teams": "service",
    "keys": "service",
}
# Short runs without linear algebra (the staffing commands, the help): OpenBLAS need not start
# a thread per core (its threads spin up on numpy's import: about 60 ms of CPU, a quarter of
# `erlang`'s), and the cyclic garbage collector need not walk every object again and again
# while numpy, pyarrow and pydantic load (about 50 ms of a 1-million-row `requirements`); the
# process ends before any garbage matters.
SHORT_RUNS: Final = frozenset({"erlang", "requirements", None})


def application(modules: Iterable[str] = MODULES_WITH_SERVICE) -> typer.Typer:
    """A ``staffcast`` application with the commands of ``modules`` (of :data:`MODULES`)."""
    built = typer.Typer(
        name="staffcast",
        help=(
            "Workforce management for support teams: forecast contact volume, turn it into "
            "agents required per interval, and build weekly schedules."
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    for module in modules:
        importlib.import_module(f"api.cli.{module}").register(built)
    return built


def __getattr__(name: str) -> typer.Typer:
    """``app``: the application with every command, built once on first use (PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = application()
    globals()["app"] = built
    return built


def _command(arguments: list[str]) -> str | None:
    """The command: the first argument, as the application takes no option of its own but
    ``--help`` (``None`` for ``staffcast`` or ``staffcast --help``)."""
    return arguments[0] if arguments and not arguments[0].startswith("-") else None


def main() -> None:
    """Entry point of the ``staffcast`` console script."""
    command = _command(sys.argv[1:])
    if command in SHORT_RUNS:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        gc.disable()
    module = COMMAND_MODULES.get(command or "")
    if module is None:  # no command, or an unknown one: the full list in the help or error
        application()()
        return
    only = application([module])
    # With a single command typer would run it without its name; a root callback keeps the
    # group, so the command line reads the same as with the full application.
    only.callback()(lambda: None)
    only()
