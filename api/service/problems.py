"""Every error a client can see, as RFC 9457 ``application/problem+json``.

One base class for the service's own errors (:class:`ServiceError`), one table
(:data:`PROBLEMS`) that maps each error class — the service's, the domain packages' and the
framework's — to a status, a machine-readable name and a title, and one handler
(:func:`problem_response`). A response body looks like::

    {"type": "/problems/invalid-history", "title": "The history file was rejected",
     "status": 422, "detail": "...", "instance": "/v1/history",
     "errors": ["row 12, column `volume`: '-3' is negative; ..."]}

``GET /problems`` lists the table, so every ``type`` resolves to a description.

Hierarchy of the service's own errors::

    ServiceError
    ├── AuthenticationError    401  no, malformed, unknown or revoked API key
    ├── NotFoundError          404  no such resource for the caller's team
    ├── ConflictError          409  the resource is not in a state that allows this
    ├── PayloadTooLargeError   413  the request body is over the configured limit
    ├── InvalidUploadError     422  an upload is not a readable CSV file
    ├── InvalidParameterError  422  a value is well-formed but not acceptable (a timezone)
    └── UnavailableError       503  the database cannot be reached

A stored job part that does not match its model (:class:`api.jobs.runner.StoredPartError`:
written by another version, or changed in the database) is a 409 naming the part, never a 500.

``MemoryError`` (an input the limits let through that still does not fit) is a 413 with a
message, never a 500 with an empty one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match

from api.jobs.runner import StoredPartError
from forecast.errors import ForecastError, InvalidCalendarError, InvalidHistoryError
from scheduler.errors import (
    InfeasibleScheduleError,
    InvalidAgentsError,
    InvalidRulesError,
    InvalidTargetsError,
    InvalidWorkloadError,
    SchedulerError,
)

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
MAX_LISTED_ERRORS: Final = 200

logger = logging.getLogger("staffcast.service")


class ServiceError(Exception):
    """Base of the errors the service raises itself; ``detail`` is shown to the client."""

    def __init__(
        self,
        detail: str,
        *,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers


class AuthenticationError(ServiceError):
    """The request carries no valid API key."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="staffcast"'})


class NotFoundError(ServiceError):
    """The resource does not exist for the caller's team (another team's is not found
    either)."""


class ConflictError(ServiceError):
    """The resource exists but is not in a state that allows the request."""


class PayloadTooLargeError(ServiceError):
    """The request body is larger than ``STAFFCAST_MAX_UPLOAD_BYTES``."""


class InvalidUploadError(ServiceError):
    """An uploaded file cannot be read as CSV text (empty, binary, not UTF-8)."""


class InvalidParameterError(ServiceError):
    """A parameter is well-formed but not acceptable, e.g. an unknown timezone name."""


class UnavailableError(ServiceError):
    """A dependency of the service (the database) is unreachable."""


@dataclass(frozen=True)
class ProblemType:
    """One row of the error table."""

    name: str
    status: int
    title: str
    description: str

    @property
    def uri(self) -> str:
        """The ``type`` member of the problem document."""
        return f"/problems/{self.name}"


def _row(name: str, status: int, title: str, description: str) -> ProblemType:
    return ProblemType(name, status, title, description)


INTERNAL_ERROR: Final = _row(
    "internal-error",
    500,
    "Internal error",
    "A bug in staffcast; the request was not applied. The server log has the details.",
)

# The one table: error class -> problem type. The handler picks the entry of the nearest class
# in the exception's MRO, so a subclass added later inherits its parent's row.
PROBLEMS: Final[dict[type[Exception], ProblemType]] = {
    AuthenticationError: _row(
        "unauthenticated",
        401,
        "Missing or invalid API key",
        "Send `Authorization: Bearer <key>` or `X-API-Key: <key>` with a key from "
        "`staffcast keys create TEAM`.",
    ),
    NotFoundError: _row("not-found", 404, "Not found", "No such resource exists for your team."),
    ConflictError: _row(
        "conflict",
        409,
        "Not possible in the current state",
        "For example a job that has not finished has no results yet.",
    ),
    StoredPartError: _row(
        "stored-part-mismatch",
        409,
        "A stored result does not match its model",
        "A part of a finished job (`detail` names it, `errors` lists what does not match) was "
        "stored by another version of staffcast or changed in the database; run the job again.",
    ),
    PayloadTooLargeError: _row(
        "payload-too-large",
        413,
        "Upload too large",
        "The request body is over the service's limit (STAFFCAST_MAX_UPLOAD_BYTES).",
    ),
    InvalidUploadError: _row(
        "invalid-upload", 422, "Unreadable upload", "The file is empty or not UTF-8 CSV text."
    ),
    InvalidParameterError: _row(
        "invalid-parameter",
        422,
        "Invalid value",
        "A value has the right type but is not acceptable, e.g. an unknown timezone.",
    ),
    UnavailableError: _row(
        "unavailable", 503, "Service unavailable", "The database cannot be reached."
    ),
    RequestValidationError: _row(
        "invalid-request",
        422,
        "Invalid request",
        "A parameter or body field is missing or has the wrong type or range; `errors` names "
        "each one by its location.",
    ),
    InvalidHistoryError: _row(
        "invalid-history",
        422,
        "The history file was rejected",
        "Nothing was stored; `errors` lists each row, column and value to fix.",
    ),
    InvalidCalendarError: _row(
        "invalid-calendar",
        422,
        "Invalid holidays or special days",
        "The holiday country/subdivision or a special day is not valid.",
    ),
    ForecastError: _row(
        "invalid-forecast-input", 422, "Cannot forecast", "The forecaster rejected its input."
    ),
    InvalidWorkloadError: _row(
        "invalid-workload",
        422,
        "Invalid workload",
        "The workload (volume and AHT per interval) handed to the staffing math is invalid.",
    ),
    InvalidTargetsError: _row(
        "invalid-targets",
        422,
        "Invalid service targets",
        "A service target is out of range or names an unknown channel.",
    ),
    InvalidRulesError: _row(
        "invalid-rules", 422, "Invalid scheduling rules", "A scheduling rule is malformed."
    ),
    InvalidAgentsError: _row(
        "invalid-agents",
        422,
        "Invalid roster",
        "An agent's row is malformed; `errors` lists each row, column and value to fix.",
    ),
    InfeasibleScheduleError: _row(
        "infeasible-schedule",
        422,
        "No schedule can meet the rules",
        "The rules, roster and hours cannot all be satisfied; `detail` says which rule blocks.",
    ),
    SchedulerError: _row(
        "invalid-scheduling-input",
        422,
        "Cannot compute staffing or a schedule",
        "The staffing math or the optimizer rejected its input.",
    ),
    MemoryError: _row(
        "too-large-to-process",
        413,
        "Too large to process",
        "The input needs more memory than the server has; nothing was changed. Send a "
        "smaller file (fewer rows, a shorter span of dates).",
    ),
    StarletteHTTPException: _row(
        "http-error",
        400,
        "HTTP error",
        "A protocol-level error such as an unknown path (404) or method (405).",
    ),
    Exception: INTERNAL_ERROR,
}


class Problem(BaseModel):
    """An RFC 9457 problem document: what went wrong and how to fix it."""

    type: str = Field(
        description="Identifies the kind of problem; `GET` it for a description.",
        examples=["/problems/invalid-history"],
    )
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.", examples=[422])
    detail: str = Field(description="What went wrong in this request, and how to fix it.")
    instance: str | None = Field(default=None, description="The path of the request.")
    errors: list[str] | None = Field(
        default=None,
        description="One line per problem, e.g. each bad row of an uploaded file (row 1 is "
        "the header, so the first data row is row 2), or each bad request field.",
    )


def problem_type_of(error: BaseException) -> ProblemType:
    """The table row for ``error``: its own class's, or its nearest ancestor's."""
    for cls in type(error).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return INTERNAL_ERROR


def _validation_lines(error: RequestValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()))
        lines.append(f"{location}: {item.get('msg', 'invalid')}")
    return lines


def problem_response(error: BaseException, instance: str | None = None) -> Response:
    """Render ``error`` as a problem document, through the one table."""
    row = problem_type_of(error)
    status, title, headers = row.status, row.title, None
    errors: list[str] | None = None
    if isinstance(error, ServiceError):
        detail, errors, headers = error.detail, error.errors, error.headers
    elif isinstance(error, ForecastError | SchedulerError | StoredPartError):
        detail, errors = str(error), list(error.errors)
    elif isinstance(error, MemoryError):
        detail = (
            "the input needs more memory than the server has; nothing was changed. Send a "
            "smaller file: fewer rows or a shorter span of dates"
        )
    elif isinstance(error, RequestValidationError):
        errors = _validation_lines(error)
        detail = f"the request has {len(errors)} invalid field(s): {errors[0] if errors else ''}"
    elif isinstance(error, StarletteHTTPException):
        if error.status_code == HTTPStatus.NOT_FOUND:
            row = PROBLEMS[NotFoundError]
        status, headers = error.status_code, dict(error.headers or {})
        title = HTTPStatus(status).phrase
        detail = str(error.detail)
    else:
        detail = "an unexpected error occurred; nothing was changed. The server log has details."
    body = Problem(
        type=row.uri,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors[:MAX_LISTED_ERRORS] if errors else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette's own 405 names only the first
    route that matched the path)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


async def handle_error(request: Request, error: Exception) -> Response:
    """The one exception handler registered for every class in :data:`PROBLEMS`."""
    if problem_type_of(error) is INTERNAL_ERROR:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    if isinstance(error, StarletteHTTPException) and error.status_code == 405:
        error.headers = {**(error.headers or {}), "Allow": _allowed_methods(request)}
    return problem_response(error, instance=request.url.path)


PROBLEM_CONTENT: Final = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses`` entries documenting problem documents for ``statuses``."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": PROBLEM_CONTENT,
        }
        for status in statuses
    }
