"""The cache is data, never code: validated on read, written atomically, kept in its folder."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import pickle
import sys
from pathlib import Path

import pytest

from concurrency_lint.checking import cache as cache_module
from concurrency_lint.checking.cache import ResultCache
from concurrency_lint.config import Config
from concurrency_lint.inventory.model import (
    FileInventory,
    Handling,
    Parameter,
    Section,
    Use,
    ValueKind,
)
from concurrency_lint.model import Edit, FileResult, Finding, Fix, Safety, Span
from concurrency_lint.sources.digests import content_digest
from tests.conftest import run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'

RESULT = FileResult(
    "pkg/mod.py",
    (
        Finding(
            "CL201",
            "subprocess-without-timeout",
            "no timeout",
            "pkg/mod.py",
            Span(2, 1, 2, 23),
            Fix(
                "add a timeout",
                Safety.UNSAFE,
                (Edit(Span(2, 22, 2, 22), ", timeout=60"),),
                (("concurrency_lint.parallel", "run_parallel"),),
            ),
        ),
        Finding("CL001", "syntax-error", "invalid syntax", "pkg/mod.py", Span(9, 1, 9, 1)),
    ),
)


@pytest.fixture
def folder(project: Path) -> Path:
    (project / "mod.py").write_text(FLAGGED, encoding="utf-8")
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    return project


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("results-*"))


class _Payload:
    """Unpickling this writes a marker file: what a crafted cache would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "executed"))


# ---- data, not code ------------------------------------------------------------------------


def test_cache_is_json(folder: Path) -> None:
    run_conclint("scan", ".")
    files = cache_files(folder / ".conclint_cache")
    assert [path.suffix for path in files] == [".json"]
    document = json.loads(files[0].read_text())
    assert document["key"]["libcst"]
    assert "mod.py" in document["entries"]


def test_crafted_pickle_in_the_cache_is_never_run(folder: Path, tmp_path: Path) -> None:
    clean = run_conclint("scan", ".", "--format", "json", "--no-cache")
    run_conclint("scan", ".")
    marker = tmp_path / "marker"
    for path in cache_files(folder / ".conclint_cache"):
        path.write_bytes(pickle.dumps({"mod.py": _Payload(marker)}))
    again = run_conclint("scan", ".", "--format", "json")
    assert not marker.exists()
    assert again.stdout == clean.stdout


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c", "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    assert ResultCache(tmp_path / "c", "config").get(RESULT.path, "d1") == RESULT
    assert ResultCache(tmp_path / "c", "config").get(RESULT.path, "other digest") is None
    assert ResultCache(tmp_path / "c", "other config").get(RESULT.path, "d1") is None


def test_inventory_entries_round_trip(tmp_path: Path) -> None:
    inventory = FileInventory(
        "w.py",
        (
            Use(
                Section.MULTIPROCESSING,
                "w.py",
                3,
                8,
                "multiprocessing.Pool",
                (
                    Parameter("processes", "4", ValueKind.LITERAL, 4),
                    Parameter("daemon", "True", ValueKind.LITERAL, True, after_construction=True),
                    Parameter("size", "1.5", ValueKind.LITERAL, 1.5),
                ),
                (Handling("try_except", "OSError"),),
                ("pool_method",),
            ),
        ),
    )
    cache = ResultCache(tmp_path, "inventory", FileInventory)
    cache.put("w.py", "d", inventory)
    cache.save()
    loaded = ResultCache(tmp_path, "inventory", FileInventory).get("w.py", "d")
    assert loaded == inventory
    assert loaded.uses[0].parameters[1].value is True  # a bool stays a bool


def _stored_entry(tmp_path: Path, entry: object) -> ResultCache:
    cache = ResultCache(tmp_path, "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    document = json.loads(cache.file.read_text())
    document["entries"][RESULT.path] = entry
    cache.file.write_text(json.dumps(document))
    return ResultCache(tmp_path, "config")


@pytest.mark.parametrize(
    "entry",
    [
        None,
        "d1",
        ["d1"],
        ["d1", None],
        ["d1", ["pkg/mod.py", [["CL201"]]]],
        ["d1", ["pkg/mod.py", [["CL201", "n", "m", "pkg/mod.py", [1, 1, 1, "x"], None]]]],
        ["d1", ["pkg/mod.py", [["CL201", "n", "m", "pkg/mod.py", [1, 1, 1, True], None]]]],
        ["d1", ["other.py", []]],  # an entry naming another file
        ["d1", ["pkg/mod.py", [["C", "n", "m", "p", [1, 1, 1, 1], ["d", "maybe", []]]]]],
        ["d1", {"__class__": "os.system"}],
    ],
)
def test_malformed_entry_is_a_miss(tmp_path: Path, entry: object) -> None:
    assert _stored_entry(tmp_path, entry).get(RESULT.path, "d1") is None


def test_dependency_records_are_stored_once_and_read_back_in_order(tmp_path: Path) -> None:
    shared, own = "/p/pkg/__init__.py\tpkg\t1\td\ts\t", "/p/pkg/b.py\tpkg.b\t0\td\ts\t"
    first = FileResult("pkg/a.py", depends_on=(own, shared))
    second = FileResult("pkg/c.py", RESULT.findings[1:], depends_on=(shared,))
    cache = ResultCache(tmp_path, "config")
    for result in (first, second, FileResult("pkg/clean.py")):
        cache.put(result.path, "d", result)
    cache.save()
    document = json.loads(cache.file.read_text())
    assert sorted(document["records"]) == sorted([own, shared])  # each record once
    assert [len(entry) for entry in document["entries"].values()] == [3, 3, 2]
    again = ResultCache(tmp_path, "config")
    assert [again.get(result.path, "d") for result in (first, second)] == [first, second]
    assert again.get("pkg/clean.py", "d") == FileResult("pkg/clean.py")


def test_a_save_keeps_the_records_another_scan_stored(tmp_path: Path) -> None:
    records = tuple(f"/p/m{number}.py\tm{number}\t0\td\ts\t" for number in range(3))
    earlier = ResultCache(tmp_path, "config")
    earlier.put("a.py", "d", FileResult("a.py", depends_on=records[1:]))
    earlier.save()
    later = ResultCache(tmp_path, "config")
    later.put("b.py", "d", FileResult("b.py", depends_on=records[:1]))
    later.save()
    reread = ResultCache(tmp_path, "config")
    assert reread.get("a.py", "d") == FileResult("a.py", depends_on=records[1:])
    assert reread.get("b.py", "d") == FileResult("b.py", depends_on=records[:1])


@pytest.mark.parametrize("indices", [[5], [-1], ["0"], [True], 0, []])
def test_an_entry_naming_a_record_that_is_not_there_is_a_miss(
    tmp_path: Path, indices: object
) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put("a.py", "d", FileResult("a.py", depends_on=("/p/m.py\tm\t0\td\ts\t",)))
    cache.save()
    document = json.loads(cache.file.read_text())
    document["entries"]["a.py"][2] = indices
    cache.file.write_text(json.dumps(document))
    assert ResultCache(tmp_path, "config").get("a.py", "d") is None


def test_a_records_table_that_is_not_strings_is_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put("a.py", "d", FileResult("a.py", depends_on=("/p/m.py\tm\t0\td\ts\t",)))
    cache.save()
    document = json.loads(cache.file.read_text())
    document["records"] = [["not", "a", "record"]]
    cache.file.write_text(json.dumps(document))
    assert ResultCache(tmp_path, "config").get("a.py", "d") is None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[1, 2]",
        b'{"format": 2, "key": {}, "entries": {}}',
        b"\xff\xfe garbage",
        b"[" * 100_000,
    ],
)
def test_malformed_cache_file_is_a_miss(tmp_path: Path, content: bytes) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    cache.file.write_bytes(content)
    assert ResultCache(tmp_path, "config").get(RESULT.path, "d1") is None


def test_truncated_cache_file_in_a_scan_is_a_miss(folder: Path) -> None:
    clean = run_conclint("scan", ".", "--format", "json", "--no-cache")
    run_conclint("scan", ".")
    for path in cache_files(folder / ".conclint_cache"):
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    again = run_conclint("scan", ".", "--format", "json")
    assert again.exit_code == clean.exit_code
    assert again.stdout == clean.stdout


# ---- written atomically --------------------------------------------------------------------


def test_full_disk_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    before = cache.file.read_bytes()
    real_write = os.write

    def write_until_full(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module.os, "write", write_until_full)
    second = ResultCache(tmp_path, "config")
    second.put("b.py", "d2", FileResult("b.py"))
    second.save()  # does not raise
    monkeypatch.undo()
    assert sorted(path.name for path in tmp_path.iterdir()) == [".lock", cache.file.name]
    assert cache.file.read_bytes() == before


def test_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int, data: bytes) -> int:
        raise KeyboardInterrupt

    cache = ResultCache(tmp_path / "c", "config")
    cache.put(RESULT.path, "d1", RESULT)
    monkeypatch.setattr(cache_module.os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.save()
    monkeypatch.undo()
    assert not list((tmp_path / "c").glob(".tmp-*"))
    assert not cache.file.exists()


def test_two_scans_saving_keep_both_entries(tmp_path: Path) -> None:
    first = ResultCache(tmp_path, "config")
    second = ResultCache(tmp_path, "config")
    first.put("a.py", "da", FileResult("a.py"))
    second.put("b.py", "db", FileResult("b.py"))
    first.save()
    second.save()
    reread = ResultCache(tmp_path, "config")
    assert reread.get("a.py", "da") == FileResult("a.py")
    assert reread.get("b.py", "db") == FileResult("b.py")


def _save_repeatedly(folder: str, name: str) -> None:
    for round_number in range(30):
        cache = ResultCache(Path(folder), "config")
        cache.put(f"{name}{round_number}.py", "d", FileResult(f"{name}{round_number}.py"))
        cache.save()


def test_concurrent_writers_never_leave_a_broken_file(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_save_repeatedly, args=(str(tmp_path), name)) for name in "ab"
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
    assert [writer.exitcode for writer in writers] == [0, 0]
    (cache_file,) = cache_files(tmp_path)
    entries = json.loads(cache_file.read_text())["entries"]
    assert set(entries) == {f"{name}{number}.py" for name in "ab" for number in range(30)}
    assert not list(tmp_path.glob(".tmp-*"))


# ---- keyed by tool, Python and LibCST ------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda monkeypatch: monkeypatch.setattr(sys, "version", sys.version + " (other build)"),
        lambda monkeypatch: monkeypatch.setattr(cache_module, "libcst_version", lambda: "0.0.1"),
        lambda monkeypatch: monkeypatch.setattr(cache_module.concurrency_lint, "__version__", "9"),
    ],
    ids=["python", "libcst", "tool"],
)
def test_entries_are_keyed_by_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change
) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    change(monkeypatch)
    cache_module.environment_key.cache_clear()
    try:
        assert ResultCache(tmp_path, "config").get(RESULT.path, "d1") is None
    finally:
        monkeypatch.undo()
        cache_module.environment_key.cache_clear()
    assert ResultCache(tmp_path, "config").get(RESULT.path, "d1") == RESULT


def test_digest_is_of_the_bytes() -> None:
    assert content_digest(b"a") != content_digest(b"b")


# ---- where the cache lives -----------------------------------------------------------------


def test_without_a_project_file_the_user_cache_folder_is_used(
    project: Path, user_cache_home: Path
) -> None:
    (project / "mod.py").write_text(FLAGGED)
    run_conclint("scan", ".")
    assert sorted(path.name for path in project.iterdir()) == ["mod.py"]
    assert cache_files(user_cache_home / "conclint")


def test_without_xdg_the_home_cache_folder_is_used(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(home))
    (project / "mod.py").write_text(FLAGGED)
    run_conclint("scan", ".")
    assert cache_files(home / ".cache" / "conclint")
    assert sorted(path.name for path in project.iterdir()) == ["mod.py"]


def test_cache_goes_to_the_project_root_from_a_subfolder(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.py").write_text(FLAGGED)
    monkeypatch.chdir(folder / "sub")
    run_conclint("scan", ".")
    assert cache_files(folder / ".conclint_cache")
    assert sorted(path.name for path in (folder / "sub").iterdir()) == ["inner.py"]


def test_relative_cache_dir_resolves_against_the_project_root(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "pyproject.toml").write_text('[tool.conclint]\ncache-dir = "build/lint"\n')
    (folder / "sub").mkdir()
    monkeypatch.chdir(folder / "sub")
    run_conclint("scan", "..")
    assert cache_files(folder / "build" / "lint")
    assert not (folder / "sub" / "build").exists()


@pytest.mark.parametrize("value", [".", "", "./", "sub/..", "..", "../elsewhere", "/tmp/x", "a\0b"])
def test_cache_dir_at_or_outside_the_root_is_an_error(folder: Path, value: str) -> None:
    (folder / ".gitignore").write_text("dist/\n")
    escaped = json.dumps(value)  # a TOML basic string
    (folder / "pyproject.toml").write_text(f"[tool.conclint]\ncache-dir = {escaped}\n")
    run = run_conclint("scan", ".")
    assert run.exit_code == 2
    assert "cache-dir" in run.stderr and "Traceback" not in run.stderr
    assert (folder / ".gitignore").read_text() == "dist/\n"
    assert sorted(path.name for path in folder.iterdir()) == [
        ".gitignore",
        "mod.py",
        "pyproject.toml",
    ]


def test_an_existing_folder_keeps_its_gitignore(folder: Path) -> None:
    (folder / "build").mkdir()
    (folder / "build" / ".gitignore").write_text("!keep.txt\n")
    (folder / "pyproject.toml").write_text('[tool.conclint]\ncache-dir = "build"\n')
    run_conclint("scan", ".")
    assert cache_files(folder / "build")
    assert (folder / "build" / ".gitignore").read_text() == "!keep.txt\n"
    assert not (folder / "build" / "CACHEDIR.TAG").exists()


def test_a_created_folder_is_ignored_by_git(folder: Path) -> None:
    run_conclint("scan", ".")
    assert (folder / ".conclint_cache" / ".gitignore").read_text() == "*\n"
    assert (folder / ".conclint_cache" / "CACHEDIR.TAG").is_file()


def test_a_cache_folder_linked_outside_the_project_is_not_used(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (folder / ".conclint_cache").symlink_to(outside, target_is_directory=True)
    (folder / "build").symlink_to(outside, target_is_directory=True)
    run = run_conclint("scan", ".")
    assert run.exit_code == 1
    (folder / "pyproject.toml").write_text('[tool.conclint]\ncache-dir = "build/lint"\n')
    run = run_conclint("scan", ".")
    assert run.exit_code == 1
    assert list(outside.iterdir()) == []


def test_config_in_code_with_an_absolute_cache_dir(tmp_path: Path) -> None:
    config = Config(cache_dir=str(tmp_path / "c"))
    assert ResultCache.for_config(config).folder == tmp_path / "c"


def test_libcst_version_is_read_without_importing_it() -> None:
    from importlib import metadata

    assert cache_module.libcst_version() == metadata.version("libcst")


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/hostname"])
def test_a_linked_cache_file_is_not_read(tmp_path: Path, target: str) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    cache.file.unlink()
    cache.file.symlink_to(target)
    assert ResultCache(tmp_path, "config").get(RESULT.path, "d1") is None


def test_a_fifo_in_place_of_the_cache_file_does_not_hang(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put(RESULT.path, "d1", RESULT)
    cache.save()
    cache.file.unlink()
    os.mkfifo(cache.file)
    assert ResultCache(tmp_path, "config").get(RESULT.path, "d1") is None


def test_a_result_that_cannot_be_stored_is_not_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "config")
    cache.put("odd.py", "d", FileResult("odd.py", (object(),)))  # type: ignore[arg-type]
    cache.put("ok.py", "d", FileResult("ok.py"))
    cache.save()
    reread = ResultCache(tmp_path, "config")
    assert reread.get("odd.py", "d") is None
    assert reread.get("ok.py", "d") == FileResult("ok.py")
