"""The scope stack: which function (async or not) and class the visitor is in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

ScopeKind = Literal["module", "class", "function", "lambda"]

UNKNOWN = None  # a name bound to something whose type is not provable


@dataclass
class Scope:
    """One frame of the stack, with what its names are provably bound to."""

    kind: ScopeKind
    node: cst.CSTNode
    is_async: bool = False
    # local name -> qualified name of the constructor it was provably built by (or UNKNOWN)
    bindings: dict[str, str | None] = field(default_factory=dict)

    def bind(self, name: str, constructor: str | None) -> None:
        """Record a binding; a second, different binding makes the name unknown."""
        if name in self.bindings and self.bindings[name] != constructor:
            self.bindings[name] = UNKNOWN
        else:
            self.bindings[name] = constructor


def parameter_names(params: cst.Parameters) -> list[str]:
    """Every name a parameter list binds."""
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


class ScopeStack:
    """Module -> class -> function frames as the visitor descends."""

    def __init__(self, module: cst.Module) -> None:
        self.frames: list[Scope] = [Scope("module", module)]
        self.class_frames: list[Scope] = []

    @property
    def current(self) -> Scope:
        return self.frames[-1]

    @property
    def module(self) -> Scope:
        return self.frames[0]

    def push(self, scope: Scope) -> None:
        self.frames.append(scope)
        if scope.kind == "class":
            self.class_frames.append(scope)

    def pop(self) -> None:
        scope = self.frames.pop()
        if scope.kind == "class":
            self.class_frames.pop()

    def in_async_function(self) -> bool:
        """True when the innermost function-like frame is an ``async def``."""
        for scope in reversed(self.frames):
            if scope.kind in ("function", "lambda"):
                return scope.is_async
        return False

    def enclosing_function(self) -> cst.FunctionDef | None:
        for scope in reversed(self.frames):
            if scope.kind == "lambda":
                return None
            if scope.kind == "function":
                assert isinstance(scope.node, cst.FunctionDef)
                return scope.node
        return None

    def enclosing_class(self) -> Scope | None:
        """The class whose method body the visitor is in (directly), if any."""
        if (
            len(self.frames) >= 2
            and self.frames[-1].kind == "function"
            and self.frames[-2].kind == "class"
        ):
            return self.frames[-2]
        return None

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """(found, constructor) for a name: the current frame first, then (from a function)
        the enclosing functions' frames, innermost first, then the module."""
        current = self.current
        if name in current.bindings:
            return True, current.bindings[name]
        if current.kind in ("function", "lambda"):
            # A closure reads the enclosing function's name (class bodies are not enclosing).
            for frame in reversed(self.frames[1:-1]):
                if frame.kind in ("function", "lambda") and name in frame.bindings:
                    return True, frame.bindings[name]
        if current is not self.module and current.kind != "class" and name in self.module.bindings:
            return True, self.module.bindings[name]
        return False, None
