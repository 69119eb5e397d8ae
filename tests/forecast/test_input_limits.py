"""The input limits of :mod:`forecast.limits` as the column mapping applies them."""

from __future__ import annotations

import pytest

from forecast.column_mapping import ColumnMapping
from forecast.limits import MAX_CELL_CHARACTERS


def test_a_mapped_column_name_past_the_cell_limit_is_refused_naming_the_limit() -> None:
    ColumnMapping(date_column="d" * MAX_CELL_CHARACTERS)
    with pytest.raises(ValueError, match=f"limit of {MAX_CELL_CHARACTERS} characters"):
        ColumnMapping(date_column="d" * (MAX_CELL_CHARACTERS + 1))
