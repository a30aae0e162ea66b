"""``[tool.conclint]`` (pyproject.toml) or ``conclint.toml`` -> a frozen, validated Config."""

from __future__ import annotations

import keyword
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from concurrency_lint.knowledge.io_calls import IO_KINDS
from concurrency_lint.sources.lazy_pattern import LazyPattern


class ConfigError(Exception):
    """A configuration the user did not mean: reported, nothing is scanned."""


#: What loop fixes rewrite into: the bundled runtime, or plain ``concurrent.futures``.
FIX_TARGETS = ("runtime", "stdlib")

CODE_PATTERN = re.compile(r"^CL\d{0,3}$")

#: The Python versions a project can target; the syntax verdict follows the target.
TARGET_VERSIONS = ("py310", "py311", "py312", "py313", "py314")
DEFAULT_CACHE_DIR = ".conclint_cache"
#: Files larger than this (bytes) are reported as too large to analyse instead of parsed.
DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024

# Top-level keys: (config attribute, expected type, human description of the type).
_KEYS: dict[str, tuple[str, type | tuple[type, ...], str]] = {
    "select": ("select", list, "a list of rule codes or prefixes"),
    "ignore": ("ignore", list, "a list of rule codes or prefixes"),
    "extend-select": ("extend_select", list, "a list of rule codes or prefixes"),
    "per-file-ignores": ("per_file_ignores", dict, "a table of glob = [codes]"),
    "exclude": ("exclude", list, "a list of glob patterns"),
    "extend-exclude": ("extend_exclude", list, "a list of glob patterns"),
    "include-markdown": ("include_markdown", bool, "true or false"),
    "jobs": ("jobs", int, "a positive integer"),
    "file-timeout": ("file_timeout", (int, float), "a positive number of seconds"),
    "file-memory": ("file_memory", int, "a number of megabytes (at least 256)"),
    "cache-dir": ("cache_dir", str, "a folder path"),
    "extra-io-calls": (
        "extra_io_calls",
        dict,
        "a table of qualified.name = 'file'|'network'|'subprocess'",
    ),
    "extra-cpu-calls": ("extra_cpu_calls", list, "a list of qualified names"),
    "free-threaded": ("free_threaded", bool, "true or false"),
    "runtime-module": ("runtime_module", str, "a dotted module path"),
    "target-version": ("target_version", str, "one of " + ", ".join(TARGET_VERSIONS)),
    "max-file-size": ("max_file_size", int, "a positive number of bytes"),
    "fix-target": ("fix_target", str, '"runtime" or "stdlib"'),
    "rules": ("rule_options", dict, "a table of [rules.CLxxx] tables"),
    "baseline": ("baseline", str, "a file path (relative to this file's folder)"),
    "defer-to-ruff": ("defer_to_ruff", bool, "true or false"),
    "line-length": ("line_length", int, "a positive integer"),
}

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "env",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    ".eggs",
    "*.egg-info",
)


class Config(NamedTuple):
    """The effective configuration of one run."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    include_markdown: bool = False
    jobs: int | None = None
    file_timeout: float = 60.0  # seconds one file may take to check
    file_memory: int = 4096  # megabytes one file may take to check, beyond an idle worker
    cache_dir: str = DEFAULT_CACHE_DIR
    extra_io_calls: tuple[tuple[str, str], ...] = ()
    extra_cpu_calls: tuple[str, ...] = ()
    free_threaded: bool = False
    runtime_module: str = "concurrency_lint.parallel"
    target_version: str | None = None  # None: the running interpreter's version
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    fix_target: str = "runtime"  # "stdlib": loop fixes use concurrent.futures only
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    baseline: str | None = None  # a baseline file, relative to ``root``
    defer_to_ruff: bool = False
    #: The longest line a fix may write; None: the project's ruff or black setting, else 100.
    line_length: int | None = None
    #: With ``defer_to_ruff``: the overlapping ruff codes the project's ruff enables.
    ruff_codes: tuple[str, ...] = ()
    source: str | None = None  # the file this came from, for messages
    root: str = "."  # the folder relative paths and globs are taken from

    def options_for(self, code: str) -> dict[str, Any]:
        """The user's options for one rule (validated against the rule's schema)."""
        for rule_code, options in self.rule_options:
            if rule_code == code:
                return dict(options)
        return {}

    def target_python(self) -> tuple[int, int]:
        """The ``(major, minor)`` Python version whose grammar decides what is valid."""
        if self.target_version is None:
            return sys.version_info[:2]
        return (3, int(self.target_version[3:]))

    def fingerprint(self) -> str:
        """A stable digest of everything that can change what a scan reports."""
        data = {
            name: getattr(self, name)
            for name in self._fields
            if name not in ("jobs", "source", "file_timeout", "file_memory")
        }
        import json  # here: a run without a cache never needs it

        from concurrency_lint.sources.digests import digest

        blob = json.dumps(data, sort_keys=True, default=repr).encode()
        return digest(blob)

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with CLI overrides applied (None means: keep the file's value)."""
        return self._replace(**{k: v for k, v in changes.items() if v is not None})


def find_config_file(start: Path) -> Path | None:
    """The nearest ``conclint.toml`` or ``pyproject.toml`` with ``[tool.conclint]``."""
    start = Path(os.path.realpath(start))  # never raises, even on a symbolic link loop
    # os.path.isfile / isdir: regular files only (never a FIFO), no error on a folder
    # that cannot be searched.
    folder = start if os.path.isdir(start) else start.parent
    for candidate_dir in (folder, *folder.parents):
        own = candidate_dir / "conclint.toml"
        if os.path.isfile(own):
            return own
        pyproject = candidate_dir / "pyproject.toml"
        if os.path.isfile(pyproject) and _has_conclint_table(pyproject):
            return pyproject
    return None


def _has_conclint_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "[tool.conclint" in text or "tool.conclint" in text


def load_config(path: Path | None, known_codes: frozenset[str]) -> Config:
    """Read and validate a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    tomllib = toml_reader()
    try:
        with path.open("rb") as fh:
            document = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the configuration file: {exc.strerror or exc}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    tool_table = document.get("tool")
    if path.name == "pyproject.toml" or (isinstance(tool_table, dict) and "conclint" in tool_table):
        table = document.get("tool", {}).get("conclint", {})
        prefix = "tool.conclint"
    else:
        table = document
        prefix = ""
    config = parse_table(table, path, prefix, known_codes)
    if config.target_version is None:
        project_table = document.get("project") if path.name == "pyproject.toml" else None
        if project_table is None:
            project_table = _sibling_project_table(path)
        requires = project_table.get("requires-python") if isinstance(project_table, dict) else None
        target = target_from_requires_python(requires) if isinstance(requires, str) else None
        if target is not None:
            config = config._replace(target_version=target)
    return config


def toml_reader() -> Any:
    """The TOML reader (``tomllib``; ``tomli`` before Python 3.11), imported on first use:
    most runs read no configuration file."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


def _sibling_project_table(path: Path) -> Any:
    """The ``[project]`` table of the ``pyproject.toml`` beside a ``conclint.toml``."""
    pyproject = path.with_name("pyproject.toml")
    tomllib = toml_reader()
    try:
        with pyproject.open("rb") as fh:
            return tomllib.load(fh).get("project")
    except (OSError, tomllib.TOMLDecodeError):
        return None


_LOWER_BOUND = LazyPattern(r"(>=|~=|==|>)\s*3\.(\d+)")


def target_from_requires_python(requires: str) -> str | None:
    """The oldest Python a ``requires-python`` allows, as a target (``">=3.11"`` -> py311).

    Versions below the oldest target give the oldest, above the newest the newest; a
    specifier with no lower bound gives None (the running interpreter decides).
    """
    minors = []
    for operator, minor in _LOWER_BOUND.findall(requires):
        minors.append(int(minor) + (1 if operator == ">" else 0))
    if not minors:
        return None
    oldest, newest = int(TARGET_VERSIONS[0][3:]), int(TARGET_VERSIONS[-1][3:])
    return f"py3{min(max(min(minors), oldest), newest)}"


def parse_table(
    table: Mapping[str, Any], path: Path, prefix: str, known_codes: frozenset[str]
) -> Config:
    """Validate one ``[tool.conclint]`` table into a Config."""

    def where(key: str) -> str:
        return f"{path}: `{prefix + '.' if prefix else ''}{key}`"

    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            expected = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{where(key)}: unknown key (expected one of: {expected})")
        attribute, expected_type, description = _KEYS[key]
        if not isinstance(value, expected_type) or (
            expected_type is int and isinstance(value, bool)
        ):
            raise ConfigError(f"{where(key)}: expected {description}, got {value!r}")
        values[attribute] = _convert(key, value, where, known_codes)
    values["source"] = str(path)
    values["root"] = str(path.parent)
    if "cache_dir" in values:
        check_cache_dir(values["cache_dir"], path.parent, where("cache-dir"))
    return Config(**values)


def check_cache_dir(value: str, root: Path, where: str) -> None:
    """A cache folder must lie strictly below the project root (the config file's folder)."""
    if not value.strip() or not _is_printable_path(value):
        raise ConfigError(f"{where}: expected a folder path below {root}, got {value!r}")
    project = os.path.normpath(os.path.abspath(root))
    folder = os.path.normpath(os.path.join(project, os.path.expanduser(value)))
    if folder == project:
        raise ConfigError(
            f"{where}: {value!r} is the project root ({project}); the cache needs a folder "
            f"of its own below it, e.g. {DEFAULT_CACHE_DIR!r}"
        )
    if os.path.commonpath([project, folder]) != project:
        raise ConfigError(
            f"{where}: {value!r} is outside the project ({folder} is not below {project}); "
            "use a relative path such as "
            f"{DEFAULT_CACHE_DIR!r}, or remove the key"
        )


def _is_printable_path(value: str) -> bool:
    return "\0" not in value and all(character.isprintable() for character in value)


def is_dotted_name(value: str) -> bool:
    """``package.module``: each part an identifier and no keyword."""
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in value.split("."))


def _convert(key: str, value: Any, where: Any, known_codes: frozenset[str]) -> Any:
    if key in ("select", "ignore", "extend-select"):
        return validate_codes(value, where(key), known_codes)
    if key in ("exclude", "extend-exclude", "extra-cpu-calls"):
        if not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where(key)}: expected a list of strings, got {value!r}")
        if key == "extra-cpu-calls":
            _check_qualified_names(value, where(key))
        elif not all(_is_printable_path(item) for item in value):
            raise ConfigError(f"{where(key)}: control characters in a pattern: {value!r}")
        return tuple(value)
    if key == "per-file-ignores":
        pairs = []
        for glob, codes in value.items():
            if not isinstance(codes, list):
                raise ConfigError(
                    f"{where(key)}.{glob}: expected a list of rule codes, got {codes!r}"
                )
            pairs.append((glob, validate_codes(codes, f"{where(key)}.{glob}", known_codes)))
        return tuple(pairs)
    if key == "fix-target" and value not in FIX_TARGETS:
        raise ConfigError(f"{where(key)}: expected one of {', '.join(FIX_TARGETS)}, got {value!r}")
    if key in ("jobs", "max-file-size", "line-length") and value < 1:
        raise ConfigError(f"{where(key)}: expected a positive integer, got {value!r}")
    if key == "file-timeout" and (isinstance(value, bool) or value <= 0):
        raise ConfigError(f"{where(key)}: expected a positive number of seconds, got {value!r}")
    if key == "file-memory" and value < 256:
        raise ConfigError(f"{where(key)}: expected at least 256 (megabytes), got {value!r}")
    if key == "runtime-module" and not is_dotted_name(value):
        raise ConfigError(
            f"{where(key)}: expected a dotted module name such as 'concurrency_lint.parallel' "
            f"(identifiers separated by dots), got {value!r}"
        )
    if key == "target-version" and value not in TARGET_VERSIONS:
        raise ConfigError(
            f"{where(key)}: expected one of {', '.join(TARGET_VERSIONS)}, got {value!r}"
        )
    if key == "extra-io-calls":
        _check_qualified_names(list(value), where(key))
        for name, kind in value.items():
            if kind not in IO_KINDS:
                raise ConfigError(
                    f"{where(key)}.{name}: expected one of {', '.join(IO_KINDS)}, got {kind!r}"
                )
        return tuple(sorted(value.items()))
    if key == "rules":
        converted = []
        for code, options in value.items():
            if code not in known_codes:
                raise ConfigError(f"{where(key)}.{code}: unknown rule code")
            if not isinstance(options, dict):
                raise ConfigError(
                    f"{where(key)}.{code}: expected a table of options, got {options!r}"
                )
            converted.append((code, tuple(sorted(options.items()))))
        return tuple(sorted(converted))
    return value


def _check_qualified_names(names: list[str], where: str) -> None:
    for name in names:
        if not is_dotted_name(name):
            raise ConfigError(
                f"{where}: expected qualified names such as 'package.module.function', got {name!r}"
            )


def validate_codes(codes: Any, where: str, known_codes: frozenset[str]) -> tuple[str, ...]:
    """Codes or prefixes (``CL2``) or ``ALL``; anything else is an error naming it."""
    if isinstance(codes, str):
        codes = [codes]
    result = []
    for code in codes:
        if not isinstance(code, str):
            raise ConfigError(f"{where}: expected a rule code, got {code!r}")
        code = code.strip().upper()
        if code == "ALL":
            result.append(code)
            continue
        if not CODE_PATTERN.match(code) or not any(k.startswith(code) for k in known_codes):
            raise ConfigError(f"{where}: unknown rule code {code!r}")
        result.append(code)
    return tuple(result)
