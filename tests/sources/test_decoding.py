"""Source bytes decode as the interpreter's tokenizer decodes them, whichever way there is
(the quick UTF-8 path for a file with no BOM and no cookie, the tokenizer's otherwise)."""

from __future__ import annotations

import io
import tokenize

import pytest

from concurrency_lint.sources.decoding import UndecodableSource, decode_source

SAMPLES = [
    b"",
    b"x = 1\n",
    b"x = 1",  # no final line break
    b"\xef\xbb\xbfx = 1\n",  # a BOM
    b"# -*- coding: latin-1 -*-\nname = '\xe9'\n",
    b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nname = '\x80'\n",
    b"x = 1\n# coding: latin-1\n",  # a cookie on the second line after code: not a cookie
    b"x = 1\ny = 2\n# coding: latin-1\nname = '\xe9'\n",  # third line: not a cookie
    "name = 'é'\n".encode(),
    b"name = '\xe9'\n",  # latin-1 bytes with no cookie: not UTF-8
    b"x = 1\ny = 2\nz = '\xff'\n",  # invalid UTF-8 after the first two lines
    b"# coding: no-such-codec\n",
    b"\xef\xbb\xbf# coding: latin-1\n",  # a BOM and another cookie: refused
    b"x = 1\r\ny = 2\r\n",
    b"x = 1\ry = 2\r# coding: latin-1\r",  # old line breaks: one line for the tokenizer
    b"\n\n# coding: latin-1\n",  # the cookie may only be on the first two lines
    b"\n# coding: latin-1\nname = '\xe9'\n",
]


def _by_tokenizer(data: bytes) -> tuple[str, str] | type[UndecodableSource]:
    """What the tokenizer's own route gives: (text, encoding) or a refusal."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return UndecodableSource


@pytest.mark.parametrize("data", SAMPLES)
def test_decoding_agrees_with_the_tokenizer(data: bytes) -> None:
    expected = _by_tokenizer(data)
    if expected is UndecodableSource:
        with pytest.raises(UndecodableSource):
            decode_source(data)
    else:
        decoded = decode_source(data)
        assert (decoded.text, decoded.encoding) == expected


def test_a_refusal_names_the_byte_the_tokenizer_names() -> None:
    with pytest.raises(UndecodableSource, match="at byte 17"):
        decode_source(b"x = 1\ny = 2\nz = '\xff'\n")
    with pytest.raises(UndecodableSource, match="cannot decode source"):
        decode_source(b"name = '\xe9'\n")  # the tokenizer refuses the first line itself
