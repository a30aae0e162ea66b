"""What a pool runs: ``pool.imap(Converter(path), regions)``, ``ex.map(requests.get, urls)``,
``ex.map(self.client.illust_detail, ids)``.

An instance of a class of this module that defines ``__call__`` runs that method for each
item. It is followed when the instance is made right there or bound once to such a call
(``converter = Converter(path)``), and the class provably is what it says: not decorated,
no base other than ``object``, one ``def __call__`` in its body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from concurrency_lint.analysis.callables import (
    Work,
    classify_callable,
    current_chain,
    resolve_callable,
)
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.knowledge.client_libraries import client_io_kind
from concurrency_lint.knowledge.cpu_calls import gil_holding_calls
from concurrency_lint.knowledge.io_calls import io_method_kind, io_table

if TYPE_CHECKING:
    from concurrency_lint.analysis.file_context import AnalysisContext

_PLAIN_BASES = frozenset({"object"})
#: Levels of this module's helpers a pool's callable is followed through: a worker is
#: often ``task -> run_one -> shell_exec``.
POOL_CALL_DEPTH = 3


def call_method_of_instance(
    expr: cst.BaseExpression, context: AnalysisContext
) -> cst.FunctionDef | None:
    """The ``__call__`` that ``expr`` (an instance of a class of this module) runs, or None."""
    index = module_index(context.module)
    chain = current_chain(context.semantics, index)
    value: cst.BaseExpression | cst.CSTNode | None = expr
    if isinstance(expr, cst.Name):
        binding = index.lookup(chain, expr.value)
        value = binding.node if binding is not None and binding.kind == "assign" else None
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Name):
        return None
    found = index.lookup(chain, value.func.value)
    if found is None or found.kind != "class" or not isinstance(found.node, cst.ClassDef):
        return None
    owner = found.node
    if owner.decorators or not _plain_bases(owner):
        return None
    method = index.single(owner, "__call__")
    if method is None or method.kind != "def" or not isinstance(method.node, cst.FunctionDef):
        return None
    return method.node


def work_of_pool_target(expr: cst.BaseExpression, context: AnalysisContext) -> Work | None:
    """The work of what a pool runs: a callable of this module, a callable instance, or a
    library function the knowledge tables describe (``ex.map(urllib.request.urlopen, urls)``)."""
    target = resolve_callable(expr, context) or call_method_of_instance(expr, context)
    if target is None:
        return known_library_work(expr, context)
    return classify_callable(target, context, depth=POOL_CALL_DEPTH, deeper=True)


def known_library_work(expr: cst.BaseExpression, context: AnalysisContext) -> Work | None:
    """The work of a library function handed to a pool by name (or through
    ``functools.partial``): I/O of its kind, or CPU work that holds the GIL; else None."""
    semantics = context.semantics
    if isinstance(expr, cst.Call):
        if semantics.qualified_name(expr.func) != "functools.partial" or not expr.args:
            return None
        first = expr.args[0]
        if first.keyword is not None or first.star:
            return None
        expr = first.value
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return None
    name = semantics.qualified_name(expr)
    if name is None:
        return _bound_method_work(expr, context)
    config = context.config
    kind = io_table(config.extra_io_calls).get(name)
    if kind is not None:
        return Work("io", kind, name)
    if name in gil_holding_calls(config.extra_cpu_calls):
        return Work("cpu", None, name)
    return None


def _bound_method_work(expr: cst.BaseExpression, context: AnalysisContext) -> Work | None:
    """``ex.map(self.api.illust_detail, ids)``, ``ex.map(session.get, urls)``: the I/O of
    a method of a receiver whose type is known, from the knowledge tables; else None."""
    if not isinstance(expr, cst.Attribute):
        return None
    made = context.semantics.type_of(expr.value)
    method = expr.attr.value
    kind = client_io_kind(made, method) or io_method_kind(made, method)
    if made is None or kind is None:
        return None
    return Work("io", kind, f"{made.rsplit('.', 1)[-1]}.{method}")


def _plain_bases(owner: cst.ClassDef) -> bool:
    if owner.keywords:  # a metaclass can make calling the class return anything
        return False
    return all(
        isinstance(base.value, cst.Name) and base.value.value in _PLAIN_BASES
        for base in owner.bases
    )
