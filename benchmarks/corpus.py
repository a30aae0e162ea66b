"""Real code to measure on: pinned PyPI wheels (downloaded once) and this machine's stdlib.

Used by the speed and precision scripts; never imported by the package or its tests.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"

# name -> exact version: results are only comparable on the same code.
PINNED = {
    "django": "5.2.19",
    "ansible-core": "2.19.14",
    "pip": "26.3",
    "distributed": "2026.8.0",
    "celery": "5.7.0",
}


def wheel_source(name: str) -> Path:
    """The unpacked wheel of a pinned project (downloaded from PyPI the first time)."""
    version = PINNED[name]
    target = DATA / "src" / f"{name}-{version}"
    if target.is_dir():
        return target
    wheels = DATA / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"{name}=={version}",
            "-d",
            str(wheels),
        ],
        check=True,
        timeout=600,
    )
    normalized = name.replace("-", "_").lower()
    wheel = next(
        p for p in wheels.glob("*.whl") if p.name.lower().startswith(f"{normalized}-{version}")
    )
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(partial)
    partial.rename(target)
    return target


def stdlib_source() -> Path:
    """This interpreter's standard library."""
    return Path(sysconfig.get_paths()["stdlib"])


def corpus(names: list[str]) -> dict[str, Path]:
    """Label -> folder, for ``stdlib`` and pinned project names."""
    return {name: stdlib_source() if name == "stdlib" else wheel_source(name) for name in names}
