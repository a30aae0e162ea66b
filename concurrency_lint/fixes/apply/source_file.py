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
    """Replace the file's content, keeping everything else about the file.

    The file must be writable by the invoking user as its mode bits say (checked against
    the effective user and groups, so running as root is no licence to rewrite a
    read-only file of someone else). Usually the new content goes through a temporary
    file in the same folder, renamed over the file, which keeps the permission bits and
    the owner. When renaming would lose something -- a hard link (the other names would
    keep the old content), a setuid/setgid/sticky bit, an owner the process cannot give
    the new file -- the file is rewritten in place instead, and read back to check. A
    symbolic link keeps pointing at the file it named. Raises UnfixableFile when the
    file changed on disk since ``expected`` was read or may not be written, OSError when
    the write fails.
    """
    target = Path(os.path.realpath(path))
    if target.read_bytes() != expected:
        raise UnfixableFile("the file changed on disk while it was being fixed")
    status = target.stat()
    refusal = write_refusal(status)
    if refusal is not None:
        raise UnfixableFile(refusal)
    if _must_write_in_place(status):
        _write_in_place(target, data, expected, stat.S_IMODE(status.st_mode))
        return
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(OSError):
            os.chown(temporary, status.st_uid, status.st_gid)
        os.chmod(temporary, stat.S_IMODE(status.st_mode))  # after chown, which clears bits
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def write_refusal(status: os.stat_result) -> str | None:
    """Why the invoking user may not write a file with this status (None: may)."""
    if not stat.S_ISREG(status.st_mode):
        return "not a regular file: left unchanged"
    mode = stat.S_IMODE(status.st_mode)
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    if uid is None:  # no POSIX owners: the read-only attribute is all there is
        return None if mode & stat.S_IWUSR else "the file is read-only: left unchanged"
    if status.st_uid == uid:
        writable = bool(mode & stat.S_IWUSR)
    elif status.st_gid == os.getegid() or status.st_gid in os.getgroups():
        writable = bool(mode & stat.S_IWGRP)
    else:
        writable = bool(mode & stat.S_IWOTH)
    if writable:
        return None
    return (
        f"the file is not writable by the current user (mode {mode:04o}, owner uid "
        f"{status.st_uid}): left unchanged"
    )


def _must_write_in_place(status: os.stat_result) -> bool:
    """Would a new file renamed over this one lose a link, a special bit or the owner?"""
    special = stat.S_IMODE(status.st_mode) & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX)
    if status.st_nlink > 1 or special:
        return True
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    return uid is not None and uid != 0 and status.st_uid != uid


def _write_in_place(target: Path, data: bytes, original: bytes, mode: int) -> None:
    """Overwrite the file's bytes through its own inode (links, bits and owner stay);
    on failure the original bytes are written back."""
    try:
        _overwrite(target, data)
    except OSError:
        with suppress(OSError):
            _overwrite(target, original)
        raise
    if stat.S_IMODE(target.stat().st_mode) != mode:  # a write by a non-root user clears setuid
        os.chmod(target, mode)


def _overwrite(target: Path, data: bytes) -> None:
    with open(target, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
    if target.read_bytes() != data:
        raise OSError("the file does not hold the new content after writing it")
