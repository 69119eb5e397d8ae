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
from typing import Final, NoReturn

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
# The environment of a short run, unless set: OpenBLAS with one thread (above), and Arrow
# allocating through malloc, which keeps and reuses what it frees (see _keep_freed_memory),
# rather than through its mimalloc arenas, whose freed pages go back to the kernel and come
# back zeroed (on a virtual machine perhaps backed by the host afresh): 0.76 s against 1.02
# s for a 1-million-row `requirements` (median of 8, benchmarks.file_io's workload).
SHORT_RUN_ENVIRONMENT: Final = {"OPENBLAS_NUM_THREADS": "1", "ARROW_DEFAULT_MEMORY_POOL": "system"}
# The status of a run whose output could not be written, as CPython's own exit gives it.
EXIT_OUTPUT_LOST: Final = 120
# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD: Final = -1
M_TOP_PAD: Final = -2
M_MMAP_THRESHOLD: Final = -3


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
        for name, value in SHORT_RUN_ENVIRONMENT.items():
            os.environ.setdefault(name, value)
        gc.disable()
        _keep_freed_memory()
    try:
        _run(command)
    except SystemExit as done:  # typer ends every run so, an error or not
        if command not in SHORT_RUNS:
            raise
        _end_now(done.code)


def _run(command: str | None) -> None:
    """Run ``command`` (``None``: the help) with an application of its module's commands."""
    module = COMMAND_MODULES.get(command or "")
    if module is None:  # no command, or an unknown one: the full list in the help or error
        application()()
        return
    only = application([module])
    # With a single command typer would run it without its name; a root callback keeps the
    # group, so the command line reads the same as with the full application.
    only.callback()(lambda: None)
    only()


def _end_now(code: object) -> NoReturn:
    """End a short run as ``sys.exit(code)`` would, without the interpreter's teardown.

    The teardown frees every module and array one by one, which the kernel does again at the
    exit: 25-40 ms after a million-row ``requirements``. The command's files are closed by
    then; its output is flushed here. ``atexit`` handlers do not run (the short runs
    register none).

    Args:
        code: ``sys.exit``'s argument: ``None`` or a status, or a message for stderr (status
            1). A closed pipe (``staffcast ... | head``) loses what is left quietly; any
            other failure to write the output turns a success into status 120, as in CPython.
    """
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    status = code or 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError):
            status = status or EXIT_OUTPUT_LOST
    os._exit(status)


def _keep_freed_memory() -> None:
    """Let glibc's allocator keep the memory numpy frees and hand it out again.

    By default an array of more than 128 KiB gets pages of its own from the kernel and gives
    them back when freed, so the next array of the size is faulted in and zeroed afresh: a
    1-million-row ``requirements`` touched about 150 MB that way, a quarter of its time in
    the kernel. Up to 32 MiB per array (glibc's ceiling) now comes from the heap, which keeps
    up to 1 GiB of free memory (a short run ends long before it matters). Other C libraries:
    nothing to do.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_TRIM_THRESHOLD, 1 << 30)
    mallopt(M_TOP_PAD, 64 << 20)
    mallopt(M_MMAP_THRESHOLD, 32 << 20)
