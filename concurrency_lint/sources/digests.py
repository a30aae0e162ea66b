"""The digests files, configurations and keys are known by (BLAKE2b, in hex).

Taken from the interpreter's own BLAKE2 module: ``hashlib`` loads OpenSSL on import, a
tenth of what a warm scan imports, for constructors a digest never uses.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the built-in module
    from hashlib import blake2b


def digest(data: bytes, size: int = 16) -> str:
    """The ``size``-byte BLAKE2b digest of ``data``, in hex."""
    return blake2b(data, digest_size=size).hexdigest()


def content_digest(data: bytes) -> str:
    """What the cache and dependency records know a file's bytes by."""
    return blake2b(data, digest_size=16).hexdigest()
