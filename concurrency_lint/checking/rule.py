"""The rule framework: a rule is a LibCST visitor that reports nodes."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.import_screen import may_import_any
from concurrency_lint.config import Config
from concurrency_lint.model import Safety


@dataclass(frozen=True)
class Option:
    """One configurable rule option (``[tool.conclint.rules.CL201]``)."""

    default: Any
    description: str

    def accepts(self, value: Any) -> bool:
        expected = type(self.default)
        if expected is bool or isinstance(value, bool):
            return isinstance(value, expected)
        if expected is float:
            return isinstance(value, (int, float))
        return isinstance(value, expected)


@dataclass(frozen=True)
class Invalid:
    """A documented example the rule must flag, with the code ``fix`` should produce."""

    code: str
    fixed: str | None = None


@dataclass(frozen=True)
class NodeFix:
    """A fix as the rule sees it: nodes to replace by new nodes (or by source text)."""

    description: str
    safety: Safety
    #: A statement may become several (``FlattenSentinel``) or none (``""``): whole lines.
    changes: tuple[tuple[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel | str], ...]
    #: ``(module, name)`` pairs the fixed code needs; the fixer adds each import once.
    imports: tuple[tuple[str, str], ...] = ()


@dataclass
class Report:
    """A rule's raw report, before positions and suppressions are resolved."""

    code: str
    name: str
    message: str
    node: cst.CSTNode
    statement: cst.CSTNode | None
    fix: NodeFix | None


@dataclass
class FileContext:
    """What every rule of one file shares: the tree, the semantics and the reports."""

    path: str
    module: cst.Module
    semantics: Semantics
    config: Config
    reports: list[Report] = field(default_factory=list)


class Rule(cst.BatchableCSTVisitor):
    """Base class of every rule. Subclasses set the class attributes and ``visit_*``."""

    CODE: ClassVar[str] = ""
    NAME: ClassVar[str] = ""
    MESSAGE: ClassVar[str] = ""
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    DEFAULT_ENABLED: ClassVar[bool] = True
    OPTIONS: ClassVar[Mapping[str, Option]] = {}
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()
    #: Qualified names the rule recognises calls by; when set, a file whose imports
    #: cannot reach any of them is not parsed for this rule (see :meth:`is_triggered`).
    NEEDS_IMPORT_OF: ClassVar[frozenset[str]] = frozenset()
    #: Whether :meth:`may_fire` takes a second look before LibCST parses a file.
    SCREENED: ClassVar[bool] = False
    #: A rule that reads the suppression comments once every other rule has run (CL601,
    #: CL602): the engine calls its ``audit`` class method instead of walking the tree.
    AUDITS_SUPPRESSIONS: ClassVar[bool] = False

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.semantics = context.semantics
        self.options = resolved_options(type(self), context.config)

    def report(
        self, node: cst.CSTNode, message: str | None = None, fix: NodeFix | None = None
    ) -> None:
        """Report ``node``; suppressions and positions are the engine's business."""
        self.context.reports.append(
            Report(
                code=self.CODE,
                name=self.NAME,
                message=message or self.MESSAGE,
                node=node,
                statement=self.semantics.current_statement(),
                fix=fix,
            )
        )

    @classmethod
    def is_triggered(cls, text: str, config: Config) -> bool:
        """Whether the file's text may hold something this rule fires on.

        The default: one of :attr:`TRIGGERS` occurs and, for a rule that recognises
        calls by qualified name only, the text may import one of :attr:`NEEDS_IMPORT_OF`. A
        rule whose trigger is common (a loop rule's ``for``) narrows it further by
        overriding this with a second condition.
        """
        if not any(token in text for token in cls.TRIGGERS):
            return False
        return not cls.NEEDS_IMPORT_OF or may_import_any(text, cls.NEEDS_IMPORT_OF)

    @classmethod
    def may_fire(cls, tree: ast.Module, config: Config) -> bool:
        """Second look, for a rule whose text trigger is common (``SCREENED = True``): on
        the interpreter's syntax tree, which costs a fraction of LibCST's parse, whether
        the module holds anything this rule could fire on. It must never say False
        where the rule would report something."""
        return True

    @classmethod
    def has_fix(cls) -> bool:
        return any(example.fixed is not None for example in cls.INVALID)

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of *What it does*."""
        match = re.search(r"What it does\S*\s*\n(.+?)(\n\s*\n|$)", cls.documentation(), re.S)
        return " ".join(match.group(1).split()) if match else cls.MESSAGE


def resolved_options(rule: type[Rule], config: Config) -> dict[str, Any]:
    """The rule's options: defaults overlaid by the user's validated values."""
    options = {name: option.default for name, option in rule.OPTIONS.items()}
    options.update(config.options_for(rule.CODE))
    return options


def option_errors(rule: type[Rule], given: Mapping[str, Any]) -> list[str]:
    """What is wrong with a user's options table for one rule (empty when valid)."""
    errors = []
    for name, value in given.items():
        option = rule.OPTIONS.get(name)
        if option is None:
            known = ", ".join(sorted(rule.OPTIONS)) or "none"
            errors.append(f"unknown option {name!r} (options: {known})")
        elif not option.accepts(value):
            expected = type(option.default).__name__
            errors.append(f"option {name!r} expects {expected}, got {value!r}")
    return errors
