"""Import aliases -> qualified names (``import subprocess as sp; sp.run`` -> ``subprocess.run``)."""

from __future__ import annotations

import libcst as cst


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

    def record_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._aliases[alias.asname.name.value] = full
            else:
                # ``import os.path`` binds ``os``.
                top = full.split(".", 1)[0]
                self._aliases[top] = top

    def record_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        dots = "." * len(node.relative)
        module = dots + _module_name(node.module)
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._aliases[local] = f"{module}.{name}" if module else name

    def forget(self, local: str) -> None:
        """A local name rebound by something other than an import."""
        self._aliases.pop(local, None)

    def is_imported(self, local: str) -> bool:
        return local in self._aliases

    def imported_modules(self) -> set[str]:
        """Qualified names of everything imported."""
        return set(self._aliases.values())

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The qualified name of a Name/Attribute chain rooted in an import, else None."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = self._aliases.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target
