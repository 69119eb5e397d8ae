"""``staffcast serve``, ``db upgrade``, ``teams create``, ``keys create/revoke/list`` (and
``demo``, in :mod:`api.cli.demo`).

All of them read the service settings from ``STAFFCAST_*`` environment variables (see
:class:`api.settings.ServiceSettings`): by default a SQLite file in ``.staffcast/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from api.cli.errors import fail

if TYPE_CHECKING:
    from api.storage.database import Database

# Storage, settings and the web stack are imported inside the commands so that the rest of
# the command line does not pay for them at start-up.

HostOption = Annotated[str, typer.Option(help="Interface to listen on (0.0.0.0 for all).")]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="TCP port to listen on.")]


def _database() -> Database:
    """The migrated database named by the environment's settings."""
    from api.settings import ServiceSettings
    from api.storage.database import Database
    from api.storage.migrate import upgrade_database

    database = Database(ServiceSettings().resolved_database_url())
    upgrade_database(database)
    return database


def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    from api.settings import ServiceSettings
    from api.storage.database import Database
    from api.storage.migrate import current_revision, upgrade_database

    settings = ServiceSettings()
    database = Database(settings.resolved_database_url())
    try:
        upgrade_database(database)
        revision = current_revision(database)
    finally:
        database.dispose()
    typer.echo(f"database {database.engine.url.render_as_string()} is at revision {revision}")


def teams_create(
    name: Annotated[str, typer.Argument(help="Name of the new team, e.g. 'support-emea'.")],
    timezone: Annotated[
        str, typer.Option(help="IANA timezone the team plans in, e.g. Europe/Paris.")
    ] = "UTC",
) -> None:
    """Create a team (then give it a key with `staffcast keys create NAME`)."""
    from api.storage.teams import TeamExistsError, create_team

    database = _database()
    try:
        with database.session(write=True) as session:
            team = create_team(session, name, timezone=timezone)
            session.commit()
            typer.echo(f"created team {team.name!r} (id {team.id})")
    except (TeamExistsError, ValueError) as error:
        fail(str(error))
    finally:
        database.dispose()


def keys_create(
    team: Annotated[str, typer.Argument(help="Name of the team the key acts for.")],
    label: Annotated[str, typer.Option(help="A note to recognise the key by later.")] = "",
) -> None:
    """Create an API key for a team and print it once (only its hash is stored)."""
    from api.storage.teams import UnknownTeamError, find_team, issue_key

    database = _database()
    try:
        with database.session(write=True) as session:
            issued = issue_key(session, find_team(session, team), label=label)
            session.commit()
    except UnknownTeamError as error:
        fail(str(error))
    finally:
        database.dispose()
    Console(stderr=True).print(
        f"API key [bold]{issued.key_id}[/] for team {issued.team_name!r}; "
        "store it now, it is not shown again:"
    )
    typer.echo(issued.token)


def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the part after `sc_`).")],
) -> None:
    """Revoke an API key; requests made with it are refused from now on."""
    from api.storage.teams import UnknownKeyError, revoke_key

    database = _database()
    try:
        with database.session(write=True) as session:
            key = revoke_key(session, key_id)
            session.commit()
            typer.echo(f"revoked key {key.id}")
    except UnknownKeyError as error:
        fail(str(error))
    finally:
        database.dispose()


def keys_list(
    team: Annotated[str, typer.Argument(help="Name of the team.")],
) -> None:
    """List a team's API keys (ids, labels, whether revoked; never the secrets)."""
    from api.storage.teams import UnknownTeamError, find_team, team_keys

    database = _database()
    try:
        with database.session() as session:
            found = find_team(session, team)
            for key in team_keys(session, found.id):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                typer.echo(f"{key.id}  {state:<18} {key.created_at:%Y-%m-%d %H:%M}  {key.label}")
    except UnknownTeamError as error:
        fail(str(error))
    finally:
        database.dispose()


WorkersOption = Annotated[
    int,
    typer.Option(
        min=1,
        max=64,
        help="Server processes sharing the port (about one per CPU core); they share the "
        "database and its jobs.",
    ),
]


def serve(
    host: HostOption = "127.0.0.1", port: PortOption = 8000, workers: WorkersOption = 1
) -> None:
    """Run the HTTP service (API docs at /docs)."""
    import os

    import uvicorn

    from api.settings import ServiceSettings

    # Migrate once here, before the worker processes start and each checks the schema (two
    # processes migrating an empty database at once would both create the tables). This also
    # fails once, with a clear message, on a bad STAFFCAST_* variable.
    _database().dispose()
    # Each worker process builds its own app, with settings from the same environment; each
    # takes its share of a PostgreSQL server's connections.
    os.environ["STAFFCAST_SERVER_PROCESSES"] = str(workers)
    uvicorn.run(
        "api.service:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=ServiceSettings().access_log,
    )


def register(app: typer.Typer) -> None:
    """Add the service commands to the ``staffcast`` command line."""
    from api.cli import demo

    app.command("serve")(serve)
    demo.register(app)
    db = typer.Typer(help="Manage the service database.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    app.add_typer(db, name="db")
    teams = typer.Typer(help="Manage teams.", no_args_is_help=True)
    teams.command("create")(teams_create)
    app.add_typer(teams, name="teams")
    keys = typer.Typer(help="Manage API keys.", no_args_is_help=True)
    keys.command("create")(keys_create)
    keys.command("revoke")(keys_revoke)
    keys.command("list")(keys_list)
    app.add_typer(keys, name="keys")
