"""SARIF 2.1.0 for code-scanning services: one run, rule metadata, results, fixes."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from concurrency_lint.model import ENGINE_CODES, Finding, Fix, RuleInfo, ScanReport, Span
from concurrency_lint.report.json_format import tool_version
from concurrency_lint.sources.display_names import unescape_name

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "conclintFingerprint/v1"
# Sections of a rule's documentation that make up its SARIF full description.
_DESCRIPTION_SECTIONS = ("What it does", "Why is this bad?")
_HEADING = re.compile(r"^##\s+(.+?)\s*$")


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
    if windows.drive and windows.is_absolute():
        return {"uri": "file:///" + quote(posix, safe="/:", errors="surrogateescape")}
    if PurePosixPath(posix).is_absolute():
        return {"uri": "file://" + quote(posix, safe="/:", errors="surrogateescape")}
    # quote() encodes ':' (and ',', '%', spaces): "a:b.py" must not read as a URI scheme.
    return {"uri": quote(posix, errors="surrogateescape"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    return {
        "startLine": max(span.start_line, 1),
        "startColumn": max(span.start_col, 1),
        "endLine": max(span.end_line, span.start_line, 1),
        "endColumn": max(span.end_col, 1),
    }


def _sections(documentation: str) -> dict[str, str]:
    """``## Heading`` -> the text under it."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_code = False
    for line in documentation.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}


def full_description(rule: RuleInfo) -> str:
    """*What it does* and *Why is this bad?*, falling back to the summary or message."""
    sections = _sections(rule.documentation)
    parts = [sections[title] for title in _DESCRIPTION_SECTIONS if sections.get(title)]
    return "\n\n".join(parts) or rule.summary or rule.message


def _rule_infos(report: ScanReport) -> list[RuleInfo]:
    """The report's rules, plus a minimal entry for any code that has none."""
    rules = list({rule.code: rule for rule in report.rules}.values())
    known = {rule.code for rule in rules}
    missing: dict[str, Finding] = {}
    for finding in report.findings:
        if finding.code not in known:
            missing.setdefault(finding.code, finding)
    for code, finding in sorted(missing.items()):
        name = ENGINE_CODES.get(code, finding.name)
        rules.append(RuleInfo(code, name, finding.message, "", "", True, False))
    return rules


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    short = rule.summary or rule.message or rule.name
    help_text = rule.documentation or short
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full_description(rule) or short},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"enabled": rule.default_enabled, "level": level(rule.code)},
        "properties": {"fixable": rule.fixable},
    }


def fingerprint(finding: Finding, occurrence: int) -> str:
    """Stable across line moves: code, path, message and the occurrence index, no position."""
    key = "\0".join((finding.code, normal_path(finding.path), finding.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


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


def result(finding: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.code),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": region(finding.span),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, occurrence)},
    }
    if finding.fix is not None and finding.fix.edits:
        entry["fixes"] = [sarif_fix(finding.path, finding.fix)]
    return entry


def to_dict(report: ScanReport) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules = _rule_infos(report)
    index = {rule.code: position for position, rule in enumerate(rules)}
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    for finding in report.findings:
        triple = (finding.code, finding.path, finding.message)
        results.append(result(finding, index[finding.code], seen[triple]))
        seen[triple] += 1
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
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(report: ScanReport, color: bool = False) -> str:
    """The SARIF log as indented JSON with a trailing newline (``color`` is ignored)."""
    return json.dumps(to_dict(report), indent=2) + "\n"
