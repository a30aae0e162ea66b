"""A fix that adds ``from concurrency_lint.parallel import ...`` is safe only when the
scanned project can import it; a program fixed with safe fixes runs where the linter is
not installed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import known_codes
from concurrency_lint.config import Config, load_config
from concurrency_lint.model import Safety

READ_LOOP = textwrap.dedent(
    """
    import os
    import sys


    def load(folder):
        sizes = []
        names = sorted(os.listdir(folder))
        for name in names:
            with open(os.path.join(folder, name), "rb") as fh:
                data = fh.read()
            sizes.append(len(data))
        return sizes


    if __name__ == "__main__":
        print(load(sys.argv[1]))
    """
)


def _fix_of(project: Path, config: Config | None = None):  # type: ignore[no-untyped-def]
    path = project / "app" / "load.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(READ_LOOP)
    checker = FileChecker(config or Config(select=("CL101",)))
    (found,) = [f for f in checker.check_text(str(path), READ_LOOP).findings if f.code == "CL101"]
    assert found.fix is not None, found.message
    return found.fix


def test_undeclared_runtime_makes_the_fix_unsafe_and_says_what_to_add(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["rich"]\n')
    fix = _fix_of(project)
    assert fix.safety is Safety.UNSAFE
    assert "does not declare `concurrency-lint`" in fix.description
    assert "add it to its dependencies" in fix.description


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[project]\nname = "app"\ndependencies = ["Concurrency_Lint>=0.1"]\n'),
        (
            "pyproject.toml",
            '[tool.poetry.dependencies]\npython = "^3.10"\nconcurrency-lint = "*"\n',
        ),
        ("requirements.txt", "# runtime\nrequests==2.31\nconcurrency-lint ; python_version>'3'\n"),
        ("requirements-prod.txt", "concurrency.lint[extra]>=1\n"),
        ("setup.cfg", "[options]\ninstall_requires =\n    requests\n    concurrency-lint\n"),
    ],
)
def test_a_declared_runtime_makes_the_read_only_fix_safe(
    project: Path, name: str, text: str
) -> None:
    (project / name).write_text(text)
    fix = _fix_of(project)
    assert fix.safety is Safety.SAFE, fix.description
    assert fix.imports == (("concurrency_lint.parallel", "run_parallel"),)


def test_optional_dependencies_do_not_count(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\n[project.optional-dependencies]\nlint = ["concurrency-lint"]\n'
    )
    assert _fix_of(project).safety is Safety.UNSAFE


def test_a_runtime_module_set_in_the_configuration_is_trusted(project: Path) -> None:
    config_file = project / "pyproject.toml"
    config_file.write_text('[tool.conclint]\nruntime-module = "concurrency_lint.parallel"\n')
    config = load_config(config_file, known_codes())
    fix = _fix_of(project, config.with_overrides(select=("CL101",)))
    assert fix.safety is Safety.SAFE, fix.description


def test_a_runtime_inside_the_project_is_importable(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (project / "concurrency_lint").mkdir()
    (project / "concurrency_lint" / "__init__.py").write_text("")
    assert _fix_of(project).safety is Safety.SAFE


def _bare_python(folder: Path) -> Path:
    """A fresh virtualenv without pip: the standard library and nothing else."""
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(folder)
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(python: Path, script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return subprocess.run(
        [str(python), "-I", str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_safe_fixes_leave_a_program_that_runs_without_the_linter(project: Path) -> None:
    """No dependency declared: `fix --apply` (safe fixes only) must not make the program
    import the linter; the fixed program runs in a bare virtualenv with the same output."""
    (project / "pyproject.toml").write_text('[project]\nname = "app"\n')
    data = project / "data"
    data.mkdir()
    for index in range(5):
        (data / f"f{index}.txt").write_text("x" * index)
    script = project / "app.py"
    script.write_text(READ_LOOP)
    before = _run(Path(sys.executable), script, str(data))

    fixed = subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "fix", "--apply", "--no-cache", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=project,
    )
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "concurrency_lint" not in script.read_text()

    python = _bare_python(project / "bare-venv")
    missing = subprocess.run(
        [str(python), "-I", "-c", "import concurrency_lint"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode != 0 and "ModuleNotFoundError" in missing.stderr
    after = _run(python, script, str(data))
    assert (after.stdout, after.returncode) == (before.stdout, before.returncode)
    assert after.stdout.strip() == "[0, 1, 2, 3, 4]"


def test_with_the_runtime_declared_the_safe_fix_is_applied(project: Path) -> None:
    """The counterpart: once the project declares the runtime, the same command rewrites
    the loop (and the user installs what the project declares)."""
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["concurrency-lint"]\n'
    )
    script = project / "app.py"
    script.write_text(READ_LOOP)
    subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "fix", "--apply", "--no-cache", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=project,
    )
    assert "from concurrency_lint.parallel import run_parallel" in script.read_text()
