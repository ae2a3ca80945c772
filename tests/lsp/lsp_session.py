"""Driving the real `looplint server` process with pytest-lsp's client, as an editor would.

`Session` keeps the client's own copy of each open document (applying its
edits with an implementation independent of the server's) and waits for the
diagnostics of the current version: pulled when the client profile supports
pull diagnostics, published otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "looplint", "server"]
DEBOUNCE_MS = 20
TIMEOUT = 20.0


def pull_capabilities(encodings: list[str] | None = None) -> types.ClientCapabilities:
    """A VS Code-like client (vscode-languageclient 9): pull diagnostics, resolve, progress, watchers."""
    caps = client_capabilities("visual-studio-code")
    caps.general = types.GeneralClientCapabilities(position_encodings=encodings or ["utf-16"])
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=False
    )
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=True)
    caps.window = types.WindowClientCapabilities(work_done_progress=True)
    caps.text_document.code_action.resolve_support = types.ClientCodeActionResolveOptions(properties=["edit"])
    assert caps.workspace.did_change_watched_files.dynamic_registration
    assert caps.workspace.configuration
    return caps


def push_capabilities() -> types.ClientCapabilities:
    """Neovim 0.7's own capabilities: push diagnostics only."""
    caps = client_capabilities("neovim@v0.7.0")
    assert caps.text_document.diagnostic is None
    return caps


def units16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ClientDoc:
    """The client's copy of a document (LSP line breaks, positions in the session's encoding)."""

    def __init__(self, uri: str, text: str, version: int, encoding: str):
        self.uri = uri
        self.text = text
        self.version = version
        self.encoding = encoding

    def lines(self) -> list[str]:
        import re

        return re.split(r"\r\n|\r|\n", self.text)

    def offset(self, pos: types.Position) -> int:
        import re

        starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", self.text)]
        lines = self.lines()
        if pos.line >= len(lines):
            return len(self.text)
        line = lines[pos.line]
        col = 0
        used = 0
        for ch in line:
            width = {"utf-8": len(ch.encode("utf-8")), "utf-16": 2 if ord(ch) > 0xFFFF else 1, "utf-32": 1}[self.encoding]
            if used + width > pos.character:
                break
            used += width
            col += 1
        return starts[pos.line] + col

    def position(self, offset: int) -> types.Position:
        before = self.text[:offset]
        import re

        breaks = list(re.finditer(r"\r\n|\r|\n", before))
        line_start = breaks[-1].end() if breaks else 0
        if before.endswith("\r") and self.text[offset : offset + 1] == "\n":
            raise ValueError("offset inside a CRLF")
        head = before[line_start:]
        width = {"utf-8": len(head.encode("utf-8")), "utf-16": units16(head), "utf-32": len(head)}[self.encoding]
        return types.Position(line=len(breaks), character=width)

    def apply(self, edits: list[types.TextEdit]) -> None:
        spans = sorted(((self.offset(e.range.start), self.offset(e.range.end), e.new_text) for e in edits), reverse=True)
        for start, end, new in spans:
            self.text = self.text[:start] + new + self.text[end:]


class Session:
    def __init__(self, client: LanguageClient, root: Path, pull: bool, encoding: str):
        self.client = client
        self.root = root
        self.pull = pull
        self.encoding = encoding
        self.docs: dict[str, ClientDoc] = {}
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.publish_times: dict[str, list[float]] = {}  # when each publication arrived (perf_counter)
        self.registrations: list[types.Registration] = []
        self.partials: dict[str, list[types.WorkspaceDiagnosticReportPartialResult]] = {}  # by token
        self.applied_edits: list[types.ApplyWorkspaceEditParams] = []  # workspace/applyEdit from the server
        self.initialize_result: types.InitializeResult | None = None
        self._event = asyncio.Event()

    # -- setup -------------------------------------------------------------------------------
    @classmethod
    async def start(
        cls,
        root: Path,
        *,
        pull: bool,
        capabilities: types.ClientCapabilities | None = None,
        init_options: Any = None,
        configuration: dict | None = None,
        folders: list[Path] | None = None,
        wait_for_index: bool = True,
        server: list[str] | None = None,
        client_name: str | None = None,
    ) -> "Session":
        client = LanguageClient(converter_factory=default_converter)
        features = dict(DEFAULT_CLIENT_FEATURES)
        session_box: list[Session] = []

        def on_publish(client_: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            client_.diagnostics[params.uri] = params.diagnostics
            session = session_box[0]
            session.published.setdefault(params.uri, []).append(params)
            session.publish_times.setdefault(params.uri, []).append(time.perf_counter())
            session._event.set()

        def on_register(client_: LanguageClient, params: types.RegistrationParams) -> None:
            session_box[0].registrations.extend(params.registrations)

        default_progress = features[types.PROGRESS]

        def on_progress(client_: LanguageClient, params: types.ProgressParams) -> None:
            value = params.value
            if isinstance(value, dict) and "items" in value and "kind" not in value:  # a partial result
                partial = client_.protocol._converter.structure(value, types.WorkspaceDiagnosticReportPartialResult)
                session_box[0].partials.setdefault(str(params.token), []).append(partial)
                session_box[0]._event.set()
                return
            default_progress(client_, params)

        def on_apply_edit(client_: LanguageClient, params: types.ApplyWorkspaceEditParams):
            session = session_box[0]
            session.applied_edits.append(params)
            session.apply_workspace_edit(params.edit)
            return types.ApplyWorkspaceEditResult(applied=True)

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
        features[types.WORKSPACE_APPLY_EDIT] = on_apply_edit
        features[types.WORKSPACE_CODE_LENS_REFRESH] = lambda client_, params=None: None  # a request without params
        features[types.PROGRESS] = on_progress
        features[types.CLIENT_REGISTER_CAPABILITY] = on_register
        register_lsp_features(client, features)
        if configuration is not None:
            client.set_configuration(configuration)
        env = {**os.environ, "LOOPLINT_LSP_DEBOUNCE_MS": str(DEBOUNCE_MS)}
        await client.start_io(*(server or SERVER), env=env)
        caps = capabilities or (pull_capabilities() if pull else push_capabilities())
        encoding = "utf-16"
        session = cls(client, root, pull, encoding)
        session_box.append(session)
        folders = folders if folders is not None else [root]
        result = await asyncio.wait_for(
            client.initialize_session(
                types.InitializeParams(
                    capabilities=caps,
                    workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
                    root_uri=folders[0].as_uri() if folders else None,
                    initialization_options=init_options,
                    client_info=types.ClientInfo(name=client_name) if client_name else None,
                )
            ),
            TIMEOUT,
        )
        session.initialize_result = result
        negotiated = result.capabilities.position_encoding
        session.encoding = str(getattr(negotiated, "value", negotiated) or "utf-16")
        for doc in session.docs.values():
            doc.encoding = session.encoding
        if wait_for_index:
            await session.wait_for_log("indexed ")
        return session

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_session(), TIMEOUT)
        finally:
            await self.client.stop()

    # -- documents -----------------------------------------------------------------------------
    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def open(self, rel: str, text: str | None = None, language_id: str = "python") -> str:
        uri = self.uri(rel)
        if text is None:
            text = (self.root / rel).read_text(encoding="utf-8")
        self.docs[uri] = ClientDoc(uri, text, 1, self.encoding)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
            )
        )
        return uri

    def close(self, uri: str) -> None:
        self.docs.pop(uri)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def edit(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Apply edits client-side and send them as one incremental didChange (in order)."""
        doc = self.docs[uri]
        changes = []
        for edit in edits:  # sequential: each edit's range refers to the text after the previous ones
            doc.apply([edit])
            changes.append(types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text))
        doc.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=doc.version),
                content_changes=changes,
            )
        )
        return doc.version

    def replace(self, uri: str, old: str, new: str, count: int = 1) -> int:
        """Replace the `count`-th occurrence of `old` with an incremental edit."""
        doc = self.docs[uri]
        start = -1
        for _ in range(count):
            start = doc.text.index(old, start + 1)
        edit = types.TextEdit(
            range=types.Range(start=doc.position(start), end=doc.position(start + len(old))), new_text=new
        )
        return self.edit(uri, [edit])

    def set_text(self, uri: str, text: str) -> int:
        doc = self.docs[uri]
        doc.text = text
        doc.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=doc.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return doc.version

    # -- diagnostics -----------------------------------------------------------------------------
    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """The diagnostics of the document's current version."""
        if self.pull:
            report = await asyncio.wait_for(
                self.client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
                ),
                TIMEOUT,
            )
            assert report.kind == "full"
            return list(report.items)
        version = self.docs[uri].version if uri in self.docs else None
        return list((await self.wait_publish(uri, lambda p: version is None or p.version == version)).diagnostics)

    async def wait_publish(self, uri: str, predicate=lambda p: True, *, after: int = 0) -> types.PublishDiagnosticsParams:
        """The newest publication for `uri` (beyond the first `after` ones) that satisfies `predicate`."""

        async def wait() -> types.PublishDiagnosticsParams:
            while True:
                found = self.published.get(uri, [])[after:]
                if found and predicate(found[-1]):
                    return found[-1]
                self._event.clear()
                await self._event.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    def workspace_diagnostics(self, known: dict[str, str] | None = None, token: str | None = None):
        """Start a `workspace/diagnostic` request (the server may hold it): await the returned task."""
        params = types.WorkspaceDiagnosticParams(
            previous_result_ids=[types.PreviousResultId(uri=u, value=v) for u, v in (known or {}).items()],
            partial_result_token=token,
        )
        return asyncio.ensure_future(self.client.workspace_diagnostic_async(params))

    def publish_count(self, uri: str) -> int:
        return len(self.published.get(uri, []))

    async def wait_for_log(self, text: str) -> types.LogMessageParams:
        return await self._wait_for_text(self.client.log_messages, text)

    async def wait_for_message(self, text: str) -> types.ShowMessageParams:
        """A window/showMessage: sent on its own, it may arrive after the diagnostics that follow it."""
        return await self._wait_for_text(self.client.messages, text)

    @staticmethod
    async def _wait_for_text(messages: list, text: str):
        async def wait():
            while True:
                for message in messages:
                    if text in message.message:
                        return message
                await asyncio.sleep(0.02)

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def wait_refresh(self, before: int) -> None:
        async def wait():
            while self.client.diagnostic_refresh_count <= before:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(wait(), TIMEOUT)

    # -- requests ----------------------------------------------------------------------------------
    async def code_actions(self, uri: str, rng: types.Range, diagnostics: list[types.Diagnostic], only=None):
        return await asyncio.wait_for(
            self.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=rng,
                    context=types.CodeActionContext(diagnostics=diagnostics, only=only),
                )
            ),
            TIMEOUT,
        )

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        if action.edit is not None:
            return action
        return await asyncio.wait_for(self.client.code_action_resolve_async(action), TIMEOUT)

    def apply_workspace_edit(self, edit: types.WorkspaceEdit) -> None:
        """Apply a WorkspaceEdit to the client's documents, checking versions like an editor."""
        if edit.document_changes:
            for change in edit.document_changes:
                doc = self.docs[change.text_document.uri]
                assert change.text_document.version in (None, doc.version), "edit for another version"
                self.edit(doc.uri, _sequential(list(change.edits), doc))
        for uri, edits in (edit.changes or {}).items():
            doc = self.docs[uri]
            self.edit(uri, _sequential(list(edits), doc))

    async def code_lenses(self, uri: str) -> list[types.CodeLens]:
        return list(
            await asyncio.wait_for(
                self.client.text_document_code_lens_async(
                    types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
                ),
                TIMEOUT,
            )
            or []
        )

    async def execute(self, command: types.Command):
        return await asyncio.wait_for(
            self.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
            ),
            TIMEOUT,
        )

    async def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        return await asyncio.wait_for(
            self.client.text_document_hover_async(
                types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
            ),
            TIMEOUT,
        )


def _sequential(edits: list[types.TextEdit], doc: ClientDoc) -> list[types.TextEdit]:
    """LSP edits of one TextDocumentEdit all refer to the original text: turn them into a sequence
    of edits (last first) so that each refers to the text after the previous ones."""
    return sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
