"""What every staffcast figure shares: colours, stacked panels, the layout, line traces
described by a :class:`Line` spec, and the standalone HTML file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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
ROW_HEIGHT_PIXELS: Final = 260
# Legend on the title's line, right-aligned, clear of the panel titles.
LEGEND: Final = {
    "orientation": "h",
    "yref": "container",
    "y": 0.995,
    "yanchor": "top",
    "x": 1,
    "xanchor": "right",
}


@dataclass(frozen=True)
class Line:
    """How one series is drawn as a line in a channel's panel.

    Attributes:
        series: the ``meta`` series name a page or a test finds the trace by.
        name: the legend's words (``None``: an unnamed helper trace, such as a band's edge).
        line: plotly's line style (shape, colour, width, dash).
        hover: the hover text after the channel's name (``None``: no hover).
        in_legend: listed in the legend (once, from the first panel).
        group: the legend group, so that a click hides all panels' traces (default: series).
        fill_color: fill down to the trace before it (a band's upper edge).
    """

    series: str
    name: str | None
    line: Mapping[str, object]
    hover: str | None = None
    in_legend: bool = True
    group: str | None = None
    fill_color: str | None = None


def add_line(
    figure: go.Figure,
    spec: Line,
    channel: str,
    row: int,
    x: object,
    y: object,
    *,
    secondary_y: bool | None = None,
) -> None:
    """Draw ``spec`` of ``channel`` through ``(x, y)`` in panel ``row``."""
    style: dict[str, object] = {
        "legendgroup": spec.group or spec.series,
        "showlegend": spec.in_legend and row == 1,
        "line": dict(spec.line),
    }
    if spec.name is not None:
        style["name"] = spec.name
    if spec.fill_color is not None:
        style |= {"fill": "tonexty", "fillcolor": spec.fill_color}
    if spec.hover is None:
        style["hoverinfo"] = "skip"
    else:
        style["hovertemplate"] = f"{channel} {spec.hover}<extra></extra>"
    figure.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines", meta={"channel": channel, "series": spec.series}, **style
        ),
        row=row,
        col=1,
        secondary_y=secondary_y,
    )


def step_points(
    starts: pd.Series[pd.Timestamp], values: pd.Series[float], step: pd.Timedelta
) -> tuple[list[pd.Timestamp], list[float]]:
    """Points of a step line ("hv") that also draws the last interval to its end."""
    if starts.empty:
        return [], []
    xs = [*starts.tolist(), starts.iloc[-1] + step]
    ys = [*values.tolist(), float(values.iloc[-1])]
    return xs, ys


def panels(channels: list[str], *, secondary_y: bool, empty: str) -> go.Figure:
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


def finish(
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


def panels_height(channels: list[str]) -> int:
    """The height of a figure of one panel per channel, in pixels."""
    return ROW_HEIGHT_PIXELS * max(len(channels), 1) + 120


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
