"""The sample history in data/sample parses cleanly and shows what its README promises."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from forecast import History, parse_history
from forecast.history import HistoryGap

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
NEW_YORK = "America/New_York"


@pytest.fixture(scope="module")
def sample() -> History:
    with (SAMPLE / "history.csv").open("rb") as source:
        return parse_history(source, timezone=NEW_YORK)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_sample", ROOT / "scripts" / "generate_sample.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _daily(history: History, channel: str) -> pd.Series:
    frame = history.frame[history.frame["channel"] == channel]
    days = frame["interval_start"].dt.tz_localize(None).dt.normalize()
    return frame.groupby(days)["volume"].sum()


def test_the_committed_sample_is_exactly_what_the_seeded_generator_writes(tmp_path: Path) -> None:
    _generator().write_sample(tmp_path)
    for name in ("history.csv", "special_days.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_the_sample_parses_cleanly_into_two_years_of_three_channels(sample: History) -> None:
    summary = sample.summary
    assert summary.channels == ("chat", "email", "voice")
    assert summary.first_interval == pd.Timestamp("2024-12-09 00:00", tz=NEW_YORK)
    assert summary.last_interval == pd.Timestamp("2026-12-06 23:45", tz=NEW_YORK)
    assert (summary.interval_minutes, summary.source_interval_minutes) == (15, 15)
    assert summary.duplicates == 0
    assert summary.gaps == tuple(
        HistoryGap(
            pd.Timestamp("2025-06-18 10:00", tz=NEW_YORK),
            pd.Timestamp("2025-06-18 14:00", tz=NEW_YORK),
            channel,
        )
        for channel in summary.channels
    )
    raw = pd.read_csv(SAMPLE / "history.csv")
    assert summary.rows_read == len(raw)
    assert (
        sample.frame.groupby("channel")["volume"].sum().to_dict()
        == raw.groupby("channel")["volume"].sum().to_dict()
    )


def test_the_sample_crosses_four_clock_changes_in_new_york(sample: History) -> None:
    warnings = " ".join(sample.summary.warnings)
    for day, hours in [
        ("2025-03-09", 23),
        ("2025-11-02", 25),
        ("2026-03-08", 23),
        ("2026-11-01", 25),
    ]:
        assert f"{day} has {hours} hours" in warnings


def test_the_sample_has_closed_nights_for_voice_and_email_around_the_clock(sample: History) -> None:
    frame = sample.frame
    at_three = frame["interval_start"].dt.hour == 3
    by_channel = frame[at_three].groupby("channel")["volume"].sum()
    assert by_channel["voice"] == 0
    assert by_channel["email"] > 0
    christmas = _daily(sample, "voice")[pd.Timestamp("2025-12-25")]
    assert christmas == 0  # closed, written as zeros: not missing


def test_the_sample_shows_thanksgiving_week_email_at_about_half(sample: History) -> None:
    email = _daily(sample, "email")
    week = email["2026-11-23":"2026-11-27"].sum()
    week_before = email["2026-11-16":"2026-11-20"].sum()
    assert 0.4 < week / week_before < 0.6


def test_the_sample_flags_the_product_launch_in_every_channel(sample: History) -> None:
    launch = pd.read_csv(SAMPLE / "special_days.csv")
    assert launch.to_dict("records") == [
        {"date": "2026-04-14", "name": "Product launch", "kind": "event", "multiplier": 1.8}
    ]
    day = pd.Timestamp("2026-04-14", tz=NEW_YORK)
    flagged = {o.channel for o in sample.summary.outliers if o.start == day}
    assert flagged == {"chat", "email", "voice"}
