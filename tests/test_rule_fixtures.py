"""Every rule fixture: exactly the marked lines are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.checking.registry import all_rules
from concurrency_lint.testing import check_fixture, expected_markers

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
FIXTURES = sorted(p for p in FIXTURE_DIR.glob("CL*.py") if not p.name.endswith(".fixed.py"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixture_reports_exactly_the_marked_lines(fixture: Path) -> None:
    outcome = check_fixture(fixture)
    assert outcome.expected, f"{fixture.name} has no markers"
    assert not outcome.missed, f"marked but not reported: {outcome.missed}"
    assert not outcome.unexpected, f"reported but not marked: {outcome.unexpected}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.CODE)
def test_every_rule_has_a_fixture_exercising_it(rule: type) -> None:
    fixture = FIXTURE_DIR / f"{rule.CODE}.py"
    assert fixture.is_file(), f"missing fixture {fixture}"
    codes = {code for _line, code in expected_markers(fixture.read_text(encoding="utf-8"))}
    assert rule.CODE in codes


def test_markers_parse_lists_and_ignore_suppression_comments() -> None:
    text = "a()  # CL201\nb()  # CL201, CL202\nc()  # noqa: CL201\nd()  # conclint: ignore[CL201]\n"
    assert expected_markers(text) == {(1, "CL201"), (2, "CL201"), (2, "CL202")}
