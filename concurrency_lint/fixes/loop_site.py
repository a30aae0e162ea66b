"""Track where a loop stands while the pass walks the tree: indentation, enclosing
``try`` blocks, names in use -- what :mod:`loop_rewrite` needs to build its fix."""

from __future__ import annotations

import ast

import libcst as cst

from concurrency_lint.analysis.ast_screens import may_do_io, may_loop_over_io
from concurrency_lint.analysis.loop_body import names_used
from concurrency_lint.analysis.loops import io_lookup, loop_index
from concurrency_lint.analysis.scopes import parameter_names
from concurrency_lint.checking.rule import FileContext, Rule
from concurrency_lint.config import Config
from concurrency_lint.fixes.loop_rewrite import LoopSite
from concurrency_lint.fixes.runtime_dependency import missing_runtime


class SiteTracker:
    """Fed by a rule's ``visit_``/``leave_`` methods; answers :meth:`site` for a loop."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self._indents: list[str] = []
        self._tries: list[int] = [0]  # per function: enclosing try blocks
        self._taken: dict[cst.CSTNode, set[str]] = {}  # scope -> names in use there

    def enter(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.IndentedBlock):
            indent = node.indent if node.indent is not None else self.context.module.default_indent
            self._indents.append(indent)
        elif isinstance(node, (cst.FunctionDef, cst.Lambda)):
            self._tries.append(0)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self._tries[-1] += 1

    def leave(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.IndentedBlock):
            self._indents.pop()
        elif isinstance(node, (cst.FunctionDef, cst.Lambda)):
            self._tries.pop()
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self._tries[-1] -= 1

    def site(self, accumulators: set[str] | frozenset[str] = frozenset()) -> LoopSite:
        """The site of the loop being left now."""
        semantics = self.context.semantics
        config = self.context.config
        function = semantics.enclosing_function()
        scope: cst.CSTNode = function if function is not None else self.context.module
        params = set(parameter_names(function.params)) if function is not None else set()
        bindings = semantics.scopes.current.bindings
        local = self._tries[-1] == 0 and all(
            name in bindings and name not in params for name in accumulators
        )
        return LoopSite(
            module=self.context.module,
            indent="".join(self._indents),
            scope=scope,
            taken=self._names(scope),
            runtime_module=self.context.config.runtime_module,
            state_is_local=local,
            qualify=semantics.qualified_name,
            in_class_body=semantics.scopes.current.kind == "class",
            missing_runtime=(
                missing_runtime(self.context.path, config)
                if config.fix_target == "runtime"
                else None
            ),
            fix_target=config.fix_target,
        )

    def _names(self, scope: cst.CSTNode) -> set[str]:
        """Names used in the scope (attribute and keyword names aside), shared by every
        fix built there so two rewrites never pick the same new name."""
        if scope not in self._taken:
            self._taken[scope] = names_used(scope)
        return self._taken[scope]


class TracksLoopSites:
    """Mixin for a rule: feeds ``self.sites`` as the pass enters and leaves blocks."""

    sites: SiteTracker

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.sites.enter(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.sites.leave(original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.sites.enter(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.sites.leave(original_node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.sites.enter(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.sites.leave(original_node)

    def visit_Try(self, node: cst.Try) -> None:
        self.sites.enter(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self.sites.leave(original_node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.sites.enter(node)

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self.sites.leave(original_node)


class LoopRule(TracksLoopSites, Rule):
    """What CL101 and CL102 share: the trigger, the I/O lookup, the module's loop index
    and the site tracker. Not a rule itself (no ``CODE``)."""

    SCREENED = True

    @classmethod
    def is_triggered(cls, text: str, config: Config) -> bool:
        return super().is_triggered(text, config) and may_do_io(text, config)

    @classmethod
    def may_fire(cls, tree: ast.Module, config: Config) -> bool:
        return may_loop_over_io(tree, config.extra_io_calls)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.lookup = io_lookup(context)
        self.index = loop_index(context.module)
        self.sites = SiteTracker(context)
