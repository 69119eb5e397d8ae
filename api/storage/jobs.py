"""Reading jobs and their stored results (the runner in :mod:`api.jobs.runner` writes them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from api.storage.models import Job, JobResult


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
