"""Which rule codes run for a file: select / extend-select / ignore / per-file-ignores."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import PurePath

from concurrency_lint.config import Config


def _expand(patterns: Iterable[str], codes: Iterable[str]) -> set[str]:
    codes = list(codes)
    chosen: set[str] = set()
    for pattern in patterns:
        chosen.update(code for code in codes if pattern == "ALL" or code.startswith(pattern))
    return chosen


def enabled_codes(
    all_codes: Iterable[str], default_codes: Iterable[str], config: Config
) -> frozenset[str]:
    """The codes a run checks, before per-file ignores."""
    all_codes = sorted(all_codes)
    base = _expand(config.select, all_codes) if config.select is not None else set(default_codes)
    base |= _expand(config.extend_select, all_codes)
    base -= _expand(config.ignore, all_codes)
    return frozenset(base)


def ignored_for_path(path: str, config: Config, all_codes: Iterable[str]) -> frozenset[str]:
    """Codes that ``per-file-ignores`` turns off for one path."""
    if not config.per_file_ignores:
        return frozenset()
    pure = PurePath(path)
    try:
        relative = pure.relative_to(config.root).as_posix()
    except ValueError:
        relative = pure.as_posix()
    ignored: set[str] = set()
    for glob, codes in config.per_file_ignores:
        if fnmatch(relative, glob) or fnmatch(pure.name, glob) or fnmatch(pure.as_posix(), glob):
            ignored |= _expand(codes, all_codes)
    return frozenset(ignored)
