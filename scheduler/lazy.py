"""A package's public names loaded from their modules on first use (PEP 562).

``staffcast erlang`` needs only the queueing math (numpy, scipy); importing a subpackage must
not pull in pandas or OR-Tools before a name that needs them is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``package.<module>`` when a name is first used.

    Args:
        package: the package's dotted name (its ``__name__``).
        exports: public name -> the module of ``package`` that defines it.
    """

    def load(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return load
