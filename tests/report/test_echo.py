"""``cli.echo.echo`` writes what ``click.echo`` writes, on a plain stream and otherwise."""

from __future__ import annotations

import io
import sys

import click
import pytest

from concurrency_lint.cli.echo import echo

TEXTS = ["plain", "", "\033[1mbold\033[0m and \033[31mred\033[0m", "é ✓\n"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("color", [None, False, True])
@pytest.mark.parametrize("nl", [True, False])
@pytest.mark.parametrize("err", [False, True])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_same_bytes_as_click(
    text: str,
    color: bool | None,
    nl: bool,
    err: bool,
    encoding: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs = []
    for function in (echo, click.echo):
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")
        monkeypatch.setattr(sys, "stderr" if err else "stdout", stream)
        function(text, nl=nl, err=err, color=color)
        stream.flush()
        outputs.append(stream.buffer.getvalue())
    assert outputs[0] == outputs[1]
    if color is not True and "\033" in text:
        assert b"\033" not in outputs[0]  # stripped, as click does off a terminal


def test_another_stream_goes_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    echo("\033[1mbold\033[0m", color=True)
    assert stream.getvalue() == "\033[1mbold\033[0m\n"
