"""Engine values <-> LSP values. The only module where both kinds of types meet.

`Diagnostic.data` carries everything a quick fix needs, so a code action can
rebuild the fix from what the client sends back, with no cache on our side:

    {"uri", "version",            the document and version the diagnostic was computed for
     "code", "name", "range",     the engine's code, rule name and range (line 1-based, code point columns)
     "fix", "fixTitle",           fix applicability ("safe" | "unsafe" | None) and its title
     "data",                      the rule's own JSON-safe facts
     "stale"}                     true: carried over from the last version that parsed (no fix possible)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

from lsprotocol import types

from ..engine.model import Applicability, Diagnostic, Edit, Fix, Range, Severity
from .documents import Document, lsp_position_in

SOURCE = "looplint"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def path_to_uri(path: Path) -> str:
    return path.absolute().as_uri()


def uri_to_path(uri: str) -> Path | None:
    """The file a `file:` URI names (None for other schemes: untitled buffers, remote files)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":  # pragma: no cover
        path = path[1:]
    return Path(os.path.abspath(path))


def to_lsp_diagnostic(
    diagnostic: Diagnostic,
    doc: Document,
    *,
    url_for: Callable[[str], str | None],
    other_file_text: Callable[[Path], str | None],
    stale: bool = False,
) -> types.Diagnostic:
    """An engine diagnostic (positions in `doc.text`) as an LSP diagnostic for `doc`."""
    related = []
    for item in diagnostic.related:
        if doc.path is not None and item.path == doc.path:
            target_uri, rng = doc.uri, doc.lsp_range(item.range)
        else:
            text = other_file_text(item.path)
            target_uri = path_to_uri(item.path)
            if text is None:
                rng = _ascii_range(item.range)
            else:
                rng = types.Range(
                    start=lsp_position_in(text, item.range.line, item.range.col, doc.encoding),
                    end=lsp_position_in(text, item.range.end_line, item.range.end_col, doc.encoding),
                )
        related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=target_uri, range=rng), message=item.message))
    url = url_for(diagnostic.code) if diagnostic.code else None
    return types.Diagnostic(
        range=doc.lsp_range(diagnostic.range),
        message=diagnostic.message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Warning),
        code=diagnostic.code or None,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Deprecated] if diagnostic.deprecated else None,
        data={
            "uri": doc.uri,
            "version": doc.version,
            "code": diagnostic.code,
            "name": diagnostic.name,
            "range": diagnostic.range.to_json(),
            "fix": diagnostic.fix_applicability,
            "fixTitle": diagnostic.fix_message,
            "data": diagnostic.data,
            "stale": stale,
        },
    )


def _ascii_range(rng: Range) -> types.Range:
    return types.Range(
        start=types.Position(line=max(rng.line - 1, 0), character=rng.col),
        end=types.Position(line=max(rng.end_line - 1, 0), character=rng.end_col),
    )


class BadData(ValueError):
    """Diagnostic.data we did not write (another server's, a client that dropped it, garbage)."""


_APPLICABILITIES = frozenset(a.value for a in Applicability)  # how Diagnostic.data spells them


def from_lsp_diagnostic(lsp: types.Diagnostic, path: Path) -> tuple[Diagnostic, dict]:
    """Rebuild the engine diagnostic from what the client sent back; BadData when it is not ours."""
    data = lsp.data
    if lsp.source != SOURCE or not isinstance(data, dict):
        raise BadData("not a looplint diagnostic")
    try:
        code = data["code"]
        rng = Range.from_json(data["range"])
        fix = data.get("fix")
        if not isinstance(code, str) or not (fix is None or fix in _APPLICABILITIES):
            raise BadData("malformed data")
        rule_data = data.get("data") or {}
        if not isinstance(rule_data, dict):
            raise BadData("malformed rule data")
        title = data.get("fixTitle")
        diagnostic = Diagnostic(
            code=code,
            name=str(data.get("name") or ""),
            message=lsp.message,
            severity=_severity_from_lsp(lsp.severity),
            path=path,
            range=rng,
            fix_message=title if isinstance(title, str) else None,
            fix_applicability=Applicability(fix) if fix is not None else None,
            data=rule_data,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadData(str(exc)) from None
    return diagnostic, data


def _severity_from_lsp(severity) -> Severity:
    for engine_level, lsp_level in _SEVERITY.items():
        if lsp_level == severity:
            return engine_level
    return Severity.WARNING


def to_text_edits(edits, doc: Document) -> list[types.TextEdit]:
    """Engine edits (positions in `doc.text`) as LSP text edits."""
    return [types.TextEdit(range=doc.lsp_range(edit.range), new_text=edit.content) for edit in edits]


def workspace_edit(doc: Document, edits: list[Edit], *, document_changes: bool) -> types.WorkspaceEdit:
    """A WorkspaceEdit for one document; versioned when the client supports documentChanges,
    so a client whose buffer moved on rejects it instead of applying it at the wrong place."""
    text_edits = to_text_edits(edits, doc)
    if document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                    edits=text_edits,
                )
            ]
        )
    return types.WorkspaceEdit(changes={doc.uri: text_edits})


def fix_workspace_edit(
    doc: Document,
    fix: Fix,
    *,
    document_changes: bool,
    open_document: Callable[[Path], Document | None],
    read: Callable[[Path], str | None],
    create_files: bool,
) -> types.WorkspaceEdit | None:
    """A fix as one WorkspaceEdit: its edits in `doc`, and a migration's edits in other files (open
    documents versioned, closed files as they are on disk; a new file created first). None when the
    client cannot take it (another file without documentChanges support... is fine as `changes`; a new
    file needs documentChanges and the create operation)."""
    if not fix.other_files:
        return workspace_edit(doc, list(fix.edits), document_changes=document_changes)
    parts: list[tuple[str, int | None, list[types.TextEdit], bool]] = []  # (uri, version, edits, create)
    if fix.edits:
        parts.append((doc.uri, doc.version, to_text_edits(fix.edits, doc), False))
    for other in fix.other_files:
        if other.create:
            if not (document_changes and create_files):
                return None
            text = ""
            other_doc = None
        else:
            other_doc = open_document(other.path)
            text = other_doc.text if other_doc is not None else read(other.path)
            if text is None:
                return None
        encoding = doc.encoding
        edits = [
            types.TextEdit(range=types.Range(start=lsp_position_in(text, e.range.line, e.range.col, encoding),
                                             end=lsp_position_in(text, e.range.end_line, e.range.end_col, encoding)),
                           new_text=e.content)
            for e in other.edits
        ]
        parts.append((path_to_uri(other.path), other_doc.version if other_doc is not None else None, edits, other.create))
    if not document_changes:
        return types.WorkspaceEdit(changes={uri: edits for uri, _version, edits, _create in parts})
    changes: list = []
    for uri, version, edits, create in parts:
        if create:
            changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=False)))
        changes.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits))
    return types.WorkspaceEdit(document_changes=changes)
