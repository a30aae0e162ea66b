"""Content-hash result cache: an unchanged file is never parsed twice."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

import concurrency_lint
from concurrency_lint.model import FileResult

_FORMAT = 1


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@cache
def code_fingerprint() -> str:
    """Changes whenever the linter's own code changes (editable installs included)."""
    package = Path(concurrency_lint.__file__).parent
    import concurrency_lint.rules as rules_package

    rules = Path(rules_package.__file__).parent
    parts = [concurrency_lint.__version__, str(_FORMAT)]
    for folder in (package, rules):
        for path in sorted(folder.rglob("*.py")):
            stat = path.stat()
            parts.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


class ResultCache:
    """One pickle per (linter code, configuration): path -> (content digest, result)."""

    def __init__(self, folder: Path, config_fingerprint: str) -> None:
        self.folder = folder
        key = hashlib.blake2b(f"{code_fingerprint()}:{config_fingerprint}".encode(), digest_size=12)
        self.file = folder / f"results-{key.hexdigest()}.pickle"
        self._entries: dict[str, tuple[str, FileResult]] = {}
        self._dirty = False
        self._load()

    def get(self, display: str, digest: str) -> FileResult | None:
        entry = self._entries.get(display)
        if entry is not None and entry[0] == digest:
            return entry[1]
        return None

    def put(self, display: str, digest: str, result: FileResult) -> None:
        self._entries[display] = (digest, result)
        self._dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is silently skipped."""
        if not self._dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(
                    "Signature: 8a477f597d28d172789f06886806bc55\n# conclint result cache\n"
                )
                (self.folder / ".gitignore").write_text("*\n")
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self._entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
        except OSError:
            return

    def _load(self) -> None:
        try:
            with self.file.open("rb") as fh:
                entries = pickle.load(fh)
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
        ):
            return
        if isinstance(entries, dict):
            self._entries = entries
