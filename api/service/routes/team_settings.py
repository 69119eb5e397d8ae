"""``/v1/settings``: a team's timezone, holidays, special days, service targets and rules.

Each part is validated by the domain parser that will use it (``Targets.from_dict`` for the
targets, the optimizer's rules parser for the rules, the forecaster's calendar for holidays and
special days), so a value that is accepted here is one a forecast or a schedule can run with.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from api.request_models import IsoDate, OneLine, RequestModel
from api.service.deps import SessionDep, TeamDep, team_row
from api.service.problems import InvalidParameterError
from api.storage.calendars import calendar_of
from api.storage.models import Team
from api.storage.teams import TeamSnapshot, checked_timezone
from api.target_fields import target_field
from forecast.limits import MAX_CELL_CHARACTERS, MAX_CHANNELS
from scheduler.shifts import rules_from_dict
from scheduler.staffing import Targets

MAX_SPECIAL_DAYS: Final = 1_000
# Channel names and other labels: at most 100 characters, as in an uploaded history.
ChannelName = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_CELL_CHARACTERS), OneLine
]
Label = Annotated[str, StringConstraints(max_length=MAX_CELL_CHARACTERS), OneLine]

router = APIRouter(prefix="/v1/settings", tags=["settings"])


class ChannelTargetFields(RequestModel):
    """The service target of one channel (the `[channels.NAME]` table of targets.toml).

    A live channel (voice, chat) needs a service level (`service_level` + `answer_seconds`),
    `asa_seconds` or `max_abandon`; deferred work (email) needs `response_share` +
    `response_hours`. The most restrictive target wins.
    """

    service_level: float | None = target_field("service_level")
    answer_seconds: float | None = target_field("answer_seconds")
    asa_seconds: float | None = target_field("asa_seconds")
    patience_seconds: float | None = target_field("patience_seconds")
    max_abandon: float | None = target_field("max_abandon")
    max_occupancy: float | None = target_field("max_occupancy")
    shrinkage: float | None = target_field("shrinkage")
    concurrency: int | None = target_field("concurrency")
    response_share: float | None = target_field("response_share")
    response_hours: float | None = target_field("response_hours")
    hours: dict[Label, Label] | None = target_field("hours", max_length=20)


class TargetsDocument(RequestModel):
    """Service targets per channel: targets.toml as JSON."""

    channels: dict[ChannelName, ChannelTargetFields] = Field(
        max_length=MAX_CHANNELS,
        description="One entry per channel name (`voice`, `chat`, `email`, or your own).",
        examples=[
            {
                "voice": {"service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.3},
                "email": {"response_share": 0.9, "response_hours": 4},
            }
        ],
    )


class BreakRuleFields(RequestModel):
    """One break of a shift, in order (`[[shifts.breaks]]`)."""

    minutes: int = Field(description="Length of the break in minutes.")
    after_hours: list[float] = Field(
        description="Window for its start, in hours after the shift starts, e.g. [1.5, 3.0]."
    )
    paid: bool | None = Field(default=None, description="Whether the break is paid.")
    min_shift_hours: float | None = Field(
        default=None, description="Only shifts at least this long carry this break."
    )


class ShiftRulesFields(RequestModel):
    """Which shifts exist (`[shifts]`)."""

    lengths_hours: list[float] = Field(description="Allowed shift lengths, e.g. [4, 8, 10].")
    start_step_minutes: int | None = Field(
        default=None, description="Shifts start on multiples of this many minutes (15)."
    )
    breaks: list[BreakRuleFields] | None = Field(default=None, description="Breaks, in order.")


class WeekRulesFields(RequestModel):
    """Each agent's week (`[week]`)."""

    days_per_agent: int | None = Field(default=None, description="Working days per week (5).")
    consecutive_days_off: int | None = Field(default=None, description="Days off in a row (2).")
    min_hours: float | None = Field(default=None, description="Minimum paid hours per week.")
    max_hours: float | None = Field(default=None, description="Maximum paid hours per week.")
    min_rest_hours: float | None = Field(
        default=None, description="Rest between two shifts, hours (11)."
    )


class WeightsFields(RequestModel):
    """Costs of the optimizer's objective, in paid-hour equivalents (`[weights]`)."""

    paid_hour: float | None = Field(default=None, description="Cost of a paid hour (1).")
    overstaff_agent_hour: float | None = Field(
        default=None, description="Cost of an agent-hour above the need (0.1)."
    )
    shortfall_agent_hour: list[float] | float | None = Field(
        default=None,
        description="Cost of the 1st, 2nd, ... missing agent-hour of an interval, not "
        "decreasing ([25, 50, 100, 200]).",
    )
    preferred_start_hour: float | None = Field(
        default=None, description="Cost per hour away from an agent's preferred start (0.05)."
    )


class BudgetFields(RequestModel):
    """Optional caps on the week (`[budget]`): the schedule then gives the best service the
    budget buys instead of meeting every requirement."""

    max_paid_hours: float | None = Field(
        default=None, gt=0, le=1e7, description="Most paid hours in the week, all agents."
    )
    max_headcount: int | None = Field(
        default=None, gt=0, le=100_000, description="Most agents working in the week."
    )


class RulesDocument(RequestModel):
    """Scheduling rules: rules.toml as JSON."""

    interval_minutes: int | None = Field(
        default=None, description="Interval length; must match the forecast's when given."
    )
    shifts: ShiftRulesFields = Field(description="Shift lengths, start step and breaks.")
    week: WeekRulesFields | None = Field(default=None, description="The working week.")
    hours: dict[ChannelName, dict[Label, Label]] | None = Field(
        default=None,
        max_length=MAX_CHANNELS,
        description='Operating hours per channel and weekday range, e.g. {"voice": '
        '{"mon-fri": "07:00-22:00", "sat-sun": "09:00-17:00"}}; a channel without an entry '
        "is open around the clock.",
    )
    weights: WeightsFields | None = Field(default=None, description="Objective weights.")
    budget: BudgetFields | None = Field(
        default=None, description="Caps on paid hours and headcount (none: meet every need)."
    )


class SpecialDayFields(RequestModel):
    """A day that is not like the others: a closure, an extra holiday, or an event."""

    date: IsoDate = Field(description="Local calendar date (YYYY-MM-DD).")
    name: str = Field(
        min_length=1,
        max_length=MAX_CELL_CHARACTERS,
        description="What it is; days with the same name teach the forecast their effect.",
    )
    kind: Literal["closed", "holiday", "eve", "event"] = Field(
        description="`closed` (no contacts), `holiday` (like a public holiday), `eve` (a short "
        "day before a holiday, like the country's eves) or `event` (launch, outage, sale)."
    )
    multiplier: float | None = Field(
        default=None,
        description="Expected volume relative to a normal day (1.5 = 50% more); null to "
        "learn it from history. Not for closed days.",
    )


class TeamSettings(BaseModel):
    """Everything a team configures for forecasting and scheduling."""

    timezone: str = Field(description="IANA timezone the team plans in, e.g. `America/New_York`.")
    holiday_country: str | None = Field(
        description="ISO 3166-1 code for public holidays (`US`, `DE`); null for none."
    )
    holiday_subdivision: str | None = Field(
        description="State or province code within the country (`CA`); optional."
    )
    special_days: list[SpecialDayFields] = Field(description="The team's own special days.")
    targets: TargetsDocument | None = Field(
        description="Service targets per channel; needed for staffing and schedules."
    )
    rules: RulesDocument | None = Field(description="Scheduling rules; needed for schedules.")

    @classmethod
    def of(cls, team: Team | TeamSnapshot) -> TeamSettings:
        """From the stored team."""
        return cls(
            timezone=team.timezone,
            holiday_country=team.holiday_country,
            holiday_subdivision=team.holiday_subdivision,
            special_days=[SpecialDayFields.model_validate(day) for day in team.special_days],
            targets=None if team.targets is None else TargetsDocument.model_validate(team.targets),
            rules=None if team.rules is None else RulesDocument.model_validate(team.rules),
        )


class TeamSettingsChange(RequestModel):
    """The settings to change; fields left out stay as they are, `null` clears one."""

    timezone: str | None = Field(default=None, description="IANA timezone; null resets to UTC.")
    holiday_country: str | None = Field(default=None, description="ISO 3166-1 code or null.")
    holiday_subdivision: str | None = Field(default=None, description="Subdivision code or null.")
    special_days: list[SpecialDayFields] | None = Field(
        default=None, max_length=MAX_SPECIAL_DAYS, description="Replaces the whole list."
    )
    targets: TargetsDocument | None = Field(default=None, description="Replaces the targets.")
    rules: RulesDocument | None = Field(default=None, description="Replaces the rules.")


def targets_document(document: dict[str, Any]) -> dict[str, Any]:
    """Validate a targets document with the staffing math's own parser.

    Raises:
        InvalidTargetsError: naming the channel, field and value.
    """
    Targets.from_dict(document)
    return document


def rules_document(document: dict[str, Any]) -> dict[str, Any]:
    """Validate a rules document with the optimizer's own parser.

    Raises:
        InvalidRulesError: naming the first bad field and its value.
    """
    rules_from_dict(document)
    return document


def apply_settings(team: Team, change: TeamSettingsChange) -> None:
    """Validate and apply the fields present in ``change`` (nothing is applied on error)."""
    given = change.model_fields_set
    updates: dict[str, Any] = {}
    if "timezone" in given:
        try:
            updates["timezone"] = checked_timezone(change.timezone or "UTC")
        except ValueError as error:
            raise InvalidParameterError(str(error)) from None
    if "targets" in given:
        updates["targets"] = (
            None
            if change.targets is None
            else targets_document(change.targets.model_dump(exclude_none=True))
        )
    if "rules" in given:
        updates["rules"] = (
            None
            if change.rules is None
            else rules_document(change.rules.model_dump(exclude_none=True))
        )
    if "holiday_country" in given:
        updates["holiday_country"] = (change.holiday_country or "").strip().upper() or None
    if "holiday_subdivision" in given:
        updates["holiday_subdivision"] = (change.holiday_subdivision or "").strip().upper() or None
    if "special_days" in given:
        updates["special_days"] = [day.model_dump(mode="json") for day in change.special_days or []]
    if given & {"holiday_country", "holiday_subdivision", "special_days"}:
        calendar_of(  # the forecaster's own checks: a known country, one entry per date, ...
            updates.get("holiday_country", team.holiday_country),
            updates.get("holiday_subdivision", team.holiday_subdivision),
            updates.get("special_days", team.special_days),
        )
    for name, value in updates.items():
        setattr(team, name, value)


@router.get("", summary="The team's settings")
async def read_settings(team: TeamDep) -> TeamSettings:
    """Timezone, holidays, special days, service targets and scheduling rules."""
    return TeamSettings.of(team)


@router.patch(
    "",
    summary="Change some settings",
)
def change_settings(change: TeamSettingsChange, team: TeamDep, session: SessionDep) -> TeamSettings:
    """Send only what changes. Each part is checked by the parser that uses it; on any
    problem nothing is changed and the 422 names the field and value."""
    row = team_row(session, team)
    apply_settings(row, change)
    session.commit()
    return TeamSettings.of(row)
