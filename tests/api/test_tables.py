"""The files the product writes: formula-safe text, numbers as %.6g, Parquet, the umask."""

from __future__ import annotations

import errno
import fcntl
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from api.csv_writing import DirectWriter, _set_direct
from api.tables import csv_bytes, round_significant, write_csv, write_table_file


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-12-07 09:00", periods=6, freq="15min", tz="UTC"),
            "channel": ["=1+1", "+cmd", "-x", "@SUM(A1)", "\tv", "voice"],
            "volume": [-3.0, 0.5, 1e-7, 123456789.0, np.nan, 2.0],
        }
    )


def test_text_that_a_spreadsheet_would_run_is_written_with_a_quote_and_numbers_are_not() -> None:
    for body in (csv_bytes(_frame()), _arrow_csv(_frame())):
        table = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
        assert table["channel"].tolist() == ["'=1+1", "'+cmd", "'-x", "'@SUM(A1)", "'\tv", "voice"]
        assert float(table["volume"].iloc[0]) == -3.0


def _arrow_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer, significant_digits=6)
    return buffer.getvalue()


def test_numbers_are_rounded_to_six_significant_digits_like_percent_g() -> None:
    values = np.random.default_rng(3).lognormal(0, 6, 20_000) * np.where(
        np.arange(20_000) % 2, 1, -1
    )
    rounded = round_significant(values, 6)
    assert rounded.tolist() == [float(f"{value:.6g}") for value in values]
    assert round_significant(np.array([0.0, np.nan, np.inf]), 6)[0] == 0.0


@pytest.fixture
def umask_077() -> Iterator[None]:
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask_077")
def test_written_files_get_their_mode_from_the_umask(tmp_path: Path) -> None:
    write_table_file(_frame(), tmp_path / "private.csv")
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600
    os.umask(0o022)
    write_table_file(_frame(), tmp_path / "shared.csv")
    write_table_file(_frame(), tmp_path / "shared.parquet")
    assert stat.S_IMODE((tmp_path / "shared.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "shared.parquet").stat().st_mode) == 0o644
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "private.csv",
        "shared.csv",
        "shared.parquet",
    ]


def test_a_parquet_file_keeps_types_and_timezone(tmp_path: Path) -> None:
    frame = _frame().assign(
        interval_start=lambda f: f["interval_start"].dt.tz_convert("Europe/Paris")
    )
    write_table_file(frame, tmp_path / "table.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "table.parquet"), frame)


def test_a_column_of_numbers_and_blanks_is_written_as_numbers_not_quoted_text() -> None:
    frame = pd.DataFrame({"target_asa_seconds": [30.0, None, 12.345678], "model": ["a", "b", "c"]})
    frame["target_asa_seconds"] = frame["target_asa_seconds"].astype(object)
    frame.loc[1, "target_asa_seconds"] = None
    lines = _arrow_csv(frame).decode().splitlines()
    assert lines[1:] == ['30,"a"', ',"b"', '12.3457,"c"']


def _takes_direct_writes(folder: Path) -> bool:
    """Whether the file system of ``folder`` takes ``O_DIRECT`` (ext4 does, and tmpfs since
    Linux 6.6; macOS has no such flag)."""
    with (folder / "probe").open("wb") as probe:
        return _set_direct(probe.fileno(), on=True)


def _pieces(seed: int) -> list[bytes]:
    """Writes of sizes around a block and a buffer, then 40 random ones."""
    rng = np.random.default_rng(seed)
    sizes = [0, 1, 4095, 4096, 4097, 3 * 8192 + 5, *rng.integers(0, 20_000, 40)]
    return [rng.integers(0, 256, int(size), dtype=np.uint8).tobytes() for size in sizes]


@pytest.mark.parametrize("already_written", [b"", b"header,row\n"])
def test_a_direct_writer_writes_exactly_the_bytes_given(
    tmp_path: Path, already_written: bytes
) -> None:
    """Through an 8 KiB buffer, so that writes cross it; after bytes written the usual way
    (an offset not on a block boundary: then plain writes); the stream writes on after it."""
    pieces = _pieces(seed=1)
    target = tmp_path / "out.bin"
    with target.open("wb") as stream:
        stream.write(already_written)
        writer = DirectWriter(stream, buffer_bytes=8192)
        assert writer.direct == (not already_written and _takes_direct_writes(tmp_path))
        assert [writer.write(piece) for piece in pieces] == [len(piece) for piece in pieces]
        writer.close()
        writer.close()  # nothing left: no second padded block
        stream.write(b"written the usual way after it")
    assert target.read_bytes() == (
        already_written + b"".join(pieces) + b"written the usual way after it"
    )


def test_a_direct_writer_falls_back_to_plain_writes_where_direct_ones_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system that takes the flag but refuses the first aligned write (EINVAL)."""
    if not _takes_direct_writes(tmp_path):
        pytest.skip("this file system takes no O_DIRECT")
    real_write = os.write
    refused = []

    def write(fd: int, data: bytes) -> int:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        if flags & getattr(os, "O_DIRECT", 0):
            refused.append(len(data))
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    pieces = _pieces(seed=2)
    target = tmp_path / "out.bin"
    with target.open("wb") as stream:
        writer = DirectWriter(stream, buffer_bytes=8192)
        for piece in pieces:
            writer.write(piece)
        writer.close()
    assert refused
    assert not writer.direct
    assert target.read_bytes() == b"".join(pieces)
