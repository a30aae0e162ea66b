"""Values that end up in generated code or paths are validated before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.config import Config, load_config, target_from_requires_python
from tests.conftest import run_conclint

CODES = frozenset({"CL201"})


@pytest.fixture
def folder(project: Path) -> Path:
    (project / "app.py").write_text('import subprocess\nsubprocess.run(["ls"])\n')
    return project


def write_pyproject(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(f"[tool.conclint]\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value",
    [
        "os; import shutil; shutil.rmtree('/')",
        "pkg\nimport os",
        "pkg..runtime",
        ".runtime",
        "runtime.",
        "class.runtime",
        "pkg.1runtime",
        "pkg-runtime",
        "",
    ],
)
def test_runtime_module_must_be_a_dotted_module_name(folder: Path, value: str) -> None:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    write_pyproject(folder, f'runtime-module = "{escaped}"')
    run = run_conclint("scan", ".", "--no-cache")
    assert run.exit_code == 2
    assert "runtime-module" in run.stderr and "dotted module name" in run.stderr
    assert run.stdout == ""


def test_a_dotted_runtime_module_is_accepted(folder: Path) -> None:
    path = write_pyproject(folder, 'runtime-module = "my_project.parallel_runtime"')
    assert load_config(path, CODES).runtime_module == "my_project.parallel_runtime"
    assert run_conclint("scan", ".", "--no-cache").exit_code == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("target-version = 'py39'", "py310, py311"),
        ("target-version = '3.12'", "target-version"),
        ("max-file-size = 0", "max-file-size"),
        ("max-file-size = '2MB'", "max-file-size"),
        ("extra-cpu-calls = ['mylib.crunch()']", "qualified names"),
        ("[tool.conclint.extra-io-calls]\n'my fetch' = 'network'", "qualified names"),
        ('exclude = ["build\\u001b[2J"]', "control characters"),
    ],
)
def test_invalid_values_are_errors(folder: Path, body: str, fragment: str) -> None:
    write_pyproject(folder, body)
    run = run_conclint("scan", ".", "--no-cache")
    assert run.exit_code == 2
    assert fragment in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("requires", "target"),
    [
        (">=3.10", "py310"),
        (">= 3.12", "py312"),
        (">=3.11,<4", "py311"),
        ("~=3.13", "py313"),
        ("==3.12.*", "py312"),
        (">3.10", "py311"),
        (">=3.8", "py310"),  # below the oldest target: the oldest
        (">=3.20", "py314"),
        ("<4", None),
        ("", None),
    ],
)
def test_target_from_requires_python(requires: str, target: str | None) -> None:
    assert target_from_requires_python(requires) == target


def test_target_version_defaults_from_requires_python(folder: Path) -> None:
    path = folder / "pyproject.toml"
    path.write_text('[project]\nrequires-python = ">=3.12"\n\n[tool.conclint]\n')
    assert load_config(path, CODES).target_python() == (3, 12)


def test_conclint_toml_reads_requires_python_beside_it(folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.13"\n')
    own = folder / "conclint.toml"
    own.write_text("")
    assert load_config(own, CODES).target_version == "py313"


def test_explicit_target_version_wins(folder: Path) -> None:
    path = folder / "pyproject.toml"
    path.write_text(
        '[project]\nrequires-python = ">=3.12"\n\n[tool.conclint]\ntarget-version = "py310"\n'
    )
    assert load_config(path, CODES).target_python() == (3, 10)


def test_without_a_target_the_running_interpreter_decides() -> None:
    import sys

    assert Config().target_python() == sys.version_info[:2]
