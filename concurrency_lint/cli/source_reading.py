"""The text of the files that have findings, for the formats that show or fingerprint lines.

Only regular files are opened (never a FIFO or a device), up to a size limit; a file that
cannot be read or decoded now is simply shown without its lines.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from concurrency_lint.model import UNREADABLE_FILE, Finding
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.display_names import unescape_name
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file

#: Larger files are reported without their source lines.
MAX_BYTES = 32 * 1024 * 1024


def read_text(path: str) -> str | None:
    """The decoded text of the regular file shown as ``path``, or None."""
    real = unescape_name(path)
    try:
        if os.stat(real).st_size > MAX_BYTES:
            return None
        return decode_source(read_regular_file(real)).text
    except (OSError, UnreadablePath, UndecodableSource, ValueError):
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
