"""Diagnostics: checking a document, pull or push, re-checking dependents, settings errors.

Pulled (`textDocument/diagnostic`) when the client can, pushed
(`publishDiagnostics`) otherwise, never both. A pull for a version whose check
is already queued or running waits for that check instead of starting another.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from .. import worker as prio
from ...engine.model import Diagnostic
from ..analysis import Analysis, config_error_diagnostic, is_config, is_python
from ..convert import path_to_uri, to_lsp_diagnostic
from ..documents import Document
from ..scheduling import Checked, DocState

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")

OPTIONS = types.DiagnosticOptions(identifier="looplint", inter_file_dependencies=True, workspace_diagnostics=True)


async def pull(ls: LooplintServer, params: types.DocumentDiagnosticParams):
    state = ls.states.get(params.text_document.uri)
    if state is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    if state.saved is not None and state.doc.version != state.saved_version and run_on_save(ls, state):
        checked = state.saved  # lint.run onSave: what was checked when the file was last saved
    else:
        checked = await ls.scheduler.current(state)
    if params.previous_result_id and params.previous_result_id == checked.result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=checked.result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=checked.lsp, result_id=checked.result_id)


def checked(ls: LooplintServer, state: DocState, result: Checked) -> None:
    """A check of an open document's current version finished (on the loop)."""
    if result.version == state.saved_version:
        state.saved = result
    if not ls.pull:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=state.doc.uri, diagnostics=result.lsp, version=result.version)
        )
    if result.analysis.summary_changed and state.check_path is not None:
        refresh_dependents(ls, [state.check_path])


# -- checking (analysis thread) ------------------------------------------------------------------


def analyse(ls: LooplintServer, doc: Document, check_path: Path | None) -> Checked:
    """Analysis thread: check one snapshot and convert the result for the client."""
    started = time.perf_counter()
    with ls.garbage.paused():
        try:
            if check_path is None:
                analysis = Analysis(doc.uri, doc.version, doc.text)
            elif is_config(check_path):
                analysis = ls.analyzer.check_config(doc.uri, check_path, doc.version, doc.text)
            elif is_python(check_path, doc.language_id):
                analysis = ls.analyzer.check_python(doc.uri, check_path, doc.version, doc.text)
            else:
                analysis = Analysis(doc.uri, doc.version, doc.text)
        except Exception:
            log.exception("checking %s failed", doc.uri)
            analysis = Analysis(doc.uri, doc.version, doc.text, problem="internal error")
        texts: dict[Path, str | None] = {}  # other files named by related information, read once

        def other_text(path: Path) -> str | None:
            if path not in texts:
                texts[path] = ls.file_text(path)
            return texts[path]

        lsp = [to_lsp(ls, d, doc, stale=analysis.carried, other_text=other_text) for d in analysis.diagnostics]
    log.debug(
        "checked %s v%s in %.1f ms: %d diagnostics%s",
        doc.uri, doc.version, (time.perf_counter() - started) * 1000, len(lsp),
        " (kept from the last version that parsed)" if analysis.carried else "",
    )
    return Checked(analysis, lsp)


def to_lsp(ls: LooplintServer, diagnostic: Diagnostic, doc: Document, *, stale: bool = False, other_text=None):
    return to_lsp_diagnostic(
        diagnostic,
        doc,
        url_for=lambda code: rule_url(ls, code),
        other_file_text=other_text or ls.file_text,
        stale=stale,
    )


def rule_url(ls: LooplintServer, code: str) -> str | None:
    rule = ls.analyzer.rules_by_code.get(code)
    return rule.url if rule is not None else None


# -- re-checks ----------------------------------------------------------------------------------------


def refresh_dependents(ls: LooplintServer, changed: list[Path]) -> None:
    """Re-check the files whose diagnostics may change with `changed` files: open ones, and the
    workspace report's entries."""
    candidates = {
        state.check_path: uri
        for uri, state in ls.states.items()
        if state.check_path is not None and is_python(state.check_path, state.doc.language_id)
        and state.check_path not in changed
    }
    report = ls.report
    closed = [p for p in report.files if p.suffix == ".py" and p not in candidates] if report.active else []
    if not candidates and not closed:
        return

    async def work() -> None:
        found = await ls.run(prio.DEPENDENTS, ls.index.dependents, changed, [*candidates, *closed])
        recheck(ls, [candidates[p] for p in found if p in candidates])
        report.invalidate([p for p in found if p not in candidates])

    ls.spawn(work())


def recheck(ls: LooplintServer, uris: list[str] | None = None) -> None:
    """Forget the results of open documents (all when None) and check them again."""
    states = [ls.states[u] for u in (uris if uris is not None else list(ls.states)) if u in ls.states]
    if not states:
        return
    for state in states:
        state.latest = None
        state.saved = None
    if ls.pull:
        if ls.supports("workspace.diagnostics.refresh_support"):
            ask_client_to_pull(ls)
        else:
            for state in states:  # keep our results current for the client's next pull
                ls.scheduler.ensure(state, delay=0, priority=prio.DEPENDENTS)
        return
    for state in states:
        ls.scheduler.ensure(state, delay=0, priority=prio.DEPENDENTS)


def ask_client_to_pull(ls: LooplintServer) -> None:
    """`workspace/diagnostic/refresh`: the client pulls the open documents' diagnostics again (and,
    since lenses follow the diagnostics, asks for code lenses again)."""
    if ls.supports("workspace.diagnostics.refresh_support"):
        ls.send_request_quietly(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)
    if ls.supports("workspace.code_lens.refresh_support"):
        ls.send_request_quietly(types.WORKSPACE_CODE_LENS_REFRESH, None)


def run_on_save(ls: LooplintServer, state: DocState) -> bool:
    """`lint.run: onSave` for this document's folder: edits are not checked until saved."""
    return ls.analyzer.folder_for(state.check_path).settings.lint_run == "onSave"


# -- settings errors ---------------------------------------------------------------------------------


async def report_config_errors(ls: LooplintServer) -> None:
    """`[tool.looplint]` errors: a popup once each, and a diagnostic in the file for push clients."""
    errors = await ls.run(prio.DEPENDENTS, ls.analyzer.config_errors)
    open_paths = {state.doc.path for state in ls.states.values()}
    published: set[str] = set()
    for error in errors:
        key = (str(error.path), error.line, error.key, error.message)
        if key not in ls.config_warned:
            ls.config_warned.add(key)
            message = f"looplint: {error} (using the default settings until it is fixed)"
            log.warning("%s", message)
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        if ls.pull or error.path in open_paths or error.path in ls.report.files:
            continue  # open documents and the workspace report's files get theirs the usual way
        text = ls.file_text(error.path)
        doc = Document(path_to_uri(error.path), error.path, "toml", 0, text or "", ls.encoding)
        diagnostic = to_lsp(ls, config_error_diagnostic(error, text), doc)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[diagnostic]))
        published.add(doc.uri)
    for uri in ls.config_published - published:
        if uri not in ls.states:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.config_published = published
