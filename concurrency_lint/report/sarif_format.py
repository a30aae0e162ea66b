"""SARIF 2.1.0 for code-scanning services: one run, rule metadata, results, fixes."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from concurrency_lint.model import (
    ENGINE_CODES,
    INTERNAL_ERROR,
    Finding,
    Fix,
    RuleInfo,
    ScanReport,
    Span,
)
from concurrency_lint.report.escaping import encodable, raw_bytes
from concurrency_lint.report.excerpt import source_lines
from concurrency_lint.report.json_format import tool_version
from concurrency_lint.report.rule_pages import ENGINE_RULES, rule_url
from concurrency_lint.report.statistics import as_data, count_by_rule
from concurrency_lint.sources.display_names import unescape_name

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
#: v2: code, path, the flagged line's text and the occurrence (v1 hashed the message).
FINGERPRINT_KEY = "conclintFingerprint/v2"


def level(code: str) -> str:
    """``error`` for the engine's own codes (file not parsed or read), else ``warning``."""
    return "error" if code in ENGINE_CODES else "warning"


def normal_path(path: str) -> str:
    """Forward slashes, no leading ``./``."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def artifact_location(path: str) -> dict[str, str]:
    """A relative path as a URI under ``%SRCROOT%``; an absolute one as a ``file`` URI."""
    posix = normal_path(unescape_name(path))  # the real name: its bytes are percent-encoded
    windows = PureWindowsPath(path)
    # The bytes the name has on disk, so an undecodable file name is percent-encoded exactly.
    encoded = raw_bytes(posix)
    if windows.drive and windows.is_absolute():
        return {"uri": "file:///" + quote(encoded, safe="/:")}
    if PurePosixPath(posix).is_absolute():
        return {"uri": "file://" + quote(encoded, safe="/:")}
    # quote() encodes ':' (and ',', '%', spaces): "a:b.py" must not read as a URI scheme.
    return {"uri": quote(encoded), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    return {
        "startLine": max(span.start_line, 1),
        "startColumn": max(span.start_col, 1),
        "endLine": max(span.end_line, span.start_line, 1),
        "endColumn": max(span.end_col, 1),
    }


def _rule_infos(report: ScanReport) -> list[RuleInfo]:
    """The report's rules, plus a minimal entry for any code that has none."""
    rules = list({rule.code: rule for rule in report.rules}.values())
    known = {rule.code for rule in rules}
    missing: dict[str, Finding] = {}
    for finding in report.findings:
        if finding.code not in known:
            missing.setdefault(finding.code, finding)
    engine = {rule.code: rule for rule in ENGINE_RULES}
    for code, finding in sorted(missing.items()):
        name = ENGINE_CODES.get(code, finding.name)
        rules.append(engine.get(code) or RuleInfo(code, name, name, "", "", True, False))
    return rules


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    """The rule's title (its one-line message), summary, documentation and help page."""
    short = rule.message or rule.summary or rule.name
    help_text = rule.documentation or rule.summary or short
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": rule.summary or short},
        "helpUri": rule_url(rule.code),
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"enabled": rule.default_enabled, "level": level(rule.code)},
        "properties": {"fixable": rule.fixable},
    }


def statement_text(finding: Finding, lines: list[str] | None) -> str:
    """The flagged line's text without its whitespace ("" when the source is unknown):
    reindenting or re-spacing a statement keeps its identity."""
    if lines is None or not 1 <= finding.span.start_line <= len(lines):
        return ""
    return "".join(lines[finding.span.start_line - 1].split())


def fingerprint(finding: Finding, statement: str, occurrence: int) -> str:
    """Stable across line moves and configured numbers in the message: code, path, the
    flagged statement's normalised text and its occurrence among identical ones."""
    key = "\0".join((finding.code, normal_path(finding.path), statement, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def sarif_fix(path: str, fix: Fix) -> dict[str, Any]:
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(path),
                "replacements": [
                    {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.text}}
                    for edit in fix.edits
                ],
            }
        ],
        "properties": {"safety": fix.safety.value},
    }


def result(finding: Finding, rule_index: int, fingerprint_value: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.code),
        "message": {"text": encodable(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": region(finding.span),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint_value},
    }
    if finding.fix is not None and finding.fix.edits:
        entry["fixes"] = [sarif_fix(finding.path, finding.fix)]
    return entry


def fingerprints(findings: tuple[Finding, ...], sources: Mapping[str, str]) -> list[str]:
    """One fingerprint per finding; identical statements in a file count their occurrence."""
    split: dict[str, list[str]] = {}
    seen: Counter[tuple[str, str, str]] = Counter()
    values = []
    for finding in findings:
        text = sources.get(finding.path)
        if text is not None and finding.path not in split:
            split[finding.path] = source_lines(text)
        statement = statement_text(finding, split.get(finding.path))
        key = (finding.code, finding.path, statement)
        values.append(fingerprint(finding, statement, seen[key]))
        seen[key] += 1
    return values


def invocation(report: ScanReport) -> dict[str, Any]:
    """How the run ended: exit status (findings are a success) and the tool's own notices."""
    entry: dict[str, Any] = {"executionSuccessful": report.exit_code in (None, 0, 1)}
    if report.exit_code is not None:
        entry["exitCode"] = report.exit_code
    notices: list[dict[str, Any]] = [
        {"level": "warning", "message": {"text": encodable(text)}} for text in report.notifications
    ]
    # A rule that crashed on a file is the tool failing, not the code: say so here too.
    notices += [
        {
            "level": "error",
            "message": {"text": encodable(finding.message)},
            "locations": [
                {"physicalLocation": {"artifactLocation": artifact_location(finding.path)}}
            ],
        }
        for finding in report.findings
        if finding.code == INTERNAL_ERROR[0]
    ]
    entry["toolExecutionNotifications"] = notices
    return entry


def to_dict(report: ScanReport) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules = _rule_infos(report)
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = [
        result(finding, index[finding.code], value)
        for finding, value in zip(
            report.findings, fingerprints(report.findings, report.sources), strict=True
        )
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "conclint",
                        "version": tool_version(report),
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "invocations": [invocation(report)],
                "columnKind": "unicodeCodePoints",
                "results": results,
                # --statistics: counts per rule (the results stay: a log without them
                # would close every open alert on upload).
                "properties": {"statistics": as_data(count_by_rule(report.findings))},
            }
        ],
    }


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """The SARIF log as indented JSON with a trailing newline (``color``, ``width`` ignored)."""
    return json.dumps(to_dict(report), indent=2) + "\n"
