"""``/v1/calendar``: the days a forecast of the coming weeks treats as special, and why.

The team's public holidays (country, subdivision) and its own special days, typed by
:func:`forecast.calendar.day_types` exactly as the forecaster types them (holidays, eves,
days after, events, closures), so the manager sees the calendar the forecast will use before
running one.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.jobs.numbers import json_number
from api.request_models import IsoDate
from api.service.deps import TeamDep
from api.storage.calendars import team_calendar
from forecast.calendar import day_types

router = APIRouter(prefix="/v1/calendar", tags=["settings"])

MAX_CALENDAR_DAYS = 366


class CalendarDay(BaseModel):
    """A day the forecast does not treat as a normal one."""

    date: dt.date = Field(description="Local calendar date.")
    weekday: str = Field(description="`Mon` … `Sun`.")
    name: str = Field(description="The holiday or special day (an eve carries its holiday's).")
    kind: str = Field(
        description="How the forecast treats it: `holiday`, `eve`, `day_after`, `event` or "
        "`closed`."
    )
    source: str = Field(description="`team` (a special day of the settings) or `public`.")
    multiplier: float | None = Field(
        description="Expected volume against a normal day, when the team gave one (0 closed)."
    )


@router.get("", summary="The special days of the coming weeks")
def read_calendar(
    team: TeamDep,
    start: Annotated[IsoDate | None, Query(description="First day (default: today, UTC).")] = None,
    days: Annotated[int, Query(ge=1, le=MAX_CALENDAR_DAYS, description="How many days.")] = 56,
) -> list[CalendarDay]:
    """Every day from `start` for `days` days that is not a normal day to the forecast."""
    first = start or dt.datetime.now(dt.UTC).date()
    calendar = team_calendar(team)
    own = {day.date for day in calendar.special_days}
    dates = [first + dt.timedelta(days=offset) for offset in range(days)]
    types = day_types(calendar, dates)
    special = types[types["day_type"] != "normal"]
    return [
        CalendarDay(
            date=stamp.date(),
            weekday=stamp.strftime("%a"),
            name=str(name),
            kind=str(kind),
            source="team" if stamp.date() in own else "public",
            multiplier=json_number(multiplier),
        )
        for stamp, name, kind, multiplier in zip(
            pd.DatetimeIndex(special.index),
            special["name"],
            special["day_type"],
            special["multiplier"],
            strict=True,
        )
    ]
