"""Code lenses on test classes whose async tests never run (UT001), where they save a click.

One lens per class: "N async tests never run — make `X` run them", which applies
UT001's fix once for the class (the fix changes the class's bases, so every
one of its async tests runs). Lenses show only on classes with the problem, so
they are on by default (`codeLens.enable`).

A class usually inherits the problem from a project base (`SSotAsyncTestCase`
on `unittest.TestCase`). Changing the base instead fixes every class that
inherits it, in every file: that is a multi-file migration. `BASE_MIGRATIONS`
is where such a migration plugs in: a provider given the class's diagnostics
returns a `Migration` (title and command), and its lens is shown next to the
class's own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from lsprotocol import types

from ..analysis import is_python
from ..convert import BadData
from ..documents import Document
from . import code_actions

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")

APPLY_FIX = "looplint.server.applyFix"
LENS_CODE = "UT001"


@dataclass(frozen=True)
class Migration:
    """A change of a base class that fixes `classes` test classes at once (in several files)."""

    title: str
    command: str
    arguments: list[Any]


# Providers of base migrations: (server, document, the class's LSP diagnostics) -> Migration | None.
BASE_MIGRATIONS: list[Callable[..., Migration | None]] = []


async def code_lens(ls: LooplintServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    state = ls.states.get(params.text_document.uri)
    if state is None or state.check_path is None or not is_python(state.check_path, state.doc.language_id):
        return []
    if not ls.analyzer.folder_for(state.check_path).settings.code_lens or not code_actions.fixes_available(ls):
        return []  # off, or no fix can be built here (the lens applies one)
    checked = await ls.scheduler.current(state)
    if checked.version != state.doc.version or checked.analysis.carried:
        return []  # positions of another version; the client asks again after the edit
    doc = state.doc
    by_class: dict[tuple[int, str], list[types.Diagnostic]] = {}
    for lsp_diag in checked.lsp:
        data = (lsp_diag.data or {}).get("data") or {}
        if lsp_diag.code == LENS_CODE and isinstance(data.get("class_line"), int) and isinstance(data.get("class"), str):
            by_class.setdefault((data["class_line"], data["class"]), []).append(lsp_diag)
    lenses = []
    for (line, name), diagnostics in sorted(by_class.items()):
        lens_range = _class_range(doc, line, name)
        count = len(diagnostics)
        never_run = f"{count} async tests never run" if count != 1 else "1 async test never runs"
        lsp_data = diagnostics[0].data or {}
        if "base" in (lsp_data.get("data") or {}) and lsp_data.get("fixTitle"):
            # UT001's fix is the migration of the base the class inherits from: say which change it is.
            fix_title = lsp_data["fixTitle"]
            title = f"{never_run} — {fix_title[:1].lower()}{fix_title[1:]}"
        else:
            title = f"{never_run} — make `{name}` run {'them' if count != 1 else 'it'}"
        lenses.append(
            types.CodeLens(
                range=lens_range,
                command=types.Command(title=title, command=APPLY_FIX, arguments=[_fix_arguments(doc, diagnostics[0])]),
            )
        )
        for provider in BASE_MIGRATIONS:
            migration = provider(ls, doc, diagnostics)
            if migration is not None:
                lenses.append(
                    types.CodeLens(
                        range=lens_range,
                        command=types.Command(title=migration.title, command=migration.command, arguments=migration.arguments),
                    )
                )
    return lenses


def _class_range(doc: Document, line1: int, name: str) -> types.Range:
    text = doc.line_text(line1)
    col = text.find(name)
    col = col if col >= 0 else len(text) - len(text.lstrip())
    return types.Range(start=doc.lsp_position(line1, col), end=doc.lsp_position(line1, col + len(name)))


def _fix_arguments(doc: Document, lsp_diag: types.Diagnostic) -> dict:
    return {"uri": doc.uri, "version": doc.version, "diagnostic": lsp_diag.data, "message": lsp_diag.message}


async def apply_fix(ls, *args: Any) -> dict:  # no annotation on ls: pygls reads the hints of commands
    """`looplint.server.applyFix {uri, version, diagnostic}`: build a diagnostic's fix and apply it."""
    data = args[0] if args and isinstance(args[0], dict) else None
    if data is None:
        return {"applied": False, "message": "looplint.applyFix needs {uri, version, diagnostic}"}
    try:
        snapshot, edits = await code_actions.fix_edits(ls, {**data, "action": "fix"})
    except (code_actions.Stale, BadData) as exc:
        return {"applied": False, "message": str(exc)}
    edit = code_actions.workspace_edit_for(ls, snapshot, edits) if edits else None
    if edit is None:
        return {"applied": False, "message": "this fix cannot be applied to the current code"}
    answer = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="looplint: make the class run its async tests"))
    return {"applied": bool(getattr(answer, "applied", False))}


OPTIONS = types.CodeLensOptions(resolve_provider=False)
