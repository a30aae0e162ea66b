"""CL401 / CL403 flag every line flake8-async's overlapping checks flag, bar documented cases.

flake8-async runs as a subprocess on the same fixtures. A line it flags that the
matching rule does not must carry ``# differs: <key>``, and ``<key>`` must be listed in
the rule's *Differences from flake8-async* section; every listed key must be exercised
by some fixture line, so the documentation and this test cannot drift apart.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from concurrency_lint.checking.registry import all_rules
from concurrency_lint.testing import check_fixture

pytest.importorskip("flake8_async")

ROOT = Path(__file__).resolve().parents[2]
#: flake8-async code -> the conclint rule that must cover it.
OVERLAP = {
    **{
        code: "CL401"
        for code in (
            *("ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222"),
            *("ASYNC230", "ASYNC251"),
        )
    },
    "ASYNC300": "CL403",
}
FIXTURES = {
    "CL401": [ROOT / "fixtures/rules/CL401.py", ROOT / "fixtures/agreement/async_blocking.py"],
    "CL403": [ROOT / "fixtures/rules/CL403.py"],
}
_OUTPUT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>ASYNC\d+)")
_DIFFERS = re.compile(r"#\s*differs:\s*(?P<key>[a-z0-9-]+)")


def flake8_async_lines(path: Path) -> dict[int, set[str]]:
    """line -> overlapping flake8-async codes reported there."""
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, flake8_async; sys.exit(flake8_async.main())",
            f"--enable={','.join(OVERLAP)}",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    found: dict[int, set[str]] = {}
    for line in completed.stdout.splitlines():
        match = _OUTPUT.match(line)
        if match and match["code"] in OVERLAP:
            found.setdefault(int(match["line"]), set()).add(match["code"])
    return found


def documented_differences(code: str) -> set[str]:
    """The keys listed under the rule's *Differences from flake8-async* section."""
    doc = {rule.CODE: rule for rule in all_rules()}[code].documentation()
    section = re.search(r"## Differences from flake8-async\n(.*?)(?=\n## |\Z)", doc, re.S)
    assert section is not None, f"{code} documents no differences section"
    return set(re.findall(r"^- `([a-z0-9-]+)`:", section.group(1), re.M))


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_rule_flags_every_line_flake8_async_flags(code: str) -> None:
    documented = documented_differences(code)
    used: set[str] = set()
    checked = 0
    for path in FIXTURES[code]:
        source = path.read_text(encoding="utf-8").splitlines()
        reported = {line for line, rule in check_fixture(path).reported if rule == code}
        for line, codes in sorted(flake8_async_lines(path).items()):
            if not any(OVERLAP[c] == code for c in codes):
                continue
            checked += 1
            if line in reported:
                continue
            differs = _DIFFERS.search(source[line - 1])
            assert differs is not None, (
                f"{path.name}:{line} flagged by {sorted(codes)} but not by {code}: "
                f"{source[line - 1].strip()}"
            )
            assert differs["key"] in documented, (
                f"{path.name}:{line}: difference {differs['key']!r} is not in {code}'s docs"
            )
            used.add(differs["key"])
    assert checked >= 3, "flake8-async reported (almost) nothing: did it run?"
    assert documented <= used, f"documented but never exercised: {sorted(documented - used)}"
