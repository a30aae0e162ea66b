"""Which executor, pool or process an expression provably is.

Beyond :meth:`Semantics.type_of` (names bound to an imported constructor), this follows
names bound once to ``ctx.Pool(...)`` / ``ctx.Process(...)`` where ``ctx`` is a
``multiprocessing.get_context(...)``, and reads the start method such a context uses.
"""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import argument_passed, string_value
from concurrency_lint.analysis.local_names import ScopeIndex, ScopeNames
from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS
from concurrency_lint.knowledge.lifecycle import (
    CONTEXT_FACTORIES,
    POOL_PRODUCTS,
    PROCESS_CONSTRUCTORS,
)

#: What a context's factory methods build, as the plain module-level constructors.
_CONTEXT_METHODS = {
    "Pool": "multiprocessing.Pool",
    "Process": "multiprocessing.Process",
    "ThreadPool": "multiprocessing.pool.ThreadPool",
}
_KNOWN = EXECUTOR_CONSTRUCTORS | PROCESS_CONSTRUCTORS


class PoolResolver:
    """Answers "is this a pool, and which?" in the context the visitor is in."""

    def __init__(self, semantics: Semantics, module: cst.Module, index: ScopeIndex) -> None:
        self.semantics = semantics
        self.module = module
        self.index = index

    def scope_names(self) -> ScopeNames:
        """The names of the innermost function (or of the module)."""
        function = self.semantics.enclosing_function()
        return self.index.of(function if function is not None else self.module)

    def bound_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The expression a local (or else module) name is bound to exactly once."""
        local = self.scope_names()
        if local.binds(name.value):
            return local.value_of(name.value)
        module = self.index.of(self.module)
        return module.value_of(name.value) if module.binds(name.value) else None

    def constructor(self, node: cst.BaseExpression) -> str | None:
        """``concurrent.futures.ProcessPoolExecutor``, ``multiprocessing.Pool``... or None."""
        if isinstance(node, cst.Call):
            return self.constructor_of_call(node)
        known = self.semantics.type_of(node)
        if known in _KNOWN:
            return known
        if isinstance(node, cst.Name):
            value = self.bound_value(node)
            if isinstance(value, cst.Call):
                return self.constructor_of_call(value)
        return None

    def constructor_of_call(self, call: cst.Call) -> str | None:
        name = self.semantics.call_name(call)
        if name in _KNOWN:
            return name
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in _CONTEXT_METHODS
            and self.context_start_method(func.value) is not None
        ):
            return _CONTEXT_METHODS[func.attr.value]
        return None

    def made_by_pool(self, node: cst.BaseExpression) -> str | None:
        """``concurrent.futures.Future`` for ``pool.submit(...)`` (or a name bound once to
        it), ``multiprocessing.pool.AsyncResult`` for ``pool.apply_async(...)``; else None."""
        if isinstance(node, cst.Name):
            value = self.bound_value(node)
            if value is None:
                return None
            node = value
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return None
        product = POOL_PRODUCTS.get(node.func.attr.value)
        if product is None or self.constructor(node.func.value) not in EXECUTOR_CONSTRUCTORS:
            return None
        return product

    def context_start_method(self, node: cst.BaseExpression) -> str | None:
        """For a ``get_context(...)`` expression: its start method ('' when not literal)."""
        if isinstance(node, cst.Name):
            value = self.bound_value(node)
            if value is None:
                return None
            node = value
        if (
            not isinstance(node, cst.Call)
            or self.semantics.call_name(node) not in CONTEXT_FACTORIES
        ):
            return None
        method = argument_passed(node, "method", 0)
        if method is None:
            return ""
        return string_value(method.value) or ""

    def start_method_of_process(self, call: cst.Call) -> str | None:
        """The start method of ``ctx.Process(...)`` when ``ctx`` is a literal context."""
        func = call.func
        if isinstance(func, cst.Attribute):
            return self.context_start_method(func.value) or None
        return None
