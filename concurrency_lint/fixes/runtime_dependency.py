"""Can the scanned project import the runtime a fix would add (``run_parallel``)?

A fix that adds ``from concurrency_lint.parallel import run_parallel`` is safe only when
the fixed code can import it where it runs. That is shown by the project itself, never by
this interpreter: the runtime module is configured explicitly (``runtime-module``), lives
inside the project, or its distribution is declared in the project's dependencies
(``pyproject.toml`` ``[project] dependencies`` or Poetry's, ``requirements*.txt``,
``setup.cfg`` ``install_requires``). Optional dependencies do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from concurrency_lint.config import Config, toml_reader

DEFAULT_RUNTIME = "concurrency_lint.parallel"
#: The distribution that provides the default runtime module.
RUNTIME_DISTRIBUTION = "concurrency-lint"
_PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def missing_runtime(path: str, config: Config) -> str | None:
    """None when the project of ``path`` can import the configured runtime module; else
    what the user should add to make it importable (for the fix's description)."""
    module = config.runtime_module
    if config.source is not None and _configured_explicitly(
        config.source, _stamp(Path(config.source))
    ):
        return None
    root = project_root(Path(path).absolute().parent)
    if _inside(module, root, Path(path).absolute().parent):
        return None
    if module == DEFAULT_RUNTIME and _normalised(RUNTIME_DISTRIBUTION) in declared_dependencies(
        root
    ):
        return None
    return (
        f"the project does not declare `{RUNTIME_DISTRIBUTION}` (which provides `{module}`): "
        f'add it to its dependencies, set `runtime-module`, or set `fix-target = "stdlib"`'
    )


@lru_cache(maxsize=256)
def project_root(folder: Path) -> Path:
    """The nearest folder holding a project file (or ``.git``), else ``folder`` itself."""
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in _PROJECT_MARKERS):
            return candidate
        if any(candidate.glob("requirements*.txt")):
            return candidate
    return folder


def declared_dependencies(root: Path) -> frozenset[str]:
    """Normalised names of the distributions the project at ``root`` declares it needs."""
    files = [root / "pyproject.toml", root / "setup.cfg", *sorted(root.glob("requirements*.txt"))]
    return _declared(root, tuple((str(path), _stamp(path)) for path in files))


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@lru_cache(maxsize=64)
def _declared(root: Path, stamps: tuple[tuple[str, int], ...]) -> frozenset[str]:
    names: set[str] = set()
    names.update(_pyproject_dependencies(root / "pyproject.toml"))
    names.update(_setup_cfg_dependencies(root / "setup.cfg"))
    for requirements in sorted(root.glob("requirements*.txt")):
        names.update(_requirement_names(_read(requirements).splitlines()))
    return frozenset(names)


@lru_cache(maxsize=64)
def _configured_explicitly(source: str, stamp: int) -> bool:
    """Whether the configuration file sets ``runtime-module`` itself."""
    tomllib = toml_reader()
    try:
        document = tomllib.loads(_read(Path(source)))
    except (tomllib.TOMLDecodeError, ValueError):
        return False
    tool = document.get("tool")
    nested = tool.get("conclint") if isinstance(tool, dict) else None
    if isinstance(nested, dict):  # pyproject.toml, or a conclint.toml written that way
        document = nested
    elif Path(source).name == "pyproject.toml":
        return False
    return isinstance(document.get("runtime-module"), str)


def _inside(module: str, root: Path, folder: Path) -> bool:
    """The module's top package is a folder or module of the project (or of ``src/``),
    or sits beside the file (a script's folder is on its import path)."""
    top = module.split(".")[0]
    for base in {root, root / "src", folder}:
        if (base / top / "__init__.py").is_file() or (base / f"{top}.py").is_file():
            return True
    return False


def _pyproject_dependencies(path: Path) -> set[str]:
    text = _read(path)
    if not text:
        return set()
    tomllib = toml_reader()
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return set()
    names: set[str] = set()
    project = document.get("project", {})
    dependencies = project.get("dependencies", []) if isinstance(project, dict) else []
    if isinstance(dependencies, list):
        names.update(_requirement_names(d for d in dependencies if isinstance(d, str)))
    poetry = document.get("tool", {}).get("poetry", {})
    poetry_dependencies = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    if isinstance(poetry_dependencies, dict):
        names.update(_normalised(name) for name in poetry_dependencies)
    return names


def _setup_cfg_dependencies(path: Path) -> set[str]:
    text = _read(path)
    if not text:
        return set()
    import configparser  # here: most projects have no setup.cfg

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        requires = parser.get("options", "install_requires", fallback="")
    except configparser.Error:
        return set()
    return _requirement_names(requires.splitlines())


def _requirement_names(lines: Iterable[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = _REQUIREMENT_NAME.match(line)
        if match:
            names.add(_normalised(match.group(1)))
    return names


def _normalised(name: str) -> str:
    """PEP 503: case and runs of ``-``, ``_``, ``.`` do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
