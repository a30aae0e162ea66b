"""``conclint server``: the language server, over standard input and output."""

from __future__ import annotations

import sys

import click

from concurrency_lint.cli.settings import fail

INSTALL_HINT = "pip install 'concurrency-lint[lsp]'"


@click.command("server")
def command() -> None:
    """Run the language server on standard input and output (for editors).

    Diagnostics on open, change and save, with each file's project configuration;
    quick fixes (unsafe ones labelled); hover shows the rule's documentation. Needs
    the `lsp` extra: pip install 'concurrency-lint[lsp]'. See docs/editors.md.
    """
    try:
        from concurrency_lint.server import serve
    except ImportError as exc:
        missing = (exc.name or "pygls").split(".")[0]
        fail(f"`conclint server` needs {missing}, which is not installed: {INSTALL_HINT}")
        return
    sys.exit(serve())
