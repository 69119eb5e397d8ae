"""The manager's web page, served by the same app as the API.

:func:`install` adds the page, its assets and the figure routes to an app; the app factory
calls it. The page is plain server-rendered HTML plus a small script that calls ``/v1``.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from api.web import figures, routes

__all__ = ["install"]


class RevalidatedFiles(StaticFiles):
    """The page's script modules and style, revalidated on every load (``no-cache``: a 304
    when unchanged). The page names its entry module with the assets' version, but the
    modules it imports are named without one; without this a browser could run a module it
    cached from an older release next to a newer one."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response


def install(app: FastAPI) -> None:
    """Serve the page at ``/app/``, its assets under ``/app/static`` and
    ``/app/vendor/plotly.min.js``, and figure JSON under ``/app/figures``."""
    app.include_router(routes.router)
    app.include_router(figures.router)
    app.mount("/app/static", RevalidatedFiles(directory=routes.STATIC_DIR), name="web-static")
