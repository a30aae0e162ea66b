"""Bytes -> text the way Python reads source (BOM, coding cookie), and parse safety checks."""

from __future__ import annotations

import functools
import io
import re
from typing import NamedTuple

from concurrency_lint.sources.lines import source_lines


class UndecodableSource(Exception):
    """The bytes are not text in the encoding the file declares."""


class DecodedSource(NamedTuple):
    """A file's text and the encoding it was decoded with."""

    text: str
    encoding: str  # as Python names it: "utf-8", "utf-8-sig", "latin-1", ...


def decode_source(data: bytes) -> DecodedSource:
    """Decode like the interpreter: BOM first, then a PEP 263 cookie, else UTF-8."""
    if not data.startswith(_UTF8_BOM) and b"coding" not in data[: _second_line_end(data)]:
        try:  # no BOM, no cookie: UTF-8, as the tokenizer would find
            return DecodedSource(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass  # the tokenizer's own message for it, below
    import tokenize  # a BOM, a cookie or bytes that are not UTF-8

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise UndecodableSource(f"cannot decode source: {exc}") from exc
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableSource(
            f"cannot decode as {exc.encoding} at byte {exc.start}: {exc.reason}"
        ) from exc
    except LookupError as exc:
        raise UndecodableSource(f"unknown encoding {encoding!r}") from exc
    return DecodedSource(text, encoding)


_UTF8_BOM = b"\xef\xbb\xbf"


def _second_line_end(data: bytes) -> int:
    """Where the second line ends (the cookie may only be on the first two lines)."""
    first = data.find(b"\n")
    if first < 0:
        return len(data)
    second = data.find(b"\n", first + 1)
    return len(data) if second < 0 else second + 1


_BRACKET = re.compile(r"[()\[\]{}]")
_OPENERS = frozenset("([{")
# Below these sizes no construct can nest deeply enough to exhaust the parser's stack.
_SAFE_GROUP_CHARS = 4_000
_SAFE_DEPTH = 100


@functools.lru_cache(maxsize=4)
def needs_strict_precheck(text: str) -> bool:
    """True when the text could nest deeper than the parser survives.

    Such a file is first checked by the interpreter's own parser, which rejects
    pathological nesting with an error instead of running out of stack. The scan, the
    verdict and the pass each ask it of the same text: it is measured once.
    """
    if len(text) <= 2 * _SAFE_DEPTH:  # too short to open that many brackets
        return False
    if max(map(len, source_lines(text)), default=0) > _SAFE_GROUP_CHARS:
        return True
    if _long_continued_line(text):
        return True
    depth = 0
    group_start = 0
    for match in _BRACKET.finditer(text):
        if match.group() in _OPENERS:
            if depth == 0:
                group_start = match.start()
            depth += 1
            if depth > _SAFE_DEPTH:
                return True
        elif depth > 0:
            depth -= 1
            if depth == 0 and match.start() - group_start > _SAFE_GROUP_CHARS:
                return True
    return depth > 0 and len(text) - group_start > _SAFE_GROUP_CHARS


_CONTINUATION = re.compile(r"\\(?:\r\n|\r|\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _long_continued_line(text: str) -> bool:
    """A logical line joined by backslashes that is long or spans many lines.

    The parser sees ``x = \\`` followed by thousands of ``lambda: \\`` lines as one line
    nesting thousands deep, without a single bracket.
    """
    run_start = -1
    run_lines = 0
    previous_end = -1
    for match in _CONTINUATION.finditer(text):
        start = match.start()
        if run_start < 0 or _LINE_BREAK.search(text, previous_end, start) is not None:
            run_start, run_lines = start, 0
        run_lines += 1
        previous_end = match.end()
        if run_lines > _SAFE_DEPTH or previous_end - run_start > _SAFE_GROUP_CHARS:
            return True
    return False
