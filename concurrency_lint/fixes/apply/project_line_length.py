"""The line length fixed code keeps to: conclint's ``line-length``, else ruff's, else black's.

The order: ``line-length`` in conclint's configuration; else ``line-length`` of the ruff
configuration that governs the path (``.ruff.toml``, ``ruff.toml`` or a
``pyproject.toml`` with ``[tool.ruff]``, nearest folder first); else ``[tool.black]
line-length`` of the nearest ``pyproject.toml`` that has a ``[tool.black]`` table; else
100. Files that cannot be read or are not valid TOML count as setting nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from concurrency_lint.config import Config, toml_reader
from concurrency_lint.fixes.apply.line_length import DEFAULT_LINE_LENGTH

_RUFF_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")


def line_length_for(config: Config, start: Path) -> int:
    """The line length for fixes of the files at or under ``start``."""
    if config.line_length is not None:
        return config.line_length
    folder = Path(os.path.realpath(start))
    if not folder.is_dir():
        folder = folder.parent
    folders = (folder, *folder.parents)
    ruff = _ruff_line_length(folders)
    if ruff is not None:
        return ruff
    black = _black_line_length(folders)
    return black if black is not None else DEFAULT_LINE_LENGTH


def _ruff_line_length(folders: tuple[Path, ...]) -> int | None:
    for folder in folders:
        for name in _RUFF_FILES:
            document = _toml(folder / name)
            if document is None:
                continue
            table = _table(document, "tool", "ruff") if name == "pyproject.toml" else document
            if table is None:
                continue  # a pyproject.toml without [tool.ruff]: ruff looks further up
            return _positive(table.get("line-length"))
    return None


def _black_line_length(folders: tuple[Path, ...]) -> int | None:
    for folder in folders:
        document = _toml(folder / "pyproject.toml")
        table = _table(document, "tool", "black") if document is not None else None
        if table is not None:
            return _positive(table.get("line-length"))
    return None


def _toml(path: Path) -> dict[str, Any] | None:
    if not os.path.isfile(path):
        return None
    tomllib = toml_reader()
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _table(document: dict[str, Any], *keys: str) -> dict[str, Any] | None:
    current: Any = document
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else None


def _positive(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None
