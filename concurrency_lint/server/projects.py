"""Each open file's project configuration and checker, reloaded when the file changes.

A file is checked with the nearest ``conclint.toml`` or ``pyproject.toml`` carrying
``[tool.conclint]`` above it (or the ``configFile`` setting), overlaid by the editor's
settings. Configurations are read, never executed; each is loaded again when its file's
size or modification time changes, so an edited ``pyproject.toml`` applies on the next check.
"""

from __future__ import annotations

import threading
from pathlib import Path

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import known_codes, validate_rule_options
from concurrency_lint.config import Config, ConfigError, find_config_file, load_config
from concurrency_lint.server.settings import ServerSettings

_Stamp = tuple[str, int, int] | None


class ProjectConfigs:
    """Configurations and checkers, shared by every open document."""

    def __init__(self, workspace_root: Path | None = None) -> None:
        self.workspace_root = workspace_root
        self._lock = threading.Lock()
        # (config file, settings) -> (the file's stamp when read, what it gave)
        self._configs: dict[
            tuple[str | None, ServerSettings], tuple[_Stamp, Config | ConfigError]
        ] = {}
        self._checkers: dict[str, FileChecker] = {}

    def checker_for(self, path: Path | None, settings: ServerSettings) -> FileChecker:
        """The checker for a file (None: an unsaved buffer, configured from the workspace).

        Raises ConfigError when the configuration that applies is invalid.
        """
        config = self.config_for(path, settings)
        key = config.fingerprint()
        with self._lock:
            checker = self._checkers.get(key)
            if checker is None:
                checker = self._checkers[key] = FileChecker(config)
        return checker

    def config_for(self, path: Path | None, settings: ServerSettings) -> Config:
        """The effective configuration of one file (raises ConfigError)."""
        source = self._source_for(path, settings)
        key, stamp = (str(source) if source else None, settings), _stamp(source)
        with self._lock:
            cached = self._configs.get(key)
        if cached is not None and cached[0] == stamp:
            known = cached[1]
        else:
            known = _load(source, settings)
            with self._lock:
                self._configs[key] = (stamp, known)
        if isinstance(known, ConfigError):
            raise known
        return known

    def forget(self) -> None:
        """Drop every configuration and checker (the settings changed)."""
        with self._lock:
            self._configs.clear()
            self._checkers.clear()

    def _source_for(self, path: Path | None, settings: ServerSettings) -> Path | None:
        if settings.config_file is not None:
            named = Path(settings.config_file).expanduser()
            if not named.is_absolute() and self.workspace_root is not None:
                named = self.workspace_root / named
            return named
        start = path if path is not None else self.workspace_root
        return find_config_file(start) if start is not None else None


def _stamp(source: Path | None) -> _Stamp:
    if source is None:
        return None
    try:
        status = source.stat()
    except OSError:
        return str(source), -1, -1
    return str(source), status.st_mtime_ns, status.st_size


def _load(source: Path | None, settings: ServerSettings) -> Config | ConfigError:
    if source is not None and not source.is_file():
        return ConfigError(f"configFile {source}: no such file")
    try:
        config = load_config(source, known_codes())
        if config.rule_options:
            validate_rule_options(config)
    except ConfigError as exc:
        return exc
    return config.with_overrides(**settings.overrides)
