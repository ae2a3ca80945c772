"""Hover: the explanation of the diagnostics under the cursor, of a rule code in a suppression
comment (`# looplint: ignore[UT001]`, `# noqa: UT001`), or, on a class's or a def's name without a
diagnostic, what the engine's semantic model knows about it. The message itself is left out for
clients that show it beside the hover (see `..hover`)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ..analysis import is_config, is_python
from ..capabilities import capability, enum_value
from .. import worker as prio
from ...engine.pytest_model import project_pytest
from ..hover import client_shows_diagnostics, code_in_suppression, definition_name_at, diagnostic_markdown, rule_markdown

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")


async def hover(ls: LooplintServer, params: types.HoverParams) -> types.Hover | None:
    state = ls.states.get(params.text_document.uri)
    if state is None or state.check_path is None:
        return None
    config_file = is_config(state.check_path)
    if not config_file and not is_python(state.check_path, state.doc.language_id):
        return None
    doc = state.doc
    line1, col = doc.engine_position(params.position)
    markdown = "markdown" in [enum_value(k) for k in (capability(ls.caps, "text_document.hover.content_format") or ["markdown"])]
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText

    found = None if config_file else code_in_suppression(doc.line_text(line1), col)
    if found is not None:
        code, start, end, ours = found
        rule = ls.analyzer.rules_by_code.get(code)
        if rule is None and not ours:
            return None  # another tool's noqa code
        text = rule_markdown(rule) if rule is not None else f"`{code}` is not a looplint rule code (see `looplint rules`)."
        return types.Hover(
            contents=types.MarkupContent(kind=kind, value=text),
            range=types.Range(start=doc.lsp_position(line1, start), end=doc.lsp_position(line1, end)),
        )

    analysis = (await ls.scheduler.current(state)).analysis
    if analysis.version != doc.version:
        return None  # the document moved on while we checked; the client will ask again
    hits = [d for d in analysis.diagnostics if d.range.contains(line1, col)]
    if not hits:
        # No diagnostic here: on a class's or a def's name, what the engine knows about it (how the
        # class runs its tests, what the function does to event loops). Only for a text that parsed:
        # the engine's context is then this very version.
        name = None if config_file or analysis.carried or not analysis.parses else definition_name_at(doc.line_text(line1), col)
        if name is None:
            return None
        text = await ls.run(prio.INTERACTIVE, _definition_markdown, ls, state.check_path, line1, doc.text)
        if not text:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=kind, value=text),
            range=types.Range(start=doc.lsp_position(line1, name[0]), end=doc.lsp_position(line1, name[1])),
        )
    setting = ls.analyzer.folder_for(state.check_path).settings.hover_include_message
    include_message = setting if setting is not None else not client_shows_diagnostics(ls.client_name)
    versions = await ls.run(prio.INTERACTIVE, _project_versions, ls, state.check_path)
    parts = [
        diagnostic_markdown(d, ls.analyzer.rules_by_code.get(d.code), include_message=include_message, versions=versions)
        for d in hits
    ]
    first = hits[0].range
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value="\n\n---\n\n".join(parts)),
        range=doc.lsp_range(first),
    )


def _project_versions(ls: LooplintServer, path):
    """Analysis thread: the Python and plugin versions the project uses (None when unknown)."""
    try:
        return project_pytest(ls.analyzer.project_for(path)).versions
    except Exception:  # versions are an aid: a hover without them is still right
        return None


def _definition_markdown(ls: LooplintServer, path, line1: int, text: str) -> str | None:
    """Analysis thread: the engine's explanation of the definition on `line1` (Engine.explain_definition)."""
    folder = ls.analyzer.folder_for(path)
    try:
        if not folder.settings.enable or folder.engine.project_for(path).is_excluded(path):
            return None  # looplint says nothing about a file it does not check
        return folder.engine.explain_definition(path, line1, text)
    except Exception:  # an aid: no hover rather than a failed request
        log.exception("hover: no explanation of the definition on line %d of %s", line1, path)
        return None
