"""CL201 subprocess-without-timeout."""

from __future__ import annotations

import os.path
import re

import libcst as cst

from concurrency_lint.analysis.calls import (
    argument_passed,
    has_star_args,
    has_star_kwargs,
    is_none,
    keyword_arg,
    positional_args,
    string_value,
)
from concurrency_lint.checking.rule import Invalid, NodeFix, Option, Rule
from concurrency_lint.fixes.edits import with_argument_value
from concurrency_lint.knowledge.timeouts import (
    DEFAULT_COMMAND_TIMEOUTS,
    DEFAULT_SUBPROCESS_TIMEOUT,
    POPEN_CONSTRUCTORS,
    POPEN_METHODS,
    SUBPROCESS_FUNCTIONS,
    TimeoutParam,
)
from concurrency_lint.model import Safety

_PYTHON = re.compile(r"^python[\d.]*$")


class SubprocessWithoutTimeout(Rule):
    """
    ## What it does
    Flags `subprocess.run`, `call`, `check_call` and `check_output` calls made without a
    `timeout`, and `.communicate()` / `.wait()` on an object that is provably a
    `subprocess.Popen`. An explicit `timeout=None` counts as no timeout. `gevent.subprocess`,
    a drop-in for `subprocess`, is checked the same way.

    ## Why is this bad?
    A child process that hangs (a prompt waiting for input, a network mount, a deadlock)
    blocks the caller forever: a CI job that never ends, a worker thread lost for good.
    With a timeout the call raises `subprocess.TimeoutExpired`, the child is killed, and
    the program can report and move on.

    ## Example
    ```python
    import subprocess
    subprocess.run(["git", "push"], check=True)
    ```

    ## Use instead
    ```python
    import subprocess
    subprocess.run(["git", "push"], check=True, timeout=30)
    ```

    ## Fix safety
    Unsafe: a command that used to run to completion, however long, now raises
    `TimeoutExpired` when it takes longer than the chosen timeout. The value is picked from
    the command's leading words (seed table: `git push` 30 s, `pytest` 60 s,
    `npm install` 120 s, anything else 10 s); review it.

    Calls that pass `**kwargs` are not flagged: the timeout may be inside.

    ## Configuration
    - `timeouts`: a table of command prefix -> seconds, merged over the built-in table.
    - `default-timeout`: seconds for commands no prefix matches (default 10).
    """

    CODE = "CL201"
    NAME = "subprocess-without-timeout"
    MESSAGE = "subprocess call without a timeout can hang forever"
    TRIGGERS = ("subprocess",)
    NEEDS_IMPORT_OF = frozenset(SUBPROCESS_FUNCTIONS) | POPEN_CONSTRUCTORS
    OPTIONS = {
        "timeouts": Option({}, "command prefix -> timeout in seconds, over the built-in table"),
        "default-timeout": Option(DEFAULT_SUBPROCESS_TIMEOUT, "timeout for other commands"),
    }
    VALID = (
        'import subprocess\nsubprocess.run(["ls"], timeout=5)\n',
        "import subprocess\nsubprocess.check_output(cmd, **options)\n",
        'import subprocess\np = subprocess.Popen(["ls"])\np.wait(5)\n',
        "def run(cmd):\n    return cmd\nrun(['ls'])\n",
    )
    INVALID = (
        Invalid(
            'import subprocess\nsubprocess.run(["git", "push"])\n',
            'import subprocess\nsubprocess.run(["git", "push"], timeout=30)\n',
        ),
        Invalid(
            'from subprocess import check_output as co\nco("pytest -q", shell=True, timeout=None)\n',
            'from subprocess import check_output as co\nco("pytest -q", shell=True, timeout=60)\n',
        ),
        Invalid(
            'import subprocess\np = subprocess.Popen(["ls"])\np.communicate()\n',
            'import subprocess\np = subprocess.Popen(["ls"])\np.communicate(timeout=10)\n',
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.semantics.call_name(node)
        if name in SUBPROCESS_FUNCTIONS:
            self._check(node, SUBPROCESS_FUNCTIONS[name], self._timeout_for(node), name)
            return
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in POPEN_METHODS
            and self.semantics.type_of(func.value) in POPEN_CONSTRUCTORS
        ):
            timeout = self.options["default-timeout"]
            self._check(node, POPEN_METHODS[func.attr.value], timeout, f"Popen.{func.attr.value}")

    def _check(self, call: cst.Call, param: TimeoutParam, seconds: int, label: str) -> None:
        if has_star_kwargs(call) or (param.position is not None and has_star_args(call)):
            return
        given = argument_passed(call, param.keyword, param.position)
        if given is not None and not is_none(given.value):
            return
        fixed = with_argument_value(call, given, param.keyword, cst.Integer(str(seconds)))
        self.report(
            call,
            f"`{label}` without a timeout can hang forever; pass `timeout=` (e.g. {seconds} s)",
            fix=NodeFix(f"Add `timeout={seconds}`", Safety.UNSAFE, ((call, fixed),)),
        )

    def _timeout_for(self, call: cst.Call) -> int:
        table = {**DEFAULT_COMMAND_TIMEOUTS, **self.options["timeouts"]}
        words = _command_words(call)
        for prefix in sorted(table, key=lambda p: -len(p.split())):
            prefix_words = prefix.split()
            if words[: len(prefix_words)] == prefix_words:
                return int(table[prefix])
        return int(self.options["default-timeout"])


def _command_words(call: cst.Call) -> list[str]:
    """The leading literal words of the command, interpreter prefix (``python -m``) removed."""
    first = keyword_arg(call, "args")
    positional = positional_args(call)
    node = first.value if first is not None else (positional[0].value if positional else None)
    words: list[str | None] = []
    if isinstance(node, (cst.List, cst.Tuple)):
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                break
            words.append(string_value(element.value))
    elif node is not None:
        text = string_value(node)
        words = list(text.split()) if text is not None else []
    if (
        len(words) >= 2
        and words[1] == "-m"
        and (words[0] is None or _PYTHON.match(os.path.basename(words[0])))
    ):
        words = words[2:]
    literal = []
    for word in words:
        if word is None:
            break
        literal.append(os.path.basename(word) if not literal else word)
    return literal
