"""Nothing the parsers are given can blow up: nesting, continuation lines, size."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.sources.decoding import needs_strict_precheck
from concurrency_lint.sources.parsing import MAX_ANALYSED_CHARS

TRIGGER = 'import subprocess\nsubprocess.run(["ls"])\n'


def lambda_chain(count: int) -> str:
    """``x = lambda: lambda: ... 0`` written with a backslash after every ``lambda:``."""
    return "import subprocess\nx = \\\n" + "lambda: \\\n" * count + "0\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts LibCST is asked to parse."""
    seen: list[str] = []
    real = cst.parse_module

    def counting(text: str, *args: object, **kwargs: object) -> cst.Module:
        seen.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(cst, "parse_module", counting)
    return seen


def codes_and_messages(text: str, config: Config | None = None) -> list[tuple[str, str]]:
    checker = FileChecker(config or Config(select=("CL001", "CL002", "CL201")))
    return [(f.code, f.message) for f in checker.check_text("m.py", text).findings]


def test_continuation_lines_count_as_nesting() -> None:
    assert needs_strict_precheck(lambda_chain(20_000))
    assert needs_strict_precheck("x = 1 + \\\n" * 150 + "1\n")
    assert not needs_strict_precheck("x = 1 + \\\n    2\n" * 500)


def test_a_deep_lambda_chain_never_reaches_libcst(parses: list[str]) -> None:
    (finding,) = codes_and_messages(lambda_chain(1500))
    assert finding[0] == "CL002" and "levels deep" in finding[1]
    assert parses == []


def test_twenty_thousand_continued_lambdas_in_a_memory_limited_scan(tmp_path: Path) -> None:
    """The issue's 200 KB file: reported at once, in a process allowed 2 GB."""
    (tmp_path / "deep.py").write_text(lambda_chain(20_000))
    (tmp_path / "ok.py").write_text(TRIGGER)
    limit = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "from concurrency_lint.cli import main\n"
        "main(['scan', '.', '--no-cache', '--jobs', '1', '--quiet'])\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", limit], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 1, completed.stderr
    assert "deep.py:1:1: CL001" in completed.stdout
    assert "ok.py:2:1: CL201" in completed.stdout


def test_a_file_over_max_file_size_is_reported_not_parsed(parses: list[str]) -> None:
    text = TRIGGER + "x = 1\n" * 400
    config = Config(select=("CL001", "CL002", "CL201"), max_file_size=1000)
    ((code, message),) = codes_and_messages(text, config)
    assert code == "CL002"
    assert "file too large to analyse" in message and "max-file-size" in message
    assert parses == []
    assert [code for code, _ in codes_and_messages(text)] == ["CL201"]  # default limit


def test_the_size_verdict_does_not_depend_on_triggers(parses: list[str]) -> None:
    config = Config(select=("CL001", "CL002", "CL201"), max_file_size=1000)
    plain = "x = 1\n" * 400
    assert [code for code, _ in codes_and_messages(plain, config)] == ["CL002"]


def test_a_huge_line_is_reported_before_any_parse(
    parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One line of trigger calls: pruning keeps it whole, LibCST would need minutes, and
    even the interpreter's tree of it costs a gigabyte."""
    interpreter_parses: list[str] = []
    monkeypatch.setattr(ast, "parse", lambda text, **kwargs: interpreter_parses.append(text))
    line = "import subprocess; " + 'subprocess.run(["ls"], timeout=1); ' * 40_000 + "\n"
    assert len(line) > MAX_ANALYSED_CHARS
    ((code, message),) = codes_and_messages(line)
    assert code == "CL002" and message.startswith("file too large to analyse (a line of 1.3 MB")
    assert parses == [] and interpreter_parses == []


def test_a_huge_statement_left_after_pruning_is_reported(parses: list[str]) -> None:
    text = "import subprocess\nCALLS = [\n" + '    subprocess.run(["ls"]),\n' * 45_000 + "]\n"
    assert len(text) > MAX_ANALYSED_CHARS
    ((code, message),) = codes_and_messages(text)
    assert code == "CL002" and "of statements to analyse > 1.0 MB" in message
    assert parses == []


def test_a_large_generated_module_is_still_analysed_after_pruning(parses: list[str]) -> None:
    rows = "".join(f"ROW_{index} = {{'key': {index}}}\n" for index in range(40_000))
    text = rows + TRIGGER + rows
    assert len(text) > MAX_ANALYSED_CHARS
    findings = FileChecker(Config(select=("CL201",))).check_text("g.py", text).findings
    assert [(f.code, f.span.start_line) for f in findings] == [("CL201", 40_002)]
    assert all(len(parsed) < MAX_ANALYSED_CHARS for parsed in parses)


def test_a_scan_reports_an_oversized_file_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\nmax-file-size = 4096\n")
    (tmp_path / "big.py").write_text(TRIGGER + "x = 1\n" * 2000)
    (tmp_path / "ok.py").write_text(TRIGGER)
    completed = subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "scan", ".", "--no-cache", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 1, completed.stderr
    assert "big.py:1:1: CL002 file too large to analyse (11.8 KB > 4.0 KB" in completed.stdout
    assert "ok.py:2:1: CL201" in completed.stdout


def test_the_inventory_keeps_to_the_size_budget(parses: list[str]) -> None:
    from concurrency_lint.inventory.reader import inventory_of_text

    text = "from multiprocessing import Pool\n" + "x = 1\n" * 1_500_000  # 9 MB
    inventory = inventory_of_text("big.py", text)
    assert inventory.uses == ()
    assert inventory.problem is not None and "the `max-file-size` limit" in inventory.problem
    assert parses == []
