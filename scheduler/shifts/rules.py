"""Scheduling rules: shift lengths, breaks, the working week, operating hours and weights.

The rules arrive as a plain mapping (the api layer reads TOML with :mod:`tomllib`, JSON later)
and are parsed by :func:`rules_from_dict` into frozen value objects. Every problem is reported
as an :class:`~scheduler.errors.InvalidRulesError` naming the field and the value::

    interval_minutes = 15            # optional; must match the requirements when given
    [shifts]
    lengths_hours = [4, 6, 8, 9, 10]
    start_step_minutes = 15
    [[shifts.breaks]]                # ordered; each starts in a window measured from shift start
    minutes = 15
    after_hours = [1.5, 3.0]
    paid = true
    [[shifts.breaks]]
    minutes = 30
    after_hours = [3.5, 5.5]
    paid = false
    min_shift_hours = 6              # shorter shifts carry no lunch (the rule per length)
    [week]
    days_per_agent = 5
    consecutive_days_off = 2
    min_hours = 30                   # paid hours per agent and week
    max_hours = 40
    min_rest_hours = 11
    [hours.voice]                    # operating hours per channel and weekday (optional)
    mon-fri = "07:00-22:00"
    sat-sun = "09:00-17:00"
    [weights]                        # optional; defaults below
    shortfall_agent_hour = [25, 50, 100, 200]
    [budget]                         # optional caps: best service within them
    max_paid_hours = 2400
    max_headcount = 70

A channel without an ``[hours.<channel>]`` table is open around the clock; the table is read
as :mod:`scheduler.calendar` says (weekdays not listed are closed, ``"22:00-06:00"`` runs past
midnight into the next day, ``"00:00-24:00"`` is the whole day).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scheduler.calendar import MINUTES_PER_DAY, WeekWindows, week_windows
from scheduler.errors import InvalidRulesError


@dataclass(frozen=True)
class BreakRule:
    """One break of a shift: its length and the window in which it must start.

    Attributes:
        minutes: length of the break.
        earliest_start_hours: earliest start, in hours after the shift starts.
        latest_start_hours: latest start, in hours after the shift starts.
        paid: whether the break counts as paid time.
        min_shift_hours: the break applies only to shifts at least this long.
    """

    minutes: int
    earliest_start_hours: float
    latest_start_hours: float
    paid: bool
    min_shift_hours: float = 0.0

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            raise InvalidRulesError(f"shifts.breaks.minutes: {self.minutes} must be positive")
        if not 0 <= self.earliest_start_hours <= self.latest_start_hours:
            raise InvalidRulesError(
                f"shifts.breaks.after_hours: [{self.earliest_start_hours:g}, "
                f"{self.latest_start_hours:g}] must be [earliest, latest] with "
                "0 <= earliest <= latest"
            )

    @property
    def latest_end_hours(self) -> float:
        """Latest time the break can end, in hours after the shift starts."""
        return self.latest_start_hours + self.minutes / 60


@dataclass(frozen=True)
class ShiftRules:
    """Which shifts may be built: lengths, start times and breaks."""

    lengths_hours: tuple[float, ...]
    start_step_minutes: int
    breaks: tuple[BreakRule, ...] = ()

    def __post_init__(self) -> None:
        if not self.lengths_hours:
            raise InvalidRulesError("shifts.lengths_hours: give at least one shift length")
        for length in self.lengths_hours:
            if not 0 < length <= 24:
                raise InvalidRulesError(
                    f"shifts.lengths_hours: {length:g} must be above 0 and at most 24 hours"
                )
        if len(set(self.lengths_hours)) != len(self.lengths_hours):
            raise InvalidRulesError(
                f"shifts.lengths_hours: {list(self.lengths_hours)} lists a length twice"
            )
        if not 0 < self.start_step_minutes <= MINUTES_PER_DAY or (
            MINUTES_PER_DAY % self.start_step_minutes
        ):
            raise InvalidRulesError(
                f"shifts.start_step_minutes: {self.start_step_minutes} must divide a day "
                "(e.g. 15, 30, 60)"
            )
        for first, second in zip(self.breaks, self.breaks[1:], strict=False):
            if first.latest_end_hours > second.earliest_start_hours:
                raise InvalidRulesError(
                    f"shifts.breaks: the window of the {first.minutes}-minute break "
                    f"({first.earliest_start_hours:g}-{first.latest_start_hours:g} h) overlaps the "
                    f"next break's window ({second.earliest_start_hours:g} h); break windows must "
                    "be ordered and not overlap"
                )

    def breaks_for(self, length_hours: float) -> tuple[BreakRule, ...]:
        """The breaks a shift of ``length_hours`` carries."""
        return tuple(rule for rule in self.breaks if length_hours >= rule.min_shift_hours)

    def paid_hours(self, length_hours: float) -> float:
        """Paid hours of a shift: its length less its unpaid breaks."""
        unpaid = sum(rule.minutes for rule in self.breaks_for(length_hours) if not rule.paid)
        return length_hours - unpaid / 60


@dataclass(frozen=True)
class WeekRules:
    """Rules for one agent's week (paid hours; days counted by shift start)."""

    days_per_agent: int = 5
    consecutive_days_off: int = 2
    min_hours: float = 0.0
    max_hours: float = 168.0
    min_rest_hours: float = 11.0

    def __post_init__(self) -> None:
        if not 1 <= self.days_per_agent <= 7:
            raise InvalidRulesError(
                f"week.days_per_agent: {self.days_per_agent} must be between 1 and 7"
            )
        if not 0 <= self.consecutive_days_off <= 7 - self.days_per_agent:
            raise InvalidRulesError(
                f"week.consecutive_days_off: {self.consecutive_days_off} must be between 0 and "
                f"{7 - self.days_per_agent} (7 days less week.days_per_agent = "
                f"{self.days_per_agent})"
            )
        if not 0 <= self.min_hours <= self.max_hours:
            raise InvalidRulesError(
                f"week.min_hours: {self.min_hours:g} must be between 0 and week.max_hours "
                f"({self.max_hours:g})"
            )
        if not 0 <= self.min_rest_hours < 48:
            raise InvalidRulesError(
                f"week.min_rest_hours: {self.min_rest_hours:g} must be between 0 and 48"
            )


@dataclass(frozen=True)
class Weights:
    """Costs of the objective, in paid-hour equivalents per agent-hour.

    Attributes:
        paid_hour: cost of one paid hour.
        overstaff_agent_hour: cost of one agent-hour on the floor above the requirement
            (idle time not absorbed by deferred work).
        shortfall_agent_hour: cost of one agent-hour missing, for the 1st, 2nd, ... missing
            agent of an interval; increasing (convex), the last value applies to all others.
        preferred_start_hour: cost per hour between a named agent's preferred and actual start.
    """

    paid_hour: float = 1.0
    overstaff_agent_hour: float = 0.1
    shortfall_agent_hour: tuple[float, ...] = (25.0, 50.0, 100.0, 200.0)
    preferred_start_hour: float = 0.05

    def __post_init__(self) -> None:
        for name in ("paid_hour", "overstaff_agent_hour", "preferred_start_hour"):
            value = getattr(self, name)
            if not 0 <= value <= 1e4:
                raise InvalidRulesError(f"weights.{name}: {value:g} must be between 0 and 10000")
        costs = self.shortfall_agent_hour
        if not costs or any(not 0 < cost <= 1e5 for cost in costs):
            raise InvalidRulesError(
                f"weights.shortfall_agent_hour: {list(costs)} must be positive numbers up to 1e5"
            )
        if any(later < earlier for earlier, later in itertools.pairwise(costs)):
            raise InvalidRulesError(
                f"weights.shortfall_agent_hour: {list(costs)} must not decrease (each missing "
                "agent hurts at least as much as the one before)"
            )


@dataclass(frozen=True)
class Budget:
    """Optional caps on the week. Without them the schedule meets every requirement the rules
    and staff allow; with them it gives the best service the budget buys.

    Attributes:
        max_paid_hours: most paid hours in the week, all agents together.
        max_headcount: most agents (or open positions) working in the week.
    """

    max_paid_hours: float | None = None
    max_headcount: int | None = None

    def __post_init__(self) -> None:
        if self.max_paid_hours is not None and not 0 < self.max_paid_hours <= 1e7:
            raise InvalidRulesError(
                f"budget.max_paid_hours: {self.max_paid_hours:g} must be above 0 and at most 1e7"
            )
        if self.max_headcount is not None and not 0 < self.max_headcount <= 100_000:
            raise InvalidRulesError(
                f"budget.max_headcount: {self.max_headcount} must be between 1 and 100000"
            )

    @property
    def capped(self) -> bool:
        """Whether any cap is set."""
        return self.max_paid_hours is not None or self.max_headcount is not None


@dataclass(frozen=True)
class Rules:
    """All scheduling rules."""

    shifts: ShiftRules
    week: WeekRules = field(default_factory=WeekRules)
    hours: Mapping[str, WeekWindows] = field(default_factory=dict)
    weights: Weights = field(default_factory=Weights)
    interval_minutes: int | None = None
    budget: Budget = field(default_factory=Budget)

    def __post_init__(self) -> None:
        if self.interval_minutes is not None and (
            self.interval_minutes <= 0 or MINUTES_PER_DAY % self.interval_minutes
        ):
            raise InvalidRulesError(
                f"interval_minutes: {self.interval_minutes} must divide a day (15, 30 or 60)"
            )


def _fail(path: str, value: object, hint: str) -> InvalidRulesError:
    shown = repr(value) if isinstance(value, str) else str(value)
    return InvalidRulesError(f"{path}: {shown} {hint}")


def _table(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise _fail(key, value, "must be a table")
    return value


def _check_keys(table: Mapping[str, object], path: str, allowed: Sequence[str]) -> None:
    for key in table:
        if key not in allowed:
            where = f"{path}." if path else ""
            raise InvalidRulesError(
                f"{where}{key}: unknown setting; expected one of {', '.join(allowed)}"
            )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _number(table: Mapping[str, object], key: str, path: str, default: float | None) -> float:
    value = table.get(key, default)
    if value is None:
        raise InvalidRulesError(f"{_join(path, key)}: missing; give a number")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(_join(path, key), value, "is not a number")
    return float(value)


def _integer(table: Mapping[str, object], key: str, path: str, default: int | None) -> int:
    value = _number(table, key, path, default)
    if value != int(value):
        raise _fail(_join(path, key), value, "must be a whole number")
    return int(value)


def _numbers(value: object, path: str) -> tuple[float, ...]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, int | float) and not isinstance(item, bool) for item in value
    ):
        raise _fail(path, value, "must be a list of numbers")
    return tuple(float(item) for item in value)


def _break_rule(raw: object, index: int) -> BreakRule:
    path = f"shifts.breaks[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(path, raw, "must be a table with minutes, after_hours and paid")
    _check_keys(raw, path, ("minutes", "after_hours", "paid", "min_shift_hours"))
    window = _numbers(raw.get("after_hours"), f"{path}.after_hours")
    if len(window) != 2:
        raise _fail(f"{path}.after_hours", list(window), "must be [earliest, latest] in hours")
    paid = raw.get("paid", False)
    if not isinstance(paid, bool):
        raise _fail(f"{path}.paid", paid, "must be true or false")
    return BreakRule(
        minutes=_integer(raw, "minutes", path, None),
        earliest_start_hours=window[0],
        latest_start_hours=window[1],
        paid=paid,
        min_shift_hours=_number(raw, "min_shift_hours", path, 0.0),
    )


def _operating_hours(table: Mapping[str, object]) -> dict[str, WeekWindows]:
    hours: dict[str, WeekWindows] = {}
    for channel, spec in table.items():
        path = f"hours.{channel}"
        if not isinstance(spec, Mapping):
            raise _fail(path, spec, "must be a table like mon-fri = '07:00-22:00'")
        hours[channel.strip().lower()] = week_windows(spec, f"{path}.".__add__, InvalidRulesError)
    return hours


def _weights(table: Mapping[str, object]) -> Weights:
    _check_keys(
        table,
        "weights",
        ("paid_hour", "overstaff_agent_hour", "shortfall_agent_hour", "preferred_start_hour"),
    )
    defaults = Weights()
    shortfall = table.get("shortfall_agent_hour", list(defaults.shortfall_agent_hour))
    if isinstance(shortfall, int | float) and not isinstance(shortfall, bool):
        shortfall = [shortfall]
    return Weights(
        paid_hour=_number(table, "paid_hour", "weights", defaults.paid_hour),
        overstaff_agent_hour=_number(
            table, "overstaff_agent_hour", "weights", defaults.overstaff_agent_hour
        ),
        shortfall_agent_hour=_numbers(shortfall, "weights.shortfall_agent_hour"),
        preferred_start_hour=_number(
            table, "preferred_start_hour", "weights", defaults.preferred_start_hour
        ),
    )


def rules_from_dict(data: Mapping[str, object]) -> Rules:
    """Parse rules from a mapping (a TOML or JSON document).

    Raises:
        InvalidRulesError: naming the first bad field and its value.
    """
    _check_keys(data, "", ("interval_minutes", "shifts", "week", "hours", "weights", "budget"))
    shifts = _table(data, "shifts")
    _check_keys(shifts, "shifts", ("lengths_hours", "start_step_minutes", "breaks"))
    if "lengths_hours" not in shifts:
        raise InvalidRulesError("shifts.lengths_hours: missing; e.g. lengths_hours = [4, 8]")
    raw_breaks = shifts.get("breaks", [])
    if not isinstance(raw_breaks, list):
        raise _fail("shifts.breaks", raw_breaks, "must be a list of [[shifts.breaks]] tables")
    week = _table(data, "week")
    _check_keys(
        week,
        "week",
        ("days_per_agent", "consecutive_days_off", "min_hours", "max_hours", "min_rest_hours"),
    )
    interval = data.get("interval_minutes")
    return Rules(
        shifts=ShiftRules(
            lengths_hours=_numbers(shifts["lengths_hours"], "shifts.lengths_hours"),
            start_step_minutes=_integer(shifts, "start_step_minutes", "shifts", 15),
            breaks=tuple(_break_rule(raw, index) for index, raw in enumerate(raw_breaks)),
        ),
        week=WeekRules(
            days_per_agent=_integer(week, "days_per_agent", "week", 5),
            consecutive_days_off=_integer(week, "consecutive_days_off", "week", 2),
            min_hours=_number(week, "min_hours", "week", 0.0),
            max_hours=_number(week, "max_hours", "week", 168.0),
            min_rest_hours=_number(week, "min_rest_hours", "week", 11.0),
        ),
        hours=_operating_hours(_table(data, "hours")),
        weights=_weights(_table(data, "weights")),
        interval_minutes=None if interval is None else _integer(data, "interval_minutes", "", None),
        budget=_budget(_table(data, "budget")),
    )


def _budget(table: Mapping[str, object]) -> Budget:
    _check_keys(table, "budget", ("max_paid_hours", "max_headcount"))
    hours = table.get("max_paid_hours")
    heads = table.get("max_headcount")
    return Budget(
        max_paid_hours=None if hours is None else _number(table, "max_paid_hours", "budget", None),
        max_headcount=None if heads is None else _integer(table, "max_headcount", "budget", None),
    )
