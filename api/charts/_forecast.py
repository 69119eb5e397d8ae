"""The forecast figure: history, forecast and its prediction band, special days shaded."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import pandas as pd
import plotly.graph_objects as go

from api.charts._figure import COLORS, Line, add_line, finish, panels, panels_height
from api.charts._tables import channels, numbers, require_columns, wall_clock

if TYPE_CHECKING:
    from forecast import Calendar

DAY_MARKER_COLORS: Final = {
    "holiday": "rgba(220, 38, 38, 0.12)",
    "closed": "rgba(107, 114, 128, 0.18)",
    "event": "rgba(217, 119, 6, 0.14)",
    "eve": "rgba(220, 38, 38, 0.05)",
    "day_after": "rgba(220, 38, 38, 0.05)",
}
NEIGHBOUR_LABELS: Final = {"eve": "eve of {}", "day_after": "after {}"}
NEIGHBOUR_SHORT: Final = {"eve": "eve", "day_after": "day after"}
HISTORY: Final = Line(
    "history",
    "history",
    {"color": COLORS["history"], "width": 1},
    hover="actual %{y:.0f}",
)
# The band: its low edge, then its high edge filled down to it.
BAND: Final = (
    (Line("band_low", "band low", {"width": 0}, in_legend=False, group="band"), "volume_low"),
    (
        Line(
            "band_high",
            "prediction band",
            {"width": 0},
            group="band",
            fill_color=COLORS["band"],
        ),
        "volume_high",
    ),
)
FORECAST: Final = Line(
    "forecast",
    "forecast",
    {"color": COLORS["forecast"], "width": 2},
    hover="forecast %{y:.0f}",
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
    require_columns(forecast, ("interval_start", "channel", "volume"), "forecast")
    if not history.empty:
        require_columns(history, ("interval_start", "channel", "volume"), "history")
    future = forecast.assign(interval_start=wall_clock(forecast["interval_start"]))
    past = history.assign(interval_start=wall_clock(history["interval_start"]))
    if history_days is not None and not future.empty and not past.empty:
        begin = future["interval_start"].min() - pd.Timedelta(days=history_days)
        past = past[
            (past["interval_start"] >= begin)
            & (past["interval_start"] < future["interval_start"].min())
        ]
    names = channels(future, past)
    figure = panels(names, secondary_y=False, empty="no forecast")
    band = BAND if {"volume_low", "volume_high"} <= set(future.columns) else ()
    for row, channel in enumerate(names, start=1):
        seen = past[past["channel"].astype(str) == channel].sort_values("interval_start")
        ahead = future[future["channel"].astype(str) == channel].sort_values("interval_start")
        for spec, part, column in (
            (HISTORY, seen, "volume"),
            *((spec, ahead, column) for spec, column in band),
            (FORECAST, ahead, "volume"),
        ):
            add_line(figure, spec, channel, row, part["interval_start"], numbers(part, column))
        figure.update_yaxes(title_text="contacts", rangemode="tozero", row=row, col=1)
    _shade_days(figure, day_markers)
    finish(figure, title, panels_height(names), {"l": 60, "r": 30, "t": 90}, hovermode="x unified")
    return figure


def _marker_days(day_markers: pd.DataFrame | None) -> list[tuple[pd.Timestamp, str, str]]:
    """(local midnight, day type, name) of every marked day."""
    if day_markers is None or day_markers.empty:
        return []
    require_columns(day_markers, ("date",), "day markers")
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
