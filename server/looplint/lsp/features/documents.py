"""Open, change, save and close: the server's copy of the editor's buffers.

Edits are debounced (`DEBOUNCE_SECONDS`) before their check; an open checks at once.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from .. import worker as prio
from ..analysis import is_config, is_requirements
from ..convert import uri_to_path
from ..documents import Document, forget_line_index
from ..scheduling import DocState
from . import diagnostics, workspace

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")

DEBOUNCE_SECONDS = float(os.environ.get("LOOPLINT_LSP_DEBOUNCE_MS", "150")) / 1000.0
SAVE_OPTIONS = types.SaveOptions(include_text=False)


def did_open(ls: LooplintServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    doc = Document(item.uri, uri_to_path(item.uri), item.language_id, item.version, item.text, ls.encoding)
    state = DocState(doc, check_path_for(ls, doc), saved_version=item.version)
    old = ls.states.get(item.uri)
    if old is not None:
        ls.scheduler.forget(old)
    ls.states[item.uri] = state
    ls.scheduler.ensure(state, delay=0, priority=prio.DIAGNOSE)


def did_change(ls: LooplintServer, params: types.DidChangeTextDocumentParams) -> None:
    state = ls.states.get(params.text_document.uri)
    if state is None:
        log.warning("didChange for a document that is not open: %s", params.text_document.uri)
        return
    state.doc.apply_changes(params.content_changes, params.text_document.version)
    if not diagnostics.run_on_save(ls, state):
        ls.scheduler.ensure(state, delay=DEBOUNCE_SECONDS, priority=prio.DIAGNOSE)


async def did_save(ls: LooplintServer, params: types.DidSaveTextDocumentParams) -> None:
    state = ls.states.get(params.text_document.uri)
    if state is not None:
        state.saved_version = state.doc.version
        state.saved = None
        if diagnostics.run_on_save(ls, state):
            if ls.pull:  # the client pulls on its own only when it edits: ask it to
                diagnostics.ask_client_to_pull(ls)
            else:
                ls.scheduler.ensure(state, delay=0, priority=prio.DIAGNOSE)
    path = uri_to_path(params.text_document.uri)
    if path is not None and (is_config(path) or is_requirements(path) or workspace.is_editor_configuration(ls, path)):
        # Clients that cannot watch files still tell us about saved configuration.
        await workspace.files_changed(ls, [(path, types.FileChangeType.Changed)])


async def did_close(ls: LooplintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    state = ls.states.pop(uri, None)
    if state is None:
        return
    ls.scheduler.forget(state)
    forget_line_index(state.doc.text)
    if not ls.pull:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.report.document_closed(state.check_path, uri, settle=ls.pull)
    changed = await ls.run(prio.DIAGNOSE, ls.analyzer.close, uri, state.check_path)
    ls.garbage.note_big_free()  # its text, trees and results go at the next idle moment
    if changed and state.check_path is not None:
        diagnostics.refresh_dependents(ls, [state.check_path])


def check_path_for(ls: LooplintServer, doc: Document) -> Path | None:
    """What the engine checks a buffer as: its file, or a made-up file in the workspace for an
    untitled Python buffer (so that its imports resolve from there)."""
    if doc.path is not None:
        return doc.path
    if doc.language_id != "python":
        return None
    base = ls.analyzer.folders[-1].path if ls.analyzer.folders else Path(os.getcwd())
    return (base or Path(os.getcwd())) / f"untitled-{abs(hash(doc.uri)) % 10**8}.py"


