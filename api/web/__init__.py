"""The manager's web page, served by the same app as the API.

:func:`install` adds the page, its assets and the figure routes to an app; the app factory
calls it. The page is plain server-rendered HTML plus a small script that calls ``/v1``.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from api.web import figures, routes

__all__ = ["install"]


def install(app: FastAPI) -> None:
    """Serve the page at ``/app/``, its assets under ``/app/static`` and
    ``/app/vendor/plotly.min.js``, and figure JSON under ``/app/figures``."""
    app.include_router(routes.router)
    app.include_router(figures.router)
    app.mount("/app/static", StaticFiles(directory=routes.STATIC_DIR), name="web-static")
