"""The forecast job: a team's stored history and calendar → ``forecast.forecast_workload`` (and
the backtest accuracy report) → a result stored with the job.

The result, in parts (rows of ``job_results``)::

    meta       {"start": "2026-12-07", "days": 7, "timezone": "America/New_York",
                "interval_minutes": 15}
    intervals  [{"interval_start": "...", "channel": "voice", "volume": 12.3,
                 "volume_low": 9.1, "volume_high": 15.8, "aht_seconds": 331.0}, ...]
    channels   [{"channel": "voice", "model": "top_down", "band_method": "backtest",
                 "notes": [...]}, ...]
    accuracy   {...AccuracyReport.to_dict()...} or null
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from api.jobs import JobContext
from api.storage.history import load_history
from api.storage.models import Team
from api.storage.teams import TeamSnapshot
from forecast import (
    Calendar,
    ForecastError,
    SpecialDay,
    WorkloadForecast,
    backtest,
    forecast_workload,
)
from forecast.forecaster import WORKLOAD_COLUMNS
from scheduler.staffing import AHT_SECONDS, CHANNEL, INTERVAL_START, VOLUME


@dataclass(frozen=True, eq=False)
class StoredHistory:
    """A team's stored history in the shape the forecaster reads (``forecast``'s
    ``HistoryLike``: ``frame``, ``interval_minutes``, ``timezone``)."""

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str


def calendar_of(
    country: str | None, subdivision: str | None, special_days: list[dict[str, Any]]
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


def team_history(context: JobContext) -> tuple[StoredHistory, Calendar]:
    """The job's team's stored history and calendar.

    Raises:
        ForecastError: the team has no history.
    """
    with context.database.session() as session:
        team = session.get(Team, context.team_id)
        assert team is not None  # teams are never deleted while their jobs run
        if team.history_interval_minutes is None:
            raise ForecastError("the team has no history yet; upload it with POST /v1/history")
        frame = load_history(session, team.id, timezone=team.timezone)
        return StoredHistory(frame, team.history_interval_minutes, team.timezone), team_calendar(
            team
        )


def day_after_history(history: StoredHistory) -> dt.date:
    """The first local date after the last stored interval (the default forecast start)."""
    last: pd.Timestamp = history.frame[INTERVAL_START].max()
    end = last + pd.Timedelta(minutes=history.interval_minutes)  # local midnight: whole days
    return end.date()


def fill_unknown_aht(forecast: WorkloadForecast, default_aht_seconds: float | None) -> None:
    """Give ``default_aht_seconds`` to intervals with volume but no handle time.

    Raises:
        ForecastError: some channel has no handle time and no default was given.
    """
    workload = forecast.workload
    unknown = (workload[VOLUME] > 0) & workload[AHT_SECONDS].isna()
    if not unknown.any():
        return
    if default_aht_seconds is None:
        channels = ", ".join(sorted(set(workload.loc[unknown, CHANNEL])))
        raise ForecastError(
            f"the history has no handle time for channel(s) {channels}; upload history with "
            "`aht_seconds` or give `default_aht_seconds` with the forecast request"
        )
    workload.loc[unknown, AHT_SECONDS] = default_aht_seconds


def _progress(context: JobContext, stage: str) -> Any:
    def report(done: int, total: int) -> None:
        context.raise_if_stopped()
        context.report(stage, f"{done} of {total}", fraction=done / total if total else None)

    return report


def _number(value: float) -> float | None:
    return round(float(value), 6) if math.isfinite(value) else None


def interval_records(workload: pd.DataFrame) -> list[dict[str, Any]]:
    """The workload as JSON-ready rows (ISO 8601 starts with offset; NaN as null)."""
    starts = [stamp.isoformat() for stamp in workload[INTERVAL_START]]
    columns = {
        name: workload[name].to_numpy(dtype=np.float64)
        for name in WORKLOAD_COLUMNS[2:]
        if name in workload.columns
    }
    return [
        {
            "interval_start": start,
            "channel": channel,
            **{name: _number(values[row]) for name, values in columns.items()},
        }
        for row, (start, channel) in enumerate(zip(starts, workload[CHANNEL], strict=True))
    ]


def workload_of(meta: dict[str, Any], intervals: list[dict[str, Any]]) -> pd.DataFrame:
    """The workload table (``scheduler.staffing.workload`` contract) of a stored forecast."""
    frame = pd.DataFrame(intervals, columns=list(WORKLOAD_COLUMNS))
    frame[INTERVAL_START] = pd.to_datetime(frame[INTERVAL_START], utc=True).dt.tz_convert(
        meta["timezone"]
    )
    for column in WORKLOAD_COLUMNS[2:]:
        frame[column] = frame[column].astype("float64")
    return frame


def run_forecast(context: JobContext) -> dict[str, Any]:
    """Job handler of kind ``forecast``; ``context.request`` holds the API's
    ``ForecastRequest`` fields."""
    request = context.request
    context.report("loading", "reading the stored history", force=True)
    history, calendar = team_history(context)
    start = (
        dt.date.fromisoformat(request["start"])
        if request.get("start")
        else day_after_history(history)
    )
    context.raise_if_stopped()
    forecast = forecast_workload(
        history,
        start=start,
        days=request["days"],
        calendar=calendar,
        model=request["model"],
        on_progress=_progress(context, "forecasting"),
    )
    fill_unknown_aht(forecast, request.get("default_aht_seconds"))
    accuracy = None
    if request.get("accuracy", True):
        context.report("backtesting", "measuring accuracy on past weeks", force=True)
        report = backtest(
            history,
            calendar=calendar,
            model=request["model"],
            horizon_days=min(request["days"], 14),
            origins=request.get("backtest_origins", 8),
            on_progress=_progress(context, "backtesting"),
        )
        accuracy = report.to_dict()
    return {
        "meta": {
            "start": start.isoformat(),
            "days": request["days"],
            "timezone": history.timezone,
            "interval_minutes": history.interval_minutes,
        },
        "intervals": interval_records(forecast.workload),
        "channels": [
            {
                "channel": channel.channel,
                "model": channel.model,
                "band_method": channel.band.method,
                "notes": list(channel.notes),
                "unseen_holidays": [
                    {
                        "date": holiday.date.isoformat(),
                        "name": holiday.name,
                        "assumption": holiday.assumption,
                    }
                    for holiday in channel.unseen_holidays
                ],
            }
            for channel in forecast.channels
        ],
        "accuracy": accuracy,
    }
