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

Files are written atomically and honour the umask; the cell rules themselves live in
:mod:`api.csv_writing` (numpy and Arrow only), which ``staffcast requirements`` uses without
pandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import pandas as pd

from api.csv_writing import (
    FORMULA_PREFIXES,
    PARQUET_SUFFIXES,
    arrow_csv_rows,
    formula_safe,
    header_line,
    is_parquet,
    number_cells,
    round_significant,
    text_cells,
    utc_offset,
    write_atomically,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FORMULA_PREFIXES",
    "PARQUET_SUFFIXES",
    "csv_bytes",
    "formula_safe",
    "is_parquet",
    "iso_timestamps",
    "round_significant",
    "writable",
    "write_csv",
    "write_parquet",
    "write_table_file",
]


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
    suffixes = np.array([utc_offset(int(minutes)) for minutes in offsets] + [""])
    iso = pd.Series(np.char.add(text, suffixes[codes]), index=stamps.index, dtype=object)
    return iso.where(stamps.notna(), None)


def _safe_text(column: pd.Series) -> pd.Series:
    """:func:`formula_safe` over a column of text, once per distinct value."""
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    safe = np.array([formula_safe(value) for value in distinct] + [None], dtype=object)
    return pd.Series(safe[codes], index=column.index, dtype=object)


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
        pa.array([utc_offset(int(minutes)) for minutes in offsets], pa.string()),
    ).cast(pa.string())
    formatted = pc.binary_join_element_wise(text, suffixes, "")
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32), mask=codes < 0), formatted
    )


def _arrow_column(column: pd.Series, significant_digits: int | None) -> pa.Array:
    """One column of :func:`write_csv`, formatted as :func:`writable` does; a column of
    numbers and blanks (targets that only some channels set) is written as numbers."""
    import pyarrow as pa

    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return _iso_arrow(column)
    if pd.api.types.is_float_dtype(column.dtype) or _numbers_and_blanks(column):
        return number_cells(column.to_numpy(dtype=np.float64, na_value=np.nan), significant_digits)
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        codes, distinct = pd.factorize(column)
        return text_cells(codes, list(distinct))
    return pa.array(column, from_pandas=True)


def _numbers_and_blanks(column: pd.Series) -> bool:
    """An object column holding numbers (not booleans) and at least one blank, nothing else."""
    if column.dtype != object or not column.isna().any():
        return False
    present = column.dropna()
    return len(present) > 0 and all(
        isinstance(value, int | float) and not isinstance(value, bool) for value in present
    )


def write_csv(frame: pd.DataFrame, sink: IO[bytes], significant_digits: int | None = None) -> None:
    """``frame`` as UTF-8 CSV to a binary stream through Arrow's multi-threaded writer: every
    column handed over as an Arrow array (timestamps and text formatted once per distinct
    value), text cells quoted, numbers in their shortest form (``10`` for 10.0)."""
    import pyarrow as pa

    names = [str(name) for name in frame.columns]
    sink.write(header_line(names))
    if frame.empty:
        return
    arrays = [_arrow_column(frame[name], significant_digits) for name in frame.columns]
    arrow_csv_rows(pa.Table.from_arrays(arrays, names=names), sink)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV text, as the service's downloads have always looked (pandas'
    writer: floats as ``10.0``, text unquoted unless it must be); for the small tables of a
    download. Large files go through :func:`write_csv`."""
    return writable(frame).to_csv(index=False, lineterminator="\n").encode()


def write_parquet(frame: pd.DataFrame, sink: IO[bytes]) -> None:
    """``frame`` as a Parquet file (timestamps keep their type and timezone)."""
    frame.to_parquet(sink, index=False, engine="pyarrow")


def write_table_file(frame: pd.DataFrame, path: Path, significant_digits: int = 6) -> None:
    """Write ``frame`` to ``path``, as Parquet for ``.parquet``/``.pq`` and CSV otherwise,
    atomically: a reader never sees half a file, a failure leaves none. The file gets mode
    ``0o666`` less the umask, like any file the user creates."""

    def write(stream: IO[bytes]) -> None:
        if is_parquet(path):
            write_parquet(frame, stream)
        else:
            write_csv(frame, stream, significant_digits)

    write_atomically(path, write)
