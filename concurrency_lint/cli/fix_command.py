"""``conclint fix``: show the diff of every fix, write it with ``--apply``."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from concurrency_lint.cli.options import (
    FIX_EXIT_CODES,
    color_option,
    engine_options,
    exclusion_options,
    rule_selection_options,
)
from concurrency_lint.cli.output import wants_color
from concurrency_lint.cli.progress import ProgressDisplay
from concurrency_lint.cli.settings import check_paths, command_settings
from concurrency_lint.config import Config
from concurrency_lint.fixes.apply import FixOptions, FixRun, fix_data, fix_paths, unified_diff
from concurrency_lint.model import INTERNAL_ERROR, Safety
from concurrency_lint.report.escaping import printable
from concurrency_lint.report.summary import plural
from concurrency_lint.sources.lines import split_lines


@click.command("fix", epilog=FIX_EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--apply", "apply_fixes", is_flag=True, help="Write the fixes to the files.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@rule_selection_options
@engine_options
@exclusion_options
@click.option("--statistics", is_flag=True, help="Print the fixes per rule instead of the diff.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary: no diff, no file list.")
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when findings remain or changes are pending (2 on error still).",
)
@click.option(
    "--include-markdown",
    is_flag=True,
    default=None,
    help="Also fix the Python blocks of Markdown files (named .md files always).",
)
@click.option(
    "--stdin-filename",
    help="The file name for `-` (standard input): its configuration and per-file ignores.",
)
@color_option
def command(
    paths: tuple[Path, ...],
    apply_fixes: bool,
    unsafe_fixes: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    config_file: Path | None,
    no_cache: bool,
    jobs: int | None,
    force_exclude: bool,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    statistics: bool,
    quiet: bool,
    exit_zero: bool,
    stdin_filename: str | None,
    include_markdown: bool | None,
    color: str,
) -> None:
    """Fix PATHS: print the diff of every fix; write nothing unless --apply.

    Safe fixes keep behaviour; --unsafe-fixes adds those that may change it (new
    timeouts, a thread pool swapped for processes). Exit 0 when clean, 1 when changes
    are pending or findings remain, 2 on error.

    `conclint fix -` reads standard input and prints the fixed text (all of it, fixed
    or not) on standard output; the summary goes to standard error. Exit 0 when the
    fixed text is clean, 1 when findings remain, 2 on error.
    """
    reading_stdin = paths == (Path("-"),)
    targets = [Path(stdin_filename or ".")] if reading_stdin else check_paths(paths or (Path("."),))
    config = command_settings(
        targets,
        config_file,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        exclude=exclude,
        extend_exclude=extend_exclude,
        jobs=jobs,
        include_markdown=include_markdown,
    )
    options = FixOptions(
        apply=apply_fixes,
        unsafe=unsafe_fixes,
        use_cache=not no_cache,
        jobs=config.jobs,
        force_exclude=force_exclude,
    )
    if reading_stdin:
        _fix_standard_input(stdin_filename or "-", config, options, statistics, exit_zero)
    with ProgressDisplay(enabled=not quiet, description="Checking") as progress:
        run = fix_paths(targets, config, options, progress.update)
    if run.files_scanned == 0:
        where = ", ".join(printable(str(path)) for path in targets)
        click.echo(f"conclint: no Python files found under {where}", err=True)
    if statistics:
        click.echo(fix_statistics(run), nl=False)
    elif not quiet:
        _print_changes(run, wants_color(color))
    _print_problems(run)
    click.echo(summary(run, unsafe_fixes), err=True, nl=False)
    sys.exit(exit_code(run, exit_zero))


def _fix_standard_input(
    display: str, config: Config, options: FixOptions, statistics: bool, exit_zero: bool
) -> None:
    """Standard input fixed onto standard output; everything else on standard error."""
    data = sys.stdin.buffer.read()
    run, fixed = fix_data(display, data, config, options)
    stdout = sys.stdout.buffer
    stdout.write(fixed)
    stdout.flush()
    if statistics:
        click.echo(fix_statistics(run), err=True, nl=False)
    _print_problems(run)
    click.echo(summary(run, options.unsafe), err=True, nl=False)
    sys.exit(exit_code(run, exit_zero))


def _print_changes(run: FixRun, color: bool) -> None:
    for file in run.changed_files:
        if run.applied:
            if file.written:
                click.echo(f"Fixed {printable(file.display)} ({_fixes(len(file.applied))})")
            continue
        diff = unified_diff(printable(file.display), file.before, file.after)
        click.echo(colored_diff(diff) if color else diff, nl=False, color=color)


_LINE_STYLES = (
    ("+++", {"bold": True}),
    ("---", {"bold": True}),
    ("@@", {"fg": "cyan"}),
    ("+", {"fg": "green"}),
    ("-", {"fg": "red"}),
)


def colored_diff(diff: str) -> str:
    """The diff with ANSI colours: additions green, removals red, hunk headers cyan."""
    lines = []
    for line in split_lines(diff):
        body = line.rstrip("\n")
        style = next((s for prefix, s in _LINE_STYLES if body.startswith(prefix)), None)
        lines.append((click.style(body, **style) if style else body) + line[len(body) :])
    return "".join(lines)


def fix_statistics(run: FixRun) -> str:
    """``count  CODE  name`` per rule for the fixes applied (or that would be), most first."""
    counts = Counter(
        (finding.code, finding.name) for file in run.changed_files for finding in file.applied
    )
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:>6}  {code}  {name}\n" for (code, name), count in ordered)


def _print_problems(run: FixRun) -> None:
    for refusal in run.refusals:
        finding = refusal.finding
        where = f"{printable(finding.path)}:{finding.span.start_line}:{finding.span.start_col}"
        click.echo(f"{where}: {finding.code} fix not applied: {refusal.reason}", err=True)
    for file in run.errors:
        click.echo(f"{printable(file.display)}: not fixed: {file.error}", err=True)
    for file in run.files:
        if not file.converged:
            click.echo(
                f"{printable(file.display)}: fixes still pending after the pass limit; run fix again",
                err=True,
            )


def summary(run: FixRun, unsafe_fixes: bool) -> str:
    """The closing lines: fixes, files, held-back unsafe fixes, findings left."""
    fixes = _fixes(run.fixes_applied)
    files = plural(len(run.changed_files), "file")
    lines = []
    if not run.fixes_applied:
        lines.append("No fixes to apply.")
    elif run.applied:
        lines.append(f"Applied {fixes} to {files}.")
    else:
        lines.append(f"Would apply {fixes} to {files}; run with --apply to write them.")
    left = run.findings_left
    held_back = 0
    if not unsafe_fixes:
        held_back = sum(f.fix is not None and f.fix.safety is Safety.UNSAFE for f in left)
    if held_back:
        lines.append(f"{_fixes(held_back, 'unsafe ')} held back; add --unsafe-fixes to apply them.")
    if run.refusals:
        lines.append(f"{_fixes(len(run.refusals))} could not be applied (see above).")
    if run.errors:
        lines.append(f"{plural(len(run.errors), 'file')} could not be fixed (see above).")
    lines.append(f"{plural(len(left), 'finding')} left." if left else "No findings left.")
    return "".join(line + "\n" for line in lines)


def _fixes(count: int, kind: str = "") -> str:
    return f"{count} {kind}{'fix' if count == 1 else 'fixes'}"


def exit_code(run: FixRun, exit_zero: bool = False) -> int:
    """2 on error, 1 when changes are pending or findings remain (unless ``exit_zero``),
    else 0."""
    if run.errors or any(f.code == INTERNAL_ERROR[0] for f in run.findings_left):
        return 2
    if exit_zero:
        return 0
    if (run.changed_files and not run.applied) or run.findings_left:
        return 1
    return 0
