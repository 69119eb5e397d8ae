"""The schedule timeline: one row per agent, shifts as bars with their breaks cut out."""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from api.charts._figure import COLORS, finish
from api.charts._tables import channels, numbers, require_columns, wall_clock

CHANNEL_COLORS: Final = ("#2563eb", "#d97706", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f")
AGENT_ROW_PIXELS: Final = 22


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
    require_columns(shifts, ("agent_id", "channel", "start", "end"), "shifts")
    frame = shifts.assign(
        start=wall_clock(shifts["start"]),
        end=wall_clock(shifts["end"]),
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
        name: CHANNEL_COLORS[i % len(CHANNEL_COLORS)] for i, name in enumerate(channels(shifts))
    }
    for name in channels(frame):
        _add_shift_bars(figure, frame[frame["channel"] == name], name, colors[name])
    _add_break_bars(figure, frame, channel or "")
    finish(
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
    paid = numbers(part, "paid_hours")
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
