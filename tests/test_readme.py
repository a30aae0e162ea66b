"""The README's promises that can drift: its rule table, its two set-up commands, and the
pre-commit and CI snippets (with ``action.yml`` and ``.pre-commit-hooks.yaml``), which must
run as written: YAML that parses, commands and options the CLI has, a ``rev`` that exists,
an install step before conclint runs, and a SARIF upload that findings cannot skip."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from concurrency_lint.cli import main
from concurrency_lint.cli.rules_command import rules_markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", README, re.S)
SHA = re.compile(r"^[0-9a-f]{40}$")
# Values the action's shell variables take when its commands are checked.
SHELL_VALUES = {"$PATHS": ".", "$ARGS": "--select CL2", '"$SARIF_FILE"': "out.sarif"}


def test_rule_table_is_the_catalogue() -> None:
    assert rules_markdown() in README, "regenerate with `conclint rules --format markdown`"


def test_the_two_setup_commands_come_first() -> None:
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert first_block == [
        "pip install . && conclint scan fixtures/",
        "pip install -e '.[test]' && pytest",
    ]


def check_conclint_command(line: str) -> list[str]:
    """Parse a ``conclint ...`` command line with the real CLI; fail on unknown options."""
    for variable, value in SHELL_VALUES.items():
        line = line.replace(variable, value)
    argv = shlex.split(line, comments=True)
    assert argv[0] == "conclint", line
    with click.Context(main) as context:
        command = main.get_command(context, argv[1])
        assert command is not None, f"no command {argv[1]!r}: {line}"
        try:
            command.make_context(argv[1], argv[2:], parent=context)
        except click.UsageError as exc:
            pytest.fail(f"{line}: {exc.format_message()}")
    return argv


def _documents() -> list[Any]:
    return [yaml.safe_load(block) for block in YAML_BLOCKS]


def _steps(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, dict) and "jobs" in document:
        return [step for job in document["jobs"].values() for step in job["steps"]]
    if isinstance(document, dict) and "steps" in document:
        return document["steps"]
    return []


def _commands(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip().startswith("conclint ")]


def test_every_yaml_snippet_parses() -> None:
    assert len(YAML_BLOCKS) >= 4
    for document in _documents():
        assert isinstance(document, dict)


def test_pre_commit_snippets_name_hooks_and_revisions_that_exist() -> None:
    tags = subprocess.run(
        ["git", "tag"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout.split()
    hook_ids = {hook["id"] for hook in HOOKS}
    configs = [document for document in _documents() if "repos" in document]
    assert any(repo["repo"] == "local" for config in configs for repo in config["repos"])
    for config in configs:
        for repo in config["repos"]:
            for hook in repo["hooks"]:
                if repo["repo"] == "local":
                    assert hook["language"] == "system"
                    check_conclint_command(hook["entry"])
                else:
                    assert hook["id"] in hook_ids
            if repo["repo"] != "local":
                rev = str(repo["rev"])
                assert rev in tags or SHA.match(rev), f"rev {rev!r} is neither a tag nor a SHA"


def test_pre_commit_hooks_offer_scan_and_fix() -> None:
    entries = {hook["id"]: hook["entry"] for hook in HOOKS}
    assert set(entries) == {"conclint", "conclint-fix"}
    argv = check_conclint_command(entries["conclint-fix"])
    assert argv[1] == "fix" and "--apply" in argv
    assert check_conclint_command(entries["conclint"])[1] == "scan"


def test_workflow_snippets_install_before_running_and_upload_whatever_the_findings() -> None:
    workflows = [document for document in _documents() if _steps(document)]
    assert len(workflows) >= 2
    for document in workflows:
        installed = False
        may_fail_on_findings = False
        for step in _steps(document):
            uses = step.get("uses", "")
            if uses.split("@")[0].endswith("/conclint"):
                assert SHA.match(uses.split("@")[1]), uses  # no tag exists: pin a commit
                installed = True
            if "upload-sarif" in uses:
                assert not may_fail_on_findings, "a finding would skip the SARIF upload"
            script = step.get("run", "")
            if "pip install" in script:
                installed = True
            for line in _commands(script):
                assert installed, f"{line!r} runs before conclint is installed"
                argv = check_conclint_command(line)
                if "--exit-zero" not in argv and not step.get("continue-on-error"):
                    may_fail_on_findings = True


def test_action_is_a_composite_that_installs_scans_and_uploads() -> None:
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    names = [step["name"] for step in steps]
    assert names == ["Install conclint", "Scan", "Upload SARIF", "Fail on findings"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            # Inputs reach the scripts through the environment, never pasted into them.
            assert "${{" not in step["run"]
            for line in _commands(step["run"]):
                check_conclint_command(line)
    assert steps[2]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert set(ACTION["inputs"]) >= {"paths", "args", "sarif-file", "upload-sarif"}


def _run_step(step: dict[str, Any], folder: Path, env: dict[str, str]) -> tuple[int, str, str]:
    outputs = folder / "github_output"
    outputs.touch()
    completed = subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=folder,
        env={**os.environ, **env, "GITHUB_OUTPUT": str(outputs), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return completed.returncode, completed.stdout, outputs.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("conclint") is None, reason="needs conclint on PATH")
def test_action_scan_step_writes_sarif_and_annotations_despite_findings(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text('import subprocess\nsubprocess.run(["make"])\n')
    scan = next(step for step in ACTION["runs"]["steps"] if step["name"] == "Scan")
    env = {"PATHS": ".", "ARGS": "--no-cache", "SARIF_FILE": "conclint.sarif"}
    status, stdout, outputs = _run_step(scan, tmp_path, env)
    assert status == 0, stdout
    assert stdout.startswith("::warning file=job.py,line=2")
    assert '"ruleId": "CL201"' in (tmp_path / "conclint.sarif").read_text(encoding="utf-8")
    assert "exit-code=1" in outputs.splitlines()
    failing = next(step for step in ACTION["runs"]["steps"] if step["name"] == "Fail on findings")
    assert "steps.scan.outputs.exit-code == '1'" in failing["if"]
    assert _run_step(failing, tmp_path, {})[0] == 1

    (tmp_path / "job.py").write_text("x = 1\n")
    status, stdout, outputs = _run_step(scan, tmp_path, env)
    assert status == 0 and stdout == ""
    assert "exit-code=0" in outputs.splitlines()


@pytest.mark.skipif(
    shutil.which("pre-commit") is None
    or shutil.which("git") is None
    or shutil.which("conclint") is None,
    reason="needs git, pre-commit and conclint on PATH",
)
def test_readme_local_hook_runs_as_written(tmp_path: Path) -> None:
    config = next(block for block in YAML_BLOCKS if "repo: local" in block and "conclint" in block)
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (["init", "-q"], ["config", "user.email", "d@example.com"]):
        subprocess.run(["git", *args], cwd=repo, check=True, timeout=60)
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (repo / "job.py").write_text('import subprocess\nsubprocess.run(["make"])\n')
    subprocess.run(["git", "add", "."], cwd=repo, check=True, timeout=60)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    run = subprocess.run(
        ["pre-commit", "run", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "job.py:2:1: CL201" in run.stdout


def test_action_install_step_installs_a_working_conclint(tmp_path: Path) -> None:
    install = next(step for step in ACTION["runs"]["steps"] if step["name"] == "Install conclint")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    github_path = tmp_path / "github_path"
    github_path.touch()
    env = {
        **os.environ,
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_PATH": str(github_path),
        "ACTION_PATH": str(ROOT),
        "INSTALL": "",
    }
    subprocess.run(
        ["bash", "-c", install["run"]], env=env, check=True, capture_output=True, timeout=900
    )
    (bin_folder,) = github_path.read_text(encoding="utf-8").split()
    version = subprocess.run(
        [str(Path(bin_folder) / "conclint"), "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert version.stdout.startswith("conclint")
