"""Import aliases -> qualified names (``import subprocess as sp; sp.run`` -> ``subprocess.run``)."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.relative_imports import absolute_module
from concurrency_lint.knowledge.value_types import PYTHON2_MODULES, STAR_EXPORTS


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _module_name(node: cst.BaseExpression | None) -> str:
    return dotted_name(node) or "" if node is not None else ""


class ImportMap:
    """Local names bound by import statements, anywhere in the module (flow-insensitive)."""

    def __init__(self) -> None:
        self._aliases: dict[str, str] = {}
        self._starred: dict[str, str] = {}  # names bound by ``from known_module import *``
        #: ``(module, is_package)`` of the file, when known: relative imports are made absolute.
        self.package: tuple[str, bool] | None = None
        #: Modules of ``from module import *`` whose names the tables do not list.
        self.star_modules: list[str] = []

    def record_import(self, node: cst.Import, *, fallback: bool = False) -> None:
        """Record ``import a.b [as c]``; a ``fallback`` (in ``except ImportError:``) does
        not replace what the ``try:`` body bound: that is the module a reader expects."""
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._alias(alias.asname.name.value, full, fallback)
            else:
                # ``import os.path`` binds ``os``.
                top = full.split(".", 1)[0]
                self._alias(top, top, fallback)

    def record_import_from(self, node: cst.ImportFrom, *, fallback: bool = False) -> None:
        dots = "." * len(node.relative)
        module = dots + _module_name(node.module)
        if dots and self.package is not None:
            absolute = absolute_module(*self.package, len(dots), _module_name(node.module))
            module = absolute if absolute is not None else module
        if isinstance(node.names, cst.ImportStar):
            for name in STAR_EXPORTS.get(module, ()):
                self._starred[name] = f"{module}.{name}"
            if module not in STAR_EXPORTS and not module.startswith("."):
                self.star_modules.append(module)
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._alias(local, f"{module}.{name}" if module else name, fallback)

    def _alias(self, local: str, target: str, fallback: bool) -> None:
        if (
            fallback
            and local in self._aliases
            and self._aliases[local].partition(".")[0] not in PYTHON2_MODULES
        ):
            return  # the first import is the one bound (but not a Python 2 module's)
        self._aliases[local] = target

    def forget(self, local: str) -> None:
        """A local name rebound by something other than an import."""
        self._aliases.pop(local, None)
        self._starred.pop(local, None)

    def is_imported(self, local: str) -> bool:
        return local in self._aliases or local in self._starred

    def imported_modules(self) -> set[str]:
        """Qualified names of everything imported."""
        return set(self._aliases.values()) | set(self._starred.values())

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The qualified name of a Name/Attribute chain rooted in an import, else None."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = self._aliases.get(head) or self._starred.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target
