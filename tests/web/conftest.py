"""A real service on loopback for the browser tests, and Debian's Chromium driven by
Playwright.

One uvicorn server (real app, SQLite file in a temporary folder) is shared by the whole
module run; every test gets its own team and API key, so tests do not see each other's data.
The browser is Debian's ``chromium`` package (``/usr/bin/chromium``), never one downloaded by
Playwright; when it or the Playwright client is missing the browser tests are skipped with the
reason (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import httpx
import pytest
import uvicorn

from api.service import create_app
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.migrate import upgrade_database
from api.storage.teams import create_team, issue_key

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_VARIABLE = "STAFFCAST_CHROMIUM"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
LAPTOP_WIDTH, LAPTOP_HEIGHT = 1280, 800


def chromium_path() -> str | None:
    """Debian's Chromium (or ``$STAFFCAST_CHROMIUM``), if installed."""
    configured = os.environ.get(CHROMIUM_VARIABLE)
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@cache
def api_routes() -> frozenset[str]:
    """``METHOD /path`` of every route in the service's OpenAPI document."""
    app = create_app(ServiceSettings(data_dir=Path(tempfile.gettempdir())))  # not started
    return frozenset(
        f"{method.upper()} {path}"
        for path, operations in app.openapi().get("paths", {}).items()
        for method in operations
    )


def needs_routes(*routes: str) -> pytest.MarkDecorator:
    """Skip a test, naming the ``/v1`` routes it waits for, while the service lacks them."""
    missing = [route for route in routes if route not in api_routes()]
    return pytest.mark.skipif(
        bool(missing),
        reason=f"waits on {', '.join(missing)} (issue 5): not in this service yet",
    )


@dataclass(frozen=True)
class LiveService:
    """The running service: its URL and its settings."""

    url: str
    settings: ServiceSettings


@dataclass(frozen=True)
class TeamKey:
    """A team made for one test and its API key."""

    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """Headers that authenticate as the team."""
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The real app under uvicorn on a free loopback port, with a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("service")
    settings = ServiceSettings(
        data_dir=folder,
        database_url=f"sqlite+pysqlite:///{folder / 'staffcast.db'}",
        job_workers=1,
        solver_time_limit_seconds=20,
        solver_workers=2,
    )
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="staffcast-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveService(url=f"http://127.0.0.1:{port}", settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def make_team(service: LiveService) -> Callable[[str], TeamKey]:
    """Create a team with an API key in the running service's database."""
    counter = iter(range(1_000_000))

    def make(timezone: str = "America/New_York") -> TeamKey:
        name = f"team-{os.getpid()}-{time.monotonic_ns()}-{next(counter)}"
        database = Database(service.settings.resolved_database_url())
        try:
            upgrade_database(database)
            with database.session(write=True) as session:
                team = create_team(session, name, timezone=timezone)
                issued = issue_key(session, team, label="browser test")
                session.commit()
                return TeamKey(name=team.name, token=issued.token)
        finally:
            database.dispose()

    return make


@pytest.fixture
def api(service: LiveService) -> Iterator[httpx.Client]:
    """A plain HTTP client on the running service (to arrange what a test does not drive)."""
    with httpx.Client(base_url=service.url, timeout=60) as client:
        yield client


def _unavailable(reason: str) -> NoReturn:
    """Skip locally; fail in CI, where ``.ci/run`` installs the browser and the client."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium with a fresh profile, or a skip naming what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Playwright client is not installed (pip install -e '.[dev]')")
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (Debian: apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, service: LiveService) -> Iterator[Page]:
    """A fresh browser context (own storage) on the page; page errors fail the test."""
    viewport: ViewportSize = {"width": LAPTOP_WIDTH, "height": LAPTOP_HEIGHT}
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15_000)
    # `expect` has its own 5 s default; a chart drawn while the shared 2-core CI machine runs
    # solver jobs can take longer, and a wait is not what these tests measure.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    errors: list[str] = []
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(f"{service.url}/app/")
    opened.wait_for_selector("body[data-ready=true]")
    try:
        yield opened
    finally:
        context.close()
    assert not errors, f"the page raised: {errors}"


def sign_in(page: Page, team: TeamKey) -> None:
    """Sign in through the form, as a manager would."""
    page.get_by_label("API key").fill(team.token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#signed-in:not([hidden])")


def screenshot(page: Page, name: str, selector: str | None = None) -> Path:
    """Save a screenshot of the page (or one element) under ``artifacts/screenshots``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.add_style_tag(content=".top { position: static; }")  # not drawn over the content
    if selector is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        page.locator(selector).screenshot(path=str(path))
    return path


def plotly_traces(page: Page, selector: str) -> list[dict[str, Any]]:
    """Name, type, meta and point count of every trace plotly drew in ``selector``."""
    traces: list[dict[str, Any]] = page.eval_on_selector(
        selector,
        """(node) => (node.data || []).map((trace) => ({
            name: trace.name, type: trace.type, meta: trace.meta || {},
            points: (trace.x || []).length,
        }))""",
    )
    return traces
