"""``# noqa``, ``# conclint: ignore[...]`` and ``# conclint: ignore-file`` comments."""

from __future__ import annotations

import re

from concurrency_lint.sources.lines import source_lines

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
_IGNORE = re.compile(r"#\s*conclint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?!-)", re.I)
_IGNORE_FILE = re.compile(r"#\s*conclint:\s*ignore-file\b", re.I)

ALL = frozenset({"*"})


def line_suppressions(line: str) -> frozenset[str]:
    """Codes a line's comment suppresses; ``ALL`` for a bare ``# noqa`` / ``ignore``."""
    if "#" not in line:
        return frozenset()
    codes: set[str] = set()
    for pattern in (_NOQA, _IGNORE):
        for match in pattern.finditer(line):
            listed = match.group("codes")
            if listed is None or not listed.strip():
                return ALL
            codes.update(code.upper() for code in re.split(r"[\s,]+", listed.strip()) if code)
    return frozenset(codes)


def is_suppressed(code: str, lines: list[str], line_numbers: tuple[int, ...]) -> bool:
    """True when any of the given 1-based lines suppresses ``code``."""
    for number in line_numbers:
        if 1 <= number <= len(lines):
            suppressed = line_suppressions(lines[number - 1])
            if suppressed is ALL or code in suppressed:
                return True
    return False


def ignores_whole_file(text: str) -> bool:
    """``# conclint: ignore-file`` among the comments before the first statement."""
    if "ignore-file" not in text:
        return False
    for line in source_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return False
        if _IGNORE_FILE.search(stripped):
            return True
    return False
