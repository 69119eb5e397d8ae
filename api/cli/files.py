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
        fail(f"{path}: not a readable CSV or Parquet file ({error})")


def read_workload(path: Path) -> pd.DataFrame:
    """Read a large CSV or Parquet table quickly (validation happens in the domain packages).

    A CSV file is read by Arrow's multi-threaded reader, each column as the type its cells
    hold (numbers, ISO 8601 times with their offset as instants), which the workload
    validation takes without parsing text again. A cell that does not fit the type Arrow
    guessed from the first rows (``12`` above, ``many`` further down) makes Arrow give up;
    the file is then read as text cells, so the validation names that cell's row and value.
    """
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    from api.tables import is_parquet

    try:
        if is_parquet(path):
            return pd.read_parquet(path)
        try:
            table: pd.DataFrame = arrow_csv.read_csv(path).to_pandas()
            return table
        except pa.ArrowInvalid as error:
            if "Empty CSV file" in str(error):
                fail(f"{path}: the file is empty; expected a header row and data rows")
        return pd.read_csv(path, dtype=str, skipinitialspace=True)
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except pd.errors.EmptyDataError:
        fail(f"{path}: the file is empty; expected a header row and data rows")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, pa.ArrowException) as error:
        fail(f"{path}: not a readable CSV or Parquet file ({error})")


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
