"""CSV responses: frames to ``text/csv`` downloads with ISO 8601 timestamps.

Every cell is written through :mod:`api.tables`, so text that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) starts with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd
from starlette.responses import Response

from api import tables
from api.tables import formula_safe, iso_timestamps

__all__ = [
    "CSV_MEDIA_TYPE",
    "csv_bytes",
    "csv_content",
    "csv_download",
    "csv_records_bytes",
    "csv_records_response",
    "csv_response",
    "iso_timestamps",
]

CSV_MEDIA_TYPE: Final = "text/csv"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV text (timestamp columns in ISO 8601, text formula-safe)."""
    return tables.csv_bytes(frame)


def csv_download(body: bytes | str, filename: str) -> Response:
    """CSV text as a download named ``filename``."""
    return Response(
        body,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_response(frame: pd.DataFrame, filename: str) -> Response:
    """``frame`` as a CSV download named ``filename`` (timestamp columns in ISO 8601)."""
    return csv_download(csv_bytes(frame), filename)


def csv_records_bytes(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """Stored JSON rows (timestamps already ISO 8601 text) as CSV; ``None`` is an empty cell,
    text formula-safe. Cheaper than a frame for results kept as records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(
            ["" if record.get(name) is None else formula_safe(record[name]) for name in columns]
        )
    return buffer.getvalue().encode()


def csv_records_response(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str], filename: str
) -> Response:
    """Stored JSON rows as a CSV download (see :func:`csv_records_bytes`)."""
    return csv_download(csv_records_bytes(records, columns), filename)


def csv_content(description: str) -> dict[str, object]:
    """OpenAPI entry for a ``200`` CSV response."""
    return {
        "description": description,
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
