"""The result cache: same output cold and warm, invalidated by content and configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'


@pytest.fixture
def folder(project: Path) -> Path:
    for index in range(3):
        (project / f"mod{index}.py").write_text(FLAGGED * (index + 1), encoding="utf-8")
    (project / "clean.py").write_text("x = 1\n", encoding="utf-8")
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_cold_and_warm_output_are_byte_identical(folder: Path, output_format: str) -> None:
    cold = run_conclint("scan", ".", "--format", output_format)
    assert (folder / ".conclint_cache").is_dir()
    warm = run_conclint("scan", ".", "--format", output_format)
    uncached = run_conclint("scan", ".", "--format", output_format, "--no-cache")
    assert cold.stdout == warm.stdout == uncached.stdout
    assert cold.exit_code == warm.exit_code == 1


def test_changed_file_is_rescanned(folder: Path) -> None:
    run_conclint("scan", ".")
    (folder / "mod0.py").write_text("import subprocess\nsubprocess.run(['ls'], timeout=1)\n")
    assert "mod0.py" not in run_conclint("scan", ".").stdout


def test_configuration_change_invalidates(folder: Path) -> None:
    assert "CL201" in run_conclint("scan", ".").stdout
    (folder / "pyproject.toml").write_text('[tool.conclint]\nignore = ["CL201"]\n')
    assert "CL201" not in run_conclint("scan", ".").stdout


def test_no_cache_writes_nothing(folder: Path) -> None:
    run_conclint("scan", ".", "--no-cache")
    assert not (folder / ".conclint_cache").exists()


def test_cache_dir_from_config(folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[tool.conclint]\ncache-dir = "build/lint-cache"\n')
    run_conclint("scan", ".")
    assert (folder / "build" / "lint-cache").is_dir()
    assert not (folder / ".conclint_cache").exists()


def test_corrupt_cache_is_ignored(folder: Path) -> None:
    cold = run_conclint("scan", ".", "--format", "json")
    entries = [
        entry for entry in (folder / ".conclint_cache").rglob("results-*") if entry.is_file()
    ]
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    again = run_conclint("scan", ".", "--format", "json")
    assert again.stdout == cold.stdout


def test_warm_run_does_not_import_libcst(folder: Path) -> None:
    probe = (
        "import sys\n"
        "from concurrency_lint.cli import main\n"
        "try:\n"
        "    main(['scan', '.', '--quiet'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LIBCST' if 'libcst' in sys.modules else 'NO-LIBCST', file=sys.stderr)\n"
    )

    def run_probe() -> str:
        completed = subprocess.run(
            [sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, timeout=120
        )
        return completed.stderr.strip().splitlines()[-1]

    assert run_probe() == "LIBCST"  # cold: the files had to be parsed
    assert run_probe() == "NO-LIBCST"  # warm: every result came from the cache
