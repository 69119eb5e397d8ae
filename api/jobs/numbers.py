"""Figures made ready for JSON: the one place where NaN and infinity become ``null``.

JSON has no NaN. A figure that is not known (a service level with nothing to project, a bound
the time limit cut short) is written as ``null``; every result the command line prints and
every result a job stores goes through :func:`json_number` or :func:`json_records`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    import pandas as pd

JsonScalar: TypeAlias = str | float | int | bool | None
Record: TypeAlias = dict[str, JsonScalar]
"""One row of a stored table part (``shifts``, ``coverage``, ``intervals``)."""

RECORD_DIGITS: Final = 4
"""Decimals kept in the rows of the schedule and simulation tables."""


def json_number(value: float | None, digits: int | None = None) -> float | None:
    """``value`` as a JSON number: ``None`` when it is missing, NaN or infinite; rounded to
    ``digits`` decimals when given."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return number if digits is None else round(number, digits)


def json_records(table: pd.DataFrame, digits: int = RECORD_DIGITS) -> list[Record]:
    """The rows of ``table`` as JSON-ready records: missing cells ``None``, floats rounded to
    ``digits`` decimals (NaN and infinity ``None``)."""
    cleaned = table.astype(object).where(table.notna(), None)
    return [
        {
            str(key): (json_number(value, digits) if isinstance(value, float) else value)
            for key, value in record.items()
        }
        for record in cleaned.to_dict("records")
    ]
