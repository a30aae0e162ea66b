"""Whether a module can mean anything the rules know, read from its text without parsing.

The model's answers are names of the standard library and of the packages the rules know
(``requests.Session``, ``http.client``, ``threading.RLock``). A module can lead to one only
if it imports such a module, or imports a module of the project that can: a module that
does neither is never parsed for a summary (most modules of a large project).
"""

from __future__ import annotations

import re

from concurrency_lint.sources.lazy_pattern import LazyPattern

#: Modules whose names the rules' tables hold (types, I/O calls, timeouts). ``urllib`` and
#: ``http`` count only for their network parts (``urllib.parse`` means nothing to a rule).
KNOWN_ROOTS = (
    "aiohttp",
    "anyio",
    "concurrent",
    "filelock",
    "ftplib",
    "gevent",
    "httplib",
    "httpx",
    "httpx2",
    "multiprocessing",
    "queue",
    "requests",
    "smtplib",
    "socket",
    "subprocess",
    "telnetlib",
    "threading",
    "trio",
    "urllib2",
    "urllib3",
    r"urllib\.request",
    r"http\.client",
)
_PACKAGE_PARTS = r"from[ \t]+(?:urllib|http)[ \t]+import[ \t][^\n#]*\b(?:request|client)\b"

_KNOWN = LazyPattern(
    r"^[ \t]*(?:"
    + _PACKAGE_PARTS
    + r"|from[ \t]+(?:"
    + "|".join(KNOWN_ROOTS)
    + r")\b|import[ \t][^\n#]*\b(?:"
    + "|".join(KNOWN_ROOTS)
    + r")\b)",
    re.MULTILINE,
)
_FROM = LazyPattern(
    r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)", re.MULTILINE
)
_IMPORT = LazyPattern(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)


def import_lines(text: str) -> str:
    """The lines of ``text`` that may be import lines (they start, after blanks, with
    ``from`` or ``import``), joined: the patterns below read one line at a time, so they
    find the same in these lines as in the whole text, at a fraction of the cost."""
    return "\n".join(
        line for line in text.split("\n") if line.lstrip().startswith(("from", "import"))
    )


def imports_known_library(text: str) -> bool:
    """Whether the text imports one of :data:`KNOWN_ROOTS` (a line ``import x`` or
    ``from x import``; conservative: a match in a string counts too)."""
    return _KNOWN.search(text) is not None


def imported_modules(text: str) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(level, module, names) of every import line: ``from ..a import b, c`` is
    ``(2, "a", ("b", "c"))``; ``import a.b`` is ``(0, "a.b", ())``."""
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for match in _FROM.finditer(text):
        names = tuple(part.split()[0] for part in match.group(3).split(",") if part.strip())
        found.append((len(match.group(1)), match.group(2), names))
    for match in _IMPORT.finditer(text):
        for part in match.group(1).split(","):
            words = part.split()
            if words:
                found.append((0, words[0], ()))
    return tuple(found)
