"""The editor's settings for the server (``initializationOptions``, ``didChangeConfiguration``).

Settings are overrides on top of each file's project configuration, as the command
line's flags are: ``select``, ``ignore``, ``extendSelect`` (codes or prefixes),
``configFile`` (one configuration file for every file) and ``debounceMs`` (how long
to wait after the last keystroke before checking). They may come bare or under a
``conclint`` key (``{"conclint": {"select": ["CL2"]}}``), as editors send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from concurrency_lint.checking.registry import known_codes
from concurrency_lint.config import ConfigError, validate_codes

#: Wait this long after a change before checking, unless ``debounceMs`` says otherwise.
DEFAULT_DEBOUNCE_MS = 250


@dataclass(frozen=True)
class ServerSettings:
    """Validated editor settings."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    config_file: str | None = None
    debounce_ms: int = DEFAULT_DEBOUNCE_MS

    @property
    def overrides(self) -> dict[str, tuple[str, ...] | None]:
        """The Config overrides these settings make (None: keep the file's value)."""
        return {"select": self.select, "ignore": self.ignore, "extend_select": self.extend_select}


_CODE_LISTS = {"select": "select", "ignore": "ignore", "extendSelect": "extend_select"}
_KNOWN = (*_CODE_LISTS, "configFile", "debounceMs")


def read_settings(raw: Any) -> tuple[ServerSettings, list[str]]:
    """The settings the client sent, and what was wrong with them (those parts ignored)."""
    if isinstance(raw, dict) and isinstance(raw.get("conclint"), dict):
        raw = raw["conclint"]
    if raw is None or (isinstance(raw, dict) and not raw):
        return ServerSettings(), []
    if not isinstance(raw, dict):
        return ServerSettings(), [f"settings: expected an object, got {raw!r}"]
    values: dict[str, Any] = {}
    problems = []
    for key, value in raw.items():
        if key in _CODE_LISTS:
            if isinstance(value, str):
                value = [code for code in value.replace(" ", ",").split(",") if code]
            if not isinstance(value, list):
                problems.append(f"settings: `{key}`: expected a list of rule codes, got {value!r}")
                continue
            try:
                values[_CODE_LISTS[key]] = validate_codes(
                    value, f"settings: `{key}`", known_codes()
                )
            except ConfigError as exc:
                problems.append(str(exc))
        elif key == "configFile":
            if isinstance(value, str) or value is None:
                values["config_file"] = value or None
            else:
                problems.append(f"settings: `configFile`: expected a file path, got {value!r}")
        elif key == "debounceMs":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                values["debounce_ms"] = value
            else:
                problems.append(
                    f"settings: `debounceMs`: expected milliseconds (0 or more), got {value!r}"
                )
        else:
            problems.append(f"settings: unknown key `{key}` (expected one of: {', '.join(_KNOWN)})")
    return ServerSettings(**values), problems
