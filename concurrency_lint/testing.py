"""Fixture harness: files whose offending lines carry ``# CL201``-style markers.

A marker is a trailing comment made only of rule codes (``# CL201`` or
``# CL201, CL202``). Options go in a header comment: ``# conclint-args: --select CL302``
(also ``--ignore``, ``--extend-select`` and ``--rule-option CL201.default-timeout=5``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import known_codes
from concurrency_lint.config import Config, toml_reader, validate_codes
from concurrency_lint.model import Finding
from concurrency_lint.sources.lines import source_lines

_MARKER = re.compile(r"#\s*(CL\d{3}(?:\s*,\s*CL\d{3})*)\s*$")
_ARGS = re.compile(r"^#\s*conclint-args:(.*)$", re.M)


@dataclass(frozen=True)
class FixtureOutcome:
    expected: frozenset[tuple[int, str]]
    reported: frozenset[tuple[int, str]]
    findings: tuple[Finding, ...]

    @property
    def missed(self) -> list[tuple[int, str]]:
        return sorted(self.expected - self.reported)

    @property
    def unexpected(self) -> list[tuple[int, str]]:
        return sorted(self.reported - self.expected)


def expected_markers(text: str) -> frozenset[tuple[int, str]]:
    """(line, code) for every marker in the text."""
    found = set()
    for number, line in enumerate(source_lines(text), start=1):
        match = _MARKER.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group(1)):
                found.add((number, code))
    return frozenset(found)


def fixture_config(text: str, base: Config | None = None) -> Config:
    """The configuration a fixture's ``# conclint-args:`` header asks for."""
    config = base or Config()
    for header in _ARGS.findall(text):
        words = shlex.split(header)
        codes = known_codes()
        options: dict[str, dict[str, object]] = {
            code: dict(opts) for code, opts in config.rule_options
        }
        for flag, value in zip(words[::2], words[1::2], strict=False):
            if flag == "--select":
                config = config._replace(select=validate_codes(value.split(","), flag, codes))
            elif flag == "--ignore":
                config = config._replace(ignore=validate_codes(value.split(","), flag, codes))
            elif flag == "--extend-select":
                config = config._replace(
                    extend_select=validate_codes(value.split(","), flag, codes)
                )
            elif flag == "--rule-option":
                target, _, raw = value.partition("=")
                code, _, key = target.partition(".")
                options.setdefault(code, {})[key] = toml_reader().loads(f"v = {raw}")["v"]
            else:
                raise ValueError(f"unknown fixture argument {flag!r}")
        config = config._replace(
            rule_options=tuple(
                sorted((code, tuple(sorted(opts.items()))) for code, opts in options.items())
            ),
        )
    return config


def check_fixture(path: Path, base: Config | None = None) -> FixtureOutcome:
    """Run the enabled rules over one fixture and compare with its markers."""
    text = path.read_text(encoding="utf-8")
    checker = FileChecker(fixture_config(text, base))
    result = checker.check_text(str(path), text, markdown=path.suffix == ".md")
    reported = frozenset((finding.span.start_line, finding.code) for finding in result.findings)
    return FixtureOutcome(expected_markers(text), reported, result.findings)
