"""Code actions in process: the fix loop's edits on the document's own text."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.server.code_actions import fix_all_action, quick_fixes
from concurrency_lint.server.document_check import DocumentCheck
from concurrency_lint.server.positions import LineIndex

UNSAFE = 'import subprocess\nsubprocess.run(["ls"])\n'


def _document(text: str, tmp_path: Path) -> DocumentCheck:
    checker = FileChecker(Config())
    path = str(tmp_path / "job.py")

    def check(candidate: str) -> tuple:
        return checker.check_text(path, candidate).findings

    return DocumentCheck("file:///job.py", 1, text, check(text), check, LineIndex(text))


def _apply(document: DocumentCheck, edits: list[types.TextEdit]) -> str:
    index = document.index
    starts = [0]
    for line in document.text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        line, column = index.from_client(position)
        return starts[line] + column

    text = document.text
    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    document = _document(UNSAFE.replace("\n", "\r\n"), tmp_path)
    [action] = quick_fixes(document, (1, 0), (1, 0))
    assert action.edit is not None and action.edit.changes is not None
    fixed = _apply(document, action.edit.changes["file:///job.py"])
    assert fixed == 'import subprocess\r\nsubprocess.run(["ls"], timeout=10)\r\n'


def test_lone_carriage_returns_mixed_in_are_refused(tmp_path: Path) -> None:
    document = _document('import subprocess\rx = 1\nsubprocess.run(["ls"])\n', tmp_path)
    assert quick_fixes(document, (2, 0), (2, 0)) == []
    [shown] = quick_fixes(document, (2, 0), (2, 0), show_refused=True)
    assert shown.disabled is not None
    assert shown.disabled.reason == "not applied: mixed line endings with lone carriage returns"


def test_a_range_away_from_the_finding_offers_nothing(tmp_path: Path) -> None:
    document = _document(UNSAFE, tmp_path)
    assert quick_fixes(document, (0, 0), (0, 3)) == []


def test_fix_all_is_offered_only_for_safe_fixes(tmp_path: Path) -> None:
    assert fix_all_action(_document(UNSAFE, tmp_path), resolve_later=False) is None
