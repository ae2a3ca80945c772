"""The editor's `looplint.*` settings: from initializationOptions, workspace/configuration and
didChangeConfiguration, per workspace folder (see `..settings` for the keys)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .. import worker as prio
from ..settings import ServerSettings, expand_path, extract_section
from . import diagnostics, workspace_diagnostics

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")


async def changed(ls: LooplintServer, params: types.DidChangeConfigurationParams) -> None:
    payload = params.settings if params.settings is not None else {}
    changed_checks = await refresh(ls, payload)
    if changed_checks:
        log.info("settings changed: checking open files again")
    diagnostics.recheck(ls)  # also when only the fix settings changed: cheap, and results stay honest
    await workspace_diagnostics.apply_scope(ls, recompute=changed_checks)


async def refresh(ls: LooplintServer, payload: Any = None) -> bool:
    """Re-read settings (workspace/configuration when the client offers it); True if checks change."""
    folders = list(ls.analyzer.folders)
    raw_global: Any = extract_section(payload) if payload is not None else None
    raw_folders: list[Any] = [None] * len(folders)
    if ls.supports("workspace.configuration"):
        items = [types.ConfigurationItem(section="looplint")] + [
            types.ConfigurationItem(scope_uri=f.uri, section="looplint") for f in folders
        ]
        try:
            answer = await asyncio.wait_for(
                ls.workspace_configuration_async(types.ConfigurationParams(items=items)), timeout=10
            )
        except Exception as exc:
            log.warning("workspace/configuration failed: %s", exc)
            answer = None
        if isinstance(answer, (list, tuple)) and len(answer) == len(items):
            raw_global = answer[0] if answer[0] is not None else raw_global
            raw_folders = list(answer[1:])
    # The initializationOptions are the baseline; what the editor says now goes on top.
    if raw_global is not None:
        ls.settings = ServerSettings.from_dict(raw_global, base=ls.init_settings)
    apply_log_settings(ls, ls.settings)
    per_folder = [
        (f, ServerSettings.from_dict(raw, base=ls.settings).in_folder(f.path)) for f, raw in zip(folders, raw_folders)
    ]

    def apply() -> bool:
        changed = False
        ls.analyzer.default_settings = ls.settings
        for folder, settings in per_folder:
            changed |= ls.analyzer.apply_settings(folder, settings)
        changed |= ls.analyzer.apply_settings(ls.analyzer.default, ls.settings)
        return changed

    return await ls.run(prio.INTERACTIVE, apply)


def apply_log_settings(ls: LooplintServer, settings: ServerSettings) -> None:
    """`logLevel` and `logFile` are the server's, not a folder's: the global settings decide."""
    ls.log_handler.set_level_name(settings.log_level)
    ls.file_log.use(expand_path(settings.log_file) if settings.log_file else None, settings.log_level)
