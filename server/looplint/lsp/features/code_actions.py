"""Code actions: quick fixes rebuilt from `Diagnostic.data`, "suppress on this line" and
`source.fixAll.looplint`; edits are built lazily through `codeAction/resolve` when the client can."""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from ...engine.model import Applicability, fix_applies
from .. import actions as act
from .. import worker as prio
from ..analysis import is_config, is_python
from ..capabilities import capability, enum_value
from ...engine.model import Fix
from ..convert import BadData, fix_workspace_edit, from_lsp_diagnostic, path_to_uri, workspace_edit
from ..documents import Document
from ..scheduling import DocState

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")

CONTENT_MODIFIED = -32801  # LSP error: the document changed since the request's data was computed

OPTIONS = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, act.FIX_ALL], resolve_provider=True)


@dataclass
class _Request:
    """What every action of one codeAction request is built from."""

    ls: LooplintServer
    state: DocState
    snapshot: Document  # the document as it is now: edits are built for this version
    resolve: bool  # the client resolves edits lazily (codeAction/resolve)
    document_changes: bool  # the client takes versioned edits
    fixes: bool = True  # fixes can be built here (libcst's native module loads)

    def edit(self, edits) -> types.WorkspaceEdit:
        return workspace_edit(self.snapshot, edits, document_changes=self.document_changes)

    def fix_edit(self, fix: Fix) -> types.WorkspaceEdit | None:
        return _fix_edit(self.ls, self.snapshot, fix, self.document_changes)


def _fix_edit(ls: LooplintServer, snapshot: Document, fix: Fix, document_changes: bool) -> types.WorkspaceEdit | None:
    """A fix as one WorkspaceEdit over every document it changes (a migration edits several); None
    when the client cannot take it (a new file without the `create` resource operation)."""
    return fix_workspace_edit(
        snapshot, fix, document_changes=document_changes, open_document=lambda path: _open_document(ls, path),
        read=ls.analyzer.folder_for(snapshot.path).engine.read_text if snapshot.path else (lambda _p: None),
        create_files="create" in (capability(ls.caps, "workspace.workspace_edit.resource_operations") or []),
    )


def _open_document(ls: LooplintServer, path) -> Document | None:
    state = ls.states.get(path_to_uri(path))
    if state is None:
        return None
    doc = state.doc
    return Document(doc.uri, doc.path, doc.language_id, doc.version, doc.text, ls.encoding)


def _reader(ls: LooplintServer, path):
    """The current text of a file for a fix: an open buffer's, else the engine's (disk, or the
    project's view of unsaved Python buffers)."""
    engine = ls.analyzer.folder_for(path).engine

    def read(other):
        opened = _open_document(ls, other)
        return opened.text if opened is not None else engine.read_text(other)

    return read


async def code_action(ls: LooplintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    state = ls.states.get(params.text_document.uri)
    if state is None or state.check_path is None:
        return None
    if not is_config(state.check_path) and not is_python(state.check_path, state.doc.language_id):
        return None
    doc = state.doc
    request = _Request(
        ls,
        state,
        Document(doc.uri, doc.path, doc.language_id, doc.version, doc.text, ls.encoding),
        resolve="edit" in (capability(ls.caps, "text_document.code_action.resolve_support.properties") or []),
        document_changes=ls.supports("workspace.workspace_edit.document_changes"),
        fixes=fixes_available(ls),
    )
    only = [enum_value(k) for k in params.context.only] if params.context.only else None
    actions: list[types.CodeAction] = []
    if act.kind_wanted(only, act.QUICKFIX):
        actions.extend(await _quick_fixes(request, params.context.diagnostics))
    if request.fixes and act.kind_wanted(only, act.FIX_ALL):
        actions.extend(await _fix_all(request, explicit=act.explicitly_wanted(only, act.FIX_ALL)))
    return actions


async def _quick_fixes(request: _Request, lsp_diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    """A fix for each fresh diagnostic that has one, then a suppression for each (line, code)."""
    ls, state, snapshot = request.ls, request.state, request.snapshot
    config_file = is_config(state.check_path)
    settings = ls.analyzer.folder_for(state.check_path).settings  # codeAction.*.enable
    fix_actions = []
    suppress_actions = []
    suppressed: set[tuple[int, str]] = set()
    for lsp_diag in lsp_diagnostics:
        try:
            diagnostic, data = from_lsp_diagnostic(lsp_diag, state.check_path)
        except BadData:
            continue
        fresh = data.get("uri") == snapshot.uri and data.get("version") == snapshot.version and not data.get("stale")
        if diagnostic.fix_applicability and fresh and settings.fix_actions and request.fixes:
            title = diagnostic.fix_message or f"Fix {diagnostic.code}"
            action = types.CodeAction(
                title=f"{title} ({diagnostic.code})" if diagnostic.code not in title else title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                is_preferred=diagnostic.fix_applicability == Applicability.SAFE,
                data={"action": "fix", "uri": snapshot.uri, "version": snapshot.version, "diagnostic": data,
                      "message": lsp_diag.message, "severity": lsp_diag.severity},
            )
            if not request.resolve:
                fix = await ls.run(prio.INTERACTIVE, act.build_fix, ls.analyzer, snapshot.text, diagnostic,
                                   _reader(ls, state.check_path))
                edit = request.fix_edit(fix) if fix else None
                if edit is None:
                    continue
                action.edit = edit
            fix_actions.append(action)
        # Suppression: on the line the user sees the diagnostic on.
        line1 = diagnostic.range.line if fresh else lsp_diag.range.start.line + 1
        # Suppression comments are for Python files (config diagnostics: `ignore` in [tool.looplint]).
        if settings.suppress_actions and diagnostic.code and not config_file and (line1, diagnostic.code) not in suppressed:
            suppressed.add((line1, diagnostic.code))
            edit = await ls.run(prio.INTERACTIVE, act.suppression_edit, snapshot.text, line1, diagnostic.code)
            if edit is not None:
                suppress_actions.append(
                    types.CodeAction(
                        title=f"Suppress {diagnostic.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp_diag],
                        edit=request.edit([edit]),
                    )
                )
    return fix_actions + suppress_actions


async def _fix_all(request: _Request, *, explicit: bool) -> list[types.CodeAction]:
    """`source.fixAll.looplint` when something can be fixed (or the client asked for exactly it)."""
    ls, state, snapshot = request.ls, request.state, request.snapshot
    unsafe = ls.analyzer.folder_for(state.check_path).settings.unsafe_fixes
    analysis = (await ls.scheduler.current(state)).analysis
    applicable = [d for d in analysis.diagnostics if fix_applies(d.fix_applicability, unsafe)]
    if analysis.version != snapshot.version or analysis.carried or not (applicable or explicit):
        return []
    action = types.CodeAction(
        title="looplint: fix all auto-fixable problems",
        kind=act.FIX_ALL,
        data={"action": "fixAll", "uri": snapshot.uri, "version": snapshot.version, "unsafe": unsafe},
    )
    if request.resolve and applicable:
        return [action]
    edits = await ls.run(
        prio.INTERACTIVE, act.build_fix_all, ls.analyzer, state.check_path, snapshot.text, unsafe
    ) if applicable else []
    if not edits:
        return []
    action.edit = request.edit(edits)
    return [action]


def fixes_available(ls: LooplintServer) -> bool:
    """Can fixes be built here? If not, say why once (a window message and the log) and go on without."""
    problem = act.fixes_unavailable()
    if problem is None:
        return True
    if not ls.fix_problem_reported:
        ls.fix_problem_reported = True
        log.error("%s", problem)
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=problem))
    return False


class Stale(Exception):
    """The document a fix was asked for is closed or changed since."""


async def resolve(ls: LooplintServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else None
    if data is None or data.get("action") not in ("fix", "fixAll") or not isinstance(data.get("uri"), str):
        return action  # not ours, or already complete
    try:
        snapshot, change = await fix_edits(ls, data)
    except Stale as exc:
        raise JsonRpcException(code=CONTENT_MODIFIED, message=f"looplint: {exc}") from None
    except BadData as exc:
        raise JsonRpcException(code=-32602, message=f"looplint: malformed code action data: {exc}") from None
    edit = workspace_edit_for(ls, snapshot, change) if change or data["action"] != "fix" else None
    if edit is None:
        raise JsonRpcException(code=-32803, message="looplint: this fix cannot be applied to the current code")
    action.edit = edit
    return action


async def fix_edits(ls: LooplintServer, data: dict) -> tuple[Document, Fix | list | None]:
    """A diagnostic's fix (`action: fix`, with the diagnostic's data; None when it cannot be built) or
    fix-all's edits, for the document version `data` names; Stale when that is not the current one
    (BadData: data not ours)."""
    state = ls.states.get(data.get("uri"))
    if state is None or state.check_path is None:
        raise Stale("the document is no longer open")
    doc = state.doc
    if data.get("version") != doc.version:
        raise Stale("the document changed; ask for the code action again")
    snapshot = Document(doc.uri, doc.path, doc.language_id, doc.version, doc.text, ls.encoding)
    if data.get("action") == "fix":
        lsp_diag = types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            message=str(data.get("message") or ""),
            source="looplint",
            data=data.get("diagnostic"),
        )
        diagnostic, _ = from_lsp_diagnostic(lsp_diag, state.check_path)
        change = await ls.run(prio.INTERACTIVE, act.build_fix, ls.analyzer, snapshot.text, diagnostic,
                              _reader(ls, state.check_path))
    else:
        change = await ls.run(
            prio.INTERACTIVE, act.build_fix_all, ls.analyzer, state.check_path, snapshot.text, bool(data.get("unsafe"))
        ) or []
    if doc.version != snapshot.version:
        raise Stale("the document changed while the fix was built")
    return snapshot, change


def workspace_edit_for(ls: LooplintServer, snapshot: Document, change: Fix | list) -> types.WorkspaceEdit | None:
    """A fix (over every file it changes) or a list of edits in `snapshot`, as one WorkspaceEdit; None
    for a fix the client cannot take."""
    document_changes = ls.supports("workspace.workspace_edit.document_changes")
    if isinstance(change, Fix):
        return _fix_edit(ls, snapshot, change, document_changes)
    return workspace_edit(snapshot, change, document_changes=document_changes)
