"""How another module of the project calls a module-level name: read from its ``ast``.

``ghapi = api.Api(args.oauth2_token)`` after ``from . import api`` calls ``gitem.api.Api``
with one positional argument and no keyword: a parameter it leaves out keeps its default
there. Every occurrence of the name in the module must be such a call or the import that
binds it; anything else (handed on, subclassed, read through ``getattr``, another thing
of the same name, ``*args``) makes the module's calls unknown.
"""

from __future__ import annotations

import ast

from concurrency_lint.analysis.call_shape import CallShape
from concurrency_lint.analysis.relative_imports import absolute_module


def call_shapes(
    source: str, module: str, is_package: bool, qualified: str
) -> tuple[CallShape, ...] | None:
    """The calls of ``qualified`` (``package.module.name``) in ``source`` (the module
    ``module``), or None when the module uses the name otherwise too or does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    name = qualified.rpartition(".")[2]
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = absolute_module(module, is_package, node.level, node.module)
            for alias in node.names:
                if alias.name == "*":
                    return None  # what it binds is not read here
                if base is None:
                    if (alias.asname or alias.name) == name:
                        return None
                    continue
                imported = f"{base}.{alias.name}"
                if alias.name == name and imported != qualified:
                    return None  # another thing of the same name
                aliases[alias.asname or alias.name] = imported
    called: set[int] = set()
    shapes: list[CallShape] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _resolve(node.func, aliases) == qualified:
            if any(isinstance(arg, ast.Starred) for arg in node.args) or any(
                keyword.arg is None for keyword in node.keywords
            ):
                return None
            called.add(id(node.func))
            keywords = frozenset(k.arg for k in node.keywords if k.arg is not None)
            shapes.append(CallShape(len(node.args), keywords))
    for node in ast.walk(tree):
        named = (isinstance(node, ast.Name) and node.id == name) or (
            isinstance(node, ast.Attribute) and node.attr == name
        )
        if named:
            if id(node) not in called:
                return None  # handed on, stored, subclassed: not a call
        elif isinstance(node, ast.Constant) and node.value == name:
            return None  # ``getattr(api, "Api")``
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return None
        elif isinstance(node, ast.arg) and node.arg == name:
            return None
    return tuple(shapes)


def _resolve(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])
