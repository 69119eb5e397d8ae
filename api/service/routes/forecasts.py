"""``/v1/forecasts``: forecast volume and AHT per channel and interval (a background job),
fetch it as JSON or CSV, with the accuracy report of the backtest."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.jobs.forecast import ChannelModel, ForecastRequest
from api.service.deps import DownloadsDep, ReadsDep, ResourceId, TeamDep
from api.service.download_cache import DownloadCache
from api.service.job_views import (
    JobInfo,
    RouteDoc,
    add_job_routes,
    add_part_routes,
    find_job,
    finished_result_json,
    json_response,
)
from api.service.problems import ConflictError, problem_responses
from api.storage.teams import TeamSnapshot
from forecast.forecaster import WORKLOAD_COLUMNS

router = APIRouter(prefix="/v1/forecasts", tags=["forecasts"])


class ForecastInterval(BaseModel):
    """One interval of one channel."""

    interval_start: str = Field(description="Start, ISO 8601 with the team's UTC offset.")
    channel: str = Field(description="Channel.")
    volume: float | None = Field(description="Expected contacts.")
    volume_low: float | None = Field(description="Lower end of the band (10th percentile).")
    volume_high: float | None = Field(description="Upper end of the band (90th percentile).")
    aht_seconds: float | None = Field(description="Expected average handle time, seconds.")


class ModelAccuracy(BaseModel):
    """Backtest accuracy of one model on one channel."""

    model: str = Field(description="Model evaluated (the forecast first, then baselines).")
    intervals: int = Field(description="Backtested intervals with a known actual.")
    days: int = Field(description="Backtested days.")
    wape_interval: float | None = Field(
        description="Σ|forecast - actual| / Σ actual over intervals."
    )
    wape_interval_by_week: list[float | None] = Field(
        description="Interval WAPE for horizon week 1, 2, ..."
    )
    wape_daily: float | None = Field(description="WAPE of daily totals.")
    mase: float | None = Field(
        description="Mean absolute error relative to the seasonal naive (< 1 beats it)."
    )
    bias: float | None = Field(description="Σ forecast / Σ actual - 1 (> 0 over-forecasts).")
    bias_by_day_type: dict[str, float | None] = Field(
        description="Bias on `normal`, `holiday`, `eve`, `day_after` days (null: none tested)."
    )
    wape_by_day_type: dict[str, float | None] = Field(
        default_factory=dict,
        description="Interval WAPE on `normal`, `holiday`, `eve`, `day_after` days (null: none "
        "tested).",
    )
    days_by_day_type: dict[str, int] = Field(description="Backtested days of each type.")
    coverage: float | None = Field(
        description="Share of open intervals inside the band (0.8 when calibrated); null for a "
        "model without a band."
    )


class FlaggedHoliday(BaseModel):
    """A holiday in a backtested window that the history before its origin never showed."""

    origin: dt.date = Field(description="The backtest origin whose window held it.")
    date: dt.date = Field(description="The holiday.")
    name: str = Field(description="Its name.")
    assumption: str = Field(
        description="How it was forecast: the pooled effect of its kind, or the calendar prior "
        "(a holiday like the rest day), with the multiplier of a normal day."
    )
    forecast: float = Field(description="Forecast daily total.")
    actual: float | None = Field(description="Actual daily total (null: a gap in the data).")


class ChannelAccuracy(BaseModel):
    """The backtest of one channel."""

    channel: str = Field(description="Channel.")
    origins: list[dt.date] = Field(description="Forecast origins (dates), oldest first.")
    horizon_days: int = Field(description="Days forecast from each origin.")
    models_used: dict[str, int] = Field(description="Origins at which each model was picked.")
    results: list[ModelAccuracy] = Field(description="The forecast first, then baselines.")
    unseen_holidays: list[FlaggedHoliday] = Field(
        default_factory=list,
        description="Holidays the history had never shown at their origin, with the assumption "
        "used and how they came out.",
    )


class AccuracyReport(BaseModel):
    """How accurate the forecast was on past weeks, per channel, next to plain baselines."""

    model: str = Field(description="The model setting evaluated (`auto` or a model).")
    interval_minutes: int = Field(description="Interval length of the evaluation.")
    band_quantiles: list[float] = Field(description="Nominal quantiles of the band.")
    channels: list[ChannelAccuracy] = Field(description="One entry per channel.")


class ForecastResult(BaseModel):
    """A finished forecast."""

    start: dt.date = Field(description="First forecast day.")
    days: int = Field(description="Days forecast.")
    timezone: str = Field(description="Timezone of the interval starts.")
    interval_minutes: int = Field(description="Interval length.")
    intervals: list[ForecastInterval] = Field(description="Per channel and interval.")
    channels: list[ChannelModel] = Field(description="The model of each channel.")
    accuracy: AccuracyReport | None = Field(description="The backtest; null if not asked.")


class ForecastView(BaseModel):
    """A forecast job and, once it is done, its result."""

    job: JobInfo = Field(description="Status of the job.")
    result: ForecastResult | None = Field(description="The forecast; null until `done`.")


def _has_history(session: Session, team: TeamSnapshot, body: ForecastRequest) -> None:
    if team.history_interval_minutes is None:
        raise ConflictError("the team has no history yet; upload it with POST /v1/history")


add_job_routes(
    router,
    "forecast",
    "forecasts",
    ForecastRequest,
    _has_history,
    create=RouteDoc(
        "",
        "create_forecast",
        "Start a forecast",
        "Queue a forecast of the stored history; poll the returned job (also in the\n"
        "`Location` header), then fetch `/v1/forecasts/{id}`.",
    ),
    cancel=RouteDoc(
        "/{forecast_id}/cancel",
        "cancel_forecast",
        "Cancel a forecast",
        "Same as `POST /v1/jobs/{id}/cancel`.",
    ),
)


@router.get(
    "/{forecast_id}",
    summary="A forecast",
    response_model=ForecastView,
    responses=problem_responses(404),
)
async def read_forecast(
    forecast_id: ResourceId, team: TeamDep, reads: ReadsDep, downloads: DownloadsDep
) -> Response:
    """The job's status and, when done, the forecast per interval with the accuracy report."""
    return await reads.run(lambda session: forecast_response(session, team, forecast_id, downloads))


def forecast_response(
    session: Session, team: TeamSnapshot, forecast_id: int, cache: DownloadCache
) -> Response:
    """Forecast ``forecast_id``'s job and, once done, its result, as JSON.

    Raises:
        NotFoundError: the team has no such forecast.
    """
    job = find_job(session, team, forecast_id, "forecast")
    job_json = JobInfo.of(job).model_dump_json()
    if job.status != "done":
        return json_response(f'{{"job":{job_json},"result":null}}')
    # The stored parts are sent as stored (written by the forecast job in this shape), so a
    # large forecast is not decoded and re-encoded on every read.
    parts = finished_result_json(
        session, job, "meta", "intervals", "channels", "accuracy", cache=cache
    )
    meta = parts["meta"].strip()
    result = (
        f'{meta[:-1]},"intervals":{parts["intervals"]},"channels":{parts["channels"]},'
        f'"accuracy":{parts.get("accuracy", "null")}}}'
    )
    return json_response(f'{{"job":{job_json},"result":{result}}}')


add_part_routes(
    router,
    "forecast",
    "intervals",
    as_json=None,
    json_model=None,
    as_csv=RouteDoc(
        "/{forecast_id}/forecast.csv",
        "download_forecast",
        "A forecast as CSV",
        "`interval_start`, `channel`, `volume`, `volume_low`, `volume_high`, `aht_seconds`: the\n"
        "workload format `staffcast requirements` reads.",
    ),
    csv_description="The workload CSV.",
    columns=WORKLOAD_COLUMNS,
    filename="forecast-{id}.csv",
)
