"""The README's two set-up commands, run verbatim in a fresh virtualenv on a clean clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.test_readme import README

ROOT = Path(__file__).resolve().parent.parent
INNER = "CONCLINT_SETUP_COMMANDS_INNER"


def _setup_commands() -> list[str]:
    return README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()


@pytest.mark.skipif(bool(os.environ.get(INNER)), reason="already inside the clean-clone run")
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_readme_commands_work_verbatim_on_a_clean_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PYTEST", "CONCLINT"))
    }
    environment["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    environment["VIRTUAL_ENV"] = str(env_dir)
    environment[INNER] = "1"
    install_and_scan, install_and_test = _setup_commands()

    scanned = subprocess.run(
        ["bash", "-c", install_and_scan],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    # The fixtures hold findings on purpose: exit 1 with findings, not a crash (2).
    assert scanned.returncode == 1, scanned.stdout[-2000:] + scanned.stderr[-2000:]
    assert "CL201" in scanned.stdout

    tested = subprocess.run(
        ["bash", "-c", install_and_test],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert " passed" in tested.stdout.splitlines()[-1]
