"""What a one-file scan imports: nothing of LibCST, the rules, rich or click for a file no
rule fires on; only the rules that may fire for a file with a finding."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def imported_by_scan(path: Path) -> set[str]:
    """The modules ``conclint scan PATH --no-cache`` has imported when it exits."""
    listing = path.parent / "modules.txt"
    program = (
        "import atexit, runpy, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        f"sys.argv = ['conclint', 'scan', {str(path)!r}, '--no-cache', '-q']\n"
        "runpy.run_module('concurrency_lint', run_name='__main__')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert completed.returncode in (0, 1), completed.stderr
    return set(listing.read_text().split("\n"))


def test_a_clean_file_is_scanned_without_libcst_rules_rich_or_click(tmp_path: Path) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text(
        "import os\n\n\ndef names(folder):\n    for entry in sorted(folder):\n"
        "        yield entry.upper()\n\n\nclass Point:\n    x: int = 0\n"
    )
    modules = imported_by_scan(clean)
    assert "concurrency_lint.checking.scan" in modules  # the scan did run
    assert not {name for name in modules if name == "libcst" or name.startswith("libcst.")}
    assert not {name for name in modules if name.startswith("concurrency_lint.rules.")}
    assert "rich" not in modules
    assert not {name for name in modules if name == "click" or name.startswith("click.")}
    assert "concurrency_lint.cli.group" not in modules


def test_a_clean_file_scan_builds_no_data_classes_and_imports_no_heavy_helpers(
    tmp_path: Path,
) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("def double(x):\n    return 2 * x\n")
    modules = imported_by_scan(clean)
    assert "concurrency_lint.checking.scan" in modules  # the scan did run
    # ``dataclasses`` costs its import and ``inspect``'s, and each data class is compiled
    # at import; the records of the start-up path are named tuples.
    heavy = {"dataclasses", "inspect", "tokenize", "hashlib", "threading"}
    assert not heavy & modules


def test_a_file_with_a_finding_imports_only_the_rules_that_may_fire(tmp_path: Path) -> None:
    finding = tmp_path / "deploy.py"
    finding.write_text("import subprocess\n\nsubprocess.run(['git', 'push'])\n")
    modules = imported_by_scan(finding)
    rules = {name for name in modules if name.startswith("concurrency_lint.rules.cl")}
    assert rules == {"concurrency_lint.rules.cl201_subprocess_without_timeout"}
    assert "libcst.matchers" not in modules
    assert "click" not in modules  # a plain scan command line is read without click


def test_a_clean_file_scan_imports_no_baseline_docs_or_output_helpers(tmp_path: Path) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("def double(x):\n    return 2 * x\n")
    modules = imported_by_scan(clean)
    assert "concurrency_lint.checking.scan" in modules  # the scan did run
    unneeded = {
        "concurrency_lint.checking.baseline",  # only with --baseline or a configured one
        "concurrency_lint.cli.baseline_command",
        "concurrency_lint.cli.rule_docs",  # only for SARIF
        "concurrency_lint.checking.suppression_audit",  # only with suppression comments
        "concurrency_lint.sources.markdown",  # only for Markdown files
        "concurrency_lint.checking.ruff_overlap",  # only when deferring to ruff
        "tempfile",  # only to write --output-file
        "unicodedata",  # only to measure a finding's line
    }
    assert not unneeded & modules


def _project_modules(modules: set[str]) -> set[str]:
    return {
        name
        for name in modules
        if name.startswith("concurrency_lint.project")
        or name == "concurrency_lint.checking.project_summaries"
    }


def test_a_clean_file_that_imports_nothing_of_its_project_loads_no_project_model(
    tmp_path: Path,
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "net.py").write_text("import requests\n\n\ndef make():\n    return 1\n")
    clean = package / "clean.py"
    clean.write_text(
        "import os\nimport json\n\n\ndef names(folder):\n    return os.listdir(folder)\n"
    )
    modules = imported_by_scan(clean)
    assert "concurrency_lint.checking.scan" in modules  # the scan did run
    assert not _project_modules(modules)


def test_a_file_that_imports_its_project_asks_the_project_model(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "net.py").write_text(
        "import requests\n\n\ndef make():\n    return requests.Session()\n"
    )
    user = package / "user.py"
    user.write_text("from .net import make\n\n\ndef names():\n    return sorted(make().cookies)\n")
    assert "concurrency_lint.checking.project_summaries" in imported_by_scan(user)


def test_a_warm_scan_of_a_package_imports_no_libcst_nor_project_model(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "net.py").write_text(
        "import requests\n\n\ndef make():\n    return requests.Session()\n"
    )
    (package / "user.py").write_text(
        "from .net import make\n\n\ndef names(url):\n    return make().get(url)\n"
    )
    listing = tmp_path / "modules.txt"
    program = (
        "import atexit, runpy, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        "sys.argv = ['conclint', 'scan', 'app', '-q']\n"
        "runpy.run_module('concurrency_lint', run_name='__main__')\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    for _ in range(2):  # the first run fills the cache, the second reads it
        completed = subprocess.run(
            [sys.executable, "-c", program],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env=environment,
        )
        assert completed.returncode in (0, 1), completed.stderr
    modules = set(listing.read_text().split("\n"))
    # the dependencies were checked by their status or content: the project model was not needed
    assert "concurrency_lint.checking.project_summaries" not in modules
    assert "libcst" not in modules
    assert "click" not in modules
    assert "_hashlib" not in modules  # OpenSSL: the cache's digests need only BLAKE2


def test_a_fix_in_a_project_without_configuration_files_imports_no_toml_reader(
    tmp_path: Path,
) -> None:
    loop = tmp_path / "backup.py"
    loop.write_text(
        "import shutil\n\n\ndef back_up(names):\n    for name in names:\n"
        "        shutil.copyfile(name, name + '.bak')\n"
    )
    modules = imported_by_scan(loop)
    assert "concurrency_lint.fixes.runtime_dependency" in modules  # the loop fix was built
    assert not {"tomllib", "tomli", "configparser"} & modules  # nothing to read them from
