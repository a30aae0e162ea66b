"""The module a relative import names (``from ..common import x`` inside ``pkg.sub.mod``)."""

from __future__ import annotations


def absolute_module(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """The module ``from <level dots><name> import ...`` names inside ``module`` (a
    package's ``__init__`` when ``is_package``); None when it climbs above the top."""
    if level == 0:
        return name
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    drop = level - 1
    if drop > len(parts) or (drop == len(parts) and not name):
        return None
    base = parts[: len(parts) - drop]
    return ".".join([*base, name] if name else base) or None
