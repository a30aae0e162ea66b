"""The scan command's output for people and machines: colour, width, statistics, flags,
escaped and undecodable file names, atomic ``--output-file``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'
# A loop whose rewrite is safe: the iterable is a list, and the project declares the runtime.
LOOP = (
    "def load_all(paths):\n"
    "    contents = []\n"
    "    for path in sorted(paths):\n"
    "        with open(path) as fh:\n"
    "            text = fh.read()\n"
    "        contents.append(text.upper())\n"
    "    return contents\n"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    (project / "bad.py").write_text(FLAGGED, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["concurrency-lint"]\n', encoding="utf-8"
    )
    return project


@pytest.mark.parametrize("fmt", ["text", "concise", "table"])
def test_color_follows_flag_then_no_color_then_force_color(
    folder: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    def colored(*extra: str) -> bool:
        return "\x1b[" in run_conclint("scan", ".", "--format", fmt, *extra).stdout

    assert not colored()  # piped: no colour
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert colored()
    assert not colored("--color", "never")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colored()
    assert colored("--color", "always")


def test_machine_formats_never_get_colour(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    for fmt in ("json", "sarif", "github", "markdown"):
        out = run_conclint("scan", ".", "--format", fmt, "--color", "always").stdout
        assert "\x1b[" not in out, fmt


def test_columns_sets_the_width_even_when_piped(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_message_file = folder / "loop.py"
    long_message_file.write_text(LOOP, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "64")
    for fmt in ("table", "text"):
        out = run_conclint("scan", ".", "--format", fmt).stdout
        assert max(len(line) for line in out.splitlines()) <= 64, fmt
    monkeypatch.setenv("COLUMNS", "200")
    wide = run_conclint("scan", ".", "--format", "table").stdout
    assert max(len(line) for line in wide.splitlines()) > 120


def test_text_is_full_by_default_and_concise_is_one_line(folder: Path) -> None:
    full = run_conclint("scan", ".").stdout.splitlines()
    assert full[0].startswith("bad.py:2:1: CL201 ")
    assert full[1:4] == ["  |", '2 | subprocess.run(["ls"])', "  | " + "^" * 22 + " CL201"]
    concise = run_conclint("scan", ".", "--format", "concise").stdout.splitlines()
    assert concise[0].startswith("bad.py:2:1: CL201 ") and concise[1] == ""


def test_github_output_is_not_changed_by_the_text_default(folder: Path) -> None:
    out = run_conclint("scan", ".", "--format", "github").stdout
    assert out.startswith("::warning file=bad.py,line=2,col=1,")
    assert len(out.splitlines()) == 1


def test_repeated_rule_options_accumulate(folder: Path) -> None:
    (folder / "loop.py").write_text(LOOP, encoding="utf-8")

    def codes(*args: str) -> set[str]:
        run = run_conclint("scan", ".", "--format", "json", *args)
        return {finding["code"] for finding in json.loads(run.stdout)["findings"]}

    assert codes("--select", "CL101", "--select", "CL201") == {"CL101", "CL201"}
    assert codes("--select", "CL101,CL201", "--ignore", "CL101", "--ignore", "CL201") == set()
    assert codes("--select", "CL101", "--extend-select", "CL201", "--extend-select", "CL204") == {
        "CL101",
        "CL201",
    }


@pytest.mark.parametrize("command", ["scan", "fix", "inventory"])
def test_exclude_and_extend_exclude_flags(folder: Path, command: str) -> None:
    generated = folder / "generated"
    generated.mkdir()
    (generated / "gen.py").write_text(FLAGGED, encoding="utf-8")

    def mentions_generated(*args: str) -> bool:
        run = run_conclint(command, ".", *args)
        assert run.exit_code in (0, 1), run.stderr  # 2 would be an unknown option
        return "gen.py" in run.stdout + run.stderr

    def scanned_files(*args: str) -> int:
        if command != "scan":
            return -1
        run = run_conclint("scan", ".", "--format", "json", *args)
        return json.loads(run.stdout)["files_scanned"]

    if command == "inventory":
        extra = ("--format", "json")
        base = run_conclint("inventory", ".", *extra).stdout
        excluded = run_conclint("inventory", ".", *extra, "--extend-exclude", "generated").stdout
        assert json.loads(base)["files_scanned"] == 2
        assert json.loads(excluded)["files_scanned"] == 1
        replaced = run_conclint("inventory", ".", *extra, "--exclude", "gen*,bad.py").stdout
        assert json.loads(replaced)["files_scanned"] == 0
        return
    assert mentions_generated("--unsafe-fixes") if command == "fix" else mentions_generated()
    assert not mentions_generated("--extend-exclude", "generated")
    assert not mentions_generated("--exclude", "gen*")
    if command == "scan":
        assert scanned_files() == 2
        assert scanned_files("--extend-exclude", "generated") == 1
        # --exclude replaces the default excludes: a `build` folder is scanned again.
        (folder / "build").mkdir()
        (folder / "build" / "b.py").write_text(FLAGGED, encoding="utf-8")
        assert scanned_files() == 2
        assert scanned_files("--exclude", "generated") == 2


def test_statistics_in_every_format(folder: Path) -> None:
    (folder / "loop.py").write_text(LOOP, encoding="utf-8")
    (folder / "more.py").write_text(FLAGGED * 2, encoding="utf-8")
    text = run_conclint("scan", ".", "--statistics").stdout
    assert text.split("\n")[:2] == [
        "     3  CL201      subprocess-without-timeout",
        "     1  CL101  [*] sequential-io-loop",
    ]
    data = json.loads(run_conclint("scan", ".", "--statistics", "--format", "json").stdout)
    assert data == [
        {
            "code": "CL201",
            "name": "subprocess-without-timeout",
            "count": 3,
            "fixable": 0,
            "unsafe_fixable": 3,
        },
        {
            "code": "CL101",
            "name": "sequential-io-loop",
            "count": 1,
            "fixable": 1,
            "unsafe_fixable": 0,
        },
    ]
    markdown = run_conclint("scan", ".", "--statistics", "--format", "markdown").stdout
    assert "| 3 | CL201 | subprocess-without-timeout | 0 |" in markdown
    github = run_conclint("scan", ".", "--statistics", "--format", "github").stdout
    assert github.splitlines()[0] == (
        "::notice title=CL201 subprocess-without-timeout::3 findings, 0 fixable"
    )
    table = run_conclint("scan", ".", "--statistics", "--format", "table").stdout
    assert "CL101" in table and "┃ Count" in table
    concise = run_conclint("scan", ".", "--statistics", "--format", "concise").stdout
    assert concise == text
    sarif = json.loads(run_conclint("scan", ".", "--statistics", "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert run["properties"]["statistics"] == data
    assert len(run["results"]) == 4  # an upload must not close the alerts


@pytest.mark.parametrize("command", ["scan", "fix"])
def test_help_lists_exit_codes(command: str) -> None:
    out = run_conclint(command, "--help").stdout
    assert "Exit status:" in out
    for code in ("0 ", "1 ", "2 "):
        assert f"\n    {code}" in out


def test_fixable_counts_agree_between_scan_and_fix(project: Path) -> None:
    target = str(FIXTURES / "rules" / "CL101.py")
    scan = run_conclint("scan", target, "--format", "concise", "--no-cache")
    marked = sum(" [*] " in line for line in scan.stdout.splitlines())
    summary = scan.stdout.splitlines()[-1]
    assert marked > 0
    assert summary.startswith(f"[*] {marked} fixable with `conclint fix --apply`")
    fix = run_conclint("fix", target, "--no-cache", "--quiet")
    assert f"Would apply {marked} fix{'es' if marked > 1 else ''} to" in fix.stderr


def test_sarif_invocation_carries_the_exit_status(folder: Path) -> None:
    def invocation(*args: str) -> tuple[int, dict]:
        run = run_conclint("scan", *args, "--format", "sarif")
        return run.exit_code, json.loads(run.stdout)["runs"][0]["invocations"][0]

    status, found = invocation(".")
    assert status == 1
    assert found == {"executionSuccessful": True, "exitCode": 1, "toolExecutionNotifications": []}
    status, zero = invocation(".", "--exit-zero")
    assert status == 0 and zero["exitCode"] == 0
    (folder / "empty").mkdir()
    _, empty = invocation("empty")
    assert [n["message"]["text"] for n in empty["toolExecutionNotifications"]] == [
        "no Python files found under empty"
    ]


def test_sarif_fingerprints_ignore_configured_numbers_in_messages(folder: Path) -> None:
    def fingerprint(timeout: int) -> str:
        (folder / "pyproject.toml").write_text(
            f"[tool.conclint.rules.CL201]\ndefault-timeout = {timeout}\n", encoding="utf-8"
        )
        run = run_conclint("scan", ".", "--format", "sarif", "--no-cache")
        result = json.loads(run.stdout)["runs"][0]["results"][0]
        return result["message"]["text"], next(iter(result["partialFingerprints"].values()))

    message_10, first = fingerprint(10)
    message_600, second = fingerprint(600)
    assert message_10 != message_600  # the configured number is in the message ...
    assert first == second  # ... but not in the fingerprint


def _undecodable_name(folder: Path) -> str:
    raw = os.fsencode(str(folder)) + b"/caf\xe9.py"
    try:
        with open(raw, "wb") as stream:
            stream.write(FLAGGED.encode())
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    return os.fsdecode(raw)


@pytest.mark.parametrize("fmt", ["text", "concise", "table", "json", "sarif", "github", "markdown"])
def test_undecodable_file_names_never_crash(folder: Path, fmt: str) -> None:
    (folder / "bad.py").unlink()
    _undecodable_name(folder)
    run = run_conclint("scan", ".", "--format", fmt, "--no-cache")
    assert run.exit_code == 1, run.stderr
    shown = {"json": '"caf\\\\xe9.py"', "sarif": "caf%E9.py", "markdown": "caf\\\\xe9.py"}
    assert shown.get(fmt, "caf\\xe9.py") in run.stdout
    written = run_conclint("scan", ".", "--format", fmt, "-o", "report.out", "--no-cache")
    assert written.exit_code == 1, written.stderr
    data = (folder / "report.out").read_bytes()
    assert data and data.decode("utf-8")  # valid UTF-8, never an empty file
    if fmt == "sarif":
        uri = json.loads(data)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert uri["artifactLocation"]["uri"] == "caf%E9.py"


def test_control_characters_in_file_names_never_reach_the_terminal(folder: Path) -> None:
    (folder / "bad.py").rename(folder / "x\x1b]0;owned\x07.py")
    for fmt in ("text", "concise", "table", "github", "markdown", "json", "sarif"):
        run = run_conclint("scan", ".", "--format", fmt, "--no-cache")
        assert "\x1b" not in run.stdout and "\x07" not in run.stdout, fmt


def test_output_file_is_written_atomically(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = folder / "report.json"
    report.write_text("previous\n", encoding="utf-8")
    import concurrency_lint.cli.output as output

    def failing_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", failing_replace)
    run = run_conclint("scan", ".", "--format", "json", "-o", str(report))
    assert run.exit_code == 2
    assert "No space left on device" in run.stderr
    assert report.read_text(encoding="utf-8") == "previous\n"
    left = sorted(path.name for path in folder.iterdir() if path.name != ".conclint_cache")
    assert left == ["bad.py", "pyproject.toml", "report.json"]


def test_output_file_in_a_missing_folder_is_an_error_and_writes_nothing(folder: Path) -> None:
    run = run_conclint("scan", ".", "-o", "missing/report.txt")
    assert run.exit_code == 2
    assert "--output-file missing/report.txt" in run.stderr
    assert not (folder / "missing").exists()


def test_standard_input_is_shown_with_its_lines(folder: Path) -> None:
    run = run_conclint("scan", "-", "--stdin-filename", "pkg/job.py", stdin=FLAGGED)
    assert '2 | subprocess.run(["ls"])' in run.stdout.splitlines()


def test_fix_and_inventory_honour_colour_settings(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "loop.py").write_text(LOOP, encoding="utf-8")
    assert "\x1b[" not in run_conclint("fix", ".").stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    diff = run_conclint("fix", ".").stdout
    assert "\x1b[" in diff and "+++ b/loop.py" in ANSI.sub("", diff)
    assert "\x1b[" not in run_conclint("fix", ".", "--color", "never").stdout
    assert "\x1b[" in run_conclint("inventory", ".").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_conclint("inventory", ".").stdout
    assert "\x1b[" in run_conclint("inventory", ".", "--color", "always").stdout


def test_fix_escapes_file_names(folder: Path) -> None:
    (folder / "bad.py").unlink()
    (folder / "lo\x1b[7mop.py").write_text(LOOP, encoding="utf-8")
    run = run_conclint("fix", ".")
    assert "\x1b" not in run.stdout + run.stderr
    assert "+++ b/lo\\x1b[7mop.py" in run.stdout


def test_errors_escape_the_file_names_they_name(folder: Path) -> None:
    run = run_conclint("scan", "missing\x1b[2J.py")
    assert run.exit_code == 2
    assert "\x1b" not in run.stderr and "missing\\x1b[2J.py" in run.stderr
