"""The forecast job: a team's stored history and calendar → ``forecast.forecast_workload`` (and
the backtest accuracy report) → a result stored with the job.

The result (:class:`ForecastOutcome`), in parts (rows of ``job_results``)::

    meta       {"start": "2026-12-07", "days": 7, "timezone": "America/New_York",
                "interval_minutes": 15}
    intervals  [{"interval_start": "...", "channel": "voice", "volume": 12.3,
                 "volume_low": 9.1, "volume_high": 15.8, "aht_seconds": 331.0}, ...]
    channels   [{"channel": "voice", "model": "top_down", "band_method": "backtest",
                 "notes": [...]}, ...]
    accuracy   {...api.jobs.accuracy.AccuracyReport...} or null

Each part is read back through its model (:data:`FORECAST_PARTS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from api.jobs.accuracy import AccuracyReport
from api.jobs.numbers import Record, json_number
from api.jobs.pipeline import fill_unknown_aht
from api.jobs.runner import JobContext, ResultPart
from api.request_models import IsoDate, RequestModel, default_aht_field
from api.storage.calendars import team_calendar
from api.storage.history import load_history
from api.storage.models import Team
from forecast import Calendar, ForecastError, ModelName, WorkloadForecast, forecast_workload
from forecast.backtest import backtest
from forecast.forecaster import WORKLOAD_COLUMNS
from scheduler.staffing import CHANNEL, INTERVAL_START

FORECAST_DIGITS: Final = 6
"""Decimals kept in a stored forecast's volumes and handle times."""
DEFAULT_AHT_FIELD: Final = "`default_aht_seconds` with the request"


MAX_DAYS: Final = 62


class ForecastRequest(RequestModel):
    """What to forecast."""

    start: IsoDate | None = Field(
        default=None,
        description="First day to forecast (local date). Default: the day after the stored "
        "history ends. History on or after it is ignored.",
    )
    days: int = Field(default=7, ge=1, le=MAX_DAYS, description="Number of days to forecast.")
    model: ModelName = Field(
        default="auto",
        description="`auto` picks per channel by backtest (the best of the candidates); or "
        "force `seasonal_naive`, `weekday_average`, `top_down` or `combined`.",
    )
    accuracy: bool = Field(
        default=True, description="Also backtest the model on past weeks (the accuracy report)."
    )
    backtest_origins: int = Field(
        default=8, ge=1, le=26, description="Past weekly origins the backtest forecasts from."
    )
    default_aht_seconds: float | None = default_aht_field(
        "AHT for channels whose history has no handle time."
    )


@dataclass(frozen=True, eq=False)
class StoredHistory:
    """A team's stored history in the shape the forecaster reads (``forecast``'s
    ``HistoryLike``: ``frame``, ``interval_minutes``, ``timezone``)."""

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str


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


def _progress(context: JobContext, stage: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        context.raise_if_stopped()
        context.report(stage, f"{done} of {total}", fraction=done / total if total else None)

    return report


def interval_records(workload: pd.DataFrame) -> list[Record]:
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
            **{name: json_number(values[row], FORECAST_DIGITS) for name, values in columns.items()},
        }
        for row, (start, channel) in enumerate(zip(starts, workload[CHANNEL], strict=True))
    ]


def workload_of(meta: ForecastMeta, intervals: list[Record]) -> pd.DataFrame:
    """The workload table (``scheduler.workload`` contract) of a stored forecast."""
    frame = pd.DataFrame(intervals, columns=list(WORKLOAD_COLUMNS))
    frame[INTERVAL_START] = pd.to_datetime(frame[INTERVAL_START], utc=True).dt.tz_convert(
        meta.timezone
    )
    for column in WORKLOAD_COLUMNS[2:]:
        frame[column] = frame[column].astype("float64")
    return frame


class UnseenHoliday(BaseModel):
    """A holiday in the forecast window that the channel's history has never shown."""

    date: dt.date = Field(description="The holiday.")
    name: str = Field(description="Its name.")
    assumption: str = Field(
        description="How it is forecast: the pooled effect of its kind, or the calendar prior."
    )


class ChannelModel(BaseModel):
    """How one channel was forecast."""

    channel: str = Field(description="Channel.")
    model: str = Field(description="The model used for it.")
    band_method: Literal["backtest", "poisson"] = Field(
        description="`backtest`: the band is calibrated on past errors; `poisson`: too little "
        "history to calibrate, count noise only."
    )
    notes: list[str] = Field(description="Where the forecast had to guess, in words.")
    unseen_holidays: list[UnseenHoliday] = Field(
        default_factory=list,
        description="Holidays in the forecast window the history has never shown, with the "
        "assumption used.",
    )


class ForecastMeta(BaseModel):
    """What was forecast."""

    start: dt.date = Field(description="First forecast day.")
    days: int = Field(description="Days forecast.")
    timezone: str = Field(description="Timezone of the interval starts.")
    interval_minutes: int = Field(description="Interval length.")


class ForecastOutcome(BaseModel):
    """The result of a forecast job, one field per stored part."""

    meta: ForecastMeta
    intervals: list[Record]
    channels: list[ChannelModel]
    accuracy: AccuracyReport | None = Field(description="The backtest; null if not asked.")


FORECAST_META: Final = ResultPart("meta", ForecastMeta)
FORECAST_INTERVALS: Final = ResultPart("intervals", list[Record])
FORECAST_CHANNELS: Final = ResultPart("channels", list[ChannelModel])
FORECAST_ACCURACY: Final = ResultPart("accuracy", AccuracyReport, or_null=True)
"""Null when the forecast was made without a backtest (or stored before it had one)."""
FORECAST_PARTS: Final = (FORECAST_META, FORECAST_INTERVALS, FORECAST_CHANNELS, FORECAST_ACCURACY)


def channel_models(forecast: WorkloadForecast) -> list[ChannelModel]:
    """How each channel of ``forecast`` was forecast."""
    return [
        ChannelModel(
            channel=channel.channel,
            model=channel.model,
            band_method=channel.band.method,
            notes=list(channel.notes),
            unseen_holidays=[
                UnseenHoliday(date=holiday.date, name=holiday.name, assumption=holiday.assumption)
                for holiday in channel.unseen_holidays
            ],
        )
        for channel in forecast.channels
    ]


def run_forecast(context: JobContext) -> ForecastOutcome:
    """Job handler of kind ``forecast``; ``context.request`` is a :class:`ForecastRequest`."""
    request = ForecastRequest.model_validate(context.request)
    context.report("loading", "reading the stored history", force=True)
    history, calendar = team_history(context)
    start = request.start or day_after_history(history)
    context.raise_if_stopped()
    forecast = forecast_workload(
        history,
        start=start,
        days=request.days,
        calendar=calendar,
        model=request.model,
        on_progress=_progress(context, "forecasting"),
    )
    fill_unknown_aht(forecast.workload, request.default_aht_seconds, option=DEFAULT_AHT_FIELD)
    accuracy: AccuracyReport | None = None
    if request.accuracy:
        context.report("backtesting", "measuring accuracy on past weeks", force=True)
        report = backtest(
            history,
            calendar=calendar,
            model=request.model,
            horizon_days=min(request.days, 14),
            origins=request.backtest_origins,
            on_progress=_progress(context, "backtesting"),
        )
        # to_dict is the backtest's own JSON form (NaN as null, figures rounded).
        accuracy = AccuracyReport.model_validate(report.to_dict())
    return ForecastOutcome(
        meta=ForecastMeta(
            start=start,
            days=request.days,
            timezone=history.timezone,
            interval_minutes=history.interval_minutes,
        ),
        intervals=interval_records(forecast.workload),
        channels=channel_models(forecast),
        accuracy=accuracy,
    )
