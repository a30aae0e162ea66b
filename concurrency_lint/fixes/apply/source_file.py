"""A source file as the fixer reads and writes it: encoding, BOM, line endings, atomic writes."""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from concurrency_lint.sources.decoding import UndecodableSource, decode_source


class UnfixableFile(Exception):
    """A file the fixer must leave alone; the message says why."""


@dataclass(frozen=True)
class SourceDocument:
    """Decoded text plus what is needed to write it back byte-for-byte alike."""

    data: bytes
    text: str  # "\n" line endings when the file uses one kind throughout
    encoding: str  # "utf-8-sig" keeps the byte-order mark
    newline: str | None  # the line ending to restore; None: the text is kept as read

    def encode(self, text: str) -> bytes:
        """The bytes of ``text`` in this file's encoding and line endings."""
        if self.newline is not None and self.newline != "\n":
            text = text.replace("\n", self.newline)
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise UnfixableFile(
                f"the fixed code cannot be written in the file's encoding ({self.encoding})"
            ) from exc


def read_document(data: bytes) -> SourceDocument:
    """Decode like the interpreter and normalise uniform line endings to ``\\n``."""
    try:
        decoded = decode_source(data)
    except UndecodableSource as exc:
        raise UnfixableFile(str(exc)) from exc
    text, newline = normalise_newlines(decoded.text)
    return SourceDocument(data, text, decoded.encoding, newline)


def normalise_newlines(text: str) -> tuple[str, str | None]:
    """The text with uniform line endings made ``\\n``, and the line ending to restore
    (None: mixed ``\\r\\n`` and ``\\n``, kept as they are). Raises UnfixableFile on lone
    carriage returns mixed with other line endings."""
    if "\r" not in text:
        return text, "\n"
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lone_lf = text.count("\n") - crlf
    if lone_cr == 0 and lone_lf == 0:
        return text.replace("\r\n", "\n"), "\r\n"
    if crlf == 0 and lone_lf == 0:
        return text.replace("\r", "\n"), "\r"
    if lone_cr == 0:  # "\r\n" and "\n" mixed: positions still count lines alike; keep as read
        return text, None
    raise UnfixableFile("mixed line endings with lone carriage returns")


def write_atomically(path: Path, data: bytes, expected: bytes) -> None:
    """Replace the file's content through a temporary file in the same folder.

    The file keeps its permission bits (and owner, where allowed); a symbolic link keeps
    pointing at the file it named. Raises UnfixableFile when the file changed on disk
    since ``expected`` was read, OSError when it cannot be written.
    """
    target = Path(os.path.realpath(path))
    if target.read_bytes() != expected:
        raise UnfixableFile("the file changed on disk while it was being fixed")
    status = target.stat()
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        with suppress(OSError):
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
