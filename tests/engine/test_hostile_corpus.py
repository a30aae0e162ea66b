"""A hostile corpus, generated here, scanned in one run beside 50 files that each hold one
known finding: every known finding is reported, nothing crashes, nothing hangs.

The corpus: hypothesmith programs, random bytes, odd encodings and line endings, NUL
bytes, deep nesting, 3.12+ syntax, a FIFO and a folder named ``x.py``, symlink loops;
the biggest files (a 20 MB module, a 5 MB line) are in a separate test marked ``slow``.
The run's figures (files, wall time, peak memory) are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HANG_GUARD_SECONDS = 900  # not a timing assertion: a scan that never ends must fail

KNOWN = {
    "CL201": ("import subprocess\n\n\ndef run_{n}():\n    subprocess.run(['cmd', '{n}'])\n", 5),
    "CL202": ("import requests\n\n\ndef get_{n}(url):\n    return requests.get(url)\n", 5),
    "CL403": ("import asyncio\n\n\nasync def start_{n}(job):\n    asyncio.create_task(job())\n", 5),
}


def known_findings(folder: Path) -> set[tuple[str, int, str]]:
    """50 files, each with one finding: (file name, line, code)."""
    folder.mkdir()
    expected = set()
    codes = sorted(KNOWN)
    for n in range(50):
        code = codes[n % len(codes)]
        template, line = KNOWN[code]
        name = f"known_{n:02}.py"
        (folder / name).write_text(template.format(n=n))
        expected.add((name, line, code))
    return expected


def hypothesmith_programs(folder: Path, count: int = 12) -> None:
    import hypothesmith
    from hypothesis.errors import NonInteractiveExampleWarning

    strategy = hypothesmith.from_grammar()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for n in range(count):
            (folder / f"generated_{n:02}.py").write_text(strategy.example(), encoding="utf-8")


def hostile_files(folder: Path) -> None:
    folder.mkdir()
    rng = random.Random(14)
    for n in range(8):
        (folder / f"random_{n}.py").write_bytes(rng.randbytes(rng.randrange(1, 20_000)))
    files: dict[str, bytes] = {
        "latin1_cookie.py": b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n",
        "bad_cookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
        "wrong_cookie.py": b"# coding: ascii\nx = '\xff'\n",
        "bom.py": b"\xef\xbb\xbfimport subprocess\nsubprocess.run(['a'], timeout=1)\n",
        "utf16.py": "x = 1\n".encode("utf-16"),
        "cr_only.py": b"import subprocess\rsubprocess.run(['a'], timeout=1)\r",
        "crlf.py": b"import os\r\nfor d in dirs:\r\n    print(d)\r\n",
        "mixed_endings.py": b"a = 1\rb = 2\r\nc = 3\n\x0cd = 4\n",
        "nul_in_string.py": b"x = 'a\x00b'\n",
        "nul_at_start.py": b"\x00import subprocess\n",
        "deep_parens.py": b"x = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
        "deep_lists.py": b"x = " + b"[" * 150 + b"]" * 150 + b"\n",
        "lambda_chain.py": b"x = \\\n" + b"lambda: \\\n" * 20_000 + b"1\n",
        "long_sum.py": b"import subprocess\nx = " + b"+".join([b"1"] * 50_000) + b"\n",
        "deep_indent.py": b"".join(b" " * i + b"if x:\n" for i in range(99))
        + b" " * 99
        + b"pass\n",
        "type_alias_312.py": b"type Vector = list[float]\n",
        "generic_function_312.py": b"def first[T](items: list[T]) -> T:\n    return items[0]\n",
        "nested_fstring_312.py": b"x = f\"{f'{1}'}\"\n",
        "empty.py": b"",
        "only_comment.py": b"# nothing here\n",
        "break_at_top.py": b"break\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    hypothesmith_programs(folder)
    os.mkfifo(folder / "pipe.py")
    (folder / "x.py").mkdir()
    (folder / "x.py" / "inner.py").write_text("y = 2\n")
    (folder / "loop.py").symlink_to("loop.py")
    (folder / "cycle").mkdir()
    (folder / "cycle" / "again").symlink_to("..", target_is_directory=True)


def scan_folder(folder: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """The scan's output, its wall time and the peak memory (KB) of its processes."""
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "scan", str(folder), "--format", "json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    took = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return completed, took, peak_kb


def check_report(folder: Path, expected: set[tuple[str, int, str]]) -> dict:
    completed, took, peak_kb = scan_folder(folder)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode in (1, 2), completed.stderr  # findings (and files not checked)
    report = json.loads(completed.stdout)
    reported = {(Path(f["path"]).name, f["start_line"], f["code"]) for f in report["findings"]}
    print(
        f"\nhostile corpus: {report['files_scanned']} files in {took:.1f} s, "
        f"peak memory {peak_kb / 1024:.0f} MB, {len(report['findings'])} findings"
    )
    missing = expected - reported
    assert not missing, f"known findings not reported: {sorted(missing)}"
    return report


def test_hostile_corpus_beside_50_known_findings(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = known_findings(corpus / "known")
    hostile_files(corpus / "hostile")
    check_report(corpus, expected)


@pytest.mark.slow
def test_biggest_hostile_files_beside_50_known_findings(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = known_findings(corpus / "known")
    big = corpus / "big"
    big.mkdir()
    statement = "import subprocess\n" + "subprocess.run(['a'], timeout=1)\nx = [1, 2, 3]\n" * 1
    (big / "module_20mb.py").write_text(statement * (20 * 1024 * 1024 // len(statement)))
    (big / "line_5mb.py").write_text("x = [" + "1, " * (5 * 1024 * 1024 // 3) + "]\n")
    check_report(corpus, expected)
