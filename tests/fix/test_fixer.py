"""The fix machinery: passes, verification, imports, and how files are read and written."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.fixes.apply import FixOptions, fix_paths, fix_text, unified_diff
from concurrency_lint.fixes.apply import run as fixer_run
from concurrency_lint.fixes.apply.source_file import UnfixableFile, read_document, write_atomically
from concurrency_lint.model import Edit, Finding, Fix, Safety, Span

UNSAFE_ALL = FixOptions(apply=True, unsafe=True, use_cache=False)
SNIPPET = 'import subprocess\nsubprocess.run(["ls"])\n'
FIXED_SNIPPET = 'import subprocess\nsubprocess.run(["ls"], timeout=10)\n'


def _real_check(text: str) -> tuple[Finding, ...]:
    return FileChecker(Config()).check_text("example.py", text).findings


def _token_check(
    token: str, replacement: str, imports: tuple[tuple[str, str], ...] = (), safe: bool = True
):
    """A stand-in rule: every ``token`` is a finding whose fix replaces it."""

    def check(text: str) -> list[Finding]:
        findings = []
        for number, line in enumerate(text.splitlines(), start=1):
            for match in re.finditer(re.escape(token), line):
                span = Span(number, match.start() + 1, number, match.end() + 1)
                safety = Safety.SAFE if safe else Safety.UNSAFE
                fix = Fix(f"replace {token}", safety, (Edit(span, replacement),), imports)
                findings.append(Finding("CL999", "stand-in", "a token", "example.py", span, fix))
        return findings

    return check


# ---- the fix loop ----------------------------------------------------------------------


def test_unsafe_fixes_are_applied_only_when_asked() -> None:
    held = fix_text(SNIPPET, _real_check, unsafe=False)
    assert held.text == SNIPPET and not held.applied
    assert [f.code for f in held.remaining] == ["CL201"]
    applied = fix_text(SNIPPET, _real_check, unsafe=True)
    assert applied.text == FIXED_SNIPPET
    assert [f.code for f in applied.applied] == ["CL201"]
    assert applied.remaining == ()


def test_safe_fixes_need_no_flag() -> None:
    outcome = fix_text("a = SLOW\n", _token_check("SLOW", "FAST"), unsafe=False)
    assert outcome.text == "a = FAST\n"


def test_overlapping_fixes_are_applied_over_several_passes() -> None:
    nested = 'import subprocess\nsubprocess.run(subprocess.check_output(["ls"]).split())\n'
    once = fix_text(nested, _real_check, unsafe=True, max_passes=1)
    assert len(once.applied) == 1 and not once.converged
    outcome = fix_text(nested, _real_check, unsafe=True)
    assert outcome.converged and len(outcome.applied) == 2
    assert outcome.text == (
        "import subprocess\n"
        'subprocess.run(subprocess.check_output(["ls"], timeout=10).split(), timeout=10)\n'
    )


def test_non_overlapping_fixes_are_applied_in_one_pass() -> None:
    outcome = fix_text("a = SLOW\nb = SLOW + SLOW\n", _token_check("SLOW", "FAST"), False, 1)
    assert outcome.text == "a = FAST\nb = FAST + FAST\n"
    assert outcome.converged and len(outcome.applied) == 3


def test_a_fix_whose_result_would_not_compile_is_refused_and_says_why() -> None:
    outcome = fix_text("x = BREAK\n", _token_check("BREAK", "("), unsafe=False)
    assert outcome.text == "x = BREAK\n" and not outcome.applied
    (refusal,) = outcome.refused
    assert "would not compile" in refusal.reason
    (finding,) = outcome.remaining
    assert "fix not applied: nothing written to this file: the fixed code would not compile" in (
        finding.message
    )


def test_a_broken_fix_means_nothing_is_written_to_the_file() -> None:
    check_bad = _token_check("BREAK", "(")
    check_good = _token_check("SLOW", "FAST")

    def check(text: str) -> list[Finding]:
        return [*check_bad(text), *check_good(text)]

    outcome = fix_text("x = BREAK\ny = SLOW\n", check, unsafe=False)
    assert outcome.text == "x = BREAK\ny = SLOW\n"
    assert not outcome.applied
    assert len(outcome.refused) == 2
    assert all("nothing written to this file" in r.reason for r in outcome.refused)
    assert all("would not compile" in r.reason for r in outcome.refused)


def test_compile_errors_beyond_the_grammar_are_caught() -> None:
    # Parses, but `nonlocal` at module level does not compile.
    outcome = fix_text("x = 1\nMARK\n", _token_check("MARK", "nonlocal x"), unsafe=False)
    assert outcome.text == "x = 1\nMARK\n"
    assert outcome.refused


def test_files_with_syntax_errors_are_left_alone() -> None:
    broken = 'import subprocess\nsubprocess.run(["ls"]\n'
    outcome = fix_text(broken, _real_check, unsafe=True)
    assert outcome.text == broken
    assert [f.code for f in outcome.remaining] == ["CL001"]


def test_imports_are_added_once_after_docstring_and_future_imports() -> None:
    source = '"""Doc."""\nfrom __future__ import annotations\n\nA = WORK\nB = WORK\n'
    check = _token_check("WORK", "run_parallel(f, xs)", (("vendored.parallel", "run_parallel"),))
    outcome = fix_text(source, check, unsafe=False)
    assert outcome.text == (
        '"""Doc."""\nfrom __future__ import annotations\n\n'
        "from vendored.parallel import run_parallel\n\n"
        "A = run_parallel(f, xs)\nB = run_parallel(f, xs)\n"
    )
    again = fix_text(outcome.text, check, unsafe=False)
    assert again.text == outcome.text


def test_an_existing_import_from_the_same_module_is_extended() -> None:
    source = "from vendored.parallel import batch_map\n\nA = WORK\n"
    check = _token_check("WORK", "run_parallel(f)", (("vendored.parallel", "run_parallel"),))
    outcome = fix_text(source, check, unsafe=False)
    assert outcome.text.count("import") == 1
    assert "run_parallel" in outcome.text.splitlines()[0]


def test_a_fix_needing_a_name_the_module_already_uses_is_refused() -> None:
    source = "def run_parallel():\n    pass\n\nA = WORK\n"
    check = _token_check("WORK", "run_parallel(f)", (("vendored.parallel", "run_parallel"),))
    outcome = fix_text(source, check, unsafe=False)
    assert outcome.text == source
    assert "already names something else" in outcome.refused[0].reason


# ---- files -----------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_preview_writes_nothing(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.encode())
    run = fix_paths([target], Config(), FixOptions(unsafe=True, use_cache=False))
    assert target.read_bytes() == SNIPPET.encode()
    (file,) = run.changed_files
    assert file.after == FIXED_SNIPPET and not file.written


def test_apply_writes_the_fixed_code(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.encode())
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_text() == FIXED_SNIPPET
    assert run.fixes_applied == 1 and run.findings_left == ()


def test_latin1_file_keeps_its_encoding(project: Path) -> None:
    source = '# -*- coding: latin-1 -*-\nimport subprocess\nname = "café"\nsubprocess.run(["ls"])\n'
    target = _write(project / "a.py", source.encode("latin-1"))
    fix_paths([target], Config(), UNSAFE_ALL)
    data = target.read_bytes()
    assert b"caf\xe9" in data
    assert data.decode("latin-1") == source.replace('["ls"])', '["ls"], timeout=10)')


def test_byte_order_mark_is_kept_once(project: Path) -> None:
    target = _write(project / "a.py", b"\xef\xbb\xbf" + SNIPPET.encode())
    fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == b"\xef\xbb\xbf" + FIXED_SNIPPET.encode()


def test_crlf_line_endings_are_kept(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.replace("\n", "\r\n").encode())
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == FIXED_SNIPPET.replace("\n", "\r\n").encode()
    assert "\r" not in run.files[0].after  # the diff shows plain lines


def test_permissions_are_kept_and_no_temporary_file_is_left(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.encode())
    os.chmod(target, 0o751)
    fix_paths([target], Config(), UNSAFE_ALL)
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert sorted(p.name for p in project.iterdir()) == ["a.py"]


def test_a_symbolic_link_stays_a_link_to_the_fixed_file(project: Path) -> None:
    real = _write(project / "real.py", SNIPPET.encode())
    link = project / "link.py"
    link.symlink_to(real)
    fix_paths([link], Config(), UNSAFE_ALL)
    assert link.is_symlink()
    assert real.read_text() == FIXED_SNIPPET


def test_failed_write_leaves_the_file_and_no_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _write(project / "a.py", SNIPPET.encode())

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == SNIPPET.encode()
    assert sorted(p.name for p in project.iterdir()) == ["a.py"]
    (file,) = run.errors
    assert "No space left on device" in (file.error or "")
    assert [f.code for f in run.findings_left] == ["CL201"]


def test_a_file_changed_while_fixing_is_not_overwritten(project: Path) -> None:
    target = _write(project / "a.py", b"new content\n")
    with pytest.raises(UnfixableFile, match="changed on disk"):
        write_atomically(target, b"fixed\n", expected=b"old content\n")
    assert target.read_bytes() == b"new content\n"


def test_syntax_error_file_is_untouched(project: Path) -> None:
    data = b'import subprocess\nsubprocess.run(["ls"]\n'
    target = _write(project / "a.py", data)
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == data
    assert run.fixes_applied == 0
    assert [f.code for f in run.findings_left] == ["CL001"]


def test_undecodable_file_is_untouched(project: Path) -> None:
    data = b'import subprocess\nsubprocess.run(["\xff"])\n'
    target = _write(project / "a.py", data)
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == data
    assert [f.code for f in run.findings_left] == ["CL002"]


def test_markdown_blocks_are_fixed_and_the_rest_kept(project: Path) -> None:
    data = f"# Notes\n\n```python\n{SNIPPET}```\n".encode()
    target = _write(project / "notes.md", data)
    run = fix_paths([target], Config(include_markdown=True), UNSAFE_ALL)
    assert run.fixes_applied == 1
    assert target.read_bytes().startswith(b"# Notes\n\n```python\n")
    assert b"timeout=" in target.read_bytes()
    assert run.findings_left == ()


def test_lone_carriage_returns_mixed_with_newlines_are_refused() -> None:
    with pytest.raises(UnfixableFile, match="mixed line endings"):
        read_document(b"a = 1\rb = 2\nc = 3\n")


def test_old_mac_line_endings_round_trip() -> None:
    document = read_document(b"a = 1\rb = 2\r")
    assert document.text == "a = 1\nb = 2\n"
    assert document.encode(document.text) == b"a = 1\rb = 2\r"


def test_a_second_apply_changes_nothing(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.encode())
    fix_paths([target], Config(), UNSAFE_ALL)
    before = target.stat().st_mtime_ns
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert run.fixes_applied == 0 and not run.changed_files
    assert target.stat().st_mtime_ns == before


def test_a_fixer_crash_leaves_the_file_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _write(project / "a.py", SNIPPET.encode())

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(fixer_run, "fix_text", crash)
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == SNIPPET.encode()
    assert "internal error: RuntimeError: boom" in (run.errors[0].error or "")


def test_tabs_non_ascii_and_form_feeds_do_not_shift_edits() -> None:
    source = 'import subprocess\n\x0c\nif True:\n\tnom = "été"; subprocess.run(["ls"])\n'
    outcome = fix_text(source, _real_check, unsafe=True)
    assert outcome.text == source.replace('["ls"])', '["ls"], timeout=10)')


def test_the_diff_keeps_form_feeds_inside_lines_and_marks_a_missing_newline() -> None:
    diff = unified_diff("a.py", "x = 1\x0c\ny = 2", "x = 1\x0c\ny = 3")
    assert diff.split("\n")[3:-1] == [
        " x = 1\x0c",
        "-y = 2",
        "\\ No newline at end of file",
        "+y = 3",
        "\\ No newline at end of file",
    ]


def test_many_files_are_fixed_in_worker_processes(project: Path) -> None:
    paths = [_write(project / f"m{index}.py", SNIPPET.encode()) for index in range(9)]
    options = FixOptions(apply=True, unsafe=True, use_cache=False, jobs=2)
    run = fix_paths([project], Config(), options)
    assert [file.display for file in run.files] == sorted(f"m{index}.py" for index in range(9))
    assert all(file.written for file in run.files)
    assert all(path.read_text() == FIXED_SNIPPET for path in paths)


def test_continuation_lines_of_a_fixed_call_keep_their_indentation() -> None:
    source = (
        "import subprocess\n\n\ndef f():\n    if True:\n"
        '        subprocess.check_call(["python", "-c",\n'
        '                               "pass"])\n'
    )
    outcome = fix_text(source, _real_check, unsafe=True)
    assert outcome.text == source.replace('"pass"])', '"pass"], timeout=10)')


def test_a_closing_bracket_on_its_own_line_stays_there() -> None:
    source = 'import subprocess\nsubprocess.run(\n    ["ls"],\n    check=True\n)\n'
    outcome = fix_text(source, _real_check, unsafe=True)
    assert outcome.text == source.replace("check=True\n", "check=True, timeout=10\n")


def test_a_file_python_rejects_is_never_edited(project: Path) -> None:
    """`break` outside a loop parses (ast.parse) but does not compile."""
    data = b'import subprocess\nsubprocess.run(["ls"])\nbreak\n'
    target = _write(project / "a.py", data)
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == data
    assert run.fixes_applied == 0
    assert any("original code does not compile" in r.reason for r in run.refusals)


def test_setuid_and_setgid_bits_survive_a_fix(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.encode())
    os.chmod(target, 0o6755)
    fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_text() == FIXED_SNIPPET
    assert stat.S_IMODE(target.stat().st_mode) == 0o6755


def test_hard_links_keep_sharing_the_fixed_file(project: Path) -> None:
    target = _write(project / "a.py", SNIPPET.encode())
    other = project / "other_name.py"
    os.link(target, other)
    inode = target.stat().st_ino
    fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_text() == FIXED_SNIPPET
    assert other.read_text() == FIXED_SNIPPET
    assert target.stat().st_ino == inode and target.stat().st_nlink == 2


def test_a_read_only_file_of_another_user_is_not_written(project: Path) -> None:
    """Judged from the mode bits and the owner, not os.access (root may write anything)."""
    target = _write(project / "a.py", SNIPPET.encode())
    os.chmod(target, 0o444)
    other_uid = os.geteuid() + 4242
    if os.geteuid() == 0:
        os.chown(target, other_uid, other_uid)
    run = fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_bytes() == SNIPPET.encode()
    (file,) = run.errors
    assert "not writable by the current user" in (file.error or "")
    status = target.stat()
    assert stat.S_IMODE(status.st_mode) == 0o444
    if os.geteuid() == 0:
        assert status.st_uid == other_uid


def test_the_owner_is_kept_when_root_fixes_another_users_file(project: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    target = _write(project / "a.py", SNIPPET.encode())
    os.chmod(target, 0o666)
    os.chown(target, 4243, 4243)
    fix_paths([target], Config(), UNSAFE_ALL)
    assert target.read_text() == FIXED_SNIPPET
    assert (target.stat().st_uid, target.stat().st_gid) == (4243, 4243)
