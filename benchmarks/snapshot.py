"""Snapshot what conclint says about real code, to prove a change kept behaviour.

    python benchmarks/snapshot.py OUT_DIR [--python /other/venv/bin/python]
    diff -r BEFORE_DIR AFTER_DIR

For each of the seven code bases (five pinned wheels, the standard library without its
tests, the standard library's tests) it writes the scan's JSON findings (every rule,
CL204 included, fixes included) and the inventory's JSON. Two snapshots taken by two
versions of conclint on the same machine must be byte-identical when behaviour is kept.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PINNED, corpus, stdlib_source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def code_bases() -> dict[str, tuple[Path, list[str]]]:
    """Label -> (folder, extra scan arguments)."""
    bases: dict[str, tuple[Path, list[str]]] = {
        name: (folder, []) for name, folder in corpus(sorted(PINNED)).items()
    }
    stdlib = stdlib_source()
    bases["stdlib"] = (stdlib, ["--config", str(_stdlib_config())])
    bases["stdlib-tests"] = (stdlib / "test", [])
    bases["fixtures"] = (FIXTURES, [])
    return bases


def _stdlib_config() -> Path:
    config = Path(tempfile.gettempdir()) / "conclint-snapshot-stdlib.toml"
    config.write_text('extend-exclude = ["test", "site-packages"]\n', encoding="utf-8")
    return config


def run(python: str, args: list[str]) -> bytes:
    completed = subprocess.run(
        [python, "-m", "concurrency_lint", *args],
        capture_output=True,
        cwd=tempfile.gettempdir(),  # never the checkout: `-m` would import its package
        timeout=3600,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{args} failed ({completed.returncode}): {completed.stderr.decode()}")
    return completed.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", default="", help="comma-separated labels")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    for label, (folder, extra) in code_bases().items():
        if only and label not in only:
            continue
        scan = run(
            args.python,
            [
                "scan",
                str(folder),
                "--extend-select",
                "CL204",
                "--format",
                "json",
                "--no-cache",
                *extra,
            ],
        )
        (args.out / f"{label}.scan.json").write_bytes(scan)
        inventory = run(args.python, ["inventory", str(folder), "--format", "json", *extra])
        (args.out / f"{label}.inventory.json").write_bytes(inventory)
        print(f"{label}: {len(scan)} + {len(inventory)} bytes", flush=True)


if __name__ == "__main__":
    main()
