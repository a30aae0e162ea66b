"""``conclint baseline`` and ``scan --baseline``: only new findings, stale entries listed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import json_findings, run_conclint

SOURCE = """import subprocess


def build():
    subprocess.run(["make"])
    subprocess.run(["make"])


def push():
    subprocess.check_call(
        ["git", "push"],
    )
"""


def scan(*args: str):
    return run_conclint("scan", "--no-cache", "--format", "json", *args)


def reported(*args: str) -> list[tuple[int, str]]:
    return [(f["start_line"], f["code"]) for f in json_findings(scan(*args))]


def make_baseline(project: Path) -> Path:
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "app.py").write_text(SOURCE)
    run = run_conclint("baseline", "--no-cache")
    assert run.exit_code == 0, run.stderr
    assert "wrote 3 findings in 1 file" in run.stderr
    return project / "conclint-baseline.json"


def test_baseline_is_written_at_the_project_root(project: Path) -> None:
    (project / "src").mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "src" / "app.py").write_text(SOURCE)
    assert run_conclint("baseline", "--no-cache", "src").exit_code == 0
    document = json.loads((project / "conclint-baseline.json").read_text())
    assert {entry["path"] for entry in document["entries"]} == {"src/app.py"}
    assert [entry["occurrence"] for entry in document["entries"]].count(1) == 1


def test_output_option_and_config_key_choose_the_file(project: Path) -> None:
    (project / "app.py").write_text(SOURCE)
    assert run_conclint("baseline", "--no-cache", "--output", "ci/base.json").exit_code == 0
    assert (project / "ci" / "base.json").is_file()
    (project / "pyproject.toml").write_text('[tool.conclint]\nbaseline = "ci/base.json"\n')
    run = scan()
    assert run.exit_code == 0
    assert json_findings(run) == []
    assert "3 findings hidden by the baseline" in run.stderr


def test_everything_in_the_baseline_is_hidden(project: Path) -> None:
    baseline = make_baseline(project)
    assert reported() != []
    run = scan("--baseline", str(baseline))
    assert run.exit_code == 0
    assert json_findings(run) == []
    assert "3 findings hidden" in run.stderr


def test_entries_survive_moved_lines_and_edits_elsewhere(project: Path) -> None:
    baseline = make_baseline(project)
    moved = SOURCE.replace(
        "import subprocess\n",
        '"""Build tools."""\nimport os\nimport subprocess\n\nHOME = os.environ["HOME"]\n',
    ).replace("def push():", "def push():  # the release step\n    print('pushing')")
    moved = moved.replace('        ["git", "push"],\n    )', '["git", "push"])')  # re-wrapped
    (project / "app.py").write_text(moved)
    assert reported("--baseline", str(baseline)) == []


def test_a_new_finding_is_reported_and_a_fixed_one_listed_as_stale(project: Path) -> None:
    baseline = make_baseline(project)
    changed = SOURCE.replace(
        'subprocess.run(["make"])\n    subprocess',
        'subprocess.run(["make"], timeout=60)\n    subprocess',
        1,
    )
    changed += '\n\ndef clean():\n    subprocess.run(["make", "clean"])\n'
    (project / "app.py").write_text(changed)
    run = scan("--baseline", str(baseline))
    assert [(f["start_line"], f["code"]) for f in json_findings(run)] == [(16, "CL201")]
    assert run.exit_code == 1
    assert "1 baseline entry no longer match" in run.stderr
    assert "app.py:6: CL201" in run.stderr  # the second of two identical calls is the one gone


def test_a_deleted_file_makes_its_entries_stale(project: Path) -> None:
    baseline = make_baseline(project)
    (project / "app.py").unlink()
    (project / "other.py").write_text("x = 1\n")
    run = scan("--baseline", str(baseline))
    assert "3 baseline entries no longer match" in run.stderr


def test_missing_or_broken_baseline_is_a_clear_error(project: Path) -> None:
    (project / "app.py").write_text(SOURCE)
    run = scan("--baseline", "nope.json")
    assert run.exit_code == 2
    assert "no such file (create it with `conclint baseline`)" in run.stderr
    (project / "bad.json").write_text("{")
    run = scan("--baseline", "bad.json")
    assert run.exit_code == 2
    assert "not a JSON file" in run.stderr


def test_standard_input_is_matched_against_the_baseline(project: Path) -> None:
    baseline = make_baseline(project)
    piped = "# piped\n" + SOURCE
    run = run_conclint(
        "scan",
        "--format",
        "json",
        "--baseline",
        str(baseline),
        "-",
        "--stdin-filename",
        "app.py",
        stdin=piped,
    )
    assert json_findings(run) == []
    assert "3 findings hidden" in run.stderr


def test_innermost_statements_of_nested_and_shared_lines() -> None:
    import ast

    from concurrency_lint.sources.statements import innermost_statements

    tree = ast.parse("def f():\n    for x in y:\n        a(x); b(x)\n    return 1\n")
    found = innermost_statements(tree, [1, 2, 3, 4, 9])
    assert {line: type(node).__name__ for line, node in found.items()} == {
        1: "FunctionDef",
        2: "For",
        3: "Expr",
        4: "Return",
    }


def test_baseline_from_a_subfolder_matches_from_the_root(project: Path) -> None:
    import os

    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text(SOURCE)
    os.chdir(project / "src")
    assert run_conclint("baseline", "--no-cache").exit_code == 0
    assert (project / "conclint-baseline.json").is_file()
    os.chdir(project)
    assert reported("--baseline", "conclint-baseline.json") == []


def test_line_endings_and_the_body_of_a_compound_statement_do_not_count(project: Path) -> None:
    source = (
        "import subprocess\n\n\ndef run(items):\n"
        "    for item in items:\n        subprocess.run(['echo', item])\n"
    )
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "app.py").write_text(source)
    assert run_conclint("baseline", "--no-cache").exit_code == 0
    assert [code for _, code in reported()] == ["CL101", "CL201"]  # the loop and the call
    edited = source.replace(
        "    for item in items:\n", "    for item in items:\n        print(item)\n"
    )
    (project / "app.py").write_bytes(edited.replace("\n", "\r\n").encode())
    assert [code for _, code in reported()] == ["CL101", "CL201"]
    assert reported("--baseline", "conclint-baseline.json") == []


def test_recording_some_paths_keeps_the_other_files_entries(project: Path) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "a.py").write_text(SOURCE)
    (project / "b.py").write_text(SOURCE)
    assert run_conclint("baseline", "--no-cache").exit_code == 0
    (project / "a.py").write_text(SOURCE + "\n\ndef more():\n    subprocess.run(['x'])\n")
    run = run_conclint("baseline", "--no-cache", "a.py")
    assert "wrote 7 findings in 2 files" in run.stderr
    assert reported("--baseline", "conclint-baseline.json") == []


def test_files_that_cannot_be_checked_are_never_hidden(project: Path) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "broken.py").write_text("def f(:\n")
    (project / "app.py").write_text(SOURCE)
    assert "wrote 3 findings in 1 file" in run_conclint("baseline", "--no-cache").stderr
    assert reported("--baseline", "conclint-baseline.json") == [(1, "CL001")]
