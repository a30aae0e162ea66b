"""The inventory's file handling: cache, unreadable input, process fan-out."""

from __future__ import annotations

from pathlib import Path

from concurrency_lint.config import Config
from concurrency_lint.inventory import InventoryOptions, build_inventory

POOL = "from multiprocessing import Pool\n\npool = Pool(processes=4)\n"


def test_cache_serves_unchanged_files_and_sees_changes(project: Path) -> None:
    source = project / "work.py"
    source.write_text(POOL)
    config = Config(cache_dir=str(project / "cache"))
    first = build_inventory([project], config, InventoryOptions())
    assert [use.mechanism for use in first.uses] == ["multiprocessing.Pool"]
    assert list((project / "cache").glob("results-*.json"))
    second = build_inventory([project], config, InventoryOptions())
    assert second.files == first.files
    source.write_text(POOL.replace("Pool(processes=4)", "Pool(processes=8)"))
    third = build_inventory([project], config, InventoryOptions())
    assert third.uses[0].parameters[0].written == "8"


def test_files_without_concurrency_imports_are_listed_empty(project: Path) -> None:
    (project / "plain.py").write_text("def Thread():\n    return 1\n\nThread()\n")
    inventory = build_inventory([project], Config(), InventoryOptions(use_cache=False))
    assert inventory.files_scanned == 1
    assert inventory.uses == ()
    assert inventory.problems == ()


def test_bad_input_is_a_problem_not_a_crash(project: Path) -> None:
    (project / "broken.py").write_text("import threading\nthreading.Thread(\n")
    (project / "latin.py").write_bytes(b"import queue\nq = '\xe9'\n")
    (project / "good.py").write_text(POOL)
    inventory = build_inventory([project], Config(), InventoryOptions(use_cache=False))
    problems = {file.path: file.problem for file in inventory.problems}
    assert set(problems) == {"broken.py", "latin.py"}
    assert problems["broken.py"].startswith("line ")
    assert "cannot decode" in problems["latin.py"]
    assert [use.path for use in inventory.uses] == ["good.py"]


def test_many_files_fan_out_to_processes_with_the_same_result(project: Path) -> None:
    for index in range(30):
        (project / f"mod{index:02}.py").write_text(POOL)
    options = InventoryOptions(use_cache=False)
    parallel = build_inventory([project], Config(), InventoryOptions(jobs=2, use_cache=False))
    serial = build_inventory([project], Config(), InventoryOptions(jobs=1, use_cache=False))
    assert parallel.files == serial.files
    assert len(parallel.uses) == 30
    assert options.include_markdown is True


def test_pathologically_nested_file_is_a_problem(project: Path) -> None:
    depth = 12_000
    (project / "deep.py").write_text("import threading\nx = " + "(" * depth + ")" * depth + "\n")
    inventory = build_inventory([project], Config(), InventoryOptions(use_cache=False))
    (problem,) = inventory.problems
    assert problem.path == "deep.py"
    assert problem.problem
