"""Patterns compiled on first use, and the escaping that skips them for plain text."""

from __future__ import annotations

import re
import sys

import pytest

from concurrency_lint.report import escaping
from concurrency_lint.report.escaping import encodable, printable
from concurrency_lint.report.text_format import _wrapped
from concurrency_lint.sources.lazy_pattern import LazyPattern


def test_a_pattern_is_compiled_at_its_first_use_and_then_kept() -> None:
    pattern = LazyPattern(r"^(\w+)=(\d+)$", re.MULTILINE)
    assert pattern._compiled is None
    assert pattern.search("a=1").groups() == ("a", "1")  # type: ignore[union-attr]
    compiled = pattern.compiled
    assert compiled.flags & re.MULTILINE
    assert pattern.compiled is compiled


def test_each_call_answers_as_the_compiled_pattern_does() -> None:
    lazy, real = LazyPattern(r"[,;]\s*"), re.compile(r"[,;]\s*")
    text = "a, b;c ,d"
    assert lazy.split(text) == real.split(text)
    assert lazy.findall(text) == real.findall(text)
    assert lazy.sub("|", text) == real.sub("|", text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy.match(text) is None and real.match(text) is None
    assert lazy.match(text, 1).span() == real.match(text, 1).span()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    ["plain", "tab\there", "line\nbreak", "\x1b[31m", "bidi\u202eflip", "\udce9", "nbsp\xa0", ""],
)
def test_printable_and_encodable_are_the_same_with_or_without_the_shortcut(text: str) -> None:
    assert printable(text) == escaping._UNSAFE.compiled.sub(escaping._escape, text)
    has_surrogate = any(0xD800 <= ord(char) <= 0xDFFF for char in text)
    assert (encodable(text) != text) == has_surrogate


def test_no_character_the_escaping_rewrites_counts_as_printable() -> None:
    # The shortcut returns text that ``str.isprintable`` accepts untouched: none of the
    # characters the pattern rewrites may be printable.
    pattern = escaping._UNSAFE.compiled
    rewritten = [chr(p) for p in range(sys.maxunicode + 1) if pattern.match(chr(p))]
    assert len(rewritten) > 2000 and not any(char.isprintable() for char in rewritten)


@pytest.mark.parametrize(
    "line", ["All checks passed: 1 file scanned.", "", "  lead", "trail ", "a\tb", "x" * 120]
)
def test_a_closing_line_wraps_as_textwrap_wraps_it(line: str) -> None:
    import textwrap

    assert _wrapped(line, 100) == (textwrap.wrap(line, 100, break_long_words=False) or [line])
