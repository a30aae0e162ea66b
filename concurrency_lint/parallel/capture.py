"""Bounded capture of a child process's output stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

#: Bytes kept per stream (stdout, stderr) of each child; the rest is counted, not kept.
OUTPUT_LIMIT = 1024 * 1024
#: Bytes kept from the end of a stream, for the last line of an error message.
TAIL_BYTES = 4096
READ_SIZE = 64 * 1024


class CappedCapture:
    """Keeps the first ``limit`` bytes of a stream, its last few KiB, and a byte count."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.limit = limit
        self.head = bytearray()
        self.tail = bytearray()
        self.size = 0

    @property
    def truncated(self) -> bool:
        return self.size > len(self.head)

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        room = self.limit - len(self.head)
        if room > 0:
            self.head += data[:room]
        self.tail += data[-TAIL_BYTES:]
        del self.tail[:-TAIL_BYTES]

    async def drain(self, stream: asyncio.StreamReader) -> None:
        """Read ``stream`` to its end, keeping what fits."""
        while True:
            data = await stream.read(READ_SIZE)
            if not data:
                return
            self.feed(data)

    def text(self) -> str:
        """The kept output, decoded, with a marker line when some was dropped."""
        text = self.head.decode("utf-8", errors="replace")
        if self.truncated:
            dropped = self.size - len(self.head)
            text += f"\n[output truncated: {dropped} of {self.size} bytes not captured]\n"
        return text

    def last_line(self) -> str:
        """The last non-blank line of the stream (for error messages)."""
        for line in reversed(self.tail.decode("utf-8", errors="replace").splitlines()):
            if line.strip():
                return line.strip()
        return ""
