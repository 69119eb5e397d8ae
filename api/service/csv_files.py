"""CSV responses: frames to ``text/csv`` downloads with ISO 8601 timestamps."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from starlette.responses import Response

CSV_MEDIA_TYPE: Final = "text/csv"


def iso_timestamps(stamps: pd.Series[pd.Timestamp]) -> pd.Series[str]:
    """``2026-12-07T09:00:00-05:00``: ISO 8601 with the offset written with a colon (whole
    seconds; a missing timestamp stays missing).

    Vectorised: the local wall-clock time through numpy, the offset looked up among the few
    distinct ones. ``strftime`` with ``%z`` formats element by element and cost a download of a
    day's history (288 rows) several milliseconds.
    """
    local = stamps.dt.tz_localize(None)
    text = np.datetime_as_string(local.to_numpy(dtype="datetime64[s]"), unit="s")
    offset_minutes = (local - stamps.dt.tz_convert(None)) // pd.Timedelta(minutes=1)
    codes, offsets = pd.factorize(offset_minutes)
    suffixes = np.array([_utc_offset(int(minutes)) for minutes in offsets] + [""])
    iso = pd.Series(np.char.add(text, suffixes[codes]), index=stamps.index, dtype=object)
    return iso.where(stamps.notna(), None)


def _utc_offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV text (timestamp columns in ISO 8601)."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = iso_timestamps(frame[column])
    return frame.to_csv(index=False, lineterminator="\n").encode()


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
    return csv_download(buffer.getvalue(), filename)


def csv_content(description: str) -> dict[str, object]:
    """OpenAPI entry for a ``200`` CSV response."""
    return {
        "description": description,
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
