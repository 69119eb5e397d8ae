"""How the command line reports bad input: a clear message on stderr and exit code 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from forecast.errors import ForecastError
from scheduler.errors import SchedulerError

EXIT_BAD_INPUT = 2
P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, details: list[str] | None = None) -> NoReturn:
    """Print ``message`` and one line per detail to stderr, then exit with code 2."""
    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    stderr.print("[bold red]error:[/] ", end="")
    stderr.print(message, markup=False)
    for line in details or []:
        stderr.print(f"  - {line}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def command_guard(function: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so that domain errors and unreadable files become :func:`fail` messages,
    never tracebacks."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except (ForecastError, SchedulerError) as error:
            fail(str(error), error.errors if len(error.errors) > 1 else None)
        except (OSError, UnicodeDecodeError) as error:
            fail(f"cannot read or write a file: {error}")

    return wrapper
