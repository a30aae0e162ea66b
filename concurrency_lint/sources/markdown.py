"""Python code blocks in Markdown files, read as a reader sees them, with their real lines.

- Every ```` ```python ```` / ```` ```py ```` / ```` ~~~python ```` opening line starts a
  block, wherever it is -- also inside a fence a sloppy document left open (blacken-docs
  reads documents the same way): a closing fence written as ```` ```plaintext ```` still
  ends a Python block, and a Python opening line ends whatever block came before it.
- Fences may be indented (list items) and quoted (``>``, ``> >``); the indentation and
  the quote markers are removed from every line of the block.
- ```` ```pycon ```` blocks (and Python blocks written as a session) keep the code after
  the ``>>> `` / ``... `` prompts; output lines become blank lines, so lines stay put.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from concurrency_lint.sources.lines import source_lines

_FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)")
_QUOTE_MARKER = re.compile(r"[ ]{0,3}>[ ]?")
_QUOTE_MARKERS = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
PYTHON_LANGS = frozenset({"python", "py", "python3", "py3"})
SESSION_LANGS = frozenset({"pycon", "python-repl", "pyrepl"})
_PROMPTS = (">>> ", "... ")
_PROMPT_WIDTH = 4


@dataclass(frozen=True)
class CodeBlock:
    """The code of one block, the 1-based line its first line sits on, and how many
    columns precede the code on each line (indentation, quote markers, prompts)."""

    code: str
    first_line: int
    indent: int


@dataclass(frozen=True)
class _Opener:
    quote_depth: int
    prefix: int  # columns of quote markers and indentation before the fence
    indent: int  # indentation after the quote markers
    fence: str
    session: bool


def python_blocks(text: str) -> list[CodeBlock]:
    """Every Python block of a Markdown text, in order."""
    lines = source_lines(text)
    blocks = []
    index = 0
    while index < len(lines):
        opener = _python_opener(lines[index])
        if opener is None:
            index += 1
            continue
        body: list[str] = []
        end = index + 1
        reopen = False
        while end < len(lines):
            content = _unquoted(lines[end], opener.quote_depth)
            if content is None:  # the quote the block sat in has ended
                reopen = True
                break
            if _python_opener(lines[end]) is not None:
                reopen = True
                break
            if _closes(content, opener.fence):
                break
            body.append(_dedent(content, opener.indent))
            end += 1
        blocks.append(_block(body, index + 2, opener))
        index = end if reopen else end + 1
    return blocks


def _python_opener(line: str) -> _Opener | None:
    """The opening fence of a Python (or Python session) block on this line, if any."""
    if not line.lstrip(" >").startswith(("```", "~~~")):
        return None  # most lines: no fence at all
    depth, content = 0, line
    if ">" in line[:4]:
        markers = _QUOTE_MARKERS.match(line)
        if markers is not None:
            depth, content = markers.group().count(">"), line[markers.end() :]
    match = _FENCE.match(content)
    if match is None:
        return None
    language = match.group("info").lower().strip("{}.")
    if language not in PYTHON_LANGS and language not in SESSION_LANGS:
        return None
    indent = len(match.group("indent"))
    prefix = len(line) - len(content) + indent
    return _Opener(depth, prefix, indent, match.group("fence"), language in SESSION_LANGS)


def _unquoted(line: str, depth: int) -> str | None:
    """The line without ``depth`` quote markers; None when it has fewer."""
    position = 0
    for _ in range(depth):
        marker = _QUOTE_MARKER.match(line, position)
        if marker is None:
            return None
        position = marker.end()
    return line[position:]


def _closes(content: str, fence: str) -> bool:
    """A fence of the opening's kind, at least as long: the closing fence (or, written
    sloppily with a language after it, what the author meant as one)."""
    stripped = content.strip()
    run = len(stripped) - len(stripped.lstrip(fence[0]))
    return run >= len(fence) and (fence[0] == "~" or "`" not in stripped[run:])


def _dedent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable) :]


def _block(body: list[str], first_line: int, opener: _Opener) -> CodeBlock:
    first_code = next((line for line in body if line.strip()), "")
    if opener.session or first_code.startswith(">>>"):
        body = [_session_line(line) for line in body]
        return CodeBlock("\n".join(body) + "\n", first_line, opener.prefix + _PROMPT_WIDTH)
    return CodeBlock("\n".join(body) + "\n", first_line, opener.prefix)


def _session_line(line: str) -> str:
    """The code of one line of an interactive session; output lines become blank."""
    return line[_PROMPT_WIDTH:] if line.startswith(_PROMPTS) else ""
