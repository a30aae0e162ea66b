"""CL403 dangling-task."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.checking.rule import Invalid, NodeFix, Rule
from concurrency_lint.fixes.module_level import after_imports, free_name
from concurrency_lint.knowledge.asyncio_calls import (
    EVENT_LOOP_GETTERS,
    LOOP_TASK_METHODS,
    TASK_CREATORS,
)
from concurrency_lint.model import Safety

_TASK_SET = "_background_tasks"
_RAISES = frozenset({"pytest.raises", "raises"})
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)


class DanglingTask(Rule):
    """
    ## What it does
    Flags `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
    `loop.create_task(...)` (on a loop provably returned by `asyncio.get_event_loop()`,
    `get_running_loop()` or `new_event_loop()`) whose result is dropped: the call is a
    statement on its own, or the element of a list or set comprehension that is itself
    dropped. `TaskGroup.create_task` is not flagged: the group keeps its tasks, nor is a
    call directly inside `with self.assertRaises(...)` / `pytest.raises(...)`, which is
    expected to fail before any task exists.

    ## Why is this bad?
    The event loop keeps only a weak reference to tasks. A task nobody holds can be
    garbage-collected before it finishes (the asyncio documentation warns about this),
    and its exception is never retrieved: the failure vanishes, at best as a "Task
    exception was never retrieved" log line at exit.

    ## Example
    ```python
    import asyncio

    async def main():
        asyncio.create_task(heartbeat())
        await serve()
    ```

    ## Use instead
    ```python
    import asyncio

    background = set()

    async def main():
        task = asyncio.create_task(heartbeat())
        background.add(task)
        task.add_done_callback(background.discard)
        await serve()
    ```

    ## Fix safety
    A dropped `create_task(...)` statement inside a function becomes the three lines of
    the asyncio documentation: the task is bound to a free local name, added to a
    module-level set `_background_tasks` (written after the module's last top-level
    import, or reused when the module already binds it to `set()`), and discarded from
    it when done. Safe: the task runs exactly as before, except that it can no longer
    be garbage-collected while pending; its exception is still not retrieved (the rule
    keeps reporting nothing once it is held, as for any held task). No fix for a task
    created in a comprehension or at module level, nor when the module has no top-level
    import to write the set after, or binds `_background_tasks` to something else.

    ## Differences from flake8-async
    CL403 flags every call ASYNC300 flags, except (the agreement test reads this list):
    - `awaited-task`: `await asyncio.create_task(...)` keeps the task alive until it is
      done and sees its exception; ASYNC300 flags it.
    - `yielded-task`: `yield asyncio.create_task(...)` hands the task to the caller;
      ASYNC300 flags it.
    - `lazy-generator`: a generator expression dropped as a statement never runs, so
      it creates no task; ASYNC300 flags the call inside it.
    """

    CODE = "CL403"
    NAME = "dangling-task"
    MESSAGE = "task created and dropped: it can be garbage-collected and its error is lost"
    TRIGGERS = ("create_task", "ensure_future")
    NEEDS_IMPORT_OF = TASK_CREATORS | EVENT_LOOP_GETTERS
    VALID = (
        "import asyncio\n\nasync def main():\n    task = asyncio.create_task(work())\n"
        "    await task\n",
        "import asyncio\n\nasync def main():\n    async with asyncio.TaskGroup() as tg:\n"
        "        tg.create_task(work())\n",
        "import asyncio\n\nasync def main():\n    await asyncio.create_task(work())\n",
    )
    INVALID = (
        Invalid(
            "import asyncio\n\nasync def main():\n    asyncio.create_task(work())\n",
            "import asyncio\n\n_background_tasks = set()  # tasks kept until done\n\n"
            "async def main():\n    task = asyncio.create_task(work())\n"
            "    _background_tasks.add(task)\n"
            "    task.add_done_callback(_background_tasks.discard)\n",
        ),
        Invalid(
            "import asyncio\n\nasync def main():\n    loop = asyncio.get_running_loop()\n"
            "    loop.create_task(work())\n"
        ),
    )

    def visit_Expr(self, node: cst.Expr) -> None:
        if self._expects_exception():
            return
        value = node.value
        if isinstance(value, _COMPREHENSIONS) and not isinstance(value, cst.GeneratorExp):
            value = value.elt
        if isinstance(value, cst.Call):
            label = self._task_creator(value)
            if label is not None:
                self.report(
                    value,
                    f"the task `{label}(...)` returns is dropped: keep a reference "
                    "(a set of tasks, an attribute or a `TaskGroup`) so it is not "
                    "garbage-collected and its exception is seen",
                    fix=self._fix(node, value) if value is node.value else None,
                )

    def _fix(self, expression: cst.Expr, call: cst.Call) -> NodeFix | None:
        """Hold the task in a module-level set until it is done."""
        statement = self.semantics.current_statement()
        function = self.semantics.enclosing_function()
        if (
            function is None
            or not isinstance(statement, cst.SimpleStatementLine)
            or len(statement.body) != 1
            or statement.body[0] is not expression
        ):
            return None
        module = self.context.module
        held = _held_set(module)
        keeper = (
            None
            if held
            else after_imports(module, f"{_TASK_SET} = set()  # tasks kept until done\n")
        )
        if held is False or (not held and keeper is None):
            return None
        task = free_name(function, ("task", "background_task", "_task"))
        if task is None:
            return None
        lines = cst.parse_module(
            f"{task} = CALL\n"
            f"{_TASK_SET}.add({task})\n"
            f"{task}.add_done_callback({_TASK_SET}.discard)\n"
        ).body
        first = lines[0].with_changes(
            body=[cst.Assign([cst.AssignTarget(cst.Name(task))], call)],
            trailing_whitespace=statement.trailing_whitespace,
        )
        changes: list[tuple[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel | str]] = [
            (statement, cst.FlattenSentinel([first, *lines[1:]]))
        ]
        if keeper is not None:
            changes.insert(0, keeper)
        return NodeFix(
            f"Keep the task in `{_TASK_SET}` until it is done", Safety.SAFE, tuple(changes)
        )

    def _expects_exception(self) -> bool:
        """True directly inside ``with self.assertRaises(...)`` / ``pytest.raises(...)``."""
        statements = self.semantics.statements
        block = statements[-2] if len(statements) >= 2 else None
        if not isinstance(block, cst.With):
            return False
        for item in block.items:
            call = item.item
            if isinstance(call, cst.Call):
                name = dotted_name(call.func) or ""
                method = name.rsplit(".", 1)[-1]
                if method.startswith("assertRaises") or name in _RAISES:
                    return True
        return False

    def _task_creator(self, call: cst.Call) -> str | None:
        name = self.semantics.call_name(call)
        if name in TASK_CREATORS:
            return name
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in LOOP_TASK_METHODS:
            receiver = func.value
            if isinstance(receiver, cst.Call):
                loop_type = self.semantics.call_name(receiver)
            else:
                loop_type = self.semantics.type_of(receiver)
            if loop_type in EVENT_LOOP_GETTERS:
                return f"loop.{func.attr.value}"
        return None


def _held_set(module: cst.Module) -> bool | None:
    """True when the module binds ``_background_tasks = set()``, False when it binds it to
    something else, None when it does not bind it at top level."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets = (
                [t.target for t in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
                if isinstance(small, (cst.AnnAssign, cst.AugAssign))
                else []
            )
            if any(isinstance(t, cst.Name) and t.value == _TASK_SET for t in targets):
                value = small.value
                return (
                    isinstance(value, cst.Call)
                    and isinstance(value.func, cst.Name)
                    and value.func.value == "set"
                    and not value.args
                    and isinstance(small, cst.Assign)
                )
    return None
