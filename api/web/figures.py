"""Figure JSON for the page: the CSV tables of the API, drawn by :mod:`api.charts`.

The page fetches a forecast's or a schedule's CSV from ``/v1`` (the same files it offers as
downloads) and posts it here with the team's API key; the answer is the plotly figure as JSON.
So the page and ``staffcast plan`` draw with the same code, and the page never needs to know
how the service stores results. What the chart needs besides the table comes from the team's
own data: its service targets (the target line), its stored history (the weeks before a
forecast) and its calendar (the shaded days, typed by :func:`forecast.calendar.day_types`
exactly as the forecaster sees them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from typing import Annotated, Final

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from plotly.graph_objects import Figure
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.charts import (
    calendar_markers,
    coverage_figure,
    forecast_figure,
    service_level_targets,
    timeline_figure,
)
from api.request_models import OneLine
from api.service.deps import DownloadsDep, ReadOnlyRoute, SessionDep, TeamDep
from api.service.download_cache import DownloadCache
from api.service.problems import InvalidUploadError
from api.storage.calendars import team_calendar
from api.storage.history import load_history
from api.storage.models import Team
from api.storage.teams import TeamSnapshot
from forecast.errors import InvalidCalendarError
from scheduler.errors import SchedulerError
from scheduler.staffing import Targets

HISTORY_DAYS: Final = 14

# Drawing a figure only reads: ReadOnlyRoute gives these POSTs a read session.
router = APIRouter(prefix="/app/figures", include_in_schema=False, route_class=ReadOnlyRoute)


def csv_table(raw: bytes) -> pd.DataFrame:
    """A posted body as a CSV table.

    Raises:
        InvalidUploadError: the body is empty, not UTF-8 or not CSV.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidUploadError("the table to draw is not UTF-8 CSV text") from None
    if not text.strip():
        raise InvalidUploadError("there is no table to draw: the request body is empty")
    try:
        return pd.read_csv(io.StringIO(text))
    except (ValueError, pd.errors.ParserError) as error:
        raise InvalidUploadError(f"the table to draw is not valid CSV: {error}") from None


async def body_bytes(request: Request) -> bytes:
    """The request body (its size is bounded by the body-size middleware)."""
    return await request.body()


BodyDep = Annotated[bytes, Depends(body_bytes)]


async def cached_figure(
    downloads: DownloadCache, key: tuple[object, ...], body: bytes, draw: Callable[[], Figure]
) -> Response:
    """The figure JSON kept under ``key`` and the posted table's digest, or drawn by ``draw``
    in a worker thread (plotly takes tens of milliseconds) and kept. The page posts the same
    tables again and again (every resize, every sign-in), and a figure depends only on the
    table and on what ``key`` names (the team's version, its history's version)."""
    full_key = (*key, hashlib.sha256(body).hexdigest())
    cached = downloads.get(full_key)
    if cached is None:
        figure = await run_in_threadpool(draw)
        cached = figure.to_json().encode()
        downloads.put(full_key, cached)
    return Response(cached, media_type="application/json")


def _chart_error(what: str, error: Exception) -> InvalidUploadError:
    return InvalidUploadError(f"cannot draw the {what}: {error}")


def team_targets(team: Team | TeamSnapshot) -> dict[str, float]:
    """The target share per channel from the team's settings (none if unset or invalid)."""
    if not team.targets:
        return {}
    try:
        return service_level_targets(Targets.from_dict(team.targets))
    except SchedulerError:
        return {}


def day_markers(team: Team | TeamSnapshot, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The team's special days from ``first`` to ``last`` (see :func:`calendar_markers`);
    settings the calendar refuses mark nothing."""
    try:
        calendar = team_calendar(team)
    except (InvalidCalendarError, KeyError, ValueError):
        return pd.DataFrame(columns=["date", "day_type", "name"])
    return calendar_markers(calendar, first, last)


@router.post("/coverage")
async def coverage(team: TeamDep, body: BodyDep, downloads: DownloadsDep) -> Response:
    """The coverage chart of a coverage CSV, with the team's service-level targets."""

    def draw() -> Figure:
        try:
            return coverage_figure(csv_table(body), team_targets(team))
        except ValueError as error:
            raise _chart_error("coverage", error) from None

    return await cached_figure(downloads, ("figure", "coverage", team.id, team.version), body, draw)


@router.post("/timeline")
async def timeline(
    team: TeamDep,
    body: BodyDep,
    downloads: DownloadsDep,
    channel: Annotated[str | None, Query(max_length=64), OneLine] = None,
    day: Annotated[dt.date | None, Query()] = None,
) -> Response:
    """The schedule timeline of a shifts CSV, optionally one channel and one day."""

    def draw() -> Figure:
        try:
            return timeline_figure(csv_table(body), channel=channel or None, day=day)
        except ValueError as error:
            raise _chart_error("schedule", error) from None

    key = ("figure", "timeline", team.id, channel, day)
    return await cached_figure(downloads, key, body, draw)


@router.post("/forecast")
async def forecast(
    team: TeamDep, session: SessionDep, body: BodyDep, downloads: DownloadsDep
) -> Response:
    """A forecast CSV drawn after the team's last two weeks of history, the special days of
    both shaded. Only reads (a read session: no write lock is taken or waited for)."""

    def draw() -> Figure:
        try:
            return _forecast_figure(team, session, csv_table(body))
        finally:
            session.close()

    key = ("figure", "forecast", team.id, team.version, team.history_version, team.timezone)
    return await cached_figure(downloads, key, body, draw)


def _forecast_figure(team: TeamSnapshot, session: Session, forecast: pd.DataFrame) -> Figure:
    if "interval_start" not in forecast.columns or forecast.empty:
        raise InvalidUploadError("cannot draw the forecast: it has no `interval_start` column")
    try:
        starts = pd.to_datetime(forecast["interval_start"], utc=True).dt.tz_convert(team.timezone)
    except (ValueError, TypeError) as error:
        raise _chart_error("forecast", error) from None
    empty = starts.isna().to_numpy()
    if empty.any():
        row = int(empty.argmax()) + 2
        raise InvalidUploadError(f"cannot draw the forecast: row {row}, `interval_start` is empty")
    first, last = starts.min(), starts.max()
    try:
        since = (first - pd.Timedelta(days=HISTORY_DAYS)).to_pydatetime()
    except (ValueError, OverflowError) as error:  # a first day near the year 1
        raise _chart_error("forecast", error) from None
    history = load_history(
        session, team.id, timezone=team.timezone, start=since, end=first.to_pydatetime()
    )
    markers = day_markers(team, since.date(), last.date())
    try:
        return forecast_figure(
            history,
            forecast.assign(interval_start=starts),
            markers,
            history_days=HISTORY_DAYS,
        )
    except ValueError as error:
        raise _chart_error("forecast", error) from None
