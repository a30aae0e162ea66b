"""Text that is safe to show: no control characters, no undecodable bytes, no bidi tricks.

A file name or a source line can hold anything the file system or the file allows: escape
sequences that recolour or rewrite the terminal, bytes that are not UTF-8 (kept by Python as
lone surrogates, ``surrogateescape``), right-to-left overrides that reorder what is shown.
Every human format shows such characters as visible escapes (``\\x1b``, ``\\xe9``,
``\\u202e``), the way ``ls -b`` does. Backslashes are left alone, so escaping twice changes
nothing.
"""

from __future__ import annotations

import re

from concurrency_lint.sources.lazy_pattern import LazyPattern

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# C0 and C1 controls, DEL, lone surrogates, line/paragraph separators, bidi controls.
_UNSAFE = LazyPattern(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Lone surrogates only: what the UTF-8 codec refuses to encode.
_SURROGATE = LazyPattern("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    point = ord(char)
    if 0xDC80 <= point <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{point - 0xDC00:02x}"
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}"


def printable(text: str, keep_breaks: bool = False) -> str:
    """``text`` with every control, undecodable or bidi character written as an escape
    (line breaks kept as they are with ``keep_breaks``)."""
    if text.isprintable():  # every character the pattern escapes is unprintable
        return text
    if keep_breaks:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in "\r\n" else _escape(m), text)
    return _UNSAFE.sub(_escape, text)


def encodable(text: str) -> str:
    """``text`` with only its undecodable bytes escaped: valid Unicode, else unchanged.

    For formats that escape control characters themselves (JSON, SARIF) and must not
    change a readable path.
    """
    try:
        text.encode("utf-8")  # fails on a surrogate, and only there
    except UnicodeEncodeError:
        return _SURROGATE.sub(_escape, text)
    return text


def raw_bytes(text: str) -> bytes:
    """The bytes a path names on disk, undecodable bytes included (for URIs)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name decoding produces
        return text.encode("utf-8", "backslashreplace")
