"""The base of every JSON request body: strict types, unknown fields refused.

Strict, so that ``false`` is not taken for ``0`` nor ``"5"`` for ``5``: a body the schema
rejects is a 422, never silently reinterpreted. Dates and times stay lax (JSON has no date
type; they arrive as ISO 8601 strings) by declaring them with ``Field(strict=False)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class RequestModel(BaseModel):
    """A request body: strict types, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


def _iso_text(value: object) -> object:
    """JSON dates arrive as text; a number is not a date (lax parsing would take 0 as 1970)."""
    if not isinstance(value, str | dt.date):
        raise ValueError("expected an ISO 8601 date string such as 2026-12-24")
    return value


IsoDate = Annotated[dt.date, Field(strict=False), BeforeValidator(_iso_text)]
"""A calendar date given as ``YYYY-MM-DD`` text."""
