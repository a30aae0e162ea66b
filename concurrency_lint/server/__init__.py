"""The language server: diagnostics, quick fixes and rule documentation in the editor."""

from concurrency_lint.server.language_server import build_server, serve

__all__ = ["build_server", "serve"]
