"""Which findings ruff reports too: the call a finding names, matched against the overlaps."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from concurrency_lint.knowledge.ruff_overlaps import OVERLAPS
from concurrency_lint.model import Finding

_FIRST_QUOTED = re.compile(r"`([^`]+)`")


def named_call(finding: Finding) -> str | None:
    """The call a finding's message names first (``time.sleep``), without ``(...)``."""
    match = _FIRST_QUOTED.search(finding.message)
    if match is None:
        return None
    return match.group(1).removesuffix("(...)").removesuffix("()")


def _matches(call: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return call.startswith(prefix) and "." not in call[len(prefix) :] and call != prefix
    return call == pattern


@cache
def _overlaps_for(code: str, call: str) -> tuple[tuple[str, bool], ...]:
    return tuple(
        (overlap.code, overlap.statement_only)
        for overlap in OVERLAPS.get(code, ())
        if any(_matches(call, pattern) for pattern in overlap.calls)
    )


def overlapping_reports(finding: Finding, line_text: str | None = None) -> frozenset[str]:
    """The ruff / flake8-async codes that report the same call as this finding.

    ``line_text`` is the finding's first line: a check that reports statements only
    counts when the finding starts the line; without it, such checks do not count.
    """
    if finding.code not in OVERLAPS:
        return frozenset()
    call = named_call(finding)
    if not call:
        return frozenset()
    starts_line = line_text is not None and not line_text[: finding.span.start_col - 1].strip()
    return frozenset(
        code
        for code, statement_only in _overlaps_for(finding.code, call)
        if starts_line or not statement_only
    )


def deferred_to_ruff(
    finding: Finding, ruff_codes: Iterable[str], line_text: str | None = None
) -> bool:
    """Whether ruff, with these codes enabled, reports this finding's call too."""
    return not overlapping_reports(finding, line_text).isdisjoint(ruff_codes)
