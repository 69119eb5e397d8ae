"""Hostile files are refused with the row, column, value and limit, before they cost memory."""

from __future__ import annotations

import pytest

import forecast.formats
from forecast import InvalidHistoryError, parse_history
from tests.forecast.history_inputs import csv_text
from tests.forecast.hostile_files import CANONICAL_HEADER, GOOD_ROW, HOSTILE_FILES, HostileFile


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=lambda hostile: hostile.name)
def test_each_hostile_file_is_refused_naming_row_column_value_and_limit(
    hostile: HostileFile,
) -> None:
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(hostile.content)
    assert caught.value.errors[0].startswith(hostile.expected), caught.value.errors[0]
    # A message quotes a long cell by its first characters only.
    assert max(len(line) for line in caught.value.errors) < 400


def test_a_file_with_more_rows_than_the_limit_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast.formats, "MAX_ROWS", 3)
    rows = [f"2026-12-07T09:{minute:02d},voice,4,300" for minute in (0, 15, 30, 45)]
    with pytest.raises(InvalidHistoryError) as caught:
        parse_history(csv_text(CANONICAL_HEADER, *rows))
    assert str(caught.value).startswith(
        "row 5: the file has 4 data rows, more than the limit of 3 rows per file"
    )
    parse_history(csv_text(CANONICAL_HEADER, *rows[:3]))  # at the limit: read


def test_values_at_the_limits_are_accepted() -> None:
    history = parse_history(
        csv_text(
            CANONICAL_HEADER,
            "2026-12-07T09:00,voice,100000,86400",
            "2026-12-07T09:15,voice,4,1",
            f"2026-12-07T09:30,{'v' * 100},4,0",  # 0: handle time not known
        )
    )
    assert history.frame["volume"].max() == 100_000
    assert history.frame["aht_seconds"].max() == 86_400


def test_a_channel_exported_spreadsheet_safe_reads_back_without_its_quote() -> None:
    history = parse_history(csv_text(CANONICAL_HEADER, GOOD_ROW, "2026-12-07T09:00,'=sum,4,300"))
    assert sorted(history.summary.channels) == ["=sum", "voice"]
