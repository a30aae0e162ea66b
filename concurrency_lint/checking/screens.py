"""What each rule must see in a file before it is worth LibCST's parse, known without
importing the rules.

The rule classes import LibCST (about 0.2 s of start-up, 0.5 s with its matchers); most
files a pre-commit hook or an editor hands over hold nothing any rule fires on. This
table answers "may some rule fire here?" from the text and, for the rules that take a
second look, from the interpreter's tree, with the standard library alone. Every entry
mirrors its rule class (``TRIGGERS``, ``NEEDS_IMPORT_OF``, ``SCREENED``,
``DEFAULT_ENABLED``, ``is_triggered``, ``may_fire``); ``tests/engine/test_screens.py``
keeps the two in step.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable
from typing import NamedTuple

from concurrency_lint.analysis.ast_screens import (
    ProjectIo,
    may_await_per_item,
    may_block_in_async,
    may_do_io,
    may_loop_over_io,
)
from concurrency_lint.analysis.import_screen import may_import_any
from concurrency_lint.analysis.pool_classes import may_use_project_pool
from concurrency_lint.config import Config
from concurrency_lint.knowledge.asyncio_calls import EVENT_LOOP_GETTERS, GATHER, TASK_CREATORS
from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS
from concurrency_lint.knowledge.library_names import RESERVED_TOP_LEVEL
from concurrency_lint.knowledge.lifecycle import (
    CONTEXT_FACTORIES,
    MANAGER_CONSTRUCTORS,
    POOL_ENTRY_POINTS,
)
from concurrency_lint.knowledge.timeouts import (
    HTTPX_FUNCTIONS,
    NETWORK_FUNCTIONS,
    POPEN_CONSTRUCTORS,
    SESSION_CONSTRUCTORS,
    SUBPROCESS_FUNCTIONS,
)

TextLook = Callable[[str, Config], bool]
#: The second look: the tree, the configuration, and what the project model says of the
#: module's imported names when the file belongs to a project (the loop rules ask it).
TreeLook = Callable[[ast.Module, Config, "ProjectIo | None"], bool]


class Screen(NamedTuple):
    """One rule's conditions, widest first: a text trigger, an import, a tree look."""

    code: str
    triggers: tuple[str, ...]
    needs_import_of: frozenset[str] = frozenset()
    default_enabled: bool = True
    #: Text that is enough on its own, import or not (a receiver that is never checked).
    enough: tuple[str, ...] = ()
    #: A further condition on the text (the loop rules: a known I/O call is named).
    text_look: TextLook | None = None
    #: The second look on the interpreter's tree, for rules whose trigger is common.
    tree_look: TreeLook | None = None
    #: A rule that reads the suppression comments after the others (``AUDITS_SUPPRESSIONS``).
    audits: bool = False
    #: Text that stands in for the import (a thread pool class of the project).
    instead_of_import: TextLook | None = None

    def is_triggered(self, text: str, config: Config) -> bool:
        """Whether the text may hold something the rule fires on."""
        if any(token in text for token in self.enough):
            return True
        if not any(token in text for token in self.triggers):
            return False
        imported = not self.needs_import_of or may_import_any(text, self.needs_import_of)
        if not imported and not (self.instead_of_import and self.instead_of_import(text, config)):
            return False
        return self.text_look is None or self.text_look(text, config)

    #: Whether the second look asks the project model (``project_io``).
    asks_project: bool = False

    def may_fire(
        self, tree: ast.Module, config: Config, project_io: ProjectIo | None = None
    ) -> bool:
        """The second look: False only where the rule reports nothing."""
        return self.tree_look is None or self.tree_look(tree, config, project_io)


def _may_use_project_pool(text: str, _config: Config) -> bool:
    return may_use_project_pool(text)


def _loops_over_io(tree: ast.Module, config: Config, project_io: ProjectIo | None) -> bool:
    return may_loop_over_io(tree, config.extra_io_calls, project_io)


def _blocks_in_async(tree: ast.Module, config: Config, _project_io: ProjectIo | None) -> bool:
    return may_block_in_async(tree, config.extra_io_calls)


def _awaits_in_loop(tree: ast.Module, _config: Config, _project_io: ProjectIo | None) -> bool:
    return may_await_per_item(tree)


_HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
_POOL_TRIGGERS = ("Pool", "_parallel", "batch_")

SCREENS: dict[str, Screen] = {
    screen.code: screen
    for screen in (
        Screen(
            "CL101",
            ("for", "map"),
            text_look=may_do_io,
            tree_look=_loops_over_io,
            asks_project=True,
        ),
        Screen("CL102", ("for",), text_look=may_do_io, tree_look=_loops_over_io, asks_project=True),
        Screen("CL103", ("await",), tree_look=_awaits_in_loop),
        Screen("CL201", ("subprocess",), frozenset(SUBPROCESS_FUNCTIONS) | POPEN_CONSTRUCTORS),
        Screen(
            "CL202",
            (
                "requests",
                "urllib",
                "socket",
                "http.client",
                "from http import",
                "import http",
                "smtplib",
                "ftplib",
                "httpx",
            ),
            frozenset(NETWORK_FUNCTIONS) | HTTPX_FUNCTIONS | SESSION_CONSTRUCTORS | _HTTPX_CLIENTS,
        ),
        Screen(
            "CL203",
            ("create_subprocess", "open_connection", "open_unix_connection", "StreamReader"),
        ),
        Screen(
            "CL204",
            (
                "Thread",
                "Timer",
                "Process",
                "Queue",
                "Event",
                "Condition",
                "Barrier",
                "Lock",
                "allocate_lock",
                "Semaphore",
                "Future",
                "submit",
                "_async",
                "run_coroutine_threadsafe",
            ),
            default_enabled=False,
        ),
        Screen(
            "CL301",
            ("Thread", "Pool", "to_thread", "run_in_executor", "_parallel", "batch_"),
            POOL_ENTRY_POINTS,
            enough=("run_in_executor",),
            instead_of_import=_may_use_project_pool,
        ),
        Screen("CL302", _POOL_TRIGGERS, POOL_ENTRY_POINTS, instead_of_import=_may_use_project_pool),
        Screen("CL303", _POOL_TRIGGERS, POOL_ENTRY_POINTS, instead_of_import=_may_use_project_pool),
        Screen("CL304", _POOL_TRIGGERS, POOL_ENTRY_POINTS),
        Screen("CL401", ("async def",), tree_look=_blocks_in_async),
        Screen("CL402", ("gather",), GATHER),
        Screen("CL403", ("create_task", "ensure_future"), TASK_CREATORS | EVENT_LOOP_GETTERS),
        Screen("CL501", ("Pool", "Manager"), POOL_ENTRY_POINTS | MANAGER_CONSTRUCTORS),
        Screen("CL502", ("submit", "_async"), EXECUTOR_CONSTRUCTORS | CONTEXT_FACTORIES),
        Screen("CL503", ("Pool", "Process", '"process"', "'process'"), POOL_ENTRY_POINTS),
        Screen("CL504", ("acquire",)),
        Screen("CL601", ("noqa", "conclint"), default_enabled=False, audits=True),
        Screen("CL602", ("noqa", "conclint"), audits=True),
    )
}


def default_codes() -> frozenset[str]:
    """The rule codes that run unless the configuration says otherwise."""
    return frozenset(code for code, screen in SCREENS.items() if screen.default_enabled)


def triggered(text: str, codes: Iterable[str], config: Config) -> tuple[str, ...]:
    """The codes among ``codes`` whose text conditions ``text`` meets."""
    return tuple(code for code in codes if SCREENS[code].is_triggered(text, config))


def trigger_tokens(codes: Iterable[str]) -> frozenset[str]:
    """Text one of which a file must hold for any of ``codes`` to be worth a look."""
    return frozenset(token for code in codes for token in SCREENS[code].triggers)


def screen_of(code: str) -> Screen:
    """The screen of one rule code; for a rule the table does not know, one built from its
    class (as right, only slower to start: the rule module is imported)."""
    screen = SCREENS.get(code)
    if screen is not None:
        return screen
    from concurrency_lint.checking.registry import load_rule

    rule = load_rule(code)
    return Screen(
        code,
        rule.TRIGGERS,
        default_enabled=rule.DEFAULT_ENABLED,
        text_look=rule.is_triggered,
        tree_look=(lambda tree, config, _project: rule.may_fire(tree, config))
        if rule.SCREENED
        else None,
        audits=rule.AUDITS_SUPPRESSIONS,
    )


#: The rules whose receivers and calls the project model resolves: a file the text does
#: not trigger them on is still checked when a project name it imports is of their types.
MODEL_TRIGGERED = frozenset({"CL201", "CL202", "CL203", "CL204"})


def module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The module-level imports (in ``if`` / ``try`` blocks too), without a full walk."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(reversed(tree.body))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If):
            pending += reversed([*node.body, *node.orelse])
        elif isinstance(node, ast.Try):
            blocks = [*node.body, *(s for h in node.handlers for s in h.body)]
            pending += reversed([*blocks, *node.orelse, *node.finalbody])
    return found


def may_import_project(tree: ast.Module, path: str) -> bool:
    """Whether a module-level import may name a module of the file's own project: a
    relative import, or a top-level name that is neither the standard library nor a known
    package and that a folder above the file (or its ``src/``) holds. The project model's
    roots are all such folders, so False means the model has nothing to answer."""
    names: set[str] = set()
    for node in module_level_imports(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return True
            names.add((node.module or "").partition(".")[0])
        else:
            names.update(alias.name.partition(".")[0] for alias in node.names)
    names -= RESERVED_TOP_LEVEL
    names.discard("")
    if not names:
        return False
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        for base in (folder, os.path.join(folder, "src")):
            for name in names:
                where = os.path.join(base, name)
                if os.path.isdir(where) or os.path.isfile(where + ".py"):
                    return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
