"""How the command line reports bad input: a clear message on stderr and exit code 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Final, NoReturn, ParamSpec, TypeVar

import typer

EXIT_BAD_INPUT = 2
# The domain packages' error bases, by module: looked up only if the module was imported (an
# error of theirs cannot have been raised otherwise), so that importing this module does not
# load forecast/ (statsmodels) or scheduler/ (OR-Tools).
DOMAIN_ERRORS: Final = (
    ("forecast.errors", "ForecastError"),
    ("scheduler.errors", "SchedulerError"),
)
P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, details: list[str] | None = None) -> NoReturn:
    """Print ``message`` and one line per detail to stderr, then exit with code 2."""
    from rich.console import Console  # here: a command that succeeds need not load rich

    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    stderr.print("[bold red]error:[/] ", end="")
    stderr.print(message, markup=False)
    for line in details or []:
        stderr.print(f"  - {line}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def domain_error_lines(error: BaseException) -> list[str] | None:
    """The ``errors`` of a forecast or scheduler error, or ``None`` for any other error."""
    for module_name, class_name in DOMAIN_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(error, getattr(module, class_name)):
            lines: list[str] = list(getattr(error, "errors", [str(error)]))
            return lines
    return None


def command_guard(function: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so that domain errors and unreadable files become :func:`fail` messages,
    never tracebacks."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except (OSError, UnicodeDecodeError) as error:
            fail(f"cannot read or write a file: {error}")
        except ValueError as error:  # the domain errors are ValueErrors
            errors = domain_error_lines(error)
            if errors is None:
                raise
            fail(str(error), errors if len(errors) > 1 else None)
        except MemoryError:
            fail(
                "the input needs more memory than this machine has; nothing was written. Use "
                "a smaller file (fewer rows, a shorter span of dates)"
            )

    return wrapper
