"""``/v1/forecasts``: forecast volume and AHT per channel and interval (a background job),
fetch it as JSON or CSV, with the accuracy report of the backtest."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.jobs.accuracy import AccuracyReport
from api.jobs.forecast import (
    FORECAST_ACCURACY,
    FORECAST_CHANNELS,
    FORECAST_INTERVALS,
    FORECAST_META,
    ChannelModel,
    ForecastMeta,
    ForecastRequest,
)
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


class ForecastResult(ForecastMeta):
    """A finished forecast: what was forecast (the stored ``meta`` part's fields), then the
    other parts."""

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
    responses=problem_responses(404, 409),
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
        StoredPartError: a stored part does not match its model.
    """
    job = find_job(session, team, forecast_id, "forecast")
    job_json = JobInfo.of(job).model_dump_json()
    if job.status != "done":
        return json_response(f'{{"job":{job_json},"result":null}}')
    # The stored parts are sent as stored (written by the forecast job in this shape), so a
    # large forecast is not decoded and re-encoded on every read.
    parts = finished_result_json(
        session,
        job,
        FORECAST_META,
        FORECAST_INTERVALS,
        FORECAST_CHANNELS,
        FORECAST_ACCURACY,
        cache=cache,
    )
    meta = parts["meta"].strip()
    result = (
        f'{meta[:-1]},"intervals":{parts["intervals"]},"channels":{parts["channels"]},'
        f'"accuracy":{parts["accuracy"]}}}'
    )
    return json_response(f'{{"job":{job_json},"result":{result}}}')


add_part_routes(
    router,
    "forecast",
    FORECAST_INTERVALS,
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
