"""Files no enabled rule can fire on are not parsed by LibCST, and still checked."""

from __future__ import annotations

import libcst as cst
import pytest

from concurrency_lint.analysis.import_screen import may_import_any
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config

LOOPS_WITHOUT_IO = "import os\n\nfor key in keys:\n    table.get(key)\n"
LOOP_WITH_IO = "import os\n\nfor name in names:\n    os.listdir(name)\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts LibCST is asked to parse."""
    seen: list[str] = []
    real = cst.parse_module

    def counting(text: str) -> cst.Module:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(cst, "parse_module", counting)
    return seen


def test_loops_without_io_are_not_parsed_by_libcst(parses: list[str]) -> None:
    checker = FileChecker(Config(select=("CL101", "CL102")))
    assert checker.check_text("a.py", LOOPS_WITHOUT_IO).findings == ()
    assert parses == []
    assert [f.code for f in checker.check_text("b.py", LOOP_WITH_IO).findings] == ["CL101"]
    assert parses == [LOOP_WITH_IO]


def test_a_file_without_the_required_import_is_not_parsed(parses: list[str]) -> None:
    checker = FileChecker(Config(select=("CL201",)))
    assert checker.check_text("a.py", "subprocess.run(cmd)\n").findings == ()
    assert parses == []


def test_a_screened_file_still_gets_its_syntax_checked(parses: list[str]) -> None:
    checker = FileChecker(Config(select=("CL101", "CL001")))
    broken = "import os\n\nfor key in keys:\n    table.get(key\n"
    (finding,) = checker.check_text("a.py", broken).findings
    assert (finding.code, finding.span.start_line) == ("CL001", 4)
    assert parses == []


def test_an_unscreened_rule_beside_a_loop_rule_still_gets_the_file_parsed(
    parses: list[str],
) -> None:
    checker = FileChecker(Config(select=("CL101", "CL201")))
    text = "import subprocess\n\nfor key in keys:\n    table.get(key)\n"
    checker.check_text("a.py", text)
    assert parses == [text]


def test_async_code_without_blocking_calls_or_awaits_in_loops_is_not_parsed(
    parses: list[str],
) -> None:
    checker = FileChecker(Config(select=("CL103", "CL401")))
    quiet = "async def f(client, keys):\n    total = await client.count()\n    return total\n"
    assert checker.check_text("a.py", quiet).findings == ()
    assert parses == []
    blocking = "import time\n\nasync def f():\n    time.sleep(1)\n"
    assert [f.code for f in checker.check_text("b.py", blocking).findings] == ["CL401"]
    assert parses == [blocking]


def test_a_megabyte_line_of_imports_is_screened_like_any_other(parses: list[str]) -> None:
    """One line of 50,000 imports (just under the 1 MB line budget): the import check reads
    each line once (a search from every ``import`` to the line's end would take hours here)."""
    text = "x = 1; import os; " * 50_000 + "\n"
    checker = FileChecker(Config(select=("CL201", "CL202")))
    assert checker.check_text("long.py", text).findings == ()
    assert parses == []
    assert may_import_any(text + "import subprocess\n", {"subprocess.run"})


def test_a_long_line_of_many_statements_is_pruned_as_one(parses: list[str]) -> None:
    """A large module whose first line holds 60,000 statements: pruning weighs that
    line once, not once per statement, and drops it."""
    text = "x = 1; y = 2; " * 60_000 + "\nimport subprocess\nsubprocess.run(cmd)\n"
    checker = FileChecker(Config(select=("CL201",)))
    (finding,) = checker.check_text("long.py", text).findings
    assert (finding.code, finding.span.start_line) == ("CL201", 3)
    assert len(parses) == 1 and len(parses[0]) < 100


def test_syntax_newer_than_the_interpreter_is_left_to_libcst(parses: list[str]) -> None:
    """``type`` statements of a project targeting 3.12 parse in LibCST whatever the
    interpreter running the scan: the second look, which needs the interpreter's parser,
    steps aside."""
    text = (
        "type Paths = list[str]\n\n"
        "def read_all(paths: Paths) -> list[str]:\n"
        "    texts = []\n"
        "    for path in paths:\n"
        "        with open(path) as handle:\n"
        "            texts.append(handle.read())\n"
        "    return texts\n"
    )
    checker = FileChecker(Config(select=("CL101", "CL001"), target_version="py312"))
    assert [f.code for f in checker.check_text("new.py", text).findings] == ["CL101"]
    assert parses == [text]
