"""What the project model costs a scan: two installs of conclint, side by side, in turns.

    python benchmarks/project_model_cost.py BEFORE_PYTHON AFTER_PYTHON [--repeat 3] [--django DIR]

Times, for each interpreter (one with conclint before the project model, one after), the
cold scan of Django (``--no-cache``), the warm scan (cache filled by a first run), and one
file of a package scanned alone (``django/db/models/query.py``, which imports many of its
package's modules), and prints the fastest run of each and the ratio after / before. Then
the peak RSS of building the model of every module of Django and of the standard library
in one process (the after interpreter). Every command runs from a temporary folder. This is
a measurement, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import wheel_source

ONE_FILE = "django/db/models/query.py"
MODEL_PEAK = """
import resource, sys
from pathlib import Path
from concurrency_lint.checking.project_summaries import ProjectSummaries
from concurrency_lint.project.layout import module_of
summaries = ProjectSummaries()
count = 0
for path in sorted(Path(sys.argv[1]).rglob("*.py")):
    if "site-packages" in path.parts:
        continue
    found = module_of(str(path))
    if found is not None:
        summaries.summary(found[0])
        count += 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{count} modules, peak RSS {peak:.0f} MB")
"""


def timed(command: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--django", type=Path, help="an unpacked Django (default: the pinned one)")
    args = parser.parse_args()
    django = args.django or wheel_source("django")
    cases = {
        "Django cold": (["scan", str(django), "--no-cache", "--exit-zero", "-q"], False),
        "Django warm": (["scan", str(django), "--exit-zero", "-q"], True),
        "one file of a package": (
            ["scan", str(django / ONE_FILE), "--no-cache", "--exit-zero", "-q"],
            False,
        ),
    }
    for name, (scan, warm) in cases.items():
        best: dict[str, float] = {}
        with (
            tempfile.TemporaryDirectory() as before_cwd,
            tempfile.TemporaryDirectory() as after_cwd,
        ):
            folders = {args.before: before_cwd, args.after: after_cwd}
            if warm:
                for python, cwd in folders.items():
                    timed([python, "-m", "concurrency_lint", *scan], cwd)
            for _ in range(args.repeat):
                for python, cwd in folders.items():
                    elapsed = timed([python, "-m", "concurrency_lint", *scan], cwd)
                    best[python] = min(best.get(python, elapsed), elapsed)
        ratio = best[args.after] / best[args.before]
        print(
            f"{name}: before {best[args.before]:.2f} s, after {best[args.after]:.2f} s,"
            f" ratio {ratio:.2f}",
            flush=True,
        )
    for label, folder in (
        ("Django", django),
        ("standard library", sysconfig.get_paths()["stdlib"]),
    ):
        with tempfile.TemporaryDirectory() as cwd:
            completed = subprocess.run(
                [args.after, "-c", MODEL_PEAK, str(folder)],
                cwd=cwd,
                capture_output=True,
                text=True,
                check=False,
            )
        print(f"model of {label}: {completed.stdout.strip() or completed.stderr.strip()}")


if __name__ == "__main__":
    main()
