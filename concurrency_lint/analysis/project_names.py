"""What the analysis of one file asks the project model (``concurrency_lint.project``).

The analysis resolves names within its file; a name that leads into another module of
the project (``from .session import ArchiveSession``) is translated by the model to what
it is. The model implements this protocol; the analysis never imports it.
"""

from __future__ import annotations

from typing import Protocol


class ProjectNames(Protocol):
    """One file's view of its project."""

    module_name: str  # the file's own module, for its relative imports
    is_package: bool  # whether the file is a package's ``__init__``

    def canonical(self, qualified: str) -> str | None:
        """The name outside the project a project name is an alias of, else None."""
        ...

    def made_by(self, qualified: str) -> str | None:
        """The known type calling a project name makes, else None."""
        ...

    def value_type(self, qualified: str) -> str | None:
        """The known type of the value a project name holds, else None."""
        ...

    def member_type(self, owner: str, member: str, called: bool) -> str | None:
        """The annotated type ``owner().member(...)`` (``called``) or the property
        ``owner().member`` gives, for a project class ``owner``; else None."""
        ...

    def from_star(self, module: str, dotted: str) -> str | None:
        """What ``dotted`` read after ``from module import *`` (a project module) is: a
        name outside the project, or the project name it leads to; else None."""
        ...

    def function_io(self, qualified: str) -> str | None:
        """The kind of blocking I/O calling a project function waits on (``"network"``,
        ``"file"``, ``"subprocess"``), when it changes no shared state; else None."""
        ...
