"""``click.echo`` for text, without importing click on the common path.

A scan that needs no option parsing by click (see :mod:`.quick_scan`) must not import
click just to print. On an ordinary text stream (an :class:`io.TextIOWrapper` whose
encoding is not ASCII, with its error handler set) ``click.echo`` writes the text as
given, ANSI codes stripped unless colour is on (or, when colour is not decided, unless
the stream is a terminal), then flushes: that is done here. Any other stream (a test
runner's capture, a misconfigured encoding, a binary stream) is handed to click itself,
which wraps it as it does.
"""

from __future__ import annotations

import codecs
import io
import re
import sys
from typing import TextIO

#: click's own pattern of ANSI escape sequences (``click._compat._ansi_re``).
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


def echo(message: str, nl: bool = True, err: bool = False, color: bool | None = None) -> None:
    """Print ``message`` as ``click.echo(message, nl=nl, err=err, color=color)`` does."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return  # no standard stream to write to (pythonw)
    if not _plain_text_stream(stream):
        import click

        click.echo(message, nl=nl, err=err, color=color)
        return
    out = message + "\n" if nl else message
    if not out:
        stream.flush()
        return
    if "\033" in out and _strips_ansi(stream, color):
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def _plain_text_stream(stream: TextIO) -> bool:
    """Whether click would write to ``stream`` as it is (no wrapper of its own)."""
    if type(stream) is not io.TextIOWrapper or stream.errors is None:
        return False
    encoding = stream.encoding or "ascii"
    try:
        return codecs.lookup(encoding).name != "ascii"
    except LookupError:
        return False


def _strips_ansi(stream: TextIO, color: bool | None) -> bool:
    if color is not None:
        return not color
    try:
        return not stream.isatty()
    except Exception:
        return True
