"""Progress display: stderr only, shown when asked or when it matters."""

from __future__ import annotations

import sys
import time

from concurrency_lint.parallel import iter_parallel, run_parallel


def test_forced_progress_goes_to_stderr_never_stdout(capsys):
    run_parallel(time.sleep, [0.01] * 20, desc="Sleeping", progress=True, max_workers=5)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Sleeping" in captured.err


def test_desc_alone_shows_nothing_when_stderr_is_not_a_terminal(capsys):
    run_parallel(time.sleep, [0.01] * 5, desc="Quiet")
    list(iter_parallel(time.sleep, [0.01] * 5, desc="Quiet"))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_false_shows_nothing(capsys):
    run_parallel(abs, range(100), desc="Hidden", progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_rich_is_not_imported_unless_a_bar_is_shown(capsys):
    rich_loaded = "rich" in sys.modules
    run_parallel(abs, range(100), desc="Hidden", progress=False)
    assert ("rich" in sys.modules) == rich_loaded


def test_plain_fallback_without_rich_also_uses_stderr(capsys, monkeypatch):
    for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rich", None)  # makes "import rich..." fail
    run_parallel(time.sleep, [0.01] * 10, desc="Plain", progress=True, max_workers=5)
    streamed = list(iter_parallel(abs, range(10), desc="Stream", progress=True))
    assert len(streamed) == 10
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Plain: 10/10" in captured.err
    assert "Stream: 10/10" in captured.err
