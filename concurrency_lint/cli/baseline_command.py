"""``conclint baseline``: record today's findings; ``scan --baseline`` then hides them."""

from __future__ import annotations

from pathlib import Path

import click

from concurrency_lint.checking.baseline import (
    BASELINE_NAME,
    BaselineEntry,
    BaselineError,
    TextReader,
    apply_baseline,
    entries_for,
    load_baseline,
    refreshed,
    write_baseline,
)
from concurrency_lint.checking.scan import ScanOptions, ScanOutcome, scan_paths
from concurrency_lint.cli.options import engine_options, rule_selection_options
from concurrency_lint.cli.settings import check_paths, command_settings, fail
from concurrency_lint.config import Config
from concurrency_lint.model import Finding
from concurrency_lint.sources.decoding import UndecodableSource, decode_source

#: Files whose folder is taken as the project root when no configuration file names one.
_ROOT_MARKERS = ("pyproject.toml", "conclint.toml", "setup.cfg", "setup.py", ".git")
_STALE_SHOWN = 20


@click.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "output",
    type=click.Path(path_type=Path),
    help=f"Where to write the baseline (default: `baseline` from the configuration, "
    f"else {BASELINE_NAME} at the project root).",
)
@rule_selection_options
@engine_options
@click.option("--include-markdown", is_flag=True, default=None, help="Also scan Markdown.")
def command(
    paths: tuple[Path, ...],
    output: Path | None,
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    config_file: Path | None,
    no_cache: bool,
    jobs: int | None,
    force_exclude: bool,
    include_markdown: bool | None,
) -> None:
    """Record the findings in PATHS as accepted, so `scan` reports only new ones.

    Entries of files not under PATHS are kept from the existing baseline.
    """
    targets = check_paths(paths or (Path("."),))
    config = command_settings(
        targets,
        config_file,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        jobs=jobs,
        include_markdown=include_markdown,
    )
    options = ScanOptions(
        jobs=config.jobs,
        use_cache=not no_cache,
        include_markdown=config.include_markdown,
        force_exclude=force_exclude,
    )
    outcome = scan_paths(targets, config, options)
    target = output if output is not None else default_baseline_path(config, targets)
    entries = entries_for(outcome.findings, target.parent, read_source_text)
    previous: tuple[BaselineEntry, ...] = ()
    if target.is_file():
        try:
            previous = load_baseline(target)
        except BaselineError:
            previous = ()  # not a baseline (any more): replaced whole
    scanned = [result.path for result in outcome.results]
    entries = refreshed(entries, previous, scanned, target.parent)
    try:
        write_baseline(target, entries)
    except OSError as exc:
        fail(f"cannot write the baseline {target}: {exc.strerror or exc}")
    files = len({entry.path for entry in entries})
    click.echo(
        f"conclint: wrote {len(entries)} finding{'s' if len(entries) != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''} to {target}",
        err=True,
    )


def project_root(config: Config, paths: list[Path]) -> Path:
    """The configuration file's folder, else the nearest folder with a project marker."""
    if config.source is not None:
        return Path(config.root)
    start = (paths[0] if paths else Path(".")).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in _ROOT_MARKERS):
            return candidate
    return Path.cwd()


def default_baseline_path(config: Config, paths: list[Path]) -> Path:
    """``baseline`` from the configuration (relative to it), else the project root's file."""
    if config.baseline is not None:
        return Path(config.root) / config.baseline
    return project_root(config, paths) / BASELINE_NAME


def read_source_text(path: str) -> str | None:
    """A scanned file's text as the scan decoded it (None when it cannot be read)."""
    try:
        return decode_source(Path(path).read_bytes()).text
    except (OSError, UndecodableSource):
        return None


def stdin_reader(data: bytes) -> TextReader:
    """The reader for a scan of standard input: every path reads as what was piped in."""
    try:
        text: str | None = decode_source(data).text
    except UndecodableSource:
        text = None
    return lambda _path: text


def with_baseline(
    outcome: ScanOutcome,
    config: Config,
    baseline_file: Path | None,
    quiet: bool,
    read_text: TextReader | None = None,
) -> ScanOutcome:
    """The scan without the baseline's findings; says on stderr what it hid and what is stale."""
    if baseline_file is None and config.baseline is None:
        return outcome
    source = baseline_file if baseline_file is not None else Path(config.root) / config.baseline
    try:
        entries = load_baseline(source)
    except BaselineError as exc:
        fail(str(exc))
        raise  # unreachable
    applied = apply_baseline(outcome.results, entries, source.parent, read_text or read_source_text)
    if applied.hidden and not quiet:
        click.echo(
            f"conclint: {applied.hidden} finding{'s' if applied.hidden != 1 else ''} "
            f"hidden by the baseline {source}",
            err=True,
        )
    if applied.stale:
        count = len(applied.stale)
        click.echo(
            f"conclint: {count} baseline entr{'ies' if count != 1 else 'y'} no longer "
            f"match (fixed or changed; `conclint baseline` refreshes {source}):",
            err=True,
        )
        for entry in applied.stale[:_STALE_SHOWN]:
            click.echo(f"  {entry.path}:{entry.line}: {entry.code} {entry.message}", err=True)
        if count > _STALE_SHOWN:
            click.echo(f"  ... and {count - _STALE_SHOWN} more", err=True)
    return ScanOutcome(applied.results, outcome.files_scanned)


def write_noqa(findings: tuple[Finding, ...]) -> int:
    """``scan --add-noqa``: write the comments, say what was done; the exit status."""
    from concurrency_lint.fixes.add_noqa import add_noqa  # the fixer's imports load LibCST

    outcome = add_noqa(findings)
    files = len(outcome.added)
    click.echo(
        f"conclint: added {outcome.total} `# noqa` comment{'s' if outcome.total != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}",
        err=True,
    )
    for finding, reason in outcome.skipped:
        click.echo(
            f"  not suppressed: {finding.path}:{finding.span.start_line}: {finding.code} "
            f"({reason})",
            err=True,
        )
    return 0
