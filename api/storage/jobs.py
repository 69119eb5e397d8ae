"""Jobs and their stored results: the row changes of a job's life (see
:mod:`api.jobs.runner`) and the reads of the routes. Each function works in the caller's
session and leaves the commit to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, select, update
from sqlalchemy.orm import Session

from api.storage.database import affected_rows
from api.storage.models import FINISHED_STATUSES, Job, JobKind, JobResult, JobStatus, utc_now


@dataclass(frozen=True)
class Heartbeat:
    """What one heartbeat found: running jobs failed as interrupted, this owner's jobs whose
    cancellation was asked for elsewhere, and the queued jobs (oldest first)."""

    interrupted: int
    cancelled: list[int]
    waiting: list[int]


def insert_job(session: Session, team_id: int, kind: JobKind, request: dict[str, Any]) -> Job:
    """A new ``queued`` job (added to the session)."""
    job = Job(team_id=team_id, kind=kind, status="queued", request=request)
    session.add(job)
    return job


def claim_job(session: Session, job_id: int, owner: str) -> Job | None:
    """Mark a ``queued`` job ``running`` for ``owner``; ``None`` if it is no longer queued
    (cancelled, or taken by another runner). Atomic on SQLite and PostgreSQL."""
    claimed = affected_rows(
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(
                status="running",
                started_at=utc_now(),
                progress={"stage": "starting"},
                owner=owner,
                heartbeat_at=utc_now(),
            )
        )
    )
    return session.get(Job, job_id) if claimed else None


def record_progress(session: Session, job_id: int, progress: dict[str, Any]) -> bool:
    """Store a running job's progress and beat its heartbeat; whether its cancellation was
    requested."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(progress=progress, heartbeat_at=utc_now())
    )
    return bool(session.scalar(select(Job.cancel_requested).where(Job.id == job_id)))


def heartbeat(
    session: Session, owner: str, now: dt.datetime, stale_before: dt.datetime, reason: str
) -> Heartbeat:
    """Confirm ``owner``'s running jobs, fail running jobs whose heartbeat is older than
    ``stale_before`` (with ``reason``), and list what the owner has to act on."""
    session.execute(
        update(Job).where(Job.owner == owner, Job.status == "running").values(heartbeat_at=now)
    )
    interrupted = affected_rows(
        session.execute(
            update(Job)
            .where(
                Job.status == "running",
                (Job.heartbeat_at.is_(None)) | (Job.heartbeat_at < stale_before),
            )
            .values(status="failed", reason=reason, finished_at=now)
        )
    )
    cancelled = session.scalars(
        select(Job.id).where(Job.owner == owner, Job.status == "running", Job.cancel_requested)
    ).all()
    waiting = session.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id)).all()
    return Heartbeat(interrupted, list(cancelled), list(waiting))


def request_cancel(session: Session, job_id: int) -> tuple[bool, bool]:
    """Cancel a queued job at once, or flag a running one; ``(was queued, was running)``
    (both false: it had already finished)."""
    queued = affected_rows(
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(status="cancelled", finished_at=utc_now(), reason="cancelled before it ran")
        )
    )
    running = affected_rows(
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(cancel_requested=True)
        )
    )
    return bool(queued), bool(running)


def finish_job(
    session: Session,
    job_id: int,
    status: JobStatus,
    parts: Mapping[str, Any] | None = None,
    **values: Any,
) -> None:
    """End a running job with ``status`` (and ``values`` such as ``reason``); a done job's
    result ``parts`` are added with it, so they exist exactly when it is done."""
    assert status in FINISHED_STATUSES
    finished = affected_rows(
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(status=status, finished_at=utc_now(), **values)
        )
    )
    if finished and parts:
        session.add_all(
            JobResult(job_id=job_id, part=name, payload=payload) for name, payload in parts.items()
        )


def team_job(session: Session, team_id: int, job_id: int, kind: str | None = None) -> Job | None:
    """Team ``team_id``'s job ``job_id`` (of ``kind``, if given), or ``None``."""
    query = select(Job).where(Job.id == job_id, Job.team_id == team_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return session.scalar(query)


def team_jobs(session: Session, team_id: int, kind: str | None, limit: int) -> list[Job]:
    """The team's newest jobs, optionally of one kind."""
    query = select(Job).where(Job.team_id == team_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(session.scalars(query.order_by(Job.id.desc()).limit(limit)).all())


def result_parts(session: Session, job_id: int, *names: str) -> dict[str, Any]:
    """The named parts of a job's stored result (missing parts are left out)."""
    rows = session.execute(
        select(JobResult.part, JobResult.payload).where(
            JobResult.job_id == job_id, JobResult.part.in_(names)
        )
    )
    return {str(row.part): row.payload for row in rows}


def result_parts_json(session: Session, job_id: int, *names: str) -> dict[str, str]:
    """The named parts as the JSON text stored (no decoding: big parts go to the client as
    they are)."""
    rows = session.execute(
        select(JobResult.part, cast(JobResult.payload, Text).label("text")).where(
            JobResult.job_id == job_id, JobResult.part.in_(names)
        )
    )
    return {str(row.part): str(row.text) for row in rows}
