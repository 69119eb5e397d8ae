"""The tables of the service (SQLAlchemy 2 typed ORM). Alembic migrations in
``api/migrations`` create them; a test checks the two never drift apart.

Every row that belongs to a team carries ``team_id``; queries always filter on it.
Timestamps are stored as UTC without an offset (identical on SQLite and PostgreSQL) and come
back timezone-aware through :class:`UTCDateTime`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JobKind = Literal["forecast", "schedule", "simulation"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
JOB_KINDS: tuple[JobKind, ...] = get_args(JobKind)
JOB_STATUSES: tuple[JobStatus, ...] = get_args(JobStatus)
FINISHED_STATUSES: frozenset[JobStatus] = frozenset({"done", "failed", "cancelled"})

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as naive UTC; naive input is refused."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store the naive datetime {value!r}; give a timezone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (for migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
    }


class Team(Base):
    """A support team: its settings, and the owner of everything else."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_subdivision: Mapped[str | None] = mapped_column(String(16))
    special_days: Mapped[list[Any]] = mapped_column(default=list)
    targets: Mapped[dict[str, Any] | None]
    rules: Mapped[dict[str, Any] | None]
    history_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    history_channels: Mapped[list[Any]] = mapped_column(default=list)
    history_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Counts the writes to the team's history; a rendered download is current while it
    is unchanged."""
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Counts the changes to this row: a database trigger (migration 0004) adds one in every
    ``UPDATE`` of it, whoever writes. A service process's copy of the row is current while it
    is unchanged (see :mod:`api.service.team_cache`)."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class ApiKey(Base):
    """An API key of a team. Only the SHA-256 of the secret part is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[dt.datetime | None]


class HistoryInterval(Base):
    """One interval of one channel of a team's contact history (``volume`` NULL = a gap)."""

    __tablename__ = "history_intervals"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    interval_start: Mapped[dt.datetime] = mapped_column(primary_key=True)
    volume: Mapped[float | None] = mapped_column(Float)
    aht_seconds: Mapped[float | None] = mapped_column(Float)


class HistoryUpload(Base):
    """One accepted history file: what it added and replaced, and what the parser understood."""

    __tablename__ = "history_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    rows_added: Mapped[int] = mapped_column(Integer)
    rows_replaced: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]]
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Job(Base):
    """A forecast or schedule computed outside the request; its state survives restarts."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_team_kind", "team_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[JobKind] = mapped_column(String(16))
    status: Mapped[JobStatus] = mapped_column(String(16), default="queued", index=True)
    request: Mapped[dict[str, Any]]
    progress: Mapped[dict[str, Any] | None]
    reason: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    owner: Mapped[str | None] = mapped_column(String(64))
    """The service process running the job (see :class:`api.jobs.runner.JobRunner`)."""
    heartbeat_at: Mapped[dt.datetime | None]
    """When that process last confirmed it is still running the job."""


class JobResult(Base):
    """One part of a finished job's result (a forecast's ``intervals``, a schedule's
    ``summary``, ...), stored apart so a request reads only the part it shows."""

    __tablename__ = "job_results"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload: Mapped[Any] = mapped_column(JSON())


class Agent(Base):
    """A named agent of a team's roster: one row of the optimizer's agents table
    (see :mod:`scheduler.shifts.agents` for the meaning of each column)."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("team_id", "agent_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    skills: Mapped[list[str]]
    min_hours: Mapped[float | None] = mapped_column(Float)
    max_hours: Mapped[float | None] = mapped_column(Float)
    unavailable: Mapped[list[str]] = mapped_column(default=list)
    time_off: Mapped[list[str]] = mapped_column(default=list)
    preferred_start: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
