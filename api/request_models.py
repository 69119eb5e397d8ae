"""The base of every JSON request body: strict types, unknown fields refused; the types its
fields share (ISO dates and times, resource ids).

Strict, so that ``false`` is not taken for ``0`` nor ``"5"`` for ``5``: a body the schema
rejects is a 422, never silently reinterpreted. Dates and times stay lax (JSON has no date
type; they arrive as ISO 8601 strings) by declaring them with ``Field(strict=False)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from forecast.limits import (
    CONTROL_CHARACTERS,
    HOLDS_A_CONTROL_CHARACTER,
    MAX_AHT_SECONDS,
    MIN_AHT_SECONDS,
)

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL; a larger one names nothing


_CONTROL = re.compile(CONTROL_CHARACTERS)
_Text = TypeVar("_Text", str, str | None)


def _one_line(text: _Text) -> _Text:
    if text is not None and _CONTROL.search(text):
        raise ValueError(
            f"{text[:40]!r} {HOLDS_A_CONTROL_CHARACTER}; names and labels are one line of "
            "printable text"
        )
    return text


# For every name or label a request carries (a channel, an agent, a column, a skill): one
# line of printable text, as the history reader requires of the names in a file.
OneLine = AfterValidator(_one_line)


class RequestModel(BaseModel):
    """A request body: strict types, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


def _iso_text(parse: Callable[[str], object], kind: type, example: str) -> BeforeValidator:
    """Read a value of ``kind`` from ISO 8601 text only; one already of ``kind`` passes. JSON
    dates and times arrive as text, and lax parsing would take a number for one (``0`` as
    1970, ``0.5`` as seconds since 1970)."""

    def read(value: object) -> object:
        if isinstance(value, kind):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected an ISO 8601 {example}")
        return parse(value)

    return BeforeValidator(read)


IsoDate = Annotated[
    dt.date,
    Field(strict=False),
    _iso_text(dt.date.fromisoformat, dt.date, "date such as 2026-12-24"),
]
"""A calendar date given as ``YYYY-MM-DD`` text."""

IsoDateTime = Annotated[
    dt.datetime,
    Field(strict=False),
    _iso_text(dt.datetime.fromisoformat, dt.datetime, "timestamp such as 2026-12-07T09:00"),
]
"""A timestamp given as ISO 8601 text (naive ones are read in the team's timezone)."""


def default_aht_field(description: str) -> float | None:
    """A request's handle time for channels whose history has none: absent, or within the
    bounds an uploaded handle time must meet (:mod:`forecast.limits`)."""
    found: float | None = Field(
        default=None, ge=MIN_AHT_SECONDS, le=MAX_AHT_SECONDS, description=description
    )
    return found
