"""Accumulations that do not end the loop body: recorded by the worker, replayed in order."""

from __future__ import annotations

import textwrap
from pathlib import Path

from concurrency_lint.fixes.loop_replay import GUARDED_REASON
from concurrency_lint.model import Safety
from tests.fix.test_loop_rewrite import _run_fixed, finding, fixed

_IMPORTS = "import os\nfrom concurrency_lint.parallel import iter_parallel, run_parallel\n"


def _files(folder: Path, sizes: list[int]) -> list[Path]:
    paths = []
    for index, size in enumerate(sizes):
        paths.append(folder / f"{index}.txt")
        paths[-1].write_text("x" * size)
    return paths


def test_if_else_branches_are_replayed_in_input_order(tmp_path: Path) -> None:
    source = _IMPORTS + textwrap.dedent(
        """
        def split(paths):
            small, big = [], {}
            for path in list(paths):
                with open(path) as fh:
                    text = fh.read()
                if len(text) < 3:
                    small.append(path)
                else:
                    big[path] = len(text)
            return small, big
        """
    )
    text, safety = fixed(source)
    assert safety is Safety.SAFE
    assert "collected.append((0, None))" in text and "if step == 0:" in text
    paths = _files(tmp_path, [1, 5, 2, 7])
    assert _run_fixed(text, "split", paths) == _run_fixed(source, "split", paths)


def test_an_accumulation_in_a_nested_loop_is_replayed(tmp_path: Path) -> None:
    source = _IMPORTS + textwrap.dedent(
        """
        def names(folders):
            found = []
            for folder in list(folders):
                for name in sorted(os.listdir(folder)):
                    if name.endswith(".txt"):
                        found.append(name)
            return found
        """
    )
    text, safety = fixed(source)
    assert safety is Safety.SAFE
    assert "for name in collected:\n            found.append(name)" in text
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
        _files(folder, [1, 2])
        (folder / "skip.bin").write_text("")
    assert _run_fixed(text, "names", folders) == ["0.txt", "1.txt", "0.txt", "1.txt"]


def test_a_generator_extended_per_inner_item_is_computed_in_place(tmp_path: Path) -> None:
    """`extend((root, f) for f in files)` reads the inner loop's `root`: made a list in the
    worker, it cannot see a later `root`."""
    source = _IMPORTS + textwrap.dedent(
        """
        def walk(folders):
            found = []
            for folder in list(folders):
                for root, dirs, files in os.walk(folder):
                    found.extend((os.path.basename(root), f) for f in sorted(files))
            return sorted(found)
        """
    )
    text, _safety = fixed(source)
    assert "collected.append([(os.path.basename(root), f) for f in sorted(files)])" in text
    (tmp_path / "a" / "deep").mkdir(parents=True)
    _files(tmp_path / "a", [1])
    _files(tmp_path / "a" / "deep", [1, 1])
    assert _run_fixed(text, "walk", [tmp_path / "a"]) == _run_fixed(
        source, "walk", [tmp_path / "a"]
    )


def test_continue_returns_what_the_item_recorded_so_far(tmp_path: Path) -> None:
    source = _IMPORTS + textwrap.dedent(
        """
        def heads(paths):
            seen, out = [], []
            for path in list(paths):
                seen.append(path)
                try:
                    fh = open(path)
                except OSError:
                    continue
                try:
                    out.append(fh.read(2))
                finally:
                    fh.close()
            return seen, out
        """
    )
    text, safety = fixed(source)
    assert safety is Safety.SAFE
    assert "return collected" in text.split("except OSError:", 1)[1].split("\n", 2)[1]
    paths = _files(tmp_path, [3, 1])
    paths.insert(1, tmp_path / "missing.txt")
    assert _run_fixed(text, "heads", paths) == _run_fixed(source, "heads", paths)


def test_an_accumulation_a_broad_handler_could_catch_is_unsafe() -> None:
    for block in (
        "try:\n            table[p] = open(p).read()\n        except Exception:\n            pass",
        "with suppress(OSError):\n            table[p] = open(p).read()",
    ):
        code = (
            "from contextlib import suppress\ndef f(ps):\n    table = {}\n    for p in ps:\n"
            f"        {block}\n    return table\n"
        )
        result, _source = finding(code)
        assert result.fix is not None and result.fix.safety is Safety.UNSAFE
        assert GUARDED_REASON in result.fix.description


def test_a_narrow_handler_keeps_the_replay_safe() -> None:
    result, _source = finding(
        "def f(ps):\n    table = {}\n    for p in list(ps):\n        try:\n"
        "            table[p] = open(p).read()\n        except OSError:\n            table[p] = None\n"
        "    return table\n"
    )
    assert result.fix is not None and result.fix.safety is Safety.SAFE, result.fix


def test_an_accumulation_before_the_work_is_replayed(tmp_path: Path) -> None:
    source = _IMPORTS + textwrap.dedent(
        """
        def sizes(paths):
            order, sizes = [], []
            for path in list(paths):
                order.append(path)
                with open(path) as fh:
                    sizes.append(len(fh.read()))
            return order, sizes
        """
    )
    text, safety = fixed(source)
    assert safety is Safety.SAFE
    paths = _files(tmp_path, [4, 1, 3])
    assert _run_fixed(text, "sizes", paths) == _run_fixed(source, "sizes", paths)


def test_a_nest_whose_outer_loop_does_work_runs_the_outer_items_side_by_side(
    tmp_path: Path,
) -> None:
    source = _IMPORTS + textwrap.dedent(
        """
        def sizes(groups):
            found = {}
            for group, paths in sorted(groups.items()):
                prefix = group.upper()
                for path in paths:
                    with open(path) as fh:
                        found[prefix + str(path)[-5:]] = len(fh.read())
            return found
        """
    )
    text, safety = fixed(source, rule="CL102")
    assert safety is Safety.SAFE
    assert "def load_item(item):\n        group, paths = item" in text
    (tmp_path / "b").mkdir()
    groups = {"a": _files(tmp_path, [1, 2]), "b": _files(tmp_path / "b", [3])}
    assert _run_fixed(text, "sizes", groups) == _run_fixed(source, "sizes", groups)


def test_a_generator_consumed_where_it_is_made_is_no_late_closure() -> None:
    for line in (
        "if any(s.startswith(text) for s in skip):\n            continue",
        "(first,) = (x for x in text.split() if x)",
        "size = sum(len(x) for x in text.split(path))",
    ):
        result, _source = finding(
            "def f(paths, skip):\n    out = []\n    for path in list(paths):\n"
            "        text = open(path).read()\n"
            f"        {line}\n        out.append(text)\n    return out\n"
        )
        assert result.fix is not None, (line, result.message)


def test_a_generator_kept_past_its_iteration_still_gets_no_fix() -> None:
    result, _source = finding(
        "def f(paths):\n    out = []\n    for path in list(paths):\n"
        "        text = open(path).read()\n        lines = (x + path for x in text.split())\n"
        "        out.append(lines)\n    return out\n"
    )
    assert result.fix is None and "closure made in the loop" in result.message


def test_a_multi_line_string_keeps_its_text(tmp_path: Path) -> None:
    source = _IMPORTS + textwrap.dedent(
        '''
        def framed(paths):
            out = []
            for path in list(paths):
                with open(path) as fh:
                    text = fh.read()
                if text:
                    out.append(f"""
            {text}
              -- end""")
            return out
        '''
    )
    text, _safety = fixed(source)
    assert '"""\n    {text}\n      -- end"""' in text
    paths = _files(tmp_path, [2, 0, 3])
    assert _run_fixed(text, "framed", paths) == _run_fixed(source, "framed", paths)


def test_copying_an_object_the_work_changes_later_gets_no_fix() -> None:
    """`out.extend(row)` copies what `row` holds then; replayed after the item's work it
    would copy the row `row.append` filled."""
    result, _source = finding(
        "def f(paths):\n    out = []\n    for path in list(paths):\n        row = [path]\n"
        "        out.extend(row)\n        row.append(open(path).read())\n    return out\n"
    )
    assert result.fix is None and "changes in place" in result.message


def test_appending_an_object_the_work_fills_later_is_replayed(tmp_path: Path) -> None:
    source = _IMPORTS + textwrap.dedent(
        """
        def rows(paths):
            out = []
            for path in list(paths):
                row = [path.name]
                out.append(row)
                with open(path) as fh:
                    row.append(fh.read())
            return out
        """
    )
    text, _safety = fixed(source)
    paths = _files(tmp_path, [1, 2])
    assert _run_fixed(text, "rows", paths) == [["0.txt", "x"], ["1.txt", "xx"]]


def test_the_replay_binds_no_name_the_function_reads(tmp_path: Path) -> None:
    """A record with no value is looped over with a fresh name, not `_` (gettext's)."""
    source = _IMPORTS + textwrap.dedent(
        """
        _ = str.upper

        def readable(paths):
            title = _("found")
            ok = []
            for path in list(paths):
                with open(path) as fh:
                    if fh.read(1):
                        ok.append(path.name)
            return title, ok
        """
    )
    text, _safety = fixed(source)
    paths = _files(tmp_path, [1, 0, 2])
    assert _run_fixed(text, "readable", paths) == ("FOUND", ["0.txt", "2.txt"])
