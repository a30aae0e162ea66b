"""Fix files: find those with fixes, run the fix loop on each, write the results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from concurrency_lint.checking.scan import ScanOptions, scan_bytes, scan_paths
from concurrency_lint.config import Config
from concurrency_lint.fixes.apply.fan_out import fix_files
from concurrency_lint.fixes.apply.line_length import DEFAULT_LINE_LENGTH
from concurrency_lint.fixes.apply.markdown_fix import fix_markdown
from concurrency_lint.fixes.apply.passes import MAX_PASSES, Refusal, TextFixes, fix_text, wanted
from concurrency_lint.fixes.apply.project_line_length import line_length_for
from concurrency_lint.fixes.apply.source_file import UnfixableFile, read_document, write_atomically
from concurrency_lint.model import INTERNAL_ERROR, FileResult, Finding
from concurrency_lint.sources.discovery import MARKDOWN_SUFFIXES, source_path
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FixOptions:
    apply: bool = False
    unsafe: bool = False
    use_cache: bool = True
    jobs: int | None = None
    force_exclude: bool = False
    max_passes: int = MAX_PASSES
    #: The longest line a fix writes; None: from the configuration and the project's
    #: ruff or black settings (``project_line_length``).
    line_length: int | None = None


@dataclass(frozen=True)
class FileFix:
    """One file the fixer worked on (normalised text: ``\\n`` line endings)."""

    display: str
    before: str
    after: str
    applied: tuple[Finding, ...] = ()
    refused: tuple[Refusal, ...] = ()
    remaining: tuple[Finding, ...] = ()
    converged: bool = True
    written: bool = False
    #: Why the file was left as it was (unfixable file, failed write); None otherwise.
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass(frozen=True)
class FixRun:
    """Everything one ``fix`` run did or would do."""

    files: tuple[FileFix, ...]
    #: Findings of files that had nothing to fix.
    other_findings: tuple[Finding, ...]
    files_scanned: int
    applied: bool

    @property
    def changed_files(self) -> tuple[FileFix, ...]:
        return tuple(file for file in self.files if file.changed and file.error is None)

    @property
    def fixes_applied(self) -> int:
        return sum(len(file.applied) for file in self.changed_files)

    @property
    def findings_left(self) -> tuple[Finding, ...]:
        kept = [finding for file in self.files for finding in file.remaining]
        return tuple(sorted([*kept, *self.other_findings], key=lambda f: f.sort_key))

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        return tuple(refusal for file in self.files for refusal in file.refused)

    @property
    def errors(self) -> tuple[FileFix, ...]:
        return tuple(file for file in self.files if file.error is not None)


def fix_paths(
    paths: list[Path], config: Config, options: FixOptions, progress: Progress | None = None
) -> FixRun:
    """Fix every file under ``paths`` that has a fix this run applies."""
    if options.line_length is None:
        options = replace(
            options, line_length=line_length_for(config, paths[0] if paths else Path("."))
        )
    scan = scan_paths(
        paths,
        config,
        ScanOptions(
            jobs=options.jobs,
            use_cache=options.use_cache,
            force_exclude=options.force_exclude,
            # A Markdown file named on the command line is fixed without --include-markdown.
            include_markdown=any(path.suffix.lower() in MARKDOWN_SUFFIXES for path in paths),
        ),
        progress,
    )
    to_fix: list[FileResult] = []
    others: list[Finding] = []
    for result in scan.results:
        if _worth_fixing(result):
            to_fix.append(result)
        else:
            others.extend(result.findings)
    if not to_fix:
        return FixRun((), tuple(others), scan.files_scanned, options.apply)
    files = fix_files(to_fix, config, options)
    return FixRun(files, tuple(others), scan.files_scanned, options.apply)


def _worth_fixing(result: FileResult) -> bool:
    """Files with a fix this run may apply. A cached result may call a loop fix unsafe
    that is safe now (the project has since declared the runtime): any fix with edits
    sends the file to the fix loop, which checks the text afresh."""
    if result.path.lower().endswith(MARKDOWN_SUFFIXES):
        return bool(result.findings)  # block fixes are found when each block is fixed
    return any(wanted(finding, True) for finding in result.findings)


def fix_file(
    scanned: FileResult, check_text: Callable[[str, str], FileResult], options: FixOptions
) -> FileFix:
    """Fix one scanned file; write it when ``options.apply``."""
    display = scanned.path
    path = source_path(display)  # display names are escaped (control characters, bytes)
    try:
        data = read_regular_file(path)  # never blocks on a FIFO
    except (OSError, UnreadablePath) as exc:
        return FileFix(display, "", "", remaining=scanned.findings, error=_reason(exc))
    fixed, new_data = fix_bytes(scanned, data, check_text, options)
    if not (options.apply and fixed.changed) or fixed.error is not None:
        return fixed
    try:
        write_atomically(path, new_data, data)
    except (OSError, UnfixableFile) as exc:
        return replace(fixed, remaining=scanned.findings, error=_reason(exc))
    return replace(fixed, written=True)


def fix_bytes(
    scanned: FileResult,
    data: bytes,
    check_text: Callable[[str, str], FileResult],
    options: FixOptions,
) -> tuple[FileFix, bytes]:
    """Fix one scanned file's bytes: the outcome, and the fixed bytes in the file's
    encoding, byte-order mark and line endings (``data`` itself when nothing changed or
    the file cannot be fixed)."""
    display = scanned.path
    try:
        document = read_document(data)
    except UnfixableFile as exc:
        return FileFix(display, "", "", remaining=scanned.findings, error=_reason(exc)), data

    def check(text: str) -> tuple[Finding, ...]:
        return check_text(display, text).findings

    try:
        fixer = fix_markdown if display.lower().endswith(MARKDOWN_SUFFIXES) else fix_text
        outcome = fixer(
            document.text,
            check,
            options.unsafe,
            options.max_passes,
            options.line_length or DEFAULT_LINE_LENGTH,
        )
    except Exception as exc:  # a fixer bug must not end the run, nor touch the file
        message = f"internal error: {type(exc).__name__}: {exc}"
        unchanged = FileFix(
            display, document.text, document.text, remaining=scanned.findings, error=message
        )
        return unchanged, data
    fixed = _file_fix(display, outcome)
    if not fixed.changed:
        return fixed, data
    try:
        return fixed, document.encode(outcome.text)
    except UnfixableFile as exc:
        return replace(fixed, remaining=scanned.findings, error=_reason(exc)), data


def fix_data(
    display: str, data: bytes, config: Config, options: FixOptions
) -> tuple[FixRun, bytes]:
    """Fix one file given as bytes (standard input): the run, and the fixed bytes.

    ``display`` names the file for per-file ignores and messages; a Markdown name
    (``.md``) has its Python blocks fixed.
    """
    from concurrency_lint.checking.file_checker import FileChecker

    if options.line_length is None:
        options = replace(options, line_length=line_length_for(config, Path(display)))
    markdown = display.lower().endswith(MARKDOWN_SUFFIXES)
    scanned = scan_bytes(display, data, config, markdown=markdown)
    if not _worth_fixing(scanned):
        return FixRun((), scanned.findings, 1, applied=True), data
    fixed, new_data = fix_bytes(scanned, data, FileChecker(config).check_text, options)
    return FixRun((fixed,), (), 1, applied=True), new_data


def _file_fix(display: str, outcome: TextFixes) -> FileFix:
    return FileFix(
        display,
        outcome.original,
        outcome.text,
        outcome.applied,
        outcome.refused,
        outcome.remaining,
        outcome.converged,
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read or write: {exc.strerror or exc}"
    return str(exc)


def internal_errors(run: FixRun) -> list[Finding]:
    """Engine failures (CL003) seen anywhere in the run."""
    return [finding for finding in run.findings_left if finding.code == INTERNAL_ERROR[0]]
