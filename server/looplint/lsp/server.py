"""The looplint language server: `looplint server` (stdio).

Threads: pygls reads messages on its own thread and runs our handlers on the
asyncio loop; every handler only does bookkeeping there and hands engine work
to the analysis thread (`worker`), so the loop keeps answering while a big
file is checked or the workspace is indexed. Results come back to the loop,
which is the only thread that talks to the client.

This module holds what every feature shares (the open documents, the analysis
thread, the engines, the negotiated capabilities) and the plumbing between
threads. The handlers live in `features/`, one module per feature, and are
registered from the one table there (`features.FEATURES`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..engine.source import SourceError, read_source
from . import transport
from .analysis import Analyzer
from .capabilities import capability
from .documents import UTF16
from .index import WorkspaceIndex
from .logs import AnsweredErrors, ClientLogHandler, FileLog
from .memory import GarbagePolicy
from .protocol import LooplintProtocol
from .scheduling import DocState, Scheduler
from .settings import ServerSettings
from .worker import Worker
from .workspace_report import WorkspaceReport

log = logging.getLogger("looplint.lsp")


class LooplintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            name="looplint",
            version=__version__,
            protocol_cls=LooplintProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        from .features import diagnostics  # the features import this module for its type only

        self.states: dict[str, DocState] = {}  # open documents by URI
        self.garbage = GarbagePolicy()
        self.worker = Worker(on_idle=self.garbage.collect_when_idle)
        self.scheduler = Scheduler(
            self.worker,
            analyse=lambda doc, path: diagnostics.analyse(self, doc, path),
            on_checked=lambda state, checked: diagnostics.checked(self, state, checked),
        )
        self.init_settings = ServerSettings()  # from initializationOptions: the baseline
        self.settings = ServerSettings()  # what applies now (the editor's latest on top)
        self.analyzer = Analyzer(self.settings)
        self.index = WorkspaceIndex(self.analyzer)
        self.report = WorkspaceReport(self)  # the workspace's diagnostics (diagnostics.scope)
        self.pull = False  # the client pulls diagnostics (else we publish them)
        self.client_name: str | None = None  # clientInfo.name: some clients show diagnostics in the hover
        self.encoding = UTF16
        self.loop: asyncio.AbstractEventLoop | None = None
        self.indexed = asyncio.Event()
        self.log_handler = ClientLogHandler(self)
        self.file_log = FileLog()
        self.config_published: set[str] = set()  # config files we published a settings error for
        self.config_warned: set[tuple] = set()  # settings errors already shown in a popup
        self.fix_problem_reported = False  # "fixes are unavailable here" is said once
        self._background: set[asyncio.Task] = set()

    # -- plumbing ----------------------------------------------------------------------------
    def call_in_loop(self, fn: Callable, *args) -> None:
        """Run `fn` on the loop thread (the only one that writes to the client)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    async def run(self, priority: int, fn: Callable, *args) -> Any:
        """Run `fn` on the analysis thread and await its result."""
        return await asyncio.wrap_future(self.worker.submit(priority, fn, *args))

    def spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_task_error)

    def send_request_quietly(self, method: str, params: Any) -> None:
        """A request whose answer we do not need (refresh, registration): log failures only."""
        future = self.protocol.send_request(method, params)
        future.add_done_callback(lambda f: _log_future_error(f, method))

    def report_server_error(self, error: Exception, source) -> None:
        # Logged to the client's output, never popped up: errors in requests are answered
        # as JSON-RPC errors already, and a popup per malformed message would be noise.
        if source is FeatureRequestError:
            log.debug("request failed (answered with an error): %s", error)
        else:
            log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

    # -- client capabilities ------------------------------------------------------------------
    @property
    def caps(self) -> types.ClientCapabilities:
        return self.client_capabilities

    def supports(self, dotted: str) -> bool:
        return bool(capability(self.caps, dotted))

    # -- documents ------------------------------------------------------------------------------
    def file_text(self, path: Path) -> str | None:
        """The text of a file as the editor has it: its open buffer, else the file on disk."""
        try:  # called from the analysis thread: the dict may change meanwhile
            for state in list(self.states.values()):
                if state.doc.path == path:
                    return state.doc.text
        except RuntimeError:
            pass
        try:
            return read_source(path).text
        except SourceError:
            return None


def _log_task_error(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


def _log_future_error(future, method: str) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.info("%s: the client answered with an error: %s", method, exc)


def create_server() -> LooplintServer:
    """A server with every feature of the table registered."""
    from .features import COMMANDS, FEATURES

    server = LooplintServer()
    for feature in FEATURES:
        server.feature(feature.method, feature.options)(feature.handler)
    for name, handler in COMMANDS:
        server.command(name)(handler)
    return server


def run_stdio() -> None:
    """Serve on stdin/stdout. Nothing but protocol messages ever reaches the real stdout."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything else written to stdout (a print() in a plugin, a C library) goes to stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="looplint: %(levelname)s: %(message)s")
    server = create_server()
    looplint_log = logging.getLogger("looplint")
    looplint_log.setLevel(logging.DEBUG)
    looplint_log.addHandler(server.log_handler)
    looplint_log.propagate = False
    logging.getLogger("pygls").setLevel(logging.ERROR)
    for handler in logging.getLogger().handlers:  # filters on handlers see the records of child loggers
        handler.addFilter(AnsweredErrors())
    transport.serve(server, stdin, protocol_out)  # not pygls' reader: see transport
