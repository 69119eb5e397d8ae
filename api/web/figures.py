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
import io
from typing import Annotated, Final

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from plotly.graph_objects import Figure
from starlette.responses import Response

from api.charts import coverage_figure, forecast_figure, service_level_targets, timeline_figure
from api.service.deps import SessionDep, TeamDep
from api.service.problems import InvalidUploadError
from api.storage.history import load_history
from api.storage.models import Team
from api.storage.teams import TeamSnapshot
from forecast.calendar import Calendar, SpecialDay, day_types
from forecast.errors import InvalidCalendarError
from scheduler.errors import SchedulerError
from scheduler.targets import Targets

HISTORY_DAYS: Final = 14

router = APIRouter(prefix="/app/figures", include_in_schema=False)


async def csv_body(request: Request) -> pd.DataFrame:
    """The request body as a CSV table.

    Raises:
        InvalidUploadError: the body is empty, not UTF-8 or not CSV.
    """
    raw = await request.body()
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


CsvBody = Annotated[pd.DataFrame, Depends(csv_body)]


def figure_response(figure: Figure) -> Response:
    """A plotly figure as JSON (``{"data": [...], "layout": {...}}``)."""
    return Response(figure.to_json(), media_type="application/json")


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
    """The special days from ``first`` to ``last`` (inclusive) as the forecaster types them
    (public holidays, the team's own special days, eves and days after): columns ``date``,
    ``day_type``, ``name``. Settings the calendar refuses mark nothing."""
    try:
        calendar = Calendar(
            country=team.holiday_country,
            subdivision=team.holiday_subdivision,
            special_days=tuple(
                SpecialDay(
                    date=dt.date.fromisoformat(str(day["date"])),
                    name=str(day["name"]),
                    kind=day["kind"],
                    multiplier=day.get("multiplier"),
                )
                for day in team.special_days
            ),
        )
    except (InvalidCalendarError, KeyError, ValueError):
        return pd.DataFrame(columns=["date", "day_type", "name"])
    types = day_types(calendar, pd.date_range(first, last, freq="D"))
    special = types[types["day_type"] != "normal"]
    return pd.DataFrame(
        {
            "date": [stamp.date() for stamp in special.index],
            "day_type": special["day_type"].to_list(),
            "name": special["name"].to_list(),
        }
    )


@router.post("/coverage")
def coverage(team: TeamDep, coverage: CsvBody) -> Response:
    """The coverage chart of a coverage CSV, with the team's service-level targets."""
    try:
        figure = coverage_figure(coverage, team_targets(team))
    except ValueError as error:
        raise _chart_error("coverage", error) from None
    return figure_response(figure)


@router.post("/timeline")
def timeline(
    team: TeamDep,
    shifts: CsvBody,
    channel: Annotated[str | None, Query(max_length=64)] = None,
    day: Annotated[dt.date | None, Query()] = None,
) -> Response:
    """The schedule timeline of a shifts CSV, optionally one channel and one day."""
    try:
        figure = timeline_figure(shifts, channel=channel or None, day=day)
    except ValueError as error:
        raise _chart_error("schedule", error) from None
    return figure_response(figure)


@router.post("/forecast")
def forecast(team: TeamDep, session: SessionDep, forecast: CsvBody) -> Response:
    """A forecast CSV drawn after the team's last two weeks of history, the special days of
    both shaded."""
    if "interval_start" not in forecast.columns or forecast.empty:
        raise InvalidUploadError("cannot draw the forecast: it has no `interval_start` column")
    try:
        starts = pd.to_datetime(forecast["interval_start"], utc=True).dt.tz_convert(team.timezone)
    except (ValueError, TypeError) as error:
        raise _chart_error("forecast", error) from None
    first, last = starts.min(), starts.max()
    history = load_history(
        session,
        team.id,
        timezone=team.timezone,
        start=(first - pd.Timedelta(days=HISTORY_DAYS)).to_pydatetime(),
        end=first.to_pydatetime(),
    )
    markers = day_markers(team, (first - pd.Timedelta(days=HISTORY_DAYS)).date(), last.date())
    try:
        figure = forecast_figure(
            history,
            forecast.assign(interval_start=starts),
            markers,
            history_days=HISTORY_DAYS,
        )
    except ValueError as error:
        raise _chart_error("forecast", error) from None
    return figure_response(figure)
