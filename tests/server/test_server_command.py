"""``conclint server`` on the command line."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import run_conclint


def test_help_names_the_extra() -> None:
    run = run_conclint("server", "--help")
    assert run.exit_code == 0
    assert "concurrency-lint[lsp]" in run.stdout


def test_without_pygls_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.startswith("concurrency_lint.server")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pygls", None)  # import pygls -> ImportError
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    run = run_conclint("server")
    assert run.exit_code == 2
    assert run.stderr == (
        "conclint: error: `conclint server` needs pygls, which is not installed: "
        "pip install 'concurrency-lint[lsp]'\n"
    )
