"""The project's ruff configuration, read as TOML (ruff itself is never run).

Which of the codes that overlap conclint's rules does the project's ruff enable? The
answer follows ruff's own selection: the nearest ``.ruff.toml``, ``ruff.toml`` or
``pyproject.toml`` with a ``[tool.ruff]`` table (in that order, folder by folder
upwards); ``extend = "..."`` chains to the configuration it names; in each, ``select``
replaces what came before, ``extend-select`` adds and ``ignore`` / ``extend-ignore``
remove, the most specific selector winning (``ASYNC230`` over ``ASYNC``, ``ignore`` on
a tie). With no ``select`` anywhere, ruff's defaults apply:
:data:`~concurrency_lint.knowledge.ruff_overlaps.RUFF_DEFAULT_CODES` (ruff 0.16 and
later). ``per-file-ignores`` and the user-level ruff configuration are not read, so a
finding is kept wherever ruff might not report it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from concurrency_lint.config import ConfigError, toml_reader
from concurrency_lint.knowledge.ruff_overlaps import OVERLAPS, RUFF_DEFAULT_CODES

RUFF_CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")
_SELECTOR = re.compile(r"^(?P<linter>[A-Z]+)(?P<digits>[0-9]*)$")
_MAX_EXTENDS = 10

#: Every code of ruff (not flake8-async alone) that overlaps a conclint rule.
RUFF_OVERLAP_CODES: frozenset[str] = frozenset(
    overlap.code
    for overlaps in OVERLAPS.values()
    for overlap in overlaps
    if "ruff" in overlap.tools.split(", ")
)


def find_ruff_config(start: Path) -> Path | None:
    """The ruff configuration file that governs ``start`` (a file or a folder)."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        for name in RUFF_CONFIG_NAMES:
            candidate = candidate_dir / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_ruff_table(candidate)):
                return candidate
    return None


def enabled_overlap_codes(config_file: Path | None) -> tuple[str, ...]:
    """The overlapping ruff codes this ruff configuration enables, sorted."""
    layers: list[tuple[Path, Mapping[str, Any]]] = []
    seen: set[Path] = set()
    current = config_file
    while current is not None:
        resolved = current.resolve()
        if resolved in seen or len(seen) >= _MAX_EXTENDS:
            raise ConfigError(f"{current}: ruff `extend` chain loops or is too long")
        seen.add(resolved)
        table = _ruff_table(current)
        layers.append((current, table))
        extend = table.get("extend")
        current = (current.parent / extend) if isinstance(extend, str) else None
    enabled = set(RUFF_DEFAULT_CODES)
    for path, table in reversed(layers):  # the configuration extended first, the project's last
        enabled = _apply(path, table, enabled, RUFF_OVERLAP_CODES)
    return tuple(sorted(enabled))


def _has_ruff_table(pyproject: Path) -> bool:
    """Whether ruff reads this ``pyproject.toml`` (it skips those without ``[tool.ruff]``)."""
    tomllib = toml_reader()
    try:
        with pyproject.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError:
        return False
    except tomllib.TOMLDecodeError:
        return True  # ruff stops on it too: reading it again reports the error
    tool = document.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("ruff"), dict)


def _ruff_table(path: Path) -> Mapping[str, Any]:
    tomllib = toml_reader()
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read ruff's configuration: {exc.strerror or exc}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML in ruff's configuration: {exc}") from exc
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("ruff", {}) if isinstance(tool, dict) else {}
    else:
        table = document
    return table if isinstance(table, dict) else {}


def _selectors(table: Mapping[str, Any], key: str, where: str) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}{key}`: expected a list of rule codes, got {value!r}")
    return [item.strip().upper() for item in value]


def _apply(
    path: Path, table: Mapping[str, Any], enabled: set[str], candidates: Iterable[str]
) -> set[str]:
    """One configuration's selection applied on top of what was enabled before it."""
    lint = table.get("lint")
    lint = lint if isinstance(lint, dict) else {}
    prefix = "tool.ruff." if path.name == "pyproject.toml" else ""

    def read(key: str) -> list[str] | None:
        # ``[lint]`` wins over the deprecated top-level spelling.
        found = _selectors(lint, key, f"{path}: `{prefix}lint.")
        return found if found is not None else _selectors(table, key, f"{path}: `{prefix}")

    select = read("select")
    on = (select or []) + (read("extend-select") or [])
    off = (read("ignore") or []) + (read("extend-ignore") or [])
    result = set() if select is not None else set(enabled)
    for code in candidates:
        best_on = max((_specificity(s, code) for s in on), default=-1)
        best_off = max((_specificity(s, code) for s in off), default=-1)
        if best_on < 0 and best_off < 0:
            continue
        if best_on > best_off:
            result.add(code)
        else:
            result.discard(code)
    return result


def _specificity(selector: str, code: str) -> int:
    """How closely ``selector`` names ``code`` (-1: not at all; ``ALL`` is 0)."""
    if selector == "ALL":
        return 0
    wanted, given = _SELECTOR.match(selector), _SELECTOR.match(code)
    if wanted is None or given is None or wanted["linter"] != given["linter"]:
        return -1
    if not given["digits"].startswith(wanted["digits"]):
        return -1
    return 1 + len(wanted["digits"])
