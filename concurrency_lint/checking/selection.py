"""Which rule codes run for a file: select / extend-select / ignore / per-file-ignores.

The engine's own codes (CL001-CL003: a file that does not parse, cannot be read, or made
a rule fail) are always reported: only an ``ignore`` or ``per-file-ignores`` entry that
names them (the code, or the prefix ``CL0``) turns them off -- never ``select``, ``ALL``
or ``CL``.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import PurePath

from concurrency_lint.checking.engine_codes import names_engine_code
from concurrency_lint.config import Config
from concurrency_lint.model import ENGINE_CODES, Finding


def _expand(patterns: Iterable[str], codes: Iterable[str]) -> set[str]:
    codes = list(codes)
    chosen: set[str] = set()
    for pattern in patterns:
        chosen.update(code for code in codes if pattern == "ALL" or code.startswith(pattern))
    return chosen


def _ignored(patterns: Iterable[str], codes: Iterable[str]) -> set[str]:
    """The codes ``ignore`` patterns turn off: rule codes by prefix, engine codes by name."""
    patterns = list(patterns)
    return {
        code
        for code in _expand(patterns, codes)
        if code not in ENGINE_CODES or any(names_engine_code(p, code) for p in patterns)
    }


def enabled_codes(
    all_codes: Iterable[str], default_codes: Iterable[str], config: Config
) -> frozenset[str]:
    """The codes a run checks, before per-file ignores."""
    all_codes = sorted({*all_codes, *ENGINE_CODES})
    base = _expand(config.select, all_codes) if config.select is not None else set(default_codes)
    base |= _expand(config.extend_select, all_codes)
    base |= set(ENGINE_CODES)
    base -= _ignored(config.ignore, all_codes)
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
            ignored |= _ignored(codes, all_codes)
    return frozenset(ignored)


def reported_engine_findings(
    findings: tuple[Finding, ...], path: str, config: Config
) -> tuple[Finding, ...]:
    """``findings`` without the engine findings the user's ``ignore`` entries name.

    For the findings the scan makes itself (unreadable files, crashed workers); the
    checker's own findings are filtered as it makes them.
    """
    hidden = _ignored(config.ignore, ENGINE_CODES) | ignored_for_path(path, config, ENGINE_CODES)
    if not hidden:
        return findings
    return tuple(finding for finding in findings if finding.code not in hidden)
