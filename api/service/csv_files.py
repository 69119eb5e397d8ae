"""CSV responses: frames to ``text/csv`` downloads with ISO 8601 timestamps.

Every cell is written through :mod:`api.tables`, so text that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) starts with ``'``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from api import tables
from api.service.download_cache import DownloadCache
from api.tables import formula_safe, iso_timestamps

__all__ = [
    "CSV_MEDIA_TYPE",
    "cached_csv",
    "csv_bytes",
    "csv_content",
    "csv_download",
    "csv_records_bytes",
    "csv_response",
    "etag_of",
    "iso_timestamps",
    "not_modified",
]

CSV_MEDIA_TYPE: Final = "text/csv"
STREAM_BYTES: Final = 256 * 1024


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV text (timestamp columns in ISO 8601, text formula-safe)."""
    return tables.csv_bytes(frame)


def csv_download(body: bytes | str, filename: str, etag: str | None = None) -> Response:
    """CSV text as a download named ``filename`` (with its ``ETag`` if given); a body over
    :data:`STREAM_BYTES` is streamed in pieces of that size rather than written at once."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if etag is not None:
        headers["ETag"] = etag
    data = body.encode() if isinstance(body, str) else body
    if len(data) > STREAM_BYTES:
        pieces = (data[start : start + STREAM_BYTES] for start in range(0, len(data), STREAM_BYTES))
        headers["Content-Length"] = str(len(data))
        return StreamingResponse(pieces, media_type=CSV_MEDIA_TYPE, headers=headers)
    return Response(data, media_type=CSV_MEDIA_TYPE, headers=headers)


def etag_of(key: Hashable) -> str:
    """A strong ``ETag`` for the body rendered under cache key ``key`` (which names everything
    the body depends on)."""
    return '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'


def not_modified(request: Request, etag: str) -> Response | None:
    """A ``304 Not Modified`` if the request's ``If-None-Match`` names ``etag``."""
    asked = request.headers.get("if-none-match", "")
    if etag in {tag.strip() for tag in asked.split(",")} or asked.strip() == "*":
        return Response(status_code=304, headers={"ETag": etag})
    return None


def cached_csv(
    request: Request,
    downloads: DownloadCache,
    key: Hashable,
    render: Callable[[], bytes],
    filename: str,
) -> Response:
    """The CSV kept under ``key`` (rendered by ``render`` on a miss), a 304 when the client
    has it already."""
    etag = etag_of(key)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    body = downloads.get(key)
    if body is None:
        body = render()
        downloads.put(key, body)
    return csv_download(body, filename, etag)


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


def csv_content(description: str) -> dict[str, object]:
    """OpenAPI entry for a ``200`` CSV response."""
    return {
        "description": description,
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
