"""initialize, initialized, shutdown."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ... import __version__
from ..capabilities import capability, enum_value
from ..convert import uri_to_path
from ..documents import UTF8, UTF16, UTF32
from ..settings import ServerSettings, extract_section
from . import configuration, diagnostics, workspace, workspace_diagnostics

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")


def initialize(ls: LooplintServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    ls.pull = bool(capability(params.capabilities, "text_document.diagnostic"))
    ls.client_name = params.client_info.name if params.client_info else None
    # pygls negotiated it: the first of the client's positionEncodings it supports, else UTF-16.
    encoding = enum_value(ls.workspace.position_encoding)
    ls.encoding = encoding if encoding in (UTF8, UTF16, UTF32) else UTF16
    ls.init_settings = ServerSettings.from_dict(extract_section(params.initialization_options))
    ls.settings = ls.init_settings
    configuration.apply_log_settings(ls, ls.settings)
    ls.analyzer.default_settings = ls.settings
    ls.analyzer.apply_settings(ls.analyzer.default, ls.settings)
    ls.analyzer.set_folders(_folders(params))
    log.info(
        "looplint %s: %s diagnostics, position encoding %s, %d workspace folder(s), client %s",
        __version__, "pull" if ls.pull else "push", ls.encoding, len(ls.analyzer.folders), ls.client_name or "unnamed",
    )


def _folders(params: types.InitializeParams) -> list[tuple[str, Path]]:
    """The workspace folders; the root URI (or root path) of clients that name no folders."""
    folders = [(f.uri, uri_to_path(f.uri)) for f in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [(params.root_uri, uri_to_path(params.root_uri))]
    elif not folders and params.root_path:
        folders = [(Path(params.root_path).absolute().as_uri(), Path(params.root_path).absolute())]
    return [(u, p) for u, p in folders if p is not None]


async def initialized(ls: LooplintServer, params: types.InitializedParams) -> None:
    if await configuration.refresh(ls):
        diagnostics.recheck(ls)  # documents opened before the settings arrived
    workspace.register_watchers(ls)
    if not ls.pull:
        ls.report.listeners.append(workspace_diagnostics.Publisher(ls))
    await workspace_diagnostics.apply_scope(ls)  # with the scope `workspace`, its run builds the index
    ls.spawn(workspace.index_workspace(ls))


def shutdown(ls: LooplintServer, params: None) -> None:
    ls.report.close()
    ls.worker.stop()
