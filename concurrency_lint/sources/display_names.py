"""File names as reports show them: printable, valid Unicode, and reversible.

A file name may hold bytes that are not UTF-8 (kept by the interpreter as lone surrogates,
which no UTF-8 writer accepts) and control characters (an escape sequence in a name would
reach the terminal raw). Reports show names escaped instead: an undecodable byte as
``\\xNN`` (NN >= 80), a non-printable character as ``\\xNN`` (below 80), ``\\uNNNN`` or
``\\UNNNNNNNN``, and -- on systems whose separator is ``/`` -- a backslash as ``\\\\``, so
that :func:`unescape_name` gives back the exact name and the fixer finds the file.
"""

from __future__ import annotations

import os
import re

from concurrency_lint.sources.lazy_pattern import LazyPattern

_SURROGATES = range(0xDC80, 0xDD00)  # the bytes 0x80-0xFF that did not decode
_ESCAPE_BACKSLASH = os.sep == "/"
_ESCAPED = LazyPattern(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|(\\))")


def escape_name(name: str) -> str:
    """``name`` with every character a terminal or a UTF-8 file could not take escaped."""
    if name.isprintable() and not (_ESCAPE_BACKSLASH and "\\" in name):
        return name  # the common case: nothing to do
    return "".join(_escape_char(char) for char in name)


def _escape_char(char: str) -> str:
    point = ord(char)
    if char == "\\":
        return "\\\\" if _ESCAPE_BACKSLASH else char
    if point in _SURROGATES:
        return f"\\x{point - 0xDC00:02x}"
    if char.isprintable():
        return char
    if point < 0x80:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def unescape_name(shown: str) -> str:
    """The name :func:`escape_name` showed as ``shown``."""
    if "\\" not in shown or not _ESCAPE_BACKSLASH:
        return shown
    return _ESCAPED.sub(_unescape_match, shown)


def _unescape_match(match: re.Match[str]) -> str:
    byte, short, long, backslash = match.groups()
    if backslash:
        return "\\"
    if byte:
        value = int(byte, 16)
        return chr(value if value < 0x80 else 0xDC00 + value)
    return chr(int(short or long, 16))
