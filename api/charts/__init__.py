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

One private module per figure (``_coverage``, ``_forecast``, ``_timeline``) on two shared
ones: ``_tables`` reads the input tables, ``_figure`` holds the colours, the panels and
layout, and the :class:`~api.charts._figure.Line` spec from which every line trace is drawn.
"""

from api.charts._coverage import coverage_figure, service_level_targets
from api.charts._figure import write_standalone_html
from api.charts._forecast import calendar_markers, forecast_figure
from api.charts._timeline import timeline_figure

__all__ = [
    "calendar_markers",
    "coverage_figure",
    "forecast_figure",
    "service_level_targets",
    "timeline_figure",
    "write_standalone_html",
]
