"""A team's contact history in the database: one row per channel and interval.

Re-uploading overlapping data replaces those intervals (the last upload wins). A gap in the
new file (``volume`` missing) never erases a value already stored; it is only recorded where
nothing was known. The caller owns the transaction: nothing here commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from api.storage.database import affected_rows
from api.storage.models import HistoryInterval, HistoryUpload, Team
from api.storage.teams import TeamSnapshot

HISTORY_COLUMNS = ("interval_start", "channel", "volume", "aht_seconds")
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's DateTime writes to SQLite


@dataclass(frozen=True)
class HistoryWrite:
    """What storing a history frame did."""

    rows_added: int
    rows_replaced: int


@dataclass(frozen=True)
class ChannelHistory:
    """What is stored for one channel."""

    channel: str
    first_interval_start: dt.datetime
    last_interval_start: dt.datetime
    intervals: int
    gap_intervals: int
    total_volume: float


def _utc_datetimes(starts: pd.Series[pd.Timestamp]) -> list[dt.datetime]:
    utc = starts.dt.tz_convert("UTC")
    return [stamp.to_pydatetime() for stamp in utc]


def begin_history_write(session: Session, team_id: int) -> None:
    """Serialise writers of one team's history and count the write: ``history_version`` is
    bumped, which also locks the team's row until the transaction ends on PostgreSQL (on
    SQLite the write session already holds the database's write lock). Rendered downloads
    remembered under the previous version are out of date from this commit on."""
    session.execute(
        update(Team)
        .where(Team.id == team_id)
        .values(history_version=Team.history_version + 1)
        .execution_options(synchronize_session="fetch")
    )


def store_history(session: Session, team_id: int, history: pd.DataFrame) -> HistoryWrite:
    """Write ``history`` (columns ``interval_start`` tz-aware, ``channel``, ``volume`` with NaN
    for gaps, ``aht_seconds``) for a team: new intervals are added, known ones replaced.
    """
    if history.empty:
        return HistoryWrite(rows_added=0, rows_replaced=0)
    begin_history_write(session, team_id)
    starts = _utc_datetimes(history["interval_start"])
    channels = history["channel"].astype(str).tolist()
    volumes = history["volume"].astype("float64").to_numpy()
    ahts = history["aht_seconds"].astype("float64").to_numpy()
    stored = _stored_keys(session, team_id, sorted(set(channels)), min(starts), max(starts))
    new_rows: list[dict[str, Any]] = []
    replacing: list[dict[str, Any]] = []
    for start, channel, volume, aht in zip(starts, channels, volumes, ahts, strict=True):
        known = (channel, start) in stored
        if np.isnan(volume) and known:
            continue  # a gap in this file must not erase what an earlier file said
        row = {
            "team_id": team_id,
            "channel": channel,
            "interval_start": start,
            "volume": None if np.isnan(volume) else float(volume),
            "aht_seconds": None if np.isnan(aht) else float(aht),
        }
        (replacing if known else new_rows).append(row)
    if session.get_bind().dialect.name == "postgresql":
        _write_postgresql(session, team_id, new_rows, replacing)
    else:
        _write_portable(session, new_rows, replacing)
    return HistoryWrite(rows_added=len(new_rows), rows_replaced=len(replacing))


def _write_portable(
    session: Session, new_rows: list[dict[str, Any]], replacing: list[dict[str, Any]]
) -> None:
    """Batched INSERT and UPDATE statements (fast on SQLite)."""
    if new_rows:
        session.execute(insert(HistoryInterval), new_rows)
    if replacing:
        table = cast(Table, HistoryInterval.__table__)
        session.execute(
            update(table)
            .where(
                table.c.team_id == bindparam("b_team_id"),
                table.c.channel == bindparam("b_channel"),
                table.c.interval_start == bindparam("b_interval_start"),
            )
            .values(volume=bindparam("b_volume"), aht_seconds=bindparam("b_aht_seconds")),
            [
                {
                    "b_team_id": row["team_id"],
                    "b_channel": row["channel"],
                    "b_interval_start": row["interval_start"],
                    "b_volume": row["volume"],
                    "b_aht_seconds": row["aht_seconds"],
                }
                for row in replacing
            ],
        )


def _copy_rows(session: Session, target: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL ``COPY ... FROM STDIN`` of history rows, in the session's transaction.

    Timestamps go in as naive UTC, as :class:`~api.storage.models.UTCDateTime` stores them.
    """
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a checked-out psycopg connection
    columns = "team_id, channel, interval_start, volume, aht_seconds"
    with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                (
                    row["team_id"],
                    row["channel"],
                    row["interval_start"].astimezone(dt.UTC).replace(tzinfo=None),
                    row["volume"],
                    row["aht_seconds"],
                )
            )


def _write_postgresql(
    session: Session,
    team_id: int,
    new_rows: list[dict[str, Any]],
    replacing: list[dict[str, Any]],
) -> None:
    """COPY, 10-20x faster than row-by-row statements for a year of intervals: new rows
    straight into the table, replacements through a temporary table and one UPDATE."""
    if new_rows:
        _copy_rows(session, "history_intervals", new_rows)
    if replacing:
        session.execute(
            text("CREATE TEMPORARY TABLE history_incoming (LIKE history_intervals) ON COMMIT DROP")
        )
        _copy_rows(session, "history_incoming", replacing)
        session.execute(
            text(
                "UPDATE history_intervals AS stored "
                "SET volume = incoming.volume, aht_seconds = incoming.aht_seconds "
                "FROM history_incoming AS incoming WHERE stored.team_id = :team_id "
                "AND stored.channel = incoming.channel "
                "AND stored.interval_start = incoming.interval_start"
            ),
            {"team_id": team_id},
        )
        session.execute(text("DROP TABLE history_incoming"))


def _stored_keys(
    session: Session, team_id: int, channels: list[str], first: dt.datetime, last: dt.datetime
) -> set[tuple[str, dt.datetime]]:
    rows = session.execute(
        select(HistoryInterval.channel, HistoryInterval.interval_start).where(
            HistoryInterval.team_id == team_id,
            HistoryInterval.channel.in_(channels),
            HistoryInterval.interval_start >= first,
            HistoryInterval.interval_start <= last,
        )
    )
    return {(channel, start) for channel, start in rows}


def load_history(
    session: Session,
    team_id: int,
    *,
    timezone: str = "UTC",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    channels: list[str] | None = None,
) -> pd.DataFrame:
    """A team's stored history as a frame (``interval_start`` in ``timezone``), sorted by
    channel and interval; ``start`` inclusive, ``end`` exclusive."""
    # The raw column (text on SQLite, a naive datetime on PostgreSQL) parsed in one vectorised
    # call: per-row conversion through the column type would take most of the time.
    query = select(
        type_coerce(HistoryInterval.interval_start, String()),
        HistoryInterval.channel,
        HistoryInterval.volume,
        HistoryInterval.aht_seconds,
    ).where(HistoryInterval.team_id == team_id)
    if start is not None:
        query = query.where(HistoryInterval.interval_start >= start)
    if end is not None:
        query = query.where(HistoryInterval.interval_start < end)
    if channels is None and (start is not None or end is not None):
        # Naming the channels lets the primary key (team, channel, start) serve a time range.
        overview = session.scalar(select(Team.history_channels).where(Team.id == team_id))
        channels = [item["channel"] for item in overview or []]
    if channels is not None:
        query = query.where(HistoryInterval.channel.in_(channels))
    rows = session.execute(
        query.order_by(HistoryInterval.channel, HistoryInterval.interval_start)
    ).all()
    starts, names, volumes, ahts = zip(*rows, strict=True) if rows else ((), (), (), ())
    raw_starts = pd.Series(starts, dtype=object)
    if rows and isinstance(starts[0], str):
        utc = pd.to_datetime(raw_starts, format=SQLITE_DATETIME_FORMAT, utc=True)
    else:
        utc = pd.to_datetime(raw_starts, utc=True)
    return pd.DataFrame(
        {
            "interval_start": utc.dt.tz_convert(timezone),
            "channel": pd.Series(names, dtype=str),
            "volume": np.array(volumes, dtype=np.float64),
            "aht_seconds": np.array(ahts, dtype=np.float64),
        }
    )


def history_by_channel(session: Session, team_id: int) -> list[ChannelHistory]:
    """Per channel: first and last interval, interval and gap counts, total volume."""
    rows = session.execute(
        select(
            HistoryInterval.channel,
            func.min(HistoryInterval.interval_start),
            func.max(HistoryInterval.interval_start),
            func.count(),
            func.count(HistoryInterval.volume),
            func.coalesce(func.sum(HistoryInterval.volume), 0.0),
        )
        .where(HistoryInterval.team_id == team_id)
        .group_by(HistoryInterval.channel)
        .order_by(HistoryInterval.channel)
    ).all()
    result = []
    for channel, first, last, intervals, known, total in rows:
        result.append(
            ChannelHistory(
                channel=channel,
                first_interval_start=_aware(first),
                last_interval_start=_aware(last),
                intervals=int(intervals),
                gap_intervals=int(intervals) - int(known),
                total_volume=float(total or 0.0),
            )
        )
    return result


def refresh_history_overview(session: Session, team: Team) -> None:
    """Recompute the per-channel overview kept on the team (read by ``GET
    /v1/history/summary`` without scanning the history)."""
    team.history_channels = [
        {
            **dataclasses.asdict(item),
            "first_interval_start": item.first_interval_start.isoformat(),
            "last_interval_start": item.last_interval_start.isoformat(),
        }
        for item in history_by_channel(session, team.id)
    ]


def history_overview(team: Team | TeamSnapshot) -> list[ChannelHistory]:
    """The per-channel overview stored by :func:`refresh_history_overview`."""
    return [
        ChannelHistory(
            channel=item["channel"],
            first_interval_start=dt.datetime.fromisoformat(item["first_interval_start"]),
            last_interval_start=dt.datetime.fromisoformat(item["last_interval_start"]),
            intervals=item["intervals"],
            gap_intervals=item["gap_intervals"],
            total_volume=item["total_volume"],
        )
        for item in team.history_channels
    ]


def _aware(value: dt.datetime | str) -> dt.datetime:
    """Aggregates bypass the column type on SQLite (they come back as text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def delete_history(session: Session, team_id: int) -> int:
    """Remove a team's whole history and upload log; returns the number of intervals
    removed."""
    begin_history_write(session, team_id)
    removed = affected_rows(
        session.execute(delete(HistoryInterval).where(HistoryInterval.team_id == team_id))
    )
    session.execute(delete(HistoryUpload).where(HistoryUpload.team_id == team_id))
    session.execute(
        update(Team)
        .where(Team.id == team_id)
        .values(history_interval_minutes=None, history_channels=[])
    )
    return removed
