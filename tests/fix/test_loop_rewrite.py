"""The CL101/CL102 loop rewrite: what it produces, when it is safe, when it refuses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.fixes.text_edits import apply_edits
from concurrency_lint.model import Finding, Safety

#: A file of this repository: its project holds the runtime, so the runtime is importable.
IN_PROJECT = str(Path(__file__).resolve().parents[2] / "example.py")


def finding(code: str, rule: str = "CL101", path: str = IN_PROJECT) -> tuple[Finding, str]:
    code = textwrap.dedent(code)
    checker = FileChecker(Config(select=("CL101", "CL102")))
    found = [f for f in checker.check_text(path, code).findings if f.code == rule]
    assert len(found) == 1, found
    return found[0], code


def fixed(code: str, rule: str = "CL101", path: str = IN_PROJECT) -> tuple[str, Safety]:
    result, source = finding(code, rule, path)
    assert result.fix is not None, result.message
    assert result.fix.imports in (
        (("concurrency_lint.parallel", "run_parallel"),),
        (("concurrency_lint.parallel", "iter_parallel"),),
    )
    text = apply_edits(source, result.fix.edits)
    compile(text, "example.py", "exec")
    return text, result.fix.safety


def test_reads_with_local_accumulation_are_a_safe_fix() -> None:
    text, safety = fixed(
        """
        def load(folder):
            out = {}
            paths = sorted(folder.glob("*.txt"))
            for path in paths:
                with open(path, "rb") as fh:
                    data = fh.read()
                out[path] = len(data)
            return out
        """
    )
    assert safety is Safety.SAFE
    assert "def load_path(path):" in text
    assert "return len(data)" in text
    assert "for path, len_data, _error in run_parallel(load_path, paths, max_workers=50" in text
    assert "out[path] = len_data" in text


@pytest.mark.parametrize(
    "body",
    [
        "out.append(open(p, 'w').write('x'))",  # writes
        "out.append(subprocess.run(p, timeout=1))",  # child process
        "print(open(p).read())",  # output whose order may change
    ],
)
def test_side_effects_make_the_fix_unsafe(body: str) -> None:
    code = f"import subprocess\ndef f(ps):\n    out = []\n    for p in ps:\n        {body}\n"
    _text, safety = fixed(code)
    assert safety is Safety.UNSAFE


def test_accumulating_into_a_parameter_or_inside_try_is_unsafe() -> None:
    _text, safety = fixed("def f(ps, out):\n    for p in ps:\n        out.append(open(p).read())\n")
    assert safety is Safety.UNSAFE
    _text, safety = fixed(
        "def f(ps):\n    out = []\n    try:\n        for p in ps:\n"
        "            out.append(open(p).read())\n    except OSError:\n        return out\n"
    )
    assert safety is Safety.UNSAFE


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("for p in ps:\n    text = open(p).read()\nprint(text)\n", "`text` is bound in the loop"),
        ("for p in ps:\n    open(p).read()\nelse:\n    pass\n", "`else` clause"),
        ("class K:\n    for p in PS:\n        open(p).read()\n", "class body"),
    ],
)
def test_no_fix_when_the_split_cannot_be_proven_right(code: str, reason: str) -> None:
    result, _source = finding(code)
    assert result.fix is None
    assert "no automatic fix" in result.message and reason in result.message


def test_several_values_come_back_as_a_tuple() -> None:
    text, _safety = fixed(
        "def f(ps):\n    names, total = [], 0\n    for p in ps:\n"
        "        text = open(p).read()\n        names.append(text.strip())\n"
        "        total += len(text)\n    return names, total\n"
    )
    assert "return text.strip(), len(text)" in text
    assert "for p, (text_strip, len_text), _error in iter_parallel(" in text


def test_two_rewrites_in_one_function_get_different_names() -> None:
    code = textwrap.dedent(
        """
        def f(ps, qs):
            for p in ps:
                open(p).read()
            for p in qs:
                open(p).read()
        """
    )
    checker = FileChecker(Config(select=("CL101",)))
    findings = checker.check_text("example.py", code).findings
    text = apply_edits(code, [edit for f in findings for edit in f.fix.edits])
    assert "def load_p(p):" in text and "def load_p_2(p):" in text
    compile(text, "example.py", "exec")


def test_a_nest_becomes_one_batch_of_pairs() -> None:
    text, _safety = fixed(
        """
        import requests
        def grid(hosts, paths):
            codes = {}
            for host in hosts:
                for path in paths:
                    codes[host, path] = requests.get(host + path, timeout=5).status_code
            return codes
        """,
        rule="CL102",
    )
    assert "host, path = item" in text
    assert "((host, path) for host in hosts for path in paths)" in text  # made as read
    assert "for (host, path), status_code, _error in iter_parallel(" in text


def test_comprehension_keeps_its_filter_and_kind() -> None:
    text, safety = fixed(
        "PATHS = sorted(FOLDER.iterdir())\nsizes = {p: len(open(p).read()) for p in PATHS if p}\n"
    )
    assert safety is Safety.SAFE
    assert "\nsizes = {p: len_result for p, len_result, _error in run_parallel(" in text
    assert "lambda p: len(open(p).read()), [p for p in PATHS if p]" in text


def _run_fixed(text: str, function: str, *args):  # type: ignore[no-untyped-def]
    namespace: dict = {}
    exec(compile(text, "example.py", "exec"), namespace)  # our own test code, not scanned code
    return namespace[function](*args)


def test_an_accumulation_reading_only_the_loop_variable_runs(tmp_path: Path) -> None:
    """`ok.append(path)` needs nothing back from the work: no `()` slot to unpack into."""
    source = textwrap.dedent(
        """
        from concurrency_lint.parallel import iter_parallel, run_parallel

        def check(paths):
            ok = []
            for path in paths:
                with open(path) as fh:
                    fh.read(1)
                ok.append(path)
            return ok
        """
    )
    text, _safety = fixed(source)
    assert "()" not in text.split("def check", 1)[1]
    paths = []
    for index in range(4):
        paths.append(tmp_path / f"{index}.txt")
        paths[-1].write_text("x")
    assert _run_fixed(text, "check", paths) == paths


def test_the_loop_variable_read_after_the_loop_is_the_last_item(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """
        from concurrency_lint.parallel import iter_parallel, run_parallel

        def last(paths):
            for path in paths:
                open(path).read()
            return path
        """
    )
    text, _safety = fixed(source)
    paths = [tmp_path / f"{index}.txt" for index in range(3)]
    for path in paths:
        path.write_text("x")
    assert _run_fixed(text, "last", iter(paths)) == paths[-1]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("import itertools\nfor n in itertools.count():\n    open(f'{n}.txt').read()\n", "never"),
        ("for p in (q for q in ps):\n    open(p).read()\n", "generator expression"),
        (
            "def gen():\n    yield 'a'\nfor p in gen():\n    open(p).read()\n",
            "generator of this module",
        ),
        (
            "for rec in recs:\n    rec['n'] = len(open(rec['path']).read())\n",
            "changes `rec` in place",
        ),
        (
            "out = []\nfor p in ps:\n    text = open(p).read()\n    out.append(lambda: text)\n",
            "closure",
        ),
        (
            "import subprocess\nfor f in fs:\n    subprocess.run(['git', 'add', f], cwd=REPO)\n",
            "`git` in the same working folder",
        ),
        (
            "for p in ps:\n    data = open(p).read()\n    open('/tmp/x', 'w').write(data)\n",
            "writes the same file",
        ),
    ],
)
def test_hazards_of_running_iterations_side_by_side_get_no_fix(code: str, reason: str) -> None:
    result, _source = finding(code)
    assert result.fix is None, result.fix
    assert "no automatic fix" in result.message and reason in result.message


def test_a_shared_session_caps_the_workers_and_is_unsafe() -> None:
    text, safety = fixed(
        "import requests\ns = requests.Session()\nURLS = sorted(U)\nfor u in URLS:\n"
        "    s.get(u, timeout=5)\n"
    )
    assert "max_workers=10," in text
    assert safety is Safety.UNSAFE


def test_a_mutating_method_of_the_item_is_not_read_only() -> None:
    result, _ = finding("for p in sorted(PS):\n    p.touch_all(open(p).read())\n")
    assert result.fix is not None and result.fix.safety is Safety.UNSAFE


def test_a_loop_the_body_feeds_gets_no_fix() -> None:
    code = "todo = list(ps)\nfor p in todo:\n    text = open(p).read()\n    todo.extend(text.split())\n"
    checker = FileChecker(Config(select=("CL101",)))
    assert not [f for f in checker.check_text(IN_PROJECT, code).findings if f.fix is not None]


def test_the_guides_first_example_is_rewritten_and_runs(tmp_path: Path) -> None:
    """The accumulation inside `with open(...)` moves after the block, its value stays in."""
    source = textwrap.dedent(
        """
        from concurrency_lint.parallel import iter_parallel, run_parallel

        def load(paths):
            out = []
            for p in paths:
                with open(p) as fh:
                    out.append(fh.read())
            return out
        """
    )
    text, _safety = fixed(source)
    assert "fh_read = fh.read()" in text and "out.append(fh_read)" in text
    paths = [tmp_path / f"{n}.txt" for n in range(5)]
    for n, path in enumerate(paths):
        path.write_text(f"<{n}>")
    assert _run_fixed(text, "load", paths) == [f"<{n}>" for n in range(5)]


def test_continue_becomes_a_skip_flag_and_runs(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """
        from concurrency_lint.parallel import iter_parallel, run_parallel

        def sizes(paths):
            out, total = [], 0
            for p in paths:
                text = open(p).read()
                if not text:
                    continue
                out.append(text.strip())
                total += len(text)
            return out, total
        """
    )
    text, _safety = fixed(source)
    assert "return False, (None, None)" in text
    assert "if not kept:\n            continue" in text
    paths = [tmp_path / f"{n}.txt" for n in range(6)]
    for n, path in enumerate(paths):
        path.write_text("y" * (n % 3))
    expected = (["y", "yy", "y", "yy"], 6)
    assert _run_fixed(text, "sizes", paths) == expected


def test_a_handle_name_reused_by_another_with_block_is_no_obstacle() -> None:
    code = (
        "def f(ps):\n    for p in ps:\n        with open(p, 'w') as fh:\n            fh.write('x')\n"
        "    for q in ps:\n        with open(q) as fh:\n            print(fh.read())\n"
    )
    checker = FileChecker(Config(select=("CL101",)))
    findings = checker.check_text(IN_PROJECT, code).findings
    assert len(findings) == 2 and all(f.fix is not None for f in findings), findings


def test_an_accumulation_under_a_final_if_is_rewritten_and_runs(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """
        from concurrency_lint.parallel import iter_parallel, run_parallel

        def long_ones(paths):
            out = {}
            for p in paths:
                text = open(p).read()
                if len(text) > 2:
                    out[p.name] = text
            return out
        """
    )
    text, _safety = fixed(source)
    assert "if not (len(text) > 2):" in text
    paths = [tmp_path / f"{n}.txt" for n in range(6)]
    for n, path in enumerate(paths):
        path.write_text("z" * n)
    assert _run_fixed(text, "long_ones", paths) == {f"{n}.txt": "z" * n for n in range(3, 6)}
