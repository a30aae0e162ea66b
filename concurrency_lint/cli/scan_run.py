"""The ``scan`` command's work, after its options are parsed (by click, or by
:mod:`.quick_scan` for the common command lines): no click here."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import concurrency_lint
from concurrency_lint.checking.scan import ScanOptions, ScanOutcome, scan_bytes, scan_paths
from concurrency_lint.cli.echo import echo
from concurrency_lint.cli.output import emit, output_width, wants_color
from concurrency_lint.cli.progress import ProgressDisplay
from concurrency_lint.cli.settings import check_paths, command_settings, fail
from concurrency_lint.cli.source_reading import read_sources
from concurrency_lint.config import Config
from concurrency_lint.model import INTERNAL_ERROR, Finding, RuleInfo, ScanReport
from concurrency_lint.report import HUMAN_FORMATS, NEEDS_RULE_DOCS, NEEDS_SOURCES, render
from concurrency_lint.report.escaping import printable
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.discovery import excluded_by_config
from concurrency_lint.sources.display_names import escape_name

__all__ = ["run_scan"]


def run_scan(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    config_file: Path | None,
    statistics: bool,
    exit_zero: bool,
    no_cache: bool,
    jobs: int | None,
    force_exclude: bool,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    include_markdown: bool | None,
    stdin_filename: str | None,
    quiet: bool,
    baseline_file: Path | None,
    add_noqa: bool,
    color: str,
) -> None:
    """Scan PATHS (files or folders; `-` for standard input) and report findings."""
    reading_stdin = paths == (Path("-"),)
    if not paths:
        paths = (Path("."),)
    targets = [Path(stdin_filename or ".")] if reading_stdin else check_paths(paths)
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
    notifications: list[str] = []
    stdin_text: dict[str, str] = {}
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
            stdin_text = _decoded(name, data)
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
            where = ", ".join(printable(str(path)) for path in targets)
            notifications.append(f"no Python files found under {where}")
    if baseline_file is not None or config.baseline is not None:
        from concurrency_lint.cli.baseline_command import stdin_reader, with_baseline

        outcome = with_baseline(
            outcome, config, baseline_file, quiet, stdin_reader(data) if reading_stdin else None
        )
    if add_noqa:
        if reading_stdin:
            fail("--add-noqa writes files: it cannot be used with `-` (standard input)")
        from concurrency_lint.cli.baseline_command import write_noqa

        sys.exit(write_noqa(outcome.findings))
    for notice in notifications:
        echo(f"conclint: {notice}", err=True)
    exit_code = _exit_code(outcome.findings, exit_zero)
    report = ScanReport(
        outcome.findings,
        outcome.files_scanned,
        _rule_infos(config) if output_format in NEEDS_RULE_DOCS else (),
        concurrency_lint.__version__,
        sources=(
            (stdin_text or read_sources(outcome.findings))
            if output_format in NEEDS_SOURCES and not statistics
            else {}
        ),
        exit_code=exit_code,
        notifications=tuple(notifications),
    )
    human = output_format in HUMAN_FORMATS
    use_color = human and wants_color(color, to_file=output_file is not None)
    width = output_width() if human else None
    emit(
        _render(report, output_format, statistics, quiet, use_color, width), output_file, use_color
    )
    sys.exit(exit_code)


def _decoded(name: str, data: bytes) -> dict[str, str]:
    try:
        return {name: decode_source(data).text}
    except UndecodableSource:
        return {}


def _render(
    report: ScanReport,
    output_format: str,
    statistics: bool,
    quiet: bool,
    color: bool,
    width: int | None,
) -> str:
    if statistics and output_format != "sarif":  # SARIF always carries its statistics
        from concurrency_lint.report import statistics as statistics_format

        return statistics_format.render(report.findings, output_format, color, width)
    if quiet and output_format in ("text", "concise"):
        module = importlib.import_module(f"concurrency_lint.report.{output_format}_format")
        return module.findings_only(report, color=color, width=width)
    return render(output_format, report, color=color, width=width)


def _rule_infos(config: Config) -> tuple[RuleInfo, ...]:
    from concurrency_lint.checking.file_checker import FileChecker
    from concurrency_lint.cli.rule_docs import rule_info

    return tuple(rule_info(rule) for rule in FileChecker(config).rules)


def _exit_code(findings: tuple[Finding, ...], exit_zero: bool) -> int:
    codes = {finding.code for finding in findings}
    if INTERNAL_ERROR[0] in codes:
        return 2
    if codes and not exit_zero:
        return 1
    return 0
