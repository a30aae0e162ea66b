"""Where a project's modules live: its import roots, a file's module name, a module's file.

A file's module name comes from the packages around it (``__init__.py`` folders up to the
first folder without one: that folder is an import root). The nearest folder with a
``pyproject.toml``, ``setup.cfg`` or ``setup.py`` and its ``src/`` are roots too, and so
are the roots a scan was given, so namespace packages and ``src/`` layouts resolve.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

_PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
#: A package with more modules than this is not searched (see :func:`package_modules`).
MAX_PACKAGE_MODULES = 400


class ModuleFile(NamedTuple):
    """A module of the project: its name and its file. A namespace package has no file
    of its own: its modules are found under the roots all the same."""

    name: str
    path: str
    is_package: bool


def module_of(path: str) -> tuple[ModuleFile, str] | None:
    """The module a Python file is, and the import root it is named from."""
    file = Path(path)
    if file.suffix not in (".py", ".pyi"):
        return None
    packages, root = _packages_of(str(file.parent))
    parts = packages if file.stem == "__init__" else (*packages, file.stem)
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ModuleFile(".".join(parts), str(file), file.stem == "__init__"), root


@lru_cache(maxsize=4096)
def _packages_of(folder: str) -> tuple[tuple[str, ...], str]:
    """The packages a folder is inside (outermost first), and the first folder up
    without an ``__init__.py``: the import root."""
    parts: list[str] = []
    current = Path(folder)
    while _is_file(str(current / "__init__.py")) and current.parent != current:
        parts.insert(0, current.name)
        current = current.parent
    return tuple(parts), str(current)


def roots_for(path: str, scanned_roots: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The import roots modules are looked for in, most specific first."""
    found = module_of(path)
    parent = str(Path(path).parent)
    return _roots_from(found[1] if found is not None else parent, parent, tuple(scanned_roots))


@lru_cache(maxsize=4096)
def _roots_from(first: str, parent: str, scanned_roots: tuple[str, ...]) -> tuple[str, ...]:
    roots: list[str] = [first]
    outer = Path(first)
    for _ in range(2):  # ``mr/developer/``: ``mr`` may be a namespace package
        if not outer.name.isidentifier() or outer.parent == outer:
            break
        outer = outer.parent
        roots.append(str(outer))
    project = _project_folder(parent)
    if project is not None:
        roots += [project, os.path.join(project, "src")]
    roots += list(scanned_roots)
    return tuple(dict.fromkeys(root for root in roots if _is_dir(root)))


def package_modules(name: str, roots: tuple[str, ...]) -> tuple[ModuleFile, ...] | None:
    """The modules that can name module ``name`` as the project's own: those of its
    top-level package (every folder under it, ``__init__.py`` or not) and the top-level
    modules beside it, under the first root holding it; None when they are more than
    :data:`MAX_PACKAGE_MODULES` (or the root cannot be listed)."""
    return _package_modules(name.partition(".")[0], roots)


@lru_cache(maxsize=256)
def _package_modules(top: str, roots: tuple[str, ...]) -> tuple[ModuleFile, ...] | None:
    root = next((r for r in roots if has_top_level(top, (r,))), None)
    if root is None:
        return None
    found: list[ModuleFile] = []
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return None
    for entry in entries:
        stem, dot, suffix = entry.partition(".")
        if dot and suffix == "py" and stem.isidentifier() and _is_file(os.path.join(root, entry)):
            found.append(ModuleFile(stem, os.path.join(root, entry), False))
    package = os.path.join(root, top)
    if _is_dir(package) and not _walk_package(package, top, found):
        return None
    return tuple(found) if len(found) <= MAX_PACKAGE_MODULES else None


def _walk_package(folder: str, name: str, found: list[ModuleFile]) -> bool:
    """Add the modules under ``folder`` (package ``name``); False past the limit."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return False
    for entry in entries:
        if len(found) > MAX_PACKAGE_MODULES:
            return False
        stem, dot, suffix = entry.name.partition(".")
        if not stem.isidentifier():
            continue
        if dot and suffix == "py" and entry.is_file():
            package = stem == "__init__"
            found.append(ModuleFile(name if package else f"{name}.{stem}", entry.path, package))
        elif not dot and entry.is_dir() and not _walk_package(entry.path, f"{name}.{stem}", found):
            return False
    return True


def find_module(name: str, roots: tuple[str, ...]) -> ModuleFile | None:
    """The file of module ``name`` under the first root that has it."""
    return _find_module(name, roots)


@lru_cache(maxsize=65536)
def _find_module(name: str, roots: tuple[str, ...]) -> ModuleFile | None:
    relative = name.replace(".", os.sep)
    for root in roots:
        base = os.path.join(root, relative)
        for candidate, package in (
            (base + ".py", False),
            (os.path.join(base, "__init__.py"), True),
        ):
            if _is_file(candidate):
                return ModuleFile(name, candidate, package)
    return None


@lru_cache(maxsize=65536)
def has_top_level(name: str, roots: tuple[str, ...]) -> bool:
    """Whether a root holds module or package ``name`` (a namespace package too)."""
    for root in roots:
        base = os.path.join(root, name)
        if _is_file(base + ".py") or _is_dir(base):
            return True
    return False


@lru_cache(maxsize=4096)
def _project_folder(folder: str) -> str | None:
    current = Path(folder)
    for candidate in (current, *current.parents):
        if any(_is_file(str(candidate / name)) for name in _PROJECT_FILES):
            return str(candidate)
    return None


@lru_cache(maxsize=65536)
def _is_file(path: str) -> bool:
    return os.path.isfile(path)


@lru_cache(maxsize=65536)
def _is_dir(path: str) -> bool:
    return os.path.isdir(path)


def forget_layout() -> None:
    """Drop what was learnt about the file system (files were added or removed)."""
    for cached in (
        _find_module,
        _package_modules,
        has_top_level,
        _project_folder,
        _packages_of,
        _roots_from,
        _is_file,
        _is_dir,
    ):
        cached.cache_clear()
