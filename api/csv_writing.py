"""How the product writes values into CSV files, with numpy and Arrow alone (no pandas, so
that ``staffcast requirements`` need not import it; :mod:`api.tables` builds on this).

* Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  ``'`` (the OWASP rule against CSV injection); numbers are never changed.
* Floats are rounded to a number of significant digits in numpy (as ``%.6g`` prints them) and
  handed to Arrow's CSV writer, which prints the shortest text of each double (``20`` for
  20.0, an empty cell for NaN).
* Files are written atomically (a temporary file in the same folder, renamed) and created
  with mode ``0o666`` less the process's umask, as ``open()`` does; a large one written in
  a stream can skip the page cache (:class:`DirectWriter`).
"""

from __future__ import annotations

import csv
import errno
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pyarrow as pa

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
PARQUET_SUFFIXES: Final = (".parquet", ".pq")
_POWERS_OF_TEN: Final = 10.0 ** np.arange(23)  # exact doubles: 1e0 ... 1e22


def formula_safe(value: object) -> object:
    """A text cell with ``'`` put before a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
    return; anything else (numbers included) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def round_significant(values: npt.ArrayLike, digits: int) -> npt.NDArray[np.float64]:
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


def _whole_numbers(values: npt.NDArray[np.float64]) -> bool:
    """Every value finite, whole and exact as an integer (Arrow writes 20.0 as ``20``)."""
    with np.errstate(invalid="ignore"):
        return bool(
            values.size
            and np.isfinite(values).all()
            and (np.abs(values) < 2.0**53).all()
            and (values == np.trunc(values)).all()
        )


def number_cells(values: npt.ArrayLike, significant_digits: int | None) -> pa.Array:
    """Floats as an Arrow column for the CSV writer: rounded, NaN as an empty cell, and a
    column of whole numbers as integers (the same text, written 3x faster)."""
    import pyarrow as pa

    numbers = np.asarray(values, dtype=np.float64)
    if significant_digits is not None:
        numbers = round_significant(numbers, significant_digits)
    if _whole_numbers(numbers):
        return pa.array(numbers.astype(np.int64))
    return pa.array(numbers, from_pandas=True)


def text_cells(codes: npt.NDArray[np.integer], labels: Sequence[object]) -> pa.Array:
    """Text as an Arrow dictionary column: ``labels[codes]`` made formula-safe, each distinct
    label once; a negative code is an empty cell."""
    import pyarrow as pa

    dictionary = pa.array([str(formula_safe(label)) for label in labels], pa.string())
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32), mask=codes < 0), dictionary
    )


def utc_offset(minutes: int) -> str:
    """A UTC offset as ISO 8601 writes it: ``-05:00``, ``+05:30``."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def header_line(names: Sequence[str]) -> bytes:
    """The CSV header row (formula-safe names, quoted only where needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([formula_safe(name) for name in names])
    return buffer.getvalue().encode()


def arrow_csv_rows(table: pa.Table, sink: IO[bytes]) -> None:
    """``table``'s rows (no header) through Arrow's multi-threaded CSV writer: text quoted,
    numbers in their shortest form."""
    from pyarrow import csv as arrow_csv

    options = arrow_csv.WriteOptions(include_header=False, quoting_style="needed")
    arrow_csv.write_csv(table, sink, options)


def is_parquet(path: Path) -> bool:
    """Whether ``path`` names a Parquet file (by its suffix)."""
    return path.suffix.lower() in PARQUET_SUFFIXES


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Create ``path`` with what ``write`` puts in a binary stream, atomically: a reader never
    sees half a file, a failure leaves none. The file gets mode ``0o666`` less the umask,
    like any file the user creates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # os.urandom rather than secrets, whose import (hashlib) costs a command 3 ms to start
    temporary = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# Direct I/O moves whole blocks from memory aligned to them: 4 KiB serves any common device
# (a file system that wants more refuses the write, and the writer falls back).
_DIRECT_BLOCK_BYTES: Final = 4096


class DirectWriter:
    """Sequential writes to a new file that skip the page cache (``O_DIRECT``) where the
    system and the file system allow it, and are ordinary writes where they do not.

    For a large file written once and not read back by the writer: the kernel's copy of 124
    MB into the page cache took longer than the disk's write on the machines this project
    runs on (500 MB/s against 1.7 GB/s, ``dd``), and was the last stage of ``staffcast
    requirements`` on a million rows. The bytes gather in an aligned buffer and go out a
    buffer at a time; :meth:`close` writes the last block padded with zeros, cuts the file
    to its length and leaves the stream's file as an ordinary one, at its end. Only the
    thread that writes may call :meth:`write` and :meth:`close`.
    """

    def __init__(self, stream: IO[bytes], buffer_bytes: int = 8 << 20) -> None:
        """Take over ``stream``'s file.

        Args:
            stream: a binary file open for writing; its buffered bytes are written first.
                Direct writes start only at a block boundary (else they are plain ones).
            buffer_bytes: the size of each write, rounded up to whole blocks.
        """
        stream.flush()
        self._fd = stream.fileno()
        size_bytes = -(-buffer_bytes // _DIRECT_BLOCK_BYTES) * _DIRECT_BLOCK_BYTES
        memory = np.empty(size_bytes + _DIRECT_BLOCK_BYTES, dtype=np.uint8)
        first = -memory.ctypes.data % _DIRECT_BLOCK_BYTES
        self._buffer = memory[first : first + size_bytes]
        self._filled_bytes = 0
        self._length_bytes = os.lseek(self._fd, 0, os.SEEK_CUR)
        self.direct = self._length_bytes % _DIRECT_BLOCK_BYTES == 0 and _set_direct(
            self._fd, on=True
        )

    def write(self, data: bytes | memoryview) -> int:
        """Add ``data`` to the file; returns its length."""
        view = np.frombuffer(data, dtype=np.uint8)
        while view.size:
            taken = min(view.size, self._buffer.size - self._filled_bytes)
            self._buffer[self._filled_bytes : self._filled_bytes + taken] = view[:taken]
            self._filled_bytes += taken
            view = view[taken:]
            if self._filled_bytes == self._buffer.size:
                self._write(self._buffer.size)
        return len(memoryview(data))

    def close(self) -> None:
        """Write what is left: the file is then as long as what was written to it, and its
        stream writes on from there, without ``O_DIRECT``."""
        tail = self._filled_bytes
        if not self.direct:
            self._write(tail)
            return
        padded = -(-tail // _DIRECT_BLOCK_BYTES) * _DIRECT_BLOCK_BYTES
        self._buffer[tail:padded] = 0
        self._write(padded)
        self._length_bytes -= padded - tail
        os.ftruncate(self._fd, self._length_bytes)
        os.lseek(self._fd, self._length_bytes, os.SEEK_SET)
        self.direct = _set_direct(self._fd, on=False)

    def _write(self, count: int) -> None:
        """Write the buffer's first ``count`` bytes, and empty it."""
        done = 0
        while done < count:
            try:
                done += os.write(self._fd, self._buffer[done:count].data)
            except OSError as error:  # a file system that takes the flag but not the writes
                if not self.direct or error.errno != errno.EINVAL:
                    raise
                self.direct = _set_direct(self._fd, on=False)
        self._length_bytes += count
        self._filled_bytes = 0


def _set_direct(fd: int, *, on: bool) -> bool:
    """Turn ``O_DIRECT`` on or off for ``fd``; whether it is on afterwards."""
    direct = getattr(os, "O_DIRECT", 0)
    if not direct:  # not Linux
        return False
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | direct if on else flags & ~direct)
    except OSError:  # e.g. tmpfs before Linux 6.6
        return False
    return on
