"""Background jobs (forecasts, schedules, simulations): a thread pool whose state lives in
the database.

Life of a job::

    queued ──claim──► running ──► done
       │                 ├──────► failed      (bad input, infeasible rules, a bug; ``reason``)
       │                 └──────► cancelled   (cancel requested; the solver is told to stop)
       └──cancel──► cancelled

- A job is inserted as ``queued`` and committed before it is handed to the pool, so a crash
  cannot lose it; a worker *claims* it with ``UPDATE ... WHERE status = 'queued'`` (atomic on
  SQLite and PostgreSQL), so two threads or two processes can never both run it.
- Several service processes may share one database (``staffcast serve --workers N``). Each
  :class:`JobRunner` has an ``owner`` id, written on the jobs it claims, and a heartbeat
  thread that refreshes ``heartbeat_at`` on them every ``job_heartbeat_seconds``. A running
  job whose heartbeat is older than :data:`STALE_HEARTBEATS` beats lost its process (a crash,
  a kill): any runner marks it ``failed`` with a reason (its work is gone; the client submits
  again). A runner starting next to live ones therefore leaves their jobs alone; a job of a
  runner that stopped cleanly is failed by that runner as it stops.
- Each beat also hands over ``queued`` jobs this runner does not hold yet (submitted to a
  process that has gone, or waiting behind a busy one), and passes on cancellations that were
  requested through another process.
- Threads, not processes, run the jobs: CP-SAT and most numpy/pandas work release the GIL, and
  a thread can be told to stop through an event that the solver's callback checks.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Literal, TypeVar, overload

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.jobs import (
    claim_job,
    finish_job,
    heartbeat,
    insert_job,
    record_progress,
    request_cancel,
    result_parts,
    team_job,
)
from api.storage.models import Job, JobKind, JobStatus, utc_now
from forecast.errors import ForecastError
from scheduler.errors import SchedulerError

PROGRESS_INTERVAL_SECONDS: Final = 0.5
STALE_HEARTBEATS: Final = 6
"""Missed heartbeats after which a running job's process is taken to be gone."""
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
            cancel = record_progress(session, self.job_id, progress)
            session.commit()
        if cancel:
            self.stop_event.set()


T = TypeVar("T")
RequestT = TypeVar("RequestT", bound=BaseModel)


class StoredPartError(Exception):
    """A stored part of a job (a result part, or the request it was submitted with) does not
    match its model: written by another version of staffcast, or changed in the database.

    Attributes:
        part: the part's name (``request`` for the request).
        errors: what does not match, one line per field.
    """

    def __init__(self, kind: str, job_id: int, part: str, errors: list[str]) -> None:
        self.part = part
        self.errors = errors
        first = errors[0] if errors else "missing"
        super().__init__(
            f"{kind} {job_id}: its stored `{part}` does not match what this version of "
            f"staffcast reads ({first}); run the {kind} again"
        )


def _mismatch(error: ValidationError) -> list[str]:
    """One line per field of a failed validation: where, and what was wrong."""
    return [
        f"{'.'.join(str(step) for step in item['loc']) or 'value'}: {item['msg']}"
        for item in error.errors()
    ]


class ResultPart(Generic[T]):
    """One named part of a job's stored result (one ``job_results`` row) and the model it is
    read back through.

    Args:
        name: the part's name, a field of the job's outcome model.
        model: the type the stored JSON must match (a pydantic model, ``list[Record]``, ...).
        or_null: the part may be ``null`` instead; a job stored without it (by an older
            version) reads as ``null`` too, where a missing part is otherwise a
            :class:`StoredPartError`.
    """

    @overload
    def __init__(self: ResultPart[T], name: str, model: type[T]) -> None: ...
    @overload
    def __init__(
        self: ResultPart[T | None], name: str, model: type[T], *, or_null: Literal[True]
    ) -> None: ...
    def __init__(self, name: str, model: type[T], *, or_null: bool = False) -> None:
        self.name = name
        self.or_null = or_null
        shape: Any = model | None if or_null else model
        self.adapter: TypeAdapter[Any] = TypeAdapter(shape)

    def __repr__(self) -> str:
        return f"ResultPart({self.name!r})"

    def _missing(self, kind: str, job_id: int) -> StoredPartError:
        return StoredPartError(kind, job_id, self.name, ["the part is missing"])

    def read(self, payloads: Mapping[str, object], kind: str, job_id: int) -> T:
        """The part, from the decoded ``payloads`` of job ``job_id`` of ``kind``.

        Raises:
            StoredPartError: the part is missing or does not match the model.
        """
        if self.name not in payloads and not self.or_null:
            raise self._missing(kind, job_id)
        try:
            part: T = self.adapter.validate_python(payloads.get(self.name))
        except ValidationError as error:
            raise StoredPartError(kind, job_id, self.name, _mismatch(error)) from None
        return part

    def checked_json(self, texts: Mapping[str, str], kind: str, job_id: int) -> str:
        """The part's stored JSON text, once it is known to match the model (it is sent as
        stored, not re-encoded).

        Raises:
            StoredPartError: the part is missing or does not match the model.
        """
        text = texts.get(self.name)
        if text is None:
            if not self.or_null:
                raise self._missing(kind, job_id)
            text = "null"
        try:
            self.adapter.validate_json(text)
        except ValidationError as error:
            raise StoredPartError(kind, job_id, self.name, _mismatch(error)) from None
        return text


def stored_request(model: type[RequestT], kind: str, job_id: int, request: object) -> RequestT:
    """A job's stored request, read through the model it was submitted with.

    Raises:
        StoredPartError: the stored request does not match the model.
    """
    try:
        return model.model_validate(request)
    except ValidationError as error:
        raise StoredPartError(kind, job_id, "request", _mismatch(error)) from None


@dataclass(frozen=True)
class DoneJob:
    """A team's finished job as another job reads it: its stored request and result parts,
    each read through its model."""

    kind: str
    job_id: int
    request: object
    payloads: Mapping[str, object]

    def part(self, part: ResultPart[T]) -> T:
        """A result part (see :meth:`ResultPart.read`)."""
        return part.read(self.payloads, self.kind, self.job_id)

    def request_as(self, model: type[RequestT]) -> RequestT:
        """The request (see :func:`stored_request`)."""
        return stored_request(model, self.kind, self.job_id, self.request)


def done_job(context: JobContext, job_id: int, kind: str, *parts: ResultPart[Any]) -> DoneJob:
    """The team's finished job ``job_id`` of ``kind`` (a forecast a schedule is built from, a
    schedule being simulated), with the named result parts.

    Raises:
        ForecastError: the team has no such job, or it is not done.
    """
    with context.database.session() as session:
        job = team_job(session, context.team_id, job_id, kind)
        if job is None:
            raise ForecastError(f"there is no {kind} {job_id}")
        if job.status != "done":
            raise ForecastError(f"{kind} {job_id} is {job.status}, not done")
        found = result_parts(session, job_id, *(part.name for part in parts))
        return DoneJob(kind, job_id, dict(job.request), found)


JobHandler = Callable[[JobContext], BaseModel]
"""Runs a job; returns its result, a model whose fields are its named parts (each stored as one
``job_results`` row)."""


def runner_owner_id() -> str:
    """A new runner's owner id: host, process and a random part (a pid is reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class JobRunner:
    """Runs jobs of the kinds in ``handlers`` on ``settings.job_workers`` threads, and keeps
    their heartbeat (see the module docstring)."""

    def __init__(
        self,
        database: Database,
        settings: ServiceSettings,
        handlers: Mapping[str, JobHandler],
    ) -> None:
        self.database = database
        self.settings = settings
        self.handlers = dict(handlers)
        self.owner = runner_owner_id()
        self._executor: ThreadPoolExecutor | None = None
        self._stop_events: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self._shutting_down = False
        self._stopped = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def start(self) -> None:
        """Fail the jobs of runners that are gone, start the pool, queue the waiting jobs and
        start beating."""
        self._executor = ThreadPoolExecutor(
            max_workers=self.settings.job_workers, thread_name_prefix="staffcast-job"
        )
        self.beat()
        self._heartbeat = threading.Thread(
            target=self._beat_until_stopped, name="staffcast-job-heartbeat", daemon=True
        )
        self._heartbeat.start()

    def beat(self) -> None:
        """One heartbeat: confirm this runner's running jobs, pass on cancellations requested
        elsewhere, fail running jobs whose runner is gone, and take up queued jobs."""
        now = utc_now()
        stale_before = now - dt.timedelta(
            seconds=STALE_HEARTBEATS * self.settings.job_heartbeat_seconds
        )
        with self.database.session(write=True) as session:
            found = heartbeat(session, self.owner, now, stale_before, INTERRUPTED_REASON)
            session.commit()
        if found.interrupted:
            logger.warning("marked %d interrupted job(s) as failed", found.interrupted)
        with self._lock:
            for job_id in found.cancelled:
                event = self._stop_events.get(job_id)
                if event is not None:
                    event.set()
            waiting = [job_id for job_id in found.waiting if job_id not in self._stop_events]
        for job_id in waiting:
            self.enqueue(job_id)

    def _beat_until_stopped(self) -> None:
        while not self._stopped.wait(self.settings.job_heartbeat_seconds):
            try:
                self.beat()
            except Exception:  # the database may be briefly away; beat again next time
                logger.exception("job heartbeat failed")

    def enqueue(self, job_id: int) -> None:
        """Hand a committed ``queued`` job to the pool (once: a job this runner already holds
        is not handed over again)."""
        if self._executor is None or self._shutting_down:
            return  # stays queued in the database for another runner or the next start-up
        with self._lock:
            if job_id in self._stop_events:
                return
            self._stop_events[job_id] = threading.Event()
        self._executor.submit(self._run, job_id)

    def submit(self, session: Session, team_id: int, kind: JobKind, request: dict[str, Any]) -> Job:
        """Insert a job, commit it, and queue it."""
        if kind not in self.handlers:
            raise ValueError(f"no handler for jobs of kind {kind!r}")
        job = insert_job(session, team_id, kind, request)
        session.commit()
        self.enqueue(job.id)
        return job

    def cancel(self, session: Session, job: Job) -> bool:
        """Cancel ``job``: at once if queued, by telling the worker to stop if running.

        Returns:
            False if the job had already finished (nothing to cancel).
        """
        queued, running = request_cancel(session, job.id)
        session.commit()
        if running:
            with self._lock:
                event = self._stop_events.get(job.id)
            if event is not None:
                event.set()
        session.refresh(job)
        return queued or running

    def stop(self) -> None:
        """Stop the pool: running jobs are told to stop and end ``failed`` (interrupted);
        queued ones stay queued for the next start-up."""
        self._shutting_down = True
        self._stopped.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
            self._heartbeat = None
        with self._lock:
            for event in self._stop_events.values():
                event.set()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _claim(self, job_id: int) -> Job | None:
        with self.database.session(write=True) as session:
            job = claim_job(session, job_id, self.owner)
            session.commit()
            return job

    def _finish(
        self, job_id: int, status: JobStatus, parts: dict[str, Any] | None = None, **values: Any
    ) -> None:
        """Record the outcome, and a done job's result parts, in one transaction."""
        with self.database.session(write=True) as session:
            finish_job(session, job_id, status, parts, **values)
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
        except (ForecastError, SchedulerError, StoredPartError) as error:
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
            parts = result.model_dump(mode="json")
            self._finish(job_id, "done", parts=parts, progress={"stage": "done"})
