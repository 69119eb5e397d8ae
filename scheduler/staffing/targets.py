"""Service targets per channel: what "good" means, parsed from the targets TOML/JSON contract.

Example (``targets.toml``; the API accepts the same structure as JSON)::

    [channels.voice]
    service_level = 0.80        # 80% of offered contacts answered ...
    answer_seconds = 20         # ... within 20 seconds
    patience_seconds = 180      # optional: mean patience, switches to Erlang A
    max_abandon = 0.05          # optional, needs patience_seconds
    asa_seconds = 30            # optional: average speed of answer at most 30 s
    max_occupancy = 0.85        # optional
    shrinkage = 0.30            # optional, default 0
    [channels.chat]
    service_level = 0.80
    answer_seconds = 60
    concurrency = 2             # chats per agent at once; aht_seconds is per chat at that level
    [channels.email]
    response_share = 0.90       # deferred work: 90% answered ...
    response_hours = 4          # ... within 4 business hours
    hours = { mon-fri = "08:00-18:00" }   # optional business hours (default: 24/7)

A live channel needs at least one of: service level (``service_level`` with
``answer_seconds``), ``asa_seconds``, ``max_abandon``. The most restrictive target wins.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from scheduler.errors import InvalidTargetsError
from scheduler.staffing.hours import OperatingHours

QueueModel = Literal["erlang_c", "erlang_a", "deferred"]
_DAY_SECONDS: Final = 86_400
"""The bound on the waits a target names (answer time, ASA, patience): a day."""


def _fail(channel: str, field: str, value: object, why: str) -> InvalidTargetsError:
    """``why`` follows the value, or the field when there is no value (``is missing: ...``)."""
    shown = "" if value is None else f": {value!r}"
    return InvalidTargetsError(f"targets for channel {channel!r}, field `{field}`{shown} {why}")


def _number(channel: str, field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(channel, field, value, "is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(channel, field, value, "is not a finite number")
    return number


def _open_unit(channel: str, field: str, value: object) -> float:
    number = _number(channel, field, value)
    if not 0 < number < 1:
        raise _fail(channel, field, value, "must be between 0 and 1 (exclusive), e.g. 0.8")
    return number


def _positive(channel: str, field: str, value: object) -> float:
    number = _number(channel, field, value)
    if number <= 0:
        raise _fail(channel, field, value, "must be positive")
    return number


@dataclass(frozen=True)
class ChannelTarget:
    """The service target and staffing assumptions of one channel.

    Attributes:
        channel: the channel (queue) name, lower-case.
        service_level: required share answered within ``answer_seconds`` (live channels).
        answer_seconds: the service-level threshold in seconds.
        asa_seconds: maximum average speed of answer.
        patience_seconds: mean customer patience; set for Erlang A (abandonment).
        max_abandon: maximum share of contacts abandoning (needs ``patience_seconds``).
        max_occupancy: cap on agent occupancy (share of time busy with contacts).
        shrinkage: share of paid time not available for contacts, in [0, 1).
        concurrency: contacts an agent handles at once (chat); ``aht_seconds`` is per contact
            at that concurrency.
        response_share: deferred work: share to answer within ``response_hours``.
        response_hours: deferred work: the response-time target in business hours.
        hours: deferred work: business hours during which the response clock runs and agents
            work the backlog (``None``: around the clock).
    """

    # Each field's metadata declares it for every edge (the API's models, the page's form
    # through the OpenAPI schema, the command line): ``label``, ``description``, ``unit`` and
    # the bounds ``gt``/``ge``/``lt``/``le`` an edge accepts (the interval endpoints' ranges,
    # within which the queueing math is well-behaved).
    channel: str = dataclasses.field(
        metadata={
            "label": "Channel",
            "description": "The channel (queue) name, lower-case.",
            "unit": "name",
        }
    )
    service_level: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Service level",
            "description": "Share answered within `answer_seconds`, e.g. 0.8.",
            "unit": "share",
            "gt": 0,
            "lt": 1,
        },
    )
    answer_seconds: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Answer within (s)",
            "description": "Service-level threshold in seconds, e.g. 20.",
            "unit": "seconds",
            "gt": 0,
            "le": _DAY_SECONDS,
        },
    )
    asa_seconds: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Average speed of answer (s)",
            "description": "Maximum average speed of answer, seconds.",
            "unit": "seconds",
            "gt": 0,
            "le": _DAY_SECONDS,
        },
    )
    patience_seconds: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Patience (s)",
            "description": "Mean customer patience in seconds (at least 1); switches from "
            "Erlang C to Erlang A.",
            "unit": "seconds",
            "ge": 1,
            "le": _DAY_SECONDS,
        },
    )
    max_abandon: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Abandoned at most",
            "description": "Maximum share of contacts abandoning; needs `patience_seconds`.",
            "unit": "share",
            "gt": 0,
            "lt": 1,
        },
    )
    max_occupancy: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Occupancy at most",
            "description": "Cap on the share of agent time busy with contacts, e.g. 0.85.",
            "unit": "share",
            "gt": 0,
            "le": 1,
        },
    )
    shrinkage: float = dataclasses.field(
        default=0.0,
        metadata={
            "label": "Shrinkage",
            "description": "Share of paid time off the floor, e.g. 0.3 (default 0).",
            "unit": "share",
            "ge": 0,
            "lt": 1,
        },
    )
    concurrency: int = dataclasses.field(
        default=1,
        metadata={
            "label": "Contacts at once",
            "description": "Contacts an agent handles at once (chat); default 1.",
            "unit": "contacts",
            "ge": 1,
            "le": 100,
        },
    )
    response_share: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Answered in time",
            "description": "Deferred work: share answered within `response_hours`.",
            "unit": "share",
            "gt": 0,
            "le": 1,
        },
    )
    response_hours: float | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Respond within (business hours)",
            "description": "Deferred work: response-time target in business hours.",
            "unit": "hours",
            "gt": 0,
        },
    )
    hours: OperatingHours | None = dataclasses.field(
        default=None,
        metadata={
            "label": "Business hours",
            "description": 'Deferred work: business hours by weekday range, e.g. {"mon-fri": '
            '"08:00-18:00"}; default around the clock.',
            "unit": "weekday ranges",
        },
    )

    def __post_init__(self) -> None:
        name = self.channel
        if self.service_level is not None:
            _open_unit(name, "service_level", self.service_level)
        if (self.service_level is None) != (self.answer_seconds is None):
            raise _fail(
                name,
                "service_level" if self.service_level is None else "answer_seconds",
                None,
                "is missing: a service level needs both `service_level` and `answer_seconds`",
            )
        for field in ("answer_seconds", "asa_seconds", "patience_seconds", "response_hours"):
            value = getattr(self, field)
            if value is not None:
                _positive(name, field, value)
        if self.answer_seconds is not None and self.answer_seconds <= 0:
            raise _fail(name, "answer_seconds", self.answer_seconds, "must be positive")
        if self.max_abandon is not None:
            _open_unit(name, "max_abandon", self.max_abandon)
            if self.patience_seconds is None:
                raise _fail(
                    name,
                    "max_abandon",
                    self.max_abandon,
                    "needs `patience_seconds` (mean patience) to model abandonment",
                )
        if self.max_occupancy is not None:
            occupancy = _number(name, "max_occupancy", self.max_occupancy)
            if not 0 < occupancy <= 1:
                raise _fail(name, "max_occupancy", occupancy, "must be in (0, 1], e.g. 0.85")
        shrinkage = _number(name, "shrinkage", self.shrinkage)
        if not 0 <= shrinkage < 1:
            raise _fail(name, "shrinkage", shrinkage, "must be in [0, 1), e.g. 0.3 for 30%")
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            raise _fail(name, "concurrency", self.concurrency, "must be a whole number >= 1")
        if self.concurrency < 1:
            raise _fail(name, "concurrency", self.concurrency, "must be a whole number >= 1")
        self._check_model(name)

    def _check_model(self, name: str) -> None:
        if self.response_hours is not None or self.response_share is not None:
            if self.response_hours is None or self.response_share is None:
                missing = "response_hours" if self.response_hours is None else "response_share"
                raise _fail(name, missing, None, "is missing: deferred work needs both")
            _number(name, "response_share", self.response_share)
            if not 0 < self.response_share <= 1:
                raise _fail(name, "response_share", self.response_share, "must be in (0, 1]")
            live = ("service_level", "asa_seconds", "patience_seconds", "max_abandon")
            mixed = [field for field in live if getattr(self, field) is not None]
            if mixed or self.concurrency != 1:
                field = mixed[0] if mixed else "concurrency"
                raise _fail(
                    name,
                    field,
                    getattr(self, field),
                    "is a live-channel target; deferred work (response_hours) takes only "
                    "response_share, response_hours, hours, max_occupancy and shrinkage",
                )
            return
        if self.hours is not None:
            raise _fail(
                name,
                "hours",
                None,
                "applies to deferred work only (give response_hours and response_share with it)",
            )
        if self.service_level is None and self.asa_seconds is None and self.max_abandon is None:
            raise _fail(
                name,
                "service_level",
                None,
                "is missing: give a service level (service_level + answer_seconds), "
                "asa_seconds, max_abandon, or response_hours for deferred work",
            )

    @property
    def model(self) -> QueueModel:
        """Which queueing model applies: deferred, Erlang A (patience given) or Erlang C."""
        if self.response_hours is not None:
            return "deferred"
        return "erlang_a" if self.patience_seconds is not None else "erlang_c"

    @classmethod
    def from_dict(cls, channel: str, fields: Mapping[str, object]) -> ChannelTarget:
        """Build from one ``[channels.NAME]`` table; unknown keys are an error."""
        name = channel.strip().lower()
        unknown = sorted(set(fields) - _KNOWN_KEYS)
        if unknown:
            raise _fail(
                name,
                unknown[0],
                fields[unknown[0]],
                f"is not a known field ({', '.join(sorted(_KNOWN_KEYS))})",
            )

        def optional(field: str) -> float | None:
            value = fields.get(field)
            return None if value is None else _number(name, field, value)

        concurrency = fields.get("concurrency", 1)
        if isinstance(concurrency, float) and concurrency.is_integer():
            concurrency = int(concurrency)
        hours = fields.get("hours")
        if hours is not None and not isinstance(hours, Mapping):
            raise _fail(name, "hours", hours, 'must be a table such as { mon-fri = "08:00-18:00" }')
        shrinkage = fields.get("shrinkage", 0.0)
        return cls(
            channel=name,
            service_level=optional("service_level"),
            answer_seconds=optional("answer_seconds"),
            asa_seconds=optional("asa_seconds"),
            patience_seconds=optional("patience_seconds"),
            max_abandon=optional("max_abandon"),
            max_occupancy=optional("max_occupancy"),
            shrinkage=_number(name, "shrinkage", shrinkage),
            concurrency=concurrency,  # type: ignore[arg-type]  # validated in __post_init__
            response_share=optional("response_share"),
            response_hours=optional("response_hours"),
            hours=None
            if hours is None
            else OperatingHours.from_dict(
                hours, f"targets for channel {name!r}, field `hours`", InvalidTargetsError
            ),
        )


# The keys a channel's table may hold: the target's own fields (declared once, above).
_KNOWN_KEYS = frozenset(field.name for field in dataclasses.fields(ChannelTarget)) - {"channel"}


@dataclass(frozen=True)
class Targets:
    """Service targets for every channel of a team."""

    channels: Mapping[str, ChannelTarget]

    def for_channel(self, channel: str) -> ChannelTarget:
        """The target of ``channel``; an error naming the known channels if there is none."""
        try:
            return self.channels[channel]
        except KeyError:
            known = ", ".join(sorted(self.channels)) or "none"
            raise InvalidTargetsError(
                f"channel {channel!r} has no service target (targets are set for: {known}); "
                f"add a [channels.{channel}] table to the targets"
            ) from None

    @classmethod
    def from_dict(cls, document: Mapping[str, object]) -> Targets:
        """Parse the targets document (a parsed TOML file or the API's JSON body)."""
        unknown = sorted(set(document) - {"channels"})
        if unknown:
            raise InvalidTargetsError(
                f"targets: unknown top-level key `{unknown[0]}`; expected [channels.NAME] tables"
            )
        channels = document.get("channels")
        if not isinstance(channels, Mapping) or not channels:
            raise InvalidTargetsError(
                "targets: no channels; add at least one [channels.NAME] table, e.g. "
                "[channels.voice] service_level = 0.8, answer_seconds = 20"
            )
        parsed: dict[str, ChannelTarget] = {}
        for name, fields in channels.items():
            if not isinstance(fields, Mapping):
                raise InvalidTargetsError(f"targets: [channels.{name}] must be a table of fields")
            target = ChannelTarget.from_dict(str(name), fields)
            parsed[target.channel] = target
        return cls(channels=parsed)
