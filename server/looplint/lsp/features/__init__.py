"""The server's features, one module each, and the one table that registers them.

- `lifecycle`: initialize, initialized, shutdown;
- `documents`: open, change, save and close of documents;
- `diagnostics`: checking a document, pull and push, re-checking dependents, settings errors;
- `workspace_diagnostics`: the whole workspace's diagnostics (`workspace/diagnostic`, Check Workspace);
- `code_actions`: quick fixes, "suppress on this line", `source.fixAll.looplint`;
- `hover`: a diagnostic's explanation, a rule code in a suppression comment;
- `code_lens`: "N async tests never run" on test classes, with the class's fix;
- `configuration`: the editor's `looplint.*` settings;
- `workspace`: workspace folders, indexing, watched files.

The scheduling of checks (debounce, supersede) is not a feature: see `..scheduling`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from lsprotocol import types

from . import code_actions, code_lens, configuration, diagnostics, documents, hover, lifecycle, workspace, workspace_diagnostics


@dataclass(frozen=True)
class Feature:
    method: str
    handler: Callable  # (ls, params); a coroutine function when it awaits the analysis thread
    options: Any = None  # the registration options pygls advertises in the server capabilities


FEATURES: tuple[Feature, ...] = (
    Feature(types.INITIALIZE, lifecycle.initialize),
    Feature(types.INITIALIZED, lifecycle.initialized),
    Feature(types.SHUTDOWN, lifecycle.shutdown),
    Feature(types.TEXT_DOCUMENT_DID_OPEN, documents.did_open),
    Feature(types.TEXT_DOCUMENT_DID_CHANGE, documents.did_change),
    Feature(types.TEXT_DOCUMENT_DID_SAVE, documents.did_save, documents.SAVE_OPTIONS),
    Feature(types.TEXT_DOCUMENT_DID_CLOSE, documents.did_close),
    Feature(types.TEXT_DOCUMENT_DIAGNOSTIC, diagnostics.pull, diagnostics.OPTIONS),
    Feature(types.WORKSPACE_DIAGNOSTIC, workspace_diagnostics.pull),
    Feature(workspace_diagnostics.CHECK_WORKSPACE_REQUEST, workspace_diagnostics.check_workspace_request),
    Feature(types.TEXT_DOCUMENT_CODE_ACTION, code_actions.code_action, code_actions.OPTIONS),
    Feature(types.CODE_ACTION_RESOLVE, code_actions.resolve),
    Feature(types.TEXT_DOCUMENT_HOVER, hover.hover),
    Feature(types.TEXT_DOCUMENT_CODE_LENS, code_lens.code_lens, code_lens.OPTIONS),
    Feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION, configuration.changed),
    Feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, workspace.folders_changed),
    Feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, workspace.watched_files_changed),
)

# workspace/executeCommand: (command, handler(ls, *arguments)).
COMMANDS: tuple[tuple[str, Callable], ...] = (
    (workspace_diagnostics.CHECK_WORKSPACE, workspace_diagnostics.check_workspace_command),
    (code_lens.APPLY_FIX, code_lens.apply_fix),
)
