"""The ``staffcast`` command line: one module per command, registered here."""

from __future__ import annotations

import typer

from api.cli import forecasting, history, plan, scheduling, service, simulation, staffing

app = typer.Typer(
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
staffing.register(app)
history.register(app)
forecasting.register(app)
scheduling.register(app)
simulation.register(app)
plan.register(app)
service.register(app)


def main() -> None:
    """Entry point of the ``staffcast`` console script."""
    app()
