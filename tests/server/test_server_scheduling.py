"""Debouncing and code action kinds, in process (no client needed)."""

from __future__ import annotations

import asyncio

import pytest

from concurrency_lint.server.code_actions import FIX_ALL, wants_kind
from concurrency_lint.server.language_server import ConclintServer, wants


@pytest.mark.asyncio
async def test_a_new_change_replaces_the_check_still_waiting() -> None:
    server = ConclintServer()
    server.schedule("file:///a.py", 60)
    waiting = server._pending["file:///a.py"]
    server.schedule("file:///a.py", 60)
    await asyncio.sleep(0)
    assert waiting.cancelled()
    assert server._pending["file:///a.py"] is not waiting
    server.stop()
    await asyncio.sleep(0)
    assert server._pending == {}


def test_code_action_kinds_match_by_prefix() -> None:
    assert wants_kind(FIX_ALL, None)
    assert wants_kind(FIX_ALL, ["source"])
    assert wants_kind(FIX_ALL, ["source.fixAll"])  # VS Code's codeActionsOnSave
    assert not wants_kind(FIX_ALL, ["quickfix"])
    assert not wants_kind("quickfix", ["source.fixAll"])
    assert not wants_kind(FIX_ALL, ["source.fix"])  # a prefix of a word is no parent kind


def test_only_python_documents_are_checked() -> None:
    assert wants("file:///a.py", None)
    assert wants("untitled:Untitled-1", "python")
    assert wants("file:///types.pyi", "python")
    assert not wants("file:///notes.md", "markdown")
