"""``conclint scan``: report findings."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

import concurrency_lint
from concurrency_lint.checking.scan import ScanOptions, ScanOutcome, scan_bytes, scan_paths
from concurrency_lint.cli.baseline_command import stdin_reader, with_baseline, write_noqa
from concurrency_lint.cli.options import engine_options, rule_selection_options
from concurrency_lint.cli.output import emit, stdout_wants_color
from concurrency_lint.cli.progress import ProgressDisplay
from concurrency_lint.cli.settings import check_paths, fail, load_settings, split_codes
from concurrency_lint.config import Config
from concurrency_lint.model import INTERNAL_ERROR, FileResult, RuleInfo, ScanReport
from concurrency_lint.report import FORMATS, NEEDS_RULE_DOCS, render
from concurrency_lint.report.text_format import format_finding
from concurrency_lint.sources.discovery import excluded_by_config
from concurrency_lint.sources.display_names import escape_name

# Formats meant for people; the others are read by machines and never get escape codes.
_COLOR_FORMATS = frozenset({"text", "table"})


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option(
    "--output-file", "-o", type=click.Path(path_type=Path), help="Write the report to a file."
)
@rule_selection_options
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@engine_options
@click.option(
    "--include-markdown",
    is_flag=True,
    default=None,
    help="Also scan ```python blocks in .md files.",
)
@click.option("--stdin-filename", help="The file name to report for `-` (standard input).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings: no summary, no progress.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    help="Report only findings not in this baseline (written by `conclint baseline`).",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Write `# noqa: CODE` on every line with a finding instead of reporting them.",
)
def scan_command(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    config_file: Path | None,
    statistics: bool,
    exit_zero: bool,
    no_cache: bool,
    jobs: int | None,
    include_markdown: bool | None,
    force_exclude: bool,
    stdin_filename: str | None,
    quiet: bool,
    baseline_file: Path | None = None,
    add_noqa: bool = False,
) -> None:
    """Scan PATHS (files or folders; `-` for standard input) and report findings."""
    reading_stdin = paths == (Path("-"),)
    if not paths:
        paths = (Path("."),)
    targets = [Path(stdin_filename or ".")] if reading_stdin else check_paths(paths)
    config = load_settings(targets, config_file).with_overrides(
        select=split_codes(select, "--select"),
        ignore=split_codes(ignore, "--ignore"),
        extend_select=split_codes(extend_select, "--extend-select"),
        jobs=jobs,
        include_markdown=include_markdown,
    )
    if reading_stdin:
        name = escape_name(stdin_filename or "-")
        data = sys.stdin.buffer.read()
        if force_exclude and stdin_filename and excluded_by_config(Path(stdin_filename), config):
            outcome = ScanOutcome((), 0)  # as a walk would: an excluded file is not checked
        else:
            result = scan_bytes(
                name, data, config, markdown=name.lower().endswith((".md", ".markdown"))
            )
            outcome = ScanOutcome((result,), 1)
    else:
        options = ScanOptions(
            jobs=config.jobs,
            use_cache=not no_cache,
            include_markdown=config.include_markdown,
            force_exclude=force_exclude,
        )
        with ProgressDisplay(enabled=not quiet) as progress:
            outcome = scan_paths(targets, config, options, progress.update)
        if outcome.files_scanned == 0 and not outcome.results:
            where = ", ".join(escape_name(str(path)) for path in targets)
            click.echo(f"conclint: no Python files found under {where}", err=True)
    outcome = with_baseline(
        outcome, config, baseline_file, quiet, stdin_reader(data) if reading_stdin else None
    )
    if add_noqa:
        if reading_stdin:
            fail("--add-noqa writes files: it cannot be used with `-` (standard input)")
        sys.exit(write_noqa(outcome.findings))
    color = output_file is None and stdout_wants_color()
    text = (
        _statistics(outcome.results)
        if statistics
        else _render(outcome, output_format, config, quiet, color)
    )
    emit(text, output_file)
    sys.exit(_exit_code(outcome.results, exit_zero))


def _render(
    outcome: ScanOutcome, output_format: str, config: Config, quiet: bool, color: bool
) -> str:
    if quiet and output_format == "text":
        return "".join(format_finding(finding, color) + "\n" for finding in outcome.findings)
    rules = _rule_infos(config) if output_format in NEEDS_RULE_DOCS else ()
    report = ScanReport(
        outcome.findings, outcome.files_scanned, rules, concurrency_lint.__version__
    )
    return render(output_format, report, color=color and output_format in _COLOR_FORMATS)


def _rule_infos(config: Config) -> tuple[RuleInfo, ...]:
    from concurrency_lint.checking.file_checker import FileChecker

    return tuple(rule_info(rule) for rule in FileChecker(config).rules)


def rule_info(rule: type) -> RuleInfo:
    """The report-facing description of a rule class."""
    return RuleInfo(
        code=rule.CODE,
        name=rule.NAME,
        message=rule.MESSAGE,
        summary=rule.summary(),
        documentation=rule.documentation(),
        default_enabled=rule.DEFAULT_ENABLED,
        fixable=rule.has_fix(),
    )


def _statistics(results: tuple[FileResult, ...]) -> str:
    counts = Counter((f.code, f.name) for result in results for f in result.findings)
    fixable = Counter(f.code for result in results for f in result.findings if f.fix is not None)
    lines = [
        f"{count:>6}  {code}  {name}{'  [*]' if fixable[code] else ''}"
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "".join(line + "\n" for line in lines)


def _exit_code(results: tuple[FileResult, ...], exit_zero: bool) -> int:
    codes = {finding.code for result in results for finding in result.findings}
    if INTERNAL_ERROR[0] in codes:
        return 2
    if codes and not exit_zero:
        return 1
    return 0
