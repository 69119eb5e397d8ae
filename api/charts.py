"""Plotly figures of a week: coverage, forecast and the schedule timeline.

One set of figure builders for every place that draws them: the web page (as figure JSON,
rendered by the plotly.js that ships inside the ``plotly`` package) and ``staffcast plan``
(as standalone HTML files, see :func:`write_standalone_html`).

The builders take the tables of the command-line contracts:

- coverage (``COVERAGE.csv``): ``interval_start``, ``channel``, ``required``, ``scheduled``,
  optional ``shortfall`` and ``projected_service_level``;
- forecast (``FORECAST.csv``): ``interval_start``, ``channel``, ``volume``, optional
  ``volume_low`` and ``volume_high``; history: ``interval_start``, ``channel``, ``volume``;
- shifts (``SCHEDULE.csv``): ``agent_id``, ``channel``, ``start``, ``end``, optional
  ``paid_hours`` and ``breaks`` (``START/END`` pairs in ISO 8601 separated by ``;``).

Times are drawn as the local wall-clock time of the timezone they carry (plotly.js has no
notion of timezones), so a manager in New York reads 09:00 where the shift starts at 09:00.
Every trace carries ``meta = {"channel": ..., "series": ...}`` so a page or a test can find
it without parsing its display name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from scheduler.staffing import Targets

if TYPE_CHECKING:
    from forecast import Calendar

__all__ = [
    "coverage_figure",
    "forecast_figure",
    "service_level_targets",
    "timeline_figure",
    "write_standalone_html",
]

COLORS: Final = {
    "required": "#1f2937",
    "scheduled": "#2563eb",
    "shortfall": "#dc2626",
    "service_level": "#15803d",
    "simulated": "#7c3aed",
    "simulated_band": "rgba(124, 58, 237, 0.18)",
    "target": "#15803d",
    "history": "#6b7280",
    "forecast": "#2563eb",
    "band": "rgba(37, 99, 235, 0.18)",
    "break": "#f9fafb",
}
CHANNEL_COLORS: Final = ("#2563eb", "#d97706", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f")
DAY_MARKER_COLORS: Final = {
    "holiday": "rgba(220, 38, 38, 0.12)",
    "closed": "rgba(107, 114, 128, 0.18)",
    "event": "rgba(217, 119, 6, 0.14)",
    "eve": "rgba(220, 38, 38, 0.05)",
    "day_after": "rgba(220, 38, 38, 0.05)",
}
NEIGHBOUR_LABELS: Final = {"eve": "eve of {}", "day_after": "after {}"}
NEIGHBOUR_SHORT: Final = {"eve": "eve", "day_after": "day after"}
ROW_HEIGHT_PIXELS: Final = 260
AGENT_ROW_PIXELS: Final = 22
# Legend on the title's line, right-aligned, clear of the panel titles.
LEGEND: Final = {
    "orientation": "h",
    "yref": "container",
    "y": 0.995,
    "yanchor": "top",
    "x": 1,
    "xanchor": "right",
}


def service_level_targets(targets: Targets) -> dict[str, float]:
    """The share each channel must reach, for the target line of :func:`coverage_figure`.

    Live channels use ``service_level``; deferred ones ``response_share``. A channel with
    neither (an ASA or abandonment target only) has no line.
    """
    shares: dict[str, float] = {}
    for name, target in targets.channels.items():
        share = target.service_level if target.service_level is not None else None
        if share is None:
            share = target.response_share
        if share is not None:
            shares[name] = float(share)
    return shares


def _wall_clock(stamps: pd.Series) -> pd.Series[pd.Timestamp]:
    """Local wall-clock times (naive) of timezone-aware stamps; ISO text is parsed first,
    keeping the offset each value carries (naive stamps are taken as wall-clock time)."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        naive: pd.Series[pd.Timestamp] = stamps.dt.tz_localize(None)
        return naive
    parsed = [pd.Timestamp(value) for value in stamps]
    return pd.Series(
        [stamp.tz_localize(None) if stamp.tzinfo else stamp for stamp in parsed],
        index=stamps.index,
        dtype="datetime64[ns]",
    )


def _channels(*frames: pd.DataFrame) -> list[str]:
    """Channels in order of first appearance across ``frames``."""
    seen: dict[str, None] = {}
    for frame in frames:
        if "channel" in frame.columns:
            for channel in frame["channel"].astype(str):
                seen.setdefault(channel, None)
    return list(seen)


def _interval(starts: pd.Series[pd.Timestamp]) -> pd.Timedelta:
    """The most common step between consecutive interval starts (15 minutes if unknown)."""
    steps = starts.drop_duplicates().sort_values().diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    if steps.empty:
        return pd.Timedelta(minutes=15)
    return pd.Timedelta(steps.mode().iloc[0])


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series[float]:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _missing(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    absent = [column for column in columns if column not in frame.columns]
    if absent:
        raise ValueError(
            f"the {what} table needs the column(s) {', '.join(absent)}; "
            f"it has {', '.join(map(str, frame.columns)) or 'none'}"
        )


def _step_points(
    starts: pd.Series[pd.Timestamp], values: pd.Series[float], step: pd.Timedelta
) -> tuple[list[pd.Timestamp], list[float]]:
    """Points of a step line ("hv") that also draws the last interval to its end."""
    if starts.empty:
        return [], []
    xs = [*starts.tolist(), starts.iloc[-1] + step]
    ys = [*values.tolist(), float(values.iloc[-1])]
    return xs, ys


def _panels(channels: list[str], *, secondary_y: bool, empty: str) -> go.Figure:
    """One panel per channel, stacked, sharing the time axis."""
    rows = max(len(channels), 1)
    return make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08 if rows > 1 else 0.0,
        subplot_titles=channels or [empty],
        specs=[[{"secondary_y": secondary_y}] for _ in range(rows)],
    )


def _finish(
    figure: go.Figure, title: str, height: int, margin: dict[str, int], **layout: object
) -> None:
    """The layout every staffcast figure shares: title left, legend right, white theme."""
    figure.update_layout(
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 0.99,
            "yref": "container",
            "yanchor": "top",
        },
        height=height,
        margin={"b": 40, **margin},
        legend=LEGEND,
        template="plotly_white",
        **layout,
    )


def _add_line(
    figure: go.Figure,
    channel: str,
    series: str,
    x: object,
    y: object,
    *,
    row: int,
    secondary_y: bool | None = None,
    **style: object,
) -> None:
    """One line trace of ``series`` in ``channel``'s panel (``mode="lines"``, its ``meta``);
    ``style`` holds its name, legend group, line, fill and hover settings."""
    figure.add_trace(
        go.Scatter(x=x, y=y, mode="lines", meta={"channel": channel, "series": series}, **style),
        row=row,
        col=1,
        secondary_y=secondary_y,
    )


def coverage_figure(
    coverage: pd.DataFrame,
    service_level_targets: Mapping[str, float] | None = None,
    *,
    title: str = "Coverage: required vs scheduled agents",
) -> go.Figure:
    """Required vs scheduled agents per interval, one panel per channel.

    Each panel draws the agents required and scheduled as steps, the shortfall as red bars
    from the scheduled line up to the requirement, and on a second axis the projected service
    level with the channel's target as a dashed line. A table from a simulation (with
    ``service_level``, ``service_level_low`` and ``service_level_high``) adds the simulated
    service level inside its 95% band.

    Args:
        coverage: the coverage table (see the module docstring); ``shortfall`` is computed as
            ``max(required - scheduled, 0)`` when absent.
        service_level_targets: target share per channel (see :func:`service_level_targets`).
        title: the figure's title.

    Raises:
        ValueError: a required column is missing.
    """
    _missing(coverage, ("interval_start", "channel", "required", "scheduled"), "coverage")
    targets = dict(service_level_targets or {})
    channels = _channels(coverage)
    rows = max(len(channels), 1)
    figure = _panels(channels, secondary_y=True, empty="no coverage")
    frame = coverage.assign(interval_start=_wall_clock(coverage["interval_start"]))
    for row, channel in enumerate(channels, start=1):
        part = frame[frame["channel"].astype(str) == channel].sort_values("interval_start")
        _coverage_panel(figure, part, channel, row, targets.get(channel))
    _finish(
        figure,
        title,
        ROW_HEIGHT_PIXELS * rows + 120,
        {"l": 60, "r": 60, "t": 80},
        barmode="overlay",
        hovermode="x unified",
    )
    return figure


def _coverage_panel(
    figure: go.Figure, part: pd.DataFrame, channel: str, row: int, target: float | None
) -> None:
    """One channel's panel: agents required and scheduled, the shortfall, the projected (and
    simulated) service level and its target."""
    starts = part["interval_start"]
    step = _interval(starts)
    required = _numbers(part, "required")
    scheduled = _numbers(part, "scheduled")
    shortfall = _numbers(part, "shortfall")
    if shortfall.isna().all():
        shortfall = (required - scheduled).clip(lower=0)
    first = row == 1
    _add_agent_steps(figure, channel, row, starts, step, required, scheduled, shortfall)
    # Where nothing is required (closed hours) a service level says nothing: leave a gap.
    service_level = _numbers(part, "projected_service_level").where(required > 0)
    if service_level.notna().any():
        xs, ys = _step_points(starts, service_level, step)
        _add_line(
            figure,
            channel,
            "service_level",
            xs,
            ys,
            row=row,
            secondary_y=True,
            name="projected service level",
            legendgroup="service_level",
            showlegend=first,
            line={"shape": "hv", "color": COLORS["service_level"], "width": 1.5},
            hovertemplate=f"{channel} service level %{{y:.0%}}<extra></extra>",
        )
    if {"service_level", "service_level_low", "service_level_high"} <= set(part.columns):
        _add_simulated_band(figure, part, starts, step, required, channel, row, first)
    if target is not None and not starts.empty:
        _add_line(
            figure,
            channel,
            "target",
            [starts.iloc[0], starts.iloc[-1] + step],
            [target, target],
            row=row,
            secondary_y=True,
            name="service level target",
            legendgroup="target",
            showlegend=first,
            line={"color": COLORS["target"], "width": 1, "dash": "dash"},
            hovertemplate=f"{channel} target {target:.0%}<extra></extra>",
        )
    figure.update_yaxes(title_text="agents", rangemode="tozero", row=row, col=1)
    figure.update_yaxes(
        title_text="service level",
        range=[0, 1.05],
        tickvals=[0, 0.25, 0.5, 0.75, 1],
        tickformat=".0%",
        showgrid=False,
        row=row,
        col=1,
        secondary_y=True,
    )


def _add_agent_steps(
    figure: go.Figure,
    channel: str,
    row: int,
    starts: pd.Series[pd.Timestamp],
    step: pd.Timedelta,
    required: pd.Series[float],
    scheduled: pd.Series[float],
    shortfall: pd.Series[float],
) -> None:
    """Agents scheduled and required as steps, the shortfall as bars between them."""
    first = row == 1
    for series, values in (("scheduled", scheduled), ("required", required)):  # required on top
        xs, ys = _step_points(starts, values, step)
        dotted = series == "required"
        _add_line(
            figure,
            channel,
            series,
            xs,
            ys,
            row=row,
            name=series,
            legendgroup=series,
            showlegend=first,
            line={
                "shape": "hv",
                "color": COLORS[series],
                "width": 1.5 if dotted else 2,
                "dash": "dot" if dotted else "solid",
            },
            hovertemplate=f"{channel} {series}: %{{y:.1f}}<extra></extra>",
        )
    short = shortfall > 0
    figure.add_trace(
        go.Bar(
            x=starts[short],
            y=shortfall[short],
            base=scheduled[short],
            offset=0,
            width=step.total_seconds() * 1000,
            name="shortfall",
            legendgroup="shortfall",
            showlegend=first,
            marker={"color": COLORS["shortfall"], "line": {"width": 0}},
            opacity=0.75,
            meta={"channel": channel, "series": "shortfall"},
            hovertemplate=f"{channel} short by %{{y:.1f}} agents<extra></extra>",
        ),
        row=row,
        col=1,
    )


def _add_simulated_band(
    figure: go.Figure,
    part: pd.DataFrame,
    starts: pd.Series[pd.Timestamp],
    step: pd.Timedelta,
    required: pd.Series[float],
    channel: str,
    row: int,
    first: bool,
) -> None:
    """The simulated service level (``staffcast simulate``) as a line inside its 95% band,
    on the service-level axis; left out where nothing is required, like the projection."""
    lines = {
        name: _numbers(part, column).where(required > 0)
        for name, column in (
            ("low", "service_level_low"),
            ("high", "service_level_high"),
            ("mean", "service_level"),
        )
    }
    if lines["mean"].isna().all():
        return
    xs, low = _step_points(starts, lines["low"], step)
    _, high = _step_points(starts, lines["high"], step)
    _, mean = _step_points(starts, lines["mean"], step)
    edge = {"shape": "hv", "width": 0}
    for series, values, style in (
        ("simulated_low", low, {"line": edge, "showlegend": False, "hoverinfo": "skip"}),
        (
            "simulated_band",
            high,
            {
                "line": edge,
                "fill": "tonexty",
                "fillcolor": COLORS["simulated_band"],
                "name": "simulated 95% interval",
                "showlegend": first,
                "hoverinfo": "skip",
            },
        ),
        (
            "simulated",
            mean,
            {
                "line": {"shape": "hv", "color": COLORS["simulated"], "width": 1.5},
                "name": "simulated service level",
                "showlegend": first,
                "hovertemplate": f"{channel} simulated %{{y:.0%}}<extra></extra>",
            },
        ),
    ):
        _add_line(
            figure,
            channel,
            series,
            xs,
            values,
            row=row,
            secondary_y=True,
            legendgroup="simulated",
            **style,
        )


def calendar_markers(calendar: Calendar, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The special days from ``first`` to ``last`` (inclusive) as the forecaster types them
    (public holidays, special days, eves and days after), for ``forecast_figure``'s
    ``day_markers``: columns ``date``, ``day_type``, ``name``; normal days left out."""
    from forecast import day_types

    types = day_types(calendar, pd.date_range(first, last, freq="D"))
    special = types[types["day_type"] != "normal"]
    return pd.DataFrame(
        {
            "date": [stamp.date() for stamp in special.index],
            "day_type": special["day_type"].to_list(),
            "name": special["name"].to_list(),
        }
    )


def _marker_days(day_markers: pd.DataFrame | None) -> list[tuple[pd.Timestamp, str, str]]:
    """(local midnight, day type, name) of every marked day."""
    if day_markers is None or day_markers.empty:
        return []
    _missing(day_markers, ("date",), "day markers")
    days = []
    for _, marker in day_markers.iterrows():
        date = pd.Timestamp(marker["date"])
        if date.tzinfo is not None:
            date = date.tz_localize(None)
        kind = str(marker.get("day_type", marker.get("kind", "holiday")))
        name = marker.get("name", "")
        label = str(name) if isinstance(name, str) and name else ""
        if kind in NEIGHBOUR_LABELS:
            label = NEIGHBOUR_LABELS[kind].format(label or "a holiday")
        label = label or kind.replace("_", " ")
        days.append((date.normalize(), kind, label))
    return days


def forecast_figure(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    day_markers: pd.DataFrame | None = None,
    *,
    history_days: int | None = 14,
    title: str = "Forecast volume",
) -> go.Figure:
    """History and forecast volume per channel with the prediction band; special days
    shaded.

    Args:
        history: past volume per interval (``interval_start``, ``channel``, ``volume``).
        forecast: forecast volume, with ``volume_low``/``volume_high`` for the band.
        day_markers: days to mark: ``date``, optional ``day_type`` (``holiday``, ``closed``,
            ``event``, ``eve``, ``day_after``) and ``name``; normal days are skipped.
        history_days: draw only this many days of history before the forecast starts
            (``None``: all of it).
        title: the figure's title.

    Raises:
        ValueError: a required column is missing.
    """
    _missing(forecast, ("interval_start", "channel", "volume"), "forecast")
    if not history.empty:
        _missing(history, ("interval_start", "channel", "volume"), "history")
    future = forecast.assign(interval_start=_wall_clock(forecast["interval_start"]))
    past = history.assign(interval_start=_wall_clock(history["interval_start"]))
    if history_days is not None and not future.empty and not past.empty:
        begin = future["interval_start"].min() - pd.Timedelta(days=history_days)
        past = past[
            (past["interval_start"] >= begin)
            & (past["interval_start"] < future["interval_start"].min())
        ]
    channels = _channels(future, past)
    rows = max(len(channels), 1)
    figure = _panels(channels, secondary_y=False, empty="no forecast")
    has_band = {"volume_low", "volume_high"} <= set(future.columns)
    for row, channel in enumerate(channels, start=1):
        seen = past[past["channel"].astype(str) == channel].sort_values("interval_start")
        ahead = future[future["channel"].astype(str) == channel].sort_values("interval_start")
        _forecast_panel(figure, seen, ahead, channel, row, has_band=has_band)
    _shade_days(figure, day_markers)
    _finish(
        figure,
        title,
        ROW_HEIGHT_PIXELS * rows + 120,
        {"l": 60, "r": 30, "t": 90},
        hovermode="x unified",
    )
    return figure


def _forecast_panel(
    figure: go.Figure,
    seen: pd.DataFrame,
    ahead: pd.DataFrame,
    channel: str,
    row: int,
    *,
    has_band: bool,
) -> None:
    """One channel's panel: the history, the prediction band and the forecast."""
    first = row == 1
    _add_line(
        figure,
        channel,
        "history",
        seen["interval_start"],
        _numbers(seen, "volume"),
        row=row,
        name="history",
        legendgroup="history",
        showlegend=first,
        line={"color": COLORS["history"], "width": 1},
        hovertemplate=f"{channel} actual %{{y:.0f}}<extra></extra>",
    )
    if has_band:
        _add_line(
            figure,
            channel,
            "band_low",
            ahead["interval_start"],
            _numbers(ahead, "volume_low"),
            row=row,
            name="band low",
            legendgroup="band",
            showlegend=False,
            line={"width": 0},
            hoverinfo="skip",
        )
        _add_line(
            figure,
            channel,
            "band_high",
            ahead["interval_start"],
            _numbers(ahead, "volume_high"),
            row=row,
            name="prediction band",
            showlegend=first,
            legendgroup="band",
            line={"width": 0},
            fill="tonexty",
            fillcolor=COLORS["band"],
            hoverinfo="skip",
        )
    _add_line(
        figure,
        channel,
        "forecast",
        ahead["interval_start"],
        _numbers(ahead, "volume"),
        row=row,
        name="forecast",
        legendgroup="forecast",
        showlegend=first,
        line={"color": COLORS["forecast"], "width": 2},
        hovertemplate=f"{channel} forecast %{{y:.0f}}<extra></extra>",
    )
    figure.update_yaxes(title_text="contacts", rangemode="tozero", row=row, col=1)


def _shade_days(figure: go.Figure, day_markers: pd.DataFrame | None) -> None:
    """Shade every marked day but normal ones across all panels, labelled down its band."""
    for day, kind, label in _marker_days(day_markers):
        if kind == "normal":
            continue
        figure.add_vrect(
            x0=day,
            x1=day + pd.Timedelta(days=1),
            row="all",
            col=1,
            fillcolor=DAY_MARKER_COLORS.get(kind, DAY_MARKER_COLORS["event"]),
            line_width=0,
            layer="below",
        )
        # Written down the day's band: day-wide columns are too narrow for words across.
        figure.add_annotation(
            x=day + pd.Timedelta(hours=12),
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="top",
            textangle=-90,
            text=NEIGHBOUR_SHORT.get(kind, label),
            hovertext=label,
            showarrow=False,
            font={"size": 10, "color": "#374151"},
            bgcolor="rgba(255, 255, 255, 0.7)",
        )


def _breaks(text: object) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """``START/END;START/END`` (ISO 8601) as wall-clock pairs; empty for no breaks."""
    if not isinstance(text, str) or not text.strip():
        return []
    pairs = []
    for part in text.split(";"):
        if not part.strip():
            continue
        start, _, end = part.strip().partition("/")
        if not end:
            raise ValueError(f"break {part!r} is not START/END in ISO 8601")
        begin_at, end_at = pd.Timestamp(start), pd.Timestamp(end)
        pairs.append(
            (
                begin_at.tz_localize(None) if begin_at.tzinfo else begin_at,
                end_at.tz_localize(None) if end_at.tzinfo else end_at,
            )
        )
    return pairs


def _milliseconds(ends: pd.Series[pd.Timestamp], starts: pd.Series[pd.Timestamp]) -> list[float]:
    return [(end - start).total_seconds() * 1000 for start, end in zip(starts, ends, strict=True)]


def timeline_figure(
    shifts: pd.DataFrame,
    *,
    channel: str | None = None,
    day: dt.date | None = None,
    title: str = "Schedule",
) -> go.Figure:
    """One row per agent with their shifts as bars and their breaks cut out.

    Args:
        shifts: the shifts table (see the module docstring).
        channel: draw only shifts of this channel.
        day: draw only shifts that start on this local date.
        title: the figure's title.

    Raises:
        ValueError: a required column is missing or a break is malformed.
    """
    _missing(shifts, ("agent_id", "channel", "start", "end"), "shifts")
    frame = shifts.assign(
        start=_wall_clock(shifts["start"]),
        end=_wall_clock(shifts["end"]),
        agent_id=shifts["agent_id"].astype(str),
        channel=shifts["channel"].astype(str),
    )
    if channel is not None:
        frame = frame[frame["channel"] == channel]
    if day is not None:
        frame = frame[frame["start"].dt.date == day]
    agents = sorted(frame["agent_id"].unique(), key=_natural_key)
    figure = go.Figure()
    colors = {
        name: CHANNEL_COLORS[i % len(CHANNEL_COLORS)] for i, name in enumerate(_channels(shifts))
    }
    for name in _channels(frame):
        _add_shift_bars(figure, frame[frame["channel"] == name], name, colors[name])
    _add_break_bars(figure, frame, channel or "")
    _finish(
        figure,
        title,
        max(AGENT_ROW_PIXELS * len(agents) + 140, 260),
        {"l": 90, "r": 30, "t": 70},
        barmode="overlay",
        xaxis={"type": "date", "title": {"text": "local time"}},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": agents[::-1],  # plotly lists categories bottom to top
            "title": {"text": "agent"},
        },
    )
    return figure


def _add_shift_bars(figure: go.Figure, part: pd.DataFrame, name: str, color: str) -> None:
    """The shifts of channel ``name`` as horizontal bars, one row per agent."""
    paid = _numbers(part, "paid_hours")
    figure.add_trace(
        go.Bar(
            orientation="h",
            base=part["start"],
            x=_milliseconds(part["end"], part["start"]),
            y=part["agent_id"],
            name=name,
            marker={"color": color, "line": {"width": 0}},
            customdata=np.column_stack(
                [
                    part["start"].dt.strftime("%a %H:%M"),
                    part["end"].dt.strftime("%H:%M"),
                    paid.round(2).astype(str).replace("nan", "-"),
                ]
            )
            if not part.empty
            else None,
            meta={"channel": name, "series": "shifts"},
            hovertemplate=(
                f"%{{y}} · {name} %{{customdata[0]}}-%{{customdata[1]}} "
                "(%{customdata[2]} paid h)<extra></extra>"
            ),
        )
    )


def _add_break_bars(figure: go.Figure, frame: pd.DataFrame, channel: str) -> None:
    """The breaks of the shifts in ``frame`` as narrow bars over them (none: no trace)."""
    breaks = frame["breaks"] if "breaks" in frame.columns else pd.Series("", index=frame.index)
    break_rows = [
        (agent, start, end)
        for agent, text in zip(frame["agent_id"], breaks, strict=True)
        for start, end in _breaks(text)
    ]
    if not break_rows:
        return
    starts = pd.Series([row[1] for row in break_rows])
    ends = pd.Series([row[2] for row in break_rows])
    figure.add_trace(
        go.Bar(
            orientation="h",
            base=starts,
            x=_milliseconds(ends, starts),
            y=[row[0] for row in break_rows],
            name="break",
            marker={"color": COLORS["break"], "line": {"color": "#9ca3af", "width": 1}},
            width=0.5,
            meta={"channel": channel, "series": "breaks"},
            hovertemplate="%{y} break %{base|%H:%M}<extra></extra>",
        )
    )


def _natural_key(text: str) -> tuple[str, int, str]:
    """``open-2`` before ``open-10``."""
    head = text.rstrip("0123456789")
    digits = text[len(head) :]
    return (head, int(digits) if digits else -1, text)


def write_standalone_html(figure: go.Figure, path: Path | str) -> Path:
    """Write ``figure`` as one HTML file with plotly.js inlined, so it opens offline.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.write_html(
        target,
        include_plotlyjs=True,
        full_html=True,
        config={"displaylogo": False, "responsive": True},
    )
    return target
