"""SARIF 2.1.0: structure, rule metadata, locations, fixes and stable fingerprints."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from concurrency_lint.model import Edit, Finding, Fix, RuleInfo, Safety, ScanReport, Span
from concurrency_lint.report.sarif_format import FINGERPRINT_KEY, render

DOC = """## What it does
Flags subprocess calls with no `timeout`.

## Why is this bad?
A hung child blocks forever.

## Example
```python
subprocess.run(["ls"])
```
"""
RULES = (
    RuleInfo(
        "CL201",
        "subprocess-without-timeout",
        "subprocess call without a timeout",
        "Flags subprocess calls with no `timeout`.",
        DOC,
        default_enabled=True,
        fixable=True,
    ),
    RuleInfo(
        "CL204", "blocking-wait-without-timeout", "wait without timeout", "", "", False, False
    ),
)
FIX = Fix("add timeout=30", Safety.UNSAFE, (Edit(Span(3, 21, 3, 21), ", timeout=30"),))


def _cl201(path: str, line: int, fix: Fix | None = None) -> Finding:
    return Finding(
        "CL201", "subprocess-without-timeout", "no timeout", path, Span(line, 1, line, 21), fix
    )


FINDINGS = (
    Finding("CL001", "syntax-error", "invalid syntax", "broken.py", Span(2, 5, 2, 6)),
    _cl201("pkg/a b.py", 3, FIX),
    _cl201("pkg/a b.py", 8),
    _cl201("x,y:z.py", 1),
)
REPORT = ScanReport(FINDINGS, files_scanned=4, rules=RULES, tool_version="1.2.3")


def _sarif(report: ScanReport) -> dict[str, Any]:
    return json.loads(render(report))


def _assert_region(region: dict[str, Any]) -> None:
    assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
    assert all(isinstance(value, int) and value >= 1 for value in region.values())


def _assert_artifact_location(location: dict[str, Any]) -> None:
    assert set(location) <= {"uri", "uriBaseId"}
    uri = location["uri"]
    assert "\\" not in uri and " " not in uri
    if "uriBaseId" in location:
        assert location["uriBaseId"] == "%SRCROOT%"
        # A relative reference: no scheme, no authority, not rooted.
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not uri.startswith("/")


def assert_sarif_shape(log: dict[str, Any]) -> None:
    """The SARIF 2.1.0 schema's requirements for every property this format emits."""
    assert set(log) == {"$schema", "version", "runs"}
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert set(run) <= {"tool", "results", "columnKind", "invocations", "properties"}
    for invocation in run.get("invocations", []):
        assert isinstance(invocation["executionSuccessful"], bool)
        assert isinstance(invocation.get("exitCode", 0), int)
        for notification in invocation.get("toolExecutionNotifications", []):
            assert isinstance(notification["message"]["text"], str)
    assert run["columnKind"] in ("utf16CodeUnits", "unicodeCodePoints")
    driver = run["tool"]["driver"]
    assert set(run["tool"]) == {"driver"}
    assert isinstance(driver["name"], str) and isinstance(driver["version"], str)
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))  # rules: uniqueItems
    for rule in driver["rules"]:
        assert set(rule) <= {
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "helpUri",
            "help",
            "defaultConfiguration",
            "properties",
        }
        for key in ("shortDescription", "fullDescription", "help"):
            assert set(rule[key]) <= {"text", "markdown"} and isinstance(rule[key]["text"], str)
        assert set(rule["defaultConfiguration"]) == {"enabled", "level"}
        assert rule["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
        assert isinstance(rule["defaultConfiguration"]["enabled"], bool)
    for result in run["results"]:
        assert set(result) <= {
            "ruleId",
            "ruleIndex",
            "level",
            "message",
            "locations",
            "partialFingerprints",
            "fixes",
        }
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        assert set(result["message"]) == {"text"}
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert set(physical) == {"artifactLocation", "region"}
            _assert_artifact_location(physical["artifactLocation"])
            _assert_region(physical["region"])
        assert all(isinstance(value, str) for value in result["partialFingerprints"].values())
        for fix in result.get("fixes", []):
            assert set(fix) <= {"description", "artifactChanges", "properties"}
            assert set(fix["description"]) == {"text"}
            assert len(fix["artifactChanges"]) >= 1
            for change in fix["artifactChanges"]:
                _assert_artifact_location(change["artifactLocation"])
                assert len(change["replacements"]) >= 1
                for replacement in change["replacements"]:
                    assert set(replacement) == {"deletedRegion", "insertedContent"}
                    _assert_region(replacement["deletedRegion"])
                    assert set(replacement["insertedContent"]) == {"text"}


def test_log_header_and_shape() -> None:
    log = _sarif(REPORT)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert_sarif_shape(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("conclint", "1.2.3")


def test_rules_metadata_and_engine_rule_added() -> None:
    rules = _sarif(REPORT)["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["CL201", "CL204", "CL001"]
    cl201, cl204, cl001 = rules
    assert cl201["name"] == "subprocess-without-timeout"
    # The title code scanning shows is the one-line message; the summary comes under it.
    assert cl201["shortDescription"] == {"text": "subprocess call without a timeout"}
    assert cl201["fullDescription"]["text"] == "Flags subprocess calls with no `timeout`."
    assert cl201["helpUri"].endswith("/docs/rules/CL201.md")
    assert cl001["helpUri"].endswith("/docs/rules/CL001.md")
    assert cl201["help"] == {"text": DOC, "markdown": DOC}
    assert cl201["defaultConfiguration"] == {"enabled": True, "level": "warning"}
    assert cl204["shortDescription"] == {"text": "wait without timeout"}
    assert cl204["defaultConfiguration"] == {"enabled": False, "level": "warning"}
    assert cl001["name"] == "syntax-error"
    assert cl001["defaultConfiguration"]["level"] == "error"


def test_results_locations_and_levels() -> None:
    results = _sarif(REPORT)["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("CL001", 2, "error"),
        ("CL201", 0, "warning"),
        ("CL201", 0, "warning"),
        ("CL201", 0, "warning"),
    ]
    assert results[0]["message"] == {"text": "invalid syntax"}
    assert results[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 6},
    }
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris[1] == "pkg/a%20b.py"
    assert uris[3] == "x%2Cy%3Az.py"


def test_windows_and_dot_relative_paths_become_forward_slash_uris() -> None:
    findings = (_cl201("./src\\pkg\\m.py", 1), _cl201("/abs/dir/m.py", 2))
    log = _sarif(ScanReport(findings, files_scanned=2, rules=RULES))
    assert_sarif_shape(log)
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]
    ]
    assert locations == [
        {"uri": "src/pkg/m.py", "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///abs/dir/m.py"},
    ]


def test_fix_is_an_artifact_change() -> None:
    results = _sarif(REPORT)["runs"][0]["results"]
    assert "fixes" not in results[2]
    assert results[1]["fixes"] == [
        {
            "description": {"text": "add timeout=30"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "pkg/a%20b.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 3,
                                "startColumn": 21,
                                "endLine": 3,
                                "endColumn": 21,
                            },
                            "insertedContent": {"text": ", timeout=30"},
                        }
                    ],
                }
            ],
            "properties": {"safety": "unsafe"},
        }
    ]


def _fingerprints(report: ScanReport) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in _sarif(report)["runs"][0]["results"]]


def test_fingerprint_survives_line_moves() -> None:
    before = _fingerprints(REPORT)
    moved = tuple(
        f._replace(span=Span(f.span.start_line + 40, 9, f.span.end_line + 40, 30)) for f in FINDINGS
    )
    assert _fingerprints(REPORT._replace(findings=moved)) == before


def test_identical_findings_in_one_file_get_distinct_fingerprints() -> None:
    fingerprints = _fingerprints(REPORT)
    # Findings 1 and 2: same code, path and message in one file.
    assert fingerprints[1] != fingerprints[2]
    assert len(set(fingerprints)) == len(fingerprints)


def test_fingerprint_depends_on_path_code_and_statement_not_message() -> None:
    sources = {"a.py": 'subprocess.run(["make"])\n', "b.py": 'subprocess.run(["make"])\n'}
    base = _fingerprints(ScanReport((_cl201("a.py", 1),), 1, sources=sources))
    other_path = _fingerprints(ScanReport((_cl201("b.py", 1),), 1, sources=sources))
    other_code = _fingerprints(
        ScanReport((_cl201("a.py", 1)._replace(code="CL202"),), 1, sources=sources)
    )
    # A configured number in the message (a different default timeout) changes nothing.
    other_message = _fingerprints(
        ScanReport((_cl201("a.py", 1)._replace(message="pass timeout=600"),), 1, sources=sources)
    )
    other_statement = _fingerprints(
        ScanReport((_cl201("a.py", 1),), 1, sources={"a.py": 'subprocess.run(["ls"])\n'})
    )
    # Reindenting the statement keeps it the same statement.
    reindented = _fingerprints(
        ScanReport((_cl201("a.py", 1),), 1, sources={"a.py": '    subprocess.run( ["make"])\n'})
    )
    assert base != other_path
    assert base != other_code
    assert base != other_statement
    assert base == other_message
    assert base == reindented


def test_empty_report_is_valid_with_empty_results() -> None:
    log = _sarif(ScanReport((), files_scanned=3, rules=RULES))
    assert_sarif_shape(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == 2


def test_invocation_carries_exit_status_and_notifications() -> None:
    crash = Finding("CL003", "internal-error", "CL201 crashed: boom", "x.py", Span(1, 1, 1, 1))
    report = ScanReport(
        (crash,), 1, rules=RULES, exit_code=2, notifications=("cache not writable",)
    )
    log = _sarif(report)
    assert_sarif_shape(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    notices = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["message"]["text"]) for n in notices] == [
        ("warning", "cache not writable"),
        ("error", "CL201 crashed: boom"),
    ]
    assert notices[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x.py"
    findings = _sarif(ScanReport(FINDINGS, 4, rules=RULES, exit_code=1))
    assert findings["runs"][0]["invocations"][0]["executionSuccessful"] is True
