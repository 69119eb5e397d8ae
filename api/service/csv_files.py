"""CSV responses: frames to ``text/csv`` downloads with ISO 8601 timestamps."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd
from starlette.responses import Response

CSV_MEDIA_TYPE: Final = "text/csv"


def iso_timestamps(stamps: pd.Series[pd.Timestamp]) -> pd.Series[str]:
    """``2026-12-07T09:00:00-05:00``: ISO 8601 with the offset written with a colon."""
    text = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text.str.replace(r"([+-]\d\d)(\d\d)$", r"\1:\2", regex=True)


def csv_response(frame: pd.DataFrame, filename: str) -> Response:
    """``frame`` as a CSV download named ``filename`` (timestamp columns in ISO 8601)."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = iso_timestamps(frame[column])
    return Response(
        frame.to_csv(index=False, lineterminator="\n"),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_records_response(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str], filename: str
) -> Response:
    """Stored JSON rows (timestamps already ISO 8601 text) as a CSV download; ``None`` is an
    empty cell. Cheaper than a frame for results kept as records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(["" if record.get(name) is None else record[name] for name in columns])
    return Response(
        buffer.getvalue(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_content(description: str) -> dict[str, object]:
    """OpenAPI entry for a ``200`` CSV response."""
    return {
        "description": description,
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
