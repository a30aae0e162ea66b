"""Content-hash result cache: an unchanged file is never parsed twice.

The cache is data, never code: one JSON file per (linter, interpreter, LibCST, configuration)
key, validated on read -- a missing, truncated or malformed file or entry is a miss. It is
written atomically (a temporary file in the same folder, then ``os.replace``), merges what
another scan saved meanwhile, and writes nothing outside its own folder.

The document also keeps the walk's folder listings (:mod:`..sources.folder_listings`), so
that a warm scan does not list an unchanged folder again.

The files of a package depend on the same project modules: a result's dependency records
are stored once per document, in its ``records`` table, and an entry names them by their
index there (a warm scan reads a tenth of the bytes it would otherwise).
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import json
import os
import re
import stat
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

import concurrency_lint
from concurrency_lint.checking.cache_codec import MalformedEntry, decoder_for, encode
from concurrency_lint.config import DEFAULT_CACHE_DIR, Config
from concurrency_lint.model import FileResult
from concurrency_lint.sources.digests import digest
from concurrency_lint.sources.folder_listings import FolderListings
from concurrency_lint.sources.settling import settled_cutoff

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: saves are atomic, merges best effort
    fcntl = None  # type: ignore[assignment]

_FORMAT = 3
#: A cache file larger than this is not read (a crafted file must not exhaust memory).
MAX_CACHE_FILE_BYTES = 256 * 1024 * 1024
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# conclint result cache\n"


#: What of a file's status stands for its content (with the digest it was read with).
_STATUS_FIELDS = ("st_mtime_ns", "st_ctime_ns", "st_size", "st_ino", "st_dev")


def status_fields(status: os.stat_result) -> list[int]:
    """What of a file's status stands for its content (see ``_STATUS_FIELDS``)."""
    return [getattr(status, name) for name in _STATUS_FIELDS]


def is_settled(status: os.stat_result) -> bool:
    """Whether the file last changed long enough ago that any later change will show
    in its times."""
    return max(status.st_mtime_ns, status.st_ctime_ns) <= settled_cutoff()


@cache
def code_fingerprint() -> str:
    """Changes whenever the linter's own code changes (editable installs included)."""
    package = Path(concurrency_lint.__file__).parent
    import concurrency_lint.rules as rules_package

    rules = Path(rules_package.__file__).parent
    parts = [concurrency_lint.__version__, str(_FORMAT)]
    for folder in (package, rules):
        for relative in _python_files(str(folder)):
            status = os.stat(os.path.join(folder, *relative))
            parts.append(f"{os.sep.join(relative)}:{status.st_size}:{status.st_mtime_ns}")
    return digest("\n".join(parts).encode())


def _python_files(folder: str) -> list[tuple[str, ...]]:
    """What ``sorted(Path(folder).rglob("*.py"))`` lists, as parts relative to ``folder``
    (on plain strings: ``Path`` objects for each would cost a warm run a few ms)."""
    found = []
    for top, folders, files in os.walk(folder, followlinks=True):
        below = os.path.relpath(top, folder)
        prefix = () if below == os.curdir else tuple(below.split(os.sep))
        found.extend(
            (*prefix, name) for name in (*folders, *files) if os.path.normcase(name).endswith(".py")
        )
    return sorted(found)


_VERSION_LINE = re.compile(
    rb"""^__version__\s*=\s*(?:version\s*=\s*)?['"]([^'"]+)['"]""", re.MULTILINE
)


def libcst_version() -> str:
    """LibCST's version, read from its files without importing it (a warm run never
    imports LibCST) nor ``importlib.metadata`` (which costs a tenth of a warm run)."""
    spec = importlib.util.find_spec("libcst")
    if spec is None or not spec.origin:
        return "absent"
    folder = Path(spec.origin).parent
    try:
        text = (folder / "_version.py").read_bytes()
    except OSError:
        text = b""
    match = _VERSION_LINE.search(text)
    if match:
        return match.group(1).decode("ascii", "replace")
    status = Path(spec.origin).stat()  # an unknown layout: the install itself is the key
    return f"{folder}:{status.st_size}:{status.st_mtime_ns}"


@cache
def environment_key() -> dict[str, str]:
    """What besides the linter's code changes a result: the interpreter and LibCST."""
    return {
        "tool": concurrency_lint.__version__,
        "code": code_fingerprint(),
        "python": sys.version,
        "implementation": f"{sys.implementation.name} {sys.implementation.cache_tag}",
        "libcst": libcst_version(),
    }


def user_cache_folder() -> Path:
    """``$XDG_CACHE_HOME/conclint``, else ``~/.cache/conclint``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "conclint"


def cache_folder(config: Config) -> tuple[Path, Path]:
    """The cache's folder and the folder it must stay inside.

    Under the project root (the configuration file's folder) when there is one; the
    user's cache folder when no configuration file was found, never the working folder.
    """
    if config.source is None and config.cache_dir == DEFAULT_CACHE_DIR:
        folder = user_cache_folder()
        return folder, folder
    root = Path(os.path.abspath(config.root))
    return Path(os.path.normpath(root / config.cache_dir)), root


class ResultCache:
    """path -> (content digest, result) for one key, stored as one JSON document."""

    def __init__(
        self,
        folder: Path,
        config_fingerprint: str,
        result_type: type = FileResult,
        boundary: Path | None = None,
    ) -> None:
        self.folder = folder
        self.boundary = boundary if boundary is not None else folder
        # Paths in results are relative to the working folder: it is part of the key.
        self._key = {**environment_key(), "config": config_fingerprint, "cwd": _working_folder()}
        blob = json.dumps(self._key, sort_keys=True).encode()
        self.name = digest(blob, size=12)
        self.file = folder / f"results-{self.name}.json"
        self._decode = decoder_for(result_type)
        # display -> [digest, encoded result(, indices of its dependency records)], unchecked
        self._stored: dict[str, Any] = {}
        self._records: list[str] = []  # the stored dependency records, by index
        self._new: dict[str, Any] = {}
        # display -> [digest, *file status]: the file's content is known by its status
        self._statuses: dict[str, Any] = {}
        self._new_statuses: dict[str, list[Any]] = {}
        self._usable = self._inside_boundary()
        self._listings: FolderListings | None = None  # the document is read on first use

    @property
    def listings(self) -> FolderListings:
        """The folder listings the document keeps (reading it the first time)."""
        if self._listings is None:
            document = self._read_document(self.file) if self._usable else {}
            self._stored, self._statuses, self._records = _parts(document)
            self._listings = FolderListings(document.get("listings"))
        return self._listings

    @classmethod
    def for_config(
        cls, config: Config, namespace: str = "", result_type: type = FileResult
    ) -> ResultCache:
        """The cache a scan with ``config`` uses (see :func:`cache_folder`)."""
        folder, boundary = cache_folder(config)
        return cls(folder, f"{namespace}{config.fingerprint()}", result_type, boundary)

    def get(self, display: str, digest: str) -> Any:
        """The stored result for this path and content, or None (a malformed entry too)."""
        entry = self._loaded()._stored.get(display)
        if type(entry) is not list or len(entry) not in (2, 3) or entry[0] != digest:
            return None
        try:
            result = self._decode(entry[1])
        except (MalformedEntry, TypeError, ValueError):
            return None
        if getattr(result, "path", display) != display:
            return None
        if len(entry) == 3:
            records = _resolved(entry[2], self._records)
            if not records or getattr(result, "depends_on", None) != ():
                return None
            result = result._replace(depends_on=records)
        return result

    def known_digest(self, display: str, status: os.stat_result) -> str | None:
        """The digest of the file's content when its status (times, size, inode) is the
        one recorded with that digest: the file need not be read and hashed again."""
        entry = self._loaded()._statuses.get(display)
        if (
            type(entry) is not list
            or len(entry) != 1 + len(_STATUS_FIELDS)
            or type(entry[0]) is not str
            or not stat.S_ISREG(status.st_mode)
            or entry[1:] != status_fields(status)
        ):
            return None
        return entry[0]

    def note_status(self, display: str, digest: str, status: os.stat_result | None) -> None:
        """Remember that a file with this status has this digest, once the file is old
        enough that a later change cannot keep its times (else it is hashed next time)."""
        if status is None or not stat.S_ISREG(status.st_mode):
            return
        if not is_settled(status):
            return  # changed within the clock's reach: its times may not show the next change
        record = [digest, *status_fields(status)]
        if self._loaded()._statuses.get(display) != record:
            self._new_statuses[display] = record

    def put(self, display: str, digest: str, result: Any) -> None:
        """Remember a result; one the cache cannot store is simply not cached."""
        records = getattr(result, "depends_on", None)
        try:
            if records and type(records) is tuple and hasattr(result, "_replace"):
                shared = result._replace(depends_on=())
                self._new[display] = [digest, encode(shared), records]
            else:
                self._new[display] = [digest, encode(result)]
        except (TypeError, RecursionError):
            return

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is skipped, nothing is left."""
        if not (self._new or self._new_statuses or self.listings.new) or not self._usable:
            return
        try:
            if not self._make_folder():
                return
            with _SaveLock(self.folder / ".lock") as locked:
                if not locked:
                    return  # another scan holds the folder: this run's results are not kept
                document = self._read_document(self.file)  # keep what a concurrent scan saved
                stored, statuses, records = _parts(document)
                entries, table = _indexed(stored, records, self._new)
                listings = self.listings.merged(document.get("listings"))
                statuses = {
                    display: status
                    for display, status in {**statuses, **self._new_statuses}.items()
                    if display not in self._new or display in self._new_statuses
                }
                document = {
                    "format": _FORMAT,
                    "key": self._key,
                    "records": table,
                    "entries": entries,
                    "statuses": statuses,
                    "listings": listings,
                }
                self._write_atomically(self.file, document)
        except OSError:
            return
        self._stored, self._records, self._new = entries, table, {}
        self.listings.saved(listings)
        self._statuses, self._new_statuses = statuses, {}

    def read_companion(self, prefix: str) -> dict[str, Any]:
        """Another document of this key in the cache folder (``{prefix}-{key}.json``),
        validated as the results are, or an empty one."""
        if not self._usable:
            return {}
        return self._read_document(self.folder / f"{prefix}-{self.name}.json")

    def write_companion(self, prefix: str, document: dict[str, Any]) -> None:
        """Write another document of this key atomically (its format and key added);
        one that cannot be written is skipped."""
        if not self._usable:
            return
        try:
            if self._make_folder():
                self._write_atomically(
                    self.folder / f"{prefix}-{self.name}.json",
                    {"format": _FORMAT, "key": self._key, **document},
                )
        except OSError:
            return

    # ---- internals -----------------------------------------------------------------------

    def _loaded(self) -> ResultCache:
        """The cache, its document read."""
        self.listings  # noqa: B018 - reads the document the first time
        return self

    def _inside_boundary(self) -> bool:
        """The folder, symlinks resolved, lies strictly inside the folder it belongs to."""
        if self.folder == self.boundary:
            return True
        real_folder = os.path.realpath(self.folder)
        real_boundary = os.path.realpath(self.boundary)
        try:
            common = os.path.commonpath([real_boundary, real_folder])
        except ValueError:
            return False
        return common == real_boundary and real_folder != real_boundary

    def _read_document(self, path: Path) -> dict[str, Any]:
        """The stored document of this key (its parts unchecked), or an empty one."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError:
            return {}
        try:
            with os.fdopen(fd, "rb") as fh:
                status = os.fstat(fh.fileno())
                if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_CACHE_FILE_BYTES:
                    return {}  # a link, device or FIFO planted in the folder is no cache
                document = json.loads(fh.read(MAX_CACHE_FILE_BYTES + 1))
        except (OSError, ValueError, RecursionError):
            return {}
        if (
            type(document) is not dict
            or document.get("format") != _FORMAT
            or document.get("key") != self._key
        ):
            return {}
        return document

    def _make_folder(self) -> bool:
        """Create the folder (marked as a cache, ignored by git) when it does not exist.

        The marker files go only into a folder this call created: an existing folder's
        ``.gitignore`` is never touched.
        """
        if not self._inside_boundary():
            return False
        if self.folder.is_dir():
            return True
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
            _create_new(self.folder / name, text.encode())
        return True

    def _write_atomically(self, path: Path, document: dict[str, Any]) -> None:
        data = json.dumps(document, separators=(",", ":")).encode()
        temporary = self.folder / f".tmp-{os.getpid()}-{os.urandom(6).hex()}.json"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(temporary, flags, 0o644)
        try:
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _parts(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """A document's entries, file statuses (both unchecked) and dependency records."""
    entries = document.get("entries")
    if type(entries) is not dict:
        return {}, {}, []  # not a results document
    statuses = document.get("statuses")
    records = document.get("records")
    if type(records) is not list or not set(map(type, records)) <= {str}:
        records = []  # the entries that name records are then misses
    return entries, statuses if type(statuses) is dict else {}, records


def _resolved(indices: Any, records: list[str]) -> tuple[str, ...] | None:
    """The records an entry names by index, or None when any index is not one."""
    if type(indices) is not list or not indices or not set(map(type, indices)) <= {int}:
        return None
    if min(indices) < 0 or max(indices) >= len(records):
        return None
    return tuple(map(records.__getitem__, indices))


def _indexed(
    stored: dict[str, Any], records: list[str], new: dict[str, list[Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The entries to save (what was stored, then the new ones) with one records table:
    a stored entry's indices are translated, a malformed one is dropped."""
    table: dict[str, int] = {}

    def indices(names: tuple[str, ...]) -> list[int]:
        return [table.setdefault(name, len(table)) for name in names]

    entries: dict[str, Any] = {}
    for display, entry in stored.items():
        if display in new or type(entry) is not list:
            continue
        if len(entry) == 2:
            entries[display] = entry
        elif len(entry) == 3:
            names = _resolved(entry[2], records)
            if names:
                entries[display] = [entry[0], entry[1], indices(names)]
    for display, (known, encoded, *shared) in new.items():
        entries[display] = [known, encoded, *(indices(names) for names in shared)]
    return entries, list(table)


def _working_folder() -> str:
    try:
        return os.getcwd()
    except OSError:  # removed while we run: nothing relative can be trusted
        return ""


class _SaveLock:
    """An advisory lock on the cache folder, so concurrent saves merge without loss.

    Waits a little at most: a cache is an optimisation, never a reason to hang.
    """

    def __init__(self, path: Path, patience: float = 5.0) -> None:
        self.path = path
        self.patience = patience
        self._fd = -1

    def __enter__(self) -> bool:
        if fcntl is None:
            return True
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        self._fd = os.open(self.path, flags, 0o644)
        deadline = time.monotonic() + self.patience
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.01)

    def __exit__(self, *exc_info: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing releases the lock


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def _create_new(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet (never follows or replaces anything)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        return
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)
