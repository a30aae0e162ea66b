"""Paths that are not plain files, and file names a terminal or UTF-8 cannot take as they are."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from concurrency_lint.sources.display_names import escape_name, unescape_name
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file
from tests.conftest import json_findings, run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'
NOT_REGULAR = "not a regular file"


def scan_json(*args: str) -> tuple[int, dict[str, list[tuple[str, str]]]]:
    run = run_conclint("scan", "--format", "json", "--no-cache", *args)
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in json_findings(run):
        found.setdefault(finding["path"], []).append((finding["code"], finding["message"]))
    return run.exit_code, found


def scan_in_a_process(*args: str) -> tuple[int, dict]:
    """Run the command in its own process: a FIFO that blocked would not block the tests."""
    run = subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "scan", "--format", "json", "--no-cache", *args],
        capture_output=True,
        text=True,
        timeout=300,  # a safety net for a regression, not a timing assertion
    )
    assert "Traceback" not in run.stderr, run.stderr
    findings = json.loads(run.stdout)["findings"]
    return run.returncode, {f["path"]: (f["code"], f["message"]) for f in findings}


@pytest.fixture
def good(project: Path) -> Path:
    (project / "good.py").write_text(FLAGGED, encoding="utf-8")
    return project


def test_a_named_fifo_and_devices_are_skipped_without_reading(good: Path) -> None:
    os.mkfifo(good / "pipe.py")
    code, found = scan_in_a_process("pipe.py", "/dev/zero", "/dev/null", "good.py")
    assert code == 1
    assert found["pipe.py"][0] == "CL002" and "FIFO" in found["pipe.py"][1]
    for device in ("/dev/zero", "/dev/null"):
        assert found[device][0] == "CL002" and "character device" in found[device][1]
    assert found["good.py"][0] == "CL201"


def test_a_named_character_device_is_a_finding(good: Path) -> None:
    code, found = scan_json("/dev/null", "good.py")
    assert code == 1
    [(finding_code, message)] = found["/dev/null"]
    assert finding_code == "CL002" and NOT_REGULAR in message


def test_special_files_found_in_a_walk_are_findings(good: Path) -> None:
    os.mkfifo(good / "pipe.py")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(good / "sock.py"))
        code, found = scan_in_a_process(".")
    finally:
        server.close()
    assert found["pipe.py"][0] == "CL002" and "FIFO" in found["pipe.py"][1]
    assert found["sock.py"][0] == "CL002" and "socket" in found["sock.py"][1]
    assert found["good.py"][0] == "CL201"
    assert code == 1


def test_a_symlink_loop_named_on_the_command_line(good: Path) -> None:
    (good / "a.py").symlink_to(good / "b.py")
    (good / "b.py").symlink_to(good / "a.py")
    code, found = scan_json("a.py", "good.py")
    assert code == 1
    [(finding_code, message)] = found["a.py"]
    assert finding_code == "CL002" and "symbolic links" in message
    assert [c for c, _ in found["good.py"]] == ["CL201"]


def test_a_named_broken_link(good: Path) -> None:
    (good / "gone.py").symlink_to(good / "missing.py")
    code, found = scan_json("gone.py", "good.py")
    assert (code, found["gone.py"][0][0]) == (1, "CL002")


def test_a_named_file_that_cannot_be_opened(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (good / "locked.py").write_text(FLAGGED, encoding="utf-8")
    real_open = os.open

    def guarded_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    code, found = scan_json("locked.py", "good.py")
    assert code == 1
    assert found["locked.py"] == [("CL002", "cannot read: Permission denied")]
    assert [c for c, _ in found["good.py"]] == ["CL201"]


def test_a_named_directory_called_like_a_module(good: Path) -> None:
    (good / "x.py").mkdir()
    (good / "x.py" / "inner.py").write_text(FLAGGED, encoding="utf-8")
    code, found = scan_json("x.py")
    assert (code, [c for c, _ in found["x.py/inner.py"]]) == (1, ["CL201"])


def test_reading_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    for path in (tmp_path / "pipe", Path("/dev/zero"), tmp_path):
        with pytest.raises(UnreadablePath, match=NOT_REGULAR):
            read_regular_file(path)
    (tmp_path / "plain.py").write_bytes(b"x = 1\n")
    assert read_regular_file(tmp_path / "plain.py") == b"x = 1\n"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.py", "plain.py"),
        ("caf\udce9.py", "caf\\xe9.py"),
        ("red\x1b[31m.py", "red\\x1b[31m.py"),
        ("tab\t.py", "tab\\x09.py"),
        ("bidi\u202e.py", "bidi\\u202e.py"),
        ("c1\x85.py", "c1\\u0085.py"),
        ("back\\slash.py", "back\\\\slash.py"),
        ("café.py", "café.py"),
    ],
)
def test_names_are_escaped_reversibly(name: str, shown: str) -> None:
    assert escape_name(name) == shown
    assert shown.isprintable()
    assert unescape_name(shown) == name


def test_control_characters_never_reach_the_terminal(good: Path) -> None:
    (good / "red\x1b[31m.py").write_text(FLAGGED, encoding="utf-8")
    run = run_conclint("scan", ".", "--no-cache")
    assert "\x1b" not in run.stdout
    assert "red\\x1b[31m.py:2:1: CL201" in run.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "table", "markdown"])
def test_non_utf8_names_in_every_format_and_file(good: Path, output_format: str) -> None:
    os.rename(good / "good.py", os.fsencode(good) + b"/caf\xe9.py")
    to_stdout = run_conclint("scan", ".", "--no-cache", "--format", output_format)
    assert to_stdout.exit_code == 1, to_stdout.stderr
    assert "caf" in to_stdout.stdout
    written = run_conclint("scan", ".", "--no-cache", "--format", output_format, "-o", "out")
    assert written.exit_code == 1, written.stderr
    report = (good / "out").read_text(encoding="utf-8")
    assert report == to_stdout.stdout
    if output_format == "sarif":
        assert '"uri": "caf%E9.py"' in report
    else:
        assert "caf\\xe9.py" in report.replace("\\\\", "\\")


def test_fix_finds_a_file_whose_name_was_escaped(good: Path) -> None:
    target = os.fsencode(good) + b"/caf\xe9\x1b.py"
    os.rename(good / "good.py", target)
    run = run_conclint("fix", ".", "--apply", "--unsafe-fixes", "--no-cache")
    assert run.exit_code == 0, run.stdout + run.stderr
    with open(target, "rb") as handle:
        assert b"timeout=10" in handle.read()


def test_a_named_path_that_cannot_be_looked_at_is_no_usage_error(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrency_lint.cli import settings

    real_lstat = os.lstat

    def lstat(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("hidden.py"):
            raise PermissionError(13, "Permission denied")
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(settings.os, "lstat", lstat)
    assert settings.check_paths((Path("hidden.py"), Path("good.py"))) == [
        Path("hidden.py"),
        Path("good.py"),
    ]
    with pytest.raises(SystemExit):
        settings.check_paths((Path("absent.py"),))


@pytest.mark.parametrize("name", [".gitignore", "pyproject.toml", "conclint.toml"])
def test_a_fifo_among_the_files_the_scan_reads_for_itself(good: Path, name: str) -> None:
    (good / ".git").mkdir()
    os.mkfifo(good / name)
    code, found = scan_in_a_process(".")
    assert (code, found["good.py"][0]) == (1, "CL201")


def test_usage_errors_show_names_escaped(project: Path) -> None:
    missing = run_conclint("scan", "gone\x1b[2J.py")
    assert missing.exit_code == 2
    assert "\x1b" not in missing.stderr and "gone\\x1b[2J.py" in missing.stderr
    config = run_conclint("scan", ".", "--config", "conf\x07ig.toml")
    assert config.exit_code == 2
    assert "\x07" not in config.stderr and "conf\\x07ig.toml" in config.stderr
