"""CSV downloads: timestamps written as ISO 8601 with the UTC offset."""

from __future__ import annotations

import pandas as pd
import pytest

from api.service.csv_files import iso_timestamps


@pytest.mark.parametrize(
    "timezone", ["America/New_York", "Europe/Paris", "Asia/Kolkata", "America/St_Johns", "UTC"]
)
def test_iso_timestamps_match_python_isoformat_across_daylight_saving_changes(
    timezone: str,
) -> None:
    # A year of 15-minute intervals crosses both changes of the clocks; Kolkata (+05:30) and
    # St John's (-03:30/-02:30) have offsets with minutes.
    stamps = pd.Series(pd.date_range("2025-01-01", "2026-01-01", freq="15min", tz=timezone))
    assert iso_timestamps(stamps).tolist() == [stamp.isoformat() for stamp in stamps]


def test_a_missing_timestamp_stays_an_empty_cell() -> None:
    local = pd.Series(
        [pd.Timestamp("2026-12-07T09:00:00-05:00"), pd.NaT],
        dtype="datetime64[ns, America/New_York]",
    )
    assert iso_timestamps(local).tolist() == ["2026-12-07T09:00:00-05:00", None]
    assert iso_timestamps(local.iloc[:0]).tolist() == []
