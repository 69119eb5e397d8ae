"""The base of every JSON request body: strict types, unknown fields refused; the types its
fields share (ISO dates and times, resource ids).

Strict, so that ``false`` is not taken for ``0`` nor ``"5"`` for ``5``: a body the schema
rejects is a 422, never silently reinterpreted. Dates and times stay lax (JSON has no date
type; they arrive as ISO 8601 strings) by declaring them with ``Field(strict=False)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL; a larger one names nothing


class RequestModel(BaseModel):
    """A request body: strict types, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


def _iso_date(value: object) -> object:
    """JSON dates arrive as text; a number is not a date (lax parsing would take 0 as 1970)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 date such as 2026-12-24")
    return dt.date.fromisoformat(value)


def _iso_datetime(value: object) -> object:
    """Only ISO 8601 text: lax parsing would read ``0.5`` as seconds since 1970."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 timestamp such as 2026-12-07T09:00")
    return dt.datetime.fromisoformat(value)


IsoDate = Annotated[dt.date, Field(strict=False), BeforeValidator(_iso_date)]
"""A calendar date given as ``YYYY-MM-DD`` text."""

IsoDateTime = Annotated[dt.datetime, Field(strict=False), BeforeValidator(_iso_datetime)]
"""A timestamp given as ISO 8601 text (naive ones are read in the team's timezone)."""
