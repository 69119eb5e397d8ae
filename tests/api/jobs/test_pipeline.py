"""The pipeline's shared steps: one handle-time default, one NaN->null rule, one summary."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from api.jobs.numbers import json_number, json_records
from api.jobs.pipeline import ScheduleSummary, fill_unknown_aht
from forecast import ForecastError


def _workload() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-12-07 09:00", periods=3, freq="h", tz="UTC"),
            "channel": ["voice", "chat", "voice"],
            "volume": [10.0, 4.0, 0.0],
            "aht_seconds": [300.0, math.nan, math.nan],
        }
    )


def test_a_default_aht_fills_only_intervals_with_volume_and_no_handle_time() -> None:
    workload = _workload()
    fill_unknown_aht(workload, 420.0, option="--default-aht-seconds")
    assert workload["aht_seconds"].tolist()[:2] == [300.0, 420.0]
    assert math.isnan(workload["aht_seconds"].iloc[2])  # no volume: nothing to handle


@pytest.mark.parametrize(
    "option", ["--default-aht-seconds", "`default_aht_seconds` with the request"]
)
def test_a_missing_handle_time_without_default_names_the_channel_and_the_option(
    option: str,
) -> None:
    """The command line used to exit with its own copy of this message and the service to
    raise another; both now raise this ForecastError (the CLI prints it and exits 2)."""
    with pytest.raises(ForecastError, match="channel\\(s\\) chat") as raised:
        fill_unknown_aht(_workload(), None, option=option)
    assert str(raised.value).endswith(f"or give {option}")


def test_json_numbers_are_null_when_not_finite_and_rounded_only_when_asked() -> None:
    assert json_number(math.nan) is None
    assert json_number(math.inf) is None
    assert json_number(None) is None
    assert json_number(1 / 3) == 1 / 3
    assert json_number(1 / 3, 4) == 0.3333


def test_records_round_floats_and_null_missing_cells() -> None:
    table = pd.DataFrame({"channel": ["voice", None], "shortfall": [1 / 3, math.nan]})
    assert json_records(table) == [
        {"channel": "voice", "shortfall": 0.3333},
        {"channel": None, "shortfall": None},
    ]


def test_the_schedule_summary_reports_the_full_coverage_bound_to_the_api_too() -> None:
    """The service's summary model dropped `full_coverage_bound_hours`, which the command
    line printed; the one model now carries it for both."""
    assert "full_coverage_bound_hours" in ScheduleSummary.model_fields
    assert ScheduleSummary.model_json_schema()["properties"]["full_coverage_bound_hours"]
