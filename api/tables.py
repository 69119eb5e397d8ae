"""Tables the product writes (CSV downloads, the command line's CSV and Parquet files).

Every CSV cell of text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is written with a leading ``'`` (the OWASP rule against CSV injection): a spreadsheet shows
the label as text instead of running it as a formula. Numbers are never changed (``-3`` stays
``-3``), and the history importer takes the ``'`` off again, so a downloaded history uploads
unchanged. Parquet keeps values as they are: it is not opened by a spreadsheet.

Formatting is vectorised: timestamps as one column (:func:`iso_timestamps`), text through its
distinct values, numbers rounded in numpy and, for the command line's files, written by
Arrow's CSV writer. pandas'
``to_csv(float_format=...)`` calls a Python formatter per value, which was most of the time of
``staffcast requirements`` on a million rows.

Files are written atomically (a temporary file in the same folder, renamed) and created with
mode ``0o666`` less the process's umask, as ``open()`` does.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
PARQUET_SUFFIXES: Final = (".parquet", ".pq")


def iso_timestamps(stamps: pd.Series[pd.Timestamp]) -> pd.Series[str]:
    """``2026-12-07T09:00:00-05:00``: ISO 8601 with the offset written with a colon (whole
    seconds; a missing timestamp stays missing).

    Vectorised: the local wall-clock time through numpy, the offset looked up among the few
    distinct ones. ``strftime`` with ``%z`` or ``Timestamp.isoformat`` format element by
    element (a million rows: seconds).
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


def formula_safe(value: object) -> object:
    """A text cell with ``'`` put before a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
    return; anything else (numbers included) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_text(column: pd.Series) -> pd.Series:
    """:func:`formula_safe` over a column of text, once per distinct value."""
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    safe = np.array([formula_safe(value) for value in distinct] + [None], dtype=object)
    return pd.Series(safe[codes], index=column.index, dtype=object)


_POWERS_OF_TEN: Final = 10.0 ** np.arange(23)  # exact doubles: 1e0 ... 1e22


def round_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits, as ``%.{digits}g`` would print them.

    An integer divided by an exact power of ten (at most 1e22) is the double nearest the
    decimal, so the shortest text of the result is the short decimal. Powers come from a
    table (``10.0 ** array`` costs more than the rest); values too small for that (below
    about 1e-17) are left as they are.
    """
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        shift = digits - 1 - np.floor(np.log10(np.abs(values)))
        shift = np.where(np.isfinite(shift), shift, 0.0).astype(np.int64)
        up = _POWERS_OF_TEN[np.clip(shift, 0, 22)]
        down = _POWERS_OF_TEN[np.clip(-shift, 0, 22)]
        rounded = np.where(shift >= 0, np.round(values * up) / up, np.round(values / down) * down)
    keep = ~np.isfinite(values) | (values == 0) | (shift > 22) | (shift < -22)
    return np.where(keep, values, rounded)


def writable(frame: pd.DataFrame, significant_digits: int | None = None) -> pd.DataFrame:
    """``frame`` ready for a CSV file: timestamps as ISO 8601 text, text formula-safe, floats
    rounded to ``significant_digits`` (if given)."""
    columns: dict[str, object] = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            columns[str(name)] = iso_timestamps(column)
        elif pd.api.types.is_float_dtype(column.dtype) and significant_digits is not None:
            values = round_significant(column.to_numpy(dtype=np.float64), significant_digits)
            columns[str(name)] = pd.Series(values, index=frame.index)
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            columns[str(name)] = _safe_text(column)
        else:
            columns[str(name)] = column
    return pd.DataFrame(columns, index=frame.index)


def _header_line(names: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([formula_safe(name) for name in names])
    return buffer.getvalue().encode()


def _iso_arrow(stamps: pd.Series[pd.Timestamp]) -> pa.Array:
    """:func:`iso_timestamps` as an Arrow dictionary array: each distinct instant formatted
    once (a workload repeats every interval once per channel) by Arrow's cast to text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, distinct = pd.factorize(stamps)
    instants = pd.Series(distinct)
    local = instants.dt.tz_localize(None)
    text = pa.array(local.to_numpy(dtype="datetime64[s]")).cast(pa.string())
    text = pc.replace_substring(text, " ", "T", max_replacements=1)
    offset_minutes = ((local - instants.dt.tz_convert(None)) // pd.Timedelta(minutes=1)).to_numpy()
    offset_codes, offsets = pd.factorize(offset_minutes)
    suffixes = pa.DictionaryArray.from_arrays(
        pa.array(offset_codes.astype(np.int32)),
        pa.array([_utc_offset(int(minutes)) for minutes in offsets], pa.string()),
    ).cast(pa.string())
    formatted = pc.binary_join_element_wise(text, suffixes, "")
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32), mask=codes < 0), formatted
    )


def _whole_numbers(values: np.ndarray) -> bool:
    """Every value finite, whole and exact as an integer (Arrow writes 20.0 as ``20``)."""
    with np.errstate(invalid="ignore"):
        return bool(
            values.size
            and np.isfinite(values).all()
            and (np.abs(values) < 2.0**53).all()
            and (values == np.trunc(values)).all()
        )


def _arrow_column(column: pd.Series, significant_digits: int | None) -> pa.Array:
    """One column of :func:`write_csv`, formatted as :func:`writable` does."""
    import pyarrow as pa

    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return _iso_arrow(column)
    if pd.api.types.is_float_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64)
        if significant_digits is not None:
            values = round_significant(values, significant_digits)
        if _whole_numbers(values):  # the same text, written 3x faster as integers
            return pa.array(values.astype(np.int64))
        return pa.array(values, from_pandas=True)
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        codes, distinct = pd.factorize(column)
        safe = [formula_safe(value) for value in distinct]
        dictionary = pa.array([str(value) for value in safe], pa.string())
        return pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int32), mask=codes < 0), dictionary
        )
    return pa.array(column, from_pandas=True)


def write_csv(frame: pd.DataFrame, sink: IO[bytes], significant_digits: int | None = None) -> None:
    """``frame`` as UTF-8 CSV to a binary stream through Arrow's multi-threaded writer: every
    column handed over as an Arrow array (timestamps and text formatted once per distinct
    value), text cells quoted, numbers in their shortest form (``10`` for 10.0)."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    names = [str(name) for name in frame.columns]
    sink.write(_header_line(names))
    if frame.empty:
        return
    arrays = [_arrow_column(frame[name], significant_digits) for name in frame.columns]
    table = pa.Table.from_arrays(arrays, names=names)
    options = arrow_csv.WriteOptions(include_header=False, quoting_style="needed")
    arrow_csv.write_csv(table, sink, options)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV text, as the service's downloads have always looked (pandas'
    writer: floats as ``10.0``, text unquoted unless it must be); for the small tables of a
    download. Large files go through :func:`write_csv`."""
    return writable(frame).to_csv(index=False, lineterminator="\n").encode()


def write_parquet(frame: pd.DataFrame, sink: IO[bytes]) -> None:
    """``frame`` as a Parquet file (timestamps keep their type and timezone)."""
    frame.to_parquet(sink, index=False, engine="pyarrow")


def is_parquet(path: Path) -> bool:
    """Whether ``path`` names a Parquet file (by its suffix)."""
    return path.suffix.lower() in PARQUET_SUFFIXES


def write_table_file(frame: pd.DataFrame, path: Path, significant_digits: int = 6) -> None:
    """Write ``frame`` to ``path``, as Parquet for ``.parquet``/``.pq`` and CSV otherwise,
    atomically: a reader never sees half a file, a failure leaves none. The file gets mode
    ``0o666`` less the umask, like any file the user creates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            if is_parquet(path):
                write_parquet(frame, stream)
            else:
                write_csv(frame, stream, significant_digits)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
