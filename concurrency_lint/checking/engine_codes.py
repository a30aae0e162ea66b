"""The codes the engine reports about files rather than code (CL001-CL003), documented.

They are always reported: ``select`` and ``extend-select`` cannot leave them out, and only
an ``ignore`` (or ``per-file-ignores``) entry that names them -- the code itself or the
prefix ``CL0`` -- hides them, so a file the scan could not check never passes silently.
"""

from __future__ import annotations

from typing import NamedTuple

from concurrency_lint.model import INTERNAL_ERROR, SYNTAX_ERROR, UNREADABLE_FILE

#: The prefix shared by engine codes and no rule code.
ENGINE_PREFIX = "CL0"


class EngineCode(NamedTuple):
    """One engine code and what ``conclint rule CODE`` prints for it."""

    code: str
    name: str
    message: str
    documentation: str


_SYNTAX_ERROR_DOC = """\
## What it does
Reports a file (or a Python block of a Markdown file) that the interpreter does not accept
as Python: a syntax error, a NUL byte, or code nested more deeply than can be analysed. The
finding carries the interpreter's message and the line and column it points at.

## Why is this bad?
No rule can look inside code that does not parse: every other finding of the file is
missing, and the program itself fails on import. The scan goes on with the other files.

## Example
```python
def deploy(:
    pass
```

## Use instead
```python
def deploy():
    pass
```

## Fix safety
No fix: conclint never rewrites a file the interpreter rejects.

## Configuration
Always reported, whatever `select` says; hidden only by naming it in `ignore` or
`per-file-ignores` (`CL001`, or the prefix `CL0`).
"""

_UNREADABLE_FILE_DOC = """\
## What it does
Reports a path the scan could not read: permission denied, a broken symbolic link or a
symbolic link loop, bytes that are not text in the file's declared encoding (or UTF-8), an
unknown coding cookie, or a path that is not a regular file (a FIFO, a socket, a character
or block device such as `/dev/zero`), which is skipped without being opened.

## Why is this bad?
A file that cannot be read is not checked: none of its findings can be reported. Saying so
keeps a clean report honest. The scan goes on with the other files.

## Example
```python
# -*- coding: latin-1 -*-   (but the file is saved as UTF-16)
```

## Use instead
```python
# -*- coding: utf-8 -*-     (and the file saved as UTF-8)
```

## Fix safety
No fix: the file is not read, so it cannot be rewritten.

## Configuration
Always reported, whatever `select` says; hidden only by naming it in `ignore` or
`per-file-ignores` (`CL002`, or the prefix `CL0`).
"""

_INTERNAL_ERROR_DOC = """\
## What it does
Reports that a rule (or the checker itself) failed on a file: the message names the rule,
the exception and where it was raised. The other rules still run on the file, and the
scan goes on with the other files; the command exits with status 2.

## Why is this bad?
It is a bug in conclint, not in the scanned code: the failing rule's findings for that file
are missing. Please report it with the file (or a small piece of it) that triggers it.

## Example
```python
# any file on which a rule raises
```

## Use instead
```python
# nothing to change in the code; `ignore = ["CL003"]` hides the report meanwhile
```

## Fix safety
No fix.

## Configuration
Always reported, whatever `select` says; hidden only by naming it in `ignore` or
`per-file-ignores` (`CL003`, or the prefix `CL0`).
"""

ENGINE_CODE_DOCS: tuple[EngineCode, ...] = (
    EngineCode(*SYNTAX_ERROR, "the file is not valid Python", _SYNTAX_ERROR_DOC),
    EngineCode(*UNREADABLE_FILE, "the file could not be read", _UNREADABLE_FILE_DOC),
    EngineCode(*INTERNAL_ERROR, "a rule failed on the file (a conclint bug)", _INTERNAL_ERROR_DOC),
)


def engine_code(code: str) -> EngineCode | None:
    """The engine code ``code`` names (any case), or None."""
    return next((entry for entry in ENGINE_CODE_DOCS if entry.code == code.upper()), None)


def names_engine_code(pattern: str, code: str) -> bool:
    """Whether an ``ignore`` entry names the engine code ``code`` (itself or ``CL0...``)."""
    pattern = pattern.upper()
    return pattern.startswith(ENGINE_PREFIX) and code.startswith(pattern)
