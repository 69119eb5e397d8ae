"""Importing a history file: parse it with the forecaster's importer, store it, log it; the
log of accepted uploads.

The service parses a file before its write transaction begins (:func:`parsed_upload`, no
database involved), so other writers never wait for a large file to be read: only storing
it holds SQLite's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.storage.column_mappings import file_columns, mapping_for_columns, save_mapping
from api.storage.history import refresh_history_overview, store_history
from api.storage.models import HistoryUpload, Team
from forecast import ColumnMapping, History, InvalidHistoryError, parse_history

MappingSource = Literal["given", "saved", "found by name"]


class TeamClock(Protocol):
    """What parsing a file needs of a team (its stored row, or a snapshot of it)."""

    @property
    def timezone(self) -> str:
        """The team's timezone: naive timestamps are read in it unless the upload says."""

    @property
    def history_interval_minutes(self) -> int | None:
        """The interval of the stored history (None: no history yet)."""


@dataclass(frozen=True)
class UploadOptions:
    """How to read an uploaded history file, as the upload asks.

    Attributes:
        timezone: of naive timestamps in the file (None: the team's).
        interval_minutes: the planning interval to aggregate to (None: the file's own, or the
            stored history's).
        mapping: the columns of an interval report (None: the saved mapping for the file's
            columns, or found by name).
    """

    timezone: str | None = None
    interval_minutes: int | None = None
    mapping: ColumnMapping | None = None


@dataclass(frozen=True)
class ParsedUpload:
    """A history file parsed for a team as it was: its timezone and stored interval, and for
    an interval report where its column mapping came from."""

    history: History
    team_timezone: str
    stored_minutes: int | None
    mapping_source: MappingSource | None = None

    def fits(self, team: TeamClock) -> bool:
        """Whether ``team`` still has the timezone and interval the file was parsed for."""
        return (team.timezone, team.history_interval_minutes) == (
            self.team_timezone,
            self.stored_minutes,
        )


def parsed_upload(
    content: bytes | str,
    team: TeamClock,
    options: UploadOptions,
    *,
    saved_mapping: ColumnMapping | None = None,
) -> ParsedUpload:
    """Parse a history export for ``team`` as it is now (its timezone, and the interval of its
    stored history), an interval report through ``options.mapping`` or the team's
    ``saved_mapping`` for its columns. Pure work on the file: no database, so no lock is held
    while it runs.

    Raises:
        InvalidHistoryError: the file is rejected (every row problem listed).
    """
    team_timezone, stored_minutes = team.timezone, team.history_interval_minutes
    interval_minutes, mapping = options.interval_minutes, options.mapping
    if interval_minutes and stored_minutes and interval_minutes != stored_minutes:
        raise InvalidHistoryError(
            f"this team's history is at {stored_minutes}-minute intervals, so a file cannot be "
            f"imported at {interval_minutes} minutes; leave interval_minutes out (finer data is "
            "summed up) or delete the stored history first"
        )
    history = parse_history(
        content,
        timezone=options.timezone or team_timezone,
        interval_minutes=interval_minutes or stored_minutes,
        mapping=mapping,
        saved_mapping=saved_mapping,
    )
    source: MappingSource | None = None
    if history.summary.mapping is not None:
        if saved_mapping is not None and not (mapping is not None and mapping.names_columns):
            source = "saved"  # with a channel or date order given with the upload, if any
        else:
            source = "found by name" if mapping is None else "given"
    return ParsedUpload(history, team_timezone, stored_minutes, source)


def import_history(
    session: Session,
    team: Team,
    content: bytes | str,
    *,
    filename: str = "",
    options: UploadOptions | None = None,
    parsed: ParsedUpload | None = None,
) -> HistoryUpload:
    """Parse a history export and store it for ``team``, as one unit (the caller commits).

    The file is read as ``options`` say (naive timestamps in the team's timezone by default).
    Once a team has history, later files are brought to the same planning interval (a finer
    file is summed up; a coarser one is refused by the parser). ``parsed`` is the file as
    :func:`parsed_upload` read it before the caller's transaction began; it is used if the
    team still has the timezone and interval it was parsed for, else the file is parsed again.

    An interval report is read through ``mapping`` or the mapping the team saved for files
    with its columns, and the mapping it was read with is saved for the next such file.

    Raises:
        InvalidHistoryError: the file is rejected (every row problem listed); nothing stored.
    """
    options = options or UploadOptions()
    columns = file_columns(content)
    if parsed is None or not parsed.fits(team):
        saved = mapping_for_columns(session, team.id, columns)
        parsed = parsed_upload(content, team, options, saved_mapping=saved)
    history = parsed.history
    written = store_history(session, team.id, history.frame)
    team.history_interval_minutes = history.interval_minutes
    refresh_history_overview(session, team)
    upload = HistoryUpload(
        team_id=team.id,
        filename=filename[:255],
        timezone=options.timezone or team.timezone,
        rows_added=written.rows_added,
        rows_replaced=written.rows_replaced,
        summary={**history.summary.to_dict(), "mapping_source": parsed.mapping_source},
    )
    if history.summary.mapping is not None:
        save_mapping(session, team.id, columns, history.summary.mapping)
    session.add(upload)
    session.flush()
    return upload


def upload_count(session: Session, team_id: int) -> int:
    """How many uploads of the team were accepted."""
    count = session.scalar(
        select(func.count()).select_from(HistoryUpload).where(HistoryUpload.team_id == team_id)
    )
    return int(count or 0)


def team_uploads(session: Session, team_id: int) -> list[HistoryUpload]:
    """The team's accepted uploads, newest first."""
    query = (
        select(HistoryUpload)
        .where(HistoryUpload.team_id == team_id)
        .order_by(HistoryUpload.id.desc())
    )
    return list(session.scalars(query))


def team_upload(session: Session, team_id: int, upload_id: int) -> HistoryUpload | None:
    """The team's upload ``upload_id``, or ``None``."""
    return session.scalar(
        select(HistoryUpload).where(HistoryUpload.id == upload_id, HistoryUpload.team_id == team_id)
    )
