"""``staffcast demo``: the service with a demo team loaded from ``data/sample/`` (``make run``).

Loads what exists of the sample — history, special days, targets, rules, roster — into a team
named ``demo`` (once; later runs keep what is stored), issues a fresh demo key (revoking the
previous one), prints the URL and the key, and serves. Missing sample files are reported
plainly and skipped.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from api.cli.errors import command_guard

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from api.storage.models import Team

DEMO_TEAM = "demo"
DEMO_TIMEZONE = "America/New_York"
DEMO_COUNTRY = "US"
SAMPLE_DIR = Path("data/sample")


def _note(console: Console, what: str, message: str) -> None:
    console.print(f"  [bold]{what:<13}[/] {escape(message)}", highlight=False)


def _load_history(session: Session, team: Team, sample_dir: Path, console: Console) -> None:
    from api.storage.history_import import import_history, upload_count

    path = sample_dir / "history.csv"
    if upload_count(session, team.id):
        _note(console, "history", "already loaded (kept)")
        return
    if not path.exists():
        _note(console, "history", f"{path} is missing; the demo team starts without history")
        return
    started = time.perf_counter()
    upload = import_history(session, team, path.read_bytes(), filename=path.name)
    summary = upload.summary
    _note(
        console,
        "history",
        f"{upload.rows_added:,} intervals of {', '.join(summary['channels'])} from "
        f"{summary['first_interval'][:10]} to {summary['last_interval'][:10]} "
        f"({time.perf_counter() - started:.1f} s)",
    )


def _load_settings_file(team: Team, path: Path, console: Console) -> None:
    """targets.toml or rules.toml, checked by the parser that uses it, into the team."""
    from scheduler.shifts import rules_from_dict
    from scheduler.staffing import Targets

    what = path.stem  # "targets" or "rules"
    if getattr(team, what) is not None:
        _note(console, what, "already set (kept)")
    elif not path.exists():
        _note(console, what, f"{path} is missing; set {what} with PATCH /v1/settings")
    else:
        document = tomllib.loads(path.read_text())
        if what == "targets":
            Targets.from_dict(document)
        else:
            rules_from_dict(document)
        setattr(team, what, document)
        _note(console, what, f"from {path}")


def _load_special_days(team: Team, sample_dir: Path, console: Console) -> None:
    from forecast import parse_special_days

    path = sample_dir / "special_days.csv"
    if team.special_days:
        _note(console, "special days", "already set (kept)")
    elif not path.exists():
        _note(console, "special days", f"{path} is missing; none set")
    else:
        days = parse_special_days(path.read_bytes())
        team.special_days = [
            {
                "date": day.date.isoformat(),
                "name": day.name,
                "kind": day.kind,
                "multiplier": day.multiplier,
            }
            for day in days
        ]
        _note(console, "special days", ", ".join(f"{day.date} {day.name}" for day in days))


def _load_agents(session: Session, team: Team, sample_dir: Path, console: Console) -> None:
    from api.storage.agents import records_from_csv, store_roster, team_agents

    path = sample_dir / "agents.csv"
    if team_agents(session, team.id):
        _note(console, "roster", "already loaded (kept)")
    elif not path.exists():
        _note(console, "roster", f"{path} is missing; schedules will use open positions")
    else:
        written = store_roster(session, team.id, records_from_csv(path.read_bytes()), replace=True)
        _note(console, "roster", f"{written.added} agents from {path}")


@command_guard
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    sample_dir: Annotated[
        Path, typer.Option(help="Folder with history.csv, targets.toml, rules.toml, agents.csv.")
    ] = SAMPLE_DIR,
    serve: Annotated[
        bool, typer.Option(help="Start the service after loading (--no-serve: load only).")
    ] = True,
) -> None:
    """Load the sample data into a `demo` team, print its API key, and run the service."""
    from sqlalchemy import update

    from api.settings import ServiceSettings
    from api.storage.database import Database
    from api.storage.migrate import upgrade_database
    from api.storage.models import ApiKey, utc_now
    from api.storage.teams import UnknownTeamError, create_team, find_team, issue_key

    console = Console(highlight=False, soft_wrap=True)
    settings = ServiceSettings()
    database = Database(settings.resolved_database_url())
    try:
        upgrade_database(database)
        console.print(f"Loading {sample_dir}/ into team '{DEMO_TEAM}':")
        with database.session(write=True) as session:
            try:
                team = find_team(session, DEMO_TEAM)
            except UnknownTeamError:
                team = create_team(session, DEMO_TEAM, timezone=DEMO_TIMEZONE)
                team.holiday_country = DEMO_COUNTRY
            _load_history(session, team, sample_dir, console)
            _load_special_days(team, sample_dir, console)
            _load_settings_file(team, sample_dir / "targets.toml", console)
            _load_settings_file(team, sample_dir / "rules.toml", console)
            _load_agents(session, team, sample_dir, console)
            session.execute(
                update(ApiKey)
                .where(
                    ApiKey.team_id == team.id, ApiKey.label == "demo", ApiKey.revoked_at.is_(None)
                )
                .values(revoked_at=utc_now())
            )
            issued = issue_key(session, team, label="demo")
            session.commit()
    finally:
        database.dispose()
    url = f"http://{host}:{port}"
    console.print(
        f"\nstaffcast is at [bold]{url}[/] (API docs: {url}/docs)\n"
        f"Demo API key (team '{DEMO_TEAM}'): [bold]{issued.token}[/]\n"
        f'Try: curl -H "Authorization: Bearer {issued.token}" {url}/v1/history/summary\n'
    )
    if serve:
        import uvicorn

        from api.service import create_app

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            access_log=settings.access_log,
        )


def register(app: typer.Typer) -> None:
    """Add ``staffcast demo`` to the command line."""
    app.command("demo")(demo)
