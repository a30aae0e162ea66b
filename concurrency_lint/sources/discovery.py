"""Discovery: which files a scan reads, from the paths the user gave."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from concurrency_lint.config import Config
from concurrency_lint.sources.display_names import escape_name, unescape_name
from concurrency_lint.sources.file_reading import describe_os_error, special_file_problem
from concurrency_lint.sources.folder_listings import FolderListings
from concurrency_lint.sources.gitignore import GitIgnore, is_ignored
from concurrency_lint.sources.lazy_pattern import LazyPattern
from concurrency_lint.sources.walk_trail import WalkTrail

PYTHON_SUFFIXES = (".py", ".pyi")
MARKDOWN_SUFFIXES = (".md", ".markdown")


class SourceFile(NamedTuple):
    """A file to check: where it is (as named, or absolute when walked to), how findings
    name it, and how to read it."""

    path: str
    display: str
    markdown: bool = False


class DiscoveryProblem(NamedTuple):
    """A path that could not be walked; reported as CL002, the scan goes on."""

    display: str
    message: str


def display_path(path: Path) -> str:
    """Relative to the working folder when below it, with forward slashes, escaped."""
    absolute = str(path.absolute())
    if absolute == str(Path.cwd()):
        return "."
    return escape_name(_below(absolute, _folder_prefix(Path.cwd())))


def source_path(display: str) -> Path:
    """The file a display path (:func:`display_path`) names."""
    return Path(unescape_name(display))


def _folder_prefix(folder: Path) -> str:
    """``folder`` as a string that paths below it start with."""
    return os.path.join(str(folder.absolute()), "")


def _below(absolute: str, prefix: str) -> str:
    """``absolute`` relative to the folder ``prefix`` names when below it (else whole),
    with forward slashes."""
    if absolute.startswith(prefix):
        absolute = absolute[len(prefix) :]
    return absolute.replace(os.sep, "/")


#: A listing's entry: its name, whether it is a folder (None: asking failed), its
#: lower-case suffix, and the entry itself when just listed (None: from a stored listing).
_Wanted = tuple[str, "bool | None", str, "os.DirEntry[str] | None"]


class Discovery:
    """Walks the given paths once, honouring excludes and ``.gitignore`` files.

    With ``listings``, a folder whose status is the one a stored listing was taken with
    is not listed again (:mod:`.folder_listings`), and the folders listed are kept there.
    With ``trail``, what the walk's outcome rests on is noted there (:mod:`.walk_trail`).
    """

    def __init__(
        self,
        config: Config,
        include_markdown: bool,
        force_exclude: bool = False,
        listings: FolderListings | None = None,
        trail: WalkTrail | None = None,
    ) -> None:
        self.config = config
        self.include_markdown = include_markdown
        self.force_exclude = force_exclude
        self.listings = listings
        self.trail = trail
        self.excludes = (*config.exclude, *config.extend_exclude, config.cache_dir)
        # One pattern instead of one fnmatch per glob per path (fnmatch semantics), compiled
        # when a path is first matched (a scan of one named file may match none).
        self._exclude_pattern = LazyPattern(
            "|".join(f"(?:{fnmatch.translate(os.path.normcase(glob))})" for glob in self.excludes)
            or "(?!)"
        )
        self._root_prefix = _folder_prefix(Path(config.root))
        self._excluded_names: dict[str, bool] = {}
        self._cwd_prefix = _folder_prefix(Path.cwd())
        self.files: list[SourceFile] = []
        self.problems: list[DiscoveryProblem] = []
        self._seen_dirs: set[tuple[int, int]] = set()
        self._seen_files: set[str] = set()
        self._gitignore_cache: dict[Path, GitIgnore | None] = {}

    def run(self, paths: list[Path]) -> tuple[list[SourceFile], list[DiscoveryProblem]]:
        if self.trail is not None and self.force_exclude:
            self.trail.distrust()
        for path in paths:
            if self.force_exclude and self.excludes_named_path(path):
                continue
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:  # a broken link, a link loop, a folder that cannot be searched
                self.problems.append(DiscoveryProblem(display_path(path), _describe(exc)))
                continue
            if stat.S_ISDIR(mode):
                self._walk(path, self._gitignores_above(path))
            elif stat.S_ISREG(mode):
                self._add_explicit(path)
            else:
                problem = special_file_problem(mode) or "not a regular file"
                self.problems.append(DiscoveryProblem(display_path(path), problem))
        self.files.sort(key=lambda source: source.display)
        if self.trail is not None and self.problems:
            self.trail.distrust()
        return self.files, self.problems

    # ---- internals -----------------------------------------------------------------------

    def excludes_named_path(self, path: Path) -> bool:
        """Whether a walk would never reach ``path``: an exclude pattern (or a ``.gitignore``)
        matches it or one of the folders it sits in, up to the project root.

        ``--force-exclude`` asks this of every path on the command line and of
        ``--stdin-filename``, so ``build/gen.py`` is excluded when ``build`` is.
        """
        absolute = Path(os.path.abspath(path))  # as named: a symbolic link is not followed
        root = Path(os.path.abspath(self.config.root))
        if absolute == root:
            return False
        chain = [absolute]
        for parent in absolute.parents:
            if parent == root or parent == parent.parent:
                break
            chain.append(parent)
        if any(self._excluded_entry(part.name, str(part)) for part in chain):
            return True
        gitignores = self._gitignores_above(absolute)
        if not gitignores:
            return False
        is_dir = os.path.isdir(absolute)
        return any(
            is_ignored(str(part), is_dir or part != absolute, gitignores)
            for part in reversed(chain)
        )

    def _add_explicit(self, path: Path) -> None:
        markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
        if markdown and not self.include_markdown:
            return
        self._add(SourceFile(os.fspath(path), display_path(path), markdown))

    def _add(self, source: SourceFile) -> None:
        if source.display not in self._seen_files:
            self._seen_files.add(source.display)
            self.files.append(source)

    def _gitignores_above(self, folder: Path) -> list[GitIgnore]:
        """``.gitignore`` files from the repository root down to ``folder``'s parent."""
        folder = folder.absolute()
        chain: list[Path] = []
        for parent in folder.parents:
            chain.append(parent)
            marker = parent / ".git"
            present = marker.exists()
            if self.trail is not None:
                self.trail.git_marker(marker, present)
            if present:
                break
        else:
            return []
        loaded = (self._load_gitignore(parent) for parent in reversed(chain))
        return [ignore for ignore in loaded if ignore is not None]

    def _load_gitignore(self, folder: Path) -> GitIgnore | None:
        """The folder's ``.gitignore``, read once however many named paths sit below it."""
        if folder not in self._gitignore_cache:
            if self.trail is not None:
                self.trail.ignore_file(folder)
            self._gitignore_cache[folder] = GitIgnore.load(folder)
        return self._gitignore_cache[folder]

    def _walk(self, folder: Path, gitignores: list[GitIgnore]) -> None:
        """Walk ``folder`` on plain strings: a tree has far more entries than sources, and
        ``Path`` objects for each would cost more than the rest of a warm scan."""
        self._walk_folder(str(folder.absolute()), gitignores)

    def _walk_folder(self, folder: str, gitignores: list[GitIgnore]) -> None:
        try:
            identity = os.stat(folder)
        except OSError as exc:
            self.problems.append(DiscoveryProblem(self._display(folder), _describe(exc)))
            return
        key = (identity.st_dev, identity.st_ino)
        if key in self._seen_dirs:
            if self.trail is not None:
                self.trail.distrust()
            return  # a symlink back into a folder already walked
        self._seen_dirs.add(key)
        if self.trail is not None:
            self.trail.folder(folder, identity)
        listed = self._listing(folder, identity)
        if listed is None or not listed[0]:
            return  # unlistable (a problem now), or nothing to take
        entries, has_gitignore = listed
        if has_gitignore:
            if self.trail is not None:
                self.trail.ignore_file(Path(folder))
            own = GitIgnore.load(Path(folder))
            if own is not None:
                gitignores = [*gitignores, own]
        prefix = folder if folder.endswith(os.sep) else folder + os.sep
        markdown_wanted = self.include_markdown
        for name, is_dir, suffix, entry in entries:
            markdown = suffix in MARKDOWN_SUFFIXES
            if markdown and not markdown_wanted:
                continue
            path = prefix + name
            try:
                if entry is None:
                    is_file = not is_dir  # a stored listing keeps plain folders and files
                else:
                    if is_dir is None:
                        entry.is_dir()  # raised while listing: raises again, to say why
                    is_file = not is_dir and entry.is_file()
            except OSError as exc:
                self.problems.append(DiscoveryProblem(self._display(path), _describe(exc)))
                continue
            if self._excluded_entry(name, path) or (
                gitignores and is_ignored(path, bool(is_dir), gitignores)
            ):
                continue
            if is_dir:
                self._walk_folder(path, gitignores)
            elif is_file:
                self._add(SourceFile(path, self._display(path), markdown))
            else:
                self._add_unusual(path, suffix)

    def _listing(self, folder: str, identity: os.stat_result) -> tuple[list[_Wanted], bool] | None:
        """The folder's wanted entries in name order, and whether it holds a
        ``.gitignore``: stored, or listed now (None when it cannot be listed)."""
        listings = self.listings
        if listings is not None:
            known = listings.known(identity)
            if known is not None:
                has_gitignore, names = known
                return [_stored_entry(name) for name in names], has_gitignore
        try:
            with os.scandir(folder) as listing:
                entries, has_gitignore, plain = _wanted_entries(listing)
        except OSError as exc:
            self.problems.append(DiscoveryProblem(self._display(folder), _describe(exc)))
            return None
        entries.sort(key=_first_name)
        kept = False
        if listings is not None and plain:
            names = [name + "/" if is_dir else name for name, is_dir, _suffix, _entry in entries]
            kept = listings.remember(identity, has_gitignore, names)
        if self.trail is not None and not kept:
            self.trail.distrust()  # a listing that cannot be trusted next time
        return entries, has_gitignore

    def _add_unusual(self, path: str, suffix: str) -> None:
        """A symbolic link or a special file with a source suffix: a regular file it leads
        to is added, anything else (broken link, loop, FIFO, device, socket) is a problem."""
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            self.problems.append(DiscoveryProblem(self._display(path), _describe(exc)))
            return
        problem = special_file_problem(mode)
        if problem is not None:
            self.problems.append(DiscoveryProblem(self._display(path), problem))
            return
        self._add(SourceFile(path, self._display(path), suffix in MARKDOWN_SUFFIXES))

    def _display(self, absolute: str) -> str:
        """:func:`display_path` for an absolute path string below the walk."""
        return escape_name(_below(absolute, self._cwd_prefix))

    def _excluded_entry(self, name: str, absolute: str) -> bool:
        """Whether an exclude glob matches the name or the path below the project root
        (a tree repeats its names: each name is matched once per walk)."""
        excluded = self._excluded_names.get(name)
        if excluded is None:
            excluded = self._exclude_pattern.match(_normcase(name)) is not None
            self._excluded_names[name] = excluded
        if excluded:
            return True
        prefix = self._root_prefix
        if absolute.startswith(prefix):
            absolute = absolute[len(prefix) :]
        if os.sep != "/":
            absolute = absolute.replace(os.sep, "/")
        return self._exclude_pattern.match(_normcase(absolute)) is not None


def excluded_by_config(path: Path, config: Config) -> bool:
    """Whether ``--force-exclude`` leaves out ``path`` (``--stdin-filename``, a named file)."""
    return Discovery(config, include_markdown=True, force_exclude=True).excludes_named_path(path)


def _wanted_entries(listing: Iterator[os.DirEntry[str]]) -> tuple[list[_Wanted], bool, bool]:
    """The folders and source files (Markdown included) of a listing, each with whether
    it is a folder (None: asking failed) and its lower-case suffix; whether the listing
    holds a ``.gitignore``; and whether every entry is a plain folder or file (no link,
    nothing that failed), so that the listing may be stored. Most entries of a tree are
    neither folders nor sources (translations, data, images): they are dropped before
    the sort."""
    wanted: list[_Wanted] = []
    has_gitignore = False
    plain = True
    for entry in listing:
        name = entry.name
        if name == ".gitignore":
            has_gitignore = True
        try:
            if entry.is_symlink():
                plain = False
            is_dir = entry.is_dir()
        except OSError:
            wanted.append((name, None, "", entry))
            plain = False
            continue
        if is_dir:
            wanted.append((name, True, "", entry))
            continue
        suffix = _suffix(name)
        if suffix in PYTHON_SUFFIXES or suffix in MARKDOWN_SUFFIXES:
            wanted.append((name, False, suffix, entry))
            if plain and not entry.is_file():
                plain = False  # a FIFO, device or socket with a source suffix
    return wanted, has_gitignore, plain


def _suffix(name: str) -> str:
    """The suffix ``os.path.splitext`` gives, lower-cased."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 and name[:dot].lstrip(".") else ""


def _stored_entry(name: str) -> _Wanted:
    if name.endswith("/"):
        return (name[:-1], True, "", None)
    return (name, False, _suffix(name), None)


def _first_name(wanted: _Wanted) -> str:
    return wanted[0]


def _normcase(path: str) -> str:
    """``os.path.normcase``, skipped where it changes nothing (POSIX)."""
    return path if _CASE_KEPT else os.path.normcase(path)


_CASE_KEPT = os.path.normcase("aA/b") == "aA/b"


def _describe(exc: OSError) -> str:
    return describe_os_error(exc)
