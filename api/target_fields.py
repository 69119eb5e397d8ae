"""The service-target fields as every edge declares them, derived from their one declaration:
the metadata of :class:`scheduler.staffing.ChannelTarget`'s fields (label, description, unit,
bounds).

The API's request models build their target fields with :func:`target_field` (so
``/openapi.json`` carries the bounds and descriptions the page's form is derived from); a
command-line option takes its help and range in words from :func:`target_option_help`. pydantic is
imported only by :func:`target_field`, so the command line's start-up does not load it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from scheduler.staffing import ChannelTarget

BOUND_KEYS: Final = ("gt", "ge", "lt", "le")


def _metadata(name: str) -> Mapping[str, Any]:
    try:
        return ChannelTarget.__dataclass_fields__[name].metadata
    except KeyError:
        known = ", ".join(ChannelTarget.__dataclass_fields__)
        raise ValueError(f"{name!r} is not a target field ({known})") from None


def target_bounds(name: str) -> dict[str, float]:
    """The bounds of target field ``name`` as ``gt``/``ge``/``lt``/``le`` keywords."""
    metadata = _metadata(name)
    return {key: metadata[key] for key in BOUND_KEYS if key in metadata}


def target_help(name: str) -> str:
    """The description of target field ``name``."""
    description: str = _metadata(name)["description"]
    return description


def target_label(name: str) -> str:
    """The short label of target field ``name`` (a form's label, a column heading)."""
    label: str = _metadata(name)["label"]
    return label


def target_unit(name: str) -> str:
    """The unit of target field ``name`` (``share``, ``seconds``, ``hours``, ...)."""
    unit: str = _metadata(name)["unit"]
    return unit


def target_field(name: str, default: object = None, **extra: Any) -> Any:
    """A pydantic ``Field`` for target field ``name``: its description and bounds, and its
    unit as ``x-unit`` in the JSON schema (a form shows a ``share`` as a percentage), with
    ``default`` and any ``extra`` keywords (``examples``)."""
    from pydantic import Field

    keywords: dict[str, Any] = {**target_bounds(name), **extra}
    return Field(
        default=default,
        title=target_label(name),
        description=target_help(name),
        json_schema_extra={"x-unit": target_unit(name)},
        **keywords,
    )


_FIELD_NAME: Final = re.compile(r"`(\w+)`")


def target_range(name: str) -> str:
    """The range of target field ``name`` in one unbroken word, e.g. ``0<x<1``, ``x>0``
    (empty when it has no bounds)."""
    bounds = target_bounds(name)
    low = {"gt": "<", "ge": "<="}
    high = {"lt": "<", "le": "<="}
    lower = next((f"{bounds[k]:g}{op}" for k, op in low.items() if k in bounds), "")
    upper = next((f"{op}{bounds[k]:g}" for k, op in high.items() if k in bounds), "")
    if not lower and not upper:
        return ""
    if lower and upper:
        return f"{lower}x{upper}"
    return f"{lower}x" if lower else f"x{upper}"


def target_option_help(name: str) -> str:
    """The command-line help of target field ``name``: its description with other fields
    named as their options (``--answer-seconds``) and its range, e.g. ``(0<x<1)``."""
    described = _FIELD_NAME.sub(
        lambda match: "--" + match.group(1).replace("_", "-"), target_help(name)
    )
    allowed = target_range(name)
    return f"{described} ({allowed})" if allowed else described


_INSIDE: Final = {
    "gt": lambda value, bound: value > bound,
    "ge": lambda value, bound: value >= bound,
    "lt": lambda value, bound: value < bound,
    "le": lambda value, bound: value <= bound,
}


def out_of_range(name: str, value: float) -> str | None:
    """Why ``value`` is outside target field ``name``'s bounds, or ``None`` when inside."""
    bounds = target_bounds(name)
    if all(_INSIDE[key](value, bound) for key, bound in bounds.items()):
        return None
    return f"{value:g} is outside {target_range(name)}"
