"""How many of flake8-async's own marked blocking-call lines CL401 flags.

    python benchmarks/flake8_async_eval.py              # table and every difference
    python benchmarks/flake8_async_eval.py --check      # exit 1 on an undocumented difference
    python benchmarks/flake8_async_eval.py --download   # only fetch the sdist (for CI)

flake8-async 26.8.1's sdist ships ``tests/eval_files``, where each line it must report carries
a ``# ASYNCxxx: ...`` comment. This script downloads that sdist once (into ``.data``), takes
the files of the checks that overlap CL401 (ASYNC210, 212, 220-222, 230-231, 251), puts the
imports each file assumes but does not write above its first line (the markers' lines are
shifted back), scans them with the installed conclint (``--select CL401``) and prints how many
marked lines CL401 flags, per flake8-async code. Every difference -- a marked line CL401
does not flag (``missed``), or a line of those files CL401 flags that is not marked
(``extra``) -- must be listed, with its reason, in ``flake8_async_differences.toml`` beside
this script; ``--check`` fails on an unlisted difference, and on a listed one that is gone
(the list is stale). The scan is ``python -m concurrency_lint`` of this interpreter. The
eval files are read, never run, and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data" / "flake8-async"
VERSION = "26.8.1"
DIFFERENCES = HERE / "flake8_async_differences.toml"
#: eval file -> the flake8-async codes of it that overlap CL401.
EVAL_FILES = {
    "async210.py": {"ASYNC210"},
    "async212.py": {"ASYNC212"},
    "async22x.py": {"ASYNC220", "ASYNC221", "ASYNC222"},
    "async22x_asyncio.py": {"ASYNC220", "ASYNC221", "ASYNC222"},
    "async23x.py": {"ASYNC230", "ASYNC231"},
    "async251.py": {"ASYNC251"},
    "async251_multi_library.py": {"ASYNC251"},
}
#: The modules the eval files use without importing them (flake8-async matches names only).
ASSUMED_IMPORTS = (
    "import httpx",
    "import httpx2",
    "import os",
    "import subprocess",
    "import urllib.request",
    "from urllib import request",
    "from urllib.request import urlopen",
    "from typing import Optional",
)
#: ``# ASYNC222: 4, ...``, or ``# ASYNC222_asyncio: 4, ...`` in the files run as asyncio.
_MARKER = re.compile(r"#\s*(ASYNC\d{3})(?:_[a-z]+)?:")


def eval_dir() -> Path:
    """The unpacked ``tests/eval_files`` of the pinned sdist, downloading it once."""
    root = DATA / f"flake8_async-{VERSION}"
    if not root.is_dir():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--no-binary", ":all:", "--dest", str(DATA), f"flake8-async=={VERSION}"),
            ],
            check=True,
        )
        with tarfile.open(DATA / f"flake8_async-{VERSION}.tar.gz") as archive:
            archive.extractall(DATA, filter="data")
    return root / "tests" / "eval_files"


def marked_lines(text: str, codes: set[str]) -> dict[int, set[str]]:
    """line -> the overlapping codes its markers name."""
    marked: dict[int, set[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = {code for code in _MARKER.findall(line) if code in codes}
        if found:
            marked[number] = found
    return marked


def flagged_lines(folder: Path, shift: int) -> dict[str, set[int]]:
    """file name -> the (unshifted) lines where CL401 reports, by the installed conclint."""
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "concurrency_lint", "scan", "--select", "CL401"),
            *("--format", "json", "--no-cache", "."),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"conclint failed ({completed.returncode}):\n{completed.stderr}")
    flagged: dict[str, set[int]] = {}
    for finding in json.loads(completed.stdout)["findings"]:
        flagged.setdefault(Path(finding["path"]).name, set()).add(finding["start_line"] - shift)
    return flagged


def differences(
    marked: dict[str, dict[int, set[str]]], flagged: dict[str, set[int]]
) -> set[tuple[str, str, int]]:
    """(direction, file, line) of every line where CL401 and the markers disagree."""
    found: set[tuple[str, str, int]] = set()
    for name, lines in marked.items():
        hits = flagged.get(name, set())
        found |= {("missed", name, line) for line in lines if line not in hits}
        found |= {("extra", name, line) for line in hits if line not in lines}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on undocumented differences")
    parser.add_argument("--download", action="store_true", help="only fetch the sdist")
    options = parser.parse_args()
    source = eval_dir()
    if options.download:
        return 0
    header = "\n".join(ASSUMED_IMPORTS) + "\n"
    shift = len(ASSUMED_IMPORTS)
    marked: dict[str, dict[int, set[str]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, codes in EVAL_FILES.items():
            text = (source / name).read_text(encoding="utf-8")
            marked[name] = marked_lines(text, codes)
            (folder / name).write_text(header + text, encoding="utf-8")
        flagged = flagged_lines(folder, shift)
    listed = tomllib.loads(DIFFERENCES.read_text(encoding="utf-8"))["difference"]
    documented = {
        (entry["direction"], entry["file"], entry["line"]): entry["reason"] for entry in listed
    }
    per_code: Counter[str] = Counter()
    found_per_code: Counter[str] = Counter()
    for name, lines in marked.items():
        for line, codes in lines.items():
            hit = line in flagged.get(name, set())
            for code in codes:
                per_code[code] += 1
                found_per_code[code] += hit
    total = sum(len(lines) for lines in marked.values())
    seen = differences(marked, flagged)
    found = total - sum(direction == "missed" for direction, _, _ in seen)
    print(f"{'code':<10} {'marked':>7} {'flagged':>8}")
    for code in sorted(per_code):
        print(f"{code:<10} {per_code[code]:>7} {found_per_code[code]:>8}")
    print(f"{'lines':<10} {total:>7} {found:>8}   {found / total:.1%}")
    for direction, name, line in sorted(seen):
        reason = documented.get((direction, name, line), "UNDOCUMENTED")
        print(f"  {direction} {name}:{line}: {reason}")
    stale = sorted(set(documented) - seen)
    for direction, name, line in stale:
        print(f"  listed as {direction} but agrees now: {name}:{line}")
    if options.check and (stale or seen - set(documented)):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
