"""The manager's page: one server-rendered HTML page, its script and style, and plotly.js.

Nothing here needs an API key: the page holds no data. Its script asks for the key, keeps it
in the tab's ``sessionStorage`` and sends it with every call to ``/v1`` and to
``/app/figures``. plotly.js is served from the installed ``plotly`` package, so the page works
without a network.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Final

import plotly
from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import FileResponse, RedirectResponse, Response

from forecast.limits import MAX_AHT_SECONDS, MIN_AHT_SECONDS

WEB_DIR: Final = Path(__file__).parent
STATIC_DIR: Final = WEB_DIR / "static"
PLOTLY_JS: Final = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ASSET_CACHE_SECONDS: Final = 3600

router = APIRouter(include_in_schema=False)


@cache
def _templates() -> Jinja2Templates:
    return Jinja2Templates(directory=WEB_DIR / "templates")


@cache
def _asset_version() -> str:
    """Changes whenever the page's script or style changes, so a browser never runs an old
    script against a new page."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@router.get("/")
def root() -> RedirectResponse:
    """The service's front door is the page."""
    return RedirectResponse("/app/", status_code=307)


@router.get("/app")
def app_without_slash() -> RedirectResponse:
    """``/app`` and ``/app/`` are the same page."""
    return RedirectResponse("/app/", status_code=307)


@router.get("/app/")
def page(request: Request) -> Response:
    """The page: sign in, history, settings, forecast and schedule."""
    return _templates().TemplateResponse(
        request,
        "index.html",
        {
            "plotly_version": plotly.__version__,
            "version": _asset_version(),
            # the bounds the service checks (forecast.limits), for the field and its message
            "aht_bounds": (round(MIN_AHT_SECONDS), round(MAX_AHT_SECONDS)),
        },
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/app/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed ``plotly`` package (no CDN)."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": f"public, max-age={ASSET_CACHE_SECONDS}"},
    )
