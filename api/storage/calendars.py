"""A team's calendar (public holidays and special days) from its stored settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forecast.calendar import Calendar, SpecialDay

if TYPE_CHECKING:
    from api.storage.models import Team
    from api.storage.teams import TeamSnapshot


def calendar_of(
    country: str | None, subdivision: str | None, special_days: Sequence[Mapping[str, Any]]
) -> Calendar:
    """A calendar from settings as stored (special days as ``date``/``name``/``kind``/
    ``multiplier`` dictionaries).

    Raises:
        InvalidCalendarError: an unknown country or subdivision, or a bad special day.
    """
    return Calendar(
        country=country,
        subdivision=subdivision,
        special_days=tuple(
            SpecialDay(
                date=dt.date.fromisoformat(str(day["date"])),
                name=day["name"],
                kind=day["kind"],
                multiplier=day.get("multiplier"),
            )
            for day in special_days
        ),
    )


def team_calendar(team: Team | TeamSnapshot) -> Calendar:
    """The team's public holidays and special days."""
    return calendar_of(team.holiday_country, team.holiday_subdivision, team.special_days)
