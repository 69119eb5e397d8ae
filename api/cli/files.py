"""Reading and writing the files the command line works with (CSV tables, TOML settings)."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from api.cli.errors import fail


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV file as text cells (validation happens in the domain packages)."""
    try:
        return pd.read_csv(path, dtype=str, skipinitialspace=True)
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except pd.errors.EmptyDataError:
        fail(f"{path}: the file is empty; expected a header row and data rows")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        fail(f"{path}: not a readable CSV file ({error})")


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML settings file; syntax errors name the file, line and column."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except tomllib.TOMLDecodeError as error:
        fail(f"{path}: not valid TOML: {error}")


def iso_timestamps(values: pd.Series[pd.Timestamp]) -> pd.Series[str]:
    """ISO 8601 text with the UTC offset, e.g. ``2026-12-07T09:00:00-05:00``."""
    return values.map(lambda stamp: stamp.isoformat())


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write a CSV file atomically: a reader never sees half a file, a failure leaves none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="") as stream:
            table.to_csv(stream, index=False, float_format="%.6g")
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
