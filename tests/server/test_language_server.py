"""``conclint server`` driven over stdio by a real LSP client (pytest-lsp), end to end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.server.server_process import PATIENCE, server_command

# One server for the module (starting one costs more than most tests): each test works in
# its own folder, and a test that changes the settings puts them back.
pytestmark = pytest.mark.asyncio(loop_scope="module")

FLAGGED = 'import subprocess\n\nsubprocess.run(["ls"])\n'
FIXED = 'import subprocess\n\nsubprocess.run(["ls"], timeout=10)\n'
# Safe to rewrite: a list to iterate, in a project that declares the runtime (see _open).
SAFE_LOOP = """\
def load_all(paths):
    contents = []
    for path in sorted(paths):
        with open(path) as fh:
            text = fh.read()
        contents.append(text.upper())
    return contents
"""


class RecordingClient(LanguageClient):
    """A test client that keeps every diagnostics notification, in order of arrival."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.consumed: dict[str, int] = {}  # uri -> index in published already waited for
        self.registrations: list[types.RegistrationParams] = []


def _register(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.append(params)


def _record(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)


def _recording_client() -> RecordingClient:
    client = RecordingClient()
    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record,
        types.CLIENT_REGISTER_CAPABILITY: _register,
    }
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=server_command(), client_factory=_recording_client),
    scope="module",
)
async def client(lsp_client: RecordingClient, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("workspace")
    lsp_client.initialize_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(root.as_uri(), "project")],
            initialization_options={"conclint": {"debounceMs": 50}},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _diagnostics(
    client: RecordingClient, uri: str, version: int | None
) -> list[types.Diagnostic]:
    """The next diagnostics published for this version of the document (waits for them)."""

    async def published() -> list[types.Diagnostic]:
        while True:
            start = client.consumed.get(uri, 0)
            for position in range(start, len(client.published)):
                params = client.published[position]
                if params.uri == uri and params.version == version:
                    client.consumed[uri] = position + 1
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(published(), PATIENCE)


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", version, text))
    )
    return uri


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """The text after the edits (ASCII texts here: UTF-16 units are characters)."""
    lines = [*text.splitlines(keepends=True), ""]

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
        lines = [*text.splitlines(keepends=True), ""]
    return text


async def test_initialize_announces_the_features(client: RecordingClient) -> None:
    result: types.InitializeResult = client.initialize_result  # type: ignore[attr-defined]
    assert result.server_info is not None and result.server_info.name == "conclint"
    capabilities = result.capabilities
    assert capabilities.hover_provider
    code_actions = capabilities.code_action_provider
    assert isinstance(code_actions, types.CodeActionOptions)
    assert code_actions.resolve_provider
    assert list(code_actions.code_action_kinds or ()) == [
        types.CodeActionKind.QuickFix,
        "source.fixAll.conclint",
    ]
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close and sync.save
    assert sync.change == types.TextDocumentSyncKind.Incremental


async def test_open_publishes_diagnostics_with_ranges_codes_and_severity(
    client: RecordingClient, tmp_path: Path
) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    [found] = await _diagnostics(client, uri, 1)
    assert found.code == "CL201"
    assert found.source == "conclint"
    assert found.severity == types.DiagnosticSeverity.Warning
    assert found.range == types.Range(types.Position(2, 0), types.Position(2, 22))
    assert "timeout" in found.message


async def test_ranges_count_utf16_units_after_non_ascii_text(
    client: RecordingClient, tmp_path: Path
) -> None:
    text = 'import subprocess\nprint("🐍"); subprocess.run(["ls"])\n'
    uri = _open(client, tmp_path / "snake.py", text)
    [found] = await _diagnostics(client, uri, 1)
    # `subprocess.run` starts at code point 12; the snake takes two UTF-16 units
    assert found.range == types.Range(types.Position(1, 13), types.Position(1, 35))


async def test_code_action_carries_the_fix_labelled_unsafe(
    client: RecordingClient, tmp_path: Path
) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    [found] = await _diagnostics(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            found.range,
            types.CodeActionContext([found], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions is not None
    [action] = actions
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.title.startswith("Fix CL201: ")
    assert action.title.endswith("(unsafe: may change behaviour)")
    assert not action.is_preferred
    assert action.edit is not None and action.edit.changes is not None
    assert _apply(FLAGGED, action.edit.changes[uri]) == FIXED


def _declare_runtime(project: Path) -> None:
    """The project depends on conclint's runtime: the loop rewrite's import is safe there."""
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["concurrency-lint"]\n', encoding="utf-8"
    )


async def test_safe_fix_brings_its_import_and_fix_all_resolves(
    client: RecordingClient, tmp_path: Path
) -> None:
    _declare_runtime(tmp_path)
    uri = _open(client, tmp_path / "load.py", SAFE_LOOP)
    [found] = await _diagnostics(client, uri, 1)
    assert found.code == "CL101"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), found.range, types.CodeActionContext([found])
        )
    )
    assert actions is not None
    by_kind = {action.kind: action for action in actions if isinstance(action, types.CodeAction)}
    quick = by_kind[types.CodeActionKind.QuickFix]
    assert "unsafe" not in quick.title and quick.is_preferred
    assert quick.edit is not None and quick.edit.changes is not None
    fixed = _apply(SAFE_LOOP, quick.edit.changes[uri])
    assert fixed.startswith("from concurrency_lint.parallel import run_parallel\n")
    assert "run_parallel(" in fixed and "sorted(paths)" in fixed
    # "apply every safe fix": the client resolves its edit lazily, as VS Code does
    every = by_kind["source.fixAll.conclint"]
    assert every.edit is None
    resolved = await client.code_action_resolve_async(every)
    assert resolved.edit is not None and resolved.edit.changes is not None
    assert _apply(SAFE_LOOP, resolved.edit.changes[uri]) == fixed


async def test_a_refused_fix_is_offered_disabled_with_the_reason(
    client: RecordingClient, tmp_path: Path
) -> None:
    _declare_runtime(tmp_path)
    text = "run_parallel = None\n\n" + SAFE_LOOP  # the fix's import would clash
    uri = _open(client, tmp_path / "clash.py", text)
    [found] = await _diagnostics(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            found.range,
            types.CodeActionContext([found], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions is not None
    [action] = actions
    assert isinstance(action, types.CodeAction)
    assert action.edit is None
    assert action.disabled is not None
    assert "`run_parallel` already names something else" in action.disabled.reason


async def test_change_updates_the_diagnostics(client: RecordingClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    assert len(await _diagnostics(client, uri, 1)) == 1
    # an incremental change: add the timeout by hand
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, uri),
            [
                types.TextDocumentContentChangePartial(
                    types.Range(types.Position(2, 21), types.Position(2, 21)), ", timeout=5"
                )
            ],
        )
    )
    assert await _diagnostics(client, uri, 2) == []
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(3, uri),
            [types.TextDocumentContentChangeWholeDocument(FLAGGED + FLAGGED)],
        )
    )
    assert [d.range.start.line for d in await _diagnostics(client, uri, 3)] == [2, 5]


async def test_hover_shows_the_rule_documentation(client: RecordingClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    await _diagnostics(client, uri, 1)
    on_finding = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 5))
    )
    assert on_finding is not None
    assert isinstance(on_finding.contents, types.MarkupContent)
    assert on_finding.contents.kind == types.MarkupKind.Markdown
    assert on_finding.contents.value.startswith("**CL201 subprocess-without-timeout**")
    assert "## Why is this bad?" in on_finding.contents.value
    assert on_finding.range == types.Range(types.Position(2, 0), types.Position(2, 22))
    elsewhere = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 3))
    )
    assert elsewhere is None


async def test_an_unsaved_buffer_is_checked_too(client: RecordingClient) -> None:
    uri = "untitled:Untitled-1"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, FLAGGED))
    )
    [found] = await _diagnostics(client, uri, 1)
    assert found.code == "CL201"
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )


async def test_each_file_uses_its_nearest_project_configuration(
    client: RecordingClient, tmp_path: Path
) -> None:
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "pyproject.toml").write_text('[tool.conclint]\nignore = ["CL201"]\n')
    quiet = _open(client, tmp_path / "quiet" / "job.py", FLAGGED)
    assert await _diagnostics(client, quiet, 1) == []
    loud = _open(client, tmp_path / "job.py", FLAGGED)
    assert len(await _diagnostics(client, loud, 1)) == 1


async def test_did_change_configuration_applies_to_open_documents(
    client: RecordingClient, tmp_path: Path
) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    assert len(await _diagnostics(client, uri, 1)) == 1
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams({"conclint": {"select": ["CL202"]}})
    )
    assert await _diagnostics(client, uri, 1) == []
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({}))
    assert len(await _diagnostics(client, uri, 1)) == 1


async def test_configuration_files_are_watched(client: RecordingClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    assert len(await _diagnostics(client, uri, 1)) == 1
    # The server asked before it published anything, and messages arrive in order.
    [registration] = [
        registration
        for params in client.registrations
        for registration in params.registrations
        if registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    ]
    patterns = [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
    assert patterns == ["**/pyproject.toml", "**/conclint.toml"]
    config = tmp_path / "conclint.toml"
    config.write_text('ignore = ["CL201"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(config.as_uri(), types.FileChangeType.Created)]
        )
    )
    assert await _diagnostics(client, uri, 1) == []  # checked again, with the new file


async def test_an_invalid_configuration_is_shown_not_guessed(
    client: RecordingClient, tmp_path: Path
) -> None:
    (tmp_path / "conclint.toml").write_text('select = ["CL999"]\n')
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    assert await _diagnostics(client, uri, 1) == []
    [message] = [message for message in client.messages if "CL999" in message.message]
    assert message.type == types.MessageType.Error
    assert str(tmp_path / "conclint.toml") in message.message


async def test_save_checks_again_and_close_clears(client: RecordingClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "job.py", FLAGGED)
    assert len(await _diagnostics(client, uri, 1)) == 1
    (tmp_path / "conclint.toml").write_text('ignore = ["CL201"]\n')
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await _diagnostics(client, uri, 1) == []  # the edited configuration applies
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await _diagnostics(client, uri, None) == []  # cleared, for no version
