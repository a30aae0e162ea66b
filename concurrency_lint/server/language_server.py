"""``conclint server``: the language server (pygls, over standard input and output).

Documents are checked in one worker thread, off the event loop: at once when opened or
saved, ``debounceMs`` after the last change otherwise. A result is published only if the
document has not changed since its text was taken. The user's code is only read.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

import concurrency_lint
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import ConfigError
from concurrency_lint.model import INTERNAL_ERROR, Finding, Span
from concurrency_lint.server.code_actions import (
    FIX_ALL,
    KINDS,
    fix_all_action,
    quick_fixes,
    wants_kind,
    workspace_edit,
)
from concurrency_lint.server.diagnostics import diagnostic
from concurrency_lint.server.document_check import DocumentCheck
from concurrency_lint.server.hover import hover
from concurrency_lint.server.positions import LineIndex
from concurrency_lint.server.projects import ProjectConfigs
from concurrency_lint.server.settings import ServerSettings, read_settings

logger = logging.getLogger(__name__)

PYTHON_SUFFIXES = (".py", ".pyi")
#: Files whose changes can change any open document's configuration.
CONFIG_FILE_NAMES = ("pyproject.toml", "conclint.toml")


class ConclintServer(LanguageServer):
    """Diagnostics, quick fixes and rule documentation for Python files."""

    def __init__(self) -> None:
        super().__init__("conclint", concurrency_lint.__version__)
        self.settings = ServerSettings()
        self.projects = ProjectConfigs()
        self.checks: dict[str, DocumentCheck] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="conclint-check")
        self._told: set[str] = set()  # problems already shown to the user
        self.shut_down = False  # the client asked for shutdown (then exit is a success)
        self.watcher: asyncio.Future[None] | None = None  # registering the file watchers

    # ---- settings --------------------------------------------------------------------------

    def apply_settings(self, raw: Any) -> None:
        """Take the client's settings; what is wrong in them is shown, and ignored."""
        settings, problems = read_settings(raw)
        for problem in problems:
            self.tell(problem, types.MessageType.Warning)
        self.settings = settings
        self.projects.forget()
        self._told.clear()  # a problem that is still there is shown again

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Show a message once (a broken configuration is not repeated on every keystroke)."""
        if message in self._told:
            return
        self._told.add(message)
        logger.warning("%s", message)
        self.window_show_message(types.ShowMessageParams(kind, f"conclint: {message}"))

    # ---- checking --------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Check the document after ``delay`` seconds, replacing a check not yet started."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = asyncio.ensure_future(self._check_later(uri, delay))

    def check_all(self) -> None:
        """Check every open Python document again (the configuration may have changed)."""
        for uri, document in self.workspace.text_documents.items():
            if wants(uri, document.language_id):
                self.schedule(uri, 0)

    async def watch_configurations(self) -> None:
        """Ask the client to report changes to configuration files."""
        watchers = [types.FileSystemWatcher(f"**/{name}") for name in CONFIG_FILE_NAMES]
        registration = types.Registration(
            "conclint-configuration-files",
            types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            types.DidChangeWatchedFilesRegistrationOptions(watchers),
        )
        try:
            await self.client_register_capability_async(types.RegistrationParams([registration]))
        except Exception as exc:  # the client said no: edits apply at the next check
            logger.warning("cannot watch configuration files: %s", exc)

    def forget(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.checks.pop(uri, None)

    async def _check_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            document = self.workspace.get_text_document(uri)
            version = document.version
            check = await self.run_in_worker(self._check, uri, document.source, version)
            if document.version != version or uri not in self.workspace.text_documents:
                return  # changed (another check is on its way) or closed meanwhile
            self.publish(check)
        except asyncio.CancelledError:
            raise
        except Exception:  # a server bug: logged for the editor's log, the server goes on
            logger.exception("checking %s failed", uri)
        finally:
            if self._pending.get(uri) is asyncio.current_task():
                del self._pending[uri]

    async def current_check(self, uri: str) -> DocumentCheck | None:
        """The check of the document as it is now (checked again when it has changed)."""
        if uri not in self.workspace.text_documents or not wants(uri, self._language(uri)):
            return None
        document = self.workspace.get_text_document(uri)
        known = self.checks.get(uri)
        if known is not None and known.version == document.version:
            return known
        check = await self.run_in_worker(self._check, uri, document.source, document.version)
        if document.version == check.version:
            self.publish(check)
        return check

    def publish(self, check: DocumentCheck) -> None:
        self.checks[check.uri] = check
        if check.problem is not None:
            self.tell(check.problem)
        diagnostics = [diagnostic(finding, check.index) for finding in check.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(check.uri, diagnostics, check.version)
        )

    async def run_in_worker(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._worker, function, *args)

    def _check(self, uri: str, text: str, version: int | None) -> DocumentCheck:
        """Runs in the worker thread: the document's findings with its project's config."""
        path = _file_path(uri)
        display = str(path) if path is not None else uri
        index = LineIndex(
            text, self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        )
        try:
            checker = self.projects.checker_for(path, self.settings)
        except ConfigError as exc:
            return DocumentCheck(uri, version, text, (), lambda _text: (), index, problem=str(exc))

        def check(candidate: str) -> tuple[Finding, ...]:
            return _guarded_check(checker, display, candidate)

        return DocumentCheck(uri, version, text, check(text), check, index)

    def _language(self, uri: str) -> str | None:
        document = self.workspace.text_documents.get(uri)
        return document.language_id if document is not None else None

    def stop(self) -> None:
        """No more checks: pending ones are cancelled, the worker thread ends."""
        for pending in self._pending.values():
            pending.cancel()
        self._pending.clear()
        self._worker.shutdown(wait=False, cancel_futures=True)


def wants(uri: str, language_id: str | None) -> bool:
    """Whether a document is Python the server checks."""
    return language_id == "python" or uri.lower().endswith(PYTHON_SUFFIXES)


def _file_path(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def _guarded_check(checker: FileChecker, display: str, text: str) -> tuple[Finding, ...]:
    try:
        return checker.check_text(display, text).findings
    except Exception as exc:  # an engine bug is a finding, the server goes on
        message = f"internal error: {type(exc).__name__}: {exc}"
        code, name = INTERNAL_ERROR
        return (Finding(code, name, message, display, Span(1, 1, 1, 1)),)


def build_server() -> ConclintServer:
    """The server with every feature registered."""
    server = ConclintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ConclintServer, params: types.InitializeParams) -> None:
        root = ls.workspace.root_path
        ls.projects = ProjectConfigs(Path(root) if root else None)
        ls.apply_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    def initialized(ls: ConclintServer, params: types.InitializedParams) -> None:
        if _watches_files(ls.client_capabilities):
            ls.watcher = asyncio.ensure_future(ls.watch_configurations())

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: ConclintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        # A configuration file changed: every open document may be configured anew.
        ls.check_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ConclintServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if wants(document.uri, document.language_id):
            ls.schedule(document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ConclintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if wants(uri, ls._language(uri)):
            ls.schedule(uri, ls.settings.debounce_ms / 1000)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ConclintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if wants(uri, ls._language(uri)):
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ConclintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: ConclintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        ls.apply_settings(params.settings)
        ls.check_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=list(KINDS), resolve_provider=True),
    )
    async def code_action(
        ls: ConclintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        check = await ls.current_check(params.text_document.uri)
        if check is None:
            return None
        only = params.context.only
        start = check.index.from_client(params.range.start)
        end = check.index.from_client(params.range.end)
        resolve_later = _resolves_edits(ls.client_capabilities)
        show_refused = _shows_disabled(ls.client_capabilities)

        def actions() -> list[types.CodeAction]:
            found = []
            if wants_kind(types.CodeActionKind.QuickFix, only):
                found.extend(quick_fixes(check, start, end, show_refused))
            if wants_kind(FIX_ALL, only):
                every = fix_all_action(check, resolve_later)
                if every is not None and (resolve_later or every.edit is not None):
                    found.append(every)
            return found

        return await ls.run_in_worker(actions) or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: ConclintServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        check = await ls.current_check(str(data.get("uri", "")))
        if action.kind == FIX_ALL and check is not None and check.version == data.get("version"):
            action.edit = await ls.run_in_worker(workspace_edit, check, None)
        return action

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: ConclintServer, params: types.HoverParams) -> types.Hover | None:
        check = await ls.current_check(params.text_document.uri)
        if check is None:
            return None
        return hover(check.findings, check.index.from_client(params.position), check.index)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ConclintServer, *args: Any) -> None:
        ls.shut_down = True
        ls.stop()

    return server


def _resolves_edits(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client asks ``codeAction/resolve`` for an action's edit."""
    text_document = capabilities.text_document
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


def _watches_files(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client watches files for the server when asked to."""
    workspace = capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    return bool(watched and watched.dynamic_registration)


def _shows_disabled(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client shows disabled code actions, with the reason."""
    text_document = capabilities.text_document
    code_action = text_document.code_action if text_document else None
    return bool(code_action and code_action.disabled_support)


def serve() -> int:
    """Serve one client over standard input and output until it exits; the exit status:
    0 after a shutdown request, 1 when the client exited or left without one."""
    server = build_server()
    server.start_io()
    return 0 if server.shut_down else 1
