"""Importing a history file: parse it with the forecaster's importer, store it, log it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.storage.history import refresh_history_overview, store_history
from api.storage.models import HistoryUpload, Team
from forecast import InvalidHistoryError, parse_history


def import_history(
    session: Session,
    team: Team,
    content: bytes | str,
    *,
    filename: str = "",
    timezone: str | None = None,
    interval_minutes: int | None = None,
) -> HistoryUpload:
    """Parse a history export and store it for ``team``, as one unit (the caller commits).

    Naive timestamps in the file are local to ``timezone`` (default: the team's). Once a team
    has history, later files are brought to the same planning interval (a finer file is summed
    up; a coarser one is refused by the parser).

    Raises:
        InvalidHistoryError: the file is rejected (every row problem listed); nothing stored.
    """
    zone = timezone or team.timezone
    stored_minutes = team.history_interval_minutes
    if interval_minutes and stored_minutes and interval_minutes != stored_minutes:
        raise InvalidHistoryError(
            f"this team's history is at {stored_minutes}-minute intervals, so a file cannot be "
            f"imported at {interval_minutes} minutes; leave interval_minutes out (finer data is "
            "summed up) or delete the stored history first"
        )
    history = parse_history(
        content, timezone=zone, interval_minutes=interval_minutes or stored_minutes
    )
    written = store_history(session, team.id, history.frame)
    team.history_interval_minutes = history.interval_minutes
    refresh_history_overview(session, team)
    upload = HistoryUpload(
        team_id=team.id,
        filename=filename[:255],
        timezone=zone,
        rows_added=written.rows_added,
        rows_replaced=written.rows_replaced,
        summary=history.summary.to_dict(),
    )
    session.add(upload)
    session.flush()
    return upload
