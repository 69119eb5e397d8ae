"""The coverage figure: agents required vs scheduled, the shortfall, and the projected (and
simulated) service level against its target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd
import plotly.graph_objects as go

from api.charts._figure import COLORS, Line, add_line, finish, panels, panels_height, step_points
from api.charts._tables import channels, interval, numbers, require_columns, wall_clock
from scheduler.staffing import Targets

_EDGE: Final = {"shape": "hv", "width": 0}
SCHEDULED: Final = Line(
    "scheduled",
    "scheduled",
    {"shape": "hv", "color": COLORS["scheduled"], "width": 2, "dash": "solid"},
    hover="scheduled: %{y:.1f}",
)
# Drawn after (over) the scheduled line, dotted so that both show where they agree.
REQUIRED: Final = Line(
    "required",
    "required",
    {"shape": "hv", "color": COLORS["required"], "width": 1.5, "dash": "dot"},
    hover="required: %{y:.1f}",
)
PROJECTED: Final = Line(
    "service_level",
    "projected service level",
    {"shape": "hv", "color": COLORS["service_level"], "width": 1.5},
    hover="service level %{y:.0%}",
)
# ``staffcast simulate``'s service level inside its 95% band: the low edge, then the high
# edge filled down to it, then the mean; each with the coverage column it draws.
SIMULATED: Final = (
    (Line("simulated_low", None, _EDGE, in_legend=False, group="simulated"), "service_level_low"),
    (
        Line(
            "simulated_band",
            "simulated 95% interval",
            _EDGE,
            group="simulated",
            fill_color=COLORS["simulated_band"],
        ),
        "service_level_high",
    ),
    (
        Line(
            "simulated",
            "simulated service level",
            {"shape": "hv", "color": COLORS["simulated"], "width": 1.5},
            hover="simulated %{y:.0%}",
        ),
        "service_level",
    ),
)
TARGET: Final = Line(
    "target",
    "service level target",
    {"color": COLORS["target"], "width": 1, "dash": "dash"},
    hover="target %{y:.0%}",
)


def service_level_targets(targets: Targets) -> dict[str, float]:
    """The share each channel must reach, for the target line of :func:`coverage_figure`.

    Live channels use ``service_level``; deferred ones ``response_share``. A channel with
    neither (an ASA or abandonment target only) has no line.
    """
    shares: dict[str, float] = {}
    for name, target in targets.channels.items():
        share = target.service_level
        if share is None:
            share = target.response_share
        if share is not None:
            shares[name] = float(share)
    return shares


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
        coverage: the coverage table (see the package docstring); ``shortfall`` is computed
            as ``max(required - scheduled, 0)`` when absent.
        service_level_targets: target share per channel (see :func:`service_level_targets`).
        title: the figure's title.

    Raises:
        ValueError: a required column is missing.
    """
    require_columns(coverage, ("interval_start", "channel", "required", "scheduled"), "coverage")
    targets = dict(service_level_targets or {})
    names = channels(coverage)
    figure = panels(names, secondary_y=True, empty="no coverage")
    frame = coverage.assign(interval_start=wall_clock(coverage["interval_start"]))
    for row, channel in enumerate(names, start=1):
        part = frame[frame["channel"].astype(str) == channel].sort_values("interval_start")
        _coverage_panel(figure, part, channel, row, targets.get(channel))
    finish(
        figure,
        title,
        panels_height(names),
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
    step = interval(starts)
    required = numbers(part, "required")
    scheduled = numbers(part, "scheduled")
    for spec, values in ((SCHEDULED, scheduled), (REQUIRED, required)):
        add_line(figure, spec, channel, row, *step_points(starts, values, step))
    shortfall = numbers(part, "shortfall")
    if shortfall.isna().all():
        shortfall = (required - scheduled).clip(lower=0)
    _add_shortfall_bars(figure, channel, row, starts, step, scheduled, shortfall)
    for spec, values in _service_level_lines(part, required):
        xs, ys = step_points(starts, values, step)
        add_line(figure, spec, channel, row, xs, ys, secondary_y=True)
    if target is not None and not starts.empty:
        ends = [starts.iloc[0], starts.iloc[-1] + step]
        add_line(figure, TARGET, channel, row, ends, [target, target], secondary_y=True)
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


def _service_level_lines(
    part: pd.DataFrame, required: pd.Series[float]
) -> list[tuple[Line, pd.Series[float]]]:
    """The service-level axis's lines that have a value to draw: the projection, and the
    simulation's band and mean when the table has them."""
    # Where nothing is required (closed hours) a service level says nothing: leave a gap.
    open_hours = required > 0
    projected = numbers(part, "projected_service_level").where(open_hours)
    lines = [(PROJECTED, projected)] if projected.notna().any() else []
    if {column for _, column in SIMULATED} <= set(part.columns):
        simulated = [(spec, numbers(part, column).where(open_hours)) for spec, column in SIMULATED]
        if simulated[-1][1].notna().any():  # the mean: a band alone says nothing
            lines += simulated
    return lines


def _add_shortfall_bars(
    figure: go.Figure,
    channel: str,
    row: int,
    starts: pd.Series[pd.Timestamp],
    step: pd.Timedelta,
    scheduled: pd.Series[float],
    shortfall: pd.Series[float],
) -> None:
    """The shortfall as bars rising from the scheduled line, where there is one."""
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
            showlegend=row == 1,
            marker={"color": COLORS["shortfall"], "line": {"width": 0}},
            opacity=0.75,
            meta={"channel": channel, "series": "shortfall"},
            hovertemplate=f"{channel} short by %{{y:.1f}} agents<extra></extra>",
        ),
        row=row,
        col=1,
    )
