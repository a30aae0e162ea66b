"""CL301-CL304: fixtures -> fixed files, the fixes' imports and refusals, the options."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.fixes.text_edits import apply_edits
from concurrency_lint.model import Finding
from concurrency_lint.testing import fixture_config

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
CODES = ("CL301", "CL302", "CL303", "CL304")


def _findings(text: str, config: Config, code: str) -> list[Finding]:
    result = FileChecker(config).check_text("example.py", text)
    return [finding for finding in result.findings if finding.code == code]


def _fixed(text: str, findings: list[Finding]) -> str:
    return apply_edits(text, [edit for f in findings if f.fix for edit in f.fix.edits])


@pytest.mark.parametrize("code", CODES)
def test_fixing_the_fixture_gives_the_fixed_file(code: str) -> None:
    source = (FIXTURES / f"{code}.py").read_text(encoding="utf-8")
    expected = (FIXTURES / f"{code}.fixed.py").read_text(encoding="utf-8")
    config = fixture_config(source)
    findings = _findings(source, config, code)
    assert any(f.fix for f in findings)
    assert all(not f.fix.imports for f in findings if f.fix), "fixtures import what fixes use"
    assert _fixed(source, findings) == expected


@pytest.mark.parametrize("code", CODES)
def test_fixing_the_fixed_file_changes_nothing(code: str) -> None:
    fixed = (FIXTURES / f"{code}.fixed.py").read_text(encoding="utf-8")
    findings = _findings(fixed, fixture_config(fixed), code)
    assert [f for f in findings if f.fix] == []
    assert _fixed(fixed, findings) == fixed


CPU_IN_THREADS = """
    {imports}
    def square_sum(n):
        return sum(i * i for i in range(n))
    if __name__ == "__main__":
        with ThreadPoolExecutor({args}) as ex:
            {body}
"""


def _cl301(
    imports: str, args: str = "", body: str = "list(ex.map(square_sum, sizes))"
) -> list[Finding]:
    code = textwrap.dedent(CPU_IN_THREADS).format(imports=imports, args=args, body=body)
    return _findings(code, Config(select=("CL301",)), "CL301")


def test_cl301_fix_brings_in_process_pool_when_not_imported() -> None:
    [finding] = _cl301("from concurrent.futures import ThreadPoolExecutor")
    assert finding.fix is not None
    assert finding.fix.imports == (("concurrent.futures", "ProcessPoolExecutor"),)
    assert [edit.text for edit in finding.fix.edits] == ["ProcessPoolExecutor"]


def test_cl301_fix_refused_when_the_swap_could_break_the_pool() -> None:
    imports = "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor"
    refused = [
        _cl301(imports, args='thread_name_prefix="w"'),  # no such process-pool argument
        _cl301(imports, body="list(ex.map(square_sum, sizes)); register(ex)"),  # pool escapes
        _cl301(imports, body="ex.map(square_sum, sizes); ex.submit(lambda: 1)"),  # lambda
        _cl301(
            "from concurrent.futures import ThreadPoolExecutor\nProcessPoolExecutor = object"
        ),  # the short name means something else
    ]
    for findings in refused:
        assert findings, "still reported"
        assert all(f.fix is None for f in findings)


def test_cl301_is_off_on_free_threaded_builds() -> None:
    code = textwrap.dedent(CPU_IN_THREADS).format(
        imports="from concurrent.futures import ThreadPoolExecutor",
        args="",
        body="list(ex.map(square_sum, sizes))",
    )
    assert _findings(code, Config(select=("CL301",)), "CL301")
    assert _findings(code, Config(select=("CL301",), free_threaded=True), "CL301") == []


def test_cl304_fix_brings_in_thread_pool_for_multiprocessing() -> None:
    code = textwrap.dedent(
        """
        import multiprocessing
        def read(path):
            with open(path) as f:
                return f.read()
        with multiprocessing.Pool(4) as pool:
            texts = pool.map(read, paths)
        """
    )
    [finding] = _findings(code, Config(select=("CL304",)), "CL304")
    assert finding.fix is not None
    assert finding.fix.imports == (("multiprocessing.pool", "ThreadPool"),)
    assert apply_edits(code, finding.fix.edits).count("with ThreadPool(4) as pool:") == 1


def test_cl304_fix_refused_when_the_pool_also_runs_cpu_work() -> None:
    code = textwrap.dedent(
        """
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
        def read(path):
            with open(path) as f:
                return f.read()
        def square_sum(n):
            return sum(i * i for i in range(n))
        with ProcessPoolExecutor() as ex:
            texts = list(ex.map(read, paths))
            sums = list(ex.map(square_sum, sizes))
        """
    )
    [finding] = _findings(code, Config(select=("CL304",)), "CL304")
    assert finding.fix is None


IO_POOL = """
    import requests
    from concurrent.futures import ThreadPoolExecutor
    def fetch(url):
        return requests.get(url, timeout=5)
    with ThreadPoolExecutor(max_workers={workers}) as ex:
        pages = list(ex.map(fetch, urls))
"""


def _with_options(code: str, options: dict[str, object]) -> Config:
    return Config(select=(code,))._replace(rule_options=((code, tuple(sorted(options.items()))),))


def test_cl302_floors_are_configurable() -> None:
    code = textwrap.dedent(IO_POOL.format(workers=30))
    assert _findings(code, Config(select=("CL302",)), "CL302")
    assert _findings(code, _with_options("CL302", {"floors": {"network": 30}}), "CL302") == []


def test_cl303_ceilings_and_max_cpu_workers() -> None:
    code = textwrap.dedent(IO_POOL.format(workers=150))
    assert _findings(code, Config(select=("CL303",)), "CL303")
    relaxed = _with_options("CL303", {"ceilings": {"network": 200}})
    assert _findings(code, relaxed, "CL303") == []
    process = "from concurrent.futures import ProcessPoolExecutor\nProcessPoolExecutor(64)\n"
    assert _findings(process, Config(select=("CL303",)), "CL303") == []
    [finding] = _findings(process, _with_options("CL303", {"max-cpu-workers": 16}), "CL303")
    assert finding.fix is not None
    assert [edit.text for edit in finding.fix.edits] == ["16"]


@pytest.mark.parametrize(
    "code",
    [
        # the pool is made at import time: every spawned child would make it again
        "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
        "with ThreadPoolExecutor() as ex:\n    list(ex.map(square_sum, sizes))\n",
        # in a function the module's top level calls
        "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
        "def main():\n    with ThreadPoolExecutor() as ex:\n        list(ex.map(square_sum, S))\n"
        "main()\n",
        # run_parallel at the top level
        "from parallel import run_parallel\ndef square_sum(n):\n    return sum(i * i for i in range(n))\n"
        "run_parallel(square_sum, sizes)\n",
    ],
)
def test_no_process_pool_where_it_would_run_at_import_time(code: str) -> None:
    source = "from concurrent.futures import ThreadPoolExecutor\n" + code
    [finding] = _findings(source, Config(select=("CL301",)), "CL301")
    assert finding.fix is None
    assert '`if __name__ == "__main__":` guard' in finding.message


def test_a_process_pool_in_a_function_called_under_the_guard_is_offered() -> None:
    source = (
        "from concurrent.futures import ThreadPoolExecutor\ndef square_sum(n):\n    return sum(i * i for i in range(n))\n"
        "def main():\n    with ThreadPoolExecutor() as ex:\n        list(ex.map(square_sum, S))\n"
        'if __name__ == "__main__":\n    main()\n'
    )
    [finding] = _findings(source, Config(select=("CL301",)), "CL301")
    assert finding.fix is not None
