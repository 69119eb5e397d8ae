"""The workload contract between forecast and scheduler."""

import pandas as pd
import pytest

from scheduler.errors import InvalidWorkloadError
from scheduler.staffing import interval_minutes_of, validate_workload


def _workload(**overrides: list[object]) -> pd.DataFrame:
    columns: dict[str, list[object]] = {
        "interval_start": ["2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"],
        "channel": ["Voice", "voice "],
        "volume": [100, 120],
        "aht_seconds": [180, 200],
    }
    columns.update(overrides)
    return pd.DataFrame(columns)


def test_a_valid_workload_is_normalised_to_the_team_timezone() -> None:
    workload = validate_workload(_workload(), timezone="America/New_York")
    assert list(workload["channel"]) == ["voice", "voice"]
    assert str(workload["interval_start"].dt.tz) == "America/New_York"
    assert workload["interval_start"].iloc[0].hour == 9
    assert interval_minutes_of(workload["interval_start"]) == 30


def test_naive_timestamps_are_local_to_the_given_timezone() -> None:
    workload = validate_workload(
        _workload(interval_start=["2026-12-07T09:00", "2026-12-07T09:30"]),
        timezone="Europe/Paris",
    )
    assert workload["interval_start"].iloc[0].utcoffset() == pd.Timedelta(hours=1)


def test_bad_cells_are_all_reported_with_row_column_and_value() -> None:
    with pytest.raises(InvalidWorkloadError) as caught:
        validate_workload(
            _workload(
                interval_start=["2026-12-07T09:00Z", "2026-12-07T09:30Z", "2026-12-07T10:00Z"],
                channel=["voice"] * 3,
                volume=[-3, "lots", 12],
                aht_seconds=[180, 180, 0],
            )
        )
    errors = caught.value.errors
    assert any("row 2, column `volume`: -3 is negative" in line for line in errors)
    assert any("row 3, column `volume`: 'lots' is not a number" in line for line in errors)
    assert any("row 4, column `aht_seconds`: 0 must be a positive" in line for line in errors)


def test_a_missing_column_is_named() -> None:
    with pytest.raises(InvalidWorkloadError, match="`aht_seconds`"):
        validate_workload(_workload().drop(columns=["aht_seconds"]))


def test_a_skipped_local_hour_is_rejected_not_guessed() -> None:
    with pytest.raises(InvalidWorkloadError, match="row 2, column `interval_start`"):
        validate_workload(
            _workload(interval_start=["2026-03-08T02:30", "2026-03-08T03:00"]),
            timezone="America/New_York",
        )
