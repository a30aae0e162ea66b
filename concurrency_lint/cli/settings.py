"""What every command shares: loading the configuration and the path arguments."""

from __future__ import annotations

import os
from pathlib import Path

from concurrency_lint.checking.registry import known_codes, validate_rule_options
from concurrency_lint.cli.echo import echo
from concurrency_lint.config import (
    Config,
    ConfigError,
    find_config_file,
    load_config,
    validate_codes,
)
from concurrency_lint.report.escaping import printable
from concurrency_lint.sources.display_names import escape_name


def fail(message: str) -> None:
    """A usage or configuration error: say it on stderr (file names escaped) and exit 2."""
    echo(f"conclint: error: {printable(message, keep_breaks=True)}", err=True)
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


def patterns(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """Repeated, comma-separated option values -> patterns (None when the option is absent)."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def load_settings(paths: list[Path], config_file: Path | None) -> Config:
    """The configuration file for these paths (or the one named), validated."""
    if config_file is not None and not config_file.is_file():
        fail(f"--config {config_file}: no such file")
    source = config_file or find_config_file(paths[0] if paths else Path.cwd())
    try:
        config = load_config(source, known_codes())
        if config.rule_options:
            validate_rule_options(config)
        if config.defer_to_ruff:
            config = with_ruff_codes(config, paths)
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable
    return config


def command_settings(
    targets: list[Path],
    config_file: Path | None,
    *,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
    jobs: int | None = None,
    include_markdown: bool | None = None,
) -> Config:
    """A command's configuration: the file's (see :func:`load_settings`), with the
    command line's options over it (an option not given keeps the file's value;
    ``--extend-exclude`` adds to the file's)."""
    config = load_settings(targets, config_file)
    added_excludes = patterns(extend_exclude)
    return config.with_overrides(
        select=split_codes(select, "--select"),
        ignore=split_codes(ignore, "--ignore"),
        extend_select=split_codes(extend_select, "--extend-select"),
        exclude=patterns(exclude),
        extend_exclude=(*config.extend_exclude, *added_excludes) if added_excludes else None,
        jobs=jobs,
        include_markdown=include_markdown,
    )


def with_ruff_codes(config: Config, paths: list[Path]) -> Config:
    """``defer-to-ruff``: the overlapping codes the project's ruff configuration enables."""

    from concurrency_lint.checking.ruff_config import enabled_overlap_codes, find_ruff_config

    start = Path(config.root) if config.source is not None else (paths or [Path.cwd()])[0]
    return config._replace(ruff_codes=enabled_overlap_codes(find_ruff_config(start)))


def check_paths(paths: tuple[Path, ...]) -> list[Path]:
    """The paths, each of which must exist (one that cannot be read is the scan's CL002)."""
    missing = [escape_name(str(path)) for path in paths if _missing(path)]
    if missing:
        fail("no such file or directory: " + ", ".join(missing))
    return list(paths)


def _missing(path: Path) -> bool:
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False  # there, but not readable: reported as a finding
    return False
