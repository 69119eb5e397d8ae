"""``/v1/history``: upload contact history, see what is stored, download it, delete it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile, status
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.request_models import IsoDateTime, OneLine
from api.service.csv_files import csv_bytes, csv_content, csv_download, etag_of, not_modified
from api.service.deps import (
    DownloadsDep,
    ReadsDep,
    ResourceId,
    SessionDep,
    StateDep,
    TeamDep,
    team_row,
)
from api.service.problems import (
    InvalidParameterError,
    InvalidUploadError,
    NotFoundError,
    problem_responses,
)
from api.storage.column_mappings import file_columns, mapping_for_columns, team_mappings
from api.storage.history import delete_history, history_overview, load_history
from api.storage.history_import import (
    MappingSource,
    UploadOptions,
    import_history,
    parsed_upload,
    team_upload,
    team_uploads,
    upload_count,
)
from api.storage.models import HistoryUpload
from api.storage.teams import checked_timezone
from forecast import ColumnMapping
from forecast.limits import MAX_CELL_CHARACTERS

router = APIRouter(prefix="/v1/history", tags=["history"])


class GapInfo(BaseModel):
    """A span of missing data in one channel."""

    start: str = Field(description="Start of the first missing interval (ISO 8601).")
    end: str = Field(description="End of the last missing interval, exclusive (ISO 8601).")
    channel: str = Field(description="The channel with the gap.")


class OutlierInfo(BaseModel):
    """An unusual daily total or interval volume."""

    start: str = Field(description="Start of the day or interval (ISO 8601).")
    channel: str = Field(description="The channel.")
    value: float = Field(description="The unusual volume.")
    why: str = Field(description="Why it stands out.")


class ParsedFileSummary(BaseModel):
    """What the importer understood of one uploaded file."""

    source_format: Literal[
        "canonical", "genesys", "amazon_connect", "per_contact", "interval_report"
    ] = Field(description="The export format recognised from the header.")
    channels: list[str] = Field(description="Channels found (canonical names, e.g. `voice`).")
    first_interval: str = Field(description="Start of the first interval (ISO 8601).")
    last_interval: str = Field(description="Start of the last interval (ISO 8601).")
    interval_minutes: int = Field(description="Planning interval after aggregation.")
    source_interval_minutes: int | None = Field(
        description="The file's own interval; null for per-contact exports."
    )
    rows_read: int = Field(description="Data rows in the file.")
    gaps: list[GapInfo] = Field(description="Spans of missing data, per channel.")
    duplicates: int = Field(description="Rows superseded by a later row for the same interval.")
    outliers: list[OutlierInfo] = Field(description="Unusual volumes worth a look.")
    closed_intervals: int = Field(description="Intervals absent from the file, taken as closed.")
    warnings: list[str] = Field(description="Notes for the manager (e.g. how DST was handled).")
    mapping: dict[str, str | None] | None = Field(
        default=None,
        description="An interval report's column mapping as it was read (every column found, "
        "the channel, the date order); null for the other formats.",
    )
    mapping_source: MappingSource | None = Field(
        default=None,
        description="Where that mapping came from: `given` with the upload, the team's `saved` "
        "mapping for files with these columns, or `found by name` (the usual headers).",
    )


class HistoryUploadInfo(BaseModel):
    """One accepted upload: how it changed the stored history and what was understood."""

    id: int = Field(description="Upload number.")
    filename: str = Field(description="Name of the uploaded file.")
    timezone: str = Field(description="Timezone naive timestamps in the file were read in.")
    rows_added: int = Field(description="Intervals that were not stored before.")
    rows_replaced: int = Field(
        description="Intervals already stored and replaced by this file (last upload wins)."
    )
    uploaded_at: dt.datetime = Field(description="When it was accepted (UTC).")
    summary: ParsedFileSummary = Field(description="What the importer understood of the file.")

    @classmethod
    def of(cls, upload: HistoryUpload) -> HistoryUploadInfo:
        """From the stored row."""
        return cls.model_validate(upload, from_attributes=True)  # the row's own columns


class ChannelSummary(BaseModel):
    """What is stored for one channel."""

    channel: str = Field(description="Channel name.")
    first_interval_start: dt.datetime = Field(description="First stored interval (UTC).")
    last_interval_start: dt.datetime = Field(description="Last stored interval (UTC).")
    intervals: int = Field(description="Stored intervals, gaps included.")
    gap_intervals: int = Field(description="Intervals with missing data (no volume known).")
    total_volume: float = Field(description="Sum of the volume of all stored intervals.")


class HistorySummary(BaseModel):
    """The team's stored history at a glance."""

    timezone: str = Field(description="The team's timezone (downloads are expressed in it).")
    interval_minutes: int | None = Field(
        description="Planning interval of the stored history; null when nothing is stored."
    )
    channels: list[ChannelSummary] = Field(description="One entry per channel.")
    uploads: int = Field(description="Number of accepted uploads.")


MappingColumn = Annotated[
    str | None,
    Form(
        min_length=1,
        max_length=MAX_CELL_CHARACTERS,
        description="Interval reports: the column as written in the file's header (default: "
        "found by its usual names, or the team's saved mapping for these columns).",
    ),
    OneLine,
]


def upload_mapping(
    date_column: MappingColumn = None,
    time_column: MappingColumn = None,
    volume_column: MappingColumn = None,
    handled_column: MappingColumn = None,
    aht_column: MappingColumn = None,
    channel_column: MappingColumn = None,
    channel: Annotated[
        str | None,
        Form(
            min_length=1,
            max_length=MAX_CELL_CHARACTERS,
            description="Interval reports without a channel column: the channel of the whole "
            "file (one file per queue), e.g. `voice`.",
        ),
        OneLine,
    ] = None,
    date_order: Annotated[
        Literal["us", "day_first", "iso"] | None,
        Form(description="How the report writes dates (default: read from the file)."),
    ] = None,
) -> ColumnMapping | None:
    """The column mapping given with an upload (see :class:`forecast.ColumnMapping`); None
    when none of its fields is given.

    Raises:
        InvalidParameterError: both a channel column and one channel are given.
    """
    try:
        mapping = ColumnMapping(
            date_column=date_column,
            time_column=time_column,
            volume_column=volume_column,
            handled_column=handled_column,
            aht_column=aht_column,
            channel_column=channel_column,
            channel=channel,
            date_order=date_order,
        )
    except ValueError as error:
        raise InvalidParameterError(f"column mapping: {error}") from None
    return None if mapping.is_empty else mapping


class SavedMappingInfo(BaseModel):
    """How the team's interval reports with these columns are read."""

    columns: list[str] = Field(description="The file's header, as written.")
    mapping: dict[str, str | None] = Field(description="The column mapping saved for it.")
    updated_at: dt.datetime = Field(description="When it was saved or last changed (UTC).")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Upload a history file",
)
def upload_history(
    team: TeamDep,
    session: SessionDep,
    state: StateDep,
    file: Annotated[
        UploadFile,
        File(
            description="CSV export: canonical (`interval_start`, `channel`, `volume`, "
            "optional `aht_seconds`/`handle_seconds_total`), Genesys Cloud, Amazon Connect, or "
            "per-contact rows (`Created at`, `Channel`, optional `Handle time`)."
        ),
    ],
    timezone: Annotated[
        str | None,
        Form(description="IANA timezone of naive timestamps in the file (default: the team's)."),
    ] = None,
    interval_minutes: Annotated[
        int | None,
        Form(
            ge=15,
            le=60,
            description="Planning interval to aggregate to: 15, 30 or 60 (default: the file's "
            "own, or the team's once it has history).",
        ),
    ] = None,
    mapping: Annotated[ColumnMapping | None, Depends(upload_mapping)] = None,
) -> HistoryUploadInfo:
    """Import a history export. Intervals already stored are replaced (the last upload
    wins); a gap in the new file never erases stored data. A file with any problem is
    rejected whole (422, every bad row listed) and the stored history stays as it was."""
    content = file.file.read()
    if not content.strip():
        raise InvalidUploadError("the uploaded file is empty; send the CSV export as `file`")
    if timezone is not None:
        try:
            checked_timezone(timezone)
        except ValueError as error:
            raise InvalidParameterError(str(error)) from None
    # Parsed before the write transaction begins (team_row takes the write lock on SQLite):
    # a large file takes seconds to read, and other writers (job heartbeats, uploads) must not
    # wait for that. import_history parses again if the team changed in between. The team's
    # saved mapping is read in a session of its own, which takes no write lock either.
    with state.database.session() as reading:
        saved = mapping_for_columns(reading, team.id, file_columns(content))
    options = UploadOptions(timezone, interval_minutes, mapping)
    parsed = parsed_upload(content, team, options, saved_mapping=saved)
    upload = import_history(
        session,
        team_row(session, team),
        content,
        filename=file.filename or "",
        options=options,
        parsed=parsed,
    )
    session.commit()
    return HistoryUploadInfo.of(upload)


@router.get(
    "/summary",
    summary="What history is stored",
)
async def read_history_summary(team: TeamDep, reads: ReadsDep) -> HistorySummary:
    """Channels, range, interval and gaps of the stored history."""
    uploads = await reads.run(lambda session: upload_count(session, team.id))
    return HistorySummary(
        timezone=team.timezone,
        interval_minutes=team.history_interval_minutes,
        channels=[
            ChannelSummary.model_validate(item, from_attributes=True)
            for item in history_overview(team)
        ],
        uploads=uploads or 0,
    )


@router.get(
    ".csv",
    summary="Download the stored history as CSV",
    response_class=Response,
    responses={200: csv_content("The canonical history CSV.")},
)
async def download_history(
    request: Request,
    team: TeamDep,
    reads: ReadsDep,
    downloads: DownloadsDep,
    start: Annotated[
        IsoDateTime | None, Query(description="First interval to include (ISO 8601).")
    ] = None,
    end: Annotated[
        IsoDateTime | None, Query(description="Intervals before this one (ISO 8601).")
    ] = None,
    channel: Annotated[
        list[Annotated[str, OneLine]] | None, Query(description="Only these channels.")
    ] = None,
) -> Response:
    """The canonical CSV (`interval_start`, `channel`, `volume`, `aht_seconds`) in the team's
    timezone; an empty `volume` marks missing data. It can be uploaded again unchanged."""
    first, last = _aware(start, team.timezone), _aware(end, team.timezone)
    # Everything the file depends on; history_version changes with every write to the
    # history, in the same transaction (see api.service.download_cache).
    key = (
        "history.csv",
        team.id,
        team.history_version,
        team.timezone,
        first,
        last,
        None if channel is None else tuple(channel),
    )
    etag = etag_of(key)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    body = downloads.get(key)
    if body is None:  # rendering takes up to a second (a year): off the event loop
        body = await reads.run(
            lambda session: csv_bytes(
                load_history(
                    session,
                    team.id,
                    timezone=team.timezone,
                    start=first,
                    end=last,
                    channels=channel,
                )
            ),
            long=True,
        )
        downloads.put(key, body)
    return csv_download(body, "history.csv", etag)


def _aware(moment: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """Naive query timestamps are local to the team."""
    import zoneinfo

    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(timezone))


@router.get(
    "/uploads",
    summary="Accepted uploads, newest first",
)
async def list_uploads(team: TeamDep, reads: ReadsDep) -> list[HistoryUploadInfo]:
    """Every accepted upload with what it added and replaced."""

    return await reads.run(
        lambda session: [HistoryUploadInfo.of(upload) for upload in team_uploads(session, team.id)]
    )


@router.get(
    "/uploads/{upload_id}",
    summary="One upload",
    responses=problem_responses(404),
)
def read_upload(upload_id: ResourceId, team: TeamDep, session: SessionDep) -> HistoryUploadInfo:
    """What one upload added and replaced, and what the importer understood of it."""
    upload = team_upload(session, team.id, upload_id)
    if upload is None:
        raise NotFoundError(f"there is no history upload {upload_id}")
    return HistoryUploadInfo.of(upload)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete the stored history",
)
def remove_history(team: TeamDep, session: SessionDep) -> None:
    """Remove every stored interval and the upload log (e.g. to change the interval)."""
    delete_history(session, team.id)
    session.commit()


@router.get("/mappings", summary="The team's saved column mappings")
def list_mappings(team: TeamDep, session: SessionDep) -> list[SavedMappingInfo]:
    """The column mapping saved for each header the team's interval reports had, newest
    first: an upload whose columns match one is read with it unless the upload gives its own."""
    return [
        SavedMappingInfo(columns=row.columns, mapping=row.mapping, updated_at=row.updated_at)
        for row in team_mappings(session, team.id)
    ]
