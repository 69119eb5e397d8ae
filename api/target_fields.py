"""The service-target fields as every edge declares them, derived from their one declaration:
the metadata of :class:`scheduler.targets.ChannelTarget`'s fields (description, unit, bounds).

The API's request models build their target fields with :func:`target_field` (so
``/openapi.json`` carries the bounds and descriptions the page's form is derived from); a
command-line option can take :func:`target_help`, :func:`target_bounds` and
:func:`target_unit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import Field

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


def target_unit(name: str) -> str:
    """The unit of target field ``name`` (``share``, ``seconds``, ``hours``, ...)."""
    unit: str = _metadata(name)["unit"]
    return unit


def target_field(name: str, default: object = None, **extra: Any) -> Any:
    """A pydantic ``Field`` for target field ``name``: its description and bounds, and its
    unit as ``x-unit`` in the JSON schema (a form shows a ``share`` as a percentage), with
    ``default`` and any ``extra`` keywords (``examples``)."""
    keywords: dict[str, Any] = {**target_bounds(name), **extra}
    return Field(
        default=default,
        description=target_help(name),
        json_schema_extra={"x-unit": target_unit(name)},
        **keywords,
    )
