"""The JSON format: documented schema, key order, values, determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import concurrency_lint
from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report.json_format import render

FINDING_KEYS = [
    "code",
    "name",
    "message",
    "path",
    "start_line",
    "start_column",
    "end_line",
    "end_column",
    "fix",
]
FIX = Fix(
    "add timeout=30",
    Safety.UNSAFE,
    (Edit(Span(4, 20, 4, 20), ", timeout=30"), Edit(Span(1, 1, 1, 1), "import x\n")),
)
FINDINGS = (
    Finding("CL201", "subprocess-without-timeout", "no timeout", "a.py", Span(4, 1, 4, 21), FIX),
    Finding("CL502", "lost-future-exception", "100% lost\nreally", "b,c:d.py", Span(2, 3, 5, 7)),
    Finding("CL201", "subprocess-without-timeout", "no timeout", "b,c:d.py", Span(9, 1, 9, 9)),
)
REPORT = ScanReport(FINDINGS, files_scanned=12, tool_version="9.9.9")


def test_top_level_keys_in_documented_order() -> None:
    data = json.loads(render(REPORT))
    assert list(data) == ["version", "tool", "files_scanned", "findings", "summary"]
    assert data["version"] == 1
    assert data["tool"] == {"name": "conclint", "version": "9.9.9"}
    assert data["files_scanned"] == 12


def test_findings_keep_order_and_fields() -> None:
    findings = json.loads(render(REPORT))["findings"]
    assert [list(item) for item in findings] == [FINDING_KEYS] * 3
    assert [(f["path"], f["start_line"]) for f in findings] == [
        ("a.py", 4),
        ("b,c:d.py", 2),
        ("b,c:d.py", 9),
    ]
    second = findings[1]
    assert second == {
        "code": "CL502",
        "name": "lost-future-exception",
        "message": "100% lost\nreally",
        "path": "b,c:d.py",
        "start_line": 2,
        "start_column": 3,
        "end_line": 5,
        "end_column": 7,
        "fix": None,
    }


def test_fix_object() -> None:
    fix = json.loads(render(REPORT))["findings"][0]["fix"]
    assert list(fix) == ["description", "safety", "edits"]
    assert fix["description"] == "add timeout=30"
    assert fix["safety"] == "unsafe"
    assert fix["edits"] == [
        {
            "start_line": 4,
            "start_column": 20,
            "end_line": 4,
            "end_column": 20,
            "text": ", timeout=30",
        },
        {"start_line": 1, "start_column": 1, "end_line": 1, "end_column": 1, "text": "import x\n"},
    ]


def test_summary_counts_by_code_sorted() -> None:
    summary = json.loads(render(REPORT))["summary"]
    assert summary == {"total": 3, "by_code": {"CL201": 2, "CL502": 1}}
    assert list(summary["by_code"]) == ["CL201", "CL502"]


def test_format_is_indented_deterministic_with_trailing_newline() -> None:
    out = render(REPORT)
    assert out.endswith("}\n")
    assert out.startswith('{\n  "version": 1,\n')
    assert render(REPORT) == out


def test_empty_report_and_default_version() -> None:
    data = json.loads(render(ScanReport((), files_scanned=0)))
    assert data["findings"] == []
    assert data["summary"] == {"total": 0, "by_code": {}}
    assert data["tool"]["version"] == concurrency_lint.__version__


def _key_paths(value: object, prefix: str = "") -> list[str]:
    """Every key path of a JSON value, in document order (list items merged)."""
    paths: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            paths.append(prefix + key)
            paths += _key_paths(item, prefix + key + ".")
    elif isinstance(value, list):
        for item in value[:1]:
            paths += _key_paths(item, prefix + "[]")
    return paths


def test_documented_example_matches_the_output_schema() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "output-formats.md"
    block = re.search(r"```json\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert block is not None
    example = json.loads(block.group(1))
    actual = json.loads(render(REPORT))
    # The by_code keys are data, not schema.
    schema_paths = [p for p in _key_paths(actual) if not p.startswith("summary.by_code.")]
    documented = [p for p in _key_paths(example) if not p.startswith("summary.by_code.")]
    assert documented == schema_paths
