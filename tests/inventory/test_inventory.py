"""``conclint inventory`` on the fixture project: golden reports, compared exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_conclint

PROJECT = FIXTURES / "inventory"
EXPECTED = PROJECT / "expected"


@pytest.fixture
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(PROJECT)
    return PROJECT


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (("--format", "markdown"), "report.en.md"),
        (("--format", "markdown", "--lang", "fr"), "report.fr.md"),
        (("--format", "json"), "report.json"),
    ],
)
def test_report_matches_golden_file(in_fixture: Path, args: tuple[str, ...], golden: str) -> None:
    run = run_conclint("inventory", "project", "--no-cache", *args)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == (EXPECTED / golden).read_text(encoding="utf-8")


def test_output_file_gets_the_same_report(in_fixture: Path, tmp_path: Path) -> None:
    target = tmp_path / "inventory.md"
    run = run_conclint(
        "inventory", "project", "--no-cache", "--format", "markdown", "--output-file", str(target)
    )
    assert run.exit_code == 0
    assert run.stdout == ""
    assert target.read_text(encoding="utf-8") == (EXPECTED / "report.en.md").read_text("utf-8")


def test_no_markdown_leaves_markdown_files_out(in_fixture: Path) -> None:
    run = run_conclint("inventory", "project", "--no-cache", "--format", "json", "--no-markdown")
    document = json.loads(run.stdout)
    paths = {use["path"] for section in document["sections"] for use in section["uses"]}
    assert paths
    assert not any(path.endswith(".md") for path in paths)
    default = json.loads((EXPECTED / "report.json").read_text("utf-8"))
    assert document["files_scanned"] == default["files_scanned"] - 1


def test_markdown_lines_point_into_the_markdown_file(in_fixture: Path) -> None:
    document = json.loads((EXPECTED / "report.json").read_text("utf-8"))
    uses = [
        use
        for section in document["sections"]
        for use in section["uses"]
        if use["path"].endswith(".md")
    ]
    lines = (PROJECT / "project/docs/scripts-open-source.md").read_text("utf-8").splitlines()
    assert {use["mechanism"] for use in uses} >= {
        "multiprocessing.Pool",
        "threading.Thread",
        "queue.PriorityQueue",
        "concurrent.futures.ProcessPoolExecutor",
    }
    for use in uses:
        short = use["mechanism"].rsplit(".", 1)[-1]
        assert short in lines[use["line"] - 1], use


def test_bad_files_are_reported_not_fatal(in_fixture: Path) -> None:
    document = json.loads((EXPECTED / "report.json").read_text("utf-8"))
    problems = {problem["path"]: problem["message"] for problem in document["problems"]}
    assert problems["project/broken.py"] == "line 3: invalid syntax"
    assert problems["project/undecodable.py"].startswith("cannot decode as utf-8")


def test_table_format_lists_every_section_with_uses(in_fixture: Path) -> None:
    run = run_conclint("inventory", "project", "--no-cache", "--format", "table", "--lang", "fr")
    assert run.exit_code == 0
    for title in (
        "1. Implémentations de multiprocessing",
        "2. Implémentations de threading",
        "3. Implémentations de concurrent.futures",
        "4. Implémentations d'asyncio",
        "5. Mécanismes de synchronisation",
        "6. Files d'attente et backpressure",
        "7. Paramètres de configuration courants",
        "8. Observations sur la gestion des erreurs",
    ):
        assert title in run.stdout
    assert "evals.py:19" in run.stdout
    assert "\x1b[" not in run.stdout  # not a terminal: no escape codes


def test_json_schema_is_stable(in_fixture: Path) -> None:
    document = json.loads((EXPECTED / "report.json").read_text("utf-8"))
    assert list(document) == [
        "schema",
        "schema_version",
        "files_scanned",
        "use_count",
        "sections",
        "parameters",
        "observations",
        "problems",
    ]
    assert (document["schema"], document["schema_version"]) == ("conclint-inventory", 1)
    assert [section["id"] for section in document["sections"]] == [
        "multiprocessing",
        "threading",
        "concurrent_futures",
        "asyncio",
        "synchronization",
        "queues",
    ]
    use = document["sections"][0]["uses"][0]
    assert list(use) == [
        "path",
        "line",
        "column",
        "mechanism",
        "detail",
        "parameters",
        "handling",
        "traits",
    ]
    counted = sum(len(section["uses"]) for section in document["sections"])
    assert counted == document["use_count"]


def test_missing_path_is_a_usage_error(in_fixture: Path) -> None:
    run = run_conclint("inventory", "no-such-folder")
    assert run.exit_code == 2
    assert "no such file or directory" in run.stderr
