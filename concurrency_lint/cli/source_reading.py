"""The text of the files that have findings, for the formats that show or fingerprint lines.

Only regular files are opened (never a FIFO or a device), up to a size limit; a file that
cannot be read or decoded now is simply shown without its lines.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from concurrency_lint.model import UNREADABLE_FILE, Finding
from concurrency_lint.sources.decoding import UndecodableSource, decode_source

#: Larger files are reported without their source lines.
MAX_BYTES = 32 * 1024 * 1024


def read_text(path: str) -> str | None:
    """The decoded text of the regular file ``path``, or None."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        return decode_source(data).text if len(data) <= MAX_BYTES else None
    except (OSError, UndecodableSource, ValueError):
        return None


def read_sources(findings: Iterable[Finding]) -> dict[str, str]:
    """path -> text for every file with a finding that can be read (not CL002's)."""
    paths = {finding.path for finding in findings if finding.code != UNREADABLE_FILE[0]}
    sources = {}
    for path in sorted(paths):
        text = read_text(path)
        if text is not None:
            sources[path] = text
    return sources
