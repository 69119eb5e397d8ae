"""The figure builders of api/charts/, on small tables with known answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import plotly
import pytest

from api.charts import (
    coverage_figure,
    forecast_figure,
    service_level_targets,
    timeline_figure,
    write_standalone_html,
)
from scheduler.staffing import Targets

ZONE = "America/New_York"


def _coverage() -> pd.DataFrame:
    starts = pd.date_range("2026-12-07 09:00", periods=4, freq="30min", tz=ZONE)
    return pd.DataFrame(
        {
            "interval_start": list(starts) * 2,
            "channel": ["voice"] * 4 + ["email"] * 4,
            "required": [5, 6, 7, 5, 2, 2, 2, 2],
            "scheduled": [5, 4, 7, 6, 2, 2, 1, 2],
            "projected_service_level": [0.82, 0.55, 0.8, 0.9, None, None, None, None],
        }
    )


def _traces(figure: Any, channel: str, series: str) -> list[Any]:
    return [trace for trace in figure.data if trace.meta == {"channel": channel, "series": series}]


def test_coverage_draws_one_panel_per_channel_with_required_and_scheduled_steps() -> None:
    figure = coverage_figure(_coverage())
    assert [a.text for a in figure.layout.annotations] == ["voice", "email"]
    (required,) = _traces(figure, "voice", "required")
    assert required.line.shape == "hv"
    # the last interval is drawn to its end (09:00 + 4 x 30 min)
    assert list(required.y) == [5, 6, 7, 5, 5]
    assert pd.Timestamp(required.x[-1]) == pd.Timestamp("2026-12-07 11:00")


def test_coverage_shortfall_bars_rise_from_scheduled_to_required_only_where_short() -> None:
    figure = coverage_figure(_coverage())
    (voice,) = _traces(figure, "voice", "shortfall")
    assert [pd.Timestamp(x) for x in voice.x] == [pd.Timestamp("2026-12-07 09:30")]
    assert list(voice.y) == [2]
    assert list(voice.base) == [4]
    (email,) = _traces(figure, "email", "shortfall")
    assert list(email.y) == [1]


def test_coverage_puts_service_level_and_target_on_the_second_axis() -> None:
    figure = coverage_figure(_coverage(), {"voice": 0.8, "email": 0.9})
    (level,) = _traces(figure, "voice", "service_level")
    (target,) = _traces(figure, "voice", "target")
    assert level.yaxis == target.yaxis == "y2"
    assert list(target.y) == [0.8, 0.8]
    assert figure.layout.yaxis2.tickformat == ".0%"
    # email has no projected service level in this table: no line, but its target is drawn
    assert _traces(figure, "email", "service_level") == []
    assert list(_traces(figure, "email", "target")[0].y) == [0.9, 0.9]


def test_coverage_leaves_the_service_level_out_where_nothing_is_required() -> None:
    table = _coverage()
    table.loc[3, ["required", "scheduled"]] = 0
    table.loc[3, "projected_service_level"] = 1.0
    (level,) = _traces(coverage_figure(table), "voice", "service_level")
    assert list(level.y[:3]) == [0.82, 0.55, 0.8]
    assert pd.isna(level.y[3])


def test_coverage_times_are_local_wall_clock_even_from_iso_text_with_offsets() -> None:
    table = _coverage().assign(
        interval_start=lambda t: t["interval_start"].map(lambda s: s.isoformat())
    )
    (scheduled,) = _traces(coverage_figure(table), "voice", "scheduled")
    assert pd.Timestamp(scheduled.x[0]) == pd.Timestamp("2026-12-07 09:00")


def test_coverage_without_a_required_column_names_it() -> None:
    with pytest.raises(ValueError, match="scheduled"):
        coverage_figure(_coverage().drop(columns="scheduled"))


def test_service_level_targets_use_the_share_of_live_and_deferred_channels() -> None:
    targets = Targets.from_dict(
        {
            "channels": {
                "voice": {"service_level": 0.8, "answer_seconds": 20},
                "email": {"response_share": 0.9, "response_hours": 4},
                "chat": {"asa_seconds": 30},
            }
        }
    )
    assert service_level_targets(targets) == {"voice": 0.8, "email": 0.9}


def _forecast() -> tuple[pd.DataFrame, pd.DataFrame]:
    past = pd.date_range("2026-11-23", periods=14 * 24, freq="h", tz=ZONE)
    future = pd.date_range("2026-12-07", periods=7 * 24, freq="h", tz=ZONE)
    history = pd.DataFrame({"interval_start": past, "channel": "voice", "volume": 10.0})
    forecast = pd.DataFrame(
        {
            "interval_start": future,
            "channel": "voice",
            "volume": 12.0,
            "volume_low": 9.0,
            "volume_high": 15.0,
        }
    )
    return history, forecast


def test_forecast_draws_history_band_and_forecast_per_channel() -> None:
    history, forecast = _forecast()
    figure = forecast_figure(history, forecast, history_days=7)
    (past,) = _traces(figure, "voice", "history")
    assert len(past.x) == 7 * 24  # only the week before the forecast
    (high,) = _traces(figure, "voice", "band_high")
    assert high.fill == "tonexty"
    (low,) = _traces(figure, "voice", "band_low")
    assert figure.data.index(low) == figure.data.index(high) - 1  # the band fills down to it
    (ahead,) = _traces(figure, "voice", "forecast")
    assert list(ahead.y[:2]) == [12.0, 12.0]


def test_forecast_shades_holidays_their_neighbours_and_special_days() -> None:
    history, forecast = _forecast()
    markers = pd.DataFrame(
        {
            "date": [dt.date(2026, 12, day) for day in (8, 9, 10, 11)],
            "day_type": ["holiday", "day_after", "event", "normal"],
            "name": ["Founders Day", "Founders Day", "Launch", ""],
        }
    )
    figure = forecast_figure(history, forecast, markers)
    shaded = [(pd.Timestamp(shape.x0), pd.Timestamp(shape.x1)) for shape in figure.layout.shapes]
    assert shaded == [
        (pd.Timestamp("2026-12-08"), pd.Timestamp("2026-12-09")),
        (pd.Timestamp("2026-12-09"), pd.Timestamp("2026-12-10")),
        (pd.Timestamp("2026-12-10"), pd.Timestamp("2026-12-11")),
    ]
    labels = {a.text: a.hovertext for a in figure.layout.annotations}
    assert labels["Founders Day"] == "Founders Day"
    assert labels["day after"] == "after Founders Day"
    assert labels["Launch"] == "Launch"


def _shifts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": ["open-10", "open-2", "ana"],
            "channel": ["voice", "voice", "chat"],
            "start": [
                "2026-12-07T09:00:00-05:00",
                "2026-12-08T07:00:00-05:00",
                "2026-12-07T12:00:00-05:00",
            ],
            "end": [
                "2026-12-07T17:00:00-05:00",
                "2026-12-08T15:00:00-05:00",
                "2026-12-07T20:00:00-05:00",
            ],
            "paid_hours": [7.5, 7.5, 7.5],
            "breaks": [
                "2026-12-07T12:30:00-05:00/2026-12-07T13:00:00-05:00",
                "",
                "2026-12-07T15:00:00-05:00/2026-12-07T15:15:00-05:00;"
                "2026-12-07T17:00:00-05:00/2026-12-07T17:30:00-05:00",
            ],
        }
    )


def test_timeline_draws_one_bar_per_shift_and_its_breaks() -> None:
    figure = timeline_figure(_shifts())
    (voice,) = _traces(figure, "voice", "shifts")
    assert list(voice.y) == ["open-10", "open-2"]
    assert list(voice.x) == [8 * 3_600_000, 8 * 3_600_000]  # bar lengths in milliseconds
    (breaks,) = _traces(figure, "", "breaks")
    assert list(breaks.y) == ["open-10", "ana", "ana"]
    assert list(breaks.x) == [1_800_000, 900_000, 1_800_000]
    # agents top to bottom in natural order
    assert list(figure.layout.yaxis.categoryarray) == ["open-10", "open-2", "ana"]


def test_timeline_filters_by_channel_and_day() -> None:
    assert [t.meta["channel"] for t in timeline_figure(_shifts(), channel="chat").data] == [
        "chat",
        "chat",
    ]
    one_day = timeline_figure(_shifts(), day=dt.date(2026, 12, 8))
    assert [list(t.y) for t in one_day.data] == [["open-2"]]


def test_a_malformed_break_is_named() -> None:
    shifts = _shifts().assign(breaks=["12:30", "", ""])
    with pytest.raises(ValueError, match="12:30"):
        timeline_figure(shifts)


def test_a_standalone_file_inlines_plotly_js_so_it_opens_offline(tmp_path: Path) -> None:
    path = write_standalone_html(coverage_figure(_coverage()), tmp_path / "out" / "coverage.html")
    html = path.read_text(encoding="utf-8")
    assert "<script src=" not in html  # nothing fetched from anywhere
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    banner = bundled.read_text(encoding="utf-8")[:60]  # "/**\n* plotly.js v4.1.1 ..."
    assert "plotly.js v" in banner
    assert banner in html  # the library itself is in the file
    assert '"series":"shortfall"' in html.replace(" ", "")


def test_a_simulation_table_adds_the_simulated_service_level_inside_its_band() -> None:
    coverage = _coverage().assign(
        service_level=[0.85, 0.6, 0.78, 0.93, 1.0, 1.0, 0.9, 1.0],
        service_level_low=[0.8, 0.5, 0.74, 0.9, 0.99, 0.99, 0.8, 0.99],
        service_level_high=[0.9, 0.7, 0.82, 0.96, 1.0, 1.0, 1.0, 1.0],
    )
    figure = coverage_figure(coverage, {"voice": 0.8})
    (line,) = _traces(figure, "voice", "simulated")
    (low,) = _traces(figure, "voice", "simulated_low")
    (high,) = _traces(figure, "voice", "simulated_band")
    assert list(line.y) == [0.85, 0.6, 0.78, 0.93, 0.93]  # the last step drawn to its end
    assert list(low.y)[:4] == [0.8, 0.5, 0.74, 0.9]
    assert high.fill == "tonexty"
    assert line.yaxis == _traces(figure, "voice", "service_level")[0].yaxis


def test_a_plain_coverage_table_draws_no_simulated_band() -> None:
    figure = coverage_figure(_coverage(), {"voice": 0.8})
    assert not [trace for trace in figure.data if "simulated" in trace.meta["series"]]
