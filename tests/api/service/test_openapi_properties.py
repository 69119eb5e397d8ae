"""A property-based run of the whole OpenAPI schema (schemathesis): no request, valid or not,
gets a 500, and every response matches what the schema documents.

Bounded (a few examples per operation, SQLite only) so that it stays a few seconds long.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.types import Receive, Scope, Send

from api.service import create_app
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.migrate import upgrade_database
from api.storage.teams import create_team, issue_key

MAX_EXAMPLES = 8


class DelegatingApp:
    """An ASGI app that forwards to the app a fixture builds (on a temporary database).

    Schemathesis needs the app when it generates the tests (at collection time); the real
    app only exists once the fixture has made its database, so the schema gets this stand-in.
    """

    def __init__(self) -> None:
        self.target: FastAPI | None = None
        self.headers: dict[str, str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.target is not None, "the api_app fixture sets the app"
        await self.target(scope, receive, send)


DELEGATE = DelegatingApp()
# Building an app does no I/O (its database opens in the lifespan), so the schema can be read
# at collection time to generate one test per operation.
schema = schemathesis.openapi.from_dict(create_app(ServiceSettings()).openapi())
schema.app = DELEGATE


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DelegatingApp]:
    """Route the generated requests to an app on its own SQLite database, with a team."""
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    service_settings = ServiceSettings(
        data_dir=data_dir, max_upload_bytes=1024 * 1024, job_workers=1, solver_time_limit_seconds=2
    )
    database = Database(service_settings.resolved_database_url())
    upgrade_database(database)
    with database.session(write=True) as session:
        token = issue_key(session, create_team(session, "fuzz")).token
        session.commit()
    database.dispose()
    DELEGATE.target = create_app(service_settings)
    DELEGATE.headers = {"Authorization": f"Bearer {token}"}
    yield DELEGATE
    shutdown_lifespans()  # schemathesis started the app's lifespan; this stops its job pool
    DELEGATE.target = None


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_gets_a_server_error_or_an_undocumented_response(
    case: schemathesis.Case[Any], api_app: DelegatingApp
) -> None:
    # Every check but positive_data_acceptance: the domain parsers refuse some values the
    # schema cannot express (a service level without its answer time, a country with no
    # holidays), with a documented 422, by design.
    case.call_and_validate(headers=api_app.headers, excluded_checks=[positive_data_acceptance])
