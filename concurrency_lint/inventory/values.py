"""A parameter's value as written, and what it is: a literal, the CPU count, configurable."""

from __future__ import annotations

import re

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.calls import argument_passed, has_star_args
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.inventory.catalogue import CPU_COUNT_CALLS, ParameterSpec
from concurrency_lint.inventory.model import Parameter, ValueKind

_SPACES = re.compile(r"\s+")
_CONVERSIONS = frozenset({"builtins.int", "builtins.float", "builtins.bool", "builtins.str"})
_ENVIRONMENT = frozenset({"os.getenv", "os.environ.get"})


def source_text(module: cst.Module, node: cst.CSTNode) -> str:
    """The node's code on one line, white space folded."""
    return _SPACES.sub(" ", module.code_for_node(node)).strip()


def call_parameters(
    call: cst.Call, specs: tuple[ParameterSpec, ...], module: cst.Module, semantics: Semantics
) -> tuple[Parameter, ...]:
    """The parameters of ``specs`` written in ``call``, in the order of ``specs``."""
    found = []
    for name, position in specs:
        arg = argument_passed(call, name, None if has_star_args(call) else position)
        if arg is not None:
            found.append(interpret(name, arg.value, module, semantics))
    return tuple(found)


def interpret(
    name: str,
    value: cst.BaseExpression,
    module: cst.Module,
    semantics: Semantics,
    after_construction: bool = False,
) -> Parameter:
    kind, literal = _classify(value, semantics)
    return Parameter(name, source_text(module, value), kind, literal, after_construction)


def _classify(
    value: cst.BaseExpression, semantics: Semantics
) -> tuple[ValueKind, int | float | str | bool | None]:
    literal = _literal(value)
    if literal is not _NOT_LITERAL:
        return ValueKind.LITERAL, literal  # type: ignore[return-value]
    if _is_constant(value, semantics):
        return ValueKind.CONSTANT, None
    if _is_cpu_count(value, semantics):
        return ValueKind.CPU_COUNT, None
    if _mentions_cpu_count(value, semantics):
        return ValueKind.CPU_DERIVED, None
    if _is_configurable(value, semantics):
        return ValueKind.CONFIGURABLE, None
    return ValueKind.COMPUTED, None


_NOT_LITERAL = object()


def _literal(value: cst.BaseExpression) -> object:
    if isinstance(value, cst.Integer):
        return int(value.evaluated_value)
    if isinstance(value, cst.Float):
        return float(value.evaluated_value)
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else _NOT_LITERAL
    if isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[value.value]
    if (
        isinstance(value, cst.UnaryOperation)
        and isinstance(value.operator, cst.Minus)
        and isinstance(value.expression, (cst.Integer, cst.Float))
    ):
        inner = _literal(value.expression)
        return -inner  # type: ignore[operator]
    return _NOT_LITERAL


def _is_constant(value: cst.BaseExpression, semantics: Semantics) -> bool:
    """An upper-case name imported from a module: ``asyncio.FIRST_COMPLETED``."""
    if not isinstance(value, (cst.Name, cst.Attribute)):
        return False
    name = semantics.imports.qualify(value)
    if name is None or "." not in name:
        return False
    last = name.rsplit(".", 1)[1]
    return last.isupper()


def _is_cpu_count(value: cst.BaseExpression, semantics: Semantics) -> bool:
    if isinstance(value, cst.Call):
        if semantics.qualified_name(value.func) in CPU_COUNT_CALLS:
            return True
        # len(os.sched_getaffinity(0)): the CPUs this process may use.
        return (
            semantics.qualified_name(value.func) == "builtins.len"
            and len(value.args) == 1
            and isinstance(value.args[0].value, cst.Call)
            and semantics.qualified_name(value.args[0].value.func) == "os.sched_getaffinity"
        )
    return False


def _mentions_cpu_count(value: cst.BaseExpression, semantics: Semantics) -> bool:
    finder = _CpuCountFinder(semantics)
    walk_visitor(value, finder)
    return finder.found


class _CpuCountFinder(cst.CSTVisitor):
    def __init__(self, semantics: Semantics) -> None:
        super().__init__()
        self.semantics = semantics
        self.found = False

    def visit_Call(self, node: cst.Call) -> bool:
        if _is_cpu_count(node, self.semantics):
            self.found = True
        return not self.found


def _is_configurable(value: cst.BaseExpression, semantics: Semantics) -> bool:
    """A name, attribute or item lookup (``args.max_workers``), maybe converted (``int(x)``)."""
    if isinstance(value, (cst.Name, cst.Attribute, cst.Subscript)):
        return True
    if not isinstance(value, cst.Call):
        return False
    called = semantics.qualified_name(value.func)
    if called in _ENVIRONMENT:
        return True
    if called in _CONVERSIONS and len(value.args) == 1:
        return _is_configurable(value.args[0].value, semantics)
    return False
