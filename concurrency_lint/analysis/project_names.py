"""What the analysis of one file asks the project model (``concurrency_lint.project``).

The analysis resolves names within its file; a name that leads into another module of
the project (``from .session import ArchiveSession``) is translated by the model to what
it is. The model implements this protocol; the analysis never imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from concurrency_lint.analysis.pool_classes import ThreadPoolShape

from concurrency_lint.analysis.call_shape import CallShape


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

    def only_prints(self, qualified: str) -> bool:
        """Whether a function of the project does nothing but print."""
        ...

    def is_string_constant(self, qualified: str) -> bool:
        """Whether a module-level name of the project only holds a string literal."""
        ...

    def thread_pool(self, qualified: str) -> ThreadPoolShape | None:
        """The shape of a project class that is a thread pool of its own making, else
        None (see ``analysis.pool_classes``)."""
        ...

    def from_star(self, module: str, dotted: str) -> str | None:
        """What ``dotted`` read after ``from module import *`` (a project module) is: a
        name outside the project, or the project name it leads to; else None."""
        ...

    def calls_elsewhere(self, name: str) -> tuple[CallShape, ...] | None:
        """How the project's other modules call the file's module-level ``name``: () when
        none has the word in its text, None when one uses it other than by calling it
        (or that cannot be told)."""
        ...

    def function_io(self, qualified: str) -> str | None:
        """The kind of blocking I/O calling a project function waits on (``"network"``,
        ``"file"``, ``"subprocess"``), when it changes no shared state; else None."""
        ...
