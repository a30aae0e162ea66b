"""Python code blocks in Markdown files, with their real line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE_OPEN = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)[^`]*$")
PYTHON_LANGS = frozenset({"python", "py", "python3", "py3"})


@dataclass(frozen=True)
class CodeBlock:
    """The code of one fenced block and the 1-based line its first line sits on."""

    code: str
    first_line: int
    indent: int


def python_blocks(text: str) -> list[CodeBlock]:
    """Every ```` ```python ```` / ```` ```py ```` block, in order."""
    blocks = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE_OPEN.match(lines[index])
        if not match:
            index += 1
            continue
        fence, indent = match.group("fence"), len(match.group("indent"))
        language = match.group("info").lower().strip("{}.")
        body_start = index + 1
        end = body_start
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        if language in PYTHON_LANGS:
            body = [_dedent(line, indent) for line in lines[body_start:end]]
            blocks.append(CodeBlock("\n".join(body) + "\n", body_start + 1, indent))
        index = end + 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}


def _dedent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable) :]
