"""Importing a history file: parse it with the forecaster's importer, store it, log it; the
log of accepted uploads.

The service parses a file before its write transaction begins (:func:`parsed_upload`, no
database involved), so other writers never wait for a large file to be read: only storing
it holds SQLite's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.storage.history import refresh_history_overview, store_history
from api.storage.models import HistoryUpload, Team
from forecast import History, InvalidHistoryError, parse_history


@dataclass(frozen=True)
class ParsedUpload:
    """A history file parsed for a team as it was: its timezone and stored interval."""

    history: History
    team_timezone: str
    stored_minutes: int | None

    def fits(self, team: Team) -> bool:
        """Whether ``team`` still has the timezone and interval the file was parsed for."""
        return (team.timezone, team.history_interval_minutes) == (
            self.team_timezone,
            self.stored_minutes,
        )


def parsed_upload(
    content: bytes | str,
    *,
    team_timezone: str,
    stored_minutes: int | None,
    timezone: str | None = None,
    interval_minutes: int | None = None,
) -> ParsedUpload:
    """Parse a history export for a team in ``team_timezone`` whose history is at
    ``stored_minutes`` (None: no history yet). Pure work on the file: no database, so no
    lock is held while it runs.

    Raises:
        InvalidHistoryError: the file is rejected (every row problem listed).
    """
    if interval_minutes and stored_minutes and interval_minutes != stored_minutes:
        raise InvalidHistoryError(
            f"this team's history is at {stored_minutes}-minute intervals, so a file cannot be "
            f"imported at {interval_minutes} minutes; leave interval_minutes out (finer data is "
            "summed up) or delete the stored history first"
        )
    history = parse_history(
        content,
        timezone=timezone or team_timezone,
        interval_minutes=interval_minutes or stored_minutes,
    )
    return ParsedUpload(history, team_timezone, stored_minutes)


def import_history(
    session: Session,
    team: Team,
    content: bytes | str,
    *,
    filename: str = "",
    timezone: str | None = None,
    interval_minutes: int | None = None,
    parsed: ParsedUpload | None = None,
) -> HistoryUpload:
    """Parse a history export and store it for ``team``, as one unit (the caller commits).

    Naive timestamps in the file are local to ``timezone`` (default: the team's). Once a team
    has history, later files are brought to the same planning interval (a finer file is summed
    up; a coarser one is refused by the parser). ``parsed`` is the file as
    :func:`parsed_upload` read it before the caller's transaction began; it is used if the
    team still has the timezone and interval it was parsed for, else the file is parsed again.

    Raises:
        InvalidHistoryError: the file is rejected (every row problem listed); nothing stored.
    """
    if parsed is None or not parsed.fits(team):
        parsed = parsed_upload(
            content,
            team_timezone=team.timezone,
            stored_minutes=team.history_interval_minutes,
            timezone=timezone,
            interval_minutes=interval_minutes,
        )
    history = parsed.history
    written = store_history(session, team.id, history.frame)
    team.history_interval_minutes = history.interval_minutes
    refresh_history_overview(session, team)
    upload = HistoryUpload(
        team_id=team.id,
        filename=filename[:255],
        timezone=timezone or team.timezone,
        rows_added=written.rows_added,
        rows_replaced=written.rows_replaced,
        summary=history.summary.to_dict(),
    )
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
