"""Public holidays, user special days, and the day type of every date.

A team's calendar is its country (and subdivision) for public holidays, from the
`holidays <https://pypi.org/project/holidays/>`_ package, plus the special days the user lists
in a CSV (``date,name,kind,multiplier``): company closures, launches, outages, sales.

Each date gets one **day type**:

============  ==================================================================================
day type      meaning
============  ==================================================================================
closed        a user special day of kind ``closed``: forecast 0
holiday       a public holiday, or a user special day of kind ``holiday``; also the
              country's *optional* holidays (``holidays`` category ``optional``: the
              intermediate days of Pesach and Sukkot, regional days off), flagged ``optional``
event         a user special day of kind ``event`` (launch, outage, sale), optional multiplier
eve           the last open day before a holiday or closure, a *half day* of the country
              (``holidays`` category ``half_day``), or a user special day of kind ``eve``
day_after     the first open day after a holiday or closure (catch-up)
normal        everything else
============  ==================================================================================

User special days override public holidays on the same date. Eves and days after are counted
in *open* days: for a team that works Monday to Friday, the eve of a Monday holiday is the
Friday before, and the day after a Friday holiday is the Monday after. A holiday that falls on
a day the team never works (a Saturday for a weekday team) creates no eve and no day after,
since no work was displaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Final, Literal, get_args

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from forecast.errors import InvalidCalendarError

SpecialDayKind = Literal["closed", "holiday", "event", "eve"]
DayType = Literal["normal", "holiday", "eve", "day_after", "closed", "event"]
DAY_TYPES: Final[tuple[DayType, ...]] = get_args(DayType)
Mark = tuple[DayType, str, float]  # a marked date's day type, name and user multiplier
SPECIAL_DAY_COLUMNS: Final = ("date", "name", "kind", "multiplier")
ALL_WEEKDAYS: Final = frozenset(range(7))
WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
# How far (in calendar days) an eve or a day after may lie from its holiday: a long weekend
# plus a closed day in between is the furthest a catch-up is still plausibly caused by it.
_NEIGHBOUR_REACH_DAYS: Final = 4
# Days within this many calendar days of a holiday belong to its window (Thanksgiving week,
# the days between Christmas and New Year): see :func:`day_types`.
WINDOW_DAYS: Final = 6
_MAX_REPORTED_ERRORS: Final = 50


@dataclass(frozen=True)
class SpecialDay:
    """One user-declared special day.

    Attributes:
        date: the local calendar date.
        name: what it is ("Black Friday sale"); past days with the same name teach the
            forecast its effect.
        kind: ``closed`` (no contacts), ``holiday`` (treated like a public holiday),
            ``eve`` (a short day before a holiday, treated like the country's eves) or
            ``event`` (volume scaled by ``multiplier`` or by what the same event did before).
        multiplier: expected volume relative to a normal day of that weekday (1.5 = 50% more);
            ``None`` to learn it from history. Not allowed for ``closed`` days.
    """

    date: dt.date
    name: str
    kind: SpecialDayKind
    multiplier: float | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidCalendarError(f"special day {self.date}: the name is empty")
        if self.kind not in get_args(SpecialDayKind):
            raise InvalidCalendarError(
                f"special day {self.date}: kind {self.kind!r} is not one of closed, holiday, eve, "
                "event"
            )
        if self.multiplier is not None:
            if self.kind == "closed":
                raise InvalidCalendarError(
                    f"special day {self.date}: a closed day takes no multiplier (it is 0)"
                )
            if not math.isfinite(self.multiplier) or self.multiplier < 0:
                raise InvalidCalendarError(
                    f"special day {self.date}: multiplier {self.multiplier:g} must be a "
                    "non-negative number"
                )


def _read_text(source: str | bytes | IO[str] | IO[bytes]) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, bytes):
        return source.decode("utf-8-sig")
    content = source.read()
    return content.decode("utf-8-sig") if isinstance(content, bytes) else content


def _parse_special_row(
    row_number: int, cells: dict[str, str], errors: list[str]
) -> SpecialDay | None:
    """One CSV row as a :class:`SpecialDay`, or ``None`` after appending its problems."""
    problems_before = len(errors)
    date_text = cells.get("date", "").strip()
    try:
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        errors.append(
            f"row {row_number}, column `date`: {date_text!r} is not a date; write it as "
            "YYYY-MM-DD, e.g. 2026-11-27"
        )
    name = cells.get("name", "").strip()
    if not name:
        errors.append(f"row {row_number}, column `name`: is empty; name the day")
    kind_text = cells.get("kind", "").strip().lower()
    if kind_text not in get_args(SpecialDayKind):
        errors.append(
            f"row {row_number}, column `kind`: {kind_text!r} is not one of closed, holiday, eve, "
            "event"
        )
    multiplier_text = (cells.get("multiplier") or "").strip()
    multiplier: float | None = None
    if multiplier_text:
        try:
            multiplier = float(multiplier_text)
        except ValueError:
            multiplier = math.nan
        if not math.isfinite(multiplier) or multiplier < 0:
            errors.append(
                f"row {row_number}, column `multiplier`: {multiplier_text!r} is not a "
                "non-negative number; write e.g. 1.5 for 50% more contacts than normal"
            )
        elif kind_text == "closed":
            errors.append(
                f"row {row_number}, column `multiplier`: {multiplier_text!r} given for a closed "
                "day; leave it empty (closed days have no contacts)"
            )
    if len(errors) > problems_before:
        return None
    kinds: dict[str, SpecialDayKind] = {kind: kind for kind in get_args(SpecialDayKind)}
    kind = kinds[kind_text]
    return SpecialDay(date=date, name=name, kind=kind, multiplier=multiplier)


def parse_special_days(source: str | bytes | IO[str] | IO[bytes]) -> tuple[SpecialDay, ...]:
    """Read a special-days CSV with the columns ``date,name,kind[,multiplier]``.

    Args:
        source: the CSV text (``str``), its bytes (UTF-8), or an open file object.

    Returns:
        The special days sorted by date.

    Raises:
        InvalidCalendarError: listing every bad row (up to 50) with its column and value;
            nothing is returned when any row is wrong.
    """
    reader = csv.DictReader(io.StringIO(_read_text(source)))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in SPECIAL_DAY_COLUMNS[:3] if column not in header]
    if missing:
        raise InvalidCalendarError(
            "the special-days file lacks the column(s) "
            + ", ".join(f"`{column}`" for column in missing)
            + "; its header must read date,name,kind,multiplier (multiplier is optional)"
        )
    errors: list[str] = []
    days: list[SpecialDay] = []
    first_row_of: dict[dt.date, int] = {}
    for index, raw in enumerate(reader):
        row_number = index + 2
        cells = {str(key).strip().lower(): value or "" for key, value in raw.items() if key}
        day = _parse_special_row(row_number, cells, errors)
        if day is None:
            continue
        if day.date in first_row_of:
            errors.append(
                f"row {row_number}, column `date`: {day.date.isoformat()} is already listed in "
                f"row {first_row_of[day.date]}; keep one row per date"
            )
            continue
        first_row_of[day.date] = row_number
        days.append(day)
    if errors:
        shown = errors[:_MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        suffix = f" (and {more} more)" if more else ""
        raise InvalidCalendarError(
            f"the special-days file has {len(errors)} problem(s): {shown[0]}{suffix}", shown
        )
    return tuple(sorted(days, key=lambda day: day.date))


@dataclass(frozen=True)
class Calendar:
    """A team's holidays: public ones by country/subdivision, plus user special days.

    Attributes:
        country: ISO 3166-1 alpha-2 code (``US``, ``DE``) or ``None`` for no public holidays.
        subdivision: state or province code within the country (``CA``), optional.
        special_days: user special days; they override public holidays on the same date.
        clock_zone: the IANA zone of the team's clock when its history is read as UTC
            although its times are the clock's (no zone was given: ``api.clock_zones``), or
            ``None``: days that follow the sun then take the clock's summer-time jumps from
            it (:mod:`forecast.sun_time`, which checks them against the history).
    """

    country: str | None = None
    subdivision: str | None = None
    special_days: tuple[SpecialDay, ...] = ()
    clock_zone: str | None = None

    def __post_init__(self) -> None:
        if self.country is None:
            if self.subdivision is not None:
                raise InvalidCalendarError(
                    f"subdivision {self.subdivision!r} given without a country; add --country"
                )
        else:
            try:
                holidays.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError as error:
                raise InvalidCalendarError(
                    f"no public holidays known for country {self.country!r}"
                    + (f" and subdivision {self.subdivision!r}" if self.subdivision else "")
                    + f" ({error}); use an ISO 3166-1 code such as US, GB or DE and a "
                    "subdivision code such as CA"
                ) from error
        dates = [day.date for day in self.special_days]
        if len(dates) != len(set(dates)):
            raise InvalidCalendarError("special days list the same date twice; keep one per date")

    def holidays_between(self, first: dt.date, last: dt.date) -> dict[dt.date, str]:
        """Public holidays from ``first`` to ``last`` (inclusive), by date, with their names."""
        if self.country is None:
            return {}
        years = range(first.year, last.year + 1)
        found = holidays.country_holidays(self.country, subdiv=self.subdivision, years=years)
        return {date: str(name) for date, name in sorted(found.items()) if first <= date <= last}

    def categorised_between(self, first: dt.date, last: dt.date) -> dict[dt.date, tuple[str, str]]:
        """The country's *optional* holidays and *half days* from ``first`` to ``last``, by
        date, as (name, category), where the ``holidays`` package knows these categories for
        the country; public holidays on the same date win (they are not listed)."""
        if self.country is None:
            return {}
        years = range(first.year, last.year + 1)
        known = holidays.country_holidays(self.country, subdiv=self.subdivision)
        public = self.holidays_between(first, last)
        found: dict[dt.date, tuple[str, str]] = {}
        for category in ("optional", "half_day"):
            if category not in known.supported_categories:
                continue
            listed = holidays.country_holidays(
                self.country, subdiv=self.subdivision, years=years, categories=(category,)
            )
            for date, name in sorted(listed.items()):
                if first <= date <= last and date not in public and date not in found:
                    found[date] = (str(name), category)
        return found


def holiday_key(name: str) -> str:
    """The name under which a holiday's effect is remembered across years.

    ``Independence Day (observed)`` and ``Independence Day`` share one effect.
    """
    return re.sub(r"\s*\((observed|estimated)\)", "", name, flags=re.IGNORECASE).strip().lower()


def _neighbour(
    day: pd.Timestamp,
    step: int,
    anchors: set[pd.Timestamp],
    open_weekdays: frozenset[int],
) -> pd.Timestamp | None:
    """The nearest open, non-anchor day ``step`` (+1 or -1) days at a time from ``day``."""
    for distance in range(1, _NEIGHBOUR_REACH_DAYS + 1):
        candidate = day + pd.Timedelta(days=step * distance)
        if candidate.weekday() in open_weekdays and candidate not in anchors:
            return candidate
    return None


def day_types(
    calendar: Calendar,
    days: Iterable[dt.date] | pd.DatetimeIndex,
    open_weekdays: frozenset[int] = ALL_WEEKDAYS,
) -> pd.DataFrame:
    """The day type of each date.

    Args:
        calendar: the team's holidays and special days.
        days: the dates to classify (any order; a range is typical).
        open_weekdays: weekdays the team works (0 = Monday); eves and days after skip the
            others.

    Returns:
        A frame indexed by the normalised, timezone-naive dates (sorted) with columns
        ``day_type`` (one of :data:`DAY_TYPES`), ``name`` (the holiday or special day, "" for
        normal days; eves and days after carry their holiday's name), ``multiplier`` (float,
        NaN unless given by the user; 0 for closed days), ``optional`` (an optional holiday
        of the country: a partial day off, learned apart from the public holidays),
        ``between`` (a normal day with a holiday or closure at most :data:`WINDOW_DAYS` days
        before and after it: the days between two holidays), ``before_holiday`` (the next
        calendar day is a public holiday or closure: a holiday or optional holiday that is
        also an eve, like the first of two holiday days), and the
        **holiday window**:
        ``window`` (the :func:`holiday_key` of the nearest holiday within
        :data:`WINDOW_DAYS` calendar days, "" if none or if the day is itself special) and
        ``offset`` (days from that holiday: -3 is the Monday before Thanksgiving). The
        forecast learns a window day's effect from the same holiday in earlier years.
    """
    index = pd.DatetimeIndex(sorted({pd.Timestamp(day).normalize() for day in days}))
    types = pd.DataFrame(
        {"day_type": "normal", "name": "", "multiplier": np.nan},
        index=index,
    )
    if index.empty:
        return types
    reach = pd.Timedelta(days=max(_NEIGHBOUR_REACH_DAYS, WINDOW_DAYS))
    marks, optional = _marks(calendar, (index[0] - reach).date(), (index[-1] + reach).date())
    anchors = {
        day
        for day, (kind, _, _) in marks.items()
        if kind in ("holiday", "closed") and day not in optional
    }
    neighbours = _neighbours(marks, anchors, open_weekdays)
    labelled = {day: (kind, name, math.nan) for day, (kind, name) in neighbours.items()}
    labelled.update(marks)
    positions = {day: position for position, day in enumerate(index)}
    kinds, names = types["day_type"].to_list(), types["name"].to_list()
    multipliers = types["multiplier"].to_numpy(dtype=np.float64, copy=True)
    for day, (kind, name, multiplier) in labelled.items():
        if day in positions:
            kinds[positions[day]] = kind
            names[positions[day]] = name
            multipliers[positions[day]] = multiplier
    windows, offsets = _holiday_windows(
        index, {day: mark for day, mark in marks.items() if day not in optional}
    )
    return pd.DataFrame(
        {
            "day_type": kinds,
            "name": names,
            "multiplier": multipliers,
            "window": windows,
            "offset": offsets,
            "optional": [day in optional for day in index],
            "between": _between(index, anchors, labelled),
            "before_holiday": [day + pd.Timedelta(days=1) in anchors for day in index],
        },
        index=index,
    )


def _marks(
    calendar: Calendar, first: dt.date, last: dt.date
) -> tuple[dict[pd.Timestamp, Mark], set[pd.Timestamp]]:
    """(day type, name, multiplier) of every public holiday, optional holiday, half day and
    user special day from ``first`` to ``last`` (user days win), and the optional holidays."""
    marks: dict[pd.Timestamp, Mark] = {
        pd.Timestamp(date): ("holiday", name, math.nan)
        for date, name in calendar.holidays_between(first, last).items()
    }
    optional: set[pd.Timestamp] = set()
    for date, (name, category) in calendar.categorised_between(first, last).items():
        marks[pd.Timestamp(date)] = ("holiday" if category == "optional" else "eve", name, math.nan)
        if category == "optional":
            optional.add(pd.Timestamp(date))
    for special in calendar.special_days:
        optional.discard(pd.Timestamp(special.date))
        multiplier = 0.0 if special.kind == "closed" else special.multiplier
        marks[pd.Timestamp(special.date)] = (
            special.kind,
            special.name,
            math.nan if multiplier is None else multiplier,
        )
    return marks, optional


def _neighbours(
    marks: dict[pd.Timestamp, Mark], anchors: set[pd.Timestamp], open_weekdays: frozenset[int]
) -> dict[pd.Timestamp, tuple[DayType, str]]:
    """The eve and the day after of each holiday or closure on an open weekday, named after
    it (a day that is both takes ``day_after``; marked days keep their own type)."""
    neighbours: dict[pd.Timestamp, tuple[DayType, str]] = {}
    for anchor in sorted(anchors):
        if anchor.weekday() not in open_weekdays:
            continue
        name = marks[anchor][1]
        eve = _neighbour(anchor, -1, anchors, open_weekdays)
        if eve is not None and eve not in marks and neighbours.get(eve, ("",))[0] != "day_after":
            neighbours[eve] = ("eve", name)
        after = _neighbour(anchor, +1, anchors, open_weekdays)
        if after is not None and after not in marks:
            neighbours[after] = ("day_after", name)
    return neighbours


def _between(
    index: pd.DatetimeIndex,
    anchors: set[pd.Timestamp],
    labelled: dict[pd.Timestamp, Mark],
) -> list[bool]:
    """Plain days with a holiday or closure at most :data:`WINDOW_DAYS` before *and* after
    them (the days between Christmas and New Year, a working day inside a festival)."""
    ordered = sorted(anchors)
    stamps = np.asarray(ordered, dtype="datetime64[ns]")
    reach = pd.Timedelta(days=WINDOW_DAYS)
    flags = []
    for day in index:
        if day in labelled or not ordered:
            flags.append(False)
            continue
        position = int(np.searchsorted(stamps, day.to_datetime64()))
        before = position > 0 and day - ordered[position - 1] <= reach
        after = position < len(ordered) and ordered[position] - day <= reach
        flags.append(bool(before and after))
    return flags


def _holiday_windows(
    index: pd.DatetimeIndex, marks: dict[pd.Timestamp, Mark]
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Nearest holiday (key) and the offset from it, for days that are not special themselves.

    On a tie (a day as far after one holiday as before the next) the earlier holiday wins.
    """
    windows = [""] * len(index)
    offsets = np.zeros(len(index), dtype=np.int64)
    holidays_by_date = sorted(
        (day, holiday_key(name)) for day, (kind, name, _) in marks.items() if kind == "holiday"
    )
    for position, day in enumerate(index):
        if day in marks:
            continue
        nearest: tuple[int, int, str] | None = None
        for anchor, key in holidays_by_date:
            offset = (day - anchor).days
            if abs(offset) <= WINDOW_DAYS:
                candidate = (abs(offset), -offset, key)
                if nearest is None or candidate < nearest:
                    nearest = candidate
        if nearest is not None:
            windows[position] = nearest[2]
            offsets[position] = -nearest[1]
    return windows, offsets
