"""Background jobs (forecasts and schedules): a thread pool whose state lives in the database.

Life of a job::

    queued ──claim──► running ──► done
       │                 ├──────► failed      (bad input, infeasible rules, a bug; ``reason``)
       │                 └──────► cancelled   (cancel requested; the solver is told to stop)
       └──cancel──► cancelled

- A job is inserted as ``queued`` and committed before it is handed to the pool, so a crash
  cannot lose it; a worker *claims* it with ``UPDATE ... WHERE status = 'queued'``, so two
  workers (or a restart racing a worker) can never both run it.
- On start-up, jobs left ``running`` by a previous process are marked ``failed`` with a reason
  (their work is gone; the client submits again) and ``queued`` ones are handed to the pool.
- Threads, not processes: CP-SAT and most numpy/pandas work release the GIL, and a thread can
  be told to stop through an event that the solver's callback checks.
- One service process per database: the recovery above assumes no other process is running
  jobs on the same database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Text, cast, select, update
from sqlalchemy.orm import Session

from api.settings import ServiceSettings
from api.storage.database import Database, affected_rows
from api.storage.models import FINISHED_STATUSES, Job, JobResult, utc_now
from forecast.errors import ForecastError
from scheduler.errors import SchedulerError

PROGRESS_INTERVAL_SECONDS: Final = 0.5
INTERRUPTED_REASON: Final = (
    "interrupted: the service stopped while this job was running; submit it again"
)
logger = logging.getLogger("staffcast.jobs")


class JobCancelledError(Exception):
    """Raised inside a job when its cancellation was requested; the job ends ``cancelled``."""


@dataclass
class JobContext:
    """What a job handler gets: its request, the database, and a way to report progress and
    learn that it should stop."""

    job_id: int
    team_id: int
    request: dict[str, Any]
    database: Database
    settings: ServiceSettings
    stop_event: threading.Event
    started_monotonic: float = field(default_factory=time.monotonic)
    _last_report: float = 0.0

    def elapsed_seconds(self) -> float:
        """Seconds since the job started running."""
        return time.monotonic() - self.started_monotonic

    def should_stop(self) -> bool:
        """True once the job was cancelled (or the service is shutting down)."""
        return self.stop_event.is_set()

    def raise_if_stopped(self) -> None:
        """Raise :class:`JobCancelledError` if the job should stop."""
        if self.should_stop():
            raise JobCancelledError

    def report(self, stage: str, message: str = "", *, force: bool = False, **extra: Any) -> None:
        """Store the job's progress (at most every half second unless ``force``).

        Also picks up a cancellation requested through the database (by another process).
        """
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_report = now
        progress = {
            "stage": stage,
            "message": message,
            "elapsed_seconds": round(self.elapsed_seconds(), 3),
            **extra,
        }
        with self.database.session(write=True) as session:
            session.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.status == "running")
                .values(progress=progress)
            )
            cancel = session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
            session.commit()
        if cancel:
            self.stop_event.set()


JobHandler = Callable[[JobContext], dict[str, Any]]
"""Runs a job; returns its result as named parts (each stored as one ``job_results`` row)."""


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


class JobRunner:
    """Runs jobs of the kinds in ``handlers`` on ``settings.job_workers`` threads."""

    def __init__(
        self,
        database: Database,
        settings: ServiceSettings,
        handlers: Mapping[str, JobHandler],
    ) -> None:
        self.database = database
        self.settings = settings
        self.handlers = dict(handlers)
        self._executor: ThreadPoolExecutor | None = None
        self._stop_events: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self._shutting_down = False

    def start(self) -> None:
        """Recover after a restart, then start the pool and queue the waiting jobs."""
        with self.database.session(write=True) as session:
            interrupted = affected_rows(
                session.execute(
                    update(Job)
                    .where(Job.status == "running")
                    .values(status="failed", reason=INTERRUPTED_REASON, finished_at=utc_now())
                )
            )
            waiting = session.scalars(
                select(Job.id).where(Job.status == "queued").order_by(Job.id)
            ).all()
            session.commit()
        if interrupted:
            logger.warning("marked %d interrupted job(s) as failed", interrupted)
        self._executor = ThreadPoolExecutor(
            max_workers=self.settings.job_workers, thread_name_prefix="staffcast-job"
        )
        for job_id in waiting:
            self.enqueue(job_id)

    def enqueue(self, job_id: int) -> None:
        """Hand a committed ``queued`` job to the pool."""
        if self._executor is None or self._shutting_down:
            return  # stays queued in the database; the next start-up runs it
        with self._lock:
            self._stop_events.setdefault(job_id, threading.Event())
        self._executor.submit(self._run, job_id)

    def submit(self, session: Session, team_id: int, kind: str, request: dict[str, Any]) -> Job:
        """Insert a job, commit it, and queue it."""
        if kind not in self.handlers:
            raise ValueError(f"no handler for jobs of kind {kind!r}")
        job = Job(team_id=team_id, kind=kind, status="queued", request=request)
        session.add(job)
        session.commit()
        self.enqueue(job.id)
        return job

    def cancel(self, session: Session, job: Job) -> bool:
        """Cancel ``job``: at once if queued, by telling the worker to stop if running.

        Returns:
            False if the job had already finished (nothing to cancel).
        """
        queued = affected_rows(
            session.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == "queued")
                .values(status="cancelled", finished_at=utc_now(), reason="cancelled before it ran")
            )
        )
        running = affected_rows(
            session.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == "running")
                .values(cancel_requested=True)
            )
        )
        session.commit()
        if running:
            with self._lock:
                event = self._stop_events.get(job.id)
            if event is not None:
                event.set()
        session.refresh(job)
        return bool(queued or running)

    def stop(self) -> None:
        """Stop the pool: running jobs are told to stop and end ``failed`` (interrupted);
        queued ones stay queued for the next start-up."""
        self._shutting_down = True
        with self._lock:
            for event in self._stop_events.values():
                event.set()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _claim(self, job_id: int) -> Job | None:
        with self.database.session(write=True) as session:
            claimed = affected_rows(
                session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == "queued")
                    .values(status="running", started_at=utc_now(), progress={"stage": "starting"})
                )
            )
            job = session.get(Job, job_id) if claimed else None
            session.commit()
            return job

    def _finish(
        self, job_id: int, status: str, parts: dict[str, Any] | None = None, **values: Any
    ) -> None:
        """Record the outcome, and a done job's result parts, in one transaction."""
        assert status in FINISHED_STATUSES
        with self.database.session(write=True) as session:
            finished = affected_rows(
                session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == "running")
                    .values(status=status, finished_at=utc_now(), **values)
                )
            )
            if finished and parts:
                session.add_all(
                    JobResult(job_id=job_id, part=name, payload=payload)
                    for name, payload in parts.items()
                )
            session.commit()

    def _run(self, job_id: int) -> None:
        try:
            job = self._claim(job_id)
            if job is None:
                return  # cancelled while queued, or already taken
            with self._lock:
                stop_event = self._stop_events.setdefault(job_id, threading.Event())
            context = JobContext(
                job_id=job.id,
                team_id=job.team_id,
                request=dict(job.request),
                database=self.database,
                settings=self.settings,
                stop_event=stop_event,
            )
            self._execute(job.kind, context)
        except Exception:  # a failure to even record the outcome; keep the pool alive
            logger.exception("job %d could not be run or recorded", job_id)
        finally:
            with self._lock:
                self._stop_events.pop(job_id, None)

    def _execute(self, kind: str, context: JobContext) -> None:
        job_id = context.job_id
        try:
            context.raise_if_stopped()
            result = self.handlers[kind](context)
            context.raise_if_stopped()
        except JobCancelledError:
            if self._shutting_down:
                self._finish(job_id, "failed", reason=INTERRUPTED_REASON)
            else:
                self._finish(job_id, "cancelled", reason="cancelled while running")
        except (ForecastError, SchedulerError) as error:
            lines = [str(error)] + [line for line in error.errors if line != str(error)]
            self._finish(job_id, "failed", reason="\n".join(lines))
        except Exception as error:
            logger.exception("job %d (%s) failed with an unexpected error", job_id, kind)
            self._finish(
                job_id,
                "failed",
                reason=f"internal error ({type(error).__name__}); the server log has details",
            )
        else:
            self._finish(job_id, "done", parts=result, progress={"stage": "done"})
