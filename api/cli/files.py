"""Reading and writing the files the command line works with (CSV tables, TOML settings)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.errors import fail

if TYPE_CHECKING:
    import pandas as pd


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV file as text cells, or a Parquet file as it is (validation happens in the
    domain packages)."""
    import pandas as pd

    from api.tables import is_parquet

    try:
        if is_parquet(path):
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, skipinitialspace=True)
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except pd.errors.EmptyDataError:
        fail(f"{path}: the file is empty; expected a header row and data rows")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
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


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write a table atomically: Parquet for a ``.parquet`` path, else CSV with numbers to 6
    significant digits and timestamps in ISO 8601 (see :mod:`api.tables`)."""
    from api.tables import write_table_file

    write_table_file(table, path, significant_digits=6)
