"""What every command shares: loading the configuration and the path arguments."""

from __future__ import annotations

from pathlib import Path

import click

from concurrency_lint.checking.registry import known_codes
from concurrency_lint.config import (
    Config,
    ConfigError,
    find_config_file,
    load_config,
    validate_codes,
)
from concurrency_lint.report.escaping import printable


def fail(message: str) -> None:
    """A usage or configuration error: say it on stderr (file names escaped) and exit 2."""
    click.echo(f"conclint: error: {printable(message, keep_breaks=True)}", err=True)
    raise SystemExit(2)


def split_codes(value: str | tuple[str, ...] | None, option: str) -> tuple[str, ...] | None:
    """``--select CL201,CL2 --select CL4`` -> validated codes, every repetition kept
    (None when the option is absent)."""
    if not value:
        return None
    values = (value,) if isinstance(value, str) else value
    codes = [code for text in values for code in text.replace(" ", ",").split(",") if code]
    try:
        return validate_codes(codes, option, known_codes())
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable


def load_settings(paths: list[Path], config_file: Path | None) -> Config:
    """The configuration file for these paths (or the one named), validated."""
    if config_file is not None and not config_file.is_file():
        fail(f"--config {config_file}: no such file")
    source = config_file or find_config_file(paths[0] if paths else Path.cwd())
    try:
        config = load_config(source, known_codes())
        if config.rule_options:
            _validate_rule_options(config)
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable
    return config


def _validate_rule_options(config: Config) -> None:
    from concurrency_lint.checking.registry import rule_by_code
    from concurrency_lint.checking.rule import option_errors

    for code, options in config.rule_options:
        rule = rule_by_code(code)
        if rule is None:  # an engine code: it has no options
            raise ConfigError(f"{config.source}: `rules.{code}`: {code} has no options")
        errors = option_errors(rule, dict(options))
        if errors:
            raise ConfigError(f"{config.source}: `rules.{code}`: " + "; ".join(errors))


def check_paths(paths: tuple[Path, ...]) -> list[Path]:
    """The paths, each of which must exist."""
    missing = [str(path) for path in paths if not path.exists() and not path.is_symlink()]
    if missing:
        fail("no such file or directory: " + ", ".join(missing))
    return list(paths)
